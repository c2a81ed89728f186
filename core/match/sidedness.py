"""Is a reference one-sided (a jab, a roundhouse) or the same move on either side (a squat)? Its strike profile.

A move is one-sided when its own mirror image is another move: the reference, mirrored, would not be
recognised as itself (recognition score under SAME_MOVE_MIN_SCORE, the absolute line between "this move" and
"another move"; not the move's own bar, which is more lenient for a kick and would call a kick's mirror the kick
itself). No threshold of its own: a move filmed so that its mirror image looks the same (a
squat from the front) is two-sided, whatever its limbs do.
"""

from __future__ import annotations

from ..match.recognition import match_scores
from ..pose.estimator import PoseSequence
from ..pose.skeleton import to_coco17
from ..score.scoring import SAME_MOVE_MIN_SCORE, PreparedReference
from ..score.strike_metrics import StrikeProfile, profile_reference


def is_one_sided(prepared: PreparedReference) -> bool:
    """True when the reference's mirror image is not recognised as the reference."""
    ref = prepared.reference
    take = PoseSequence(ref.keypoints, ref.skeleton, ref.fps)
    return match_scores(take, [prepared], mirror=True)[0] < SAME_MOVE_MIN_SCORE


def strike_profile(prepared: PreparedReference) -> StrikeProfile:
    """The reference's striking joint, side and own metrics (speed, extension, return time)."""
    ref = prepared.reference
    coco = to_coco17(ref.keypoints, ref.skeleton)
    return profile_reference(coco, ref.fps, is_one_sided(prepared), ref.category, ref.side)
