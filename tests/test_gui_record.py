"""The Record dialog adds a take to an existing move and splits a take into reps (window offscreen, real clips)."""

from __future__ import annotations

import numpy as np
import pytest

from core.library.recording import RecordedTake
from core.library.reference_library import Library
from core.pose.estimator import PoseSequence

from .conftest import TESTDATA

pytest.importorskip("pytestqt")


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("POSECOACH_CONFIG_DIR", str(tmp_path / "config"))
    from ui.main_window import MainWindow
    from ui.settings import AppSettings

    win = MainWindow(Library(tmp_path / "lib"), AppSettings(), None)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def record_once(window, qtbot) -> None:
    with qtbot.waitSignal(window.record_finished, timeout=60_000):
        with qtbot.waitSignal(window.source_opened, timeout=30_000):
            window.open_source(str(TESTDATA / "punch_side.mp4"))
        window.toggle_record()


def test_saving_twice_into_the_same_move_gives_two_examples(window, qtbot, tmp_path):
    seen = []

    def new_move(dialog):
        dialog.name.setText("punch")
        dialog.view.setCurrentText("side")
        dialog.save()
        return dialog.result()

    def add_to_punch(dialog):
        seen.append([dialog.add_to.itemText(i) for i in range(dialog.add_to.count())])
        dialog.add_to.setCurrentIndex(1)  # the one stored move
        assert dialog.name.text() == "punch" and not dialog.name.isEnabled()
        dialog.end.setValue(60)  # a shorter second example
        dialog.save()
        return dialog.result()

    window.exec_dialog = new_move
    record_once(window, qtbot)
    qtbot.waitUntil(lambda: window.library_list.choice_count() == 2, timeout=10_000)
    window.exec_dialog = add_to_punch
    record_once(window, qtbot)
    # The saved move, not the status line: a message from the video's end may replace "2 examples" at once.
    qtbot.waitUntil(lambda: [len(r.examples) for r in Library(tmp_path / "lib").load()] == [2], timeout=10_000)
    assert seen == [["a new move", "punch - side (1 example)"]]
    (ref,) = Library(tmp_path / "lib").load()
    assert len(ref.examples) == 2
    assert len(ref.examples[0]) >= 80 and len(ref.examples[1]) == 61
    assert ref.yaw is not None and 30 < abs(ref.yaw) < 65  # the camera angle kept: the punch is filmed at 3/4
    assert window.library_list.choice_count() == 2  # still one move in the list


def test_split_into_reps_in_the_dialog_stores_one_example_per_rep(qtbot, pose_cache, tmp_path):
    from ui.record_dialog import RecordDialog

    squats = pose_cache.get("squat_side_60fps")  # about 7 squats with a pause at the top of each
    seq = PoseSequence(squats.keypoints, squats.skeleton, squats.fps, squats.frame_size, squats.source)
    take = RecordedTake(seq, (b"",) * len(seq), np.arange(len(seq)) / seq.fps)
    lib = Library(tmp_path / "lib")
    dialog = RecordDialog(take, lib)
    qtbot.addWidget(dialog)
    dialog.name.setText("squat")
    dialog.view.setCurrentText("side")
    dialog.split.setChecked(True)
    dialog.save()
    assert dialog.saved is not None
    (ref,) = Library(tmp_path / "lib").load()
    assert 6 <= len(ref.examples) <= 8
    assert all(len(e) < len(seq) / 4 for e in ref.examples)


def test_opening_another_video_during_record_offers_the_take_so_far(window, qtbot):
    takes = []

    def keep(dialog):
        takes.append(dialog.take)
        return 0  # cancelled: nothing saved

    window.exec_dialog = keep
    with qtbot.waitSignal(window.source_opened, timeout=30_000):
        window.open_source(str(TESTDATA / "squat_front_air.mp4"))
    window.toggle_record()
    qtbot.waitUntil(lambda: window.worker.frames >= 40, timeout=30_000)
    with qtbot.waitSignal(window.record_finished, timeout=10_000):
        window.open_source(str(TESTDATA / "punch_side.mp4"))
    qtbot.waitUntil(lambda: len(takes) == 1, timeout=10_000)
    assert "source changed" in window.statusBar().currentMessage()
    times = takes[0].times
    assert times[0] == 0.0 and np.all(np.diff(times) > 0) and len(times) >= 30
    assert takes[0].sequence.source.endswith("squat_front_air.mp4")
    assert window.act_record.text() == "● Record" and window.video.recording is None
    assert Library(window.library.folder).load() == []


def test_record_stops_by_itself_after_the_set_seconds_and_opens_the_dialog_on_the_ui_thread(window, qtbot):
    from PySide6.QtCore import QThread

    seen = []

    def look(dialog):
        seen.append((len(dialog.take.sequence), QThread.currentThread() is dialog.thread(), dialog.thread()))
        return 0

    window.exec_dialog = look
    window.record_seconds.setValue(1)
    with qtbot.waitSignal(window.source_opened, timeout=30_000):
        window.open_source(str(TESTDATA / "squat_front_air.mp4"))
    window.toggle_record()
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=30_000)
    frames, same_thread, thread = seen[0]
    assert abs(frames - 31) <= 1 and same_thread and thread is window.thread()
    assert "Recorded 1 s" in window.statusBar().currentMessage()
