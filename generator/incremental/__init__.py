"""What exists only to make builds fast: the build cache and the probe for files deleted by hand."""
