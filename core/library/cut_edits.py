"""Edits a coach makes to the cuts of a long take before saving it as a combination; pure functions, any thread.

Cuts are frames [start, end) of each technique, in order and never overlapping; every edit returns new cuts
that keep it so, and leaves them unchanged where the edit makes no sense (a split too near an edge).
"""

from __future__ import annotations

Cuts = list[tuple[int, int]]
MIN_FRAMES = 3  # a technique shorter than this is no technique


def at(cuts: Cuts, frame: int) -> int | None:
    """The index of the cut holding `frame`, or None."""
    return next((k for k, (a, b) in enumerate(cuts) if a <= frame < b), None)


def split(cuts: Cuts, frame: int) -> Cuts:
    """The cut holding `frame` made two, at `frame`."""
    k = at(cuts, frame)
    if k is None:
        return list(cuts)
    a, b = cuts[k]
    if frame - a < MIN_FRAMES or b - frame < MIN_FRAMES:
        return list(cuts)
    return [*cuts[:k], (a, frame), (frame, b), *cuts[k + 1 :]]


def merge_next(cuts: Cuts, k: int) -> Cuts:
    """Cut `k` and the one after it made one (the gap between them becomes part of it)."""
    if not 0 <= k < len(cuts) - 1:
        return list(cuts)
    return [*cuts[:k], (cuts[k][0], cuts[k + 1][1]), *cuts[k + 2 :]]


def remove(cuts: Cuts, k: int) -> Cuts:
    """Cut `k` dropped (a shuffle of the feet cut as a technique)."""
    return [c for j, c in enumerate(cuts) if j != k]


def move_edge(cuts: Cuts, k: int, start: bool, frame: int, frames: int) -> Cuts:
    """The start (or end) of cut `k` moved to `frame`, kept between its neighbours and the take's ends."""
    if not 0 <= k < len(cuts):
        return list(cuts)
    a, b = cuts[k]
    if start:
        low = cuts[k - 1][1] if k > 0 else 0
        a = min(max(frame, low), b - MIN_FRAMES)
    else:
        high = cuts[k + 1][0] if k + 1 < len(cuts) else frames
        b = max(min(frame, high), a + MIN_FRAMES)
    out = list(cuts)
    out[k] = (a, b)
    return out


def nearest_edge(cuts: Cuts, frame: int, within: int) -> tuple[int, bool] | None:
    """(cut, is_start) of the cut edge nearest to `frame` if one is within `within` frames."""
    best = None
    for k, (a, b) in enumerate(cuts):
        for edge, is_start in ((a, True), (b, False)):
            d = abs(edge - frame)
            if d <= within and (best is None or d < best[0]):
                best = (d, k, is_start)
    return None if best is None else (best[1], best[2])


def within(cuts: Cuts, names: list[str], start: int, end: int) -> tuple[Cuts, list[str]]:
    """The cuts (and their names) inside the trim [start, end): clipped to it; those left too short dropped."""
    kept = [((max(a, start), min(b, end)), n) for (a, b), n in zip(cuts, names, strict=True)]
    kept = [(c, n) for c, n in kept if c[1] - c[0] >= MIN_FRAMES]
    return [c for c, _ in kept], [n for _, n in kept]
