"""Running episodes and experiments, and storing their results."""
