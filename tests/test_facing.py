"""A person facing the other way than the reference (the laptop on the other side of the room), on real data.

"Turned around" is what a camera on the other side sees of a side view: x flipped about the frame's
centre, left and right kept. A mirror image (x flipped and left and right swapped) is the other stance, a
different thing: tests/test_sides.py and test_scoring_real's mirror test keep that apart.
"""

from __future__ import annotations

import numpy as np
import pytest

from core.features.bones import estimate_normalisation
from core.frame.sources import load_keypoint_array
from core.library.labelled_takes import labelled_segments, load_labelled_take
from core.library.references import make_reference, with_examples
from core.match.live import LiveEngine
from core.match.recognition import recognize
from core.pose.estimator import PoseSequence
from core.score.scoring import PreparedReference, score_take

from .conftest import TESTDATA

MUAYTHAI = TESTDATA / "muaythai"
MUAYTHAI_WIDTH = 1920  # the set's keypoints are pixels of a 1920x1080 frame


def turned(seq: PoseSequence) -> PoseSequence:
    kp = seq.keypoints.copy()
    width = seq.frame_size[0] if seq.frame_size else MUAYTHAI_WIDTH
    kp[..., 0] = width - kp[..., 0]
    return PoseSequence(kp, seq.skeleton, seq.fps, seq.frame_size, seq.source)


@pytest.fixture(scope="module")
def punch(pose_cache) -> PoseSequence:
    return pose_cache.get("punch_side")


@pytest.fixture(scope="module")
def jab(punch) -> PreparedReference:
    return PreparedReference.from_reference(make_reference(punch.slice(8, 96), "jab", "side"))


def _facing(seq: PoseSequence) -> int:
    return estimate_normalisation(seq.keypoints, seq.skeleton).facing


def test_a_side_view_shows_its_facing_and_a_front_view_none(pose_cache, punch):
    assert _facing(punch) == 1
    assert _facing(turned(punch)) == -1
    for front in ("squat_front_air", "dance_a_benchmark", "dance_a_other_person"):
        assert _facing(pose_cache.get(front)) == 0, front  # never flipped: its left shoulder stays left


def test_the_punch_turned_around_scores_as_filmed(punch, jab):
    assert score_take(punch, jab).score >= 97
    assert score_take(turned(punch), jab).score >= 97
    # The reference turned around instead: the take is compared facing it.
    turned_jab = PreparedReference.from_reference(make_reference(turned(punch).slice(8, 96), "jab", "side"))
    assert turned_jab.facing == -1
    assert score_take(punch, turned_jab).score >= 97


def test_examples_filmed_from_both_sides_are_one_move(punch, jab):
    """A coach records one take from each side of the room: the second example faces the first."""
    ref = make_reference(punch.slice(8, 96), "jab", "side")
    both = PreparedReference.from_reference(with_examples(ref, [ref.keypoints, turned(punch).slice(8, 96).keypoints]))
    first, second = both.example_features
    assert np.allclose(first.bones, second.bones, atol=1e-4, equal_nan=True)
    assert score_take(turned(punch), both).score >= 97


def _take(name: str) -> tuple[PoseSequence, list]:
    seq, labels = load_labelled_take(MUAYTHAI / "train" / f"{name}.npy")
    return seq, labelled_segments(labels)


def _reference(move: str) -> PreparedReference:
    keypoints, skeleton = load_keypoint_array(MUAYTHAI / "references" / f"{move}.npy")
    seq = PoseSequence(keypoints, skeleton, 30.0, (1920, 1080), move)
    return PreparedReference.from_reference(make_reference(seq, move, "side"))


def _count(engine: LiveEngine, seq: PoseSequence) -> int:
    reps = 0
    for k, row in enumerate(seq.keypoints):
        update = engine.push(row if np.isfinite(row[:, :2]).any() else None, k / seq.fps, seq.skeleton)
        reps += update.new_rep is not None
    return reps + len(engine.finish())


