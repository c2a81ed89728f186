"""Starts and stops the capture thread of the current source; checks that a stopped thread really ended; UI thread.

A capture thread blocked in a camera driver may outlive its stop request. It is then kept (a QThread
destroyed while running aborts the process) until it finishes; its late signals carry an old generation
and are dropped by the practice session, and its late frames are dropped the same way.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QThread

from core.frame.mailbox import LatestSlot
from core.frame.sources import Frame

from .capture_worker import LOST_AFTER_SECONDS, RETRY_SECONDS, CaptureWorker, Opener, describe

LOG = logging.getLogger("posecoach")
STOP_WAIT_MS = 3000
# Capture threads still blocked in a driver when the window closed: without a parent and referenced here,
# so that deleting the window does not destroy a running QThread (Qt aborts the process then).
_UNFINISHED: list[tuple[QThread, CaptureWorker]] = []


class CaptureControl(QObject):
    def __init__(self, slot: LatestSlot[Frame], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.slot = slot
        self.worker: CaptureWorker | None = None
        self.thread: QThread | None = None
        self.stale: list[tuple[QThread, CaptureWorker]] = []  # asked to stop, not finished yet
        self.stop_wait_ms = STOP_WAIT_MS
        self.retry_seconds = RETRY_SECONDS  # tests with a fake camera shorten these
        self.lost_after = LOST_AFTER_SECONDS

    @property
    def active(self) -> bool:
        return self.worker is not None

    def start(self, spec: str | int, generation: int, paced: bool, opener: Opener) -> CaptureWorker:
        """A new capture worker on its own thread; the caller connects its signals, then calls `launch`."""
        self.worker = CaptureWorker(spec, self.slot, paced=paced, generation=generation, opener=opener)
        self.worker.retry_seconds, self.worker.lost_after = self.retry_seconds, self.lost_after
        self.thread = QThread(self)
        self.thread.setObjectName(f"capture {describe(spec)}")
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        return self.worker

    def launch(self) -> None:
        if self.thread is not None:
            self.thread.start()

    def finished_by_itself(self) -> None:
        """The source ended on its own (a file): the thread is ending, nothing to stop."""
        if self.thread is not None and self.worker is not None:
            # Kept until the thread has finished, then let go here on the UI thread. Dropped now, the worker's
            # last reference would be the one its ending run() holds, and it would be destroyed on the capture
            # thread: its QObject destructor waits there for the GIL while holding Qt's connection lock, and
            # the UI thread, holding the GIL, waits for that lock as soon as it connects anything (opening the
            # Record dialog at a video's end froze the app so, in a test run). The thread itself is owned by
            # this object (its Qt parent) and is deleted then too, not one QThread more per video played.
            self._keep_until_finished(self.thread, self.worker)
            if self.thread.isFinished():  # ended before its `ended` reached us
                self._forget_finished()
        self.worker = None
        self.thread = None

    def stop(self) -> bool:
        """Stop the current capture; False when its thread did not end within the wait (it is kept)."""
        worker, thread = self.worker, self.thread
        self.worker = self.thread = None
        if worker is None or thread is None:
            return True
        worker.stop()
        thread.quit()
        if thread.wait(self.stop_wait_ms):
            thread.deleteLater()  # ended: nothing refers to it any more
            return True
        LOG.warning("capture thread for %s did not stop within %d ms; its late output is ignored",
                    describe(worker.spec), self.stop_wait_ms)  # fmt: skip
        self._keep_until_finished(thread, worker)
        return False

    def _keep_until_finished(self, thread: QThread, worker: CaptureWorker) -> None:
        self.stale.append((thread, worker))
        thread.finished.connect(self._forget_finished)

    def _forget_finished(self) -> None:
        """Let go of the kept threads that have finished, and of their workers; on the UI thread."""
        running = []
        for thread, worker in self.stale:
            if thread.isFinished():
                thread.deleteLater()
            else:
                running.append((thread, worker))
        self.stale = running

    def shutdown(self, wait_ms: int = 5000) -> bool:
        """Stop everything (window closing); False if some capture thread is still running after `wait_ms`."""
        ok = self.stop()
        for thread, worker in self.stale:
            worker.stop()
            if not thread.wait(wait_ms):
                LOG.error("capture thread for %s is still running at shutdown", describe(worker.spec))
                thread.setParent(None)
                _UNFINISHED.append((thread, worker))
                ok = False
        self.stale = [(t, w) for t, w in self.stale if t.parent() is self]
        self._forget_finished()
        return ok
