"""Scoring a long take against a long reference keeps its memory bounded (no N x M x bones array)."""

from __future__ import annotations

import tracemalloc

import numpy as np

from core.library.labelled_takes import load_labelled_take
from core.library.references import make_reference
from core.pose.estimator import PoseSequence
from core.score.scoring import PreparedReference, score_take

from .conftest import TESTDATA

TAKE = TESTDATA / "muaythai" / "train" / "left_hook_head_11.npy"


def test_a_10_s_reference_against_a_4_min_take_stays_under_80_mb():
    take, _ = load_labelled_take(TAKE)
    reference = make_reference(take.slice(0, 300), "hooks", "side")  # 10 s at 30 fps
    prepared = PreparedReference.from_reference(reference)
    reps = int(np.ceil(7200 / len(take)))
    long_take = PoseSequence(np.concatenate([take.keypoints] * reps)[:7200], take.skeleton, take.fps)
    # A whole (N, M, bones, 2) float32 difference array would be 300 x 7200 x 12 x 2 x 4 bytes = 207 MB.
    tracemalloc.start()
    try:
        result = score_take(long_take, prepared)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.score > 97  # the take repeats the reference's own frames
    assert peak < 80 * 2**20, f"peak {peak / 2**20:.0f} MB"
