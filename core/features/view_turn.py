"""Seeing a take from the reference's camera: a person filmed from the side matched to a move recorded from the
front.

2D bone directions depend on where the camera stood. A squat seen from the front is hips dropping and thighs
shortening; seen from the side it is knees and hips folding. A squat reference cut from one man filmed from
the front counted none of another man's seven squats filmed from the side (bench/cross_person.py). Joint
angles in 3D do not depend on the camera: mediapipe's world landmarks (metres around the hips) bend from about
165 to 80 degrees at the knee in both clips.

So the take is turned, not the features changed: its world landmarks are rotated about the vertical axis until
the body faces the camera as the reference's body did, and projected back to the image. Everything after
(bone directions, the costs and every calibrated distance, the feedback) stays the 2D path, and a reference
needs nothing but the angle it was filmed from (`body_yaw`, one number stored with the reference).

The yaw is the angle of the person's left-minus-right (hips and shoulders together) in the camera's x-z plane:
0 facing the camera, +-90 in profile, 180 from behind. The shared front clips measure 1-8 degrees (squat,
push-ups, dances), the side squat -83, the three-quarter punch and jumping jacks 46-48. A reference's yaw is its
starting stance's (`stance_yaw`): the body turns through a side kick.

The 2D image is more precise than the model's depth guess, so a take is turned only when the views differ in
kind (`turn_angle`): by more than half the way from a front view to a side view. Half a turn is left to
core.features.facing (a flip in x, exact in 2D for a side view), so only the rest is turned; against a front
reference, which has no facing to flip to, the whole way.

Only a take seen more from the side than its reference is turned. Most techniques move in the plane the body
faces (a squat, a punch, a kick, a curl): a side camera sees that motion, a front camera sees its vertical part
and the model guesses the rest. Turned to the front, a side-view take gives up what the front cannot show
anyway and gains only its guessed sideways spread; turned to the side, a front-view take would show its guessed
forward motion as if seen, and a loose guess matches too much. Measured (bench/view_turn.py, every shared clip
against references cut from the others): turning both ways added 20 true reps and 23 false ones (18 of them
from front-view takes turned to a side reference: a curl reference counted the front man's squats and dance A);
turning side views only adds 7 true and 4 false.

And only to a reference that moves mostly up and down in its own image (`moves_up_and_down`): a turned take's
sideways positions are the depth guess times sin(angle), its heights are seen. A squat (74 % of its limbs'
travel vertical), push-up (79 %) or front-view curl (77 %) can be compared so; a dance step whose arms sweep
sideways cannot (the side-view curl turned to the front scored up to 77 against such steps, at most 20 as filmed: the
dance bench's different-move median rose from 22 to 33; with this rule 29, and 7 squats still counted).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..features.bones import MP33_FEET
from ..pose.skeleton import MEDIAPIPE33, MP33_TO_COCO17, to_coco17

# mediapipe-33 indices: left/right shoulder and hip.
_L_SHOULDER, _R_SHOULDER, _L_HIP, _R_HIP = 11, 12, 23, 24
_MP_HIPS = [_L_HIP, _R_HIP]
# COCO-17 indices of the same joints.
_COCO_SHOULDERS, _COCO_HIPS = [5, 6], [11, 12]
# Views closer than this (degrees, after taking out half turns) are compared as filmed: 45 is half the way from
# a front view to a side view, where the view is closer in kind to the other one.
TURN_MIN_DEG = 45.0
# A live window already turned stays turned down to this much less: the yaw of one person standing between two
# views wobbles by several degrees from window to window (the three-quarter clips: 43-50).
TURN_HYSTERESIS_DEG = 10.0  # (and a take just as far from profile as its reference stays turned)
# A take is turned only to a reference that moves more up and down than sideways in its image (`moves_up_and_down`).
MIN_VERTICAL_SHARE = 0.5
# COCO-17 shoulders to ankles (no face), and the frames whose median is an example's first pose.
_BODY, _START_FRAMES = slice(5, 17), 3
# A window or a take gives a yaw when this many frames show both shoulders and both hips.
MIN_YAW_FRAMES = 3
# The body's hips and shoulders must be this wide (metres, summed) for the direction to mean anything.
MIN_WIDTH_M = 0.05


def frame_yaws(world: NDArray[Any]) -> NDArray[np.float64]:
    """(T,) yaw in degrees per frame of (T, 33, >=3) world landmarks; NaN where the hips or shoulders are missing
    or the body is edge-on."""
    w = np.asarray(world, np.float64)
    v = (w[:, _L_HIP, :3] - w[:, _R_HIP, :3]) + (w[:, _L_SHOULDER, :3] - w[:, _R_SHOULDER, :3])
    yaw = np.degrees(np.arctan2(v[:, 2], v[:, 0]))
    with np.errstate(invalid="ignore"):
        wide = np.hypot(v[:, 0], v[:, 2]) >= MIN_WIDTH_M
    out: NDArray[np.float64] = np.where(wide, yaw, np.nan)
    return out


def body_yaw(world: NDArray[Any] | None) -> float | None:
    """The yaw of a take or window (degrees, -180..180): the circular mean over its frames; None without world
    landmarks or with too few usable frames."""
    if world is None or len(world) == 0:
        return None
    yaws = frame_yaws(world)
    yaws = np.radians(yaws[np.isfinite(yaws)])
    if yaws.size < MIN_YAW_FRAMES:
        return None
    return float(np.degrees(np.arctan2(np.sin(yaws).mean(), np.cos(yaws).mean())))


def stance_yaw(world: NDArray[Any] | None) -> float | None:
    """The yaw of a reference: over its first fifth (at least MIN_YAW_FRAMES frames), the stance it starts from.
    The body itself turns through many techniques (a side kick ends with its back to where it faced: the
    starter's right side kick starts at 92 degrees and averages -132 over its frames), and the camera angle is
    the stance's; falls back to the whole reference when its start shows no yaw."""
    if world is None or len(world) == 0:
        return None
    start = body_yaw(world[: max(MIN_YAW_FRAMES, len(world) // 5)])
    return start if start is not None else body_yaw(world)


def moves_up_and_down(examples: Sequence[NDArray[Any]]) -> bool:
    """Whether a reference's motion is mostly vertical in its own image: at least MIN_VERTICAL_SHARE of its limbs'
    and trunk's travel from each example's first pose, over (T, 17, 2) body-centred joints of every example (so a
    move decides once, in whatever order its examples come). A turned take's vertical positions are what its
    camera saw; its horizontal ones are mostly the model's depth guess. A reference that moves sideways in its
    image (a dance step's arms, a jab seen from the side) would be matched against guesses. The face is left out:
    five points on one head would weigh a nod five times."""
    across = up = 0.0
    for joints in examples:
        j = np.asarray(joints, np.float64)[:, _BODY]
        if len(j) == 0:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # joints never seen: NaN, left out
            travel = np.abs(j - np.nanmedian(j[:_START_FRAMES], axis=0))
        across, up = across + float(np.nansum(travel[..., 0])), up + float(np.nansum(travel[..., 1]))
    return across + up > 0 and up / (across + up) >= MIN_VERTICAL_SHARE


def _from_profile(yaw: float) -> float:
    """Degrees between a view and the nearest profile (0 in profile, 90 from the front or the back)."""
    return abs(abs((yaw + 180.0) % 360.0 - 180.0) - 90.0)


def turn_angle(take_yaw: float | None, ref_yaw: float | None, slack: float = 0.0) -> float:
    """Degrees to rotate the take so it is seen from the reference's side; 0 (compare as filmed) when either
    yaw is unknown, the take is not seen more from the side than the reference, or the views are of one kind
    (closer than TURN_MIN_DEG). `slack` (degrees) widens both limits for a take already turned. Half turns are
    taken out first when the reference is nearer profile (see the module doc)."""
    if take_yaw is None or ref_yaw is None:
        return 0.0
    if _from_profile(take_yaw) >= _from_profile(ref_yaw) + slack:
        return 0.0  # a front-view take is not given a guessed side view
    rest = _view_gap(take_yaw, ref_yaw)
    return rest if abs(rest) >= TURN_MIN_DEG - slack else 0.0


def needs_side_on(take_yaw: float | None, ref_yaw: float | None, slack: float = 0.0) -> bool:
    """The coach was filmed nearer profile than front, and the take nearer the front than the reference by a view
    of another kind: it cannot be turned (its forward motion would be a guess) and is compared as filmed, so the
    person should turn side-on to the camera. False when either yaw is unknown. `slack` (degrees) keeps a take
    already told so from being let go at the first window past a limit."""
    if take_yaw is None or ref_yaw is None or _from_profile(ref_yaw) >= TURN_MIN_DEG:
        return False
    if _from_profile(take_yaw) < _from_profile(ref_yaw) - slack:
        return False
    return abs(_view_gap(take_yaw, ref_yaw)) >= TURN_MIN_DEG - slack


def views_apart(take_yaw: float | None, ref_yaw: float | None) -> bool:
    """The take and the reference are seen from views of another kind (half turns in profile aside): the
    reference's pose, laid over the person, would fit no body part."""
    return take_yaw is not None and ref_yaw is not None and abs(_view_gap(take_yaw, ref_yaw)) >= TURN_MIN_DEG


def _view_gap(take_yaw: float, ref_yaw: float) -> float:
    """Degrees from the take's view to the reference's, less a half turn when the facing flip can take it."""
    diff = (ref_yaw - take_yaw + 180.0) % 360.0 - 180.0
    # The facing flip can only take over a half turn when the reference is seen nearer profile than front: a
    # front view has no facing, and a take turned to its back would be compared mirrored.
    return float(diff - 180.0 * round(diff / 180.0) if _from_profile(ref_yaw) < 45.0 else diff)


def turned_keypoints(
    world: NDArray[Any],
    keypoints: NDArray[Any],
    skeleton: str,
    angle: float,
    feet: NDArray[Any] | None = None,
) -> tuple[NDArray[np.float32], NDArray[np.float32] | None]:
    """The body as a camera turned `angle` degrees about the vertical would see it: (T, K, 3) image keypoints
    (x, y px, confidence) in `skeleton` order, and the (T, 2, 2, 3) heels and toes (core.features.bones.
    foot_points) when `feet` gives their confidences. Made from (T, 33, >=3) world landmarks; the turned body
    keeps the image body's size and hip position (its scale and place in the frame stay) and each landmark
    its confidence. Frames without world landmarks stay as filmed."""
    w = np.asarray(world, np.float64)
    kp = np.asarray(keypoints, np.float32)
    th = np.radians(angle)
    proj = np.stack([np.cos(th) * w[..., 0] - np.sin(th) * w[..., 2], w[..., 1]], axis=-1)  # (T, 33, 2) metres
    coco = to_coco17(kp, skeleton)
    scale = _pixels_per_metre(w[:, MP33_TO_COCO17, :2], coco)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames with nobody: NaN, restored below
        offset = np.nanmean(coco[:, _COCO_HIPS, :2], axis=1) - scale * proj[:, _MP_HIPS].mean(axis=1)  # (T, 2)
    placed = (scale * proj + offset[:, None]).astype(np.float32)
    usable = np.isfinite(placed).all(axis=-1).all(axis=-1)
    out = kp.copy()
    body = placed if skeleton == MEDIAPIPE33 else placed[:, MP33_TO_COCO17]
    out[usable, :, :2] = body[usable]
    turned_feet = None
    if feet is not None:
        turned_feet = np.asarray(feet, np.float32).copy()
        turned_feet[usable, :, :, :2] = placed[usable][:, MP33_FEET]
    return out, turned_feet


def _pixels_per_metre(world_xy: NDArray[np.float64], coco: NDArray[np.float32]) -> float:
    """Image pixels per world metre, from the torso (shoulder mid to hip mid) seen from the same camera in both;
    1 when nothing is seen (the features are scale-free anyway)."""

    def torso(p: NDArray[Any]) -> NDArray[np.float64]:
        mid_s = p[:, _COCO_SHOULDERS, :2].mean(axis=1)
        mid_h = p[:, _COCO_HIPS, :2].mean(axis=1)
        return np.asarray(np.linalg.norm(mid_s - mid_h, axis=-1), np.float64)

    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = torso(coco.astype(np.float64)) / torso(world_xy)
    ratio = ratio[np.isfinite(ratio) & (ratio > 0)]
    return float(np.median(ratio)) if ratio.size else 1.0


def seen_from(
    keypoints: NDArray[Any], skeleton: str, world: NDArray[Any] | None, ref_yaw: float | None
) -> tuple[NDArray[np.float32], float]:
    """A whole take's (T, K, 3) keypoints as the reference's camera would see them: turned when the take's world
    landmarks say it was filmed from another kind of view (`turn_angle`), else as filmed; and the degrees turned
    (0: as filmed)."""
    angle = turn_angle(body_yaw(world), ref_yaw)
    if not angle or world is None:
        return np.asarray(keypoints, np.float32), 0.0
    return turned_keypoints(world, keypoints, skeleton, angle)[0], float(angle)
