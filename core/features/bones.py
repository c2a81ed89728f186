"""Keypoints -> comparison features: per-bone normalised bone vectors with confidence; per-frame costs.

Why these features (measured by bench/cross_person.py and bench/compare_features.py, numbers in the
README): the seed's bounding-box shift + L2 normalisation + cosine similarity puts every pose in the
positive quadrant, so unrelated poses still score ~0.9 cosine. Bone vectors are invariant to where the
person stands; dividing each bone by its own full length in the take (not by one body size) also makes them
invariant to the person's proportions (long legs, short forearms), which is what lets one person's
reference match another person's technique: recognition of 14 Muay Thai techniques across people went
from 0.37 (body-size scaling) to 0.68 with this alone. A bone keeps its foreshortening (a forearm pointing
at the camera is short), unlike a pure unit direction, which is noise when the 2D bone is short (0.64).
Each bone maps onto one body part, so a part's score and its feedback come from the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..pose.skeleton import (
    BONE_PARTNER,
    BONE_PARTS,
    BONES,
    COCO17_NAMES,
    LEFT_RIGHT_SWAP,
    MEDIAPIPE33,
    NECK,
    PARTS,
    PELVIS,
    to_coco17,
)
from .facing import facing_of, opposite

# Below this confidence a joint counts as missing (NaN); above it, confidence weights the joint.
MIN_CONFIDENCE = 0.3
FULL_CONFIDENCE = 0.7
# Cost of a frame pair where nothing comparable is visible: as bad as a clearly different pose.
MISSING_COST = 0.6
# Camera roll up to this angle is undone by turning the median trunk upright; a larger median lean
# is part of the move (a side-view squat) and only this much of it is turned, the same for any take.
MAX_ROLL_CORRECTION = np.deg2rad(12.0)
NUM_PARTS = len(PARTS)
# A bone's full length is its 90th percentile over the frames (it is foreshortened in the others); left and
# right limbs share the longer of the two; never less than this share of the body scale (a bone seen only
# end-on in a short clip).
BONE_LENGTH_PERCENTILE = 90
MIN_BONE_LENGTH = 0.3

_IDX = {name: i for i, name in enumerate(COCO17_NAMES)}


@dataclass(frozen=True)
class Features:
    """Comparison features of a sequence.

    bones: (T, B, 2) float32 bone vectors, each divided by that bone's full length (so about unit length
        when the bone lies in the image plane, shorter when foreshortened); NaN where an end joint is missing.
    weight: (T, B) float32 in 0..1 from the end joints' confidence; 0 where missing.
    joints: (T, 17, 2) float32 COCO-17 joints centred on the pelvis, in body-scale units (for feedback).
    scale: body scale (about a torso length) in input units, used for the whole sequence.
    """

    bones: NDArray[np.float32]
    weight: NDArray[np.float32]
    joints: NDArray[np.float32]
    scale: float

    def __len__(self) -> int:
        return int(self.bones.shape[0])

    def slice(self, start: int, end: int) -> Features:
        return Features(self.bones[start:end], self.weight[start:end], self.joints[start:end], self.scale)


def confidence_weight(conf: NDArray[np.float32]) -> NDArray[np.float32]:
    """Map detector confidence to a 0..1 weight; joints under MIN_CONFIDENCE get 0."""
    w = (conf - MIN_CONFIDENCE) / (FULL_CONFIDENCE - MIN_CONFIDENCE)
    return np.where(np.isfinite(w), np.clip(w, 0.0, 1.0), 0.0).astype(np.float32)


def mirror_keypoints(keypoints: NDArray[np.float32], skeleton: str) -> NDArray[np.float32]:
    """Swap the person's left and right and flip x (a left-handed take against a right-handed coach)."""
    out = keypoints[:, LEFT_RIGHT_SWAP[skeleton]].copy()
    out[..., 0] = -out[..., 0]
    return out


