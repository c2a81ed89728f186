"""How still a hold was: the sway of hips and head in body heights; pure functions of keypoints.

Sway is the root-mean-square distance of the pelvis and of the nose from their own mean position over the
hold, averaged over the two, divided by the person's standing height. Heights, not pixels or torso lengths,
so that a number means the same for a child and an adult, near or far from the camera: 0.01 is a sway of
1 % of the body's height (about 2 cm for a grown-up). The hold engine (core.match.hold) keeps it as running
sums over the hold, so a long hold stores nothing per frame; this module gives it the height.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..pose.skeleton import BONES, NECK, PELVIS

# The bones that stack from ankle to nose: standing height without the top of the head, which no landmark
# marks. Measured along the bones (their full lengths), so a deep stance does not shrink it.
_HEIGHT_CHAIN = (
    ("left_knee", "left_ankle"),
    ("left_hip", "left_knee"),
    (PELVIS, NECK),
    (NECK, "nose"),
)
_CHAIN_BONES = [next(b for b, (a, z, _p) in enumerate(BONES) if (a, z) == pair) for pair in _HEIGHT_CHAIN]
# Nose to the top of the head, as a share of the ankle-to-nose height (anthropometric tables: the head above
# the nose is about 6 % of standing height).
_HEAD_TOP = 1.06


def body_height(bone_lengths: NDArray[np.float64]) -> float:
    """Standing height in the units of `bone_lengths` ((B,) full lengths, core.features.bones.bone_lengths)."""
    # Left and right limbs already share their longer length there.
    return float(_HEAD_TOP * bone_lengths[_CHAIN_BONES].sum())
