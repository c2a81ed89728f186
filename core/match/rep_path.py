"""The alignment of one rep with its reference, frame for frame, for review (core.view.compare); any thread.

The live engine keeps only a bounded column history and reports a rep's span, not its path; review needs the
path afterwards, so it is recomputed from the rep's own frames: the whole reference against the whole rep
(anchored DTW, core.match.align), with scale and roll measured on the rep as the offline scorer does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..features.bones import (
    Normalisation,
    compute_features,
    estimate_normalisation,
    ghost_flipped,
    mirror_keypoints,
    part_costs,
    total_cost,
)
from ..match.align import anchored_path
from ..pose.skeleton import COCO17, PARTS
from ..score.feedback import PART_SCORE_TO_MENTION, FeedbackItem
from ..score.scoring import PreparedReference


@dataclass(frozen=True)
class RepAlignment:
    """A rep's path along its reference, and whether the reference drawn over the rep faces the other way
    (the rep matched mirrored, or its person faces the other way: core.features.bones.ghost_flipped)."""

    path: NDArray[np.int64]
    ghost_flipped: bool = False


def rep_path(coco: NDArray[Any], prepared: PreparedReference, mirror: bool | None = None) -> NDArray[np.int64]:
    """(L, 2) int64 pairs (reference frame i, rep frame j) from (0, 0) to (N-1, T-1), both non-decreasing.

    coco: (T, 17, 3) the rep's keypoints (x, y px, confidence; NaN where nobody), T >= 1, at any frame rate.
    mirror: compare the rep mirrored (a southpaw's jab against an orthodox reference); None: whichever side
    aligns better, so a rep done on either side (core.match.sides) is followed without knowing which engine
    found it.
    """
    return rep_alignment(coco, prepared, mirror).path


def rep_alignment(coco: NDArray[Any], prepared: PreparedReference, mirror: bool | None = None) -> RepAlignment:
    """rep_path's path with the way the reference faces the rep."""
    kp = np.asarray(coco, np.float32)
    seen = np.isfinite(kp[:, :, :2]).all(axis=-1).any(axis=1)
    if seen.sum() < 3:  # nothing to align on: walk both at their own pace
        return RepAlignment(_diagonal(len(prepared), len(kp)))
    sides = [False, True] if mirror is None else [mirror]
    found = [(_aligned(mirror_keypoints(kp, COCO17) if m else kp, seen, prepared), m) for m in sides]
    (path, _cost, norm), mirrored = min(found, key=lambda f: f[0][1])
    return RepAlignment(path, ghost_flipped(mirrored, norm))


def _aligned(kp: NDArray[np.float32], seen: NDArray[np.bool_], prepared: PreparedReference
             ) -> tuple[NDArray[np.int64], float, Normalisation]:  # fmt: skip
    """The anchored path, its mean cost, and the rep's normalisation (flipped to face the reference?)."""
    norm = estimate_normalisation(kp[seen], COCO17, prepared.facing)
    feats = compute_features(kp, COCO17, norm)
    cost = total_cost(part_costs(feats, prepared.features), prepared.weights)  # (N, T)
    fill = float(np.nanmax(cost)) if np.isfinite(cost).any() else 1.0
    cost = np.nan_to_num(cost, nan=fill)
    path = np.asarray(anchored_path(cost), np.int64)
    return path, float(cost[path[:, 0], path[:, 1]].mean()), norm


def _diagonal(n: int, m: int) -> NDArray[np.int64]:
    steps = max(n, m)
    t = np.linspace(0.0, 1.0, steps)
    out: NDArray[np.int64] = np.stack([np.round(t * (n - 1)), np.round(t * (m - 1))], axis=1).astype(np.int64)
    return out


def worst_part(parts: dict[str, float | None], feedback: tuple[FeedbackItem, ...],
               weights: dict[str, float]) -> tuple[str | None, str]:  # fmt: skip
    """(part, correction) a coach would point at: the first part-advice of the rep (what the app said), else
    the part that lost most weighted points among those scored below PART_SCORE_TO_MENTION; (None, "") when
    every part was fine or unseen."""
    for item in feedback:
        if item.part in PARTS:
            return item.part, item.message
    # Only a part feedback would mention (core.score.feedback): a 100 rep has nothing to point at.
    lost = {
        p: weights.get(p, 1.0) * (100.0 - s) for p, s in parts.items() if s is not None and s < PART_SCORE_TO_MENTION
    }
    if not lost:
        return None, ""
    part = max(lost, key=lambda p: lost[p])
    return (part, "") if lost[part] > 0 else (None, "")
