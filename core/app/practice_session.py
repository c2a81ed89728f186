"""The practice in progress: source, references and engine, recorder and record clock, history; Qt-free.

The window drives it from the UI thread (open a source, choose references, record, stop) and the
pipeline thread feeds it frames through `process`; tests drive both sides on one thread. One lock guards
what both threads touch, held only for the cheap steps (engine, recorder), never for pose estimation.
Each opened source gets a new generation number: frames and signals of an older source are dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from enum import Enum

from ..app.history_combo import store_new_runs
from ..app.practice_frames import PracticeFrames
from ..app.practice_history import PracticeHistory
from ..app.practice_record import PracticeRecord, RecordPhase, RecordResult
from ..app.practice_review import KeptReps
from ..library.combination import Combination
from ..library.references import Reference
from ..match.combo import ComboFollower
from ..match.combo_engine import ComboEngine
from ..match.gestures import Command, GestureRecognizer, poses_held_by
from ..match.hold import HoldEngine
from ..match.hold_events import Hold
from ..match.live_events import Rep
from ..match.rep_arbiter import rep_label
from ..score.scoring import PreparedReference
from ..view.live_pipeline import Engine, LivePipeline, engine_for
from ..view.rep_takes import window_for

__all__ = ["PracticeSession", "RecordPhase", "RecordResult", "SourceState"]


class SourceState(Enum):
    STOPPED = "stopped"  # nothing open, or stopped by the person
    OPENING = "opening"
    RUNNING = "running"
    LOST = "lost"  # a camera stopped sending images; the capture thread is retrying
    ENDED = "ended"  # a video file reached its end


class PracticeSession(PracticeFrames):
    def __init__(self, pipeline: LivePipeline | None = None, history: PracticeHistory | None = None) -> None:
        self.pipeline = pipeline  # attached by the pipeline thread once the pose model is loaded
        self.history = history
        self.on_record_finished: Callable[[RecordResult], None] = lambda result: None  # any thread
        # Commands by held pose (core.match.gestures); None: switched off. on_command runs on the pipeline thread.
        self.gestures: GestureRecognizer | None = GestureRecognizer()
        self.on_command: Callable[[Command], None] = lambda command: None
        self._lock = threading.Lock()
        self.generation = 0
        self.state = SourceState.STOPPED
        self.source_name = ""
        self.is_camera = False
        self.fps = 30.0
        self.mirror_display = False
        self.mirror_person = False
        self.sides = "one"  # core.match.sides: practise the reference's side only, or both sides
        self.references: list[Reference] = []
        self.combination: Combination | None = None  # a combination followed instead of the references
        self._other_sides: dict[str, Reference] = {}
        self._prepared: dict[str, tuple[Reference, PreparedReference]] = {}
        self.engine: Engine | None = None
        self._rep_offset = 0  # reps counted by earlier engines of this practice (before a camera gap)
        self._time_shift = 0.0  # rep times of the current engine -> seconds since the practice began
        self._engine_t0: float | None = None
        self._practice_t0: float | None = None
        # The source generation the pose model last saw. Only the pose step reads and writes it (frames go
        # through `estimate` one at a time, in order), so it needs no lock and never waits for the engine's.
        self._pose_generation: int | None = None
        self.rep_scores: list[float] = []
        self.last_holds: list[Hold] = []  # a hold that ended with the video (waiting_reps)
        self._record = PracticeRecord()
        self.kept = KeptReps(history)  # the last reps as filmed, for review (core.app.practice_review)
        self.rep_takes = self.kept.buffer

    # -- source (UI thread) ------------------------------------------------------------------------
    def open_source(self, name: str, is_camera: bool) -> int:
        """A new source replaces the current one; returns its generation. A running Record ends first."""
        self._end_record("Recording stopped: the source changed. The take so far is kept.")
        self._end_history()
        with self._lock:
            self.generation += 1
            self.state = SourceState.OPENING
            self.source_name, self.is_camera = name, is_camera
            self._restart_practice()
        return self.generation

    def source_opened(self, generation: int, fps: float) -> bool:
        """The source (or a lost camera, again) sends images. False for an older source's late signal."""
        with self._lock:
            if generation != self.generation or self.state not in (SourceState.OPENING, SourceState.LOST):
                return False
            self.state, self.fps = SourceState.RUNNING, fps
            self._record.source_rate(fps)  # Record may have been pressed before the source said its rate
        if self.history is not None and self.references:  # nothing chosen yet: nothing to store
            self.history.begin(self.source_name, *self._practised())
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
        self._settle_combination(generation)
        self._end_history()
        return True

    def _settle_combination(self, generation: int) -> None:
        """A combination's last techniques and run are decided before its stored session ends: they belong in
        it. (The window collects `waiting_reps` before calling source_ended, so there is nothing left here; a
        caller that did not gets them stored.)"""
        if isinstance(self.engine, ComboEngine) and self.history is not None:
            for rep in self.waiting_reps(generation):
                self.history.add_rep(rep, rep_label(rep))

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
        engine = engine_for(prepared, self.mirror_person, self.sides)
        with self._lock:
            self.combination = None
            self.references = list(references)
            self._restart_practice(engine)
            recording = self._record.phase is not RecordPhase.IDLE
        self._restart_history()
        return "Still recording: the take does not depend on the reference." if recording else ""

    def choose_combination(self, combo: Combination, other_sides: dict[str, Reference]) -> None:
        """Follow a combination (core.match.combo); `other_sides`: the library's other-side moves."""
        with self._lock:
            self.combination, self._other_sides = combo, other_sides
            self.references = list(combo.techniques)
            self._restart_practice()
        self._restart_history()

    def set_gestures(self, on: bool) -> None:
        """Commands by gesture on or off; on, those whose pose the practised moves hold are off."""
        recognizer = GestureRecognizer(disabled=poses_held_by(self.references)) if on else None
        with self._lock:
            self.gestures = recognizer

    def set_sides(self, sides: str) -> None:
        """Practise one side ("one") or both ("both"): the practice starts again with the new engine."""
        self.sides = sides
        engine = self._build_engine()
        with self._lock:
            self._restart_practice(engine)
        self._restart_history()  # reps of one side and of both are not one session

    def _restart_history(self) -> None:
        """A new stored session for a new practice (none while nothing is chosen)."""
        if self.running and self.history is not None:
            self.history.end()
            if self.references:
                self.history.begin(self.source_name, *self._practised())

    def _prepare(self, ref: Reference) -> PreparedReference:
        cached = self._prepared.get(ref.label)
        if cached is None or cached[0] is not ref:  # saved again under the same label: prepare anew
            cached = self._prepared[ref.label] = (ref, PreparedReference.from_reference(ref))
        return cached[1]

    def _build_engine(self) -> Engine | None:
        if self.combination is not None:
            return ComboEngine(ComboFollower(self.combination, self.mirror_person, self._other_sides))
        return engine_for([self._prepare(r) for r in self.references], self.mirror_person, self.sides)

    def _restart_practice(self, engine: Engine | None = None) -> None:
        """Under the lock: reps, scores and times start again with a fresh engine."""
        self.engine = engine if engine is not None else self._build_engine()
        if self.gestures is not None:  # a move (or a combination's technique) holding a command's pose
            self.gestures.disabled = poses_held_by(self.references)  # must not trigger it
        self._rep_offset, self._time_shift = 0, 0.0
        self._engine_t0 = self._practice_t0 = None
        self.rep_scores = []
        self.rep_takes.window_s = window_for([r.duration for r in self.references])

    def _engine_reps(self) -> int:
        return self.engine.rep_count if self.engine is not None else 0

    def _practised(self) -> tuple[Reference | None, str | None, str | None]:
        """What a stored session is of: one reference; or a combination's name and view (as `stream --save`
        stores it); or neither (auto-detect, each rep names its move)."""
        if self.combination is not None:
            return None, self.combination.entry, self.combination.view
        return self._chosen_reference(), None, None

    def _chosen_reference(self) -> Reference | None:
        return self.references[0] if len(self.references) == 1 and self.combination is None else None

    # -- record (UI thread; core.app.practice_record) -------------------------------------------------
    def start_record(self, now: float, seconds: float) -> bool:
        """Record for `seconds` of source time; a camera counts down first. False without a source."""
        with self._lock:
            if not self.running:
                return False
            return self._record.start(now, seconds, self.source_name, self.fps, countdown=self.is_camera)

    def tick(self, now: float) -> int | None:
        """Whole seconds of countdown left (None when not counting down); at zero the recording begins."""
        with self._lock:
            return self._record.tick(now)

    def stop_record(self) -> None:
        """The person stopped Record: a countdown is cancelled, a recording delivers its take."""
        self._end_record("")

    def _end_record(self, note: str, source_note: str = "") -> None:
        with self._lock:
            result = self._record.finish(note, source_note)
        if result is not None:
            self.on_record_finished(result)

    @property
    def record_phase(self) -> RecordPhase:
        return self._record.phase

    @property
    def recording(self) -> bool:
        return self._record.phase is RecordPhase.RECORDING

    # -- reps (UI thread) --------------------------------------------------------------------------
    def rep_completed(self, generation: int, rep: Rep, label: str) -> bool:
        """Keep a completed rep's score and store it in the history; False for an older source's rep.
        An uncounted rep (the other side, core.match.sides) is shown but neither kept nor stored."""
        if generation != self.generation:
            return False
        if not rep.counted:
            return True  # done on the other side: shown with its advice, not a rep of the move
        self.rep_scores.append(rep.score)
        if self.history is not None:
            self.history.add_rep(rep, label)
            store_new_runs(self.history, self.engine)  # a combination's runs, with their techniques
        return True

    def finished_summary(self) -> str:
        """The sentence at the end of a video: its reps (or holds), or that none was found."""
        n = len(self.rep_scores)
        if self.references and all(r.kind == "hold" for r in self.references):
            holds = self.engine.holds if isinstance(self.engine, HoldEngine) else []
            if not holds:
                return "Video finished: the pose was not held long enough to count"
            longest = max(h.duration for h in holds)
            return f"Video finished: {len(holds)} hold{'s' * (len(holds) != 1)}, longest {longest:.1f} s"
        if not n and not self.references:
            return "Video finished: pick a move in the library to count and score its reps"
        if not n:
            return "Video finished: no complete rep of this move was found"
        mean, best = sum(self.rep_scores) / n, max(self.rep_scores)
        return f"Video finished: {n} rep{'s' * (n != 1)}, average {mean:.0f}, best {best:.0f}"

    def _end_history(self) -> None:
        if self.history is not None:
            store_new_runs(self.history, self.engine)
            self.history.end()

    def close(self) -> None:
        """The window closes: an unsaved recording is dropped (nothing half-written), history closed."""
        with self._lock:
            self._record.drop()
            self.generation += 1
            self.state = SourceState.STOPPED
        self._end_history()
