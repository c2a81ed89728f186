"""The main window: wires sources, the pipeline worker and the library to the widgets; UI thread only."""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import Qt, QThread, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QLabel,
    QListWidget,
    QMainWindow,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from core.errors import LibraryError
from core.live_pipeline import ViewFrame
from core.mailbox import LatestSlot
from core.references import Library, Reference
from core.sources import parse_source

from .body_figure import BodyFigure, score_qcolor
from .capture_worker import CaptureWorker, describe
from .pipeline_worker import PipelineWorker
from .record_dialog import RecordDialog
from .score_plot import ScorePlot
from .settings import AppSettings
from .video_view import VideoView

AUTO = "Auto-detect the move"
NO_SCORE = "\u2014"
COUNTDOWN_SECONDS = 3
VIDEO_FILTER = "Videos (*.mp4 *.avi *.mov *.mkv *.webm);;All files (*)"


class MainWindow(QMainWindow):
    source_opened = Signal()
    source_ended = Signal()

    def __init__(self, library: Library, settings: AppSettings, history=None) -> None:  # noqa: ANN001
        super().__init__()
        self.setWindowTitle("PoseCoach")
        self.library = library
        self.settings = settings
        self.history = history  # core.history store, optional
        self.session_id: int | None = None
        self.references: list[Reference] = []
        self.source_spec: str | int | None = None
        self.source_fps = 30.0
        self.is_camera = False
        self.pace_files = True  # play files in real time (benchmarks switch it off)
        self.painted_frames = 0
        self.latest: ViewFrame | None = None
        self._painted: ViewFrame | None = None
        self._countdown_left = 0
        self._recording = False  # Record is on (the worker holds the recorder until its take comes back)
        self._source_note = ""  # said in the Record dialog of a take the source's end cut short
        self.rep_scores: list[float] = []
        self.slot: LatestSlot = LatestSlot()
        self._capture: CaptureWorker | None = None
        self._capture_thread: QThread | None = None

        self._build_widgets()
        self._build_actions()
        self._start_pipeline()
        self.reload_library(select=settings.reference)

        self._paint_timer = QTimer(self, interval=33, timeout=self._paint)  # ~30 Hz, only when new
        self._text_timer = QTimer(self, interval=200, timeout=self._refresh_text)  # text changes slowly
        self._paint_timer.start()
        self._text_timer.start()
        self._countdown_timer = QTimer(self, interval=1000, timeout=self._count_down)
        self._record_timer = QTimer(self, interval=1000, timeout=self.stop_record)  # the set duration
        self._record_timer.setSingleShot(True)
        if (g := settings.geometry()) is not None:
            self.restoreGeometry(g)
        else:
            self.resize(1280, 760)
        if (s := settings.window_state()) is not None:
            self.restoreState(s)

    # -- layout -------------------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.video = VideoView()
        self.reference_box = QComboBox()
        self.reference_box.currentIndexChanged.connect(self._reference_chosen)
        self.score_label = QLabel(NO_SCORE)
        self.score_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.score_label.setStyleSheet("font-size: 96px; font-weight: bold; color: #999;")
        self.move_label = QLabel("")
        self.move_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.move_label.setStyleSheet("font-size: 16px; color: #ccc;")
        self.move_label.setWordWrap(True)
        self.reps_label = QLabel("Reps: 0")
        self.reps_label.setStyleSheet("font-size: 30px; font-weight: bold;")
        self.body = BodyFigure()
        self.rep_list = QListWidget()
        self.rep_list.setStyleSheet("font-size: 16px;")
        self.plot = ScorePlot()
        self.record_seconds = QSpinBox(suffix=" s", minimum=1, maximum=60, value=self.settings.record_seconds)
        self.record_seconds.setToolTip("Recording stops by itself after this long (or press R again)")

        side = QWidget()
        col = QVBoxLayout(side)
        col.addWidget(QLabel("Reference move"))
        col.addWidget(self.reference_box)
        col.addWidget(self.score_label)
        col.addWidget(self.move_label)
        col.addWidget(self.reps_label)
        col.addWidget(self.body, 2)
        col.addWidget(self.rep_list, 1)
        col.addWidget(self.plot, 1)
        side.setMinimumWidth(300)

        self.splitter = QSplitter()
        self.splitter.addWidget(self.video)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.splitter, "Practice")
        self._add_history_tab()
        self.setCentralWidget(self.tabs)
        self.status_source = QLabel("")
        self.status_fps = QLabel("")
        self.statusBar().addWidget(self.status_source, 1)
        self.statusBar().addPermanentWidget(self.status_fps)
        self.setStyleSheet("QMainWindow, QWidget { background: #1c1c20; color: #eee; } "
                           "QToolBar QToolButton { font-size: 15px; padding: 6px 10px; }")  # fmt: skip

    def _add_history_tab(self) -> None:
        if self.history is None:
            return
        from .history_view import HistoryView

        self.history_view = HistoryView(self.history)
        self.tabs.addTab(self.history_view, "History")

    def _build_actions(self) -> None:
        bar = QToolBar("Main")
        bar.setObjectName("main-toolbar")
        self.addToolBar(bar)

        def action(text: str, shortcut: str, slot, checkable: bool = False) -> QAction:  # noqa: ANN001
            a = QAction(text, self)
            a.setShortcut(QKeySequence(shortcut))
            a.setCheckable(checkable)
            a.setToolTip(f"{text} ({shortcut})")
            a.triggered.connect(slot)
            bar.addAction(a)
            return a

        self.act_open = action("Open video...", "Ctrl+O", self.choose_video)
        self.act_start = action("Stop", "Space", self.toggle_running)
        self.act_record = action("● Record", "R", self.toggle_record)
        self.act_mirror = action("Mirror", "M", self._mirror_toggled, checkable=True)
        self.act_mirror.setChecked(self.settings.mirror)
        action("◀ Reference", "PgUp", lambda: self._step_reference(-1))
        action("Reference ▶", "PgDown", lambda: self._step_reference(+1))
        bar.addWidget(QLabel("  Record for "))
        bar.addWidget(self.record_seconds)
        cameras = self.menuBar().addMenu("&Source")
        group = QActionGroup(self)
        for n in range(4):
            a = cameras.addAction(f"Camera {n}")
            a.setCheckable(True)
            group.addAction(a)
            a.triggered.connect(lambda _checked, n=n: self.open_source(n))
        cameras.addSeparator()
        cameras.addAction(self.act_open)

    # -- pipeline and capture ----------------------------------------------------------------------
    def _start_pipeline(self) -> None:
        self.worker = PipelineWorker(self.slot)
        self._pipeline_thread = QThread(self)
        self.worker.moveToThread(self._pipeline_thread)
        self._pipeline_thread.started.connect(self.worker.run)
        self.worker.frame_ready.connect(self._frame_ready)
        self.worker.rep_done.connect(self._rep_done)
        self.worker.take_recorded.connect(self._take_recorded)
        self.worker.failed.connect(self._show_problem)
        self._pipeline_thread.start()

    def open_source(self, spec: str | int) -> None:
        """Switch to a camera index or a video file; the pose model stays loaded."""
        self._stop_capture()
        self._end_session()
        self._source_note = ""
        self.source_spec = spec
        self.is_camera = isinstance(spec, int)
        self.settings.source = str(spec)
        self.latest = self._painted = None
        self.video.clear_image()
        self.video.message = f"Opening {describe(spec)}..."
        self.rep_list.clear()
        self.rep_scores.clear()
        self.plot.clear()
        self.slot.reopen()
        self.worker.new_source()
        self._apply_mirror()
        self.worker.set_references(self._chosen_references())
        self._capture = CaptureWorker(spec, self.slot, paced=self.pace_files)
        self._capture_thread = QThread(self)
        self._capture.moveToThread(self._capture_thread)
        self._capture_thread.started.connect(self._capture.run)
        self._capture.opened.connect(self._source_opened)
        self._capture.failed.connect(self._show_problem)
        self._capture.ended.connect(self._source_finished)
        self._capture_thread.start()
        self.act_start.setText("Stop")

    def _stop_capture(self) -> None:
        if self._capture is not None and self._capture_thread is not None:
            self._capture.stop()
            self._capture_thread.quit()
            self._capture_thread.wait(3000)
        self._capture = self._capture_thread = None

    def toggle_running(self) -> None:
        if self._capture is not None:
            self._stop_capture()
            self._end_session()
            self.act_start.setText("Start")
            self.video.message = "Stopped. Press Space to start again."
            self.video.update()
        elif self.source_spec is not None:
            self.open_source(self.source_spec)

    def choose_video(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a video", str(Path.home()), VIDEO_FILTER)
        if path:
            self.open_source(path)

    def _source_opened(self, description: str, fps: float, is_camera: int) -> None:
        self.source_fps = fps
        self.status_source.setText(f"Source: {description} ({fps:.0f} fps)")
        self.video.message = ""
        self._begin_session()
        self.source_opened.emit()

    def _source_finished(self, early: str = "") -> None:
        """The file played to its end; `early`: why it ended before its header said (a truncated file)."""
        self._source_note = early  # a take cut short by it must say so in the Record dialog
        self.stop_record()
        n = len(self.rep_scores)
        if n:
            mean, best = sum(self.rep_scores) / n, max(self.rep_scores)
            reps = f"{n} rep{'s' * (n != 1)}"
            self.video.message = f"Video finished: {reps}, average {mean:.0f}, best {best:.0f}"
        else:
            self.video.message = "Video finished: no complete rep of this move was found"
        self.video.update()
        if early:
            self.statusBar().showMessage(early, 20000)
        self._capture = None
        if self._capture_thread is not None:
            self._capture_thread.quit()
        self.act_start.setText("Start")
        self._end_session()
        self.source_ended.emit()

    def _show_problem(self, text: str) -> None:
        self.video.message = text
        self.video.update()
        self.statusBar().showMessage(text.splitlines()[0], 8000)

    # -- references ---------------------------------------------------------------------------------
    def reload_library(self, select: str = "") -> None:
        try:
            self.references = self.library.load()
        except LibraryError as exc:  # e.g. --library names a file: say so and run without references
            self.references = []
            self._show_problem(str(exc))
        problems = [str(e) for e in self.library.errors]
        self.reference_box.blockSignals(True)
        self.reference_box.clear()
        self.reference_box.addItem(AUTO)
        for ref in self.references:
            self.reference_box.addItem(ref.label)
        index = self.reference_box.findText(select) if select else -1
        self.reference_box.setCurrentIndex(max(0, index))
        self.reference_box.blockSignals(False)
        if problems:
            self.statusBar().showMessage("Some references could not be read: " + "; ".join(problems), 15000)
        if not self.references:
            self.move_label.setText("No reference moves yet: press Record (R) to add one")
        self._reference_chosen()

    def _chosen_references(self) -> list[Reference]:
        label = self.reference_box.currentText()
        if label == AUTO or not label:
            return list(self.references)
        return [r for r in self.references if r.label == label]

    def _reference_chosen(self, *_: object) -> None:
        label = self.reference_box.currentText()
        self.settings.reference = "" if label == AUTO else label
        self.worker.set_references(self._chosen_references())
        self.rep_list.clear()
        self.rep_scores.clear()
        self.plot.clear()
        if self._capture is not None:
            self._end_session()
            self._begin_session()

    def _step_reference(self, step: int) -> None:
        n = self.reference_box.count()
        if n:
            self.reference_box.setCurrentIndex((self.reference_box.currentIndex() + step) % n)

    # -- display ------------------------------------------------------------------------------------
    def _frame_ready(self, view: ViewFrame) -> None:
        self.latest = view  # painted by the timer: a burst of frames costs one repaint

    def _paint(self) -> None:
        view = self.latest
        if view is None or view is self._painted:
            return
        self._painted = view
        self.painted_frames += 1
        self.video.set_image(view.image, view.mirrored)
        # The REC mark follows the window's own state: a frame painted late must not bring it back or drop it.
        self.video.recording = (view.recording or 0.0) if self._recording else None
        if view.update is not None:
            self.plot.add(view.t, view.update.score)

    def _refresh_text(self) -> None:
        view = self.latest
        self.status_fps.setText(
            f"{self.worker.fps:4.1f} fps   dropped {self.slot.dropped}" if self.worker is not None else ""
        )
        if view is None:
            return
        u = view.update
        if u is None:
            self.score_label.setText(NO_SCORE)
            self.video.advice = [] if view.detected else ["step into the frame"]
            return
        if u.score is not None:
            self.score_label.setText(f"{u.score:.0f}")
            colour = score_qcolor(u.score).name()
        elif self.rep_scores:  # between reps: the last rep's score, dimmed
            self.score_label.setText(f"{self.rep_scores[-1]:.0f}")
            colour = score_qcolor(self.rep_scores[-1]).darker(170).name()
        else:
            self.score_label.setText(NO_SCORE)
            colour = "#777"
        self.score_label.setStyleSheet(f"font-size: 96px; font-weight: bold; color: {colour};")
        phase = "" if u.phase is None else f"   {int(100 * u.phase)}% through"
        tempo = "" if u.tempo is None else f"   tempo {u.tempo:.2f}x"
        self.move_label.setText(f"{u.reference}{phase}{tempo}")
        self.reps_label.setText(f"Reps: {u.rep_count}")
        self.body.set_parts(u.parts, self.act_mirror.isChecked() and self.is_camera)
        self.body.setToolTip(self.body.tooltip_text())
        self.video.advice = [f.message for f in u.feedback]
        self.plot.update()
        self.video.update()

    def _rep_done(self, rep, reference: str) -> None:  # noqa: ANN001 - core.live.Rep
        self.rep_scores.append(rep.score)
        advice = f"  - {rep.feedback[0].message}" if rep.feedback else ""
        self.rep_list.insertItem(0, f"#{rep.index}  {rep.score:.0f}  {reference}{advice}")
        self.plot.add_rep(rep.end, rep.score)
        if self.history is not None and self.session_id is not None:
            try:
                self.history.add_rep(self.session_id, rep, reference)
            except Exception as exc:  # noqa: BLE001 - history must never stop practice
                self.statusBar().showMessage(f"History not saved: {exc}", 8000)

    def _begin_session(self) -> None:
        if self.history is None or self.session_id is not None or self.source_spec is None:
            return
        refs = self._chosen_references()
        ref = refs[0] if len(refs) == 1 else None
        try:
            self.session_id = self.history.start_session(
                describe(self.source_spec), ref.label if ref else None,
                ref.move if ref else None, ref.view if ref else None, "app",
            )  # fmt: skip
        except Exception as exc:  # noqa: BLE001
            self.statusBar().showMessage(f"History not available: {exc}", 8000)

    def _end_session(self) -> None:
        if self.history is not None and self.session_id is not None:
            with contextlib.suppress(Exception):  # the session keeps its reps either way
                self.history.end_session(self.session_id)
            if hasattr(self, "history_view"):
                self.history_view.refresh()
        self.session_id = None

    # -- mirror ---------------------------------------------------------------------------------------
    def _mirror_toggled(self) -> None:
        if self.is_camera:
            self.settings.mirror = self.act_mirror.isChecked()
        self._apply_mirror()

    def _apply_mirror(self) -> None:
        # A webcam is shown as a mirror, as people expect; a video file as it was filmed unless asked.
        self.worker.set_mirror_display(self.act_mirror.isChecked() and self.is_camera)

    # -- record ---------------------------------------------------------------------------------------
    def toggle_record(self) -> None:
        if self._recording or self._countdown_left:
            self.stop_record()
            return
        if self._capture is None:
            if self.source_spec is None:
                return
            self.open_source(self.source_spec)
        self.settings.record_seconds = self.record_seconds.value()
        self.act_record.setText("■ Stop recording")
        if self.is_camera:
            self._countdown_left = COUNTDOWN_SECONDS  # time to step back into place
            self.video.countdown = self._countdown_left
            self._countdown_timer.start()
        else:
            self._begin_recording()

    def _count_down(self) -> None:
        self._countdown_left -= 1
        self.video.countdown = self._countdown_left or None
        self.video.update()
        if self._countdown_left <= 0:
            self._countdown_timer.stop()
            self._begin_recording()

    def _begin_recording(self) -> None:
        self._recording = True
        self.video.recording = 0.0
        self.worker.start_recording(describe(self.source_spec), self.source_fps)
        self._record_timer.start(self.record_seconds.value() * 1000)

    def stop_record(self) -> None:
        if self._countdown_left:
            self._countdown_timer.stop()
            self._countdown_left = 0
            self.video.countdown = None
            self.act_record.setText("● Record")
            return
        self._record_timer.stop()
        if self.worker is not None and self._recording:
            self.worker.stop_recording()

    def _take_recorded(self, take) -> None:  # noqa: ANN001 - core.recording.RecordedTake | None
        self._recording = False
        self.video.recording = None
        self.video.update()  # the REC mark goes before the dialog opens
        self.act_record.setText("● Record")
        if take is None:
            self._show_problem("Nothing was recorded: the source gave no frames while recording.")
            return
        note, self._source_note = self._source_note, ""
        dialog = RecordDialog(take, self.library, self, note=note)
        if self.exec_dialog(dialog) == QDialog.DialogCode.Accepted and dialog.saved is not None:
            self.reload_library(select=dialog.saved.label)
            n = len(dialog.saved.examples)
            self.statusBar().showMessage(f"Saved reference '{dialog.saved.label}' ({n} example{'s' * (n != 1)})", 8000)

    def exec_dialog(self, dialog: QDialog) -> int:
        """Modal dialog; tests replace this to fill the dialog in."""
        return dialog.exec()

    # -- shutdown --------------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.settings.save_window(self.saveGeometry(), self.saveState())
        self.settings.record_seconds = self.record_seconds.value()
        self.settings.sync()
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop threads and release the camera (an unsaved recording is dropped; nothing half-written)."""
        self._paint_timer.stop()
        self._text_timer.stop()
        self._countdown_timer.stop()
        self._record_timer.stop()
        self._stop_capture()
        self._end_session()
        if self.worker is not None:
            self.worker.stop()
            self._pipeline_thread.quit()
            self._pipeline_thread.wait(5000)
            self.worker = None


def initial_source(arg: str | None, settings: AppSettings) -> str | int:
    return parse_source(arg if arg is not None else settings.source or "0")
