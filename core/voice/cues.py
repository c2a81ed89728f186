"""Which live events become spoken cues (counts, scores, one persistent correction, hold time); pure logic.

Runs where the live updates arrive (the stream loop, the window's thread); what is said when is decided by
core.voice.scheduler, so two cues never overlap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..match.combo_events import ComboRun
from ..match.live_events import LiveUpdate, Rep
from .phrases import (
    COMMAND_PHRASES,
    correction_phrase,
    count_phrase,
    number_words,
    run_phrase,
    seconds_phrase,
    summary_phrase,
)

VERBOSITIES = ("counts", "corrections")  # counts only (and scores), or counts and corrections

# A pending cue is replaced by a newer one of at least its priority; a countdown or summary outranks a count,
# a count outranks a correction (the next rep will say its own).
PRIORITY = {"correction": 1, "hold": 2, "count": 3, "run": 4, "command": 4, "countdown": 5, "summary": 5}
# Seconds after which a cue that could not be said yet is stale and dropped: "seven" said two reps later
# would be wrong, a correction said after the person changed is confusing.
TTL = {"correction": 1.5, "hold": 1.0, "count": 2.5, "run": 5.0, "command": 2.0, "countdown": 0.9, "summary": 30.0}
HOLD_MARK_S = 5  # a running hold says its time every 5 s ("ten seconds")


@dataclass(frozen=True)
class Cue:
    """One thing to say: raised at `t` (the caller's clock, seconds), `kind` one of PRIORITY."""

    t: float
    text: str
    kind: str

    @property
    def priority(self) -> int:
        return PRIORITY[self.kind]

    @property
    def ttl(self) -> float:
        return TTL[self.kind]

    def as_dict(self) -> dict[str, object]:
        return {"event": "cue", "t": round(self.t, 3), "kind": self.kind, "text": self.text}


@dataclass
class CorrectionTimer:
    """A correction is said once it has stayed the top advice for `persist_s`, and again only after it stayed
    true `repeat_s` more; it goes quiet the moment the advice changes or the move is done well."""

    persist_s: float = 1.0
    repeat_s: float = 8.0
    message: str | None = None
    since: float = 0.0
    said_at: float | None = None

    def update(self, message: str | None, t: float) -> str | None:
        if message != self.message:
            self.message, self.since, self.said_at = message, t, None
        if message is None:
            return None
        if self.said_at is None and t - self.since >= self.persist_s:
            self.said_at = t
            return message
        if self.said_at is not None and t - self.said_at >= self.repeat_s:
            self.said_at = t
            return message
        return None


@dataclass
class CuePolicy:
    """Turns each frame's LiveUpdate into cues; also the cues of the app's own events (countdown, commands)."""

    verbosity: str = "corrections"
    corrections: CorrectionTimer = field(default_factory=CorrectionTimer)
    hold_mark: int = 0  # the last 5 s mark said in the running hold
    holds_said: int = 0  # completed holds announced

    def on_update(self, u: LiveUpdate, reps: bool = True) -> list[Cue]:
        """reps=False: the caller hands completed reps to on_rep itself (the window gets each rep once)."""
        cues = [] if u.new_rep is None or not reps else self.on_rep(u.new_rep, u.t)
        if u.hold is not None:
            mark = int(u.hold.held // HOLD_MARK_S) * HOLD_MARK_S if u.hold.holding else 0
            if mark > self.hold_mark:
                cues.append(Cue(u.t, seconds_phrase(mark), "hold"))
            self.hold_mark = mark
        # By the completed-hold count, not `new_hold` (one frame): the app samples the updates (about 10 a second).
        if u.hold is not None:
            if u.hold.holds < self.holds_said:
                self.holds_said = 0  # a new practice counts from zero
            if u.hold.holds > self.holds_said and u.hold.last is not None:
                self.holds_said = u.hold.holds
                held = round(u.hold.last.end - u.hold.last.start)
                cues.append(Cue(u.t, f"Held {number_words(held)} second{'' if held == 1 else 's'}.", "count"))
        top = None
        if self.verbosity == "corrections" and u.status == "ok" and u.feedback:
            top = max(u.feedback, key=lambda f: f.severity).message
        said = self.corrections.update(top, u.t)
        if said is not None and not cues:  # a count or hold time goes first; the correction waits its turn
            cues.append(Cue(u.t, correction_phrase(said), "correction"))
        return cues

    def on_rep(self, rep: Rep, t: float) -> list[Cue]:
        """A completed rep: its number and score; a rep on the other side says which side to use."""
        if rep.counted:
            return [Cue(t, count_phrase(rep.index, rep.score), "count")]
        return [Cue(t, correction_phrase(rep.feedback[0].message), "correction")] if rep.feedback else []

    def on_run(self, run: ComboRun, t: float) -> Cue:
        """A combination run done: its score and what went wrong in it (it outranks its last technique's count)."""
        return Cue(t, run_phrase(run), "run")

    def countdown(self, seconds_left: int, t: float) -> Cue:
        return Cue(t, number_words(seconds_left).capitalize() + ".", "countdown")

    def command(self, name: str, t: float) -> Cue | None:
        text = COMMAND_PHRASES.get(name, "")
        return Cue(t, text, "command") if text else None

    def summary(self, summary: dict[str, object], t: float) -> Cue:
        """The end of a set from a `summary` event (core.match.live_events.rep_summary)."""
        reps = summary.get("reps")
        best, mean = summary.get("best_score"), summary.get("mean_score")
        return Cue(
            t,
            summary_phrase(
                reps if isinstance(reps, int) else 0,
                best if isinstance(best, float | int) else None,
                mean if isinstance(mean, float | int) else None,
            ),
            "summary",
        )
