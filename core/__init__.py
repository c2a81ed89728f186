"""PoseCoach core: headless pose, features, alignment, scoring and feedback (no Qt here)."""
