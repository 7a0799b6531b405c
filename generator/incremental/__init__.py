"""What exists only to make builds fast. build.py and serve/ reach it through one object,
door.Incremental; the model, the content checks, the templates and the editor never import it."""
