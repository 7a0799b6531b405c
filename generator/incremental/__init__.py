"""What exists only to make builds fast: the build cache."""
