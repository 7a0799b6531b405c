"""What exists only to make builds fast: the build cache, the probe for files deleted by hand and
the catalog updated in place."""
