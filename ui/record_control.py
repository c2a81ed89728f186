"""Record in the window: the button, the countdown and REC marks, the dialog after a take; UI thread.

The record itself (phases, countdown clock, duration in source time, what ends it) is the practice
session's (core.app.practice_session); this only shows it and opens the Record dialog with the take.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog

from core.app.practice_session import RecordPhase, RecordResult

from .record_dialog import RecordDialog

if TYPE_CHECKING:
    from .main_window import MainWindow

IDLE_TEXT, ACTIVE_TEXT = "● Record", "■ Stop recording"


class RecordControl:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.session = window.session
        self.timer = QTimer(window, interval=100, timeout=self.count_down)

    def toggle(self) -> None:
        w = self.window
        if self.session.record_phase is not RecordPhase.IDLE:
            self.session.stop_record()
            self.count_down()
            return
        if not self.session.running and w.source_spec is not None:
            w.open_source(w.source_spec)
        w.settings.record_seconds = w.record_seconds.value()
        if not self.session.start_record(time.monotonic(), float(w.record_seconds.value())):
            return
        w.act_record.setText(ACTIVE_TEXT)
        w.video.recording = 0.0 if self.session.recording else None
        self.count_down()
        self.timer.start()

    def count_down(self) -> None:
        w = self.window
        left = self.session.tick(time.monotonic())
        if w.video.countdown != left:
            w.video.countdown = left
            w.video.update()
        if left is None:
            self.timer.stop()
            if self.session.record_phase is RecordPhase.IDLE:
                w.act_record.setText(IDLE_TEXT)  # cancelled, or the source changed during the countdown
            elif w.video.recording is None:
                w.video.recording = 0.0

    def finished(self, result: RecordResult) -> None:
        w = self.window
        w.video.recording = None
        w.video.update()  # the REC mark goes before the dialog opens
        w.act_record.setText(IDLE_TEXT)
        if result.note:
            w.statusBar().showMessage(result.note, 8000)
        if result.take is None:
            w.show_problem("Nothing was recorded: the source gave no frames while recording.")
            return
        dialog = RecordDialog(result.take, w.library, w, note=result.source_note)
        accepted = w.exec_dialog(dialog) == QDialog.DialogCode.Accepted
        if accepted and dialog.saved_combination is not None:
            combo = dialog.saved_combination
            w.chooser.reload(select=combo.entry)
            w.statusBar().showMessage(f"Saved combination '{combo.label}' ({len(combo.techniques)} techniques)", 8000)
        if accepted and dialog.saved is not None:
            w.chooser.reload(select=dialog.saved.label)
            n = len(dialog.saved.examples)
            w.statusBar().showMessage(f"Saved reference '{dialog.saved.label}' ({n} example{'s' * (n != 1)})", 8000)
