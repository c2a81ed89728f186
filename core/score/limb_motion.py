"""How a hand or foot moves in a rep: positions relative to the body, speed, travel, reach from guard, joint angle.

Speeds are in body heights per second, so they compare across people and distances to the camera; body
height here is the length of the skeleton from ankle to nose (shin + thigh + trunk + neck, each bone at
its full length over the frames), which does not change when the person bends or kicks. Velocities are
central differences with the frames' real time stamps, after a 3-frame median that removes the pose model's
one-frame jumps; a frame whose joint is missing is bridged by its seen neighbours.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..features.bones import confidence_weight
from ..pose.skeleton import COCO17_NAMES

_I = {name: i for i, name in enumerate(COCO17_NAMES)}
# The joint angle that says how extended a limb is: (root, middle, distal), the angle at the middle joint.
CHAIN: dict[int, tuple[int, int, int]] = {
    _I[f"{s}_wrist"]: (_I[f"{s}_shoulder"], _I[f"{s}_elbow"], _I[f"{s}_wrist"]) for s in ("left", "right")
} | {_I[f"{s}_ankle"]: (_I[f"{s}_hip"], _I[f"{s}_knee"], _I[f"{s}_ankle"]) for s in ("left", "right")}

# Speed is a central difference over two frame intervals. A kick's foot covers a third of a body height
# between two frames at 30 fps, so its speed peak lasts a few frames and a wider fit shaves it (a 5-frame
# Savitzky-Golay slope measured a 1.5x faster kick as 1.3x); one-frame jumps of the pose model are removed
# before (despike), the rest of the jitter is small beside a strike's motion. A missing frame is bridged by
# the next seen one, up to this many frames away.
GAP_FRAMES = 2
# Frames each side searched for the joint angle when the peak frame lacks one of its joints.
SMOOTH_HALF = 1
# Frames at the start of a rep whose median position is the guard position.
GUARD_FRAMES = 3


def visible_xy(coco: NDArray[Any]) -> NDArray[np.float64]:
    """(T, 17, 3) keypoints -> (T, 17, 2) positions, NaN where a joint is missing or too unsure."""
    coco = np.asarray(coco, np.float64)
    seen = confidence_weight(coco[..., 2].astype(np.float32)) > 0
    return np.where(seen[..., None], coco[..., :2], np.nan)


def speeds(t: NDArray[np.float64], xy: NDArray[np.float64], reach_frames: int = GAP_FRAMES) -> NDArray[np.float64]:
    """(T,) speed of a (T, 2) track (NaN missing) at real times `t`: a central difference between the nearest
    seen frames before and after each frame (up to `reach_frames` away), divided by their real time apart.

    A hidden frame widens the difference around it instead of leaving a one-sided estimate; uneven frame
    times are used as they are. NaN where a frame or both of its sides are missing.
    """
    out = np.full(len(t), np.nan)
    ok = np.isfinite(xy).all(axis=-1) & np.isfinite(t)
    for k in np.flatnonzero(ok):
        before = [j for j in range(k - 1, max(-1, k - 1 - reach_frames), -1) if ok[j]]
        after = [j for j in range(k + 1, min(len(t), k + 1 + reach_frames)) if ok[j]]
        if before and after and t[after[0]] > t[before[0]]:
            out[k] = float(np.linalg.norm(xy[after[0]] - xy[before[0]]) / (t[after[0]] - t[before[0]]))
    return out


def despike(track: NDArray[np.float64]) -> NDArray[np.float64]:
    """(T, 2) track with each coordinate replaced by the median of it and its two neighbours.

    A pose model's one-frame jump (a hidden wrist guessed elsewhere) is gone, while a steady motion is
    untouched: the median of three points on a monotonic run is the middle one, so no peak speed is shaved.
    A point beside a missing one is kept as it is (the median of two would be their mean, a smoothing).
    """
    padded = np.concatenate([track[:1], track, track[-1:]])
    stack = np.stack([padded[:-2], padded[1:-1], padded[2:]])
    whole = np.isfinite(stack).all(axis=(0, 2))
    out: NDArray[np.float64] = np.where(whole[:, None], np.median(stack, axis=0), track)
    return out


def _full_length(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    """90th percentile over the frames of the distance a-b: the bone at its full length (it is foreshortened in
    the other frames)."""
    length = np.linalg.norm(a - b, axis=-1)
    length = length[np.isfinite(length)]
    return float(np.percentile(length, 90)) if length.size else float("nan")


def body_height(xy: NDArray[np.float64]) -> float:
    """Ankle-to-nose length of the skeleton in input units (NaN when a needed bone is never seen)."""
    neck = (xy[:, _I["left_shoulder"]] + xy[:, _I["right_shoulder"]]) / 2
    pelvis = (xy[:, _I["left_hip"]] + xy[:, _I["right_hip"]]) / 2
    total = _full_length(xy[:, _I["nose"]], neck) + _full_length(neck, pelvis)
    for a, b in (("hip", "knee"), ("knee", "ankle")):
        # Left and right share the longer one (one of them is often foreshortened in a kick).
        both = [_full_length(xy[:, _I[f"{s}_{a}"]], xy[:, _I[f"{s}_{b}"]]) for s in ("left", "right")]
        total += max((x for x in both if np.isfinite(x)), default=float("nan"))
    return float(total) if np.isfinite(total) and total > 0 else float("nan")


def body_track(xy: NDArray[np.float64], joint: int) -> NDArray[np.float64]:
    """(T, 2) a joint relative to the pelvis (the neck when the hips are not seen): the body's own motion,
    without the steps that carry it. (Relative to its shoulder or hip instead, a hook's wrist hardly moves.)"""
    pelvis = (xy[:, _I["left_hip"]] + xy[:, _I["right_hip"]]) / 2
    neck = (xy[:, _I["left_shoulder"]] + xy[:, _I["right_shoulder"]]) / 2
    centre = np.where(np.isfinite(pelvis), pelvis, neck)
    out: NDArray[np.float64] = xy[:, joint] - centre
    return out


def travel(xy: NDArray[np.float64], joint: int) -> float:
    """How far a limb moves: the largest distance between two of its positions (0 when seen under twice).

    Not measured from the first frame, which may be one where the joint is hidden."""
    p = body_track(xy, joint)
    p = p[np.isfinite(p).all(axis=-1)]
    if len(p) < 2:
        return 0.0
    return float(np.max(np.linalg.norm(p[:, None] - p[None], axis=-1)))


def reach(xy: NDArray[np.float64], joint: int, span: int) -> NDArray[np.float64]:
    """(T,) distance of a limb from its guard position: its median over the first GUARD_FRAMES frames, or when
    it is hidden there, over the last GUARD_FRAMES of the first `span` frames (a strike ends at guard too)."""
    p = body_track(xy, joint)
    seen = np.isfinite(p).all(axis=-1)
    guard = None
    for rows in (np.arange(min(GUARD_FRAMES, span)), np.arange(max(0, span - GUARD_FRAMES), span)):
        rows = rows[seen[rows]]
        if rows.size:
            guard = np.median(p[rows], axis=0)
            break
    if guard is None:
        return np.full(len(xy), np.nan)
    out: NDArray[np.float64] = np.linalg.norm(p - guard, axis=-1)
    return out


def joint_angle(xy: NDArray[np.float64], joint: int, k: int) -> float | None:
    """Angle in degrees at the middle joint of the striking joint's chain at frame k (180 = straight), or at
    the nearest frame within SMOOTH_HALF where the three joints are seen; None when there is none."""
    for f in sorted(range(max(0, k - SMOOTH_HALF), min(len(xy), k + SMOOTH_HALF + 1)), key=lambda f: abs(f - k)):
        a, b, c = (xy[f, j] for j in CHAIN[joint])
        u, v = a - b, c - b
        nu, nv = np.linalg.norm(u), np.linalg.norm(v)
        if np.isfinite(nu) and np.isfinite(nv) and nu > 0 and nv > 0:
            return float(np.degrees(np.arccos(np.clip(np.dot(u, v) / (nu * nv), -1.0, 1.0))))
    return None
