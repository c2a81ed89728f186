"""Memory over a long synthetic stream: 100k frames of real keypoints played in a loop through LiveEngine."""

from __future__ import annotations

import resource
import time
import tracemalloc

import numpy as np
from _common import clip

from core.library.references import make_reference
from core.match.live import LiveEngine
from core.pose.estimator import PoseEstimator, extract_sequence
from core.score.scoring import PreparedReference


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(total: int = 100_000) -> None:
    with PoseEstimator() as est:
        take = extract_sequence(clip("squat_front_air"), est)
    engine = LiveEngine(PreparedReference.from_reference(make_reference(take.slice(60, 120), "squat", "front")))
    kp = take.keypoints
    tracemalloc.start()
    t0 = time.perf_counter()
    marks = {}
    for k in range(total):
        row = kp[k % len(kp)]
        engine.push(row if np.isfinite(row[0, 0]) else None, k / take.fps)
        if k in (1_000, 10_000, 50_000, total - 1):
            marks[k] = (tracemalloc.get_traced_memory()[0] / 1e6, rss_mb())
    elapsed = time.perf_counter() - t0
    print(f"{total} frames in {elapsed:.1f} s ({elapsed / total * 1e3:.3f} ms/frame), reps {engine.rep_count}")
    for k, (py, rss) in marks.items():
        print(f"  after {k:>6} frames: python heap {py:7.2f} MB, RSS {rss:7.1f} MB")
    first, last = marks[1_000], marks[total - 1]
    print(f"  growth from 1k to {total} frames: heap {last[0] - first[0]:+.2f} MB, RSS {last[1] - first[1]:+.1f} MB")


if __name__ == "__main__":
    main()
