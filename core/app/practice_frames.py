"""The pipeline thread's side of a practice session: each frame through pose, engine, recorder and drawing.

A mixin of core.app.practice_session.PracticeSession, which owns the state declared here and the UI-thread
side (source, references, record, history). Frames go through `estimate` and `finish` one at a time, in order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

from ..app.practice_record import PracticeRecord, RecordResult
from ..app.practice_review import KeptReps
from ..frame.sources import Frame
from ..library.labels import format_label
from ..library.references import Reference
from ..match.gestures import Command, GestureRecognizer
from ..match.hold_events import Hold
from ..match.live_events import LiveUpdate, Rep
from ..pose.skeleton import MEDIAPIPE33
from ..score.scoring import PreparedReference
from ..view.live_pipeline import Engine, Estimate, LivePipeline, ViewFrame


class PracticeFrames:
    """Per-frame work of PracticeSession (pipeline thread); the state is PracticeSession's."""

    pipeline: LivePipeline | None
    engine: Engine | None
    gestures: GestureRecognizer | None
    on_command: Callable[[Command], None]
    on_record_finished: Callable[[RecordResult], None]
    generation: int
    mirror_display: bool
    kept: KeptReps
    last_holds: list[Hold]
    _lock: threading.Lock
    _record: PracticeRecord
    _prepared: dict[str, tuple[Reference, PreparedReference]]
    _pose_generation: int | None
    _practice_t0: float | None
    _engine_t0: float | None
    _time_shift: float
    _rep_offset: int

    def shows(self, generation: int) -> bool:
        raise NotImplementedError  # PracticeSession's: whether a source's output belongs on screen now

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

    def send_ahead(self, frame: Frame) -> bool:
        """Start the pose of a frame `estimate` will be asked for next (same thread, in order): the pose worker
        then goes straight on to it. True if it started; never across a source switch, whose first frame
        restarts tracking in `estimate`."""
        pipeline = self.pipeline
        if pipeline is None or frame.generation != self._pose_generation or not self._accepts(frame):
            return False
        return pipeline.send_ahead(frame)

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
            update = self._push(engine, est, frame.t)
            self._keep_take(frame, est, update)
            finished = self._record.add(frame.t, frame.image, est.keypoints, est.world)
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

    def _push(self, engine: Engine | None, est: Estimate, t: float) -> LiveUpdate | None:
        if engine is None:
            return None
        if self._practice_t0 is None:
            self._practice_t0 = t
        if self._engine_t0 is None:
            self._engine_t0 = t
            self._time_shift = t - self._practice_t0
        update = engine.push(est.keypoints, t, MEDIAPIPE33, world=est.world)
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
        with self._lock:
            engine = self.engine
            if generation != self.generation or engine is None:
                return []
            ended = engine.finish()
            self.last_holds = [h for h in ended if isinstance(h, Hold)]
            reps = [self._in_practice(rep) for rep in ended if isinstance(rep, Rep)]
            for rep in reps:
                self.kept.add_rep(rep, self._prepared.get(format_label(rep.move, rep.view)))
            return reps

    def _keep_take(self, frame: Frame, est: Estimate, update: LiveUpdate | None) -> None:
        """Under the lock: the frame into the review buffer; a new rep's frames kept there."""
        if update is None or self._practice_t0 is None:
            return
        self.kept.add_frame(frame.t - self._practice_t0, frame.image, est.keypoints)
        if (rep := update.new_rep) is not None:
            self.kept.add_rep(rep, self._prepared.get(format_label(rep.move, rep.view)))
