"""Pipeline thread: newest frame -> pose -> live engine -> drawn image, sent to the UI as a ViewFrame."""

from __future__ import annotations

import queue
import threading
import time
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from core.auto_detect import rep_label
from core.live_pipeline import LivePipeline, make_engine
from core.mailbox import LatestSlot
from core.pose import PoseEstimator
from core.references import Reference
from core.sources import Frame


class PipelineWorker(QObject):
    """Lives on its own QThread. The UI talks to it only through the thread-safe command methods."""

    frame_ready = Signal(object)  # core.live_pipeline.ViewFrame
    rep_done = Signal(object, str)  # core.live.Rep, reference label
    take_recorded = Signal(object)  # core.recording.RecordedTake or None
    failed = Signal(str)
    ready = Signal()  # the pose model is loaded

    def __init__(self, slot: LatestSlot[Frame]) -> None:
        super().__init__()
        self.slot = slot
        self._stop = threading.Event()
        self._commands: queue.SimpleQueue[Callable[[LivePipeline], None]] = queue.SimpleQueue()
        self.fps = 0.0  # processed frames per second, for the status bar
        self.frames = 0

    # -- commands (any thread) -------------------------------------------------------------------
    def stop(self) -> None:
        self._stop.set()
        self.slot.close()

    def set_references(self, references: list[Reference], mirror_person: bool = False) -> None:
        def apply(p: LivePipeline) -> None:
            p.set_engine(make_engine(references, mirror_person))

        self._commands.put(apply)

    def set_mirror_display(self, on: bool) -> None:
        self._commands.put(lambda p: setattr(p, "mirror_display", on))

    def new_source(self) -> None:
        self._commands.put(lambda p: p.reset())

    def start_recording(self, source: str, fps: float) -> None:
        self._commands.put(lambda p: p.start_recording(source, fps))

    def stop_recording(self) -> None:
        """Finish the recording and emit its take (None if it holds no frames); a second stop emits nothing."""

        def stop(pipeline: LivePipeline) -> None:
            if pipeline.recorder is not None:
                self.take_recorded.emit(pipeline.stop_recording())

        self._commands.put(stop)

    # -- the loop (pipeline thread) ----------------------------------------------------------------
    def run(self) -> None:
        try:
            pipeline = LivePipeline(PoseEstimator())
        except Exception as exc:  # noqa: BLE001 - a broken install must reach the user as a sentence
            self.failed.emit(f"The pose model could not be loaded: {exc}")
            return
        self.ready.emit()
        window_start, window_frames = time.monotonic(), 0
        try:
            while not self._stop.is_set():
                while not self._commands.empty():
                    self._commands.get_nowait()(pipeline)
                frame = self.slot.take(timeout=0.05)
                if frame is None:
                    continue
                try:
                    view = pipeline.process(frame)
                except Exception:  # noqa: BLE001 - one bad frame must not end the session
                    self.failed.emit("A frame could not be processed:\n" + traceback.format_exc(limit=3))
                    continue
                self.frames += 1
                window_frames += 1
                now = time.monotonic()
                if now - window_start >= 1.0:
                    self.fps = window_frames / (now - window_start)
                    window_start, window_frames = now, 0
                self.frame_ready.emit(view)
                if view.update is not None and view.update.new_rep is not None:
                    # In auto-detect the rep names its own move; the update follows the best engine.
                    rep = view.update.new_rep
                    self.rep_done.emit(rep, rep_label(rep, view.update.reference))
                if pipeline.recorder is not None and pipeline.recorder.full:
                    self.take_recorded.emit(pipeline.stop_recording())
        finally:
            if pipeline.recorder is not None:
                pipeline.recorder = None  # an unfinished recording is simply dropped: nothing was saved
            pipeline.close()
