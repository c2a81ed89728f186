"""Whole-take scoring: take vs reference -> calibrated 0-100 score, part scores, tempo, feedback.

Calibration: a frame pair's distance is the weighted mean difference of per-bone normalised bone vectors
(core.features.bones); a take's distance is its mean over the reference frames along the DTW path, plus the share
of the reference's motion the take kept out of sight (core.score.unseen_motion). The score maps it with
100 / (1 + (d / D50) ** SHAPE). The two constants are calibrated on pairs of different people in both
shared data sets the issue names (bench/cross_person.py; the distances are printed by bench/calibration.py):
Muay Thai train takes against the 14 references (same technique by someone else: median d 0.239; a different
technique: 0.393) and dance A's steps against the other dancer's (0.309) and against other moves (0.427). The
goal is "a correct move by another person >= 70, a different move <= 40" in each set, and the two tight ones
fix the curve: the dance same-step median (0.309 -> 71) and the Muay Thai different-technique median
(0.393 -> 39). Both hold by one or two points only, so a held-out set may land on either side. The steep shape
keeps what is nearly identical (another rep by the same person, d <= 0.1) at 99.9.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..features.bones import (
    Features,
    Normalisation,
    active_features,
    compute_features,
    estimate_normalisation,
    mirror_keypoints,
    paired_part_costs,
    part_costs,
    total_cost,
)
from ..features.view_turn import moves_up_and_down, seen_from
from ..library.references import Reference
from ..match.align import Segment, best_segment, mean_per_reference_frame, per_reference_frame, warp_path
from ..pose.estimator import PoseSequence
from ..pose.skeleton import MEDIAPIPE33, PARTS
from ..score.feedback import MAX_ITEMS, FeedbackItem, build_feedback, part_directions
from ..score.take_score import TakeScore
from ..score.tolerance import part_scale as tolerance_scale
from ..score.unseen_motion import (
    MSG_PARTIAL,
    UNSEEN_TO_MENTION,
    hidden_bones,
    motion_share,
    unseen_share,
    with_unseen,
)

if TYPE_CHECKING:
    from ..score.strike_metrics import StrikeProfile

D50 = 0.362
SHAPE = 5.6
# The distance up to which a performance is taken for this move rather than another: the floor of every move's
# own bar (PreparedReference.accept_distance: recognition names a move and a live match counts as a rep within
# it), and where a hold's timer runs. It is a decision, not a
# grade, and stays put when the grading curve above is recalibrated: the calibration pairs' equal-error point is
# 0.33 in both sets (bench/calibration.py); 0.35 accepts a little more (71 % of other people's same Muay Thai
# technique, 35 % of different ones) because a live rep must also move the body and keep a plausible tempo.
SAME_MOVE_MAX_DISTANCE = 0.35


def distance_to_score(d: float | NDArray[np.floating[Any]]) -> float | NDArray[np.float64]:
    """Calibrated mapping of a mean distance (torso lengths) to 0-100; NaN stays NaN."""
    d = np.maximum(np.asarray(d, dtype=float), 0.0)
    out = 100.0 / (1.0 + (d / D50) ** SHAPE)
    return float(out) if out.ndim == 0 else out


def part_scores(distances: Any) -> dict[str, float | None]:
    """(P,) part distances in PARTS order -> part scores on the calibrated scale; None for a part not seen."""
    return {
        p: None if not np.isfinite(d) else float(distance_to_score(d)) for p, d in zip(PARTS, distances, strict=True)
    }


# SAME_MOVE_MAX_DISTANCE on the 0-100 scale (about 55).
SAME_MOVE_MIN_SCORE = float(distance_to_score(SAME_MOVE_MAX_DISTANCE))
# A live rep must match its move clearly better than standing still in the move's own rest pose does: the
# null explanation of any stretch of a stream. For a move far from its rest pose (a kick's leg travels far, a
# jab's arm a little) this margin, not SAME_MOVE_MAX_DISTANCE, is the bar (PreparedReference.accept_distance):
# on the Muay Thai takes other people's kicks lie at 0.76-0.84 times their rest pose's distance, above 0.35.
# 0.9 is a choice between those and the rest pose itself, not a fitted value.
REST_MARGIN = 0.9
# ... but never beyond the grade's own line for "a different move" (a score of 40: distance 0.393, the median
# distance of a different technique in the calibration pairs): a low-kick reference must not count front kicks.
DIFFERENT_MOVE_DISTANCE = 0.393
# The median distance of a correct technique performed by another person than the reference's (the Muay Thai
# calibration pairs above, score 91): a match this close is as good as a typical correct performance, however
# near the move's rest pose is to it. (The whole-take median is 0.239 since the motion a take hides counts there;
# live matches, which this bar is for, do not count it.)
TYPICAL_OTHER_PERSON_DISTANCE = 0.237


def take_as_compared(
    take: PoseSequence, idx: NDArray[np.int_], mirror: bool, yaw: float | None
) -> tuple[NDArray[np.float32], float]:
    """The take's keypoints at frames `idx` as they meet a reference filmed from `yaw`: mirrored (the other stance)
    when asked, and turned when the take was filmed from another side (core.features.view_turn); and the degrees
    turned (0: as filmed)."""
    kp = take.keypoints[idx]
    world = None if take.world is None else take.world[idx]
    if mirror:
        kp = mirror_keypoints(kp, take.skeleton)
        world = None if world is None else mirror_keypoints(world, MEDIAPIPE33)
    return seen_from(kp, take.skeleton, world, yaw)


def resample_indices(n_frames: int, fps_from: float, fps_to: float) -> NDArray[np.int_]:
    """Nearest-frame indices that play `n_frames` at `fps_from` as if sampled at `fps_to`."""
    if abs(fps_from - fps_to) < 0.5:
        return np.arange(n_frames)
    count = max(2, int(round(n_frames * fps_to / fps_from)))
    idx: NDArray[np.int_] = np.clip(np.round(np.arange(count) * fps_from / fps_to).astype(int), 0, n_frames - 1)
    return idx


@dataclass(frozen=True)
class PreparedReference:
    """A reference with its features and part weights ready for repeated comparisons."""

    reference: Reference
    features: Features
    weights: NDArray[np.float64]  # (P,) part weights in PARTS order
    example_features: tuple[Features, ...] = ()  # the active span of every example (core.match.recognition)
    # (N, P) factor on a take's part distance per reference frame (core.score.tolerance); None with one example.
    part_scale: NDArray[np.float64] | None = None
    facing: int = 0  # which way the first example faces (core.features.facing): takes are compared facing it

    @property
    def yaw(self) -> float | None:
        """The angle the camera saw the reference from (core.features.view_turn)."""
        return self.reference.yaw

    @cached_property
    def turn_yaw(self) -> float | None:
        """The angle a take filmed from elsewhere is turned to, None when it is never turned: no angle known, or
        the reference moves mostly sideways in its image (core.features.view_turn.moves_up_and_down)."""
        moves_so = moves_up_and_down([f.joints for f in self.example_features])
        return self.yaw if self.yaw is not None and moves_so else None

    @cached_property
    def motion(self) -> NDArray[np.float64]:
        """(B,) each bone's share of the reference's motion (core.score.unseen_motion)."""
        return motion_share(self.features)

    @cached_property
    def strike(self) -> StrikeProfile:
        """What the reference strikes with and how (core.match.sidedness): it runs recognition on the mirrored
        reference, so it is measured once per prepared reference, not once per engine built on it."""
        from ..match.sidedness import strike_profile

        return strike_profile(self)

    @cached_property
    def followed_examples(self) -> list[PreparedReference]:
        """The examples live rep detection follows, each prepared (core.match.live_examples): chosen once per
        prepared reference (their pairwise DTW is O(examples^2)), not once per engine built on it."""
        from ..match.live_examples import live_examples

        return live_examples(self)

    @classmethod
    def from_reference(cls, ref: Reference) -> PreparedReference:
        norm = estimate_normalisation(ref.keypoints, ref.skeleton)
        feats = compute_features(ref.keypoints, ref.skeleton, norm)
        weights = np.array([ref.weights.get(p, 1.0) for p in PARTS], dtype=float)
        # A coach may film the examples from both sides: each faces the first one.
        others = [compute_features(e, ref.skeleton, estimate_normalisation(e, ref.skeleton, norm.facing))
                  for e in ref.extra_examples]  # fmt: skip
        examples = tuple(active_features(f) for f in (feats, *others))
        scale = tolerance_scale(feats, others) if others else None
        return cls(ref, feats, weights, examples, scale, norm.facing)

    @cached_property
    def rest_distance(self) -> float:
        """Distance of the move's rest pose held still (its first or last frame where the body is seen, the
        closer) to the move; NaN when no frame shows enough of the body.

        What score_take gives for a take of that pose held: every path through a constant take pays each
        reference frame's cost against the pose once, so the distance is their mean (computed so, 1 ms)."""
        seen_weight = self.features.weight.sum(axis=1)
        if not len(seen_weight) or seen_weight.max() <= 0:
            return float("nan")
        seen = np.flatnonzero(seen_weight >= 0.5 * seen_weight.max())
        kp = self.reference.keypoints
        out = []
        for k in (int(seen[0]), int(seen[-1])):
            held = compute_features(np.repeat(kp[k : k + 1], 3, axis=0), self.reference.skeleton)
            out.append(float(np.mean(total_cost(part_costs(held.slice(0, 1), self.features), self.weights))))
        return min(out)

    @cached_property
    def beats_rest_distance(self) -> float:
        """The largest distance that explains a stretch of a stream better than standing in the rest pose, short
        of the line of a different move (REST_MARGIN, DIFFERENT_MOVE_DISTANCE); the absolute bar when the
        reference shows no rest pose."""
        if not np.isfinite(self.rest_distance):
            return SAME_MOVE_MAX_DISTANCE
        return min(DIFFERENT_MOVE_DISTANCE, REST_MARGIN * self.rest_distance)

    @cached_property
    def accept_distance(self) -> float:
        """The largest distance at which a live match counts as a rep of this move, the move being chosen
        (see REST_MARGIN): an absolute floor, and more for a move far from its rest pose."""
        return max(SAME_MOVE_MAX_DISTANCE, self.beats_rest_distance)

    def graded_distance(self, part_means: NDArray[np.float64]) -> float:
        """Distance for the grade from (P,) tolerance-scaled part distances: their weighted mean."""
        seen = np.isfinite(part_means)
        w = np.where(seen, self.weights, 0.0)
        return float((np.where(seen, part_means, 0.0) * w).sum() / w.sum()) if w.sum() > 0 else float("nan")

    def __len__(self) -> int:
        return len(self.features)


