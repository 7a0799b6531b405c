"""The editor's commands: new issue, add papers from arXiv, import Hugging Face daily."""
