"""The Record dialog adds a take to an existing move and splits a take into reps (window offscreen, real clips)."""

from __future__ import annotations

import numpy as np
import pytest

from core.pose import PoseSequence
from core.recording import RecordedTake
from core.references import Library

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
    with qtbot.waitSignal(window.worker.take_recorded, timeout=60_000):
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
    qtbot.waitUntil(lambda: window.reference_box.count() == 2, timeout=10_000)
    window.exec_dialog = add_to_punch
    record_once(window, qtbot)
    qtbot.waitUntil(lambda: "2 examples" in window.statusBar().currentMessage(), timeout=10_000)
    assert seen == [["a new move", "punch - side (1 example)"]]
    (ref,) = Library(tmp_path / "lib").load()
    assert len(ref.examples) == 2
    assert len(ref.examples[0]) >= 80 and len(ref.examples[1]) == 61
    assert window.reference_box.count() == 2  # still one move in the list


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
