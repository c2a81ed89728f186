"""`stream --speech FILE.wav`: the session's spoken cues placed on the stream's timeline; main thread.

What the user would have heard, and when: the headless test of the whole voice path (policy, scheduler,
engine) and a track a video can be muxed with.
"""

from __future__ import annotations

import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from .cues import Cue
from .scheduler import CueScheduler
from .synth import Synthesiser


@dataclass(frozen=True)
class Spoken:
    """A cue as said: from `start` seconds on the stream's timeline, `samples` long."""

    start: float
    cue: Cue
    samples: NDArray[np.int16]

    def as_dict(self, rate: int) -> dict[str, object]:
        return self.cue.as_dict() | {"start": round(self.start, 3), "duration": round(len(self.samples) / rate, 3)}


@dataclass
class SpeechTimeline:
    """Cues offered at stream times, said one at a time as the scheduler allows."""

    synth: Synthesiser
    scheduler: CueScheduler = field(default_factory=CueScheduler)
    spoken: list[Spoken] = field(default_factory=list)

    def push(self, cues: list[Cue], now: float) -> Spoken | None:
        """Offer the cues raised at `now`; returns the cue that starts now, if one does."""
        for cue in cues:
            self.scheduler.offer(cue)
        due = self.scheduler.next_due(now)
        if due is None:
            return None
        samples = self.synth.pcm(due.text)
        self.scheduler.started(now, len(samples) / self.synth.sample_rate)
        self.spoken.append(Spoken(now, due, samples))
        return self.spoken[-1]

    def finish(self, cues: list[Cue], now: float) -> list[Spoken]:
        """The end of the stream: the last cues are said as soon as the voice is free."""
        out = []
        for cue in cues:
            self.scheduler.offer(cue)
            said = self.push([], max(now, self.scheduler.busy_until))
            if said is not None:
                out.append(said)
        return out

    def write(self, path: str | Path, duration: float) -> None:
        """One mono 16-bit WAV at the engine's rate, `duration` long or up to the end of the last cue."""
        rate = self.synth.sample_rate
        end = max([duration] + [s.start + len(s.samples) / rate for s in self.spoken])
        track = np.zeros(int(np.ceil(end * rate)) + 1, np.int32)
        for s in self.spoken:
            k = int(round(s.start * rate))
            track[k : k + len(s.samples)] += s.samples
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(np.clip(track, -32768, 32767).astype("<i2").tobytes())
