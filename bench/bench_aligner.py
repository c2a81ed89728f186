"""Per-frame cost of the streaming aligner vs fastdtw recomputed over the same window, 300-frame reference."""

from __future__ import annotations

import time

import numpy as np
from _common import ROOT  # noqa: F401  (puts the project on sys.path)
from fastdtw import fastdtw

from core.features.bones import compute_features, part_costs, total_cost
from core.match.align import SubsequenceDTW
from core.pose.skeleton import PARTS


def main() -> None:
    from _common import clip

    from core.pose.estimator import PoseEstimator, extract_sequence

    with PoseEstimator() as est:
        kp = extract_sequence(clip("dance_a_benchmark"), est).keypoints
    ref = compute_features(kp[:300], "mediapipe33")
    stream = compute_features(kp[300:], "mediapipe33", None)
    n = len(ref)
    weights = np.ones(len(PARTS))

    dtw = SubsequenceDTW(n, len(PARTS))
    frames = len(stream)
    t_cost = t_align = 0.0
    for j in range(frames):
        t0 = time.perf_counter()
        parts = part_costs(stream.slice(j, j + 1), ref)[:, 0]
        cost = total_cost(parts, weights)
        t1 = time.perf_counter()
        dtw.update(cost.astype(float), parts.astype(float))
        t2 = time.perf_counter()
        t_cost += t1 - t0
        t_align += t2 - t1
    per_align = t_align / frames
    per_cost = t_cost / frames

    # fastdtw over a window as long as the reference, recomputed for a handful of frames.
    window = n
    flat_ref = np.nan_to_num(ref.bones.reshape(n, -1))
    flat_stream = np.nan_to_num(stream.bones.reshape(frames, -1))
    reps = 10
    t0 = time.perf_counter()
    for j in range(window, window + reps):
        fastdtw(flat_ref, flat_stream[j - window : j], radius=1, dist=2)
    per_fastdtw = (time.perf_counter() - t0) / reps

    print(f"reference {n} frames, stream {frames} frames")
    print(f"  streaming subsequence DTW update: {per_align * 1e3:.3f} ms/frame")
    print(f"  per-frame part costs (features vs reference): {per_cost * 1e3:.3f} ms/frame")
    print(f"  fastdtw recomputed over a {window}-frame window: {per_fastdtw * 1e3:.1f} ms/frame")
    print(f"  ratio fastdtw / streaming update: {per_fastdtw / per_align:.0f}x")


if __name__ == "__main__":
    main()
