"""Pipeline thread: newest frame -> the practice session (pose, engine, recorder, drawing) -> signals to the UI.

The UI never queues commands here: it changes the practice session directly (core.app.practice_session
locks what both threads touch), so there is no command that could fail unseen on this thread.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from core.app.errors import ModelError
from core.app.practice_session import PracticeSession
from core.frame.mailbox import LatestSlot
from core.frame.sources import Frame
from core.match.rep_arbiter import rep_label
from core.pose.auto_model import AUTO, AutoModelChoice, AutoPose
from core.pose.models import DEFAULT_MODEL
from core.pose.pose_process import open_pose
from core.view.live_pipeline import Estimate, LivePipeline, ViewFrame

from .faults import report_exception

# The window paints every 33 ms. When frames queue up (a file played as fast as possible, a camera faster
# than the pipeline), the next frame is drawn once the window has painted the last drawn one (and not within
# MIN_DRAW_INTERVAL of it): every paint gets a new image and no drawing is thrown away. A window that paints
# nothing (hidden) still gets a frame every MAX_DRAW_INTERVAL.
MIN_DRAW_INTERVAL = 0.018
MAX_DRAW_INTERVAL = 0.1
# At stop, how long the pipeline waits for a pose still running (a frame takes 10-70 ms): a model that hangs
# must not keep the window from closing, and a QThread destroyed while running would abort the app.
POSE_STOP_WAIT = 2.0
# Drawn frames sent to the UI and not yet received: a UI thread held up (a slow reference, a dialog being
# built) must not collect a queue of full-size images, so the pipeline stops drawing beyond this.
MAX_VIEWS_IN_FLIGHT = 2
# Frames whose pose is queued or running while the pipeline finishes an earlier one: the one the pose worker
# is on, the next one already sent to it, and one more queued so that the next is there to send in time.
POSE_AHEAD = 3
LOG = logging.getLogger("posecoach")


@dataclass
class _Job:
    fn: Callable[[], object]
    ahead: Callable[[], bool] | None
    future: Future[object]

    def start(self) -> bool:
        """The `ahead` step: True when the frame is with the pose worker now. Asked again each time, not
        remembered: a worker replaced since (auto's switch to lite, a restart) no longer has it. A failure
        there is the job's own to report when it runs."""
        if self.ahead is None:
            return False
        try:
            return self.ahead()
        except Exception:  # noqa: BLE001
            return False


class PoseThread:
    """The helper thread that runs the frames' pose: jobs in order, on one thread (the estimator serves one),
    a daemon so that a model stuck in a frame can never hold up the app's exit.

    A job may come with an `ahead` step (hand the frame to the pose worker process): before waiting for a
    frame's pose, the thread runs the next queued job's `ahead`, so the worker goes from one frame straight
    on to the next. Jobs come from the pipeline, at most POSE_AHEAD at a time, so the queue stays short.
    """

    def __init__(self) -> None:
        self._jobs: deque[_Job | None] = deque()
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="posecoach-pose", daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[[], object], ahead: Callable[[], bool] | None = None) -> Future[object]:
        future: Future[object] = Future()
        self._put(_Job(fn, ahead, future))
        return future

    def _put(self, job: _Job | None) -> None:
        with self._cond:
            self._jobs.append(job)
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: bool(self._jobs))
                job = self._jobs.popleft()
                following = self._jobs[0] if self._jobs else None
            if job is None:
                return
            if not job.future.set_running_or_notify_cancel():
                continue
            try:
                # This frame first, then the next: the worker takes them in the order they are sent. A frame
                # that could not go ahead (the first of a new source) keeps the next one back too.
                if job.start() and following is not None:
                    following.start()
                job.future.set_result(job.fn())
            except BaseException as exc:  # noqa: BLE001 - handed to the pipeline thread, which reports it
                job.future.set_exception(exc)

    def close(self, last: Callable[[], None], timeout: float) -> bool:
        """Run `last` (closing the model) after the jobs already queued, on this thread; wait up to `timeout`
        s. False when a job is still running then: the thread finishes it and `last` by itself."""
        self._put(_Job(last, None, Future()))
        self._put(None)
        self._thread.join(timeout)
        return not self._thread.is_alive()


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
        self._in_flight = 0  # views emitted, not yet received by the window (see MAX_VIEWS_IN_FLIGHT)
        self._in_flight_lock = threading.Lock()
        self._last_drawn: ViewFrame | None = None  # a backlog draws again once the window painted it
        self._last_painted: ViewFrame | None = None
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
            self.estimator = AutoPose(self.model, self.auto_choice, load=open_pose)
        except ModelError as exc:
            if self.model in (DEFAULT_MODEL, AUTO):  # auto starts on full
                raise
            self.failed.emit(f"{exc}. Using the full model for now.")
            self.model = DEFAULT_MODEL
            self.estimator = AutoPose(DEFAULT_MODEL, load=open_pose)
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
        poser = PoseThread()
        try:
            self._loop(poser)
        except Exception:  # noqa: BLE001 - said, not lost in the thread; the window stays usable
            report_exception("the pose pipeline")
            self.failed.emit("The pose pipeline stopped after an error (details in the log); restart PoseCoach.")
        finally:
            self.session.pipeline = None
            if not poser.close(pipeline.close, POSE_STOP_WAIT):
                LOG.error("the pose model did not finish its frame within %.0f s; it is closed when it does",
                          POSE_STOP_WAIT)  # fmt: skip

    def view_received(self) -> None:
        """The window took a drawn frame (UI thread)."""
        with self._in_flight_lock:
            self._in_flight = max(0, self._in_flight - 1)

    def view_painted(self, view: ViewFrame) -> None:
        """The window painted `view` (UI thread): once that is the last drawn one, a backlog may draw the next."""
        with self._in_flight_lock:
            self._last_painted = view

    def _result(self, future: Future[Estimate | None]) -> Estimate | None:
        """The pose of a frame, waited for in slices so that a stop request is seen even if the model hangs;
        raises what the pose step raised; None when stopping."""
        while not self._stop.is_set():
            try:
                return future.result(timeout=0.1)
            except concurrent.futures.TimeoutError:  # not the builtin TimeoutError before Python 3.11
                continue
        return None

    def _loop(self, poser: PoseThread) -> None:
        window_start, window_frames = time.monotonic(), 0
        last_drawn = 0.0
        pending: deque[tuple[Frame, Future[Estimate | None]]] = deque()
        while not self._stop.is_set():
            if not pending:
                frame = self.slot.take(timeout=0.05)
                if frame is None:
                    continue
                pending.append((frame, self._submit(poser, frame)))
            self._start_waiting(poser, pending)
            frame, estimate = pending.popleft()
            try:
                est = self._result(estimate)
            except Exception:  # noqa: BLE001 - one bad frame must not end the session
                self._fault()
                continue
            if est is None:
                continue  # a frame of an older source, or stopping
            self._start_waiting(poser, pending)
            # A source slower than the pipeline (a camera, a file in real time) has no frame waiting here:
            # each of its frames is drawn. A waiting frame means a backlog, whose frames the screen cannot all show.
            since = time.monotonic() - last_drawn
            with self._in_flight_lock:
                shown = self._last_painted is self._last_drawn
                draw = not pending or since >= MAX_DRAW_INTERVAL or (shown and since >= MIN_DRAW_INTERVAL)
                draw = draw and self._in_flight < MAX_VIEWS_IN_FLIGHT
            try:  # everything of one frame: a fault in it is that frame's, the next one goes on
                drawn = self._finish(frame, est, draw)
            except Exception:  # noqa: BLE001
                self._fault()
                continue
            if drawn is None:
                continue  # a frame of an older source, or of a camera that was just lost
            if drawn:
                last_drawn = time.monotonic()
            self.frames += 1
            window_frames += 1
            now = time.monotonic()
            if now - window_start >= 1.0:
                self.fps = window_frames / (now - window_start)
                window_start, window_frames = now, 0

    def _start_waiting(self, poser: PoseThread, pending: deque[tuple[Frame, Future[Estimate | None]]]) -> None:
        """Queue the pose of frames that are already waiting, up to POSE_AHEAD: the pose worker then goes
        from one frame straight to the next. Only a frame that is already there: a camera frame is never held back."""
        while len(pending) < POSE_AHEAD:
            following = self.slot.take(timeout=0)
            if following is None:
                return
            pending.append((following, self._submit(poser, following)))

    def _submit(self, poser: PoseThread, frame: Frame) -> Future[Estimate | None]:
        return poser.submit(lambda: self.session.estimate(frame), lambda: self.session.send_ahead(frame))  # type: ignore[return-value]

    def _finish(self, frame: Frame, est: Estimate, draw: bool) -> bool | None:
        """Engine, recorder and drawing of one frame, and its signals; True if a drawn frame was sent, None
        for a frame the session no longer takes."""
        if est.note:
            LOG.info("%s", est.note)
            self.note.emit(est.note)
        view = self.session.finish(frame, est, draw)
        if view is None:
            return None
        if view.update is not None and view.update.new_rep is not None:
            # In auto-detect the rep names its own move; the update follows the best engine.
            rep = view.update.new_rep
            self.rep_done.emit(view.generation, rep, rep_label(rep, view.update.reference))
        if not view.drawn:
            return False
        with self._in_flight_lock:
            self._in_flight += 1
            self._last_drawn = view
        self.frame_ready.emit(view)
        return True

    def _fault(self) -> None:
        """A frame failed: logged (not every one: a fault in every frame must not flood the log), said once."""
        self.failures += 1
        if self.failures == 1 or self.failures % 100 == 0:
            report_exception(f"the pose pipeline (failure {self.failures})")
        if self.failures == 1:
            self.failed.emit("A frame could not be processed; PoseCoach goes on (details in the log).")
