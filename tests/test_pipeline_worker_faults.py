"""The pipeline worker under faults (window offscreen, real model, real clips): a pose model that hangs
does not hold up closing, a fault outside a frame's pose does not end the pipeline, a UI thread that is
held up collects no queue of images, and played sources leave no thread objects behind."""

from __future__ import annotations

import logging
import threading
import time
import weakref

import numpy as np
import pytest

from core.library.reference_library import Library
from core.library.references import make_reference

from .conftest import TESTDATA

pytest.importorskip("pytestqt")

PUNCH = str(TESTDATA / "punch_side.mp4")
SQUAT = str(TESTDATA / "squat_front_air.mp4")


@pytest.fixture
def squat_window(make_window, pose_cache, tmp_path):
    squat = pose_cache.get("squat_front_air")
    lib = Library(tmp_path / "lib")
    lib.save(make_reference(squat.slice(60, 120), "squat", "front"))
    window = make_window(lib)
    window.library_list.choose(1)
    return window


def wait_ready(window, qtbot) -> None:
    qtbot.waitUntil(lambda: window.session.pipeline is not None, timeout=30_000)


def test_closing_while_the_pose_model_hangs_in_a_frame_ends_the_pipeline_thread_in_seconds(
    make_window, qtbot, tmp_path, caplog
):
    window = make_window(Library(tmp_path / "lib"))
    wait_ready(window, qtbot)
    estimator = window.worker.estimator
    real = estimator.process
    release, stuck = threading.Event(), threading.Event()
    calls = [0]

    def hangs(frame):
        calls[0] += 1
        if calls[0] == 20:  # a driver or model that never returns from this frame
            stuck.set()
            release.wait(60)
        return real(frame)

    estimator.process = hangs
    window.open_source(PUNCH)
    try:
        qtbot.waitUntil(stuck.is_set, timeout=30_000)
        with caplog.at_level(logging.ERROR, logger="posecoach"):
            started = time.monotonic()
            window.shutdown()
            took = time.monotonic() - started
        finished = window._pipeline_thread.isFinished()
    finally:
        release.set()
    assert took < 5.0 and finished, f"closing waited {took:.1f} s for a hung pose model"
    assert "did not finish its frame" in caplog.text
    # the helper thread ends with its frame and closes the model itself, on the thread that used it
    helpers = [t for t in threading.enumerate() if t.name == "posecoach-pose"]
    for t in helpers:
        t.join(10)
    assert not any(t.is_alive() for t in helpers)
    # the pose worker process was asked to quit: it closes the model and exits by itself
    assert estimator._estimator._proc.wait(10) == 0


def test_a_fault_outside_the_pose_step_costs_one_frame_and_the_pipeline_goes_on(squat_window, qtbot, monkeypatch):
    from ui import pipeline_worker

    window = squat_window
    real = pipeline_worker.rep_label
    failed = []

    def fails_once(rep, reference=""):
        if not failed:
            failed.append(rep)
            raise RuntimeError("the rep could not be labelled")
        return real(rep, reference)

    monkeypatch.setattr(pipeline_worker, "rep_label", fails_once)
    said = []
    window.worker.failed.connect(said.append)
    window.open_source(SQUAT)
    qtbot.waitUntil(lambda: bool(failed), timeout=60_000)
    frames = window.worker.frames
    qtbot.waitUntil(lambda: window.worker.frames >= frames + 30, timeout=30_000)
    assert window.worker.failures == 1 and len(said) == 1 and "goes on" in said[0]
    qtbot.waitUntil(lambda: len(window.rep_scores) >= 1, timeout=30_000)  # later reps still arrive


