"""Split one recording of several repetitions ("3 reps in a row") into examples; any thread, no Qt.

Works for any move with no move-specific threshold. The pose is made body-centred (pelvis at the
origin) and body-size-normalised (core.features.bones' joints), so the rule below is in
body lengths and the same for a child filmed from afar and an adult up close. Two signals per frame,
each smoothed over 0.2 s (mediapipe jitters from frame to frame):
- motion: the mean speed of the COCO-17 joints, body lengths per second;
- pose change: the mean distance of the joints from the guard pose, the median pose of the take's
  calmest 30 % of frames (the stance a person returns to between repetitions).

The rule, stated once. For each signal, its rest level is the take's own 20th percentile and its motion
level the 90th percentile; a frame is active when either signal is above halfway between the two.
Pose change keeps a held extension (a kick held at full reach has no speed) in one piece; motion keeps
a fast technique that starts and ends in guard. Active stretches closer than 0.2 s are one repetition
(shorter pauses are the turn of a single move, not a rest); stretches shorter than 0.3 s are too short
for a move and are dropped, and so are stretches whose peak motion is under half of a typical (75th
percentile) stretch's peak above rest (shifting the feet between reps, not another rep: repetitions of
one move in one take have similar vigour). A stretch touching the first or last frame and shorter than
2/3 of the median stretch inside the take is a rep the recording cut, and is dropped. Each kept stretch
gets 0.1 s of margin on both sides.

When there is no clear rest (reps that flow into each other with no still moment of 0.2 s, or a single
move), fewer than two stretches are found and the whole recording is returned as one example: a wrong
cut would make worse examples than the uncut take, and the coach can still trim by hand. Gym reps that
pause at the top (the shared squat, push-up and curl clips) do have rests and split one per rep.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..features.bones import compute_features

SMOOTH_S = 0.2
REST_PERCENTILE = 20
MOTION_PERCENTILE = 90
ACTIVE_FRACTION = 0.5  # halfway between the rest and the motion level
CALM_FRACTION = 0.3  # frames that define the guard pose
MIN_REST_S = 0.2
MIN_MOVE_S = 0.3
MIN_PEAK_FRACTION = 0.5
TYPICAL_PEAK_PERCENTILE = 75
MARGIN_S = 0.1
CUT_REP_FRACTION = 2 / 3


@dataclass(frozen=True)
class Split:
    """The result: `segments` as [start, end) frame ranges, and whether rests were found at all."""

    segments: tuple[tuple[int, int], ...]
    found_rests: bool


def _smooth(x: NDArray[np.float64], width: int) -> NDArray[np.float64]:
    """Moving average over `width` frames; edges repeat the end values so the ends are not pulled down."""
    if width <= 1 or len(x) == 0:
        return x
    padded = np.pad(x, [(width // 2, width - 1 - width // 2)] + [(0, 0)] * (x.ndim - 1), mode="edge")
    kernel = np.ones(width) / width
    return np.apply_along_axis(lambda v: np.convolve(v, kernel, "valid"), 0, padded)


def _fill_gaps(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """Linear interpolation over NaN frames per column, so a briefly lost joint does not break the signal."""
    out = x.copy()
    t = np.arange(len(x))
    for col in np.ndindex(x.shape[1:]):
        key: tuple[slice | int, ...] = (slice(None), *col)  # not inline: mypy takes out[(a, *b)] for 3.11's out[a, *b]
        v = out[key]
        ok = np.isfinite(v)
        if ok.sum() >= 2 and not ok.all():
            v[~ok] = np.interp(t[~ok], t[ok], v[ok])
    return out


def activity(
    keypoints: NDArray[np.float32], skeleton: str, fps: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(T,) motion (body sizes / s) and (T,) pose change from the guard pose (body sizes), smoothed."""
    width = max(1, round(SMOOTH_S * fps))
    # The comparison features' joints: around the pelvis, in body sizes, one scale for the whole take (a
    # per-frame size would add its own jitter to every joint).
    pose = _smooth(_fill_gaps(compute_features(keypoints, skeleton).joints.astype(float)), max(1, width // 2))
    step = np.linalg.norm(np.diff(pose, axis=0), axis=-1) * fps
    with np.errstate(all="ignore"):
        speed = np.nanmean(np.concatenate([step[:1], step]), axis=1)
        speed = np.nan_to_num(speed, nan=0.0)
        calm = speed <= np.percentile(speed, 100 * CALM_FRACTION)
        with warnings.catch_warnings():  # a joint never seen (head out of frame) stays NaN and is skipped
            warnings.simplefilter("ignore", RuntimeWarning)
            guard = np.nanmedian(pose[calm], axis=0)
        change = np.nan_to_num(np.nanmean(np.linalg.norm(pose - guard, axis=-1), axis=1), nan=0.0)
    return _smooth(speed, width), _smooth(change, width)


def _above_halfway(signal: NDArray[np.float64]) -> tuple[NDArray[np.bool_], float]:
    rest, moving = np.percentile(signal, [REST_PERCENTILE, MOTION_PERCENTILE])
    return signal > rest + ACTIVE_FRACTION * (moving - rest), float(rest)


def _runs(mask: NDArray[np.bool_]) -> list[tuple[int, int]]:
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(), strict=True))


def _drop_cut_reps(stretches: list[tuple[int, int]], n: int) -> list[tuple[int, int]]:
    """Drop a stretch at the very start or end much shorter than the reps inside: the recording cut it."""
    inner = [b - a for a, b in stretches if a > 0 and b < n]
    if not inner:
        return stretches
    typical = float(np.median(inner))
    return [(a, b) for a, b in stretches if (a > 0 and b < n) or b - a >= CUT_REP_FRACTION * typical]


def active_stretches(keypoints: NDArray[np.float32], skeleton: str, fps: float) -> list[tuple[int, int]]:
    """The stretches [start, end) that move (the rule above, without margins or the cut-rep test); any count."""
    if len(keypoints) < 2 * round(MIN_MOVE_S * fps) or not np.isfinite(keypoints[:, :, :2]).any():
        return []
    speed, change = activity(keypoints, skeleton, fps)
    moving, rest_speed = _above_halfway(speed)
    posed, _ = _above_halfway(change)
    stretches: list[tuple[int, int]] = []
    for a, b in _runs(moving | posed):
        if stretches and a - stretches[-1][1] < MIN_REST_S * fps:
            stretches[-1] = (stretches[-1][0], b)
        else:
            stretches.append((a, b))
    stretches = [(a, b) for a, b in stretches if b - a >= MIN_MOVE_S * fps]
    if stretches:
        peaks = np.array([speed[a:b].max() - rest_speed for a, b in stretches])
        typical = np.percentile(peaks, TYPICAL_PEAK_PERCENTILE)
        stretches = [s for s, p in zip(stretches, peaks, strict=True) if p >= MIN_PEAK_FRACTION * typical]
    return stretches


def split_reps(keypoints: NDArray[np.float32], skeleton: str, fps: float) -> Split:
    """Repetitions of one recording as frame ranges; the whole take when no clear rest separates them.

    keypoints: (T, K, 3) float32 x, y, confidence in `skeleton` order, NaN where nobody was found.
    """
    n = len(keypoints)
    whole = Split(((0, n),), found_rests=False)
    stretches = _drop_cut_reps(active_stretches(keypoints, skeleton, fps), n)
    if len(stretches) < 2:
        return whole
    margin = round(MARGIN_S * fps)
    return Split(tuple((max(0, a - margin), min(n, b + margin)) for a, b in stretches), found_rests=True)
