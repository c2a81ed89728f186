"""Video time comes from the container (variable-frame-rate phone videos), and a person is a visible body."""

from __future__ import annotations

import numpy as np
import pytest

from core.app.errors import LibraryError
from core.frame.sources import VideoSource, read_keypoints
from core.library.recording import take_examples
from core.pose.estimator import PoseFrame, PoseSequence, extract_sequence
from core.pose.skeleton import COCO17, MEDIAPIPE33, MP33_NAMES, to_coco17

from .conftest import TESTDATA
from .vfr_clip import write_vfr_clip

# Like a phone that halves its frame rate in dim light: the first 5 s of the squat clip at 30 fps, the next
# 5 s at 15 fps (every other frame, each shown twice as long). The real timing of the motion is unchanged.
FIRST, SECOND = list(range(0, 150)), list(range(150, 300, 2))


@pytest.fixture(scope="module")
def vfr_squat(tmp_path_factory):
    out = tmp_path_factory.mktemp("vfr") / "squat_vfr.mp4"
    times = write_vfr_clip(TESTDATA / "squat_front_air.mp4", out, FIRST + SECOND, [1 / 30] * 150 + [2 / 30] * 75)
    return out, np.array(times)


def test_a_variable_frame_rate_video_gives_each_frame_its_own_time(vfr_squat):
    path, expected = vfr_squat
    with VideoSource(str(path)) as video:
        times = np.array([f.t for f in video])
    assert len(times) == 225
    assert np.abs(times - expected).max() < 1e-3  # index / fps would be seconds off by the end
    assert times[-1] == pytest.approx(298 / 30, abs=1e-3)


def test_a_variable_frame_rate_video_is_scored_on_its_real_timing(vfr_squat, estimator, pose_cache):
    path, _ = vfr_squat
    seq = extract_sequence(str(path), estimator)
    original = pose_cache.get("squat_front_air")
    # the sequence is on a steady grid of its own fps, as long as the motion really was
    assert seq.duration == pytest.approx(300 / 30, abs=2 / seq.fps)
    hip = MP33_NAMES.index("left_hip")
    grid = np.arange(len(seq)) / seq.fps
    at_same_time = original.keypoints[np.minimum(np.round(grid * 30).astype(int), 299), hip, 1]
    height = original.frame_size[1]
    # the hip goes up and down with the squats at the same moments as in the original clip
    assert np.abs(seq.keypoints[:, hip, 1] - at_same_time).mean() / height < 0.02


def test_a_person_facing_away_without_a_nose_is_still_present(pose_cache, tmp_path):
    squat = pose_cache.get("squat_front_air").slice(0, 120)
    coco = to_coco17(squat.keypoints, MEDIAPIPE33).copy()
    coco[:, 0] = np.nan  # a COCO detector gives no nose for a back turned to the camera
    path = tmp_path / "back_turned.npy"
    np.save(path, coco)
    kf = read_keypoints(path)
    take = PoseSequence(kf.keypoints, COCO17, 30.0, None, str(path))
    assert take.detected_fraction() == 1.0
    (example,), split = take_examples(take)  # nose-is-finite called this "nobody is visible"
    assert len(example) == 120 and not split


def test_a_nose_without_a_visible_body_is_nobody(estimator):
    with VideoSource(str(TESTDATA / "squat_front_air.mp4")) as video:
        frame = video.read()
    estimator.reset()
    pose = estimator.process(frame)
    assert pose.detected
    # mediapipe's tracker keeps a whole skeleton for a moment after the person left, each joint marked
    # as unlikely to be visible; only the face at the frame edge still looks real
    lm = pose.landmarks.copy()
    lm[11:, 3] = 0.05
    ghost = PoseFrame(pose.index, pose.t, lm, pose.world, pose.image_size)
    assert np.isfinite(ghost.landmarks[0, 0]) and not ghost.detected
    # too close to the camera: head, shoulders and elbows visible, the rest not -> present (and "step back")
    lm = pose.landmarks.copy()
    lm[15:, 3] = 0.05
    assert PoseFrame(pose.index, pose.t, lm, pose.world, pose.image_size).detected


def test_a_take_of_mostly_ghost_poses_is_refused_as_nobody(pose_cache):
    squat = pose_cache.get("squat_front_air").slice(0, 100)
    kp = squat.keypoints.copy()
    kp[:70, 11:, 2] = 0.05  # 70 % of the frames: a nose, no body
    with pytest.raises(LibraryError, match="nobody is visible"):
        take_examples(PoseSequence(kp, MEDIAPIPE33, squat.fps, squat.frame_size, "ghosts"))


def test_the_coach_video_of_a_variable_frame_rate_take_shows_what_its_keypoints_show(vfr_squat):
    """`record` keeps the coach's video frame for frame with the keypoints, which lie on a steady grid: in the
    15 fps half each filmed frame stands for two grid frames, as in the keypoints."""
    from core.library.reference_video import source_frames

    path, times = vfr_squat
    with VideoSource(str(path)) as video:
        raw = [f.image for f in video]
        fps = video.fps
    start, n = 140, 40  # across the switch from 30 to 15 fps
    got = list(source_frames(str(path), start)(0, n))
    grid_times = times[0] + np.arange(start, start + n) / fps
    shown = np.searchsorted(times, grid_times + 1e-6, side="right") - 1  # the frame on screen at each grid time
    assert len(got) == n
    assert all(np.array_equal(g, raw[k]) for g, k in zip(got, shown, strict=True))
    assert len(set(shown.tolist())) < n  # frames repeat in the slow half: counting decoded frames would drift
