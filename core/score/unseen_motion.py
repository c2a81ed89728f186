"""What the reference moves, the take must show: the share of a move's motion that a take kept out of sight.

A match is computed on the bones both sequences show. A take that hides the limbs that carry the move (a
close-up dancer whose feet are out of the frame, against a step danced with the legs) is then judged on what
little it shows, its standing torso and arms, and the move is confirmed by nothing: dance B's close-up matched
2-second steps of dance A at 60-90 (eight of ten), as well as the other dancer doing the same steps. So each
bone counts by its share of the reference's motion, and the share the take never showed along the match is
charged as a clearly different pose (core.features.bones.MISSING_COST). Dance A's steps against dance B fell
to 18-74, the same steps by the other dancer, whose whole body is seen, kept their scores exactly, and the
dance bench's AUC (same step vs different moves) rose from 0.84 to 0.97. No constant was fitted to that: the
charge is the existing missing-pose cost, weighted by the reference's own motion, and JITTER is read off a held
guard. A foot that leaves the frame for a few frames of a kick costs only those frames' share; a limb behind
the body, its twin in view, costs nothing.
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import NDArray

from ..features.bones import MISSING_COST, Features
from ..pose.skeleton import BONE_PARTNER

# A bone held still wanders this much (its mean distance from its median direction, in bone lengths) with the pose
# model's jitter: up to 0.05 over punch_side's first 20 frames of guard. A reference whose bones move no more than
# that on average is held still: its jitter is no motion to show. (Subtracting it from every bone instead also
# shifts the shares of moving references: the dance bench's AUC gave 0.963 so, 0.970 without.)
JITTER = 0.05
# The score says why when at least this share of what the coach moved was out of sight (it costs a score of 90
# about 10 points).
UNSEEN_TO_MENTION = 0.1
MSG_PARTIAL = "step back so your whole body is visible"


def motion_share(ref: Features) -> NDArray[np.float64]:
    """(B,) each bone's share of the reference's motion: its mean distance from its median direction where seen,
    normalised to sum 1; 0 for a bone never seen; all zeros for a reference held still (JITTER)."""
    seen = ref.weight > 0
    bones = np.where(seen[..., None], ref.bones, np.nan).astype(np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a bone never seen: its median and mean are NaN
        centre = np.nanmedian(bones, axis=0)
        motion = np.nan_to_num(np.nanmean(np.linalg.norm(bones - centre, axis=-1), axis=0))
    seen_bones = seen.any(axis=0)
    if not seen_bones.any() or motion[seen_bones].mean() <= JITTER:
        return np.zeros_like(motion)
    total = float(motion.sum())
    share: NDArray[np.float64] = motion / total if total > 0 else motion
    return share


def hidden_bones(take_weight: NDArray[np.float32]) -> NDArray[np.bool_]:
    """(..., B) take bone weights -> True where a bone and its twin on the other side are both unseen.

    Out of the frame (both feet below its edge), not behind the body: a side view hides the far arm while the near
    one shows what the arms do, and charging it would mark down every side view of a move filmed from the front
    (the side-view squatter, turned to the front reference, fell from 79 to 49)."""
    shown = np.asarray(take_weight) > 0
    return ~(shown | shown[..., BONE_PARTNER])


def unseen_share(motion: NDArray[np.float64], hidden: NDArray[np.float64]) -> float:
    """Share of the reference's motion (motion_share) on bones the take hid, from (N, B) the share of each
    reference frame's matched take frames in which each bone was hidden (hidden_bones)."""
    if not len(hidden):
        return 0.0
    # A reference frame off the match (none is: the path covers every one) would be NaN: it counts as seen.
    return float(np.clip(np.dot(motion, np.nan_to_num(np.nanmean(hidden, axis=0))), 0.0, 1.0))


def with_unseen(distance: float, unseen: float) -> float:
    """The match distance with the unseen share of the motion counted as a clearly different pose (never less
    than the distance itself: hiding a limb must not improve a match that is worse than that)."""
    return distance + unseen * max(0.0, MISSING_COST - distance)
