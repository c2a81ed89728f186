"""What the combination follower reports: each technique as it is done, each run as it ends; pipeline thread.

Plain frozen data (no numpy) shared by the CLI's JSON events, the history store and the window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..library.labels import move_of
from ..match.live_events import LiveUpdate, Rep


@dataclass(frozen=True)
class TechniqueDone:
    """One technique found in the stream, placed in the combination: `index` is its position (None: extra)."""

    run: int
    index: int | None
    move: str  # the technique's 'move - view' label as detected
    expected: str | None  # the label expected at `index` (differs from `move` for a wrong side)
    rep: Rep

    @property
    def score(self) -> float:
        return self.rep.score

    def as_dict(self) -> dict[str, object]:
        rep = self.rep.as_dict()
        keep = ("parts", "feedback", "tempo", "side", "peak_speed", "speed_ratio", "extension", "return_time")
        return {
            "event": "technique",
            "run": self.run,
            "index": self.index,
            "move": self.move,
            "expected": self.expected,
            "score": round(self.score, 1),
            "start": round(self.rep.start, 3),
            "end": round(self.rep.end, 3),
        } | {k: rep[k] for k in keep if k in rep}


@dataclass(frozen=True)
class RunProblem:
    """One thing wrong in a run: a position skipped or done with the wrong side (`label` expected there), or
    two neighbouring positions swapped. Positions count from 0."""

    kind: str  # "skipped", "swapped" or "wrong_side"
    positions: tuple[int, ...]
    label: str | None = None

    def text(self, name: Callable[[str], str], number: Callable[[int], str]) -> str:
        """In a few lower-case words ("skipped jab", "swapped 2 and 3", "wrong side: cross"), with the move's
        `name` and position `number` (1-based) worded as the caller says them."""
        if self.kind == "swapped":
            a, b = self.positions
            return f"swapped {number(a + 1)} and {number(b + 1)}"
        what = "skipped" if self.kind == "skipped" else "wrong side:"
        return f"{what} {name(self.label or '')}"


@dataclass(frozen=True)
class ComboRun:
    """One performance of the whole combination, judged against its order."""

    run: int
    combination: str
    score: float  # mean over the combination's positions; a skipped or wrong-side technique counts 0
    done: tuple[TechniqueDone, ...]  # in the order done
    missing: tuple[int, ...]  # positions skipped
    extra: tuple[TechniqueDone, ...]
    swapped: tuple[tuple[int, int], ...]  # neighbouring positions done in each other's place
    wrong_side: tuple[int, ...]  # positions done with the other side's technique
    rhythm: float | None  # median of (student's / reference's) time between consecutive techniques' starts
    labels: tuple[str, ...]  # the combination's labels, for reading `missing` and `wrong_side`

    @property
    def order_ok(self) -> bool:
        return not self.swapped

    @property
    def problems(self) -> tuple[RunProblem, ...]:
        """What went wrong, in the order a coach says it (skipped, swapped, wrong side): the sequence bar and
        the voice word it each their own way."""
        out = [RunProblem("skipped", (i,), self.labels[i]) for i in self.missing]
        out += [RunProblem("swapped", (a, b)) for a, b in self.swapped]
        out += [RunProblem("wrong_side", (i,), self.labels[i]) for i in self.wrong_side]
        return tuple(out)

    @property
    def start(self) -> float:
        return min((d.rep.start for d in self.done), default=0.0)

    @property
    def end(self) -> float:
        return max((d.rep.end for d in self.done), default=0.0)

    def as_dict(self) -> dict[str, object]:
        return {
            "event": "combo",
            "run": self.run,
            "combination": self.combination,
            "score": round(self.score, 1),
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "done": [{"index": d.index, "move": d.move, "score": round(d.score, 1)} for d in self.done],
            "missing": [{"index": i, "move": self.labels[i]} for i in self.missing],
            "extra": [{"move": d.move, "start": round(d.rep.start, 3)} for d in self.extra],
            "swapped": [list(pair) for pair in self.swapped],
            "wrong_side": [{"index": i, "expected": self.labels[i]} for i in self.wrong_side],
            "order_ok": self.order_ok,
            "rhythm": None if self.rhythm is None else round(self.rhythm, 3),
        }


@dataclass(frozen=True)
class ComboProgress:
    """Where the student is in the combination now: what the sequence bar shows."""

    labels: tuple[str, ...]
    position: int  # the technique expected now (== len(labels) once every one is done)
    scores: tuple[float | None, ...]  # per position: the score of this run's technique done there, or None
    run: int  # the number of the run in progress (1-based)
    runs_done: int
    last_run: ComboRun | None = None

    @property
    def current(self) -> str | None:
        return self.labels[self.position] if self.position < len(self.labels) else None

    @property
    def next(self) -> str | None:
        return self.labels[self.position + 1] if self.position + 1 < len(self.labels) else None

    @property
    def now_line(self) -> str:
        """What the student does now, as the bar, the presentation and a rendered video say it."""
        return f"Now: {move_of(self.current)}" if self.current else "Done: start again"


@dataclass(frozen=True)
class ComboUpdate:
    """One frame: the live update of the expected technique's engine (score, ghost), the sequence, events."""

    live: LiveUpdate
    progress: ComboProgress
    events: tuple[TechniqueDone | ComboRun, ...] = ()  # in the order they happened

    @property
    def techniques(self) -> tuple[TechniqueDone, ...]:
        return tuple(e for e in self.events if isinstance(e, TechniqueDone))

    @property
    def runs(self) -> tuple[ComboRun, ...]:
        return tuple(e for e in self.events if isinstance(e, ComboRun))
