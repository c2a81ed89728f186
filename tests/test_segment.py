"""Cutting a long take into techniques (core/library/segment.py) against the labels of the real Muay Thai takes."""

from __future__ import annotations

import numpy as np
import pytest

from core.library.labelled_takes import labelled_segments, load_labelled_take
from core.library.segment import technique_spans

from .conftest import TESTDATA

TRAIN = TESTDATA / "muaythai" / "train"


def _met(spans, seg):
    return [(a, b) for a, b in spans if min(b, seg.end) - max(a, seg.start) > 0.5 * min(b - a, len(seg))]


def test_the_cuts_of_every_train_take_meet_its_labelled_techniques():
    # 42 real continuous takes (7-19 techniques each, guard between, other people than any reference).
    paths = sorted(p for p in TRAIN.glob("*.npy") if not p.name.endswith(".labels.npy"))
    if not paths:
        pytest.fail(f"missing {TRAIN}: the tests need ../shared beside the project")
    one = labelled = 0
    errors = []
    for path in paths:
        take, labels = load_labelled_take(path)
        spans = technique_spans(take.keypoints, take.skeleton, take.fps)
        assert all(b > a for a, b in spans)
        assert all(b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:], strict=False))
        for seg in labelled_segments(labels):
            labelled += 1
            met = _met(spans, seg)
            if len(met) == 1:
                one += 1
                errors += [abs(met[0][0] - seg.start), abs(met[0][1] - seg.end)]
    assert labelled > 300
    assert one >= 0.85 * labelled, f"{one} of {labelled} labelled techniques met by exactly one cut"
    assert np.median(errors) <= 6  # frames (0.2 s) between a cut and the label boundary


def test_guard_alone_and_a_too_short_take_hold_no_technique():
    take, _ = load_labelled_take(TRAIN / "front_kick_left_6.npy")
    still = np.repeat(take.keypoints[:1], 90, axis=0)  # three seconds of one guard frame
    assert technique_spans(still, take.skeleton, take.fps) == []
    assert technique_spans(take.keypoints[:2], take.skeleton, take.fps) == []
