"""Pipeline thread: newest frame -> the practice session (pose, engine, recorder, drawing) -> signals to the UI.

The UI never queues commands here: it changes the practice session directly (core.app.practice_session
locks what both threads touch), so there is no command that could fail unseen on this thread.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

from PySide6.QtCore import QObject, Signal

from core.app.errors import ModelError
from core.app.practice_session import PracticeSession
from core.frame.mailbox import LatestSlot
from core.frame.sources import Frame
from core.match.auto_detect import rep_label
from core.pose.auto_model import AUTO, AutoModelChoice, AutoPose
from core.pose.models import DEFAULT_MODEL
from core.view.live_pipeline import Estimate, LivePipeline

from .faults import report_exception

# The window paints every 33 ms. When frames queue up (a file played as fast as possible, a camera faster
# than the pipeline), a frame that follows the last drawn one by less than this is scored but not drawn:
# above 55 fps every other frame is drawn, still a new image for every paint.
MIN_DRAW_INTERVAL = 0.018
LOG = logging.getLogger("posecoach")


class PipelineWorker(QObject):
    """Lives on its own QThread and feeds the session's `process` until `stop()`."""

    frame_ready = Signal(object)  # core.view.live_pipeline.ViewFrame
    rep_done = Signal(int, object, str)  # generation, core.match.live.Rep, reference label
    failed = Signal(str)
    ready = Signal()  # the pose model is loaded
    note = Signal(str)  # a sentence for the status line (the auto pose model's choice)

    def __init__(self, slot: LatestSlot[Frame], session: PracticeSession, model: str = DEFAULT_MODEL) -> None:
        super().__init__()
        self.slot = slot
        self.session = session
        self.model = model  # the pose model asked for; the one loaded if it is installed (else full)
        # auto: full's speed is measured on the first seconds of video (tests may change its target first).
        self.auto_choice = AutoModelChoice() if model == AUTO else None
        self.estimator: AutoPose | None = None
        self._stop = threading.Event()
        self.fps = 0.0  # processed frames per second, for the status bar
        self.frames = 0
        self.failures = 0

    def stop(self) -> None:
        self._stop.set()
        self.slot.close()

    @property
    def running_model(self) -> str:
        """The pose model in use now (auto's choice once taken), '' while loading."""
        return self.estimator.model if self.estimator is not None else ""

    def _load_estimator(self) -> AutoPose:
        """The chosen model; one that is not installed is said, and practice goes on with full."""
        try:
            self.estimator = AutoPose(self.model, self.auto_choice)
        except ModelError as exc:
            if self.model in (DEFAULT_MODEL, AUTO):  # auto starts on full
                raise
            self.failed.emit(f"{exc}. Using the full model for now.")
            self.model = DEFAULT_MODEL
            self.estimator = AutoPose(DEFAULT_MODEL)
        return self.estimator

    def run(self) -> None:
        try:
            pipeline = LivePipeline(self._load_estimator())
        except Exception as exc:  # noqa: BLE001 - a broken install must reach the user as a sentence
            self.failed.emit(f"The pose model could not be loaded: {exc}")
            return
        self.session.pipeline = pipeline
        self.ready.emit()
        # The pose of the next frame runs on a helper thread (mediapipe releases the GIL) while this thread
        # scores and draws the current one: on 2 cores drawing costs the frame rate nothing.
        poser = ThreadPoolExecutor(max_workers=1, thread_name_prefix="posecoach-pose")
        try:
            self._loop(poser)
        finally:
            poser.shutdown(wait=True)
            self.session.pipeline = None
            pipeline.close()

    def _loop(self, poser: ThreadPoolExecutor) -> None:
        window_start, window_frames = time.monotonic(), 0
        last_drawn = 0.0
        pending: tuple[Frame, Future[Estimate | None]] | None = None
        while not self._stop.is_set():
            if pending is None:
                frame = self.slot.take(timeout=0.05)
                if frame is None:
                    continue
                pending = (frame, poser.submit(self.session.estimate, frame))
            frame, estimate = pending
            pending = None
            try:
                est = estimate.result()
            except Exception:  # noqa: BLE001 - one bad frame must not end the session
                self._fault()
                continue
            if est is not None and est.note:
                LOG.info("%s", est.note)
                self.note.emit(est.note)
            # Only a frame that is already waiting starts early: a camera frame is never held back.
            following = self.slot.take(timeout=0)
            if following is not None:
                pending = (following, poser.submit(self.session.estimate, following))
            # A source slower than the pipeline (a camera, a file in real time) has no frame waiting here:
            # each of its frames is drawn. A waiting frame means a backlog, whose frames the screen cannot all show.
            draw = following is None or time.monotonic() - last_drawn >= MIN_DRAW_INTERVAL
            try:
                view = None if est is None else self.session.finish(frame, est, draw)
            except Exception:  # noqa: BLE001
                self._fault()
                continue
            if view is None:
                continue  # a frame of an older source, or of a camera that was just lost
            self.frames += 1
            window_frames += 1
            now = time.monotonic()
            if now - window_start >= 1.0:
                self.fps = window_frames / (now - window_start)
                window_start, window_frames = now, 0
            if view.drawn:
                last_drawn = now
                self.frame_ready.emit(view)
            if view.update is not None and view.update.new_rep is not None:
                # In auto-detect the rep names its own move; the update follows the best engine.
                rep = view.update.new_rep
                self.rep_done.emit(view.generation, rep, rep_label(rep, view.update.reference))

    def _fault(self) -> None:
        """A frame failed: logged (not every one: a fault in every frame must not flood the log), said once."""
        self.failures += 1
        if self.failures == 1 or self.failures % 100 == 0:
            report_exception(f"the pose pipeline (failure {self.failures})")
        if self.failures == 1:
            self.failed.emit("A frame could not be processed; PoseCoach goes on (details in the log).")