def test_a_held_up_ui_thread_collects_no_queue_of_drawn_frames(squat_window, qtbot):
    from PySide6.QtWidgets import QApplication

    from ui.pipeline_worker import MAX_VIEWS_IN_FLIGHT

    window = squat_window
    window.pace_files = False  # as fast as the pipeline goes: every frame is a candidate for drawing
    window.open_source(SQUAT)
    qtbot.waitUntil(lambda: window.worker.frames >= 30, timeout=30_000)
    QApplication.processEvents()
    received, frames = window.views_received, window.worker.frames
    time.sleep(1.5)  # the UI thread is busy (a slow reference, a dialog being built)
    assert window.worker.frames >= frames + 20  # the pipeline went on meanwhile
    QApplication.processEvents()  # what queued up during the wait arrives now
    assert window.views_received - received <= MAX_VIEWS_IN_FLIGHT + 1
    qtbot.waitUntil(lambda: window.views_received >= received + 20, timeout=30_000)  # drawing resumes


def test_a_backlog_draws_only_frames_the_window_paints(squat_window, qtbot):
    """A file played as fast as possible: the pipeline scores every frame but draws the next one only once
    the window painted the last, so drawing nothing that is never seen; the screen still gets a new frame
    for most paints. The pose runs in its worker process (core.pose.pose_process)."""
    from ui.pipeline_worker import MAX_DRAW_INTERVAL

    window = squat_window
    window.pace_files = False
    window.open_source(SQUAT)
    qtbot.waitUntil(lambda: window.worker.frames >= 30, timeout=30_000)
    assert window.worker.estimator._estimator.__class__.__name__ == "PoseProcess"
    frames, received, painted = window.worker.frames, window.views_received, window.painted_frames
    started = time.monotonic()
    qtbot.wait(2000)
    frames, received, painted = (window.worker.frames - frames, window.views_received - received,
                                 window.painted_frames - painted)  # fmt: skip
    elapsed = time.monotonic() - started
    ticks = elapsed / 0.033
    # A frame may also be drawn when the window has not painted for MAX_DRAW_INTERVAL (a busy machine).
    assert received <= painted + 2 + elapsed / MAX_DRAW_INTERVAL, f"{received} frames drawn for {painted} paints"
    assert painted >= 0.25 * ticks  # drawing waits for a paint, never for long
    if frames > 1.5 * ticks:  # the pipeline is faster than the screen here: it skipped drawing most frames
        assert received < 0.75 * frames
        assert painted >= 0.5 * ticks  # and still had a new frame for most paints


def test_frames_sent_ahead_to_the_pose_worker_are_each_processed_once_across_a_source_switch(squat_window, qtbot):
    """The first frame of a source restarts tracking and cannot go ahead; the frames after it must then wait
    for their turn, not go ahead of it (the worker would see them out of order, and each twice)."""
    window = squat_window
    window.pace_files = False
    window.open_source(SQUAT)
    qtbot.waitUntil(lambda: window.worker.frames >= 60, timeout=30_000)
    window.open_source(PUNCH)
    qtbot.waitUntil(lambda: window.worker.frames >= 120, timeout=30_000)
    pose = window.worker.estimator._estimator
    sent, processed = pose._count, window.worker.frames
    assert processed <= sent <= processed + 10, f"{sent} frames sent to the pose worker for {processed} processed"


def test_sources_played_and_switched_leave_no_capture_threads_behind(make_window, qtbot, tmp_path):
    from PySide6.QtCore import QThread

    window = make_window(Library(tmp_path / "lib"))
    on_ui_thread: list[bool] = []
    for _ in range(2):
        with qtbot.waitSignal(window.source_ended, timeout=60_000):
            window.open_source(PUNCH)  # played to its end
            # Let go on the UI thread: destroyed on its own thread, a worker deadlocked the app (capture_control).
            weakref.finalize(window.capture.worker, lambda: on_ui_thread.append(threading.current_thread() is
                                                                                threading.main_thread()))  # fmt: skip
    with qtbot.waitSignal(window.source_opened, timeout=30_000):
        window.open_source(SQUAT)
    with qtbot.waitSignal(window.source_opened, timeout=30_000):
        window.open_source(PUNCH)  # switched while the squat plays
    qtbot.waitUntil(lambda: len(window.capture.findChildren(QThread)) <= 1, timeout=10_000)
    qtbot.waitUntil(lambda: len(on_ui_thread) == 2, timeout=10_000)
    assert all(on_ui_thread)


