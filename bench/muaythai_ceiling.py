"""Why the Muay Thai recognition rows stop where they do: what the shared data allow, measured two ways.

1. Target height. Low kick and roundhouse are one motion aimed at the thigh or at the body: the striking foot's
   peak height above the hips (torso lengths, image y up) tells them apart within one person. Printed per kick:
   the single reference's peak and the train takes' 10/50/90 percentiles. The shared roundhouse references
   were kicked low, at the club members' lowest roundhouses and highest low kicks.
2. Body parts. The techniques most often misnamed against the single references, per body part: their median
   distance along the recognition alignment to their own reference and to the one they are taken for.
3. Several examples from other people. Each labelled technique of the train takes against examples cut from the
   other takes (up to 3 per take, as bench/cross_person.py's library row), with every way of deciding from the
   examples' distances tried: the mean (what the app does), the nearest example, the median, the mean of the
   nearest three, and the mean minus the move's own spread between its examples (people).

    python bench/muaythai_ceiling.py     (about 2 minutes)
"""

from __future__ import annotations

import warnings

import numpy as np
from cross_person import IDS, cut, muaythai_references, muaythai_takes

from core.features.bones import body_scale, confidence_weight, part_costs, total_cost
from core.library.references import make_reference
from core.match.align import SubsequenceDTW
from core.match.recognition import match_distances, take_features
from core.pose.skeleton import COCO17_NAMES, PARTS, to_coco17
from core.score.scoring import PreparedReference

KICKS = ("front_kick", "low_kick", "roundhouse", "side_kick")
# (technique, the reference it is most often taken for against the single references)
MISNAMED = (("low_kick_left", "roundhouse_left"), ("low_kick_right", "roundhouse_right"),
            ("hook_head_right", "straight_right"), ("hook_body_left", "hook_body_right"))  # fmt: skip


def peak_height(keypoints: np.ndarray, skeleton: str, move: str) -> float:
    """Highest point of the striking ankle above the mid-hip, in body-scale units (about a torso length)."""
    coco = to_coco17(np.asarray(keypoints, np.float32), skeleton)
    xy = np.where((confidence_weight(coco[..., 2]) > 0)[..., None], coco[..., :2], np.nan)
    ankle = COCO17_NAMES.index(f"{move.rsplit('_', 1)[1]}_ankle")
    hips = np.nanmean(xy[:, [COCO17_NAMES.index("left_hip"), COCO17_NAMES.index("right_hip")], 1], axis=1)
    return float(np.nanmax(hips - xy[:, ankle, 1]) / body_scale(xy))


def height_rows(takes, refs) -> None:
    print("| technique | reference's peak | train takes: 10 % / median / 90 % | n |")
    print("|---|---|---|---|")
    for ref in refs:
        if not ref.move.startswith(KICKS):
            continue
        heights = [
            peak_height(cut(seq, seg).keypoints, seq.skeleton, ref.move)
            for _, seq, segs in takes
            for seg in segs
            if IDS[seg.label] == ref.move
        ]
        lo, mid, hi = np.percentile(heights, [10, 50, 90])
        own = peak_height(ref.keypoints, ref.skeleton, ref.move)
        print(f"| {ref.move} | {own:.2f} | {lo:.2f} / {mid:.2f} / {hi:.2f} | {len(heights)} |")


def part_distances(seq, prepared: PreparedReference) -> np.ndarray:
    """(1 + P,) the recognition distance and each part's mean cost along that alignment (NaN: part unseen)."""
    take = take_features(seq, prepared.reference.fps, False, prepared.facing)
    parts = part_costs(take, prepared.example_features[0])
    cost = total_cost(parts, np.ones(len(PARTS)))
    dtw = SubsequenceDTW(cost.shape[0], len(PARTS))
    for j in range(cost.shape[1]):
        state = dtw.update(cost[:, j], parts[:, j], fresh_start=j == 0)
    last = cost.shape[0] - 1
    return np.r_[state.cost[last] / state.weight[last], state.part_means(last)]


def part_rows(takes, refs) -> None:
    prepared = {r.move: PreparedReference.from_reference(r) for r in refs}
    print("\n| technique | against | distance | " + " | ".join(PARTS) + " |")
    print("|---|---|---|" + "---|" * len(PARTS))
    for truth, rival in MISNAMED:
        segs = [cut(seq, seg) for _, seq, segs in takes for seg in segs if IDS[seg.label] == truth]
        for against in (truth, rival):
            with warnings.catch_warnings():  # a part never seen in any take (the far arm): NaN
                warnings.simplefilter("ignore", RuntimeWarning)
                med = np.nanmedian([part_distances(s, prepared[against]) for s in segs], axis=0)
            print(f"| {truth} | {against} | " + " | ".join(f"{v:.2f}" for v in med) + " |")


def library_rows(takes, per_take: int = 3) -> None:
    examples = []
    for name, seq, segs in takes:
        for seg in [s for s in segs if len(s) >= 12][:per_take]:
            examples.append((name, IDS[seg.label], cut(seq, seg)))
    prepared = [PreparedReference.from_reference(make_reference(s, m, "side")) for _, m, s in examples]
    owner = np.array([n for n, _, _ in examples])
    moves = np.array([m for _, m, _ in examples])

    def distances(seq) -> np.ndarray:
        d = match_distances(seq, prepared)
        return np.array([d[k] for k in range(len(prepared))])

    rows = [(name, IDS[seg.label], distances(cut(seq, seg))) for name, seq, segs in takes for seg in segs]
    between = np.stack([distances(s) for _, _, s in examples])  # example x example

    def spread(sel: np.ndarray) -> float:
        """The move's own spread: the mean distance between its examples from different takes."""
        idx = np.flatnonzero(sel)
        pairs = [between[a, b] for a in idx for b in idx if owner[a] != owner[b]]
        return float(np.mean(pairs)) if pairs else 0.0

    rules = {
        "mean of the move's examples (the app)": lambda d, sel: d[sel].mean(),
        "nearest example": lambda d, sel: d[sel].min(),
        "median": lambda d, sel: np.median(d[sel]),
        "mean of the nearest three": lambda d, sel: np.sort(d[sel])[:3].mean(),
        "mean minus the move's own spread": lambda d, sel: d[sel].mean() - spread(sel),
    }
    print(f"\n| leave one take out ({len(examples)} examples), deciding by | top-1 |")
    print("|---|---|")
    for label, rule in rules.items():
        right = 0
        for name, truth, d in rows:
            keep = owner != name
            scores = {m: rule(d, keep & (moves == m)) for m in set(moves) if (keep & (moves == m)).any()}
            right += min(scores, key=scores.get) == truth
        print(f"| {label} | {right / len(rows):.2f} |")


def main() -> None:
    takes, refs = muaythai_takes(quick=False), muaythai_references()
    height_rows(takes, refs)
    part_rows(takes, refs)
    library_rows(takes)


if __name__ == "__main__":
    main()
