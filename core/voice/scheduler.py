"""When each cue is said: one at a time, a newer cue replacing a waiting one, stale ones dropped; pure logic.

Driven with the stream's time by core.voice.timeline and with the wall clock by core.voice.speaker.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .cues import Cue

GAP_S = 0.2  # silence between two cues, so they are heard as two


@dataclass
class CueScheduler:
    """A one-slot waiting room in front of the voice: cues never overlap and never queue up behind each other
    (a backlog of counts would be said long after the reps)."""

    gap_s: float = GAP_S
    busy_until: float = -math.inf
    pending: Cue | None = None

    def offer(self, cue: Cue) -> None:
        """A new cue waits for the current one; it replaces a waiting cue of no higher priority or a stale one."""
        p = self.pending
        if p is None or cue.priority >= p.priority or cue.t - p.t > p.ttl:
            self.pending = cue

    def next_due(self, now: float) -> Cue | None:
        """The cue to say now, if the voice is free; a cue that waited past its time-to-live is dropped."""
        if self.pending is None or now < self.busy_until:
            return None
        cue, self.pending = self.pending, None
        return cue if now - cue.t <= cue.ttl else None

    def started(self, now: float, duration: float) -> None:
        self.busy_until = now + duration + self.gap_s
