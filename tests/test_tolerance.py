"""A move's examples set its tolerance per body part: variation the coach showed is forgiven, elsewhere not."""

from __future__ import annotations

import numpy as np

from core.frame.sources import load_keypoint_array
from core.library.references import make_reference, with_examples
from core.match.align import anchored_distance, anchored_path
from core.pose.estimator import PoseSequence
from core.score.scoring import PreparedReference, score_take

from .conftest import TESTDATA

REFERENCE = TESTDATA / "muaythai" / "references" / "straight_right.npy"
RIGHT_ARM = (16,)  # mediapipe's right wrist
LEFT_LEG = (27,)  # left ankle


def _moved(kp: np.ndarray, joints: tuple[int, ...], dx: float, dy: float) -> np.ndarray:
    """A copy with `joints` shifted by (dx, dy) pixels in the middle half of the frames."""
    out = kp.copy()
    a, z = len(kp) // 4, 3 * len(kp) // 4
    out[a:z, list(joints), 0] += dx
    out[a:z, list(joints), 1] += dy
    return out


def _take(kp: np.ndarray) -> PoseSequence:
    return PoseSequence(kp, "mediapipe33", 30.0, (1920, 1080))


def test_anchored_path_runs_corner_to_corner_and_costs_the_anchored_distance():
    rng = np.random.default_rng(0)
    ref = rng.normal(size=(20, 2))
    take = np.repeat(ref, 2, axis=0)[::3]  # a faster take
    cost = np.linalg.norm(ref[:, None] - take[None], axis=-1)
    path = anchored_path(cost)
    assert tuple(path[0]) == (0, 0) and tuple(path[-1]) == (19, len(take) - 1)
    assert set(path[:, 0]) == set(range(20)) and (np.diff(path, axis=0) >= 0).all()
    assert np.isclose(cost[path[:, 0], path[:, 1]].sum() / 20, anchored_distance(cost))


def test_an_arm_the_examples_vary_is_forgiven_and_a_leg_they_agree_on_is_not():
    kp, skeleton = load_keypoint_array(REFERENCE)
    assert skeleton == "mediapipe33"
    single = make_reference(_take(kp), "straight_right", "side")
    # The coach's second and third straights carry the rear hand differently; the legs stay the same.
    varied = [kp, _moved(kp, RIGHT_ARM, 0.0, -90.0), _moved(kp, RIGHT_ARM, 60.0, 70.0)]
    coach = PreparedReference.from_reference(with_examples(single, varied))
    plain = PreparedReference.from_reference(single)
    assert plain.part_scale is None and coach.part_scale is not None

    # The same difference (about a tenth of the body height) once at the wrist, once at the ankle.
    arm_take = _take(_moved(kp, RIGHT_ARM, -50.0, -60.0))
    leg_take = _take(_moved(kp, LEFT_LEG, -50.0, -60.0))
    arm_plain, arm_coach = score_take(arm_take, plain), score_take(arm_take, coach)
    leg_plain, leg_coach = score_take(leg_take, plain), score_take(leg_take, coach)
    # The arm's difference lies within what the examples showed: its part score rises.
    assert arm_coach.parts["right_arm"] > arm_plain.parts["right_arm"] + 2
    # The leg was the same in every example: the same difference there now costs more.
    assert leg_coach.parts["left_leg"] < leg_plain.parts["left_leg"] - 3
    # And the agreed leg loses several times what the varied arm loses (a ratio: the curve is steep near 100).
    assert 100 - leg_coach.parts["left_leg"] > 3 * (100 - arm_coach.parts["right_arm"])
    # A take identical to the first example is still a perfect match.
    assert score_take(_take(kp), coach).score > 97
