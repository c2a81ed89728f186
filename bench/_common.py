"""Shared helpers for the benchmark scripts (paths to the shared clips, a reference from a clip)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTDATA = ROOT.parent / "shared" / "testdata"
sys.path.insert(0, str(ROOT))


def clip(name: str) -> str:
    path = TESTDATA / f"{name}.mp4"
    if not path.is_file():
        sys.exit(f"missing {path}: the benchmarks read ../shared/testdata beside the repo")
    return str(path)


CACHE = Path.home() / ".cache" / "posecoach" / "bench"


def cached_poses(name: str):
    """The shared clip's pose sequence, extracted with mediapipe once and kept in ~/.cache between runs."""
    import numpy as np

    from core.pose.estimator import PoseEstimator, PoseSequence, extract_sequence

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name}.npz"
    if path.is_file():
        d = np.load(path)
        if "world" in d:  # caches from before world landmarks were kept are extracted again
            size = tuple(d["size"])
            return PoseSequence(d["keypoints"], str(d["skeleton"]), float(d["fps"]), size, clip(name), d["world"])
    with PoseEstimator() as est:
        seq = extract_sequence(clip(name), est)
    np.savez(path, keypoints=seq.keypoints, skeleton=seq.skeleton, fps=seq.fps, size=np.array(seq.frame_size),
             world=seq.world)  # fmt: skip
    return seq
