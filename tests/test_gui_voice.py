"""Voice and gestures in the window (offscreen, real clip): hands held up start Record with a ring; V mutes."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PySide6.QtGui import QAction, QKeySequence

from core.library.reference_library import Library
from core.match.gestures import pose_gesture
from core.pose.skeleton import to_coco17
from ui.presentation import toggle_presentation

from .conftest import TESTDATA

pytest.importorskip("pytestqt")


@pytest.fixture(scope="module")
def held_video(pose_cache, tmp_path_factory):
    """The jumping-jack clip with the top of its first rep held 2 s (its own frames back and forth)."""
    jacks = pose_cache.get("jumping_jacks_front")
    up = np.flatnonzero([pose_gesture(f)[0] == "record" for f in to_coco17(jacks.keypoints, jacks.skeleton)])
    first = up[: int(np.argmax(np.diff(up) > 1)) or len(up)]
    top = first[len(first) // 3 : -len(first) // 3]
    held = np.resize(np.concatenate([top, top[::-1][1:-1]]), round(2 * jacks.fps))
    order = np.concatenate([np.arange(top[0]), held, np.arange(top[-1] + 1, top[-1] + 25)])
    cap = cv2.VideoCapture(str(TESTDATA / "jumping_jacks_front.mp4"))
    frames = []
    while (got := cap.read())[0]:
        frames.append(got[1])
    path = tmp_path_factory.mktemp("gesture") / "held.mp4"
    h, w = frames[0].shape[:2]
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), jacks.fps, (w, h))
    for k in order:
        out.write(frames[k])
    out.release()
    return path


def test_hands_held_up_fill_the_ring_and_start_record(make_window, qtbot, tmp_path, held_video):
    window = make_window(Library(tmp_path / "lib"))
    window.exec_dialog = lambda dialog: 0  # the take is not saved
    rings = []
    window.open_source(str(held_video))

    def recording_started() -> bool:
        if window.video.gesture is not None:
            rings.append(window.video.gesture)
        return window.session.recording

    qtbot.waitUntil(recording_started, timeout=60_000)
    assert any(name == "record" and 0.4 <= p < 1.0 for name, p in rings)  # seen filling before it fired
    qtbot.waitUntil(lambda: window.video.gesture == ("record", 1.0), timeout=2_000)
    assert ring_pixels(window.video) > 500
    # The full-screen presentation, what a person practising across the room looks at, shows it too.
    present = toggle_presentation(window)
    qtbot.waitUntil(lambda: ring_pixels(present) > 500, timeout=3_000)
    present.close()


def ring_pixels(widget) -> int:
    """Pixels of the done ring's green (60, 220, 90) in the widget's right half."""
    image = widget.grab().toImage()
    arr = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    bgra = arr[:, : image.width() * 4].reshape(image.height(), image.width(), 4)
    b, g, r = (bgra[..., k].astype(int) for k in range(3))
    green = (abs(r - 60) < 15) & (abs(g - 220) < 15) & (abs(b - 90) < 15)  # not the trails' (40, 255, 40)
    return int(green[:, image.width() // 2 :].sum())


def test_v_mutes_the_voice_and_is_remembered(make_window, qtbot, tmp_path):
    window = make_window(Library(tmp_path / "lib"))
    assert not window.voice.speaker.muted
    assert window.voice.act_voice.shortcut() == QKeySequence("V")
    shortcuts = [a.shortcut() for a in window.findChildren(QAction) if not a.shortcut().isEmpty()]
    assert shortcuts.count(QKeySequence("V")) == 1  # an ambiguous shortcut would do nothing at all
    window.voice.act_voice.trigger()  # what V does (offscreen windows get no shortcut key events)
    assert window.voice.speaker.muted and not window.voice.act_voice.isChecked()
    assert str(window.settings.voice_value("muted", False)).lower() == "true"
    window.voice.act_gestures.setChecked(False)
    assert window.session.gestures is None
