"""The one score colour ramp (red -> yellow -> green) for the overlay, the body figure and the score label."""

from __future__ import annotations

import math

RED_BELOW = 40.0  # a score at or under this is plain red
GREEN_ABOVE = 90.0  # at or over this, plain green
NO_SCORE_RGB = (150, 150, 150)


def score_rgb(score: float | None) -> tuple[int, int, int]:
    """(r, g, b) 0..255 for a 0-100 score; grey for no score (None or NaN).

    Red rises to yellow, then green stays full while red fades: the midpoint (65) is yellow, which reads
    as "nearly" on a dark background better than the brown a straight red-green blend gives.
    """
    if score is None or not math.isfinite(score):
        return NO_SCORE_RGB
    f = min(1.0, max(0.0, (score - RED_BELOW) / (GREEN_ABOVE - RED_BELOW)))
    return (round(255 * min(1.0, 2.0 - 2.0 * f)), round(255 * min(1.0, 2.0 * f)), 0)


def score_bgr(score: float | None) -> tuple[int, int, int]:
    """score_rgb in OpenCV's channel order."""
    r, g, b = score_rgb(score)
    return (b, g, r)
