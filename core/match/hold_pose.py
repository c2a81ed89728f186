"""A hold's key pose, how far a pose is from it, and where in a take the pose is held stillest.

A hold (guard, horse stance, a kata's final posture) is one pose, not a motion, so it is compared frame by
frame, without alignment, on core.features.bones' per-bone normalised bone vectors (person-invariant: each
bone divided by its own full length). A still pose cannot show a bone's full length (a thigh pointing at the
camera in a horse stance is short in every frame), so the lengths come from the motion around the hold: the
reference keeps a few seconds of its take on either side of the still stretch, and the live side keeps the
longest lengths it has seen of this person (LiveBoneLengths). A foreshortened bone then stays short on both
sides, where dividing it by its own short length would make its direction, pure noise, count in full.

Tolerance comes from the hold itself: the per-part spread of the reference's own still frames around its
key pose (the coach's sway plus the detector's jitter, in the same units) costs nothing; what is beyond it
is scored on the calibrated scale of core.score.scoring.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..features.bones import (
    Features,
    Normalisation,
    body_scale,
    compute_features,
    estimate_normalisation,
    part_costs,
)
from ..library.references import Reference
from ..pose.skeleton import to_coco17
from ..score.limb_motion import visible_xy

# Recording a hold from a longer span keeps the stillest stretch of this length: enough frames to measure
# the pose's own spread (a second of detector jitter and sway), short enough to find between two techniques.
HOLD_CLIP_S = 1.0
# ... with this much of the take on each side of it, for the bone lengths (see above).
HOLD_CONTEXT_S = 3.0


@dataclass(frozen=True)
class HoldPose:
    """The key pose of a hold and its own spread.

    key: Features of one frame: bones (1, B, 2) per-bone median over the still frames, weight (1, B), joints
        (1, 17, 2) median joints (pelvis-centred, body scale) for the part feedback.
    noise: (P,) per-part median distance of the still frames from the key pose.
    key_frame: the frame of the reference's first example closest to the key pose (the ghost draws it).
    norm: the reference's normalisation (scale and bone lengths in its pixels: heights, core.score.stability).
    """

    key: Features
    noise: NDArray[np.float64]
    key_frame: int
    norm: Normalisation

    @classmethod
    def from_reference(cls, ref: Reference) -> HoldPose:
        if ref.hold is None:
            raise ValueError(f"'{ref.label}' is a move, not a hold")
        a, b = ref.hold.start, ref.hold.end
        norm = estimate_normalisation(ref.keypoints, ref.skeleton)  # the whole example: motion included
        feats = compute_features(ref.keypoints[a:b], ref.skeleton, norm)
        with warnings.catch_warnings():
            # A part the reference never shows has an all-NaN median by design.
            warnings.simplefilter("ignore", RuntimeWarning)
            bones = np.nanmedian(feats.bones, axis=0)[None]
            joints = np.nanmedian(feats.joints, axis=0)[None]
            seen = np.isfinite(bones).all(axis=-1)
            key = Features(
                np.where(seen[..., None], bones, np.nan).astype(np.float32),
                np.where(seen, np.median(feats.weight, axis=0)[None], 0.0).astype(np.float32),
                joints.astype(np.float32),
                feats.scale,
            )
            own = part_costs(feats, key)[0]  # (T, P): each still frame against the key pose
            noise = np.nan_to_num(np.nanmedian(own, axis=0), nan=0.0)
            total = np.nanmean(own, axis=1)
        key_frame = a + (int(np.nanargmin(total)) if np.isfinite(total).any() else 0)
        return cls(key, noise.astype(float), key_frame, norm)

    def distances(self, feats: Features) -> NDArray[np.float32]:
        """(T, P) per-part distance of each frame beyond the hold's own spread; NaN where a part is unseen."""
        raw = part_costs(feats, self.key)[0]
        out: NDArray[np.float32] = np.maximum(raw - self.noise.astype(np.float32), 0.0).astype(np.float32)
        return out


class LiveBoneLengths:
    """The live side's normalisation: scale and roll from the recent frames, each bone's full length as the
    longest (relative to body scale) of any recent window so far. Recent windows alone would forget a bone's
    length during a long hold and divide the held, foreshortened bone by itself. `forget()` when the person
    leaves: the next one may have other proportions."""

    def __init__(self) -> None:
        self._ratios: NDArray[np.float64] | None = None

    def update(self, recent: NDArray[Any], skeleton: str, face: int = 0) -> Normalisation:
        """Normalisation for (T, K, 3) recent keypoints, compared with a pose facing `face`."""
        norm = estimate_normalisation(recent, skeleton, face)
        if not np.isfinite(norm.scale) or norm.scale <= 0:
            return norm
        ratios = norm.bone_lengths / norm.scale
        self._ratios = ratios if self._ratios is None else np.maximum(self._ratios, ratios)
        return replace(norm, bone_lengths=self._ratios * norm.scale)

    def forget(self) -> None:
        self._ratios = None


def motion_per_frame(keypoints: NDArray[Any], skeleton: str) -> NDArray[np.float64]:
    """(T,) mean joint speed in body scales per frame (frame 0: 0); inf where the joints are not seen.

    Not pelvis-centred: a whole body drifting sideways is not still either.
    """
    coco = to_coco17(np.asarray(keypoints, np.float32), skeleton)
    xy = visible_xy(coco).astype(np.float32)
    scale = body_scale(xy)
    if not np.isfinite(scale) or scale <= 0:
        return np.full(len(coco), np.inf)
    step = np.linalg.norm(np.diff(xy, axis=0), axis=-1) / scale  # (T-1, 17)
    seen = np.isfinite(step)
    # A frame where fewer than half the joints are seen on both sides says nothing about stillness.
    with np.errstate(invalid="ignore"):
        speed = np.where(seen.mean(axis=1) >= 0.5, np.nanmean(np.where(seen, step, np.nan), axis=1), np.inf)
    return np.concatenate([[0.0], speed])


def stillest_span(keypoints: NDArray[Any], skeleton: str, fps: float, seconds: float = HOLD_CLIP_S) -> tuple[int, int]:
    """[start, end) of the `seconds`-long stretch with the least motion; the whole span if it is not longer."""
    n = len(keypoints)
    length = max(2, int(round(seconds * fps)))
    if n <= length:
        return 0, n
    speed = motion_per_frame(keypoints, skeleton)[1:]  # speed[k] is the step from frame k to k + 1
    window = length - 1
    finite = np.where(np.isfinite(speed), speed, 0.0)
    bad = (~np.isfinite(speed)).astype(float)
    sums = np.convolve(finite, np.ones(window), "valid")
    misses = np.convolve(bad, np.ones(window), "valid")
    cost = np.where(misses > 0, np.inf, sums)
    start = int(np.argmin(cost)) if np.isfinite(cost).any() else int(np.argmin(misses))
    return start, start + length


def hold_with_context(n: int, fps: float, still: tuple[int, int]) -> tuple[int, int]:
    """[start, end) of what a hold reference keeps of an n-frame span: the still stretch and HOLD_CONTEXT_S
    of the span on either side of it."""
    context = int(round(HOLD_CONTEXT_S * fps))
    return max(0, still[0] - context), min(n, still[1] + context)
