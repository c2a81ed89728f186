"""Alignment of a take to a reference: streaming subsequence DTW (live and offline) and fastdtw paths.

The subsequence DTW is in the spirit of SPRING (Sakurai et al. 2007): a match may start at any take
frame but must begin at the first reference frame and end at the last. Each take frame advances the
reference by 0 to 3 frames (a take may be up to 3x faster, or slower without limit), so a new column
depends only on the previous one and costs a few numpy operations of length N (the reference length),
whatever the stream length. Along with the cost, each cell carries the path's weight, start frame and
per-part cost sums, so a finished match reports its score and part scores without backtracking.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from fastdtw import fastdtw
from numpy.typing import NDArray

# Step k moves the reference k frames (0 to MAX_STEP) for one take frame: a take may be 3x faster.
MAX_STEP = 3


@dataclass(frozen=True)
class MatchState:
    """Best alignment ending at the current take frame, for every reference frame.

    cost, weight: (N,) cumulative weighted cost and weight of the best path to (i, now).
    start: (N,) int64 take frame where that path began (at reference frame 0).
    parts: (N, P) weighted per-part cost sums along the path (NaN-free: missing parts add 0 cost
    and 0 weight, tracked in part_weight).
    """

    cost: NDArray[np.float64]
    weight: NDArray[np.float64]
    start: NDArray[np.int64]
    parts: NDArray[np.float64]
    part_weight: NDArray[np.float64]

    def mean_cost(self) -> NDArray[np.float64]:
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.cost / self.weight

    def part_means(self, i: int) -> NDArray[np.float64]:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.part_weight[i] > 0, self.parts[i] / self.part_weight[i], np.nan)


class SubsequenceDTW:
    """Online subsequence DTW against a fixed reference of N frames; O(N) per take frame."""

    def __init__(self, n_ref: int, n_parts: int) -> None:
        if n_ref < 2:
            raise ValueError("a reference needs at least two frames")
        self.n = n_ref
        self.n_parts = n_parts
        self.frames_seen = 0
        inf = np.full(n_ref, np.inf)
        self.state = MatchState(
            inf, np.ones(n_ref), np.zeros(n_ref, np.int64),
            np.zeros((n_ref, n_parts)), np.zeros((n_ref, n_parts)),
        )  # fmt: skip
        # Padded buffers so that step k reads index i-k without bounds checks.
        self._pad = np.full(n_ref + MAX_STEP, np.inf)

    def reset(self) -> None:
        self.__init__(self.n, self.n_parts)  # type: ignore[misc]

    def update(
        self, cost: NDArray[np.floating[Any]], parts: NDArray[np.floating[Any]], fresh_start: bool = True
    ) -> MatchState:
        """Add one take frame: `cost` (N,) total cost against each reference frame, `parts` (N, P).

        `fresh_start=False` lets no new match begin at this frame (an alignment anchored at the first frame).
        """
        j = self.frames_seen
        prev = self.state
        pad = self._pad
        pad[MAX_STEP:] = prev.cost
        # Step k >= 1 passes over reference frames i-k+1..i with this one take frame and is charged each of
        # their costs: a fast take may skip nothing that matters (the peak of a kick is one or two frames).
        # A stall (k = 0) is charged the one cell.
        csum = np.concatenate([[0.0], np.cumsum(cost)])
        idx = np.arange(self.n)
        cand = np.empty((MAX_STEP + 1, self.n))
        cand[0] = prev.cost + cost
        for k in range(1, MAX_STEP + 1):
            lo = np.clip(idx + 1 - k, 0, None)
            cand[k] = pad[MAX_STEP - k : MAX_STEP - k + self.n] + (csum[idx + 1] - csum[lo])
        step = np.argmin(cand, axis=0)
        new_cost = cand[step, idx]
        src = idx - step  # source reference frame (may be <0 only where cost is inf)
        src_c = np.clip(src, 0, None)
        w_step = np.maximum(step, 1).astype(float)

        weight = prev.weight[src_c] + w_step
        start = prev.start[src_c].copy()
        visible = np.isfinite(parts)
        pcs = np.concatenate([np.zeros((1, self.n_parts)), np.cumsum(np.where(visible, parts, 0.0), axis=0)])
        vcs = np.concatenate([np.zeros((1, self.n_parts)), np.cumsum(visible, axis=0)])
        lo = np.where(step == 0, idx, np.clip(idx + 1 - step, 0, None))
        psum = prev.parts[src_c] + pcs[idx + 1] - pcs[lo]
        pw = prev.part_weight[src_c] + vcs[idx + 1] - vcs[lo]

        if fresh_start:
            # A fresh start at reference frame 0 is always at least as good as stalling there.
            new_cost[0] = cost[0]
            weight[0] = 1.0
            start[0] = j
            psum[0] = np.where(visible[0], parts[0], 0.0)
            pw[0] = visible[0].astype(float)

        self.state = MatchState(new_cost, weight, start, psum, pw)
        self.last_step = step.astype(np.int8)  # kept by callers that want to backtrack a path
        self.frames_seen += 1
        return self.state

    def forget_until(self, frame: int) -> None:
        """Drop every path that started at or before take frame `frame` (it belongs to a reported match)."""
        drop = self.state.start <= frame
        self.state.cost[drop] = np.inf


@dataclass(frozen=True)
class Segment:
    """The part of a take that best matches the whole reference: frames [start, end] inclusive."""

    start: int
    end: int
    mean_cost: float


def best_segment(cost: NDArray[np.float32]) -> Segment:
    """Best subsequence of the take matching the whole reference; `cost` is (N ref, M take).

    Ends are compared by total path cost, not by mean: a mean would reward padding the match with idle
    frames that resemble the first or last pose, stretching the segment and the tempo.
    """
    n, m = cost.shape
    dtw = SubsequenceDTW(n, 1)
    best, best_total = Segment(0, m - 1, float("inf")), float("inf")
    for j in range(m):
        state = dtw.update(cost[:, j], cost[:, j : j + 1])
        total = float(state.cost[-1])
        if total < best_total:
            best_total = total
            best = Segment(int(state.start[-1]), j, float(state.cost[-1] / state.weight[-1]))
    return best


def warp_path(cost: NDArray[np.float32], segment: Segment, radius: int = 3) -> NDArray[np.int64]:
    """fastdtw path between the whole reference and the take segment -> (L, 2) int (ref i, take j).

    fastdtw runs on frame indices with the precomputed cost matrix as its distance, so its coarse
    levels (which average neighbouring indices) still look up real costs.
    """
    n = cost.shape[0]
    ref_idx = np.arange(n, dtype=float)
    take_idx = np.arange(segment.start, segment.end + 1, dtype=float)

    def dist(a: float, b: float) -> float:
        return float(cost[int(a), int(b)])

    _, path = fastdtw(ref_idx, take_idx, radius=radius, dist=dist)
    out = np.array(path, dtype=np.int64)
    out[:, 1] += segment.start
    return out


def per_reference_frame(values: NDArray[np.float32], path: NDArray[np.int64], n_ref: int) -> NDArray[np.float64]:
    """Average `values` (N, M, ...) over the take frames each reference frame is matched to -> (N, ...)."""
    return mean_per_reference_frame(values[path[:, 0], path[:, 1]], path[:, 0], n_ref)


def mean_per_reference_frame(
    picked: NDArray[np.float32], ref_frames: NDArray[np.int64], n_ref: int
) -> NDArray[np.float64]:
    """(L, ...) values along a path, one per pair, averaged per reference frame `ref_frames` -> (N, ...);
    NaN values are left out, NaN where a frame has none."""
    sums = np.zeros((n_ref,) + picked.shape[1:])
    counts = np.zeros((n_ref,) + picked.shape[1:])
    finite = np.isfinite(picked)
    np.add.at(sums, ref_frames, np.where(finite, picked, 0.0))
    np.add.at(counts, ref_frames, finite)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / counts, np.nan)


def anchored_path(cost: NDArray[np.float32]) -> NDArray[np.int64]:
    """(L, 2) pairs (ref i, take j) of the alignment anchored_distance finds, from (0, 0) to (N-1, M-1).

    A step that passes several reference frames with one take frame pairs each of them with it, as its cost did.
    """
    n, m = cost.shape
    dtw = SubsequenceDTW(n, 1)
    steps = np.zeros((m, n), np.int8)
    dtw.update(cost[:, 0], cost[:, :1])
    steps[0] = dtw.last_step
    for j in range(1, m):
        dtw.update(cost[:, j], cost[:, j : j + 1], fresh_start=False)
        steps[j] = dtw.last_step
    i, pairs = n - 1, []
    for j in range(m - 1, 0, -1):
        k = int(steps[j, i])
        pairs += [(r, j) for r in range(i, max(i - k, -1), -1)] if k else [(i, j)]
        i = max(0, i - k)
    pairs += [(r, 0) for r in range(i, -1, -1)]
    return np.array(pairs[::-1], dtype=np.int64)


def anchored_distance(cost: NDArray[np.float32]) -> float:
    """Mean cost of the best alignment of the whole reference (N rows) with the whole take (M columns).

    Same steps as SubsequenceDTW, but the path must start at the first take frame and end at the last:
    every frame of the take is explained by the reference, which is what tells a roundhouse from the
    front kick hidden inside it (a subsequence match finds the chamber of one inside the other).
    """
    n, m = cost.shape
    dtw = SubsequenceDTW(n, 1)
    state = dtw.update(cost[:, 0], cost[:, :1])
    for j in range(1, m):
        state = dtw.update(cost[:, j], cost[:, j : j + 1], fresh_start=False)
    return float(state.cost[-1] / state.weight[-1])
