"""Follow a combination live: find each technique, place it in the expected order, judge each run; pipeline thread.

Finding techniques: one per motion between rests or at a speed minimum (core.match.technique_finder), with
a person-independent recognition score against each technique of the combination. The motion is not named
on its own: the order decides between the techniques it may be, by an edit-distance alignment of the
motions so far to the combination (core.match.combo_align), redone on every motion (a run is short). Then
it is graded against the technique it was placed as, like that technique performed alone, with its part
feedback and strike metrics. Following every technique with its own live engine and keeping their reps
(auto-detect) was tried first: across people it found one low kick as a cross plus a hook and a straight
twice, and runs broke into pieces (README, Combinations). The live engines still run, for the display
only: the live score and the ghost of the technique expected now.

A run ends when every technique of the combination was placed, when a motion that fits the first technique
comes once the run in progress reached its last technique but one (the first technique starts again; earlier
it is placed or an extra: a stray motion that looks like a jab must not cut a run in two), or after a pause
of RUN_PAUSE_S. A run with fewer than half its techniques placed was a false start and is not reported. When
the library holds the other side's version of a one-sided technique, that is followed too, so a left hook
where the right one was due is named as the wrong side rather than as one technique skipped and another extra.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import replace

import numpy as np

from ..library.combination import Combination
from ..library.references import Reference
from ..match.combo_align import COST_EXTRA, Alignment, align, pair_costs
from ..match.combo_events import ComboProgress, ComboRun, ComboUpdate, TechniqueDone
from ..match.live import LiveEngine
from ..match.live_events import Rep
from ..match.live_window import FramePoints, coco_and_feet
from ..match.technique_finder import Motion, TechniqueFinder
from ..pose.skeleton import COCO17, MEDIAPIPE33
from ..score.scoring import PreparedReference

# A run also ends after this long without a technique (seconds), or twice the combination's longest gap.
RUN_PAUSE_S = 4.0
# Two move names alike at least this much (difflib ratio, side words removed) name one technique's two sides.
SAME_NAME_RATIO = 0.6


def _without_side(move: str) -> str:
    return re.sub(r"\b(left|right)\b", "", move.lower()).strip(" ,-")


def other_side_references(combo: Combination, library: list[Reference]) -> dict[str, Reference]:
    """For each one-sided technique, the library's move for the other side: same category and view, the other
    side, and the most alike name ("Hook to the head, left" -> "..., right"; "Jab / straight, left" ->
    "Cross / straight, right"). Techniques without such a move are left out (a wrong side then reads as a
    skip and an extra)."""
    out: dict[str, Reference] = {}
    for tech in combo.techniques:
        if tech.side not in ("left", "right") or tech.label in out:
            continue
        rivals = [
            r for r in library
            if r.side and r.side != tech.side and r.category == tech.category and r.view == tech.view and r.hold is None
        ]  # fmt: skip
        name = _without_side(tech.move)
        alike = [(difflib.SequenceMatcher(None, name, _without_side(r.move)).ratio(), r.label, r) for r in rivals]
        best = max(alike, key=lambda a: a[:2], default=None)
        if best is not None and best[0] >= SAME_NAME_RATIO:
            out[tech.label] = best[2]
    return out


class ComboFollower:
    """Follow `combo` in a live stream. `push` per frame, `finish` at the end of the source."""

    def __init__(
        self, combo: Combination, mirror: bool = False, other_sides: dict[str, Reference] | None = None
    ) -> None:
        self.combo = combo
        self.labels = tuple(combo.labels)
        other_sides = {k: v for k, v in (other_sides or {}).items() if v.label not in self.labels}
        self.other_side = {k: v.label for k, v in other_sides.items()}
        distinct: dict[str, Reference] = {}
        for ref in (*combo.techniques, *other_sides.values()):
            distinct.setdefault(ref.label, ref)
        prepared = [PreparedReference.from_reference(r) for r in distinct.values()]
        # Live engines for the display (score, ghost) of the technique due: the combination's own techniques
        # only; the other sides are found by the finder, not shown.
        self.engines = {p.reference.label: LiveEngine(p, mirror) for p in prepared if p.reference.label in self.labels}
        self.finder = TechniqueFinder(prepared, mirror)
        self._ref_starts = combo.start_times()
        self.pause_s = max(RUN_PAUSE_S, 2 * max(combo.gaps, default=0.0))
        self.min_placed = max(2, math.ceil(len(self.labels) / 2))
        self._t0: float | None = None
        self.run = 1
        self.runs: list[ComboRun] = []
        self._motions: list[Motion] = []  # this run's motions, in the order found
        self._grades: dict[tuple[int, str], Rep] = {}
        self._alignment = align(self.labels, [], self.other_side, prefix=True)

    @property
    def position(self) -> int:
        return min(self._alignment.reached, len(self.labels))

    @property
    def expected(self) -> str:
        """The technique due now (the first one again once a run is complete)."""
        return self.labels[self.position] if self.position < len(self.labels) else self.labels[0]

    def push(
        self, keypoints: FramePoints, t: float, skeleton: str = MEDIAPIPE33, *, world: FramePoints = None
    ) -> ComboUpdate:
        if self._t0 is None:
            self._t0 = t
        now = t - self._t0
        coco, feet = coco_and_feet(keypoints, skeleton)  # once: every engine and the finder take COCO-17
        updates = {label: e.push(coco, t, COCO17, feet=feet, world=world) for label, e in self.engines.items()}
        events: list[TechniqueDone | ComboRun] = []
        for motion in self.finder.push(coco, now):
            self._take(motion, events)
        if self._motions and not self.finder.moving and now - self._motions[-1].end > self.pause_s:
            self._close(events)
        live = replace(updates[self.expected], new_rep=None, rep_count=len(self.runs))
        return ComboUpdate(live, self.progress(), tuple(events))

    def finish(self) -> list[TechniqueDone | ComboRun]:
        """The source ended: the motions still waiting are placed and the run in progress is closed. The
        events in the order they happened."""
        events: list[TechniqueDone | ComboRun] = []
        for motion in self.finder.finish():
            self._take(motion, events)
        self._close(events)
        return events

    def progress(self) -> ComboProgress:
        scores: list[float | None] = [None] * len(self.labels)
        for d in self._placed(self._alignment):
            if d.index is not None and d.expected == d.move:
                scores[d.index] = d.score
        last = self.runs[-1] if self.runs else None
        return ComboProgress(self.labels, self.position, tuple(scores), self.run, len(self.runs), last)

    # -- placing motions ----------------------------------------------------------------------------
    def _costs(self) -> list[dict[str, float]]:
        return [pair_costs(m.matches) for m in self._motions]

    def _take(self, motion: Motion, events: list[TechniqueDone | ComboRun]) -> None:
        if self._motions and motion.start - self._motions[-1].end > self.pause_s:
            self._close(events)
        if self._motions and self._restarts(pair_costs(motion.matches)):
            self._close(events)
        self._motions.append(motion)
        self._alignment = align(self.labels, self._costs(), self.other_side, prefix=True)
        events.append(self._placed(self._alignment)[-1])
        final = align(self.labels, self._costs(), self.other_side)
        if all(s.kind != "missing" for s in final.steps):
            self._close(events)

    def _restarts(self, costs: dict[str, float]) -> bool:
        """The first technique again, once the run in progress got to its last technique but one (or no further
        than the first), unless it fits the one due next, or the one after it (done first: a swap), better."""
        first = costs.get(self.labels[0], float("inf"))
        if first >= COST_EXTRA:
            return False
        reached = self._alignment.reached_placed  # of the motions so far (set by `_take` and `_close`)
        # Also when the run got no further than its first technique: the jab again is a new start.
        far_enough = reached >= len(self.labels) - 1 or reached <= 1
        # A left hook that also looks like the jab, thrown before the cross it swapped with, continues the run.
        # (The jab after the cross of jab, cross, jab, hook is not that: done first, it is a restart.)
        due = [self.labels[k] for k in (reached, reached + 1) if k < len(self.labels)]
        if len(due) == 2 and due[1] == self.labels[0]:
            due = due[:1]
        return far_enough and all(costs.get(label, float("inf")) > first for label in due)

    def _placed(self, alignment: Alignment) -> list[TechniqueDone]:
        """This run's motions as techniques: each graded as the technique it is placed as (an extra: as the
        candidate it looks most like)."""
        out = []
        kinds = {s.done: s.kind for s in alignment.steps if s.done is not None}
        for k, motion in enumerate(self._motions):
            index = alignment.position_of(k)
            if index is None:
                label = max(motion.matches, key=lambda m: motion.matches[m])
            elif kinds.get(k) == "wrong_side":
                label = self.other_side[self.labels[index]]
            else:
                label = self.labels[index]
            key = (id(motion), label)
            if key not in self._grades:
                self._grades[key] = self.finder.grade(motion, label)
            out.append(
                TechniqueDone(self.run, index, label, None if index is None else self.labels[index], self._grades[key])
            )
        return out

    def _close(self, events: list[TechniqueDone | ComboRun]) -> None:
        """End the run in progress: reported when enough of it was done, else dropped as a false start."""
        if not self._motions:
            return
        final = align(self.labels, self._costs(), self.other_side)
        before = {s.done for s in final.of_kind("before")}
        done = [d for k, d in enumerate(self._placed(final)) if k not in before]
        placed = sum(d.index is not None for d in done)
        self._motions, self._grades = [], {}
        self._alignment = align(self.labels, [], self.other_side, prefix=True)
        if placed < self.min_placed:
            return
        run = ComboRun(
            run=self.run,
            combination=self.combo.label,
            score=self._run_score(done),
            done=tuple(done),
            missing=tuple(s.expected for s in final.of_kind("missing") if s.expected is not None),
            extra=tuple(d for d in done if d.index is None),
            swapped=tuple((s.expected, s.expected + 1) for s in final.of_kind("swap") if s.expected is not None),
            wrong_side=tuple(s.expected for s in final.of_kind("wrong_side") if s.expected is not None),
            rhythm=self._rhythm(done),
            labels=self.labels,
        )
        self.runs.append(run)
        events.append(run)
        self.run += 1

    def _run_score(self, done: list[TechniqueDone]) -> float:
        """Mean over the combination's positions of the technique done there; skipped or wrong side: 0."""
        per_position = [0.0] * len(self.labels)
        for d in done:
            if d.index is not None and d.move == d.expected:
                per_position[d.index] = d.score
        return float(np.mean(per_position))

    def _rhythm(self, done: list[TechniqueDone]) -> float | None:
        """Median ratio of the student's to the reference's start-to-start time over neighbouring positions."""
        start = {d.index: d.rep.start for d in done if d.index is not None}
        ratios = [
            (start[i + 1] - start[i]) / (self._ref_starts[i + 1] - self._ref_starts[i])
            for i in range(len(self.labels) - 1)
            if i in start and i + 1 in start and start[i + 1] > start[i]
        ]
        return float(np.median(ratios)) if ratios else None

    def summary(self) -> dict[str, object]:
        scores = [r.score for r in self.runs]
        return {
            "event": "summary",
            "combination": self.combo.label,
            "runs": len(self.runs),
            "run_scores": [round(s, 1) for s in scores],
            "mean_score": round(float(np.mean(scores)), 1) if scores else None,
            "best_score": round(float(np.max(scores)), 1) if scores else None,
        }
