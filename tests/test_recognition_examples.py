"""A move with several examples is recognised by what its examples share, on real Muay Thai takes."""

from __future__ import annotations

from core.frame.sources import load_keypoint_array
from core.library.labelled_takes import labelled_segments, load_labelled_take
from core.library.references import make_reference, with_examples
from core.match.recognition import recognize
from core.pose.estimator import PoseSequence
from core.score.scoring import PreparedReference

from .conftest import TESTDATA

MUAYTHAI = TESTDATA / "muaythai"
PAD = 5  # guard frames kept around a labelled technique


def _reps(take: str, limit: int | None = None) -> list[PoseSequence]:
    seq, labels = load_labelled_take(MUAYTHAI / "train" / f"{take}.npy")
    segs = [s for s in labelled_segments(labels) if len(s) >= 12][:limit]
    return [seq.slice(max(0, s.start - PAD), min(len(seq), s.end + PAD)) for s in segs]


def _reference(move: str):
    kp, skeleton = load_keypoint_array(MUAYTHAI / "references" / f"{move}.npy")
    return make_reference(PoseSequence(kp, skeleton, 30.0, (1920, 1080)), move, "side")


def test_one_odd_example_does_not_make_a_move_steal_other_takes():
    # A coach's hook holds three hooks of one club member and, by mistake, one straight of another. Straights
    # by a third person must still be named straights: a move is as close as its examples are on average, so
    # the odd example does not decide alone (with the nearest example deciding, 2 of 15 stayed straights).
    hook = _reference("hook_head_right")
    examples = [hook.keypoints] + [r.keypoints for r in _reps("right_hook_head_12", 3)]
    examples.append(_reps("straight_right_5", 1)[0].keypoints)
    library = [
        PreparedReference.from_reference(_reference("straight_right")),
        PreparedReference.from_reference(with_examples(hook, examples)),
    ]
    takes = _reps("straight_right_head_9") + _reps("straight_right_6")
    named = [recognize(t, library).candidates[0].move for t in takes]
    assert len(takes) == 15
    assert named.count("straight_right") >= 9, named
