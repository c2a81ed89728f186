"""Default per-part weights of a reference: the parts that move in the reference matter most.

The seed's wish (weight the arms and torso for a punch) generalised: a part's weight is
0.3 + 0.7 x (its motion / the largest part's motion), where motion is the spread of its bone
directions over the reference. A still part keeps 0.3 so a student who flails it is still told.
Weights are written into the reference file, where a coach can edit them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..features.bones import compute_features
from ..pose.skeleton import BONE_PARTS, PARTS

FLOOR = 0.3


def default_weights(keypoints: NDArray[Any], skeleton: str) -> dict[str, float]:
    feats = compute_features(keypoints, skeleton)
    motion = np.zeros(len(PARTS))
    for p in range(len(PARTS)):
        bones = feats.bones[:, p == BONE_PARTS]  # (T, b, 2)
        ok = np.isfinite(bones).all(axis=-1).all(axis=-1)
        if ok.sum() < 2:
            continue  # a part never seen in the reference: no evidence it moves
        # Mean distance of each bone from its own average direction, over the frames it is seen.
        b = bones[ok]
        motion[p] = float(np.linalg.norm(b - b.mean(axis=0), axis=-1).mean())
    top = motion.max()
    if top <= 1e-9:
        return {p: 1.0 for p in PARTS}
    return {p: round(FLOOR + (1 - FLOOR) * float(m / top), 2) for p, m in zip(PARTS, motion, strict=True)}