# Reference x take frame pairs whose part costs are computed at once: a 10 s reference against a 10 min take
# would otherwise hold an (N, M, bones, 2) difference array of about 0.5 GB; in slices of this many pairs
# the transient arrays stay near 20 MB.
COST_SLICE_CELLS = 100_000


def _locate(
    kp: NDArray[np.float32], skeleton: str, prepared: PreparedReference, norm: Normalisation | None
) -> tuple[Features, NDArray[np.float32], Segment]:
    """The take's features, the (N, M) frame-pair cost and the best segment; only (N, M) is kept whole."""
    feats = compute_features(kp, skeleton, norm or estimate_normalisation(kp, skeleton, prepared.facing))
    n, m = len(prepared), len(feats)
    cost = np.empty((n, m), np.float32)
    step = max(1, COST_SLICE_CELLS // n)
    for a in range(0, m, step):
        cost[:, a : a + step] = total_cost(part_costs(feats.slice(a, a + step), prepared.features), prepared.weights)
    return feats, cost, best_segment(cost)


def score_take(take: PoseSequence, prepared: PreparedReference, mirror: bool = False) -> TakeScore:
    """Find where in the take the reference move happens, align it with fastdtw and score it."""
    ref = prepared.reference
    idx = resample_indices(len(take), take.fps, ref.fps)
    kp, turned = take_as_compared(take, idx, mirror, prepared.turn_yaw)
    _, _, found = _locate(kp, take.skeleton, prepared, None)
    # Scale and roll come from the frames that hold the move, as they did for the reference: idle
    # time, walking in or a push-up's foreshortened torso elsewhere in the take must not change them.
    norm = estimate_normalisation(kp[found.start : found.end + 1], take.skeleton, prepared.facing)
    feats, cost, segment = _locate(kp, take.skeleton, prepared, norm)
    path = warp_path(cost, segment)
    n = len(prepared)
    per_frame = per_reference_frame(cost, path, n)
    on_path = paired_part_costs(feats, prepared.features, path)  # (L, P)
    per_part = mean_per_reference_frame(on_path, path[:, 0], n)  # (N, P), NaN where never visible
    # What the coach moved and the take kept out of sight counts as a different pose (core.score.unseen_motion).
    # Averaged per reference frame, as the distance is: a slow take's hidden frames weigh what its seen ones do.
    hidden = mean_per_reference_frame(hidden_bones(feats.weight[path[:, 1]]).astype(float), path[:, 0], n)
    unseen = unseen_share(prepared.motion, hidden)
    distance = with_unseen(float(np.mean(per_frame)), unseen)
    if prepared.part_scale is not None:
        # Several examples: each part and phase is graded against the variation the examples show.
        per_part = per_part * prepared.part_scale
    with np.errstate(invalid="ignore"):
        part_dist = [
            np.nanmean(per_part[:, p]) if np.isfinite(per_part[:, p]).any() else np.nan for p in range(len(PARTS))
        ]
    parts = part_scores(part_dist)
    graded = distance
    if prepared.part_scale is not None:
        graded = with_unseen(prepared.graded_distance(np.array(part_dist)), unseen)
    tempo = _tempo(segment, n)
    directions = part_directions(
        feats.joints[path[:, 1]], prepared.features.joints[path[:, 0]], on_path, lateral=not turned
    )
    feedback = build_feedback(parts, ref.weights, directions, tempo)
    if unseen >= UNSEEN_TO_MENTION:  # the score is low for what was not seen: say that first
        feedback = [FeedbackItem("body", MSG_PARTIAL, 10.0 * unseen), *feedback[: MAX_ITEMS - 1]]
    return TakeScore(
        reference=ref.label,
        move=ref.move,
        view=ref.view,
        score=float(distance_to_score(graded)),
        parts=parts,
        feedback=feedback,
        tempo=tempo,
        frames=len(take),
        pose_frames=int(np.isfinite(take.keypoints[:, 0, 0]).sum()),
        start_s=float(idx[segment.start] / take.fps),
        end_s=float((idx[segment.end] + 1) / take.fps),
        distance=distance,
        mirror=mirror,
        source=take.source,
        unseen=unseen,
    )


def _tempo(segment: Segment, n_ref: int) -> float:
    """Take duration / reference duration of the matched move (both at the reference frame rate)."""
    return (segment.end - segment.start + 1) / n_ref
