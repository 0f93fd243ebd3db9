"""What makes a rebuild cheap: the build cache and the quick re-plan."""
