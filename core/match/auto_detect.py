"""Auto-detect: follow every reference of the library and report each rep once, with its move; pipeline thread.

Every reference has its own LiveEngine, and each engine finds the reps that look like its move. The same
physical rep is often found by two references (a left hook and a left straight share most of the motion),
and the engines report at different delays, so their reps pass through a RepArbiter: it waits until every
engine could have reported a rival for a rep, keeps one of reps that are one physical rep, trims the slight
overlap of neighbouring reps, and numbers what it keeps in one sequence (core.match.rep_arbiter). Which rival
is kept is decided by recognition (core.match.recognition) over the frames of the rep, not by the graded score:
a rep's live score says how well it matches its own reference, which is not comparable between references.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import replace

import numpy as np

from ..match.live import REP_MAX_TEMPO, LiveEngine
from ..match.live_events import LiveUpdate, Rep, rep_summary
from ..match.live_window import FramePoints, RecentFrames, coco_and_feet
from ..match.recognition import match_scores
from ..match.rep_arbiter import MAX_WAIT_S, SETTLE_MARGIN_S, RepArbiter, rep_label
from ..pose.estimator import PoseSequence
from ..pose.skeleton import COCO17, MEDIAPIPE33
from ..score.scoring import TYPICAL_OTHER_PERSON_DISTANCE, PreparedReference
from ..score.strike_metrics import StrikeProfile

# The display follows the engine whose rep was just completed for this long, then the best running score.
FOLLOW_REP_S = 3.0
# Reported reps kept for `reps` and the summary: scores, not unbounded objects.
MAX_KEPT = 1000
_NOBODY = np.full((17, 3), np.nan, np.float32)  # a frame with nobody, as recognition reads it
# Rest frames around a rep that recognition sees (it finds the rep's active span from its ends).
RECOGNITION_PAD_S = 0.15
# With no move chosen, a strike whose hand or foot travelled less than this share of the reference's reach (both
# in body heights) is not that strike: a jab reference otherwise claims the guard hand's shuffle before and after
# every kick. People's reach differs, but not twofold. Only where the reference names its limb (a category, as
# every starter move has): a joint guessed from what travels most can be the wrong one (the shared left body hook
# reference's ankle travels most, and its correct reps were measured on the foot). On the 42 Muay Thai takes
# against the 14 references with their category and side: see bench/cross_person.py's auto-detect rows.
MIN_REACH_SHARE = 0.5


def struck(rep: Rep, profile: StrikeProfile) -> bool:
    """False for a rep of a strike whose named hand or foot moved less than MIN_REACH_SHARE of the reference's
    reach; True when that is unknown (no limb named, the limb hidden most of the rep)."""
    share = None if rep.strike is None else rep.strike.reach_share
    return not profile.named or share is None or share >= MIN_REACH_SHARE


class AutoDetectEngine:
    """No reference chosen: follow every reference of the library; report each rep once, with its move.

    `push` returns the live update of the best engine (score, phase, ghost) with `new_rep` replaced by the
    arbiter's next decided rep, so a rep arrives a short settle time after it ended. Call `finish` at the
    end of a source: it decides and returns the reps still waiting.
    """

    def __init__(self, prepared: list[PreparedReference], mirror: bool = False) -> None:
        if not prepared:
            raise ValueError("auto-detect needs at least one reference")
        # With no move chosen, every move competes with standing in guard too: a rep must explain its stretch
        # better than the move's own rest pose does (a jab reference that is mostly guard otherwise claims
        # every shuffle between techniques), or be as close as a typical correct performance by someone else.
        # Measured on the 42 Muay Thai takes (321 techniques): 422 reps reported, 42 % of them right, 52 % of
        # true reps found as their technique; with the chosen-move rule about 780 reported, 27 % right (59 %
        # found); without the typical-performance floor fewer (325) but the seed's one punch was not found.
        self.engines = [
            LiveEngine(p, mirror, max(TYPICAL_OTHER_PERSON_DISTANCE, p.beats_rest_distance)) for p in prepared
        ]
        self.prepared = {p.reference.label: p for p in prepared}
        self.mirror = mirror
        self.current = self.engines[0]
        lag = max(0.5 * len(p) / p.reference.fps for p in prepared)
        self.arbiter = RepArbiter(lag + SETTLE_MARGIN_S, self._rank_by_recognition)
        # Recent frames (time, COCO-17 keypoints) for recognising a rep: as long as a rep may wait, plus it.
        longest = max(len(p) / p.reference.fps for p in prepared) * REP_MAX_TEMPO
        self._frames = RecentFrames(MAX_WAIT_S + longest + 2 * RECOGNITION_PAD_S + 1.0)
        self.outbox: deque[Rep] = deque()
        self.rep_count = 0
        self.frames = 0
        self._t0: float | None = None
        self._last_rep: dict[int, tuple[float, float]] = {}  # engine -> (t, score) of its latest rep
        self._reported: deque[Rep] = deque(maxlen=MAX_KEPT)
        # Every engine's reps as found (those that struck), before arbitration: what tests and benches check the
        # reports against.
        self.found: deque[Rep] = deque(maxlen=MAX_KEPT)
        self._counts: dict[str, int] = {}
        # Every engine's update of the latest frame, in `engines` order (a combination shows the expected one).
        self.updates: list[LiveUpdate] = []

    @property
    def reps(self) -> list[Rep]:
        """The reported reps (the latest MAX_KEPT), in the order they were reported."""
        return list(self._reported)

    def push(
        self, keypoints: FramePoints, t: float, skeleton: str = MEDIAPIPE33, *, world: FramePoints = None
    ) -> LiveUpdate:
        if self._t0 is None:
            self._t0 = t
        now = t - self._t0
        coco, feet = coco_and_feet(keypoints, skeleton)  # once here: every engine and the recognition take it
        self._frames.add(now, _NOBODY if coco is None else coco)
        updates = self.updates = [e.push(coco, t, COCO17, feet=feet, world=world) for e in self.engines]
        self.frames += 1
        for k, u in enumerate(updates):
            if u.new_rep is not None and struck(u.new_rep, self.engines[k].strike):
                self._last_rep[k] = (t, u.new_rep.score)
                self.found.append(u.new_rep)
                self.arbiter.add(u.new_rep, now)
        self.outbox.extend(self.arbiter.decide(now))
        best = self._display_choice(updates, t)
        self.current = self.engines[best]
        rep = self._report(self.outbox.popleft()) if self.outbox else None
        return replace(updates[best], new_rep=rep, rep_count=self.rep_count)

    def _rank_by_recognition(self, group: list[Rep]) -> list[Rep]:
        """Rivals for one physical rep, the one whose move recognition finds closest first. (Dropping the reps
        whose move recognition would not name was measured too: 808 -> 770 reps reported on the Muay Thai
        takes, the right move for 23 % -> 24 % of them; not worth losing a rep that an engine did find.)"""
        a = min(r.start for r in group) - RECOGNITION_PAD_S
        z = max(r.end for r in group) + RECOGNITION_PAD_S
        rows = self._frames.between(a, z)
        by_score = sorted(group, key=lambda r: -r.score)
        if len(rows) < 4 or rows[-1][0] <= rows[0][0]:
            return by_score  # the frames are gone (a rep decided very late): fall back to the live score
        fps = (len(rows) - 1) / (rows[-1][0] - rows[0][0])
        take = PoseSequence(np.stack([kp for _, kp in rows]), COCO17, fps)
        labels = sorted({rep_label(r) for r in group} & self.prepared.keys())
        scores = match_scores(take, [self.prepared[label] for label in labels], self.mirror)
        match = {label: scores[k] for k, label in enumerate(labels)}
        return sorted(by_score, key=lambda r: -match.get(rep_label(r), -math.inf))

    def _display_choice(self, updates: list[LiveUpdate], t: float) -> int:
        # A fresh rep decides; otherwise the best running score; otherwise keep the current choice.
        recent = [(score, k) for k, (when, score) in self._last_rep.items() if t - when < FOLLOW_REP_S]
        if recent:
            return max(recent)[1]
        scored = [(u.score, k) for k, u in enumerate(updates) if u.score is not None]
        return max(scored)[1] if scored else self.engines.index(self.current)

    def _report(self, rep: Rep) -> Rep:
        self.rep_count += 1
        self._reported.append(rep)
        label = rep_label(rep)
        self._counts[label] = self._counts.get(label, 0) + 1
        return rep

    def finish(self) -> list[Rep]:
        """The source ended: decide every waiting rep now (none is lost) and return those not yet reported."""
        now = self._frames.rows[-1][0] if self._frames.rows else 0.0
        for engine in self.engines:  # matches each engine still held back for a better one
            for rep in (r for r in engine.finish() if struck(r, engine.strike)):
                self.found.append(rep)
                self.arbiter.add(rep, now)
        self.outbox.extend(self.arbiter.decide(math.inf, force=True))
        out = [self._report(r) for r in self.outbox]
        self.outbox.clear()
        return out

    def summary(self) -> dict[str, object]:
        """Reported reps only (a rep found by two references counts once), per reference and in total."""
        per_ref = {
            label: rep_summary(label, self.frames, count, [r.score for r in self._reported if rep_label(r) == label])
            for label, count in self._counts.items()
        }
        return {"event": "summary", "reference": None, "by_reference": per_ref, "reps": self.rep_count}
