"""Which body part to correct, in which direction, and the tempo advice; pure functions of aligned frames."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..pose.skeleton import COCO17_NAMES, PARTS, part_label

_I = {name: i for i, name in enumerate(COCO17_NAMES)}
# Parts scoring under this say something; above it the person is doing well there.
PART_SCORE_TO_MENTION = 80.0
# A descriptor difference under this (torso lengths) is too small to be worth a sentence.
MIN_DIFFERENCE = 0.08
TOO_SLOW, TOO_FAST = 1.3, 0.77
MAX_ITEMS = 3


@dataclass(frozen=True)
class FeedbackItem:
    """One piece of advice. `part` is one of PARTS or 'tempo'; higher `severity` is more important."""

    part: str
    message: str
    severity: float

    def as_dict(self) -> dict[str, object]:
        return {"part": self.part, "message": self.message, "severity": round(self.severity, 3)}


def _dist(j: NDArray[Any], a: str, b: str) -> NDArray[Any]:
    return np.asarray(np.linalg.norm(j[:, _I[a]] - j[:, _I[b]], axis=-1))


def _up(j: NDArray[Any], low: str, high: str) -> NDArray[Any]:
    """How far `high` is above `low` (image y points down)."""
    return np.asarray(j[:, _I[low], 1] - j[:, _I[high], 1])


def _mid(j: NDArray[Any], a: str, b: str) -> NDArray[Any]:
    return np.asarray((j[:, _I[a]] + j[:, _I[b]]) / 2)


# Advice that reads the image's x alone: sideways lean, reach across or out, stance width. In a take turned to
# the coach's camera angle (core.features.view_turn) that axis is the pose model's depth guess, which told the
# side-view squatter, turned to a front reference, to "widen your stance": such a take gets only the rest.
Descriptor = tuple[NDArray[Any], str, str, bool]  # value per frame, advice below, advice above, reads x alone


def _descriptors(j: NDArray[Any]) -> dict[str, list[Descriptor]]:
    """Per part: (value per frame, advice when the take is below the reference, advice when above, lateral)."""
    neck = _mid(j, "left_shoulder", "right_shoulder")
    pelvis = _mid(j, "left_hip", "right_hip")
    ankles = _mid(j, "left_ankle", "right_ankle")
    trunk = neck - pelvis
    lean = np.abs(np.arctan2(trunk[:, 0], -trunk[:, 1]))  # radians from upright; ~torso lengths scale
    out: dict[str, list[Descriptor]] = {
        "head": [(neck[:, 1] - j[:, _I["nose"], 1], "keep your head up", "lower your chin", False)],
        "torso": [
            (lean, "lean forward more", "keep your back more upright", True),
            (ankles[:, 1] - pelvis[:, 1], "go lower", "don't go so low", False),
        ],
    }
    for side in ("left", "right"):
        sh, wr = f"{side}_shoulder", f"{side}_wrist"
        hip, kn, an = f"{side}_hip", f"{side}_knee", f"{side}_ankle"
        out[f"{side}_arm"] = [
            (_dist(j, sh, wr), "extend further", "bend the elbow more", False),
            (_up(j, sh, wr), "raise it higher", "keep it lower", False),
            (j[:, _I[wr], 0] - j[:, _I[sh], 0], "reach further across", "reach further out", True),
        ]
        out[f"{side}_leg"] = [
            (_up(j, hip, kn), "lift the knee higher", "keep the knee lower", False),
            (_dist(j, hip, an), "straighten the leg", "bend the knee more", False),
            (np.abs(j[:, _I[an], 0] - pelvis[:, 0]), "widen your stance", "narrow your stance", True),
        ]
    return out


def part_directions(
    take_joints: NDArray[Any], ref_joints: NDArray[Any], part_cost: NDArray[Any], lateral: bool = True
) -> dict[str, str]:
    """Advice per part from aligned frame pairs; `lateral=False` for a take turned to the coach's camera angle
    (no advice that reads x alone).

    take_joints, ref_joints: (L, 17, 2) pelvis-centred joints in torso lengths, row k of one matched
    with row k of the other. part_cost: (L, P) part costs of those pairs. For each part the frames where
    it deviates most are compared, so a limb that is right most of the time but wrong at the key moment
    (the end of a punch) still gets its advice.
    """
    take_d, ref_d = _descriptors(take_joints), _descriptors(ref_joints)
    advice: dict[str, str] = {}
    for p, part in enumerate(PARTS):
        cost = part_cost[:, p]
        if not np.isfinite(cost).any():
            continue
        worst = cost >= np.nanpercentile(cost, 67)
        best_diff, best_msg = 0.0, ""
        for (tv, below, above, sideways), (rv, *_) in zip(take_d[part], ref_d[part], strict=True):
            if sideways and not lateral:
                continue
            diff = (tv - rv)[worst]
            diff = diff[np.isfinite(diff)]
            if not diff.size:
                continue
            d = float(np.mean(diff))
            if abs(d) > abs(best_diff):
                best_diff, best_msg = d, below if d < 0 else above
        if abs(best_diff) >= MIN_DIFFERENCE:
            advice[part] = best_msg
    return advice


SECOND_ITEM_SHARE = 0.5


def build_feedback(
    part_scores: dict[str, float | None],
    weights: dict[str, float],
    directions: dict[str, str],
    tempo: float | None,
    max_items: int = MAX_ITEMS,
) -> list[FeedbackItem]:
    """Most important advice first: weighted score deficit of each part, plus tempo when far off."""
    items: list[FeedbackItem] = []
    for part in PARTS:
        score = part_scores.get(part)
        if score is None or score >= PART_SCORE_TO_MENTION or part not in directions:
            continue
        severity = weights.get(part, 1.0) * (100.0 - score) / 100.0
        items.append(FeedbackItem(part, f"{part_label(part)}: {directions[part]}", severity))
    if tempo is not None and np.isfinite(tempo) and (tempo >= TOO_SLOW or tempo <= TOO_FAST):
        # log-ratio: 2x too slow weighs like 2x too fast; a 1.5x miss ranks like a part scoring ~60
        severity = float(abs(np.log(tempo)))
        items.append(FeedbackItem("tempo", "too slow" if tempo > 1 else "too fast", severity))
    items.sort(key=lambda it: it.severity, reverse=True)
    # A further correction is worth saying only when it matters at least half as much as the first: one
    # clear message beats two where the second is noise from a slightly different body.
    items = [it for it in items if it.severity >= SECOND_ITEM_SHARE * items[0].severity] if items else items
    return items[:max_items]
