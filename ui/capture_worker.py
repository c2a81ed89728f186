"""Capture thread: reads a camera or a video file and hands the newest frame to the pipeline's mailbox."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, Signal

from core.errors import SourceError
from core.mailbox import LatestSlot
from core.sources import Frame, VideoSource

# A camera that returns nothing this many times in a row is considered lost.
MAX_EMPTY_READS = 30
RETRY_SECONDS = 2.0


def describe(spec: str | int) -> str:
    return f"camera {spec}" if isinstance(spec, int) else str(spec)


class CaptureWorker(QObject):
    """Lives on its own QThread; `run()` loops until `stop()`. Never touches widgets."""

    opened = Signal(str, float, int)  # description, fps, is_camera (int: bool across threads trips PySide)
    failed = Signal(str)  # a sentence for the user
    ended = Signal(str)  # a video file reached its end: "" or the sentence saying it ended early (truncated)

    def __init__(self, spec: str | int, slot: LatestSlot[Frame], paced: bool = True) -> None:
        super().__init__()
        self.spec = spec
        self.paced = paced  # False: a file is fed as fast as the pipeline takes it (benchmarks)
        self.slot = slot
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    def _open(self) -> VideoSource | None:
        try:
            return VideoSource(self.spec)
        except SourceError as exc:
            if isinstance(self.spec, int):
                self.failed.emit(
                    f"No camera found ({describe(self.spec)} cannot be opened). "
                    "Open a video file with Ctrl+O, or pick another camera in the Source menu."
                )
            else:
                self.failed.emit(f"This video cannot be played: {exc}")
            return None

    def run(self) -> None:
        source = self._open()
        while source is None and isinstance(self.spec, int) and not self._stop.wait(RETRY_SECONDS):
            source = self._open()  # a camera may be plugged in later
        if source is None:
            return
        self.opened.emit(describe(self.spec), source.fps, int(source.is_camera))
        try:
            if source.is_camera:
                self._run_camera(source)
            else:
                self._run_file(source)
        finally:
            source.close()

    def _run_camera(self, source: VideoSource) -> None:
        t0 = time.monotonic()
        empty = 0
        index = 0
        while not self._stop.is_set():
            frame = source.read()
            if frame is None:
                empty += 1
                if empty >= MAX_EMPTY_READS:
                    self.failed.emit(f"The {describe(self.spec)} stopped sending images (unplugged?). Retrying...")
                    source.close()
                    while not self._stop.wait(RETRY_SECONDS):
                        try:
                            source = VideoSource(self.spec)
                        except SourceError:
                            continue
                        self.opened.emit(describe(self.spec), source.fps, 1)
                        break
                    empty = 0
                continue
            empty = 0
            # Camera frames are stamped with the wall clock: their rate varies with light and load.
            self.slot.put(Frame(index, time.monotonic() - t0, frame.image))
            index += 1

    def _run_file(self, source: VideoSource) -> None:
        # A file plays at its own pace, but no frame is skipped: a recorded take is scored whole.
        start = time.monotonic()
        for frame in source:
            if self._stop.is_set():
                return
            delay = start + frame.t - time.monotonic()
            if self.paced and delay > 0 and self._stop.wait(delay):
                return
            while not self.slot.put_when_empty(frame, 0.1):
                if self._stop.is_set():
                    return
        self.ended.emit(source.ended_early() or "")
