"""Whole-take scoring: take vs reference -> calibrated 0-100 score, part scores, tempo, feedback.

Calibration: a frame pair's distance is the weighted mean bone-vector difference in torso lengths;
a take's distance is its mean over the reference frames along the DTW path. The score maps it with
100 / (1 + (d / D50) ** SHAPE): an identical take is 100, D50 is where the score reaches 50. The two
constants were chosen on the shared clips (README table): another repetition of the same move lands
at d ~0.03-0.06 (>= 90), different moves at d >= 0.13 (<= 55).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .align import Segment, best_segment, per_reference_frame, warp_path
from .features import (
    Features,
    Normalisation,
    compute_features,
    estimate_normalisation,
    mirror_keypoints,
    part_costs,
    total_cost,
)
from .feedback import FeedbackItem, build_feedback, part_directions
from .pose import PoseSequence
from .references import Reference
from .skeleton import PARTS

D50 = 0.15
SHAPE = 2.5


def distance_to_score(d: float | np.ndarray) -> float | np.ndarray:
    """Calibrated mapping of a mean distance (torso lengths) to 0-100; NaN stays NaN."""
    d = np.maximum(np.asarray(d, dtype=float), 0.0)
    out = 100.0 / (1.0 + (d / D50) ** SHAPE)
    return float(out) if out.ndim == 0 else out


def resample_indices(n_frames: int, fps_from: float, fps_to: float) -> np.ndarray:
    """Nearest-frame indices that play `n_frames` at `fps_from` as if sampled at `fps_to`."""
    if abs(fps_from - fps_to) < 0.5:
        return np.arange(n_frames)
    count = max(2, int(round(n_frames * fps_to / fps_from)))
    return np.clip(np.round(np.arange(count) * fps_from / fps_to).astype(int), 0, n_frames - 1)


@dataclass(frozen=True)
class PreparedReference:
    """A reference with its features and part weights ready for repeated comparisons."""

    reference: Reference
    features: Features
    weights: np.ndarray  # (P,) part weights in PARTS order

    @classmethod
    def from_reference(cls, ref: Reference) -> PreparedReference:
        feats = compute_features(ref.keypoints, ref.skeleton)
        weights = np.array([ref.weights.get(p, 1.0) for p in PARTS], dtype=float)
        return cls(ref, feats, weights)

    def __len__(self) -> int:
        return len(self.features)


@dataclass(frozen=True)
class TakeScore:
    """The result of scoring one take against one reference."""

    reference: str
    move: str
    view: str
    score: float
    parts: dict[str, float | None]
    feedback: list[FeedbackItem]
    tempo: float
    frames: int
    pose_frames: int
    start_s: float
    end_s: float
    distance: float
    mirror: bool = False
    source: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "reference": self.reference,
            "move": self.move,
            "view": self.view,
            "score": round(self.score, 1),
            "parts": {k: (None if v is None else round(v, 1)) for k, v in self.parts.items()},
            "feedback": [f.as_dict() for f in self.feedback],
            "tempo": round(self.tempo, 3),
            "frames": self.frames,
            "pose_frames": self.pose_frames,
            "start": round(self.start_s, 3),
            "end": round(self.end_s, 3),
            "distance": round(self.distance, 4),
            "mirror": self.mirror,
        }


def _locate(kp: np.ndarray, skeleton: str, prepared: PreparedReference, norm: Normalisation | None):
    feats = compute_features(kp, skeleton, norm)
    parts = part_costs(feats, prepared.features)  # (N, M, P)
    cost = total_cost(parts, prepared.weights)  # (N, M)
    return feats, parts, cost, best_segment(cost)


def score_take(take: PoseSequence, prepared: PreparedReference, mirror: bool = False) -> TakeScore:
    """Find where in the take the reference move happens, align it with fastdtw and score it."""
    ref = prepared.reference
    idx = resample_indices(len(take), take.fps, ref.fps)
    kp = take.keypoints[idx]
    if mirror:
        kp = mirror_keypoints(kp, take.skeleton)
    _, _, _, found = _locate(kp, take.skeleton, prepared, None)
    # Scale and roll come from the frames that hold the move, as they did for the reference: idle
    # time, walking in or a push-up's foreshortened torso elsewhere in the take must not change them.
    norm = estimate_normalisation(kp[found.start : found.end + 1], take.skeleton)
    feats, parts, cost, segment = _locate(kp, take.skeleton, prepared, norm)
    path = warp_path(cost, segment)
    n = len(prepared)
    per_frame = per_reference_frame(cost, path, n)
    per_part = per_reference_frame(parts, path, n)  # (N, P), NaN where never visible
    distance = float(np.mean(per_frame))
    with np.errstate(invalid="ignore"):
        part_dist = [
            np.nanmean(per_part[:, p]) if np.isfinite(per_part[:, p]).any() else np.nan for p in range(len(PARTS))
        ]
    part_scores = {
        part: (None if not np.isfinite(d) else float(distance_to_score(d)))
        for part, d in zip(PARTS, part_dist, strict=True)
    }
    tempo = _tempo(segment, n)
    directions = part_directions(
        feats.joints[path[:, 1]], prepared.features.joints[path[:, 0]], parts[path[:, 0], path[:, 1]]
    )
    feedback = build_feedback(part_scores, ref.weights, directions, tempo)
    return TakeScore(
        reference=ref.label,
        move=ref.move,
        view=ref.view,
        score=float(distance_to_score(distance)),
        parts=part_scores,
        feedback=feedback,
        tempo=tempo,
        frames=len(take),
        pose_frames=int(np.isfinite(take.keypoints[:, 0, 0]).sum()),
        start_s=float(idx[segment.start] / take.fps),
        end_s=float((idx[segment.end] + 1) / take.fps),
        distance=distance,
        mirror=mirror,
        source=take.source,
    )


def _tempo(segment: Segment, n_ref: int) -> float:
    """Take duration / reference duration of the matched move (both at the reference frame rate)."""
    return (segment.end - segment.start + 1) / n_ref


@dataclass(frozen=True)
class Recognition:
    """Which reference a take shows. `move`/`view` are None for 'none of these'."""

    move: str | None
    view: str | None
    confidence: float
    candidates: list[TakeScore]

    def as_dict(self) -> dict[str, object]:
        return {
            "move": self.move,
            "view": self.view,
            "confidence": round(self.confidence, 3),
            "candidates": [{"move": c.move, "view": c.view, "score": round(c.score, 1)} for c in self.candidates],
        }


# Below this best score nothing in the library fits ("none of these").
RECOGNIZE_MIN_SCORE = 70.0
# Softmax temperature in score points: a 10-point lead gives ~88 % confidence between two candidates.
RECOGNIZE_TEMPERATURE = 5.0


def recognize(take: PoseSequence, prepared: list[PreparedReference]) -> Recognition:
    """Score the take against every reference; the best wins if it is good enough."""
    if not prepared:
        return Recognition(None, None, 0.0, [])
    scores = sorted((score_take(take, p) for p in prepared), key=lambda s: s.score, reverse=True)
    values = np.array([s.score for s in scores])
    soft = np.exp((values - values.max()) / RECOGNIZE_TEMPERATURE)
    best = scores[0]
    if best.score < RECOGNIZE_MIN_SCORE:
        confidence = float(np.clip(1.0 - best.score / RECOGNIZE_MIN_SCORE, 0.0, 1.0))
        return Recognition(None, None, confidence, scores)
    return Recognition(best.move, best.view, float(soft[0] / soft.sum()), scores)
