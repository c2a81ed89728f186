"""Both sides (orthodox and southpaw): one reference followed as it is and mirrored; pipeline thread.

A one-sided move (core.match.sidedness: its mirror image is another move) gets two live engines, one on the
person as filmed and one on the person mirrored, so a jab thrown from the other stance matches the
mirrored reference. The same physical rep found by both is kept once (core.match.rep_arbiter.RepArbiter,
the better score first: both engines grade against the same reference, so their scores compare). Each rep
says which side struck (`Rep.side`) and whether that is the reference's (`Rep.mirrored`).

sides="both": every rep counts, on either side. sides="one": a rep on the other side than the one practised
is not a rep of the move; it is reported uncounted, without score, with "other side: use your left hand"
(the limb the reference strikes with) instead of a low score and advice about a move it is not. A move
that looks the same mirrored (a squat) has one engine and no side.

A move with several examples (core.match.live_examples) has one engine per followed example on each side;
all of them follow the same move, so two of their reps that overlap by more than SAME_MOVE_OVERLAP of the
shorter are one physical rep (one example matches a kick from the chamber, another from the lift: a looser
test than auto-detect's, whose rivals are different moves that may follow each other closely).
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace

from ..match.auto_detect import FOLLOW_REP_S, MAX_KEPT
from ..match.live import LiveEngine
from ..match.live_events import LiveUpdate, Rep, rep_summary
from ..match.live_window import FramePoints, coco_and_feet
from ..match.rep_arbiter import SETTLE_MARGIN_S, RepArbiter
from ..pose.skeleton import COCO17, MEDIAPIPE33
from ..score.feedback import FeedbackItem
from ..score.scoring import PreparedReference

SIDES = ("one", "both")
# Reps of one move found by two engines that overlap by more than this share of the shorter are one rep.
# Neighbouring reps may share their boundary pose (LiveEngine.overlap: an eighth of the reference), so the
# share stays above that.
SAME_MOVE_OVERLAP = 0.2
# The "other side" advice stays this long after the rep that earned it (the stabiliser's minimum is 2 s).
OTHER_SIDE_SHOW_S = 3.0


def other_side(side: str) -> str:
    return "left" if side == "right" else "right"


class SidedEngine:
    """One reference practised on one side (`sides="one"`) or on both (`"both"`).

    `mirror`: the person practises the reference's other side (a left-hander with a right-handed coach):
    that is then the side practised with "one". `push`, `finish`, `summary`, `rep_count` and `reps` as
    LiveEngine's; `new_rep` of an update may be an uncounted other-side rep (`Rep.counted` False).
    """

    def __init__(self, prepared: PreparedReference, sides: str = "one", mirror: bool = False) -> None:
        if sides not in SIDES:
            raise ValueError(f"sides must be one of {SIDES}, not {sides!r}")
        self.prepared = prepared
        self.ref = prepared.reference
        self.sides = sides
        self.mirror = mirror
        examples = prepared.followed_examples
        # The practised side's engines (one per followed example), then the other side's.
        self.practised_engines = [LiveEngine(p, mirror) for p in examples]
        self.primary = self.practised_engines[0]
        self.strike = self.primary.strike
        ref_side = self.strike.side
        # The side practised: the reference's, or its other side for a mirrored person; None: no sides.
        self.practised = None if ref_side is None else (other_side(ref_side) if mirror else ref_side)
        self.other_engines = [LiveEngine(p, not mirror) for p in examples] if ref_side is not None else []
        self.other = self.other_engines[0] if self.other_engines else None
        self.engines = self.practised_engines + self.other_engines
        self.current = self.primary
        lag = max(0.5 * len(p) / p.reference.fps for p in examples)
        self.arbiter = RepArbiter(lag + SETTLE_MARGIN_S, same_share=SAME_MOVE_OVERLAP)
        self.outbox: deque[Rep] = deque()
        self.rep_count = 0
        self.frames = 0
        self._t0: float | None = None
        self._now = 0.0
        self._kept: deque[Rep] = deque(maxlen=MAX_KEPT)
        self._by_side: dict[str, int] = {}
        self.other_side_reps = 0
        self._last_found: dict[int, float] = {}  # engine (index in self.engines) -> time of its latest rep
        self._advice_until = -1.0
        self._advice: tuple[FeedbackItem, ...] = ()

    @property
    def reps(self) -> list[Rep]:
        """The counted reps (the latest MAX_KEPT)."""
        return list(self._kept)

    def push(
        self, keypoints: FramePoints, t: float, skeleton: str = MEDIAPIPE33, *, world: FramePoints = None
    ) -> LiveUpdate:
        if self._t0 is None:
            self._t0 = t
        now = self._now = t - self._t0
        self.frames += 1
        coco, feet = coco_and_feet(keypoints, skeleton)  # once here, not once per engine (up to 3 examples x 2)
        updates = [e.push(coco, t, COCO17, feet=feet, world=world) for e in self.engines]
        for k, u in enumerate(updates):
            if u.new_rep is not None:
                self._last_found[k] = now
                self.arbiter.add(u.new_rep, now)
        # One engine (a move without sides, one example) has no rival to wait for.
        decided = self.arbiter.decide(now, force=len(self.engines) == 1)
        self.outbox.extend(self._apply(r, now) for r in decided)
        shown = self._display(updates, now)
        self.current = self.engines[shown]
        rep = self.outbox.popleft() if self.outbox else None
        feedback = self._advice if now < self._advice_until else updates[shown].feedback
        return replace(updates[shown], new_rep=rep, rep_count=self.rep_count, feedback=feedback)

    def _display(self, updates: list[LiveUpdate], now: float) -> int:
        """The engine shown (index in self.engines), among the practised side's with "one", else all: the one
        that found the latest rep, else the best running score, else the one shown before."""
        shown = range(len(self.practised_engines) if self.sides == "one" else len(updates))
        if len(shown) == 1:
            return 0
        recent = [(when, k) for k, when in self._last_found.items() if now - when < FOLLOW_REP_S and k in shown]
        if recent:
            return max(recent)[1]
        scored = [(u.score, k) for k, u in enumerate(updates) if u.score is not None and k in shown]
        if scored:
            return max(scored)[1]
        before = next(k for k, e in enumerate(self.engines) if e is self.current)
        return before if before in shown else 0

    def _apply(self, rep: Rep, now: float) -> Rep:
        """The side policy on a decided rep: counted and numbered, or an uncounted other-side rep."""
        side = rep.side
        if self.sides == "one" and side is not None and self.practised is not None and side != self.practised:
            self.other_side_reps += 1
            limb = self.strike.limb
            message = f"other side: use your {self.practised} {limb}"
            self._advice = (FeedbackItem("side", message, 10.0),)
            self._advice_until = now + OTHER_SIDE_SHOW_S
            # Not a rep of the move: index 0, so no two rep events share a number.
            return replace(rep, index=0, counted=False, feedback=self._advice)
        self.rep_count += 1
        rep = replace(rep, index=self.rep_count)
        self._kept.append(rep)
        if side is not None:
            self._by_side[side] = self._by_side.get(side, 0) + 1
        return rep

    def finish(self) -> list[Rep]:
        """The source ended: every engine's held-back match and every rep waiting for its rival, decided now."""
        now = self._now
        for engine in self.engines:
            for rep in engine.finish():
                self.arbiter.add(rep, now)
        self.outbox.extend(self._apply(r, now) for r in self.arbiter.decide(float("inf"), force=True))
        out = list(self.outbox)
        self.outbox.clear()
        return out

    def summary(self) -> dict[str, object]:
        out = rep_summary(self.ref.label, self.frames, self.rep_count, [r.score for r in self._kept])
        if self.practised is not None:
            out |= {"sides": self.sides, "by_side": dict(sorted(self._by_side.items()))}
            out |= {"other_side": self.other_side_reps} if self.sides == "one" else {}
        return out
