"""The app's voice: a thread that says cues one at a time, so speech never stalls the frame loop.

`say` (any thread) only puts the cue in a bounded queue; the speaker thread stamps it with the wall clock,
lets core.voice.scheduler choose what to say when the voice is free, synthesises (cached) and plays it.
The engine and the audio device open on the first cue (the window starts no slower); if either is
missing, `on_note` hears one sentence and the speaker goes on silently.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from .cues import Cue
from .scheduler import CueScheduler
from .synth import Synthesiser, VoiceUnavailable, load_synth

QUEUE_SIZE = 8  # cues not yet looked at: the scheduler keeps one of them; a flood is dropped, never backlogged


class Sink(Protocol):
    def play(self, samples: NDArray[np.int16], rate: int, volume: float) -> None:
        """Blocks until the samples have been played."""
        ...


def default_sink() -> Sink:
    """The audio device; POSECOACH_AUDIO=off keeps everything but the sound (the test suite sets it)."""
    from .audio_out import AudioUnavailable, SoundDeviceSink

    if os.environ.get("POSECOACH_AUDIO", "").lower() == "off":
        raise AudioUnavailable("audio output switched off (POSECOACH_AUDIO=off)")
    return SoundDeviceSink()


class Speaker:
    """Owns the speaker thread; `say`, `muted`, `volume` and `close` are for the caller's thread."""

    def __init__(
        self,
        on_note: Callable[[str], None] = lambda _: None,
        synth: Callable[[], Synthesiser] = load_synth,
        sink: Callable[[], Sink] = default_sink,
    ) -> None:
        self.on_note = on_note
        self.muted = False
        self.volume = 1.0
        self.said: deque[tuple[float, float, Cue]] = deque(maxlen=64)  # (offered, started, cue); benches, tests
        self._make_synth, self._make_sink = synth, sink
        # A cue; a tuple of phrases to prepare (warm_up); None: stop.
        self._queue: queue.Queue[Cue | tuple[str, ...] | None] = queue.Queue(QUEUE_SIZE)
        self._thread = threading.Thread(target=self._run, name="speaker", daemon=True)
        self._thread.start()

    def say(self, cue: Cue) -> None:
        """Never blocks: a full queue drops the cue (the voice is far behind; newer cues follow)."""
        if self.muted:
            return
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(replace(cue, t=time.monotonic()))

    def warm_up(self, phrases: tuple[str, ...]) -> None:
        """Load the engine and the audio device now and synthesise `phrases` (the countdown must be punctual);
        a missing engine or device is said now rather than at the first cue."""
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(phrases)

    def close(self, timeout: float = 2.0) -> None:
        try:
            self._queue.put(None, timeout=timeout)
        except queue.Full:
            return
        self._thread.join(timeout)

    def _run(self) -> None:
        scheduler = CueScheduler()
        engine: tuple[Synthesiser, Sink] | None = None
        silent = False  # the engine or the device is missing: said once, then cues are dropped
        while True:
            cues: list[Cue | tuple[str, ...] | None] = []
            with contextlib.suppress(queue.Empty):
                # Wait for a new cue, or (one is waiting) only until the voice is free to say it.
                wait = None if scheduler.pending is None else max(0.001, scheduler.busy_until - time.monotonic())
                cues.append(self._queue.get(timeout=wait))
                while True:  # everything that arrived while a cue was said: the newest replaces the older
                    cues.append(self._queue.get_nowait())
            if None in cues:
                return
            warm = [p for item in cues if isinstance(item, tuple) for p in item]
            for cue in cues:
                if isinstance(cue, Cue):
                    scheduler.offer(cue)
            due = scheduler.next_due(time.monotonic())
            if (due is None and not warm) or silent or self.muted:
                continue
            try:
                if engine is None:  # the device first: without one, the engine is not worth loading
                    sink = self._make_sink()
                    engine = (self._make_synth(), sink)
                synth, sink = engine
                for phrase in warm:
                    synth.pcm(phrase)
                if due is None:
                    continue
                samples = synth.pcm(due.text)
                started = time.monotonic()
                self.said.append((due.t, started, due))
                scheduler.started(started, 0.0)  # play() returns when the cue has been heard
                sink.play(samples, synth.sample_rate, self.volume)
                scheduler.started(time.monotonic(), 0.0)
            except VoiceUnavailable as exc:
                silent = True
                self.on_note(f"Voice off: {exc}")
            except Exception as exc:  # noqa: BLE001 - a speech fault must never end the session
                silent = True
                self.on_note(f"Voice off after an error: {exc}")
