"""Review and presentation in the app (offscreen, real clip): Record keeps the coach's video, a played set is
replayed beside it rep by rep, F11 shows the live image and the coach full screen."""

from __future__ import annotations

import numpy as np
import pytest

from core.library.reference_library import Library
from core.library.reference_video import load_reference_video, video_path
from core.view.compare import BACKGROUND
from core.view.review_store import load_takes, takes_path

from .conftest import TESTDATA, record_punch

pytest.importorskip("pytestqt")


def test_record_keeps_the_video_a_rep_is_reviewed_beside_it_and_presented(make_window, qtbot, tmp_path):
    from PySide6.QtCore import QEvent, QPoint, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    from core.app.history import HistoryStore
    from ui.presentation import toggle_presentation
    from ui.review_control import open_review

    lib = Library(tmp_path / "lib")
    history = HistoryStore(tmp_path / "history.db")
    window = make_window(lib, history)

    record_punch(qtbot, window, start=5)
    qtbot.waitUntil(lambda: window.library_list.current_label() == "punch - side", timeout=10_000)
    (ref,) = Library(tmp_path / "lib").load()
    coach = load_reference_video(ref)
    assert video_path(ref.path).is_file() and coach is not None
    assert len(coach) == len(ref.keypoints) and coach.frames.shape[1] <= 320  # trimmed and downscaled

    with qtbot.waitSignal(window.source_ended, timeout=90_000):
        window.open_source(str(TESTDATA / "punch_side.mp4"))
    takes = window.session.rep_takes.takes()
    assert len(takes) == len(window.rep_scores) >= 1
    assert "Press W" in window.statusBar().currentMessage()

    dialog = open_review(window)
    view = dialog.view
    qtbot.waitUntil(lambda: view.video._image is not None, timeout=5_000)
    assert view.take is window.session.rep_takes.worst()
    image = view.video._image.image
    right = image[:, image.shape[1] // 2 :]
    # The coach is their recorded video (a camera picture), not the skeleton on the plain background.
    assert (np.abs(right.astype(int) - BACKGROUND).sum(axis=2) < 30).mean() < 0.2
    view.toggle_play()  # pause, then step frame by frame
    before = view.step
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.step == before + 2 and not view.timer.isActive()
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert view.step == before + 1
    view.set_speed(1.0)
    normal = view.timer.interval()
    view.set_speed(0.25)
    assert abs(view.timer.interval() - 4 * normal) <= 4
    dialog.close()
    # A rep chosen in the rep list opens on that rep.
    window.rep_list.itemActivated.emit(window.rep_list.item(0))
    chosen = window.review_dialog.view
    assert chosen.take is not None and window.rep_list.item(0).text().startswith(f"#{chosen.take.rep.index} ")
    window.review_dialog.close()

    present = toggle_presentation(window)
    assert present is not None and present.isVisible()
    qtbot.waitUntil(lambda: present._live is not None, timeout=5_000)
    assert present.geometry().size() == window.screen().geometry().size()
    assert not present.controls.isVisible()
    # A window of its own that still takes the main window's keys: V mutes, W reviews there too.
    assert window.voice.act_voice in present.actions() and window.act_review in present.actions()
    move = QMouseEvent(QMouseEvent.Type.MouseMove, QPoint(50, 50), QPoint(50, 50), Qt.MouseButton.NoButton,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    QApplication.sendEvent(present, move)
    assert present.controls.isVisible()
    qtbot.keyClick(present, Qt.Key.Key_F11)
    assert not present.isVisible()
    # Opening again builds a new view and frees the old ones with their coach frames (they are large).
    for _ in range(3):
        toggle_presentation(window)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    assert len(window.findChildren(type(present))) == 1
    toggle_presentation(window)

    # Closing the window ends the stored session: its kept reps go beside the history for `export`.
    (session,) = [s for s in history.sessions() if s.reps]
    window.close()
    kept = load_takes(takes_path(history.path, session.id))
    assert [k.rep.index for k in kept] == [t.rep.index for t in takes] and kept[0].frames == takes[0].frames
