"""A move's tolerance per body part and per phase, from the spread between its examples (grading only).

A coach's three jabs show what variation is fine: where they agree (the guard, the extended arm) a student's
difference matters more; where they differ (how high the rear hand drifts on the way back) it matters less.
For every reference frame and part, the spread is the mean part distance of the other examples to the first
along their alignment (core.match.align.anchored_path). Grading divides a take's part distances by that spread
relative to SAME_PERSON_SPREAD, the spread of one person's own reps, so the score keeps its calibration on
average and only shifts weight between phases and parts. With one example there is no spread: all 1.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..features.bones import Features, part_costs, total_cost
from ..match.align import anchored_path
from ..pose.skeleton import PARTS

# Median part distance between reps of one person (the first rep against the next two in each of the
# 42 Muay Thai train takes, bench/tolerance_spread.py): what "the same move again" looks like.
SAME_PERSON_SPREAD = 0.16
# The examples' spread is shrunk toward SAME_PERSON_SPREAD as if that were one more example: two examples
# say little about variation, many say more.
PRIOR_EXAMPLES = 1.0
# A phase/part is weighted at most this much more or less than the average.
MAX_SCALE = 2.0
# Frames over which the spread is smoothed (a reference frame is matched to one or two example frames).
SMOOTH_FRAMES = 5


def example_spread(main: Features, others: list[Features]) -> NDArray[np.float64]:
    """(N, P) mean part distance of `others` to `main` per reference frame; NaN where never visible."""
    n = len(main)
    sums = np.zeros((n, len(PARTS)))
    counts = np.zeros((n, len(PARTS)))
    uniform = np.ones(len(PARTS))
    for other in others:
        parts = part_costs(other, main)  # (N, M, P)
        path = anchored_path(total_cost(parts, uniform))
        picked = parts[path[:, 0], path[:, 1]]  # (L, P)
        seen = np.isfinite(picked)
        np.add.at(sums, path[:, 0], np.where(seen, picked, 0.0))
        np.add.at(counts, path[:, 0], seen)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / counts, np.nan)


def _smooth(values: NDArray[np.float64], frames: int) -> NDArray[np.float64]:
    """NaN-aware moving mean along axis 0."""
    kernel = np.ones(frames)
    seen = np.isfinite(values)
    num = np.apply_along_axis(np.convolve, 0, np.where(seen, values, 0.0), kernel, mode="same")
    den = np.apply_along_axis(np.convolve, 0, seen.astype(float), kernel, mode="same")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def part_scale(main: Features, others: list[Features]) -> NDArray[np.float64]:
    """(N, P) factor for a take's part distances at each reference frame; all ones without other examples."""
    n = len(main)
    if not others:
        return np.ones((n, len(PARTS)))
    spread = _smooth(example_spread(main, others), SMOOTH_FRAMES)
    spread = np.where(np.isfinite(spread), spread, SAME_PERSON_SPREAD)
    k = len(others)
    tolerance = (k * spread + PRIOR_EXAMPLES * SAME_PERSON_SPREAD) / (k + PRIOR_EXAMPLES)
    return np.clip(SAME_PERSON_SPREAD / np.maximum(tolerance, 1e-6), 1.0 / MAX_SCALE, MAX_SCALE)
