"""The real window (offscreen) under faults: errors on worker threads, late signals of a replaced source, a
capture thread that does not stop, a camera that is lost and comes back, a reference that cannot be used."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from core.library.reference_library import Library
from core.library.references import make_reference

from .conftest import TESTDATA
from .fakes import FakeCameraRig, clip_images

pytest.importorskip("pytestqt")


@pytest.fixture
def reporter(tmp_path):
    from ui.faults import install_fault_reporter

    rep = install_fault_reporter(tmp_path / "posecoach.log")
    yield rep
    rep.uninstall()
    if rep.dialog is not None:
        rep.dialog.close()


@pytest.fixture
def squat_library(pose_cache, tmp_path):
    squat = pose_cache.get("squat_front_air")
    lib = Library(tmp_path / "lib")
    lib.save(make_reference(squat.slice(60, 120), "squat", "front"))
    return lib


def message_boxes():
    from PySide6.QtWidgets import QApplication, QMessageBox

    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def divide() -> float:
    return 1 / 0


def test_errors_on_worker_threads_are_logged_and_shown_once_on_the_ui_thread(qtbot, reporter, caplog):
    from PySide6.QtCore import QObject, QThread, Signal
    from PySide6.QtWidgets import QApplication

    class Broken(QObject):
        go = Signal()

        def explode(self) -> None:
            raise ValueError("the pipeline tripped over a frame")

    thread = QThread()
    broken = Broken()
    broken.moveToThread(thread)
    broken.go.connect(broken.explode)  # queued: runs on the worker thread, PySide hands the error to sys.excepthook
    thread.start()
    try:
        with caplog.at_level(logging.ERROR, logger="posecoach"):
            broken.go.emit()
            broken.go.emit()
            qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible(), timeout=5000)
            plain = threading.Thread(target=divide, name="history writer")
            plain.start()
            plain.join()
            qtbot.waitUntil(lambda: reporter.more == 2, timeout=5000)
    finally:
        thread.quit()
        thread.wait(2000)
    # one dialog, built on the UI thread, naming the log; the other errors are counted in it
    assert len(message_boxes()) == 1
    assert reporter.dialog.thread() is QApplication.instance().thread()
    assert "posecoach.log" in reporter.dialog.text() and "ValueError" in reporter.dialog.text()
    assert "2 more error(s)" in reporter.dialog.informativeText()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert logged.count("ValueError: the pipeline tripped over a frame") == 2 and "ZeroDivisionError" in logged
    # the same error again after the dialog was closed is logged, not shown again
    from PySide6.QtWidgets import QMessageBox

    reporter.dialog.button(QMessageBox.StandardButton.Ok).click()
    assert message_boxes() == []
    broken2 = threading.Thread(target=divide)
    broken2.start()
    broken2.join()
    qtbot.wait(300)
    assert message_boxes() == []


def test_a_failing_capture_is_reported_and_the_app_plays_the_next_source(make_window, qtbot, reporter, tmp_path):
    window = make_window(Library(tmp_path / "lib"))

    class CorruptVideo:
        fps, is_camera = 30.0, False

        def read(self):
            raise RuntimeError("decoder returned garbage")

        def close(self) -> None:
            pass

    window.opener = lambda spec: CorruptVideo()
    window.open_source(str(TESTDATA / "punch_side.mp4"))
    qtbot.waitUntil(lambda: "see the log" in window.video.message, timeout=10_000)
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible(), timeout=5000)
    assert "decoder returned garbage" in reporter.dialog.text()
    from core.frame.sources import VideoSource

    window.opener = VideoSource
    with qtbot.waitSignal(window.source_ended, timeout=60_000):
        window.open_source(str(TESTDATA / "punch_side.mp4"))
    assert window.worker.frames >= 90


def test_a_late_end_signal_of_the_previous_video_does_not_stop_the_current_one(make_window, qtbot, tmp_path):
    window = make_window(Library(tmp_path / "lib"))
    with qtbot.waitSignal(window.source_opened, timeout=30_000):
        window.open_source(str(TESTDATA / "punch_side.mp4"))
    previous = window.capture.worker
    with qtbot.waitSignal(window.source_opened, timeout=30_000):
        window.open_source(str(TESTDATA / "squat_front_air.mp4"))
    frames = window.worker.frames
    previous.ended.emit(previous.generation, "")  # what the replaced worker sends when its file runs out
    previous.lost.emit(previous.generation, "Camera lost")
    qtbot.wait(1500)
    assert window.capture.active and window.session.running
    assert "finished" not in window.video.message and "lost" not in window.video.message
    assert window.act_start.text() == "Stop"
    assert window.worker.frames > frames + 10  # the squat clip still plays


def test_a_capture_thread_that_does_not_stop_is_kept_and_its_frames_never_shown(make_window, qtbot, tmp_path, caplog):
    window = make_window(Library(tmp_path / "lib"))
    release, stuck = threading.Event(), threading.Event()

    class StuckCamera:
        fps, is_camera = 30.0, True

        def __init__(self) -> None:
            self.reads = 0

        def read(self):
            from core.frame.sources import Frame

            self.reads += 1
            if self.reads > 10:
                stuck.set()
                release.wait(10)  # a driver call that blocks, ignoring the stop request
            time.sleep(1 / 30)
            return Frame(self.reads, 0.0, images[0].copy())

        def close(self) -> None:
            pass

    images = clip_images(TESTDATA / "punch_side.mp4", limit=1)
    window.opener = lambda spec: StuckCamera()
    window.capture.stop_wait_ms = 300
    # The camera blocks after 10 frames: the model must be loaded by then for 5 of them to be processed (on a
    # busy machine it loaded after the tenth, and the test waited in vain; issue 11's loop of GUI runs).
    qtbot.waitUntil(lambda: window.session.pipeline is not None, timeout=30_000)
    with qtbot.waitSignal(window.source_opened, timeout=30_000):
        window.open_source(0)
    qtbot.waitUntil(lambda: window.worker.frames >= 5 and stuck.is_set(), timeout=30_000)
    from core.frame.sources import VideoSource

    window.opener = VideoSource
    with caplog.at_level(logging.WARNING, logger="posecoach"):
        window.open_source(str(TESTDATA / "punch_side.mp4"))
    assert "did not stop within 300 ms" in caplog.text
    assert len(window.capture.stale) == 1  # kept alive: a QThread destroyed while running aborts the app
    on_screen = []
    from PySide6.QtCore import QTimer

    timer = QTimer(interval=20, timeout=lambda: on_screen.append(window.latest and window.latest.generation))
    timer.start()
    release.set()  # the stuck read returns its frame now, after the source was replaced
    qtbot.waitUntil(lambda: not window.capture.stale, timeout=10_000)
    shown = []
    window.worker.frame_ready.connect(lambda v: shown.append(v.generation))
    qtbot.waitUntil(lambda: len(shown) >= 30, timeout=30_000)
    timer.stop()
    current = window.session.generation
    assert set(shown) == {current}
    assert set(on_screen) <= {None, current}


def test_a_lost_camera_is_said_retried_and_recovered_and_no_score_is_shown_in_the_gap(
    make_window, qtbot, squat_library
):
    from core.app.practice_session import SourceState

    window = make_window(squat_library)
    window.library_list.choose(1)
    rig = FakeCameraRig(clip_images(TESTDATA / "squat_front_air.mp4", limit=600), play_first=300,
                        stall_s=0.5, unplugged_opens=3)  # fmt: skip
    window.opener = rig.open
    window.capture.retry_seconds, window.capture.lost_after = 0.3, 0.8
    samples = []  # (state, score text, banner) as the person saw them, every 50 ms

    def sample() -> None:
        samples.append((window.session.state, window.score_label.text(), window.video.message))

    from PySide6.QtCore import QTimer

    timer = QTimer(interval=50, timeout=sample)
    timer.start()
    try:
        window.open_source(0)
        qtbot.waitUntil(lambda: window.session.state is SourceState.LOST, timeout=60_000)
        qtbot.waitUntil(lambda: "back" in rig.times and window.session.state is SourceState.RUNNING, timeout=20_000)
        qtbot.waitUntil(lambda: window.score_label.text().isdigit(), timeout=30_000)
    finally:
        timer.stop()
    states = [s for s, _, _ in samples]
    before = [text for s, text, _ in samples[: states.index(SourceState.LOST)]]
    gap = [(text, banner) for s, text, banner in samples if s is SourceState.LOST]
    assert any(t.isdigit() for t in before), "a score was shown before the camera was lost"
    assert gap and all(text == "\u2014" for text, _ in gap), "no score may be shown while the camera is lost"
    assert all(banner.startswith("Camera lost") and "Retrying" in banner for _, banner in gap)
    assert rig.opens == 2 and rig.unplugged_left == 0  # retried through three failed openings
    assert "is back" in window.statusBar().currentMessage() or window.video.message == ""


def test_a_reference_that_cannot_be_prepared_leaves_practice_running(make_window, qtbot, squat_library, monkeypatch):
    from core.app import practice_session

    window = make_window(squat_library)
    with qtbot.waitSignal(window.source_opened, timeout=30_000):
        window.open_source(str(TESTDATA / "squat_front_air.mp4"))
    qtbot.waitUntil(lambda: window.worker.frames >= 10, timeout=30_000)

    def broken(ref):
        raise MemoryError("cannot allocate the reference's features")

    monkeypatch.setattr(practice_session.PreparedReference, "from_reference", broken)
    engine = window.session.engine
    window.reload_library(select="squat - front")  # read again from disk: new objects, prepared anew
    assert "cannot be used" in window.statusBar().currentMessage()
    assert window.session.engine is engine  # the practice keeps what it had
    frames = window.worker.frames
    qtbot.waitUntil(lambda: window.worker.frames >= frames + 30, timeout=30_000)  # the pipeline lives on
