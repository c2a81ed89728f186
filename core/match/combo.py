"""Follow a combination live: find each technique, place it in the expected order, judge each run; pipeline thread.

Finding techniques: one per motion between rests, named by person-independent recognition among the
combination's techniques and graded against its own reference like a technique performed alone, with its
part feedback and strike metrics (core.match.technique_finder). Following every technique with its own live
engine and keeping their reps (auto-detect) was tried first: across people it found one low kick as a cross
plus a hook and a straight twice, so runs broke into pieces (bench/combo.py, README). The live engines still
run, for the display only: the live score and the ghost of the technique expected now. Placing techniques is
an edit-distance alignment of the labels found so far to the combination (core.match.combo_align), redone on
every technique: a run is short.

A run ends when every technique of the combination was done, when the first technique starts again (and is
not the one expected next: "jab, jab, cross" repeats it), or after a pause of RUN_PAUSE_S. When the library
holds the other side's version of a one-sided technique, that is followed too, so a left hook where the
right one was due is named as the wrong side rather than as one technique skipped and another extra.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..library.combination import Combination
from ..library.references import Reference
from ..match.auto_detect import rep_label
from ..match.combo_align import Alignment, align
from ..match.combo_events import ComboProgress, ComboRun, ComboUpdate, TechniqueDone
from ..match.live import LiveEngine
from ..match.live_events import Rep
from ..match.technique_finder import TechniqueFinder
from ..pose.skeleton import COCO17, MEDIAPIPE33, to_coco17
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
        self.engines = {p.reference.label: LiveEngine(p, mirror) for p in prepared}
        self.finder = TechniqueFinder(prepared, mirror)
        self._t0: float | None = None
        self._now = 0.0
        self._ref_starts = combo.start_times()
        self.pause_s = max(RUN_PAUSE_S, 2 * max(combo.gaps, default=0.0))
        self.run = 1
        self.runs: list[ComboRun] = []
        self._done: list[TechniqueDone] = []  # this run's techniques, in the order found
        self._alignment = align(self.labels, [], self.other_side, prefix=True)

    @property
    def position(self) -> int:
        return min(self._alignment.reached, len(self.labels))

    def push(self, keypoints: NDArray[Any] | None, t: float, skeleton: str = MEDIAPIPE33) -> ComboUpdate:
        if self._t0 is None:
            self._t0 = t
        now = self._now = t - self._t0
        # Converted once: every engine and the finder take COCO-17.
        coco = None if keypoints is None else to_coco17(np.asarray(keypoints, np.float32)[None], skeleton)[0]
        updates = {label: e.push(coco, t, COCO17) for label, e in self.engines.items()}
        techniques: list[TechniqueDone] = []
        runs: list[ComboRun] = []
        for found in self.finder.push(coco, now, self.expected):
            self._take(found.rep, techniques, runs)
        if self._done and now - self._done[-1].rep.end > self.pause_s:
            runs.append(self._close())
        live = replace(updates[self.expected], new_rep=None, rep_count=sum(r.run > 0 for r in self.runs))
        return ComboUpdate(live, self.progress(), tuple(techniques), tuple(runs))

    @property
    def expected(self) -> str:
        """The technique due now (the first one again once a run is complete)."""
        return self.labels[self.position] if self.position < len(self.labels) else self.labels[0]

    def finish(self) -> tuple[list[TechniqueDone], list[ComboRun]]:
        """The source ended: the techniques still waiting are placed and the run in progress is closed."""
        techniques: list[TechniqueDone] = []
        runs: list[ComboRun] = []
        for found in self.finder.finish(self.expected):
            self._take(found.rep, techniques, runs)
        if self._done:
            runs.append(self._close())
        return techniques, runs

    def progress(self) -> ComboProgress:
        scores: list[float | None] = [None] * len(self.labels)
        for d in self._done:
            if d.index is not None and d.expected == d.move:
                scores[d.index] = d.score
        last = self.runs[-1] if self.runs else None
        return ComboProgress(self.labels, self.position, tuple(scores), self.run, len(self.runs), last)

    # -- placing techniques -------------------------------------------------------------------------
    def _take(self, rep: Rep, techniques: list[TechniqueDone], runs: list[ComboRun]) -> None:
        label = rep_label(rep)
        if self._done and (self._restarts(label) or rep.start - self._done[-1].rep.end > self.pause_s):
            runs.append(self._close())
        found = [*(d.move for d in self._done), label]
        self._alignment = align(self.labels, found, self.other_side, prefix=True)
        # Earlier techniques may move (a skip read live becomes a swap): every one is placed again.
        self._done = [self._placed(d.rep, k) for k, d in enumerate(self._done)]
        self._done.append(self._placed(rep, len(self._done)))
        techniques.append(self._done[-1])
        if self._complete():
            runs.append(self._close())

    def _placed(self, rep: Rep, k: int) -> TechniqueDone:
        index = self._alignment.position_of(k)
        return TechniqueDone(self.run, index, rep_label(rep), None if index is None else self.labels[index], rep)

    def _restarts(self, label: str) -> bool:
        """The first technique again, where the combination does not expect it next."""
        pos = self.position
        return label == self.labels[0] and not (pos < len(self.labels) and self.labels[pos] == label)

    def _complete(self) -> bool:
        placed = {d.index for d in self._done if d.index is not None}
        return len(placed) == len(self.labels)

    def _close(self) -> ComboRun:
        done = self._done
        final = align(self.labels, [d.move for d in done], self.other_side)
        done = [
            TechniqueDone(self.run, i, d.move, None if i is None else self.labels[i], d.rep)
            for d, i in ((d, final.position_of(k)) for k, d in enumerate(done))
        ]
        run = ComboRun(
            run=self.run,
            combination=self.combo.label,
            score=self._run_score(done, final),
            done=tuple(done),
            missing=tuple(s.expected for s in final.of_kind("missing") if s.expected is not None),
            extra=tuple(d for d in done if d.index is None),
            swapped=tuple((s.expected, s.expected + 1) for s in final.of_kind("swap") if s.expected is not None),
            wrong_side=tuple(s.expected for s in final.of_kind("wrong_side") if s.expected is not None),
            rhythm=self._rhythm(done),
            labels=self.labels,
        )
        self.runs.append(run)
        self.run += 1
        self._done = []
        self._alignment = align(self.labels, [], self.other_side, prefix=True)
        return run

    def _run_score(self, done: list[TechniqueDone], final: Alignment) -> float:
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
