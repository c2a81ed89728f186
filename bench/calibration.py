"""The distances behind the score calibration (core.score.scoring.D50, SHAPE), on pairs of different people.

Per shared data set: the distance of the same move performed by someone else and of a different move, as
quartiles, and what the current mapping makes of the medians. Muay Thai: each labelled technique of the train
takes against the 14 references (its own technique vs the 13 others); dance A: each 2 s step against the other
dancer's same step and against dance B, punch and curl (as in bench/cross_person.py).

    python bench/calibration.py
"""

from __future__ import annotations

import numpy as np
from cross_person import IDS, cut, dance_scores, muaythai_references, muaythai_takes

from core.score.scoring import D50, SHAPE, PreparedReference, distance_to_score, score_take


def score_to_distance(score: float) -> float:
    """The inverse of distance_to_score."""
    score = float(np.clip(score, 1e-6, 100 - 1e-6))
    return D50 * (100.0 / score - 1.0) ** (1.0 / SHAPE)


def muaythai() -> tuple[list[float], list[float]]:
    prepared = {r.move: PreparedReference.from_reference(r) for r in muaythai_references()}
    same, other = [], []
    for _, seq, segs in muaythai_takes(quick=False):
        for seg in segs:
            take = cut(seq, seg)
            for move, ref in prepared.items():
                d = score_to_distance(score_take(take, ref).score)
                (same if move == IDS[seg.label] else other).append(d)
    return same, other


def dance() -> tuple[list[float], list[float]]:
    same, other = dance_scores()
    return [score_to_distance(v) for v in same], [score_to_distance(v) for v in other]


def main() -> None:
    print(f"mapping: 100 / (1 + (d / {D50}) ** {SHAPE})")
    print("| data set | pairs | n | d 25 % | d median | d 75 % | score of the median |")
    print("|---|---|---|---|---|---|---|")
    for name, (same, other) in (("Muay Thai", muaythai()), ("dance A", dance())):
        for kind, values in (("same move, other person", same), ("different move", other)):
            q1, med, q3 = np.percentile(values, [25, 50, 75])
            print(f"| {name} | {kind} | {len(values)} | {q1:.3f} | {med:.3f} | {q3:.3f} | "
                  f"{float(distance_to_score(med)):.0f} |")  # fmt: skip


if __name__ == "__main__":
    main()
