"""What the live engine (core.match.live) keeps of the stream: its recent columns, the pending match, and how
far the body moved in a stretch of them."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ..pose.skeleton import PARTS


def motion_amplitude(joints: NDArray[np.float32]) -> float:
    """Largest mean displacement of (T, 17, 2) body-centred joints from the first frame where they are seen."""
    seen = np.isfinite(joints).all(axis=-1)
    rows = np.flatnonzero(seen.any(axis=1))
    if rows.size < 2:
        return 0.0
    first = joints[rows[0]]
    with np.errstate(invalid="ignore"):
        moved = np.nanmean(np.linalg.norm(joints[rows] - first, axis=-1), axis=1)
    return float(np.nanmax(moved)) if np.isfinite(moved).any() else 0.0


@dataclass
class Candidate:
    """The best whole-reference match seen so far that has not been reported yet."""

    total: float  # path cost, compared between candidates (see align.best_segment)
    mean_cost: float
    start: int
    end: int
    part_means: NDArray[np.float64]


@dataclass
class Columns:
    """Bounded history of the resampled stream, indexed by column number modulo its length."""

    size: int
    times: NDArray[np.float64] = field(init=False)
    joints: NDArray[np.float32] = field(init=False)
    steps: NDArray[np.int8] = field(init=False)
    parts: NDArray[np.float32] = field(init=False)
    turned: NDArray[np.bool_] = field(init=False)  # the column's frame was turned to the coach's camera angle

    def __post_init__(self) -> None:
        self.times = np.zeros(self.size)
        self.turned = np.zeros(self.size, bool)
        self.joints = np.full((self.size, 17, 2), np.nan, np.float32)
        self.steps = np.zeros((self.size, 0), np.int8)
        self.parts = np.zeros((self.size, 0, len(PARTS)), np.float32)

    def backtrack(self, j: int, i: int, frames_seen: int) -> NDArray[np.int64]:
        """(L, 2) pairs (ref i, column j) of the best path ending at (i, j), oldest first, from the kept steps
        (`frames_seen`: columns added so far; older ones are gone)."""
        pairs: list[tuple[int, int]] = []
        oldest = frames_seen - self.size
        while j >= 0 and j > oldest:
            pairs.append((i, j))
            if i == 0:
                break
            i -= int(self.steps[j % self.size, i])
            j -= 1
        return np.array(pairs[::-1], dtype=np.int64).reshape(-1, 2)
