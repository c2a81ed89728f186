"""Which way a person seen from the side faces in the image, so a take and a reference that face opposite
ways can still be compared.

A side view shows the same technique facing left or right depending on where the laptop stands in the
room. 2D bone vectors of a person facing the other way are mirrored in x, and every limb then points the
wrong way: the jab of the punch clip, flipped in x, scored 1 against its own reference, and recognition of
the Muay Thai techniques fell from 0.67 to 0 (bench/facing.py). Flipping x *without* swapping left and
right undoes that: in a side view the near and far limbs project onto the same image lines, so a left jab
facing left, flipped, is a left jab facing right. (Mirroring with the swap is the other stance, a different
thing: core.match.sides.)

The nose's offset from the ears along x says where the face points. It is taken as a facing only when it is
clear: a front view keeps its nose between its ears, and a head turned for a moment does not count, so a
front view is never flipped (flipping it would put the left shoulder on the right). A pair is flipped only
when both sides face clearly and oppositely (`opposite`); anything unclear compares as filmed, as before.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

# COCO-17 indices of the nose and the ears.
_NOSE, _EARS = 0, (3, 4)
# The nose must sit this far from the ears, in body-scale units (about a torso length), to show a facing:
# side views of the shared clips and Muay Thai takes sit at 0.07-0.15, front views at 0.00-0.02.
FACING_MIN_OFFSET = 0.06
# ...in at least this share of the frames where the face is seen (the guard around a kick)...
FACING_SHOWN = 0.2
# ...and this share of those agree on the side (a front view turning its head both ways is not a facing).
FACING_AGREEMENT = 0.8


def facing_of(xy: NDArray[np.float32], scale: float) -> int:
    """+1 facing image right, -1 facing left, 0 unclear, from (T, 17, 2) COCO-17 joints (NaN missing)."""
    if not np.isfinite(scale) or scale <= 0 or not len(xy):
        return 0
    ear_x = xy[:, _EARS, 0]
    seen = np.isfinite(ear_x).sum(axis=1)
    ears = np.where(seen > 0, np.nansum(ear_x, axis=1) / np.maximum(seen, 1), np.nan)  # one ear may be hidden
    offset = (xy[:, _NOSE, 0] - ears) / scale
    offset = offset[np.isfinite(offset)]
    if not offset.size:
        return 0
    # The frames that show a facing at all: during a side kick or a spin the face turns to the camera or away.
    strong = offset[np.abs(offset) >= FACING_MIN_OFFSET]
    if strong.size < FACING_SHOWN * offset.size:
        return 0
    side = 1 if np.median(strong) > 0 else -1
    return side if float(np.mean(side * strong > 0)) >= FACING_AGREEMENT else 0


def opposite(a: int, b: int) -> bool:
    """Both facings are clear and point opposite ways."""
    return a * b < 0