def test_a_camera_stuck_in_its_driver_when_the_window_closes_does_not_abort_the_app(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("POSECOACH_CONFIG_DIR", str(tmp_path / "config"))
    from core.frame.sources import Frame
    from ui import capture_control
    from ui.main_window import MainWindow
    from ui.settings import AppSettings

    release, stuck = threading.Event(), threading.Event()
    image = (np.zeros((240, 320, 3)) + 90).astype(np.uint8)

    class StuckCamera:
        fps, is_camera = 30.0, True
        reads = 0

        def read(self):
            self.reads += 1
            if self.reads > 3:
                stuck.set()
                release.wait(60)  # a driver call that never returns while the window closes
            time.sleep(1 / 30)
            return Frame(self.reads, 0.0, image.copy())

        def close(self) -> None:
            pass

    window = MainWindow(Library(tmp_path / "lib"), AppSettings(), None)
    window.opener = lambda spec: StuckCamera()
    window.capture.stop_wait_ms = 200
    try:
        window.open_source(0)
        qtbot.waitUntil(stuck.is_set, timeout=30_000)
        assert not window.capture.shutdown(wait_ms=200)
        window.close()
        window.deleteLater()  # a running QThread destroyed with its parent would abort the process here
        qtbot.wait(300)
        (thread, _), *_ = capture_control._UNFINISHED
        assert thread.isRunning() and thread.parent() is None
    finally:
        release.set()
    qtbot.waitUntil(lambda: all(t.isFinished() for t, _ in capture_control._UNFINISHED), timeout=10_000)


def test_the_pose_thread_sends_frames_ahead_only_in_order():
    """The first frame of a new source cannot go ahead (its pose restarts tracking first); the frame after it
    must not go ahead of it either, or the worker would see them out of order and each twice."""
    from ui.pipeline_worker import PoseThread

    sent: list[int] = []
    restarted = threading.Event()
    gate = threading.Event()

    def ahead(k):
        def go() -> bool:
            if not restarted.is_set():
                return False  # still the old source's tracking: this frame waits for its turn
            if k not in sent:
                sent.append(k)
            return True

        return go

    def estimate(k):
        def run() -> int:
            restarted.set()  # frame 0 restarted tracking
            if k not in sent:
                sent.append(k)  # not sent ahead: the pose step sends it itself
            return k

        return run

    poser = PoseThread()
    blocker = poser.submit(lambda: gate.wait(10))  # the jobs below queue up behind it
    futures = [poser.submit(estimate(k), ahead(k)) for k in range(6)]
    gate.set()
    assert blocker.result(10) and [f.result(10) for f in futures] == list(range(6))
    assert sent == list(range(6))
    assert poser.close(lambda: None, 5)


def test_frames_go_ahead_again_to_a_worker_that_replaced_the_old_one():
    """Auto's switch to lite (or a restart) replaces the worker while the next frame was already sent to the old
    one: that frame must go to the new worker before the frame after it."""
    from ui.pipeline_worker import PoseThread

    worker: dict = {"id": 0, "has": set()}
    processed: list[tuple[int, int]] = []
    gate = threading.Event()

    def give(k: int) -> None:
        if k not in worker["has"]:
            worker["has"].add(k)
            processed.append((worker["id"], k))

    def ahead(k):
        def go() -> bool:
            give(k)
            return True

        return go

    def estimate(k):
        def run() -> int:
            give(k)
            if k == 2:  # auto decided after this frame: a new worker, which has none of the frames yet
                worker.update(id=1, has=set())
            return k

        return run

    poser = PoseThread()
    poser.submit(lambda: gate.wait(10))
    futures = [poser.submit(estimate(k), ahead(k)) for k in range(7)]
    gate.set()
    assert [f.result(10) for f in futures] == list(range(7))
    assert [k for w, k in processed if w == 1] == [3, 4, 5, 6]  # each once, in order
    assert poser.close(lambda: None, 5)
