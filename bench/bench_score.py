"""Time split of an offline `score` on a real clip: decode, pose, features, DTW (search + fastdtw)."""

from __future__ import annotations

import time

import numpy as np
from _common import clip

from core.features.bones import compute_features, part_costs, total_cost
from core.frame.sources import VideoSource
from core.library.references import make_reference
from core.match.align import best_segment, warp_path
from core.pose.estimator import PoseEstimator, poses_to_sequence
from core.score.scoring import PreparedReference, score_take


def main(name: str = "squat_front_air") -> None:
    path = clip(name)
    t0 = time.perf_counter()
    with VideoSource(path) as video:
        frames = list(video)
        fps = video.fps
    t_decode = time.perf_counter() - t0

    with PoseEstimator() as est:
        t0 = time.perf_counter()
        poses = [est.process(f) for f in frames]
        t_pose = time.perf_counter() - t0
    take = poses_to_sequence(poses, fps, path)
    ref = PreparedReference.from_reference(make_reference(take.slice(60, 120), "squat", "front"))

    t0 = time.perf_counter()
    feats = compute_features(take.keypoints, take.skeleton)
    parts = part_costs(feats, ref.features)
    cost = total_cost(parts, ref.weights)
    t_feat = time.perf_counter() - t0
    t0 = time.perf_counter()
    seg = best_segment(cost)
    t_search = time.perf_counter() - t0
    t0 = time.perf_counter()
    warp_path(cost, seg)
    t_fastdtw = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = score_take(take, ref)
    t_score = time.perf_counter() - t0

    n = len(frames)
    print(f"clip {name}: {n} frames, reference {len(ref)} frames, score {result.score:.1f}")
    rows = [("decode", t_decode), ("pose", t_pose), ("features + cost matrix", t_feat),
            ("subsequence DTW search", t_search), ("fastdtw path", t_fastdtw)]  # fmt: skip
    total = sum(t for _, t in rows)
    for label, t in rows:
        print(f"  {label:24s} {t * 1e3:8.1f} ms  {t / n * 1e3:6.2f} ms/frame  {100 * t / total:5.1f} %")
    print(f"  {'total':24s} {total * 1e3:8.1f} ms")
    print(f"  score_take end to end on keypoints (two passes + feedback): {t_score * 1e3:.1f} ms")
    _ = np  # numpy imported for symmetry with other benches


if __name__ == "__main__":
    main()
