"""The real window (offscreen) driven with real clips: pipeline, trails, scores, reps, Record, settings, errors."""

from __future__ import annotations

import numpy as np
import pytest

from core.library.reference_library import Library
from core.library.references import make_reference
from core.score.scoring import PreparedReference, score_take

from .conftest import TESTDATA, record_punch

pytest.importorskip("pytestqt")


def green_pixels(image: np.ndarray) -> int:
    b, g, r = image[..., 0].astype(int), image[..., 1].astype(int), image[..., 2].astype(int)
    return int(((g > 200) & (r < 90) & (b < 90)).sum())


def test_a_clip_plays_with_trails_scores_and_counted_reps(make_window, qtbot, pose_cache, tmp_path):
    jacks = pose_cache.get("jumping_jacks_front")
    lib = Library(tmp_path / "lib")
    lib.save(make_reference(jacks.slice(40, 80), "jumping jack", "front", source=jacks.source))
    from core.app.history import HistoryStore

    history = HistoryStore(tmp_path / "history.db")
    window = make_window(lib, history)
    assert window.library_list.current_label() == ""  # a first start chooses nothing: the hint says what to do
    window.library_list.choose(1)
    seen_scores = []
    window.worker.frame_ready.connect(
        lambda v: seen_scores.append(v.update.score) if v.update and v.update.score else None
    )
    with qtbot.waitSignal(window.source_ended, timeout=90_000):
        window.open_source(str(TESTDATA / "jumping_jacks_front.mp4"))
    qtbot.wait(300)
    assert window.latest is not None and green_pixels(window.latest.image) > 500, "no green trails drawn"
    assert len(seen_scores) > 50 and max(seen_scores) > 80
    assert 3 <= len(window.rep_scores) <= 5 and min(window.rep_scores) >= 65
    assert window.rep_list.count() == len(window.rep_scores)
    assert "Video finished" in window.video.message
    assert window.score_label.text().isdigit()  # the live score, or the last rep's between reps
    # the session and each rep went into the practice history, and the History tab shows it
    (session,) = history.sessions()
    assert session.reps == len(window.rep_scores) and session.ended_at is not None
    assert window.history_view.table.rowCount() == 1
    # the UI thread only painted: every processed frame reached the view, none were queued up
    assert window.worker.frames >= 200 and window.slot.dropped == 0


def test_a_side_view_take_is_counted_against_a_front_view_reference(make_window, qtbot, pose_cache, tmp_path):
    # The app passes mediapipe's world landmarks to the engine, which turns the side-view man to the front view
    # of the other man's squat (core.features.view_turn) and says so under the move's name.
    front = pose_cache.get("squat_front_air")
    lib = Library(tmp_path / "lib")
    lib.save(make_reference(front.slice(60, 120), "squat", "front", source=front.source))
    window = make_window(lib)
    window.library_list.choose(window.library_list.find_label("squat - front"))
    labels = []
    window.worker.frame_ready.connect(lambda v: labels.append(window.panel.move_label.text()))
    with qtbot.waitSignal(window.source_ended, timeout=120_000):
        window.open_source(str(TESTDATA / "squat_side_60fps.mp4"))
    qtbot.wait(300)
    assert 6 <= len(window.rep_scores) <= 8 and min(window.rep_scores) >= 60  # 0 reps as filmed
    assert any("turned to the coach's camera angle" in text for text in labels)


def test_record_from_a_video_file_makes_a_reference_that_scores_its_take(make_window, qtbot, pose_cache, tmp_path):
    lib = Library(tmp_path / "lib")
    window = make_window(lib)

    record_punch(qtbot, window)
    qtbot.waitUntil(lambda: window.library_list.choice_count() == 2, timeout=10_000)
    assert window.library_list.current_label() == "punch - side"
    (ref,) = Library(tmp_path / "lib").load()
    assert len(ref.keypoints) >= 80  # nearly all of the 103-frame clip
    score = score_take(pose_cache.get("punch_side"), PreparedReference.from_reference(ref)).score
    assert score >= 97


def test_settings_persist_between_runs(make_window, pose_cache, tmp_path):
    jacks = pose_cache.get("jumping_jacks_front")
    lib = Library(tmp_path / "lib")
    lib.save(make_reference(jacks.slice(40, 80), "jumping jack", "front"))
    lib.save(make_reference(jacks.slice(80, 120), "jack two", "front"))
    window = make_window(lib)
    window.library_list.choose(window.library_list.find_label("jack two - front"))
    window.act_mirror.setChecked(False)
    window.is_camera = True
    window._mirror_toggled()
    window.record_seconds.setValue(7)
    window.source_spec = str(TESTDATA / "punch_side.mp4")
    window.settings.source = window.source_spec
    window.close()
    again = make_window(Library(tmp_path / "lib"))
    assert again.library_list.current_label() == "jack two - front"
    assert not again.act_mirror.isChecked()
    assert again.record_seconds.value() == 7
    assert again.settings.source.endswith("punch_side.mp4")


def test_no_camera_shows_a_message_and_the_video_option(make_window, qtbot, tmp_path):
    window = make_window(Library(tmp_path / "lib"))
    window.open_source(97)  # no such camera on any test machine
    qtbot.waitUntil(lambda: "No camera found" in window.video.message, timeout=20_000)
    assert "Ctrl+O" in window.video.message
    assert window.act_open.isEnabled()


def test_a_video_that_does_not_open_gives_a_sentence(make_window, qtbot, tmp_path):
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"this is not a video" * 100)
    window = make_window(Library(tmp_path / "lib"))
    window.open_source(str(bad))
    qtbot.waitUntil(lambda: "cannot be played" in window.video.message, timeout=20_000)
    assert "broken.mp4" in window.video.message


def test_auto_detect_shows_the_last_rep_of_a_video_that_ends_right_after_it(make_window, qtbot, pose_cache, tmp_path):
    # The punch ends a few frames before the clip: auto-detect still waits for rival references when the
    # video ends, and the window must show that rep, in the count, the list and the end-of-video sentence.
    punch, squat = pose_cache.get("punch_side"), pose_cache.get("squat_front_air")
    lib = Library(tmp_path / "lib")
    lib.save(make_reference(punch.slice(8, 96), "jab", "side", source=punch.source))
    lib.save(make_reference(squat.slice(60, 120), "squat", "front", source=squat.source))
    window = make_window(lib)
    window.library_list.choose(0)  # auto-detect
    with qtbot.waitSignal(window.source_ended, timeout=90_000):
        window.open_source(str(TESTDATA / "punch_side.mp4"))
    qtbot.wait(600)  # a few text refreshes after the end must not bring back the count of the last frame
    assert window.rep_list.count() == 1 and "jab - side" in window.rep_list.item(0).text()
    assert window.panel.reps_label.text() == "Reps: 1"
    assert "Video finished: 1 rep" in window.video.message
