"""Techniques in a live stream: one motion per technique, cut at rests and speed minima; pipeline thread.

Following several references with one live engine each finds the same physical technique several times
across people (a low kick matched in pieces by a cross and a hook; a straight found twice). A combination
needs one verdict per technique the student did, so here the motion decides *that* a technique happened
(core.library.segment over the last WINDOW_S seconds: a technique is taken once the rest after it is seen)
and person-independent recognition (core.match.recognition) says how much it looks like each candidate.
Which technique it was is left to the caller, who knows the order expected (core.match.combo), and `grade`
then scores it against that technique's reference with the whole-take scorer, as `score` grades a technique
performed alone.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ..features.bones import compute_features
from ..library.segment import EXTREMITIES, MIN_REST_S, technique_groups
from ..match.live import REP_MIN_AMPLITUDE
from ..match.live_events import Rep
from ..match.live_history import motion_amplitude
from ..match.recognition import bar_scores
from ..pose.estimator import PoseSequence
from ..pose.skeleton import COCO17
from ..score.scoring import PreparedReference, score_take
from ..score.strike_metrics import StrikeMetrics, measure_rep

WINDOW_S = 30.0  # the rest level comes from this much recent stream (shorter: it drifts with the techniques)
MIN_HISTORY_S = 1.5  # no technique is looked for before this much stream (no rest level yet)
EVERY = 5  # frames between two looks at the window
LIMB_SHARE = 0.5
PAD_S = 0.25  # guard frames around a technique given to recognition and the scorer (they find its span)


@dataclass(frozen=True)
class Motion:
    """One technique-like motion: its frames (with PAD_S of guard) and its match with each candidate.

    `matches` holds only the candidates it may be: it moved the body at least half as much as the reference
    does (the live engine's rule for a rep, core.match.live), and the hand or foot the technique strikes with
    (strike profile, core.score.strike_metrics) went at least LIMB_SHARE as far as the farthest one: across
    people this tells a teep from a jab where recognition of the whole body may not (a hook moves the guard
    hand too, so it is a share, not "the farthest"). Values: 0-100 recognition scores."""

    start: float
    end: float
    times: NDArray[np.float64] = field(repr=False)  # (T,) seconds
    keypoints: NDArray[np.float32] = field(repr=False)  # (T, 17, 3) COCO-17
    active: tuple[int, int]  # the motion's own frames [a, b) within `keypoints`
    matches: dict[str, float]


def _limb_travel(joints: NDArray[np.float32]) -> dict[int, float]:
    """How far (body sizes) each hand and foot went from its first seen place in (T, 17, 2) body-centred joints."""
    travel = {}
    for j in EXTREMITIES:
        xy = joints[:, j]
        seen = np.flatnonzero(np.isfinite(xy).all(axis=1))
        travel[j] = float(np.linalg.norm(xy[seen] - xy[seen[0]], axis=1).max()) if seen.size > 1 else 0.0
    return travel


class TechniqueFinder:
    """`push` frames (COCO-17); returns the motions whose rest after them was just seen. `grade` scores one."""

    def __init__(self, prepared: list[PreparedReference], mirror: bool = False) -> None:
        self.prepared = {p.reference.label: p for p in prepared}
        self._amplitude = {k: motion_amplitude(p.features.joints) for k, p in self.prepared.items()}
        # The hand or foot each strike strikes with (a move that strikes nothing may be done with any limb).
        self._limb = {k: p.strike.joint for k, p in self.prepared.items() if p.strike.is_strike}
        self.mirror = mirror
        self._frames: deque[tuple[float, NDArray[np.float32]]] = deque()
        self._last_end = -np.inf  # time the last motion found ended
        self._count = 0
        self._pushes = 0
        self.moving = False  # a motion is going on that is not reported yet (the rest after it not seen)

    def push(self, coco: NDArray[np.float32] | None, now: float) -> list[Motion]:
        """`coco`: (17, 3) x, y, confidence (None: nobody); `now`: seconds."""
        self._frames.append((now, np.full((17, 3), np.nan, np.float32) if coco is None else coco))
        while now - self._frames[0][0] > WINDOW_S:
            self._frames.popleft()
        self._pushes += 1
        if self._pushes % EVERY or now - self._frames[0][0] < MIN_HISTORY_S:
            return []
        return self._look(final=False)

    def finish(self) -> list[Motion]:
        """The source ended: a motion still going at the end is taken too."""
        return self._look(final=True) if len(self._frames) > 2 else []

    def _look(self, final: bool) -> list[Motion]:
        times = np.array([t for t, _ in self._frames])
        kp = np.stack([k for _, k in self._frames])
        fps = (len(times) - 1) / max(times[-1] - times[0], 1e-6)
        out = []
        self.moving = False
        # A piece starting right after one reported at an earlier look is that one's tail: the window moved on
        # and its rest level with it, so the end of a technique can rise above the line it had fallen under.
        before = self._last_end + MIN_REST_S
        for group in technique_groups(kp, COCO17, fps):
            rested = len(times) - group[-1][1] >= MIN_REST_S * fps
            if group[0][0] == 0 or not (rested or final):
                self.moving |= group[0][0] > 0  # still going (a flowing series is taken whole), reported later
                continue
            for a, b in group:
                if times[a] <= before:
                    continue  # already reported, or its tail
                self._last_end = times[b - 1]
                motion = self._motion(times, kp, a, b, fps)
                if motion.matches:
                    out.append(motion)
        return out

    def _motion(self, times: NDArray[np.float64], kp: NDArray[np.float32], a: int, b: int, fps: float) -> Motion:
        pad = round(PAD_S * fps)
        lo, hi = max(0, a - pad), min(len(kp), b + pad)
        joints = compute_features(kp[a:b], COCO17).joints
        moved = motion_amplitude(joints)
        travel = _limb_travel(joints)
        far = max(travel.values())
        labels = [
            k for k, amp in self._amplitude.items()
            if moved >= REP_MIN_AMPLITUDE * amp and (k not in self._limb or travel[self._limb[k]] >= LIMB_SHARE * far)
        ]  # fmt: skip
        matches: dict[str, float] = {}
        if labels:
            take = PoseSequence(kp[lo:hi], COCO17, fps, None, "")
            # On each technique's own bar (recognition.bar_scores): another member's low kick lies further from
            # the kick reference than a jab from the jab's. Measured on 12 random combinations of 4 of the 14
            # (bench/combo.py): whole runs read right 8 -> 17 of 36, skips 4 -> 8 of 12, swaps 2 -> 4 of 12 (this
            # alone; with the swap rule of core.match.combo 19, 9 and 7).
            scores = bar_scores(take, [self.prepared[k] for k in labels], self.mirror)
            matches = {label: scores[k] for k, label in enumerate(labels)}
        return Motion(float(times[a]), float(times[b - 1]), times[lo:hi], kp[lo:hi], (a - lo, b - lo), matches)

    def grade(self, motion: Motion, label: str) -> Rep:
        """The motion scored as the technique `label`, as `score` grades a technique performed alone."""
        prepared = self.prepared[label]
        fps = (len(motion.times) - 1) / max(float(motion.times[-1] - motion.times[0]), 1e-6)
        graded = score_take(PoseSequence(motion.keypoints, COCO17, fps, None, ""), prepared, self.mirror)
        strike = self._strike(motion, prepared)
        ref = prepared.reference
        self._count += 1
        mirrored = strike is not None and strike.side is not None and strike.side != prepared.strike.side
        return Rep(
            self._count, motion.start, motion.end, graded.score, graded.parts, graded.tempo,
            tuple(graded.feedback), ref.move, ref.view, strike, mirrored,
        )  # fmt: skip

    def _strike(self, motion: Motion, prepared: PreparedReference) -> StrikeMetrics | None:
        a, b = motion.active
        if not prepared.strike.is_strike or b - a < 3:
            return None
        return measure_rep(motion.times, motion.keypoints, a, b - 1, prepared.strike, self.mirror)
