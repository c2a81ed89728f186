"""Match: alignment (DTW), recognition, the live engine and auto-detect, splitting a take into reps."""