@pytest.mark.parametrize(
    ("take", "move"), [("front_kick_left_6", "front_kick_left"), ("straight_right_5", "straight_right")]
)
def test_live_counts_another_persons_take_turned_around_as_filmed(take, move):
    seq, segments = _take(take)
    ref = _reference(move)
    as_filmed = _count(LiveEngine(ref), seq)
    around = _count(LiveEngine(ref), turned(seq))
    print(take, "labelled", len(segments), "as filmed", as_filmed, "turned around", around)
    assert as_filmed >= len(segments) - 1
    assert abs(around - as_filmed) <= 1


def test_recognition_names_a_turned_take_as_it_names_it_filmed():
    refs = [_reference(m) for m in ("straight_left", "straight_right", "hook_head_left", "front_kick_left")]
    seq, segments = _take("straight_left_6")
    named = {}
    for label, s in (("filmed", seq), ("turned", turned(seq))):
        named[label] = [recognize(s.slice(max(0, g.start - 5), g.end + 5), refs).candidates[0].move for g in segments]
    assert named["filmed"].count("straight_left") >= len(segments) - 1
    assert named["turned"] == named["filmed"]


def test_the_ghost_faces_the_way_the_person_faces(punch, jab):
    """The coach's pose drawn over a person turned around is turned too: the jab reaches where they reach."""
    from core.pose.skeleton import to_coco17
    from core.view.overlay import ghost_keypoints

    ref_coco = to_coco17(jab.reference.keypoints, jab.reference.skeleton)
    for seq, flipped in ((punch, False), (turned(punch), True)):
        engine = LiveEngine(jab)
        coco = to_coco17(seq.keypoints, seq.skeleton)
        reach = coco[:, 9, 0] - coco[:, 5, 0]  # left wrist from left shoulder, x
        peak = int(np.nanargmax(np.abs(reach)))
        for k in range(peak + 1):
            update = engine.push(seq.keypoints[k], k / seq.fps, seq.skeleton)
        assert engine.ghost_flipped == flipped
        ghost = ghost_keypoints(ref_coco[update.ref_frame], coco[peak], seq.frame_size, engine.ghost_flipped)
        ghost_reach = ghost[9, 0] - ghost[5, 0]
        assert np.sign(ghost_reach) == np.sign(reach[peak]) and abs(ghost_reach) > 0.3 * abs(reach[peak])


def test_a_head_turned_the_other_way_is_not_a_person_turned_around(pose_cache):
    """Only the face looks the other way (nose, eyes and mouth mirrored about the ears); the feet still point
    where they did, so nothing is flipped: the same jumping jacks score as they did."""
    jacks = pose_cache.get("jumping_jacks_front")  # filmed at about three quarters: it has a facing
    ref = PreparedReference.from_reference(make_reference(jacks.slice(40, 80), "jack", "front"))
    kp = jacks.keypoints.copy()
    ears = kp[:, 7:9, 0].mean(axis=1, keepdims=True)
    face = [0, 1, 2, 3, 4, 5, 6, 9, 10]
    kp[:, face, 0] = 2 * ears - kp[:, face, 0]
    looking_away = PoseSequence(kp, jacks.skeleton, jacks.fps, jacks.frame_size, "looking away")
    assert ref.facing == 1 and _facing(looking_away) == 0
    assert score_take(looking_away, ref).score >= 97
    # Live, as the app runs it: the engines behind one move (both sides) and auto-detect take COCO-17 from
    # their wrapper, and the feet with it; without them the head alone flipped every window.
    from core.view.live_pipeline import engine_for

    for engine in (engine_for([ref], sides="both"), engine_for([ref, _reference("straight_left")])):
        flipped = 0
        for k, row in enumerate(looking_away.keypoints):
            engine.push(row, k / looking_away.fps, looking_away.skeleton)
            flipped += any(e.norm is not None and e.norm.flip for e in engine.engines)
        assert flipped == 0, type(engine).__name__
