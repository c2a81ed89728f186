"""The practice in progress: source, references and engine, recorder and record clock, history; Qt-free.

The window drives it from the UI thread (open a source, choose references, record, stop) and the
pipeline thread feeds it frames through `process`; tests drive both sides on one thread. One lock guards
what both threads touch, held only for the cheap steps (engine, recorder), never for pose estimation.
Each opened source gets a new generation number: frames and signals of an older source are dropped.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum

import numpy as np
from numpy.typing import NDArray

from .live import LiveUpdate, Rep
from .live_pipeline import Engine, LivePipeline, ViewFrame, engine_for
from .practice_history import PracticeHistory
from .recording import RecordedTake, TakeRecorder
from .references import Reference
from .scoring import PreparedReference
from .skeleton import MEDIAPIPE33
from .sources import Frame

COUNTDOWN_SECONDS = 3.0  # a camera take starts after this, time to step back into place


class SourceState(Enum):
    STOPPED = "stopped"  # nothing open, or stopped by the person
    OPENING = "opening"
    RUNNING = "running"
    LOST = "lost"  # a camera stopped sending images; the capture thread is retrying
    ENDED = "ended"  # a video file reached its end


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


class PracticeSession:
    def __init__(self, pipeline: LivePipeline | None = None, history: PracticeHistory | None = None) -> None:
        self.pipeline = pipeline  # attached by the pipeline thread once the pose model is loaded
        self.history = history
        self.on_record_finished: Callable[[RecordResult], None] = lambda result: None  # any thread
        self._lock = threading.Lock()
        self.generation = 0
        self.state = SourceState.STOPPED
        self.source_name = ""
        self.is_camera = False
        self.fps = 30.0
        self.mirror_display = False
        self.mirror_person = False
        self.references: list[Reference] = []
        self._prepared: dict[str, tuple[Reference, PreparedReference]] = {}
        self.engine: Engine | None = None
        self._rep_offset = 0  # reps counted by earlier engines of this practice (before a camera gap)
        self._time_shift = 0.0  # rep times of the current engine -> seconds since the practice began
        self._engine_t0: float | None = None
        self._practice_t0: float | None = None
        self._reset_pose = False
        self.rep_scores: list[float] = []
        self.record_phase = RecordPhase.IDLE
        self.record_seconds = 10.0
        self._countdown_end = 0.0
        self._recorder: TakeRecorder | None = None

    # -- source (UI thread) ------------------------------------------------------------------------
    def open_source(self, name: str, is_camera: bool) -> int:
        """A new source replaces the current one; returns its generation. A running Record ends first."""
        self._end_record("Recording stopped: the source changed. The take so far is kept.")
        self._end_history()
        with self._lock:
            self.generation += 1
            self.state = SourceState.OPENING
            self.source_name, self.is_camera = name, is_camera
            self._reset_pose = True
            self._restart_practice()
        return self.generation

    def source_opened(self, generation: int, fps: float) -> bool:
        """The source (or a lost camera, again) sends images. False for an older source's late signal."""
        with self._lock:
            if generation != self.generation or self.state not in (SourceState.OPENING, SourceState.LOST):
                return False
            self.state, self.fps = SourceState.RUNNING, fps
            if self._recorder is not None and len(self._recorder) == 0:
                self._begin_recording()  # Record pressed before the source said its frame rate
        if self.history is not None:
            self.history.begin(self.source_name, self._chosen_reference())
        return True

    def source_lost(self, generation: int) -> bool:
        """The camera stopped sending images: no score may span the gap, so the engine starts afresh."""
        with self._lock:
            if generation != self.generation or self.state != SourceState.RUNNING:
                return False
            self.state = SourceState.LOST
            self._rep_offset += self._engine_reps()
            self.engine = self._build_engine()
            self._engine_t0 = None
        self._end_record("Recording stopped: the camera was lost. The take so far is kept.")
        return True

    def source_ended(self, generation: int, early: str = "") -> bool:
        """A video file ended (False for an older source's late signal); `early` says it was truncated."""
        with self._lock:
            if generation != self.generation or self.state not in (SourceState.OPENING, SourceState.RUNNING):
                return False
            self.state = SourceState.ENDED
        self._end_record("Recording stopped: the video ended.", early)
        self._end_history()
        return True

    def stop_source(self) -> None:
        """The person stopped the source (or the window closes)."""
        self._end_record("Recording stopped with the source.")
        with self._lock:
            self.generation += 1  # whatever the stopped source still delivers is late
            self.state = SourceState.STOPPED
        self._end_history()

    def shows(self, generation: int) -> bool:
        """Whether output of source `generation` belongs on screen now (not an older source, not a gap).

        An ended video's last frames may still be on their way through the pipeline: they count.
        """
        live = (SourceState.OPENING, SourceState.RUNNING, SourceState.ENDED)
        return generation == self.generation and self.state in live

    @property
    def running(self) -> bool:
        return self.state in (SourceState.OPENING, SourceState.RUNNING, SourceState.LOST)

    # -- references (UI thread) --------------------------------------------------------------------
    def choose_references(self, references: list[Reference]) -> str:
        """Follow `references` (one: that move; several: auto-detect). Returns a note for the person, or ''.

        Preparing a reference may fail (a damaged file); the exception reaches the caller and the
        practice keeps its previous engine.
        """
        prepared = [self._prepare(r) for r in references]
        engine = engine_for(prepared, self.mirror_person)
        with self._lock:
            self.references = list(references)
            self._restart_practice(engine)
            recording = self.record_phase is not RecordPhase.IDLE
        if self.running and self.history is not None:
            self.history.end()
            self.history.begin(self.source_name, self._chosen_reference())
        return "Still recording: the take does not depend on the reference." if recording else ""

    def _prepare(self, ref: Reference) -> PreparedReference:
        cached = self._prepared.get(ref.label)
        if cached is None or cached[0] is not ref:  # saved again under the same label: prepare anew
            cached = self._prepared[ref.label] = (ref, PreparedReference.from_reference(ref))
        return cached[1]

    def _build_engine(self) -> Engine | None:
        return engine_for([self._prepare(r) for r in self.references], self.mirror_person)

    def _restart_practice(self, engine: Engine | None = None) -> None:
        """Under the lock: reps, scores and times start again with a fresh engine."""
        self.engine = engine if engine is not None else self._build_engine()
        self._rep_offset, self._time_shift = 0, 0.0
        self._engine_t0 = self._practice_t0 = None
        self.rep_scores = []

    def _engine_reps(self) -> int:
        return self.engine.rep_count if self.engine is not None else 0

    def _chosen_reference(self) -> Reference | None:
        return self.references[0] if len(self.references) == 1 else None

    # -- record (UI thread) ------------------------------------------------------------------------
    def start_record(self, now: float, seconds: float) -> bool:
        """Record for `seconds` of source time; a camera counts down first. False without a source."""
        with self._lock:
            if self.record_phase is not RecordPhase.IDLE or not self.running:
                return False
            self.record_seconds = seconds
            if self.is_camera:
                self.record_phase, self._countdown_end = RecordPhase.COUNTDOWN, now + COUNTDOWN_SECONDS
            else:
                self._begin_recording()
        return True

    def tick(self, now: float) -> int | None:
        """Whole seconds of countdown left (None when not counting down); at zero the recording begins."""
        with self._lock:
            if self.record_phase is not RecordPhase.COUNTDOWN:
                return None
            left = math.ceil(self._countdown_end - now - 1e-9)
            if left > 0:
                return left
            self._begin_recording()
            return None

    def stop_record(self) -> None:
        """The person stopped Record: a countdown is cancelled, a recording delivers its take."""
        self._end_record("")

    def _begin_recording(self) -> None:
        self.record_phase = RecordPhase.RECORDING
        self._recorder = TakeRecorder(self.source_name, self.fps, max_seconds=self.record_seconds + 1.0)

    def _end_record(self, note: str, source_note: str = "") -> None:
        with self._lock:
            result = self._finish_record_locked(note, source_note)
        if result is not None:
            self.on_record_finished(result)

    def _finish_record_locked(self, note: str, source_note: str = "") -> RecordResult | None:
        phase, recorder = self.record_phase, self._recorder
        self.record_phase, self._recorder = RecordPhase.IDLE, None
        if phase is RecordPhase.RECORDING and recorder is not None:
            return RecordResult(recorder.finish(), note, source_note)
        return None

    @property
    def recording(self) -> bool:
        return self.record_phase is RecordPhase.RECORDING

    # -- frames (pipeline thread) ------------------------------------------------------------------
    def process(self, frame: Frame) -> ViewFrame | None:
        """Pose, engine, recorder, drawing for one frame; None for a frame of an older or paused source."""
        pipeline = self.pipeline
        if pipeline is None:
            raise RuntimeError("the practice session has no pipeline yet (the pose model is loading)")
        with self._lock:
            if not self._accepts(frame):
                return None
            reset, self._reset_pose = self._reset_pose, False
        if reset:
            pipeline.reset()
        est = pipeline.estimate(frame)
        finished: RecordResult | None = None
        with self._lock:
            if not self._accepts(frame):
                return None
            engine = self.engine
            update = self._push(engine, est.keypoints, frame.t)
            recording = None
            if self._recorder is not None:
                self._recorder.add(frame.t, frame.image, est.keypoints)
                recording = self._recorder.elapsed
                if recording >= self.record_seconds - 0.5 / self.fps or self._recorder.full:
                    finished = self._finish_record_locked(f"Recorded {self.record_seconds:.0f} s.")
            mirror = self.mirror_display
        if finished is not None:
            self.on_record_finished(finished)
        return pipeline.draw(frame, est, update, engine, recording, mirror)

    def _accepts(self, frame: Frame) -> bool:
        return self.shows(frame.generation)

    def _push(self, engine: Engine | None, keypoints: NDArray[np.float32] | None, t: float) -> LiveUpdate | None:
        if engine is None:
            return None
        if self._practice_t0 is None:
            self._practice_t0 = t
        if self._engine_t0 is None:
            self._engine_t0 = t
            self._time_shift = t - self._practice_t0
        update = engine.push(keypoints, t, MEDIAPIPE33)
        if self._rep_offset == 0 and self._time_shift == 0.0:
            return update
        rep = update.new_rep
        if rep is not None:  # numbered and timed within the whole practice, across camera gaps
            shift = self._time_shift
            rep = replace(rep, index=rep.index + self._rep_offset, start=rep.start + shift, end=rep.end + shift)
        return replace(update, rep_count=update.rep_count + self._rep_offset, new_rep=rep)

    # -- reps (UI thread) --------------------------------------------------------------------------
    def rep_completed(self, generation: int, rep: Rep, label: str) -> bool:
        """Keep a completed rep's score and store it in the history; False for an older source's rep."""
        if generation != self.generation:
            return False
        self.rep_scores.append(rep.score)
        if self.history is not None:
            self.history.add_rep(rep, label)
        return True

    def _end_history(self) -> None:
        if self.history is not None:
            self.history.end()

    def close(self) -> None:
        """The window closes: an unsaved recording is dropped (nothing half-written), history closed."""
        with self._lock:
            self.record_phase, self._recorder = RecordPhase.IDLE, None
            self.generation += 1
            self.state = SourceState.STOPPED
        self._end_history()
