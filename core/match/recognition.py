"""Which move is this? Ranks the library for one take, or for one rep found in a stream; "none of these".

Recognition is kept apart from grading (core.score.scoring): it must tolerate other bodies, so it compares the
person-invariant features of the take's active span (where the body leaves its rest pose) with each
example of each move, all parts weighted alike (a move's own part weights would make its distances
incomparable with another move's), with an alignment anchored at both ends (core.match.align.anchored_distance).
A move with several examples is as close as its examples are on average: across people the nearest example
is often an odd one of the wrong move (leave-one-take-out on the Muay Thai takes: nearest example 0.35 top-1,
mean over the examples 0.58), while the mean keeps what the examples share. The best move is named when its
distance is within the move's own bar (core.score.scoring's PreparedReference.accept_distance: 0.35, more for a
move far from its rest pose); the confidence says how far ahead of the next one it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..features.bones import (
    Features,
    active_features,
    compute_features,
    estimate_normalisation,
    mirror_keypoints,
    part_costs,
    total_cost,
)
from ..match.align import anchored_distance
from ..pose.estimator import PoseSequence
from ..pose.skeleton import PARTS
from ..score.scoring import (
    SAME_MOVE_MAX_DISTANCE,
    PreparedReference,
    distance_to_score,
    resample_indices,
    score_take,
)
from ..score.take_score import TakeScore

# Softmax temperature in score points for the confidence between candidates.
RECOGNIZE_TEMPERATURE = 5.0
_UNIFORM = np.ones(len(PARTS))


def recognition_distance(take: Features, prepared: PreparedReference) -> float:
    """Distance of a take's active features to a move: the mean over its examples, all parts weighted alike."""
    # Frames are not weighted by how far they are from rest: across people the rest pose itself differs,
    # and measured on the Muay Thai set that weighting halved top-1 (0.72 -> 0.47).
    distances = [
        anchored_distance(total_cost(part_costs(take, example), _UNIFORM)) for example in prepared.example_features
    ]
    return float(np.mean(distances)) if distances else float("inf")


@dataclass(frozen=True)
class Candidate:
    """One move of the library as the take's candidate: its recognition score and its graded score."""

    move: str
    view: str
    match: float  # recognition score 0-100 (is it this move, across people)
    score: float  # graded score 0-100 (how well, with the move's part weights)
    take_score: TakeScore

    def as_dict(self) -> dict[str, object]:
        return {"move": self.move, "view": self.view, "match": round(self.match, 1), "score": round(self.score, 1)}


@dataclass(frozen=True)
class Recognition:
    """Which reference a take shows. `move`/`view` are None for 'none of these'."""

    move: str | None
    view: str | None
    confidence: float
    candidates: list[Candidate]

    def as_dict(self) -> dict[str, object]:
        return {
            "move": self.move,
            "view": self.view,
            "confidence": round(self.confidence, 3),
            "candidates": [c.as_dict() for c in self.candidates],
        }


def take_features(take: PoseSequence, fps: float, mirror: bool = False, face: int = 0) -> Features:
    """The take's active features at the reference frame rate, compared with a move facing `face`."""
    kp = take.keypoints[resample_indices(len(take), take.fps, fps)]
    if mirror:
        kp = mirror_keypoints(kp, take.skeleton)
    return active_features(compute_features(kp, take.skeleton, estimate_normalisation(kp, take.skeleton, face)))


def rank(matches: dict[int, float]) -> tuple[list[int], float]:
    """Library indices best first, and the confidence of the first (softmax over recognition scores)."""
    order = sorted(matches, key=lambda k: matches[k], reverse=True)
    values = np.array([matches[k] for k in order])
    soft = np.exp((values - values.max()) / RECOGNIZE_TEMPERATURE)
    return order, float(soft[0] / soft.sum())


def match_distances(take: PoseSequence, prepared: list[PreparedReference], mirror: bool = False) -> dict[int, float]:
    """Recognition distance of the take to each move (by index); the take's features once per frame rate and
    facing."""
    feats: dict[tuple[float, int], Features] = {}
    distances: dict[int, float] = {}
    for k, p in enumerate(prepared):
        key = (p.reference.fps, p.facing)
        if key not in feats:
            feats[key] = take_features(take, p.reference.fps, mirror, p.facing)
        distances[k] = recognition_distance(feats[key], p)
    return distances


def match_scores(take: PoseSequence, prepared: list[PreparedReference], mirror: bool = False) -> dict[int, float]:
    """Recognition score 0-100 of the take against each move (by index)."""
    return {k: float(distance_to_score(d)) for k, d in match_distances(take, prepared, mirror).items()}


def bar_scores(take: PoseSequence, prepared: list[PreparedReference], mirror: bool = False) -> dict[int, float]:
    """match_scores with each move's distance in units of its own bar (accept_distance): 55 is the bar of
    every move. For choosing among the few techniques a combination expects; a library is ranked on plain
    distances (see `recognize`)."""
    return {
        k: float(distance_to_score(d * SAME_MOVE_MAX_DISTANCE / prepared[k].accept_distance))
        for k, d in match_distances(take, prepared, mirror).items()
    }


def recognize(take: PoseSequence, prepared: list[PreparedReference], mirror: bool = False) -> Recognition:
    """Rank every move of the library for this take; the best is named if it fits well enough."""
    if not prepared:
        return Recognition(None, None, 0.0, [])
    matches = match_scores(take, prepared, mirror)
    order, confidence = rank(matches)
    candidates = []
    for k in order:
        ref = prepared[k].reference
        graded = score_take(take, prepared[k], mirror)
        candidates.append(Candidate(ref.move, ref.view, matches[k], graded.score, graded))
    best = candidates[0]
    # Named at the move's own bar, the live rep rule's (PreparedReference.accept_distance): people differ more
    # on a move that travels far from its rest pose, a kick. Ranking stays on plain distances: scaled by that
    # bar, leave-one-take-out top-1 fell from 0.58 to 0.51 (one example's rest pose is a noisy yardstick).
    bar = float(distance_to_score(prepared[order[0]].accept_distance))
    if best.match < bar:
        return Recognition(None, None, float(np.clip(1.0 - best.match / bar, 0, 1)), candidates)
    return Recognition(best.move, best.view, confidence, candidates)
