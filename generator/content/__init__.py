"""Reading and checking what the editor wrote: files, site.yaml, issues, warnings."""
