"""Unexpected errors from any thread -> the log and one dialog on the UI thread; hooks run on the raising thread.

`sys.excepthook` (the UI thread, and slots that PySide runs on worker threads) and `threading.excepthook`
(plain Python threads) only log and emit a signal: a widget built on a worker thread crashes Qt. The
dialog opens on the UI thread, once: while it is open further errors are counted in it, and an error
already shown is only logged the next time. The app keeps running; workers catch what they can
themselves and call `report_exception` so nothing dies silently.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox

LOG = logging.getLogger("posecoach")


class FaultReporter(QObject):
    """Create on the UI thread; `report` may be called from any thread."""

    raised = Signal(str, str, str)  # key (type and place), one-line summary, where it happened

    def __init__(self, log_path: Path) -> None:
        super().__init__()
        self.log_path = log_path
        self.dialog: QMessageBox | None = None
        self.shown: set[str] = set()  # errors already shown once
        self.more = 0  # errors that arrived while the dialog was open
        self.raised.connect(self._show, Qt.ConnectionType.QueuedConnection)  # always via the UI event loop
        self._old_hooks: tuple[object, object] | None = None

    def report(
        self,
        kind: type[BaseException],
        value: BaseException,
        tb: TracebackType | None,
        where: str = "",
    ) -> None:
        where = where or threading.current_thread().name
        text = "".join(traceback.format_exception(kind, value, tb))
        LOG.error("unhandled exception in %s\n%s", where, text)
        if sys.__stderr__ is not None:
            sys.__stderr__.write(text)
        frames = traceback.extract_tb(tb)
        place = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""
        self.raised.emit(f"{kind.__name__} {place}", f"{kind.__name__}: {value}", where)

    @Slot(str, str, str)
    def _show(self, key: str, summary: str, where: str) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.shown.add(key)  # counted in the open dialog: that was its one showing
            self.more += 1
            self.dialog.setInformativeText(f"{self.more} more error(s) since; all are in {self.log_path}")
            return
        if key in self.shown:
            return  # the same fault again (often once per frame): the log has it
        self.shown.add(key)
        self.more = 0
        text = (
            f"Something went wrong in {where}:\n{summary}\n\n"
            f"PoseCoach keeps running where it can. Details were written to {self.log_path}"
        )
        ok = QMessageBox.StandardButton.Ok
        self.dialog = QMessageBox(QMessageBox.Icon.Critical, "PoseCoach: unexpected error", text, ok)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.dialog.open()  # not exec(): a second error must not nest event loops

    def install(self) -> None:
        """Route sys.excepthook and threading.excepthook here (uninstall() puts the old ones back)."""
        self._old_hooks = (sys.excepthook, threading.excepthook)
        sys.excepthook = lambda kind, value, tb: self.report(kind, value, tb)
        threading.excepthook = self._thread_hook

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "a background thread"
        value = args.exc_value if args.exc_value is not None else args.exc_type()
        self.report(args.exc_type, value, args.exc_traceback, name)

    def uninstall(self) -> None:
        global _REPORTER
        if self._old_hooks is not None:
            sys.excepthook, threading.excepthook = self._old_hooks  # type: ignore[assignment]
            self._old_hooks = None
        if _REPORTER is self:
            _REPORTER = None


_REPORTER: FaultReporter | None = None


def install_fault_reporter(log_path: Path) -> FaultReporter:
    """The one reporter of the app (call on the UI thread after QApplication exists)."""
    global _REPORTER
    if _REPORTER is not None:
        _REPORTER.uninstall()
    _REPORTER = FaultReporter(log_path)
    _REPORTER.install()
    return _REPORTER


def report_exception(where: str) -> None:
    """Call in an `except` block of a worker: logs the error and shows it once; the worker goes on."""
    kind, value, tb = sys.exc_info()
    if kind is None or value is None:
        return
    if _REPORTER is not None:
        _REPORTER.report(kind, value, tb, where)
    else:
        LOG.error("error in %s", where, exc_info=(kind, value, tb))
