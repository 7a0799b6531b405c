"""What exists only to make builds fast: the build cache, the probe for files deleted by hand,
Markdown rendered ahead and the catalog updated in place."""