def body_scale(coco: NDArray[np.float32]) -> float:
    """Person size in input units: 90th percentile over frames of max(torso, 1.5 x shoulder width).

    The torso alone collapses when it points at the camera (a push-up filmed from the front) and the
    shoulders collapse in a side view; the larger of the two per frame, taken near its top over the
    frames, stays within a few percent across any stretch of the same take.
    """
    xy = coco[..., :2]
    neck = (xy[:, _IDX["left_shoulder"]] + xy[:, _IDX["right_shoulder"]]) / 2
    pelvis = (xy[:, _IDX["left_hip"]] + xy[:, _IDX["right_hip"]]) / 2
    torso = np.linalg.norm(neck - pelvis, axis=-1)
    shoulders = np.linalg.norm(xy[:, _IDX["left_shoulder"]] - xy[:, _IDX["right_shoulder"]], axis=-1)
    size = np.fmax(torso, 1.5 * shoulders)
    size = size[np.isfinite(size) & (size > 0)]
    return float(np.percentile(size, 90)) if size.size else float("nan")


def roll_angle(xy: NDArray[np.float32]) -> float:
    """Median angle of the trunk (pelvis to neck) from image-up, clamped to MAX_ROLL_CORRECTION."""
    neck = (xy[:, _IDX["left_shoulder"]] + xy[:, _IDX["right_shoulder"]]) / 2
    pelvis = (xy[:, _IDX["left_hip"]] + xy[:, _IDX["right_hip"]]) / 2
    v = neck - pelvis
    ang = np.arctan2(v[:, 0], -v[:, 1])  # 0 when the trunk points straight up in the image
    ang = ang[np.isfinite(ang)]
    if not ang.size:
        return 0.0
    return float(np.clip(np.median(ang), -MAX_ROLL_CORRECTION, MAX_ROLL_CORRECTION))


@dataclass(frozen=True)
class Normalisation:
    """How a sequence is turned upright and scaled: estimated over the frames that hold the move."""

    scale: float
    roll: float
    bone_lengths: NDArray[np.float64]  # (B,) full length of each bone in input units
    facing: int = 0  # +1 / -1 facing image right / left in a side view, 0 unclear (core.features.facing)
    flip: bool = False  # x is flipped: the person faces the other way than what they are compared with


def estimate_normalisation(
    keypoints: NDArray[Any], skeleton: str, face: int = 0, feet: NDArray[np.float32] | None = None
) -> Normalisation:
    """Torso length, camera roll and facing of (T, K, 3) keypoints (confidence-filtered, NaN-aware).

    `face`: the facing of what the features will be compared with (a reference's); x is flipped when this
    person clearly faces the other way. `feet`: (T, 2, 2, 3) foot_points kept beside COCO-17 keypoints (the
    live engines keep COCO-17); by default taken from the keypoints.
    """
    coco = to_coco17(np.asarray(keypoints, np.float32), skeleton)
    weight = confidence_weight(coco[..., 2])
    xy = np.where((weight > 0)[..., None], coco[..., :2], np.nan)
    scale = body_scale(xy)
    feet = foot_points(keypoints, skeleton) if feet is None else feet
    if feet is not None:
        feet = np.where((confidence_weight(feet[..., 2]) > 0)[..., None], feet[..., :2], np.nan).astype(np.float32)
    facing = facing_of(xy, scale, feet)
    return Normalisation(scale, roll_angle(xy), bone_lengths(xy, scale), facing, opposite(facing, face))


def steady_facing(new: Normalisation, old: Normalisation | None) -> Normalisation:
    """A live window whose facing is unclear keeps the last clear one: the columns already aligned were built
    with it, and a kick that turns the face away for a moment has not turned the person around."""
    if new.facing or old is None or not old.facing:
        return new
    return replace(new, facing=old.facing, flip=old.flip)


def ghost_flipped(mirrored: bool, norm: Normalisation | None) -> bool:
    """Whether a reference drawn over a person must be turned in x to face the way they do: they were mirrored
    to be compared with it (the other stance), or flipped because they face the other way, not both."""
    return mirrored != (norm is not None and norm.flip)


# mediapipe's heels and toes (left, right), which COCO-17 lacks: where the feet point says which way the body faces.
MP33_FEET = np.array([[29, 31], [30, 32]])


