"""The live engine on real clips: reps, no reps for other moves, live vs offline, feedback, nobody in frame."""

from __future__ import annotations

import numpy as np
import pytest

from core.library.references import make_reference
from core.match.live import MSG_NOBODY, LiveEngine
from core.pose.estimator import PoseSequence
from core.score.scoring import PreparedReference, distance_to_score, score_take


def engine_for(seq: PoseSequence, start: int, end: int, move: str, view: str = "front") -> LiveEngine:
    ref = make_reference(seq.slice(start, end), move, view, source=seq.source)
    return LiveEngine(PreparedReference.from_reference(ref))


def play(engine: LiveEngine, seq: PoseSequence):
    updates = []
    for k, row in enumerate(seq.keypoints):
        present = np.isfinite(row[:, :2]).any()
        updates.append(engine.push(row if present else None, k / seq.fps, seq.skeleton))
    return updates


# (clip, reference frames cut from one rep, reps counted by eye on the hip/shoulder/wrist curves)
REP_CLIPS = [
    ("squat_front_air", 60, 120, 13),
    ("squat_side_60fps", 102, 216, 7),
    ("pushups_front", 126, 189, 15),
    ("bicep_curls_front", 60, 135, 4),
    ("jumping_jacks_front", 40, 80, 4),
]


@pytest.mark.parametrize(("clip", "start", "end", "expected"), REP_CLIPS)
def test_reps_of_a_multi_rep_clip_are_counted(pose_cache, clip, start, end, expected):
    seq = pose_cache.get(clip)
    engine = engine_for(seq, start, end, clip)
    updates = play(engine, seq)
    reps = [u.new_rep for u in updates if u.new_rep is not None]
    assert abs(len(reps) - expected) <= 1, [round(r.score) for r in reps]
    assert updates[-1].rep_count == len(reps)
    # reps do not overlap and each carries a score and part scores
    for a, b in zip(reps, reps[1:], strict=False):
        assert a.end <= b.start + 1e-6
    parts = {"head", "torso", "left_arm", "right_arm", "left_leg", "right_leg"}
    assert all(r.score >= distance_to_score(engine.accept) and set(r.parts) == parts for r in reps)


def test_another_move_yields_no_reps_and_low_scores(pose_cache):
    squat = pose_cache.get("squat_front_air")
    for other in ("jumping_jacks_front", "punch_side", "dance_a_benchmark"):
        seq = pose_cache.get(other)
        updates = play(engine_for(squat, 60, 120, "squat"), seq)
        assert updates[-1].rep_count == 0, other
        scores = [u.score for u in updates if u.score is not None]
        assert not scores or np.median(scores) < 50, other


def test_live_rep_scores_agree_with_whole_take_scores(pose_cache):
    squat = pose_cache.get("squat_front_air")
    engine = engine_for(squat, 60, 120, "squat")
    reps = [u.new_rep for u in play(engine, squat) if u.new_rep is not None]
    for rep in reps[1:6]:
        lo, hi = int(rep.start * squat.fps), int(rep.end * squat.fps)
        offline = score_take(squat.slice(max(0, lo - 10), hi + 10), engine.prepared).score
        assert abs(rep.score - offline) <= 5, (rep.index, rep.score, offline)


def test_feedback_names_the_arm_that_was_held_still(pose_cache):
    jacks = pose_cache.get("jumping_jacks_front")
    engine = engine_for(jacks, 40, 80, "jumping jack")
    kp = jacks.keypoints.copy()
    # Freeze the person's right arm (mediapipe 12 shoulder, 14 elbow, 16 wrist) relative to the shoulder.
    for j in (14, 16):
        kp[:, j, :2] = kp[:, 12, :2] + (kp[0, j, :2] - kp[0, 12, :2])
    held = PoseSequence(kp, jacks.skeleton, jacks.fps)
    updates = play(engine, held)
    shown = [f for u in updates for f in u.feedback]
    assert shown, "no feedback at all"
    parts = [f.part for f in shown]
    assert parts.count("right_arm") > 0.5 * len(parts), parts[:20]
    assert any(f.message.startswith("right arm: raise") for f in shown)
    assert not any(f.part == "left_arm" for f in shown)


def test_nobody_in_frame_gives_no_score_and_the_step_in_message(pose_cache):
    squat = pose_cache.get("squat_front_air")
    engine = engine_for(squat, 60, 120, "squat")
    updates = [engine.push(None, k / 30) for k in range(60)]
    assert all(u.score is None and u.status == "nobody" for u in updates)
    assert all(u.feedback and u.feedback[0].message == MSG_NOBODY for u in updates)
    assert updates[-1].rep_count == 0


def test_only_upper_body_in_frame_asks_to_step_back(pose_cache):
    squat = pose_cache.get("squat_front_air")
    engine = engine_for(squat, 60, 120, "squat")
    kp = squat.keypoints[:90].copy()
    kp[:, 23:, :] = np.nan  # hips, legs and feet out of frame
    updates = play(engine, PoseSequence(kp, squat.skeleton, squat.fps))
    assert all(u.score is None for u in updates)
    assert updates[-1].feedback[0].message.startswith("step back")


def test_feedback_is_stable_from_frame_to_frame(pose_cache):
    squat = pose_cache.get("squat_front_air")
    updates = play(engine_for(squat, 60, 120, "squat"), squat)
    messages = [tuple(f.message for f in u.feedback) for u in updates]
    changes = sum(a != b for a, b in zip(messages, messages[1:], strict=False))
    assert changes <= len(messages) / 15  # at most one change every half second on average
    assert max(len(m) for m in messages) <= 2
