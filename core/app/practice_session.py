"""The practice in progress: source, references and engine, recorder and record clock, history; Qt-free.

The window drives it from the UI thread (open a source, choose references, record, stop) and the
pipeline thread feeds it frames through `process`; tests drive both sides on one thread. One lock guards
what both threads touch, held only for the cheap steps (engine, recorder), never for pose estimation.
Each opened source gets a new generation number: frames and signals of an older source are dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from enum import Enum

import numpy as np
from numpy.typing import NDArray

from ..app.history_combo import store_new_runs
from ..app.practice_history import PracticeHistory
from ..app.practice_record import PracticeRecord, RecordPhase, RecordResult
from ..frame.sources import Frame
from ..library.combination import Combination
from ..library.labels import format_label
from ..library.references import Reference
from ..match.auto_detect import rep_label
from ..match.combo import ComboFollower
from ..match.combo_engine import ComboEngine
from ..match.gestures import Command, GestureRecognizer, poses_held_by
from ..match.hold import HoldEngine
from ..match.hold_events import Hold
from ..match.live_events import LiveUpdate, Rep
from ..pose.skeleton import MEDIAPIPE33
from ..score.scoring import PreparedReference
from ..view.live_pipeline import Engine, Estimate, LivePipeline, ViewFrame, engine_for
from ..view.rep_takes import RepTakeBuffer, window_for
from ..view.review_store import save_takes, takes_path

__all__ = ["PracticeSession", "RecordPhase", "RecordResult", "SourceState"]


class SourceState(Enum):
    STOPPED = "stopped"  # nothing open, or stopped by the person
    OPENING = "opening"
    RUNNING = "running"
    LOST = "lost"  # a camera stopped sending images; the capture thread is retrying
    ENDED = "ended"  # a video file reached its end


class PracticeSession:
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
        self._settled: list[Rep] | None = None  # a combination's last techniques, decided at the video's end
        self._record = PracticeRecord()
        self.rep_takes = RepTakeBuffer()  # the last reps as filmed, for review (core.view.rep_takes)
        self._take_session: dict[int, int | None] = {}  # id(RepTake) -> the stored session it belongs to
        if history is not None:
            history.on_ending = self._save_takes

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
        self._settle_combination(generation)
        self._end_history()
        return True

    def _settle_combination(self, generation: int) -> None:
        """A combination's last techniques and run are decided before its stored session ends: they belong in
        it (`waiting_reps` hands the techniques to the window afterwards)."""
        if isinstance(self.engine, ComboEngine):
            self._settled = self.waiting_reps(generation)
            if self.history is not None:
                for rep in self._settled:
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
        held = poses_held_by(references)
        with self._lock:
            self.combination = None
            self.references = list(references)
            if self.gestures is not None:
                self.gestures.disabled = held  # a move that holds a command's pose must not trigger it
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
                self.history.begin(self.source_name, self._chosen_reference())

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
        self._rep_offset, self._time_shift = 0, 0.0
        self._engine_t0 = self._practice_t0 = None
        self.rep_scores = []
        self.rep_takes.window_s = window_for([r.duration for r in self.references])

    def _engine_reps(self) -> int:
        return self.engine.rep_count if self.engine is not None else 0

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

    # -- frames (pipeline thread) ------------------------------------------------------------------
    def process(self, frame: Frame) -> ViewFrame | None:
        """Pose, engine, recorder, drawing for one frame; None for a frame of an older or paused source."""
        est = self.estimate(frame)
        return None if est is None else self.finish(frame, est)

    def estimate(self, frame: Frame) -> Estimate | None:
        """The pose step of `process` (no lock held while the model runs); None for a frame not shown.

        Frames go through `estimate` in order and through `finish` in the same order; the app runs the
        next frame's `estimate` on a helper thread while this frame's `finish` runs (ui/pipeline_worker.py).
        """
        pipeline = self._pipeline()
        # Read without the main lock, which `finish` holds while the engine runs: a frame whose source is
        # replaced meanwhile is dropped by `finish`. A new source's frames come after open_source returned.
        if not self._accepts(frame):
            return None
        # Tracking restarts on the first frame of each new source, decided by the frame's own generation: a
        # flag set by open_source could be taken by a frame of the old source accepted just before the switch.
        restart = frame.generation != self._pose_generation
        self._pose_generation = frame.generation
        return pipeline.estimate(frame, restart=restart)

    def finish(self, frame: Frame, est: Estimate, draw: bool = True) -> ViewFrame | None:
        """Engine, recorder and drawing for a frame `estimate` returned; None if its source was replaced since.

        `draw=False`: scored and recorded, not drawn (the app skips drawing frames the screen cannot show).
        """
        pipeline = self._pipeline()
        with self._lock:
            if not self._accepts(frame):
                if est.restarted:
                    pipeline.trails.clear()  # a new source's trails start empty whichever frame is drawn first
                return None
            engine = self.engine
            update = self._push(engine, est.keypoints, frame.t)
            self._keep_take(frame, est, update)
            finished = self._record.add(frame.t, frame.image, est.keypoints)
            recording = self._record.elapsed
            mirror = self.mirror_display
            gestures = self.gestures
        if finished is not None:
            self.on_record_finished(finished)
        gesture = None if gestures is None else gestures.push(est.keypoints, frame.t, MEDIAPIPE33)
        if gesture is not None and gesture.command is not None:
            self.on_command(gesture.command)
        view = pipeline.draw(frame, est, update, engine, recording, mirror, paint=draw)
        return view if gesture is None or gesture.name is None else replace(view, gesture=gesture)

    def _pipeline(self) -> LivePipeline:
        pipeline = self.pipeline
        if pipeline is None:
            raise RuntimeError("the practice session has no pipeline yet (the pose model is loading)")
        return pipeline

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
        rep = None if update.new_rep is None else self._in_practice(update.new_rep)
        return replace(update, rep_count=update.rep_count + self._rep_offset, new_rep=rep)

    def _in_practice(self, rep: Rep) -> Rep:
        """`rep` numbered and timed within the whole practice, across camera gaps."""
        shift = self._time_shift
        return replace(rep, index=rep.index + self._rep_offset, start=rep.start + shift, end=rep.end + shift)

    def waiting_reps(self, generation: int) -> list[Rep]:
        """When a video has ended: the reps the engine still holds back (a match waiting for a better one,
        auto-detect's reps waiting for rival references), decided now so that none is lost; empty for an
        older source. A hold engine's hold in progress ends here too: `last_holds` has it."""
        if self._settled is not None:
            settled, self._settled = self._settled, None
            return settled
        with self._lock:
            engine = self.engine
            if generation != self.generation or engine is None:
                return []
            ended = engine.finish()
            self.last_holds = [h for h in ended if isinstance(h, Hold)]
            reps = [self._in_practice(rep) for rep in ended if isinstance(rep, Rep)]
            for rep in reps:
                self._keep_rep(rep)
            return reps

    def _keep_take(self, frame: Frame, est: Estimate, update: LiveUpdate | None) -> None:
        """Under the lock: the frame into the review buffer; a new rep's frames kept there."""
        if update is None or self._practice_t0 is None:
            return
        self.rep_takes.add_frame(frame.t - self._practice_t0, frame.image, est.keypoints)
        if update.new_rep is not None:
            self._keep_rep(update.new_rep)

    def _keep_rep(self, rep: Rep) -> None:
        cached = self._prepared.get(format_label(rep.move, rep.view))
        if cached is not None and rep.counted:
            take = self.rep_takes.add_rep(rep, cached[0].label, cached[1], self.mirror_person)
            if take is not None and self.history is not None:
                self._take_session[id(take)] = self.history.session_id

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

    def _save_takes(self, session_id: int) -> None:
        """A stored session ends: the reps kept for review go beside the history, for `export`."""
        path = getattr(self.history.store, "path", None) if self.history is not None else None
        kept = self.rep_takes.takes()  # still there for review after the set
        self._take_session = {id(t): s for t in kept if (s := self._take_session.get(id(t))) is not None}
        takes = [t for t in kept if self._take_session.get(id(t)) == session_id]
        if path is None or not takes:
            return
        try:
            save_takes(takes, takes_path(path, session_id))
        except (OSError, ValueError) as exc:
            if self.history is not None:
                self.history.on_problem(f"The reps kept for review were not saved: {exc}")

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