def foot_points(keypoints: NDArray[Any], skeleton: str) -> NDArray[np.float32] | None:
    """(T, 2, 2, 3) heel and toe (x, y, confidence) of the left and right foot, or None for a skeleton without
    feet (COCO-17)."""
    kp = np.asarray(keypoints, np.float32)
    if skeleton != MEDIAPIPE33 or kp.ndim != 3 or kp.shape[1] != 33:
        return None
    return kp[:, MP33_FEET]


_MIDPOINTS = {NECK: ("left_shoulder", "right_shoulder"), PELVIS: ("left_hip", "right_hip")}


def bone_points(xy: NDArray[np.float32], name: str) -> NDArray[np.float32]:
    """(T, 2) positions of a bone end: a joint, or the neck / pelvis midpoint."""
    if name in _MIDPOINTS:
        a, b = _MIDPOINTS[name]
        return (xy[:, _IDX[a]] + xy[:, _IDX[b]]) / 2
    return xy[:, _IDX[name]]


def _bone_point_weight(weight: NDArray[np.float32], name: str) -> NDArray[np.float32]:
    """(T,) confidence weight of a bone end: a midpoint is as sure as its weaker joint."""
    if name in _MIDPOINTS:
        a, b = _MIDPOINTS[name]
        return np.minimum(weight[:, _IDX[a]], weight[:, _IDX[b]])
    return weight[:, _IDX[name]]


def bone_lengths(xy: NDArray[np.float32], scale: float) -> NDArray[np.float64]:
    """(B,) full length of every bone over (T, 17, 2) joints (NaN missing): see BONE_LENGTH_PERCENTILE."""
    floor = MIN_BONE_LENGTH * scale if np.isfinite(scale) and scale > 0 else 1.0
    out = np.full(len(BONES), floor)
    for b, (a, z, _part) in enumerate(BONES):
        length = np.linalg.norm(bone_points(xy, z) - bone_points(xy, a), axis=-1)
        length = length[np.isfinite(length)]
        if length.size:
            out[b] = max(floor, float(np.percentile(length, BONE_LENGTH_PERCENTILE)))
    return np.maximum(out, out[BONE_PARTNER])


def compute_features(keypoints: NDArray[Any], skeleton: str, norm: Normalisation | None = None) -> Features:
    """(T, K, 3) keypoints (x, y, confidence; NaN missing) -> Features.

    `norm` fixes scale, roll, bone lengths and flip (estimated elsewhere, e.g. on the matched segment only,
    facing a reference); by default they are estimated over all frames given, and x is not flipped.
    """
    coco = to_coco17(np.asarray(keypoints, np.float32), skeleton)
    weight = confidence_weight(coco[..., 2])
    xy = np.where((weight > 0)[..., None], coco[..., :2], np.nan)
    if norm is None:
        norm = estimate_normalisation(keypoints, skeleton)
    scale, roll = norm.scale, norm.roll
    if roll:
        c, s = np.cos(roll), np.sin(roll)
        # Rotate by -roll so the median trunk points up (x right, y down image coordinates).
        xy = np.stack([c * xy[..., 0] + s * xy[..., 1], -s * xy[..., 0] + c * xy[..., 1]], axis=-1)
    if norm.flip:
        xy = xy * np.array([-1.0, 1.0], np.float32)  # facing the other way: left and right stay as they are
    if not np.isfinite(scale) or scale <= 0:
        scale = 1.0  # nothing measurable: features will be NaN anyway

    lengths = norm.bone_lengths
    bones = np.empty((len(coco), len(BONES), 2), np.float32)
    bone_w = np.empty((len(coco), len(BONES)), np.float32)
    for b, (a, z, _part) in enumerate(BONES):
        bones[:, b] = (bone_points(xy, z) - bone_points(xy, a)) / lengths[b]
        bone_w[:, b] = np.minimum(_bone_point_weight(weight, a), _bone_point_weight(weight, z))
    missing = ~np.isfinite(bones).all(axis=-1)
    bones[missing] = np.nan
    bone_w[missing] = 0.0

    # Centre on the pelvis, or the neck when hips are out of frame (a close-up curl).
    pelvis = bone_points(xy, PELVIS)
    centre = np.where(np.isfinite(pelvis), pelvis, bone_points(xy, NECK))
    joints = ((xy - centre[:, None, :]) / scale).astype(np.float32)
    return Features(bones, bone_w, joints, float(scale))


