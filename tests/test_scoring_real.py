"""Whole-take scoring on the real shared clips: self-score, robustness, separation, recognition, seed."""

from __future__ import annotations

import numpy as np
import pytest

from core.library.references import make_reference
from core.match.recognition import recognize
from core.score.scoring import PreparedReference, score_take
from tests.clip_transforms import darken, pad_idle, read_frames, retime, rotate, run_pose, scale_and_shift

from .conftest import SEED, TESTDATA


def prepared_from(seq, start, end, move, view="side") -> PreparedReference:
    return PreparedReference.from_reference(make_reference(seq.slice(start, end), move, view, source=seq.source))


@pytest.fixture(scope="module")
def punch(pose_cache):
    return pose_cache.get("punch_side")


@pytest.fixture(scope="module")
def punch_ref(punch):
    return prepared_from(punch, 8, 96, "punch")


@pytest.fixture(scope="module")
def punch_frames():
    return read_frames(str(TESTDATA / "punch_side.mp4"))


def test_reference_scored_against_its_own_take_is_near_100(punch, punch_ref):
    result = score_take(punch, punch_ref)
    assert result.score >= 97
    assert all(v is not None and v >= 97 for v in result.parts.values())
    assert 0.9 <= result.tempo <= 1.1
    assert result.feedback == []
    # the located move is where the reference was cut (frames 8..96 at 30 fps)
    assert result.start_s == pytest.approx(8 / 30, abs=0.1)
    assert result.end_s == pytest.approx(96 / 30, abs=0.1)


def test_mid_rep_reference_finds_itself_in_a_long_take(pose_cache):
    squat = pose_cache.get("squat_front_air")
    ref = prepared_from(squat, 60, 120, "squat", "front")
    assert score_take(squat, ref).score >= 97


@pytest.mark.parametrize(
    ("label", "make"),
    [
        ("twice as fast", lambda imgs: retime(imgs, 2.0)),
        ("1.5x slower", lambda imgs: retime(imgs, 1 / 1.5)),
        ("farther away and off-centre", lambda imgs: [scale_and_shift(0.6, 0.15, 0.05)(i) for i in imgs]),
        ("tilted 7 degrees", lambda imgs: [rotate(7)(i) for i in imgs]),
        ("darker (gain 0.35)", lambda imgs: [darken(0.35)(i) for i in imgs]),
        ("idle 2 s before and after", lambda imgs: pad_idle(imgs, 60, 60)),
    ],
)
def test_transformed_take_scores_like_the_original(label, make, punch_frames, punch_ref, estimator):
    images, fps = punch_frames
    take = run_pose(make(images), fps, estimator, f"punch_side ({label})")
    result = score_take(take, punch_ref)
    assert result.score >= 90, f"{label}: {result.score:.1f}"


def test_other_frame_rate_scores_like_the_original(punch_frames, punch_ref, estimator):
    images, fps = punch_frames
    # 24 fps: keep 4 frames of every 5 and label the take 24 fps, as a 24 fps camera would have filmed it.
    take = run_pose(retime(images, 1.25), 24.0, estimator, "punch_side at 24 fps")
    result = score_take(take, punch_ref)
    assert result.score >= 90
    assert result.tempo == pytest.approx(1.0, abs=0.15)


def test_faster_take_reports_tempo_and_too_fast(punch_frames, punch_ref, estimator):
    images, fps = punch_frames
    take = run_pose(retime(images, 2.0), fps, estimator, "punch_side 2x")
    result = score_take(take, punch_ref)
    assert result.tempo == pytest.approx(0.5, abs=0.1)
    assert any(f.message == "too fast" for f in result.feedback)


def test_different_moves_score_clearly_lower_than_the_same_move(pose_cache, punch_ref):
    squat = pose_cache.get("squat_front_air")
    squat_ref = prepared_from(squat, 60, 120, "squat", "front")
    same = score_take(squat.slice(200, 900), squat_ref).score  # other repetitions of the squat
    assert same >= 85
    for other in ("punch_side", "jumping_jacks_front", "pushups_front", "bicep_curls_front"):
        assert score_take(pose_cache.get(other), squat_ref).score <= same - 35, other
    for other in ("squat_front_air", "jumping_jacks_front", "pushups_front", "dance_a_benchmark"):
        assert score_take(pose_cache.get(other), punch_ref).score <= 50, other


def test_matching_dance_step_of_another_person_beats_other_steps(pose_cache):
    bench = pose_cache.get("dance_a_benchmark")
    other = pose_cache.get("dance_a_other_person")
    margins = []
    for s0 in range(0, 540, 90):
        ref = prepared_from(bench, s0, s0 + 90, f"step{s0}", "front")
        same = score_take(other.slice(max(0, s0 - 30), s0 + 150), ref).score
        others = [score_take(other.slice(o, o + 180), ref).score for o in range(0, 460, 90) if abs(o - s0) >= 120]
        margins.append(same - float(np.median(others)))
    # The two dancers differ in style (camera height, arm styling): the right step wins on average.
    assert np.mean(margins) > 3, margins
    assert sum(m > 0 for m in margins) >= 4, margins


def test_recognize_names_the_move_or_none(pose_cache, punch_ref):
    squat = pose_cache.get("squat_front_air")
    jacks = pose_cache.get("jumping_jacks_front")
    library = [
        punch_ref,
        prepared_from(squat, 60, 120, "squat", "front"),
        prepared_from(jacks, 40, 80, "jumping jack", "front"),
    ]
    rec = recognize(squat.slice(300, 500), library)
    assert (rec.move, rec.view) == ("squat", "front")
    assert rec.confidence > 0.8
    assert [c.move for c in rec.candidates][0] == "squat"
    assert len(rec.candidates) == 3
    none = recognize(pose_cache.get("pushups_front"), library)
    assert none.move is None


def test_seed_lookup_scores_high_on_its_own_video_and_lower_on_others(pose_cache):
    from core.library.seed_import import import_lookup

    (seed_ref,) = import_lookup(SEED)
    prepared = PreparedReference.from_reference(seed_ref)
    own = score_take(pose_cache.get("punch_side"), prepared).score
    assert own >= 75
    for other in ("squat_front_air", "jumping_jacks_front", "dance_a_benchmark"):
        assert score_take(pose_cache.get(other), prepared).score < own - 25, other


def test_mirror_option_matches_a_left_handed_take(pose_cache):
    from core.features.bones import mirror_keypoints
    from core.pose.estimator import PoseSequence

    curls = pose_cache.get("bicep_curl_side")
    ref = prepared_from(curls, 0, len(curls), "curl", "side")
    lefty = PoseSequence(mirror_keypoints(curls.keypoints, curls.skeleton), curls.skeleton, curls.fps)
    assert score_take(lefty, ref, mirror=True).score >= 97
    assert score_take(lefty, ref).score < 80
