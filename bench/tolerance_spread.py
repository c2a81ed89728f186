"""How much one person's reps differ from each other, per body part: the calibration of core.score.tolerance.

For each of the 42 labelled Muay Thai train takes with at least four reps, the second and third rep are
aligned to the first (core.match.align.anchored_path) and their part distances averaged along the path; prints the
median per part and overall (core.score.tolerance.SAME_PERSON_SPREAD is the overall median).

    python bench/tolerance_spread.py
"""

from __future__ import annotations

import numpy as np
from cross_person import cut, muaythai_takes

from core.features.bones import compute_features, part_costs, total_cost
from core.match.align import anchored_path
from core.pose.skeleton import PARTS
from core.score.tolerance import SAME_PERSON_SPREAD


def main() -> None:
    uniform = np.ones(len(PARTS))
    spreads = []
    for _, seq, segs in muaythai_takes(quick=False):
        reps = [s for s in segs if len(s) >= 12]
        if len(reps) < 4:
            continue
        first, *others = (compute_features(cut(seq, s).keypoints, seq.skeleton) for s in reps[:3])
        for other in others:
            parts = part_costs(other, first)
            path = anchored_path(total_cost(parts, uniform))
            picked = parts[path[:, 0], path[:, 1]]
            with np.errstate(invalid="ignore"):
                spreads.append([np.nanmean(c) if np.isfinite(c).any() else np.nan for c in picked.T])
    table = np.array(spreads)
    print(f"{len(table)} rep pairs, one person each")
    for p, part in enumerate(PARTS):
        print(f"  {part:10s} median {np.nanmedian(table[:, p]):.3f}")
    print(f"  overall    median {np.nanmedian(table):.3f} (tolerance.SAME_PERSON_SPREAD = {SAME_PERSON_SPREAD})")


if __name__ == "__main__":
    main()
