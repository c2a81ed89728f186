"""Pose: the mediapipe estimator and its models, the one landmark table, the view a take is filmed from."""
