"""Seed features vs ours on the same pairs: how far apart same-move and different-move scores land.

The seed: keypoints shifted to their bounding box, pose vector L2-normalised, one DTW per keypoint,
score = 100 - 100 x mean distance. Ours: core.score.scoring.score_take (body-scale bone vectors, confidence
weights, subsequence DTW, calibrated mapping). Prints one row per pair and the separation of each method.
"""

from __future__ import annotations

import numpy as np
from _common import clip
from fastdtw import fastdtw

from core.library.references import make_reference
from core.pose.estimator import PoseEstimator, PoseSequence, extract_sequence
from core.pose.skeleton import to_coco17
from core.score.scoring import PreparedReference, score_take

SOURCE_CLIP = {"squat": "squat_front_air", "jack": "jumping_jacks_front", "punch": "punch_side"}


def seed_vectors(seq: PoseSequence) -> np.ndarray:
    """(T, 17, 2): the seed's per-frame normalisation (frames without a person dropped)."""
    kp = to_coco17(seq.keypoints, seq.skeleton)[..., :2]
    kp = kp[np.isfinite(kp).all(axis=(1, 2))]
    kp = kp - kp.min(axis=1, keepdims=True)
    norm = np.linalg.norm(kp.reshape(len(kp), -1), axis=1)
    return kp / norm[:, None, None]


def seed_score(take: PoseSequence, ref: PoseSequence) -> float:
    a, b = seed_vectors(take), seed_vectors(ref)
    dists = []
    for k in range(17):
        d, path = fastdtw(a[:, k], b[:, k], dist=lambda x, y: float(np.linalg.norm(x - y)))
        dists.append(d / len(path))
    return 100.0 - 100.0 * float(np.mean(dists))


def main() -> None:
    est = PoseEstimator()
    seqs = {n: extract_sequence(clip(n), est) for n in
            ("punch_side", "squat_front_air", "jumping_jacks_front", "pushups_front", "bicep_curl_side")}  # fmt: skip
    refs = {
        "squat": seqs["squat_front_air"].slice(60, 120),
        "jack": seqs["jumping_jacks_front"].slice(40, 80),
        "punch": seqs["punch_side"].slice(8, 96),
    }
    same = {
        "squat": seqs["squat_front_air"].slice(250, 320),
        "jack": seqs["jumping_jacks_front"].slice(130, 185),
        "punch": seqs["punch_side"],
    }
    rows = []
    for name, ref in refs.items():
        prepared = PreparedReference.from_reference(make_reference(ref, name, "x"))
        takes = {f"same move ({name})": same[name]} | {
            other: seq for other, seq in seqs.items() if other != SOURCE_CLIP[name]
        }
        for label, take in takes.items():
            rows.append(
                (name, label, label.startswith("same"), seed_score(take, ref), score_take(take, prepared).score)
            )
    print("| reference | take | seed score | our score |")
    print("|---|---|---|---|")
    for name, label, _, s, o in rows:
        print(f"| {name} | {label} | {s:.1f} | {o:.1f} |")
    for col, title in ((3, "seed"), (4, "ours")):
        same_min = min(r[col] for r in rows if r[2])
        diff_max = max(r[col] for r in rows if not r[2])
        print(f"{title}: lowest same-move score {same_min:.1f}, highest different-move score {diff_max:.1f}, "
              f"gap {same_min - diff_max:+.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
