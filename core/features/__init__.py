"""Features: keypoints -> per-bone normalised bone vectors, frame-pair costs, default part weights."""
