"""A one-slot mailbox between the capture thread and the pipeline thread: only the newest frame waits.

A frame that arrives while the previous one is still waiting replaces it and is counted as dropped, so
latency stays at about one inference however slow the pose model is.
"""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

T = TypeVar("T")


class LatestSlot(Generic[T]):
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._item: T | None = None
        self._closed = False
        self.dropped = 0
        self.delivered = 0

    def put(self, item: T) -> None:
        with self._cond:
            if self._item is not None:
                self.dropped += 1
            self._item = item
            self._cond.notify()

    def put_when_empty(self, item: T, timeout: float) -> bool:
        """Lossless hand-over (video files): wait until the previous item was taken, then put."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._item is None or self._closed, timeout):
                return False
            if self._closed:
                return False
            self._item = item
            self._cond.notify_all()
            return True

    def wait_taken(self, timeout: float) -> bool:
        """Wait until the waiting item (if any) was taken: a file's end is announced after its last frame."""
        with self._cond:
            return self._cond.wait_for(lambda: self._item is None or self._closed, timeout)

    def take(self, timeout: float | None = None) -> T | None:
        """The newest item, waiting up to `timeout` s; None on timeout or once closed."""
        with self._cond:
            if self._item is None and not self._closed:
                self._cond.wait(timeout)
            item, self._item = self._item, None
            if item is not None:
                self.delivered += 1
                self._cond.notify_all()  # a lossless producer may be waiting for the slot
            return item

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def reopen(self) -> None:
        with self._cond:
            self._closed = False
            self._item = None
