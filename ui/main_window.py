"""The main window: wires the practice session, the capture and pipeline threads and the widgets; UI thread only.

What the practice is (source, references, engine, recorder, record clock, history) lives in
core.app.practice_session; this file lays out widgets, forwards what the person asks for and shows the result.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QThread, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QFileDialog, QLabel, QMainWindow, QSpinBox, QSplitter, QTabWidget

from core.app.practice_history import PracticeHistory
from core.app.practice_session import PracticeSession, RecordResult, SourceState
from core.frame.mailbox import LatestSlot
from core.frame.sources import VideoSource, parse_source
from core.library.reference_library import Library
from core.library.references import Reference
from core.match.combo_engine import ComboEngine
from core.match.live_events import Rep
from core.match.rep_arbiter import rep_label
from core.view.live_pipeline import ViewFrame

from .capture_control import CaptureControl
from .capture_worker import Opener, describe
from .library_list import LibraryPanel
from .pipeline_worker import PipelineWorker
from .practice_panel import PracticePanel
from .presentation import install_presentation
from .record_control import RecordControl
from .reference_chooser import ReferenceChooser
from .review_control import install_review
from .sequence_bar import SequenceBar, with_bar
from .settings import AppSettings
from .toolbar import build_actions
from .video_view import VideoView
from .voice_control import VoiceControl

LOG = logging.getLogger("posecoach")
# Pipeline threads that did not stop at shutdown: kept referenced and without a parent, so that deleting the
# window never destroys a running QThread (Qt aborts the process then); they end when their frame does.
_UNFINISHED: list[tuple[QThread, PipelineWorker]] = []
VIDEO_FILTER = "Videos (*.mp4 *.avi *.mov *.mkv *.webm);;All files (*)"


class MainWindow(QMainWindow):
    source_opened = Signal()
    source_ended = Signal()
    # A finished Record (core.app.practice_session.RecordResult). The window lives on the UI thread, so the
    # signal reaches the UI whichever thread ended the record (the pipeline's, at the set duration).
    record_finished = Signal(object)

    def __init__(self, library: Library, settings: AppSettings, history=None) -> None:  # noqa: ANN001
        super().__init__()
        self.setWindowTitle("PoseCoach")
        self.library = library
        self.settings = settings
        self.history = history  # core.app.history store, optional
        self.source_spec: str | int | None = None
        self.pace_files = True  # play files in real time (benchmarks switch it off)
        self.opener: Opener = VideoSource  # tests put a fake camera here
        self.painted_frames = 0
        self.views_received = 0  # drawn frames that reached the window (benches, tests)
        self.latest: ViewFrame | None = None
        self._painted: ViewFrame | None = None
        self.slot: LatestSlot = LatestSlot()
        self.capture = CaptureControl(self.slot, self)
        practice_history = PracticeHistory(history, self._note) if history is not None else None
        self.session = PracticeSession(history=practice_history)
        self.record_control = RecordControl(self)

        self._build_widgets()
        build_actions(self)
        install_review(self)  # W and the rep list: replay a kept rep beside the coach (ui/review_control.py)
        install_presentation(self)  # F11: full screen for a class (ui/presentation.py)
        self._start_pipeline()
        self.chooser = ReferenceChooser(self)
        self.chooser.reload(select=settings.reference if settings.has_reference else None)
        self.reload_library = self.chooser.reload
        self.voice = VoiceControl(self)  # spoken cues, V to mute, gesture commands and their ring

        self._paint_timer = QTimer(self, interval=33, timeout=self._paint)  # ~30 Hz, only when new
        self._text_timer = QTimer(self, interval=200, timeout=self._refresh_text)  # text changes slowly
        self._paint_timer.start()
        self._text_timer.start()
        if (g := settings.geometry()) is not None:
            self.restoreGeometry(g)
        else:
            self.resize(1280, 760)
        if (s := settings.window_state()) is not None:
            self.restoreState(s)

    # -- layout -------------------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.video = VideoView()
        self.panel = PracticePanel()
        self.library_panel = LibraryPanel()
        self.library_list = self.library_panel.list
        self.score_label, self.rep_list = self.panel.score_label, self.panel.rep_list
        self.panel.both_sides.setChecked(self.settings.sides == "both")
        self.session.sides = self.settings.sides
        self.panel.both_sides.toggled.connect(self._sides_toggled)
        self.record_seconds = QSpinBox(suffix=" s", minimum=1, maximum=60, value=self.settings.record_seconds)
        self.record_seconds.setToolTip("Recording stops by itself after this long (or press R again)")
        self.splitter = QSplitter()
        self.splitter.addWidget(self.library_panel)
        self.sequence_bar = SequenceBar()
        self.splitter.addWidget(with_bar(self.sequence_bar, self.video))
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 1)
        self.splitter.setSizes([240, 740, 300])
        self.tabs = QTabWidget()
        self.tabs.addTab(self.splitter, "Practice")
        if self.history is not None:
            from .history_view import HistoryView

            self.history_view = HistoryView(self.history)
            self.tabs.addTab(self.history_view, "History")
            if self.session.history is not None:
                self.session.history.on_ended = self.history_view.refresh
        self.setCentralWidget(self.tabs)
        self.status_source = QLabel("")
        self.status_fps = QLabel("")
        self.statusBar().addWidget(self.status_source, 1)
        self.statusBar().addPermanentWidget(self.status_fps)
        self.setStyleSheet("QMainWindow, QWidget { background: #1c1c20; color: #eee; } "
                           "QToolBar QToolButton { font-size: 15px; padding: 6px 10px; }")  # fmt: skip

    @property
    def rep_scores(self) -> list[float]:
        return self.session.rep_scores

    @property
    def references(self) -> list[Reference]:
        return self.chooser.references

    @property
    def is_camera(self) -> bool:
        return self.session.is_camera

    @is_camera.setter
    def is_camera(self, value: bool) -> None:
        self.session.is_camera = value

    # -- pipeline and capture ----------------------------------------------------------------------
    def _start_pipeline(self) -> None:
        self.worker: PipelineWorker | None = PipelineWorker(self.slot, self.session, model=self.settings.pose_model)
        self.session.on_record_finished = self.record_finished.emit
        self._pipeline_thread = QThread(self)
        self.worker.moveToThread(self._pipeline_thread)
        self._pipeline_thread.started.connect(self.worker.run)
        self.worker.frame_ready.connect(self._frame_ready)
        self.worker.rep_done.connect(self._rep_done)
        # Queued even from the UI thread: the Record dialog opens after the call that ended the record.
        self.record_finished.connect(self._record_finished, Qt.ConnectionType.QueuedConnection)
        self.worker.failed.connect(self.show_problem)
        self.worker.note.connect(self._note)
        self._pipeline_thread.start()

    def open_source(self, spec: str | int) -> None:
        """Switch to a camera index or a video file; the pose model stays loaded."""
        self.capture.stop()
        self.source_spec = spec
        self.settings.source = str(spec)
        generation = self.session.open_source(describe(spec), isinstance(spec, int))
        self.latest = self._painted = None
        self.video.clear_image()
        self.video.message = f"Opening {describe(spec)}..."
        self.panel.clear()
        self.slot.reopen()
        self._apply_mirror()
        worker = self.capture.start(spec, generation, self.pace_files, self.opener)
        worker.opened.connect(self._source_opened)
        worker.failed.connect(self._source_failed)
        worker.lost.connect(self._source_lost)
        worker.ended.connect(self._source_finished)
        self.capture.launch()
        self.act_start.setText("Stop")

    def toggle_running(self) -> None:
        if self.capture.active:
            self.capture.stop()
            self.session.stop_source()
            self.act_start.setText("Start")
            self.video.message = "Stopped. Press Space to start again."
            self.video.update()
        elif self.source_spec is not None:
            self.open_source(self.source_spec)

    def choose_video(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a video", str(Path.home()), VIDEO_FILTER)
        if path:
            self.open_source(path)

    def _source_opened(self, generation: int, description: str, fps: float, is_camera: int) -> None:
        recovered = self.session.state is SourceState.LOST
        if not self.session.source_opened(generation, fps):
            return  # a replaced source's late signal
        self.status_source.setText(f"Source: {description} ({fps:.0f} fps)")
        self.video.message = ""
        if recovered:
            self.statusBar().showMessage(f"The {description} is back.", 5000)
        self.source_opened.emit()

    def _source_lost(self, generation: int, text: str) -> None:
        if not self.session.source_lost(generation):
            return
        self.latest = self._painted = None  # the last frame's score must not stay up during the gap
        self.panel.clear_score()
        self.video.advice = []
        self.show_problem(text)

    def _source_failed(self, generation: int, text: str) -> None:
        if generation == self.session.generation:
            self.show_problem(text)

    def _source_finished(self, generation: int, early: str = "") -> None:
        """The file played to its end; `early`: why it ended before its header said (a truncated file)."""
        # The reps the engine still holds back are decided first, while the stored session is open to keep them
        # (an older source's signal gets none: waiting_reps checks the generation).
        for rep in self.session.waiting_reps(generation):  # auto-detect's last reps, held for their rivals
            self._rep_done(generation, rep, rep_label(rep))
            self.voice.on_rep(generation, rep, rep_label(rep))  # said too, as a rep from the pipeline is
        if not self.session.source_ended(generation, early):
            return  # a replaced source's late `ended` must not stop the current one
        self.capture.finished_by_itself()
        for hold in self.session.last_holds:  # a hold still running when the video ended
            self.panel.add_hold(hold)
        self.panel.show_finished(self.session.rep_scores)
        self.video.message = self.session.finished_summary()
        self.video.update()
        if early:
            self.statusBar().showMessage(early, 20000)
        self.act_start.setText("Start")
        self.source_ended.emit()

    def show_problem(self, text: str) -> None:
        self.video.message = text
        self.video.update()
        self.statusBar().showMessage(text.splitlines()[0], 8000)

    def _note(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    # -- display ------------------------------------------------------------------------------------
    def _frame_ready(self, view: ViewFrame) -> None:
        self.views_received += 1
        if self.worker is not None:
            self.worker.view_received()  # the pipeline draws again once the UI keeps up
        if self.session.shows(view.generation):
            self.latest = view  # painted by the timer: a burst of frames costs one repaint

    def _paint(self) -> None:
        view = self.latest
        if view is None or view is self._painted:
            return
        self._painted = view
        self.painted_frames += 1
        if self.worker is not None:
            self.worker.view_painted(view)
        self.video.set_image(view.image, view.mirrored)
        # The REC mark follows the session's state: a frame painted late must not bring it back or drop it.
        self.video.recording = (view.recording or 0.0) if self.session.recording else None
        if view.update is not None:
            self.panel.plot.add(view.t, view.update.score)

    def _refresh_text(self) -> None:
        self.status_fps.setText(
            f"{self.worker.running_model}  {self.worker.fps:4.1f} fps   dropped {self.slot.dropped}"
            if self.worker is not None
            else ""
        )
        engine = self.session.engine
        self.sequence_bar.show_progress(engine.progress if isinstance(engine, ComboEngine) else None)
        view = self.latest
        if view is None or self.session.state is SourceState.ENDED:
            return  # after the end of a video the panel keeps its final count (show_finished)
        if view.update is None:
            self.panel.clear_score()
            self.video.advice = [] if view.detected else ["step into the frame"]
            return
        self.panel.show_update(view.update, self.rep_scores, self.act_mirror.isChecked() and self.is_camera)
        self.video.advice = [f.message for f in view.update.feedback]
        self.video.update()

    def _rep_done(self, generation: int, rep: Rep, reference: str) -> None:
        if self.session.rep_completed(generation, rep, reference):
            # One move chosen: it is named above the list, so each line keeps room for the advice.
            self.panel.add_rep(rep, reference if len(self.session.references) > 1 else "")

    def _sides_toggled(self, both: bool) -> None:
        """One side or both: remembered; the practice starts again (its reps were counted the other way)."""
        self.settings.sides = "both" if both else "one"
        self.session.set_sides(self.settings.sides)
        self.panel.clear()

    # -- mirror ---------------------------------------------------------------------------------------
    def _mirror_toggled(self) -> None:
        if self.is_camera:
            self.settings.mirror = self.act_mirror.isChecked()
        self._apply_mirror()

    def _apply_mirror(self) -> None:
        # A webcam is shown as a mirror, as people expect; a video file as it was filmed unless asked.
        self.session.mirror_display = self.act_mirror.isChecked() and self.is_camera

    # -- record (ui/record_control.py) ---------------------------------------------------------------
    def toggle_record(self) -> None:
        self.record_control.toggle()

    def _record_finished(self, result: RecordResult) -> None:
        self.record_control.finished(result)  # a method of the window: always run on the UI thread

    def stop_record(self) -> None:
        self.session.stop_record()
        self.record_control.count_down()

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
        for timer in (self._paint_timer, self._text_timer, self.record_control.timer):
            timer.stop()
        self.voice.close()
        self.session.close()
        self.capture.shutdown()
        if self.worker is not None:
            self.worker.stop()
            self._pipeline_thread.quit()
            if not self._pipeline_thread.wait(10_000):
                LOG.error("the pipeline thread did not stop within 10 s; the pose model may still be busy")
                self._pipeline_thread.setParent(None)
                _UNFINISHED.append((self._pipeline_thread, self.worker))  # not destroyed on its own thread
            self.worker = None


def initial_source(arg: str | None, settings: AppSettings) -> str | int:
    return parse_source(arg if arg is not None else settings.source or "0")
