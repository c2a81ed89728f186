"""Score and feedback: calibrated scores, tolerance from examples, corrections, the colour ramp."""
