"""Live pipeline (decode, pose, features, aligner, feedback, drawing) vs bare pose inference, same clip and run."""

from __future__ import annotations

import sys
import time

from _common import clip

from core.frame.sources import VideoSource
from core.library.references import make_reference
from core.pose.estimator import PoseEstimator, extract_sequence
from core.view.live_pipeline import LivePipeline, make_engine

CLIP = sys.argv[1] if len(sys.argv) > 1 else "squat_front_air"


def main() -> None:
    est = PoseEstimator()
    seq = extract_sequence(clip(CLIP), est)  # warm-up, and the reference
    ref = make_reference(seq.slice(60, 120), "squat", "front")

    with VideoSource(clip(CLIP)) as video:
        frames = list(video)  # decoded once: the comparison below is about per-frame work
    est.reset()
    t = time.perf_counter()
    for f in frames:
        est.process(f)
    bare = time.perf_counter() - t

    pipeline = LivePipeline(est, make_engine([ref]), mirror_display=True)
    pipeline.reset()
    t = time.perf_counter()
    pose_ms = work_ms = 0.0
    for f in frames:
        v = pipeline.process(f)
        pose_ms += v.pose_ms
        work_ms += v.work_ms
    full = time.perf_counter() - t

    t = time.perf_counter()
    with VideoSource(clip(CLIP)) as video:
        n = sum(1 for _ in video)
    decode = time.perf_counter() - t
    n = len(frames)
    print(f"clip {CLIP}: {n} frames, {frames[0].image.shape[1]}x{frames[0].image.shape[0]}")
    print(f"bare pose inference      : {n / bare:6.1f} fps  ({1000 * bare / n:5.1f} ms/frame)")
    print(f"full live pipeline       : {n / full:6.1f} fps  ({1000 * full / n:5.1f} ms/frame)")
    print(f"  of which pose          : {pose_ms / n:5.1f} ms/frame")
    print(f"  engine + feedback + draw: {work_ms / n:5.1f} ms/frame")
    print(f"decode (separate thread) : {1000 * decode / n:5.1f} ms/frame")
    share = 100 * (full - bare) / full
    print(f"ratio full / bare fps    : {bare / full:.3f}  (everything but inference = {share:.1f}% of frame time)")


if __name__ == "__main__":
    main()
