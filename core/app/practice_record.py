"""Record within a practice: idle -> countdown (camera) -> recording -> a take; the clock is the source's.

Not thread-safe by itself: core.app.practice_session calls it under its lock, from the UI thread (start,
tick, finish) and from the pipeline thread (add). The set duration is measured in the source's own time,
so a video that plays slower than real time (a busy laptop) still records the span that was asked for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..library.recording import RecordedTake, TakeRecorder

COUNTDOWN_SECONDS = 3.0  # a camera take starts after this, time to step back into place


class RecordPhase(Enum):
    IDLE = "idle"
    COUNTDOWN = "countdown"
    RECORDING = "recording"


@dataclass(frozen=True)
class RecordResult:
    """A finished Record: the take (None when no frame came) and why it ended, for the person."""

    take: RecordedTake | None
    note: str = ""
    source_note: str = ""  # what the Record dialog must say about the take (a video file that ended early)


class PracticeRecord:
    def __init__(self) -> None:
        self.phase = RecordPhase.IDLE
        self.seconds = 10.0
        self.source = ""
        self.fps = 30.0
        self._countdown_end = 0.0
        self._recorder: TakeRecorder | None = None

    def start(self, now: float, seconds: float, source: str, fps: float, countdown: bool) -> bool:
        """Record `seconds` of `source`; with `countdown` (a camera) after COUNTDOWN_SECONDS. False if busy."""
        if self.phase is not RecordPhase.IDLE:
            return False
        self.seconds, self.source, self.fps = seconds, source, fps
        if countdown:
            self.phase, self._countdown_end = RecordPhase.COUNTDOWN, now + COUNTDOWN_SECONDS
        else:
            self._begin()
        return True

    def tick(self, now: float) -> int | None:
        """Whole seconds of countdown left (None when not counting down); at zero the recording begins."""
        if self.phase is not RecordPhase.COUNTDOWN:
            return None
        left = math.ceil(self._countdown_end - now - 1e-9)
        if left > 0:
            return left
        self._begin()
        return None

    def source_rate(self, fps: float) -> None:
        """The source said its frame rate: a recording that has no frame yet takes it."""
        self.fps = fps
        if self._recorder is not None and len(self._recorder) == 0:
            self._begin()

    def _begin(self) -> None:
        self.phase = RecordPhase.RECORDING
        self._recorder = TakeRecorder(self.source, self.fps, max_seconds=self.seconds + 1.0)

    def add(
        self, t: float, image: NDArray[np.uint8], keypoints: NDArray[Any] | None, world: NDArray[Any] | None = None
    ) -> RecordResult | None:
        """One frame while recording (world: its world landmarks, or None); the result once the set time (of the
        source) is recorded."""
        if self._recorder is None:
            return None
        self._recorder.add(t, image, keypoints, world)
        if self._recorder.elapsed >= self.seconds - 0.5 / self.fps or self._recorder.full:
            return self.finish(f"Recorded {self.seconds:.0f} s.")
        return None

    @property
    def elapsed(self) -> float | None:
        """Seconds recorded so far, None when not recording."""
        return self._recorder.elapsed if self._recorder is not None else None

    def finish(self, note: str, source_note: str = "") -> RecordResult | None:
        """End Record: a countdown is cancelled (None), a recording gives its take."""
        phase, recorder = self.phase, self._recorder
        self.phase, self._recorder = RecordPhase.IDLE, None
        if phase is RecordPhase.RECORDING and recorder is not None:
            return RecordResult(recorder.finish(), note, source_note)
        return None

    def drop(self) -> None:
        """The window closes: an unsaved recording is dropped, nothing is written."""
        self.phase, self._recorder = RecordPhase.IDLE, None
