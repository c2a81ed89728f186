"""Memory of the review buffer over a long session: a real multi-rep clip played in a loop, every frame kept in
the rolling window as the app does (core.app.practice_session), every rep cut and kept, as long as it runs.

    PYTHONPATH=. python bench/bench_rep_takes.py [FRAMES]
"""

from __future__ import annotations

import sys
import time

import numpy as np
from _common import cached_poses, clip
from bench_live_memory import rss_mb

from core.frame.sources import VideoSource
from core.library.references import make_reference
from core.match.live import LiveEngine
from core.score.scoring import PreparedReference
from core.view.rep_takes import RepTakeBuffer, window_for


def main(total: int = 20_000) -> None:
    name = "squat_front_air"  # ~13 squats in 900 frames of 1280x720
    take = cached_poses(name)
    ref = make_reference(take.slice(60, 120), "squat", "front")
    prepared = PreparedReference.from_reference(ref)
    engine = LiveEngine(prepared)
    buffer = RepTakeBuffer(window_s=window_for([ref.duration]))
    kp = take.keypoints
    k, reps, add_s = 0, 0, 0.0
    marks: dict[int, tuple[float, float, int]] = {}
    t0 = time.perf_counter()
    while k < total:
        with VideoSource(clip(name)) as video:
            for frame in video:
                if k >= total:
                    break
                row = kp[frame.index % len(kp)]
                t = k / take.fps
                u = engine.push(row if np.isfinite(row[0, 0]) else None, t)
                a = time.perf_counter()
                buffer.add_frame(t, frame.image, row if np.isfinite(row[0, 0]) else None)
                if u.new_rep is not None and buffer.add_rep(u.new_rep, ref.label, prepared) is not None:
                    reps += 1
                add_s += time.perf_counter() - a
                if k in (500, 2_000, 5_000, 10_000, total - 1) or k % 5_000 == 0:
                    marks[k] = (rss_mb(), buffer.nbytes / 1e6, len(buffer.takes()))
                k += 1
    elapsed = time.perf_counter() - t0
    print(f"{total} frames ({total / take.fps / 60:.1f} min of {name} in a loop) in {elapsed:.0f} s; "
          f"buffer work {add_s / total * 1e3:.2f} ms/frame; {reps} reps kept over the session")  # fmt: skip
    print("frame     RSS MB   buffer MB   reps held")
    for frame_no, (rss, held, n) in sorted(marks.items()):
        print(f"{frame_no:6d}   {rss:7.1f}   {held:8.2f}   {n:4d}")
    worst = buffer.worst()
    if worst is not None:
        a = time.perf_counter()
        path = worst.path
        print(f"worst kept rep {worst.rep.index}: score {worst.rep.score:.0f}, {len(worst)} frames, "
              f"path {len(path)} steps computed in {(time.perf_counter() - a) * 1e3:.1f} ms on review")  # fmt: skip


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
