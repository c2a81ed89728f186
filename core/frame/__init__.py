"""Frames in: video files, cameras and keypoint files, and the one-slot hand-over between threads."""
