"""The one landmark table: mediapipe-33 names, COCO-17 mapping, body parts, bones, left/right pairs."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

MEDIAPIPE33 = "mediapipe33"
COCO17 = "coco17"

MP33_NAMES: tuple[str, ...] = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_pinky",
    "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb", "left_hip", "right_hip",
    "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel", "right_heel",
    "left_foot_index", "right_foot_index",
)  # fmt: skip

COCO17_NAMES: tuple[str, ...] = (
    "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee",
    "right_knee", "left_ankle", "right_ankle",
)  # fmt: skip

# Index into MP33 for each COCO-17 keypoint: all comparison happens on these shared joints, so a
# reference from another model (the seed's PoseNet) compares with a mediapipe take.
MP33_TO_COCO17: NDArray[Any] = np.array([MP33_NAMES.index(n) for n in COCO17_NAMES])

SKELETON_SIZES = {MEDIAPIPE33: 33, COCO17: 17}

PARTS: tuple[str, ...] = ("head", "torso", "left_arm", "right_arm", "left_leg", "right_leg")

C = {name: i for i, name in enumerate(COCO17_NAMES)}
# Pseudo-joints used by bones: midpoints computed in features.
NECK, PELVIS = "neck", "pelvis"

# Bones as (from, to, part). Vectors along the kinematic chain, scaled by torso length, are the
# comparison features: invariant to position and size, sensitive to what a coach cares about.
BONES: tuple[tuple[str, str, str], ...] = (
    (NECK, "nose", "head"),
    (PELVIS, NECK, "torso"),
    ("left_shoulder", "right_shoulder", "torso"),
    ("left_hip", "right_hip", "torso"),
    ("left_shoulder", "left_elbow", "left_arm"),
    ("left_elbow", "left_wrist", "left_arm"),
    ("right_shoulder", "right_elbow", "right_arm"),
    ("right_elbow", "right_wrist", "right_arm"),
    ("left_hip", "left_knee", "left_leg"),
    ("left_knee", "left_ankle", "left_leg"),
    ("right_hip", "right_knee", "right_leg"),
    ("right_knee", "right_ankle", "right_leg"),
)
BONE_PARTS: NDArray[Any] = np.array([PARTS.index(p) for _, _, p in BONES])


def _mirror_name(n: str) -> str:
    if n.startswith("left_"):
        return "right_" + n[5:]
    if n.startswith("right_"):
        return "left_" + n[6:]
    return n


# BONE_PARTNER[b] = the same bone on the other side of the body (itself for the central bones).
BONE_PARTNER: NDArray[Any] = np.array(
    [
        next(k for k, (a2, z2, _) in enumerate(BONES) if {a2, z2} == {_mirror_name(a), _mirror_name(z)})
        for a, z, _ in BONES
    ]
)

# COCO-17 joints drawn as the skeleton (display only).
COCO17_EDGES: tuple[tuple[int, int], ...] = (
    (C["left_shoulder"], C["right_shoulder"]), (C["left_shoulder"], C["left_elbow"]),
    (C["left_elbow"], C["left_wrist"]), (C["right_shoulder"], C["right_elbow"]),
    (C["right_elbow"], C["right_wrist"]), (C["left_shoulder"], C["left_hip"]),
    (C["right_shoulder"], C["right_hip"]), (C["left_hip"], C["right_hip"]),
    (C["left_hip"], C["left_knee"]), (C["left_knee"], C["left_ankle"]),
    (C["right_hip"], C["right_knee"]), (C["right_knee"], C["right_ankle"]),
    (C["nose"], C["left_eye"]), (C["nose"], C["right_eye"]),
)  # fmt: skip

# Joints of each part (COCO-17 indices), used for visibility checks and display colouring.
PART_JOINTS: dict[str, tuple[int, ...]] = {
    "head": (C["nose"], C["left_eye"], C["right_eye"], C["left_ear"], C["right_ear"]),
    "torso": (C["left_shoulder"], C["right_shoulder"], C["left_hip"], C["right_hip"]),
    "left_arm": (C["left_elbow"], C["left_wrist"]),
    "right_arm": (C["right_elbow"], C["right_wrist"]),
    "left_leg": (C["left_knee"], C["left_ankle"]),
    "right_leg": (C["right_knee"], C["right_ankle"]),
}


def _swap_permutation(names: tuple[str, ...]) -> NDArray[Any]:
    def partner(n: str) -> str:
        if n.startswith("left_"):
            return "right_" + n[5:]
        if n.startswith("right_"):
            return "left_" + n[6:]
        if n.endswith("_left"):
            return n[:-5] + "_right"
        if n.endswith("_right"):
            return n[:-6] + "_left"
        return n

    return np.array([names.index(partner(n)) for n in names])


# perm[i] = index of the joint that takes joint i's place after a left/right swap.
LEFT_RIGHT_SWAP = {MEDIAPIPE33: _swap_permutation(MP33_NAMES), COCO17: _swap_permutation(COCO17_NAMES)}


def part_label(part: str) -> str:
    """'left_arm' -> 'left arm' for messages."""
    return part.replace("_", " ")


def to_coco17(keypoints: NDArray[Any], skeleton: str) -> NDArray[Any]:
    """(T, K, C) in `skeleton` order -> (T, 17, C) in COCO-17 order."""
    if skeleton == COCO17:
        return keypoints
    if skeleton == MEDIAPIPE33:
        return keypoints[:, MP33_TO_COCO17]
    raise ValueError(f"unknown skeleton {skeleton!r}")
