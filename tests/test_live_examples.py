"""A move with several examples, live: every chosen example is followed, so a style the first one lacks is found."""

from __future__ import annotations

import numpy as np
import pytest

from core.library.labelled_takes import labelled_segments, load_labelled_take
from core.library.references import make_reference, with_examples
from core.match.live_examples import LIVE_EXAMPLES, live_examples, spread_choice
from core.match.sides import SidedEngine
from core.pose.estimator import PoseSequence
from core.score.scoring import PreparedReference

from .conftest import TESTDATA

MUAYTHAI = TESTDATA / "muaythai"
# Left roundhouse takes of the club members; the shared reference is another performance (a low one).
ROUNDHOUSE_TAKES = ("left_high_kick_9_new_roundkick", "left_middle_kick_10_new_roundkick", "left_rounters_kick_5")


def _take(name: str):
    seq, labels = load_labelled_take(MUAYTHAI / "train" / f"{name}.npy")
    return seq, labelled_segments(labels)


def _first_rep(name: str) -> np.ndarray:
    seq, segs = _take(name)
    seg = next(s for s in segs if len(s) >= 12)
    return seq.keypoints[seg.start : seg.end]


@pytest.fixture(scope="module")
def shared_roundhouse():
    from core.frame.sources import load_keypoint_array

    keypoints, skeleton = load_keypoint_array(MUAYTHAI / "references" / "roundhouse_left.npy")
    seq = PoseSequence(keypoints, skeleton, 30.0, (1920, 1080), "roundhouse_left")
    return make_reference(seq, "roundhouse left", "side")


def _counted(prepared: PreparedReference, seq: PoseSequence) -> list:
    engine = SidedEngine(prepared, "one")
    reps = []
    for k, row in enumerate(seq.keypoints):
        update = engine.push(row if np.isfinite(row[:, :2]).any() else None, k / seq.fps, seq.skeleton)
        if update.new_rep is not None:
            reps.append(update.new_rep)
    return [r for r in reps + engine.finish() if r.counted]


def _found(reps: list, seq: PoseSequence, segs) -> int:
    return sum(any(r.start < s.end / seq.fps and r.end > s.start / seq.fps for r in reps) for s in segs)


def test_examples_of_other_people_find_the_kicks_one_reference_misses(shared_roundhouse):
    seq, segs = _take(ROUNDHOUSE_TAKES[0])  # 9 high roundhouse kicks
    alone = _counted(PreparedReference.from_reference(shared_roundhouse), seq)
    others = [_first_rep(name) for name in ROUNDHOUSE_TAKES[1:]]  # one kick of two other members
    move = with_examples(shared_roundhouse, [shared_roundhouse.keypoints, *others])
    together = _counted(PreparedReference.from_reference(move), seq)
    assert _found(alone, seq, segs) <= 2, "the low-kick reference alone should miss these high kicks"
    assert _found(together, seq, segs) >= len(segs) - 1
    assert len(together) <= len(segs) + 1  # found once each, not once per example


def test_followed_examples_cover_the_variation_not_copies(shared_roundhouse):
    others = [_first_rep(name) for name in ROUNDHOUSE_TAKES]
    first = shared_roundhouse.keypoints
    # The first example twice, then the three members' kicks: the copy adds no variation and is never chosen.
    move = with_examples(shared_roundhouse, [first, first.copy(), *others])
    prepared = PreparedReference.from_reference(move)
    chosen = spread_choice(prepared.example_features, prepared.weights, LIVE_EXAMPLES)
    assert chosen[0] == 0 and 1 not in chosen and len(set(chosen)) == LIVE_EXAMPLES
    followed = live_examples(prepared)
    assert followed[0] is prepared and len(followed) == LIVE_EXAMPLES
    for p, k in zip(followed[1:], chosen[1:], strict=True):
        assert np.array_equal(p.reference.keypoints, move.examples[k], equal_nan=True)
        assert len(p.reference.examples) == len(move.examples)  # its tolerance still sees every example
    one = PreparedReference.from_reference(shared_roundhouse)
    assert live_examples(one) == [one]
