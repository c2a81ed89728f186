"""Cut a long take (a kata, a combination) into techniques at pauses and speed minima; any thread, no Qt.

One signal per frame: the speed of the fastest hand or foot around the pelvis, in body sizes per second
(core.features.bones' joints: pelvis-centred, divided by the body size), smoothed over 0.2 s. A strike is a
hand or foot moving fast relative to the trunk; standing in guard, bouncing on the feet or a step moves the
whole body together and leaves that signal near its rest level. Unlike `record --split`
(core.match.rep_split, the reps of one move, where every rep moves alike), a combination mixes a jab with a
kick that moves ten times as much, so the levels here are multiples of the take's own rest level (its 20th
percentile: a take is mostly guard and transitions), not fractions of its motion level:
- a technique is a stretch above EDGE_RATIO x rest that peaks above PEAK_RATIO x rest (a hand three times
  faster than its jitter in guard), at least MIN_MOVE_S long; stretches less than MIN_REST_S apart are one;
- techniques that flow into each other with no rest are cut at a speed minimum where the hands and feet
  are back near where the stretch started (RETURN_FRACTION of the farthest they went): a kick slows to
  nothing at full extension too, but far from its start, and is not cut there; what follows such a cut and
  reaches less than SETTLE_FRACTION as far, or lasts less than SETTLE_FRACTION as long, as the technique before
  it is that technique settling into guard (a technique goes out and comes back: it is not a twitch);
- a stretch still longer than MAX_TECHNIQUE_S (a slow kick, out and back, takes about a second) is several
  techniques, or a technique and moving about: it is cut at its deepest speed minimum until no piece is longer;
- a technique takes a hand or foot at least MIN_REACH body sizes away from where it started (a jab reaches
  about one): settling back into guard after a cut, or a shuffle, does not.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..features.bones import compute_features
from ..match.rep_split import _fill_gaps, _runs, _smooth
from ..pose.skeleton import C

SMOOTH_S = 0.2
REST_PERCENTILE = 20
EDGE_RATIO = 2.0
PEAK_RATIO = 3.0
MIN_MOVE_S = 0.2
MIN_REST_S = 0.2
RETURN_FRACTION = 0.35
MIN_REACH = 0.5
SETTLE_FRACTION = 0.5
MAX_TECHNIQUE_S = 1.5
EXTREMITIES = [C["left_wrist"], C["right_wrist"], C["left_ankle"], C["right_ankle"]]


def limb_motion(
    keypoints: NDArray[np.float32], skeleton: str, fps: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(T,) fastest hand or foot speed (body sizes / s, smoothed) and (T, 4, 2) hands and feet around the pelvis."""
    width = max(1, round(SMOOTH_S * fps))
    joints = compute_features(keypoints, skeleton).joints.astype(float)[:, EXTREMITIES]
    pose = _smooth(_fill_gaps(joints), max(1, width // 2))
    step = np.linalg.norm(np.diff(pose, axis=0), axis=-1) * fps
    with np.errstate(all="ignore"):
        fastest = np.nan_to_num(np.nanmax(np.concatenate([step[:1], step]), axis=1), nan=0.0)
    return _smooth(fastest, width), pose


def technique_spans(keypoints: NDArray[np.float32], skeleton: str, fps: float) -> list[tuple[int, int]]:
    """Frames [start, end) of each technique in the take, in order. keypoints: (T, K, 3) x, y, confidence."""
    return [span for group in technique_groups(keypoints, skeleton, fps) for span in group]


def technique_groups(keypoints: NDArray[np.float32], skeleton: str, fps: float) -> list[list[tuple[int, int]]]:
    """The techniques grouped by the stretch of motion they were cut from (a flowing series is one group):
    a live caller takes a group only once the rest after it was seen, never half a series."""
    if len(keypoints) < 3 or not np.isfinite(keypoints[:, :, :2]).any():
        return []
    speed, pose = limb_motion(keypoints, skeleton, fps)
    rest = max(float(np.percentile(speed, REST_PERCENTILE)), 1e-6)
    stretches: list[tuple[int, int]] = []
    for a, b in _runs(speed > EDGE_RATIO * rest):
        if stretches and a - stretches[-1][1] < MIN_REST_S * fps:
            stretches[-1] = (stretches[-1][0], b)
        else:
            stretches.append((a, b))
    out = []
    for a, b in stretches:
        group = [
            (s, e)
            for s, e in _cut_at_returns(speed, pose, a, b, fps)
            if e - s >= MIN_MOVE_S * fps and speed[s:e].max() > PEAK_RATIO * rest and _reach(pose, s, e) >= MIN_REACH
        ]
        if group:
            out.append(group)
    return out


def _reach(pose: NDArray[np.float64], s: int, e: int) -> float:
    """How far (body sizes) the hand or foot that went farthest got from its place at frame `s`."""
    with np.errstate(all="ignore"):
        return float(np.nan_to_num(np.nanmax(np.linalg.norm(pose[s:e] - pose[s], axis=-1))))


def _cut_long(speed: NDArray[np.float64], a: int, b: int, fps: float) -> list[int]:
    """a, b and the cuts that leave no piece longer than MAX_TECHNIQUE_S: each at the deepest speed minimum."""
    if b - a <= MAX_TECHNIQUE_S * fps:
        return [a, b]
    inner = np.arange(a + 1, b - 1)
    minima = inner[(speed[inner] <= speed[inner - 1]) & (speed[inner] < speed[inner + 1])]
    edge = round(MIN_MOVE_S * fps)
    minima = minima[(minima - a >= edge) & (b - minima >= edge)]
    if minima.size == 0:
        return [a, b]
    m = int(minima[np.argmin(speed[minima])])
    return [*_cut_long(speed, a, m, fps)[:-1], *_cut_long(speed, m, b, fps)]


def _cut_at_returns(
    speed: NDArray[np.float64], pose: NDArray[np.float64], a: int, b: int, fps: float
) -> list[tuple[int, int]]:
    """[a, b) cut at each speed minimum where hands and feet are back near the stretch's first pose."""
    cuts = [a]
    for m in range(a + 1, b - 1):
        if not (speed[m] <= speed[m - 1] and speed[m] < speed[m + 1]):
            continue
        start = cuts[-1]
        with np.errstate(all="ignore"):
            away = np.nan_to_num(np.nanmax(np.linalg.norm(pose[start : m + 1] - pose[start], axis=-1), axis=1))
        if away.max() > 0 and away[-1] < RETURN_FRACTION * away.max():
            cuts.append(m)
    cuts.append(b)
    cuts = sorted({c for s, e in zip(cuts[:-1], cuts[1:], strict=True) for c in _cut_long(speed, s, e, fps)})
    pieces: list[tuple[int, int]] = []
    for s, e in zip(cuts[:-1], cuts[1:], strict=True):
        prev = pieces[-1] if pieces else None
        if prev and (
            _reach(pose, s, e) < SETTLE_FRACTION * _reach(pose, *prev) or e - s < SETTLE_FRACTION * (prev[1] - prev[0])
        ):
            pieces[-1] = (pieces[-1][0], e)  # settling back into guard: the end of the technique before
        elif e > s:
            pieces.append((s, e))
    return pieces
