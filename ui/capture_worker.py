"""Capture thread: reads a camera or a video file and hands the newest frame to the pipeline's mailbox.

Every signal carries the worker's generation (the window numbers each source it opens), so a signal
that a replaced worker sends late is recognised and dropped by the practice session.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from core.app.errors import SourceError
from core.frame.mailbox import LatestSlot
from core.frame.sources import Frame, FrameSource, VideoSource

from .faults import report_exception

# A camera that sends nothing for this long is lost (a read may fail at once or block; time tells both).
LOST_AFTER_SECONDS = 1.0
RETRY_SECONDS = 2.0
# A camera that returns nothing at once is asked again after this pause, not in a busy loop.
EMPTY_READ_PAUSE = 0.01

Opener = Callable[[str | int], FrameSource]


def describe(spec: str | int) -> str:
    return f"camera {spec}" if isinstance(spec, int) else str(spec)


class CaptureWorker(QObject):
    """Lives on its own QThread; `run()` loops until `stop()`. Never touches widgets."""

    opened = Signal(int, str, float, int)  # generation, description, fps, is_camera (int: PySide and bools)
    failed = Signal(int, str)  # generation, a sentence for the user
    lost = Signal(int, str)  # generation, a sentence: the camera stopped sending images, retrying
    # generation; "" or the sentence saying the video ended early (a truncated file)
    ended = Signal(int, str)

    def __init__(
        self,
        spec: str | int,
        slot: LatestSlot[Frame],
        paced: bool = True,
        generation: int = 0,
        opener: Opener = VideoSource,
    ) -> None:
        super().__init__()
        self.spec = spec
        self.paced = paced  # False: a file is fed as fast as the pipeline takes it (benchmarks)
        self.slot = slot
        self.generation = generation
        self.opener = opener
        self.retry_seconds = RETRY_SECONDS
        self.lost_after = LOST_AFTER_SECONDS
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def _open(self, announce: bool = True) -> FrameSource | None:
        try:
            return self.opener(self.spec)
        except SourceError as exc:
            if not announce:
                return None
            if isinstance(self.spec, int):
                self.failed.emit(self.generation,
                    f"No camera found ({describe(self.spec)} cannot be opened). "
                    "Open a video file with Ctrl+O, or pick another camera in the Source menu.",
                )  # fmt: skip
            else:
                self.failed.emit(self.generation, f"This video cannot be played: {exc}")
            return None

    def run(self) -> None:
        try:
            self._run()
        except Exception:  # noqa: BLE001 - the source dies, the app goes on and says so
            report_exception(f"the capture of {describe(self.spec)}")
            self.failed.emit(self.generation, f"Reading {describe(self.spec)} failed; see the log for details.")
        finally:
            thread = self.thread()
            if thread is not None:
                thread.quit()  # nothing runs on this thread after the capture: let it finish

    def _run(self) -> None:
        source = self._open()
        while source is None and isinstance(self.spec, int) and not self._stop.wait(self.retry_seconds):
            source = self._open(announce=False)  # a camera may be plugged in later
        if source is None or self._stop.is_set():
            if source is not None:
                source.close()
            return
        self.opened.emit(self.generation, describe(self.spec), source.fps, int(source.is_camera))
        if source.is_camera:
            self._run_camera(source)
        else:
            try:
                self._run_file(source)
            finally:
                source.close()

    def _read(self, source: FrameSource) -> Frame | None:
        try:
            return source.read()
        except Exception:  # noqa: BLE001 - a driver error is a lost camera, not a dead thread
            return None

    def _run_camera(self, source: FrameSource | None) -> None:
        t0 = time.monotonic()
        last_frame = time.monotonic()
        index = 0
        while not self._stop.is_set():
            frame = self._read(source) if source is not None else None
            if self._stop.is_set():
                break  # a read that blocked past stop() must not hand its frame to the next source
            if frame is not None:
                last_frame = time.monotonic()
                # Camera frames are stamped with the wall clock: their rate varies with light and load.
                self.slot.put(Frame(index, last_frame - t0, frame.image, self.generation))
                index += 1
                continue
            if time.monotonic() - last_frame < self.lost_after:
                self._stop.wait(EMPTY_READ_PAUSE)
                continue
            self.lost.emit(self.generation,
                           f"Camera lost: the {describe(self.spec)} stopped sending images (unplugged?). "
                           "Retrying...")  # fmt: skip
            if source is not None:
                source.close()
            source = self._reconnect()
            if source is None:
                return
            self.opened.emit(self.generation, describe(self.spec), source.fps, 1)
            last_frame = time.monotonic()
        if source is not None:
            source.close()

    def _reconnect(self) -> FrameSource | None:
        while not self._stop.wait(self.retry_seconds):
            source = self._open(announce=False)
            if source is not None:
                return source
        return None

    def _run_file(self, source: FrameSource) -> None:
        # A file plays at its own pace, but no frame is skipped: a recorded take is scored whole.
        start = time.monotonic()
        while (frame := source.read()) is not None:
            if self._stop.is_set():
                return
            delay = start + frame.t - time.monotonic()
            if self.paced and delay > 0 and self._stop.wait(delay):
                return
            frame = Frame(frame.index, frame.t, frame.image, self.generation)
            while not self.slot.put_when_empty(frame, 0.1):
                if self._stop.is_set():
                    return
        while not self.slot.wait_taken(0.1):
            if self._stop.is_set():
                return
        if not self._stop.is_set():
            ended_early = getattr(source, "ended_early", None)  # VideoSource knows its header's frame count
            self.ended.emit(self.generation, (ended_early() if ended_early is not None else None) or "")
