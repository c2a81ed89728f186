"""What Record tells the coach: the view suggested from the pose, a video file that ended early, and a trim
preview whose skeleton leaves the body visible (real clips; dialogs offscreen)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.frame.sources import VideoSource, ended_early_note
from core.library.recording import RecordedTake, TakeRecorder
from core.library.reference_library import Library
from core.pose.skeleton import COCO17_EDGES, to_coco17
from core.pose.view_hint import suggest_view

from .conftest import TESTDATA
from .test_cli import run

pytest.importorskip("pytestqt")


@pytest.fixture(scope="module")
def truncated(tmp_path_factory) -> str:
    """punch_side.mp4 cut at 55 % of its bytes, as an interrupted copy leaves it (the header still says 103 frames)."""
    data = (TESTDATA / "punch_side.mp4").read_bytes()
    path = tmp_path_factory.mktemp("cut") / "punch_cut.mp4"
    path.write_bytes(data[: int(len(data) * 0.55)])
    return str(path)


@pytest.mark.parametrize(
    "clip, view",
    [("squat_side_60fps", "side"), ("bicep_curl_side", "side"), ("squat_front_air", "front"),
     ("jumping_jacks_front", "front")],
)  # fmt: skip
def test_the_view_is_suggested_from_the_shoulders(pose_cache, clip, view):
    seq = pose_cache.get(clip)
    hint = suggest_view(seq.keypoints, seq.skeleton)
    assert hint.view == view, hint
    assert ("side by side" if view == "front" else "one behind the other") in hint.reason


def test_a_turned_or_unseen_body_gets_no_suggestion(pose_cache):
    seq = pose_cache.get("jumping_jacks_front")
    coco = to_coco17(seq.keypoints, seq.skeleton)
    turned = coco.copy()
    shrink = 0.25 / suggest_view(coco, "coco17").ratio  # shoulders drawn together: a three-quarter view
    mid = (coco[:, 5, 0] + coco[:, 6, 0]) / 2
    for joint in (5, 6):
        turned[:, joint, 0] = mid + (coco[:, joint, 0] - mid) * shrink
    hint = suggest_view(turned, "coco17")
    assert hint.view is None and "choose the view" in hint.reason
    unseen = coco.copy()
    unseen[:, 5:7] = np.nan
    assert suggest_view(unseen, "coco17").view is None


def test_a_truncated_video_says_it_ended_early(truncated, tmp_path):
    with VideoSource(truncated) as video:
        frames = sum(1 for _ in video)
        note = video.ended_early()
    assert 40 <= frames < 100 and note is not None and "ended early" in note and f"{frames} of its 103" in note
    with VideoSource(str(TESTDATA / "punch_side.mp4")) as whole:
        assert sum(1 for _ in whole) == 103 and whole.ended_early() is None
    assert ended_early_note("x.mp4", 101, 103, 30.0) is None  # a header estimate off by two frames is no truncation
    out = run("record", truncated, "--name", "punch", "--view", "side", "--library", str(tmp_path))
    assert "ended early" in out.stderr and "saved 1 example(s)" in out.stdout


def test_recording_a_truncated_file_in_the_app_warns_in_the_dialog(qtbot, tmp_path, monkeypatch, truncated):
    monkeypatch.setenv("POSECOACH_CONFIG_DIR", str(tmp_path / "config"))
    from ui.main_window import MainWindow
    from ui.settings import AppSettings

    window = MainWindow(Library(tmp_path / "lib"), AppSettings(), None)
    qtbot.addWidget(window)
    window.show()
    notes: list[tuple[bool, str, str]] = []

    def look(dialog):
        notes.append((dialog.note.isVisibleTo(dialog), dialog.note.text(), dialog.view.currentText()))
        return 0  # cancelled

    window.exec_dialog = look
    try:
        with qtbot.waitSignal(window.record_finished, timeout=60_000):
            with qtbot.waitSignal(window.source_opened, timeout=30_000):
                window.open_source(truncated)
            window.toggle_record()  # records until the file ends (the set duration is longer)
        qtbot.waitUntil(lambda: bool(notes), timeout=10_000)
    finally:
        window.close()
    ((visible, text, _view),) = notes
    assert visible and "ended early" in text and "punch_cut.mp4" in text


def _take_with_previews(pose_cache, clip: str):
    seq = pose_cache.get(clip)
    recorder = TakeRecorder(clip, seq.fps)
    with VideoSource(str(TESTDATA / f"{clip}.mp4")) as video:
        for frame, kp in zip(video, seq.keypoints, strict=True):
            recorder.add(frame.t, frame.image, kp if np.isfinite(kp[:, 0]).any() else None)
    return recorder.finish()


def test_the_trim_preview_draws_a_thin_skeleton_and_suggests_the_view(qtbot, pose_cache, tmp_path):
    from ui.record_dialog import RecordDialog

    take = _take_with_previews(pose_cache, "punch_side")
    dialog = RecordDialog(take, Library(tmp_path / "lib"))
    qtbot.addWidget(dialog)
    dialog.resize(900, 900)
    dialog.show()
    qtbot.waitExposed(dialog)
    index = 50
    drawn = dialog.preview_image(index)
    assert drawn is not None and drawn.shape[0] >= 400  # drawn at the size shown, not at the 240 px stored
    plain = cv2.resize(take.preview(index), drawn.shape[1::-1], interpolation=cv2.INTER_LINEAR)
    changed = int((np.abs(drawn.astype(int) - plain.astype(int)).max(axis=2) > 40).sum())
    scale = drawn.shape[1] / take.sequence.frame_size[0]
    kp = to_coco17(take.sequence.keypoints, take.sequence.skeleton)[index, :, :2] * scale
    length = sum(float(np.linalg.norm(kp[a] - kp[b])) for a, b in COCO17_EDGES if np.isfinite(kp[[a, b]]).all())
    assert length > 300
    assert changed / length < 3.0, f"skeleton about {changed / length:.1f} px wide"  # thin lines, small joints


@pytest.mark.parametrize("clip, view", [("squat_side_60fps", "side"), ("jumping_jacks_front", "front")])
def test_the_dialog_offers_the_suggested_view(qtbot, pose_cache, tmp_path, clip, view):
    from ui.record_dialog import RecordDialog

    seq = pose_cache.get(clip)
    take = RecordedTake(seq, (b"",) * len(seq), np.arange(len(seq)) / seq.fps)
    dialog = RecordDialog(take, Library(tmp_path / "lib"))
    qtbot.addWidget(dialog)
    assert dialog.view.currentText() == view
    assert dialog.view.toolTip().startswith("Suggested from the pose") and not dialog.note.isVisibleTo(dialog)
