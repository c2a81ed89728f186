"""What the reference moves, the take must show (core.score.unseen_motion), on the shared dance clips."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from core.library.references import make_reference
from core.pose.estimator import PoseSequence
from core.pose.skeleton import MP33_NAMES
from core.score.scoring import PreparedReference, score_take
from core.score.unseen_motion import MSG_PARTIAL

# A 2-second step of dance A danced with the legs (a step to the side with the arms out).
STEP = (540, 600)


@pytest.fixture(scope="module")
def step(pose_cache) -> PreparedReference:
    dancer = pose_cache.get("dance_a_benchmark")
    return PreparedReference.from_reference(make_reference(dancer.slice(*STEP), "step", "front"))


def _hidden(seq: PoseSequence, names: tuple[str, ...], frames: slice = slice(None)) -> PoseSequence:
    """`seq` with these mediapipe landmarks unseen (confidence 0) in `frames`."""
    kp = np.array(seq.keypoints, copy=True)
    idx = [MP33_NAMES.index(n) for n in names]
    kp[frames, idx, 2] = 0.0
    return replace(seq, keypoints=kp)


FEET = ("left_ankle", "right_ankle", "left_heel", "right_heel", "left_foot_index", "right_foot_index")


def test_a_close_up_that_hides_the_feet_does_not_confirm_a_step_danced_with_the_legs(pose_cache, step):
    """Dance B is a close-up (ankles seen in 5 % of its frames): its best stretch matched this step at 90, as
    well as the other dancer's same step. Now the legs' share of the step counts as a different pose."""
    same = score_take(pose_cache.get("dance_a_other_person").slice(STEP[0] - 30, STEP[1] + 30), step)
    other = score_take(pose_cache.get("dance_b_different"), step)
    assert same.unseen == 0.0 and same.score >= 85  # the other dancer's whole body is seen: unchanged
    assert other.unseen >= 0.1 and other.score < same.score - 15
    assert other.feedback[0].message == MSG_PARTIAL and other.as_dict()["unseen"] == round(other.unseen, 3)


def test_feet_out_of_the_frame_cost_the_step_but_a_hidden_far_arm_does_not(pose_cache, step):
    take = pose_cache.get("dance_a_other_person").slice(STEP[0] - 30, STEP[1] + 30)
    whole = score_take(take, step)
    no_feet = score_take(_hidden(take, FEET), step)
    assert no_feet.unseen > 0.05 and no_feet.score < whole.score - 5
    # One arm hidden behind the body (its twin in view, as the far arm of a side view) is not charged.
    far_arm = score_take(_hidden(take, ("right_elbow", "right_wrist")), step)
    assert far_arm.unseen == 0.0


def test_a_foot_lost_for_a_few_frames_costs_only_those_frames(pose_cache, step):
    take = pose_cache.get("dance_a_other_person").slice(STEP[0] - 30, STEP[1] + 30)
    whole = score_take(take, step)
    brief = score_take(_hidden(take, FEET, slice(60, 64)), step)  # both feet gone for 4 of 120 frames
    assert brief.unseen < 0.03 and whole.score - brief.score <= 3
    assert MSG_PARTIAL not in [f.message for f in brief.feedback]


def test_a_reference_held_still_has_no_motion_to_show(pose_cache):
    """The guard before punch_side's punch: the pose model's jitter is not a motion a take must show."""
    from core.features.bones import compute_features
    from core.score.unseen_motion import motion_share

    guard = pose_cache.get("punch_side").slice(0, 20)
    assert not motion_share(compute_features(guard.keypoints, guard.skeleton)).any()
    punch = pose_cache.get("punch_side").slice(8, 96)
    share = motion_share(compute_features(punch.keypoints, punch.skeleton))
    assert share.sum() == pytest.approx(1.0) and (share >= 0).all()


def test_hiding_a_limb_never_improves_a_match():
    from core.features.bones import MISSING_COST
    from core.score.unseen_motion import with_unseen

    for d in (0.1, 0.3, MISSING_COST, 0.9):
        assert with_unseen(d, 0.0) == d and with_unseen(d, 0.5) >= d and with_unseen(d, 1.0) == max(d, MISSING_COST)
