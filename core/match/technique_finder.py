"""Techniques in a live stream, one per motion between rests, named among a few references; pipeline thread.

Following several references with one live engine each finds the same physical technique several times
across people (a low kick matched in pieces by a cross and a hook; a straight found twice). A combination
needs one verdict per technique the student did, so here the motion decides *that* a technique happened and
recognition decides *which*: the rule of `record --split` (core.match.rep_split: active where motion or
pose change is above halfway between the window's rest and motion levels, rests of 0.2 s, moves of 0.3 s)
runs over the last WINDOW_S seconds; a stretch followed by a rest is a technique. Recognition
(core.match.recognition, person-independent) names it among the candidate references, with the expected
one preferred when it is within RECOGNIZE_TEMPERATURE points of the best (the combination says what comes
next; across people recognition is not sure between near neighbours: a hook and a jab). Another technique
than the expected one is named only from the recognition threshold (55); the expected one also below it
when nothing fits better (across people a single reference of a kick often matches its own kick under 55,
bench/combo.py). The whole-take scorer grades it against that technique's reference, as `score` grades a
technique performed alone.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
import numpy as np
from numpy.typing import NDArray

from ..match.live_events import Rep
from ..match.recognition import RECOGNIZE_TEMPERATURE, match_scores
from ..library.segment import MIN_REST_S, technique_spans
from ..pose.estimator import PoseSequence
from ..pose.skeleton import COCO17
from ..score.scoring import SAME_MOVE_MIN_SCORE, PreparedReference, score_take
from ..score.strike_metrics import StrikeMetrics, measure_rep

WINDOW_S = 8.0  # the rest and motion levels come from this much recent stream
MIN_HISTORY_S = 1.5  # no technique is looked for before this much stream (no rest level yet)
EVERY = 5  # frames between two looks at the window
PAD_S = 0.25  # guard frames around a technique given to recognition and the scorer (they find its span)


@dataclass(frozen=True)
class Found:
    """One technique found: its rep (score, parts, feedback, strike metrics) and every candidate's match."""

    rep: Rep
    label: str
    matches: dict[str, float]


class TechniqueFinder:
    """`push` frames (COCO-17); returns the techniques whose rest after them was just seen."""

    def __init__(self, prepared: list[PreparedReference], mirror: bool = False) -> None:
        self.prepared = {p.reference.label: p for p in prepared}
        self.mirror = mirror
        self._frames: deque[tuple[float, NDArray[np.float32]]] = deque()
        self._last_end = -np.inf  # time the last technique found ended
        self._count = 0
        self._pushes = 0

    def push(self, coco: NDArray[np.float32] | None, now: float, expected: str | None) -> list[Found]:
        """`coco`: (17, 3) x, y, confidence (None: nobody); `now`: seconds; `expected`: the label due next."""
        self._frames.append((now, np.full((17, 3), np.nan, np.float32) if coco is None else coco))
        while now - self._frames[0][0] > WINDOW_S:
            self._frames.popleft()
        self._pushes += 1
        if self._pushes % EVERY or now - self._frames[0][0] < MIN_HISTORY_S:
            return []
        return self._look(expected, final=False)

    def finish(self, expected: str | None) -> list[Found]:
        """The source ended: a technique still moving at the end is taken too."""
        return self._look(expected, final=True) if len(self._frames) > 2 else []

    def _look(self, expected: str | None, final: bool) -> list[Found]:
        times = np.array([t for t, _ in self._frames])
        kp = np.stack([k for _, k in self._frames])
        fps = (len(times) - 1) / max(times[-1] - times[0], 1e-6)
        out = []
        for a, b in technique_spans(kp, COCO17, fps):
            rested = len(times) - b >= MIN_REST_S * fps
            if a == 0 or times[a] <= self._last_end or not (rested or final):
                continue  # cut by the window's start, already reported, or still going
            found = self._name(times, kp, a, b, fps, expected)
            self._last_end = times[b - 1]
            if found is not None:
                out.append(found)
                expected = None  # what is due after it is the caller's to say, next time
        return out

    def _name(
        self, times: NDArray[np.float64], kp: NDArray[np.float32], a: int, b: int, fps: float, expected: str | None
    ) -> Found | None:
        pad = round(PAD_S * fps)
        lo, hi = max(0, a - pad), min(len(kp), b + pad)
        take = PoseSequence(kp[lo:hi], COCO17, fps, None, "")
        labels = list(self.prepared)
        scores = match_scores(take, [self.prepared[k] for k in labels], self.mirror)
        matches = {label: scores[k] for k, label in enumerate(labels)}
        best = max(matches, key=lambda k: matches[k])
        if expected in matches and matches[best] - matches[expected] <= RECOGNIZE_TEMPERATURE:
            best = expected
        if best != expected and matches[best] < SAME_MOVE_MIN_SCORE:
            return None  # a motion, but none of these techniques (a step, a shuffle of the feet)
        prepared = self.prepared[best]
        graded = score_take(take, prepared, self.mirror)
        strike = self._strike(times[lo:hi], kp[lo:hi], a - lo, b - lo, prepared)
        ref = prepared.reference
        self._count += 1
        mirrored = strike is not None and strike.side is not None and strike.side != prepared.strike.side
        rep = Rep(
            self._count, float(times[a]), float(times[b - 1]), graded.score, graded.parts, graded.tempo,
            tuple(graded.feedback), ref.move, ref.view, strike, mirrored,
        )  # fmt: skip
        return Found(rep, best, matches)

    def _strike(
        self, t: NDArray[np.float64], kp: NDArray[np.float32], a: int, b: int, prepared: PreparedReference
    ) -> StrikeMetrics | None:
        if not prepared.strike.is_strike or b - a < 3:
            return None
        return measure_rep(t, kp, a, b - 1, prepared.strike, self.mirror)
