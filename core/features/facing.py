"""Which way a person seen from the side faces in the image, so a take and a reference that face opposite
ways can still be compared.

A side view shows the same technique facing left or right depending on where the laptop stands in the
room. 2D bone vectors of a person facing the other way are mirrored in x, and every limb then points the
wrong way: the jab of the punch clip, flipped in x, scored 1 against its own reference, and recognition of
the Muay Thai techniques fell from 0.72 to 0 (bench/facing.py). Flipping x *without* swapping left and
right undoes that: in a side view the near and far limbs project onto the same image lines, so a left jab
facing left, flipped, is a left jab facing right. (Mirroring with the swap is the other stance, a different
thing: core.match.sides.)

The head says which way the person faces (the nose beyond both ears: a profile) and the feet confirm it
(toes ahead of heels). A face looking sideways while the feet point elsewhere is no facing: flipping a
three-quarter view whose head alone turned would put the left shoulder on the right (it scored 3 instead of
100). Where the feet say nothing (not in view, a COCO-17 skeleton, toes at the camera) the head decides
alone, and must then be in profile in most frames. A front view has neither, and is never flipped. A pair
is flipped only when both face clearly and oppositely (`opposite`); anything unclear compares as filmed.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

# COCO-17 indices of the nose and the ears.
_NOSE, _EARS = 0, (3, 4)
# A frame shows the head in profile when the nose lies beyond both ears by this much (body-scale units, about
# a torso length): a face turned less than that, toward the camera, keeps its nose between its ears.
PROFILE_MARGIN = 0.02
# A foot points one way when its toe lies this far from its heel along x: side views 0.12-0.38 (median over a
# take), front views 0.00-0.03, where the toes point at the camera.
FOOT_MIN_DX = 0.1
# A cue shows a facing when it does in at least this share of the frames where it is seen (the guard around
# a kick: a side kick turns the face away and pivots the foot)...
FACING_SHOWN = 0.2
# ...or, the head alone (no feet in view, or feet pointing no clear way), in most of them: one cue must be
# the person's usual state.
HEAD_ONLY_SHOWN = 0.5
# ...and this share of those agree on the side (a dancer looking both ways is not a facing).
FACING_AGREEMENT = 0.8


def _vote(values: NDArray[np.float64], clear: NDArray[np.bool_], shown: float = FACING_SHOWN) -> int | None:
    """+1 / -1 when the clear values (at least `shown` of those seen) agree on a sign, 0 when they do not, None
    when nothing was seen."""
    seen = np.isfinite(values)
    if not seen.any():
        return None
    strong = values[seen & clear]
    if strong.size < shown * seen.sum():
        return 0
    side = 1 if np.median(strong) > 0 else -1
    return side if float(np.mean(side * strong > 0)) >= FACING_AGREEMENT else 0


def head_facing(xy: NDArray[np.float32], scale: float, shown: float = FACING_SHOWN) -> int | None:
    """The head's facing from (T, 17, 2) COCO-17 joints: the side the nose points to in profile frames."""
    ear_x = xy[:, _EARS, 0].astype(np.float64)
    both = np.isfinite(ear_x).all(axis=1)
    mid = np.where(both, ear_x.mean(axis=1), np.nan)
    offset = (xy[:, _NOSE, 0] - mid) / scale
    spread = np.abs(ear_x[:, 0] - ear_x[:, 1]) / scale
    with np.errstate(invalid="ignore"):
        return _vote(offset, np.abs(offset) >= spread / 2 + PROFILE_MARGIN, shown)


def feet_facing(feet: NDArray[np.float32], scale: float) -> int | None:
    """The feet's facing from (T, 2, 2, 2) heel and toe positions of both feet (NaN missing): where toes point."""
    dx = ((feet[:, :, 1, 0] - feet[:, :, 0, 0]) / scale).astype(np.float64).ravel()
    with np.errstate(invalid="ignore"):
        return _vote(dx, np.abs(dx) >= FOOT_MIN_DX)


def facing_of(xy: NDArray[np.float32], scale: float, feet: NDArray[np.float32] | None = None) -> int:
    """+1 facing image right, -1 facing left, 0 unclear, from (T, 17, 2) COCO-17 joints (NaN missing) and,
    where the skeleton has them, (T, 2, 2, 2) heels and toes.

    The head says it and the feet confirm it: a head turned to look sideways while the feet point elsewhere
    (a three-quarter view looking around) is not a facing, and flipping it would put the left shoulder on the
    right. Where the feet say nothing (a COCO-17 skeleton, a close-up, toes at the camera, a pivoting side
    kick) the head decides alone, and must then be in profile in most frames.
    """
    if not np.isfinite(scale) or scale <= 0 or not len(xy):
        return 0
    body = feet_facing(feet, scale) if feet is not None else None
    if not body:  # no feet in view, or feet that point no clear way (toes at the camera, a pivot)
        return head_facing(xy, scale, HEAD_ONLY_SHOWN) or 0
    head = head_facing(xy, scale)
    return head if head == body else 0


def opposite(a: int, b: int) -> bool:
    """Both facings are clear and point opposite ways."""
    return a * b < 0