def part_costs(take: Features, ref: Features) -> NDArray[np.float32]:
    """Per-part distances between every reference frame and every take frame.

    Returns (N, M, P) float32 for N reference frames, M take frames, P parts: the confidence-weighted
    mean bone-vector difference (torso lengths) of the part; NaN where the part is not visible in both.
    Memory is N x M x bones x 2 floats: callers comparing long takes pass them in slices.
    """
    diff = ref.bones[:, None] - take.bones[None, :]  # (N, M, B, 2)
    w = ref.weight[:, None] * take.weight[None, :]  # (N, M, B)
    return _part_means(np.sqrt(np.einsum("nmbc,nmbc->nmb", diff, diff)), w)


def paired_part_costs(take: Features, ref: Features, pairs: NDArray[np.int64]) -> NDArray[np.float32]:
    """(L, P) part distances of the (ref i, take j) frame pairs of an alignment path only: O(L) memory."""
    diff = ref.bones[pairs[:, 0]] - take.bones[pairs[:, 1]]  # (L, B, 2)
    w = ref.weight[pairs[:, 0]] * take.weight[pairs[:, 1]]
    return _part_means(np.sqrt(np.einsum("lbc,lbc->lb", diff, diff)), w)


def _part_means(dist: NDArray[np.float32], w: NDArray[np.float32]) -> NDArray[np.float32]:
    """(..., B) bone distances and weights -> (..., P) weighted mean per part, NaN where nothing is visible."""
    dist = np.where(w > 0, dist, 0.0)
    out = np.empty(dist.shape[:-1] + (NUM_PARTS,), np.float32)
    for p in range(NUM_PARTS):
        sel = p == BONE_PARTS
        wsum = w[..., sel].sum(axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[..., p] = (dist[..., sel] * w[..., sel]).sum(axis=-1) / wsum
        out[..., p][wsum <= 0] = np.nan
    return out


def total_cost(parts: NDArray[np.float32], part_weights: NDArray[np.float64]) -> NDArray[np.float32]:
    """Weighted mean over the visible parts of (..., P) part costs -> (...); MISSING_COST where none."""
    visible = np.isfinite(parts)
    w = np.where(visible, part_weights, 0.0)
    wsum = w.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.where(visible, parts, 0.0).__mul__(w).sum(axis=-1) / wsum
    # A frame where less than half of the weighted body is comparable is not a fair match either way.
    enough = wsum >= 0.5 * part_weights.sum()
    return np.where(enough & np.isfinite(total), total, MISSING_COST).astype(np.float32)


def away_from_rest(feats: Features, rest_frames: int = 3) -> NDArray[np.float32]:
    """(T,) distance of each frame's bones from the rest pose (mean of the first and last frames)."""
    bones = np.nan_to_num(feats.bones.reshape(len(feats), -1))
    k = max(1, min(rest_frames, len(bones) // 3))
    rest = np.concatenate([bones[:k], bones[-k:]]).mean(axis=0)
    away: NDArray[np.float32] = np.linalg.norm(bones - rest, axis=-1)  # numpy's stub: Any with an axis
    return away


# A frame is active when its pose is further from the rest pose (the mean of the first and last frames)
# than this share of the largest distance in the sequence: relative, so a small curl and a high kick both work.
ACTIVE_SHARE = 0.25
ACTIVE_MARGIN = 2  # frames kept on each side of the active span


def active_span(feats: Features, rest_frames: int = 3) -> tuple[int, int]:
    """[start, end) frames where the pose leaves its rest pose; the whole sequence if it never does."""
    n = len(feats)
    if n < 2 * rest_frames + 1:
        return 0, n
    away = away_from_rest(feats, rest_frames)
    on = np.flatnonzero(away > ACTIVE_SHARE * away.max())
    if not on.size:
        return 0, n
    return max(0, int(on[0]) - ACTIVE_MARGIN), min(n, int(on[-1]) + 1 + ACTIVE_MARGIN)


def active_features(feats: Features) -> Features:
    """The active span of `feats` (all of it when the span would be a single frame)."""
    a, z = active_span(feats)
    return feats.slice(a, z) if z - a >= 2 else feats
