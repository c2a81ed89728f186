"""Features: invariance to where and how big the person is, small tilts, NaN for missing joints, mirror."""

from __future__ import annotations

import numpy as np
import pytest

from core.features.bones import MISSING_COST, compute_features, mirror_keypoints, part_costs, total_cost
from core.pose.skeleton import COCO17, LEFT_RIGHT_SWAP, MEDIAPIPE33, MP33_NAMES, PARTS


@pytest.fixture(scope="module")
def punch_kp(pose_cache):
    return pose_cache.get("punch_side").keypoints


def transform(kp: np.ndarray, scale: float, dx: float, dy: float, degrees: float = 0.0) -> np.ndarray:
    out = kp.copy()
    a = np.deg2rad(degrees)
    x, y = kp[..., 0] - 300, kp[..., 1] - 600
    out[..., 0] = scale * (np.cos(a) * x - np.sin(a) * y) + 300 + dx
    out[..., 1] = scale * (np.sin(a) * x + np.cos(a) * y) + 600 + dy
    return out


def test_bones_ignore_position_size_and_small_tilt(punch_kp):
    base = compute_features(punch_kp, MEDIAPIPE33)
    moved = compute_features(transform(punch_kp, 0.5, 140, -90, degrees=8), MEDIAPIPE33)
    assert np.nanmax(np.abs(base.bones - moved.bones)) < 1e-3
    assert moved.scale == pytest.approx(base.scale * 0.5, rel=1e-3)


def test_missing_joints_are_nan_not_zero(punch_kp):
    kp = punch_kp.copy()
    kp[:, MP33_NAMES.index("left_wrist"), 2] = 0.05  # the model cannot see it
    kp[10] = np.nan  # nobody in frame 10
    feats = compute_features(kp, MEDIAPIPE33)
    assert np.isnan(feats.bones[:, 5]).all()  # left elbow -> wrist
    assert (feats.weight[:, 5] == 0).all()
    assert np.isnan(feats.bones[10]).all()
    costs = part_costs(feats, compute_features(punch_kp, MEDIAPIPE33))
    assert np.isfinite(costs[:, :, PARTS.index("right_arm")]).any()
    total = total_cost(costs, np.ones(len(PARTS)))
    assert (total[:, 10] == MISSING_COST).all()
    assert np.isfinite(total).all()


def test_an_unseen_joint_does_not_drag_the_score(punch_kp):
    ref = compute_features(punch_kp, MEDIAPIPE33)
    kp = punch_kp.copy()
    wrist = MP33_NAMES.index("left_wrist")
    kp[:, wrist, :2] += 400  # wildly wrong ...
    kp[:, wrist, 2] = 0.1  # ... but the model said it could not see it
    parts = part_costs(compute_features(kp, MEDIAPIPE33), ref)
    diag = total_cost(parts, np.ones(len(PARTS)))[np.arange(len(ref)), np.arange(len(ref))]
    assert diag.max() < 1e-3


def test_mirror_twice_is_identity_and_swaps_sides(punch_kp):
    twice = mirror_keypoints(mirror_keypoints(punch_kp, MEDIAPIPE33), MEDIAPIPE33)
    assert np.allclose(twice, punch_kp, equal_nan=True)
    once = mirror_keypoints(punch_kp, MEDIAPIPE33)
    ls, rs = MP33_NAMES.index("left_shoulder"), MP33_NAMES.index("right_shoulder")
    assert np.allclose(once[:, ls, 1], punch_kp[:, rs, 1], equal_nan=True)
    assert (LEFT_RIGHT_SWAP[COCO17][LEFT_RIGHT_SWAP[COCO17]] == np.arange(17)).all()


def test_coco17_and_mediapipe_inputs_give_the_same_features(punch_kp):
    from core.pose.skeleton import MP33_TO_COCO17

    a = compute_features(punch_kp, MEDIAPIPE33)
    b = compute_features(punch_kp[:, MP33_TO_COCO17], COCO17)
    assert np.allclose(a.bones, b.bones, equal_nan=True)
