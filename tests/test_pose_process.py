"""The pose worker process (core.pose.pose_process): the same poses as mediapipe in this process, frames sent
ahead, frames of any shape, a worker that dies, closing. Real mediapipe on the shared clips."""

from __future__ import annotations

import itertools
from multiprocessing import shared_memory

import cv2
import numpy as np
import pytest

from core.app.errors import ModelError
from core.frame.sources import Frame, VideoSource
from core.pose import models
from core.pose.pose_process import MAX_RESTARTS, PoseProcess, PoseProcessError
from core.pose.pose_wire import MAP, send_request, send_text

from .conftest import TESTDATA

N = 40


def first_frames(name: str, n: int = N) -> list[Frame]:
    with VideoSource(str(TESTDATA / f"{name}.mp4")) as video:
        return list(itertools.islice(video, n))


@pytest.fixture(scope="module")
def punch_frames() -> list[Frame]:
    return first_frames("punch_side")


def assert_same_poses(got: list[np.ndarray], expected: np.ndarray) -> None:
    np.testing.assert_allclose(np.array(got), expected, atol=1e-3, equal_nan=True)


def test_the_worker_finds_the_poses_mediapipe_finds_in_this_process(punch_frames, pose_cache):
    expected = pose_cache.get("punch_side").keypoints[:N]
    with PoseProcess() as pose:
        got = [pose.process(f) for f in punch_frames]
    assert [p.index for p in got] == list(range(N))
    assert got[0].image_size == (720, 1280)
    assert_same_poses([p.keypoints_px() for p in got], expected)
    assert np.isfinite(got[-1].world).all() and pose.last_ms > 0


def test_frames_sent_ahead_give_the_same_poses_in_order(punch_frames, pose_cache):
    expected = pose_cache.get("punch_side").keypoints[:N]
    got = []
    with PoseProcess() as pose:
        pose.send_ahead(punch_frames[0])
        for k, frame in enumerate(punch_frames):
            for ahead in punch_frames[k + 1 : k + 3]:  # at most two out at once; the third is sent with its turn
                pose.send_ahead(ahead)
            got.append(pose.process(frame).keypoints_px())
    assert_same_poses(got, expected)


def test_a_frame_sent_ahead_but_never_asked_for_does_not_answer_for_the_next_source(punch_frames, pose_cache):
    squat = first_frames("squat_front_air", 3)
    with PoseProcess() as pose:
        pose.send_ahead(punch_frames[0])
        pose.reset()  # a new source: the frame sent ahead is dropped, tracking starts afresh
        got = pose.process(squat[0])
        assert (got.index, got.image_size) == (0, (1280, 720))
        # a landscape squat after a portrait punch: the person stands, hips below shoulders, inside the frame
        kp = got.keypoints_px()
        assert kp[23, 1] > kp[11, 1] and 0 < kp[0, 0] < 1280
        pose.send_ahead(squat[1])
        third = pose.process(squat[2])  # squat[1]'s reply is read and dropped, not returned for squat[2]
    expected = pose_cache.get("squat_front_air").keypoints[2]
    assert third.index == 2
    np.testing.assert_allclose(third.keypoints_px()[:, :2], expected[:, :2], atol=2.0)


def test_a_larger_frame_after_a_smaller_one_gets_a_larger_shared_block(punch_frames, pose_cache):
    expected = pose_cache.get("punch_side").keypoints[:N]
    small = [Frame(f.index, f.t, cv2.resize(f.image, (360, 640))) for f in punch_frames[:5]]
    with PoseProcess() as pose:
        first = pose.process(small[0])
        pose.send_ahead(small[1])
        pose.reset()
        full = [pose.process(f).keypoints_px() for f in punch_frames]
    assert first.image_size == (360, 640) and first.detected
    assert_same_poses(full, expected)


def test_a_worker_that_died_between_frames_is_replaced_and_gets_the_frames_sent_ahead(punch_frames, pose_cache,
                                                                                        caplog):  # fmt: skip
    expected = pose_cache.get("punch_side").keypoints
    with PoseProcess() as pose:
        pose.process(punch_frames[0])
        assert pose.send_ahead(punch_frames[1]) and pose.send_ahead(punch_frames[2])
        pose._proc.kill()  # a crash inside the model, after the frame before
        pose._proc.wait()
        got = [pose.process(f) for f in punch_frames[1:10]]
    assert [p.index for p in got] == list(range(1, 10))
    kp = np.array([p.keypoints_px() for p in got])
    # a new worker tracks afresh from frame 1: close to, not necessarily equal to, the uninterrupted run
    assert np.nanmax(np.abs(kp[:, :, :2] - expected[1:10, :, :2])) < 40
    assert "the pose process had stopped" in caplog.text


def test_a_worker_that_dies_inside_a_frame_fails_that_frame_only(punch_frames, monkeypatch):
    with PoseProcess() as pose:
        pose.process(punch_frames[0])
        assert pose.send_ahead(punch_frames[1])
        proc = pose._proc
        proc.kill()  # dies while the app waits for frame 1 (seen as alive when the app asked)
        proc.wait()
        monkeypatch.setattr(proc, "poll", lambda: None)
        with pytest.raises(PoseProcessError, match="stopped with frame 1"):
            pose.process(punch_frames[1])
        monkeypatch.undo()
        assert [pose.process(f).index for f in punch_frames[2:5]] == [2, 3, 4]


def test_a_reply_for_another_frame_is_refused_and_the_worker_replaced(punch_frames):
    with PoseProcess() as pose:
        assert pose.send_ahead(punch_frames[0])
        pose._sent[0] = (punch_frames[0], 7)  # the app and its worker out of step
        with pytest.raises(PoseProcessError, match="answered frame 0 .* for frame 7"):
            pose.process(punch_frames[0])
        assert pose.process(punch_frames[1]).detected


def test_a_larger_frame_does_not_go_ahead_of_frames_in_the_smaller_block(punch_frames):
    small = Frame(0, 0.0, cv2.resize(punch_frames[0].image, (360, 640)))
    with PoseProcess() as pose:
        assert pose.send_ahead(small)
        assert not pose.send_ahead(punch_frames[1])  # its block would drop the small frame's slot
        assert pose.process(small).image_size == (360, 640)
        assert pose.process(punch_frames[1]).image_size == (720, 1280)


def test_the_worker_imports_this_installation_whatever_folder_the_app_starts_in(punch_frames, tmp_path,
                                                                               monkeypatch):  # fmt: skip
    shadow = tmp_path / "core"
    shadow.mkdir()
    (shadow / "__init__.py").write_text("raise ImportError('another project called core')\n")
    monkeypatch.chdir(tmp_path)
    with PoseProcess() as pose:
        assert pose.process(punch_frames[0]).detected


def test_a_worker_that_keeps_dying_is_given_up_with_a_sentence(punch_frames):
    with PoseProcess() as pose:
        for _ in range(MAX_RESTARTS):
            pose._proc.kill()
            pose._proc.wait()
            assert pose.process(punch_frames[0]).index == 0  # a new worker each time
        pose._proc.kill()
        pose._proc.wait()
        with pytest.raises(PoseProcessError, match="restart PoseCoach"):
            pose.process(punch_frames[0])


def test_a_frame_that_is_not_an_image_is_refused_and_the_worker_goes_on(punch_frames):
    with PoseProcess() as pose:
        with pytest.raises(ValueError, match="8-bit BGR"):
            pose.process(Frame(0, 0.0, np.zeros((10, 10), np.float32)))
        assert pose.process(punch_frames[0]).detected


def test_a_missing_model_is_said_before_any_worker_starts(tmp_path, monkeypatch):
    wheel_only = tmp_path / "pose_landmark"
    wheel_only.mkdir()
    monkeypatch.setattr(models, "model_folder", lambda: wheel_only)
    with pytest.raises(ModelError, match="heavy pose model is not installed"):
        PoseProcess("heavy")


def test_closing_ends_the_worker_and_frees_the_shared_block(punch_frames):
    pose = PoseProcess()
    pose.process(punch_frames[0])
    proc, name = pose._proc, pose._block.name
    pose.close()
    assert proc.wait(10) == 0  # it closed the model and exited by itself
    with pytest.raises(FileNotFoundError):
        shared_memory.SharedMemory(name=name)


def test_a_worker_whose_app_went_away_exits():
    pose = PoseProcess()
    proc = pose._proc
    proc.stdin.close()  # what the worker sees when the app is killed
    assert proc.wait(10) == 0
    pose.close()


@pytest.mark.parametrize("interpreter", ["missing", "exits"])
def test_without_a_worker_process_the_pose_runs_in_the_app_process(punch_frames, tmp_path, monkeypatch, caplog,
                                                                   interpreter):  # fmt: skip
    """An interpreter that cannot be run (an embedded or frozen Python) or that cannot start the worker."""
    import sys

    from core.pose.estimator import PoseEstimator
    from core.pose.pose_process import open_pose

    fake = tmp_path / "python"
    if interpreter == "exits":
        fake.write_text("#!/bin/sh\nexit 3\n")
        fake.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(fake))
    with open_pose() as pose:
        assert isinstance(pose, PoseEstimator)
        assert pose.process(punch_frames[0]).detected
    expected = "could not be started" if interpreter == "missing" else "did not start (exit code 3)"
    assert expected in caplog.text and "in the app's own process" in caplog.text


def test_what_a_worker_prints_goes_to_the_app_log(punch_frames, tmp_path):
    """A crash's traceback in the worker is worth as much as one in the app: both end up in the app's log."""
    import logging

    log = tmp_path / "posecoach.log"
    handler = logging.FileHandler(log)
    logging.getLogger("posecoach").addHandler(handler)
    try:
        with PoseProcess() as pose:
            pose.process(punch_frames[0])
            send_request(pose._proc.stdin, MAP)  # a block that does not exist: the worker fails, uncaught
            send_text(pose._proc.stdin, b"", "posecoach-no-such-block")
            assert pose._proc.wait(10) != 0
            assert pose.process(punch_frames[1]).detected  # a new worker takes the next frame
    finally:
        logging.getLogger("posecoach").removeHandler(handler)
        handler.close()
    text = log.read_text(errors="replace")
    assert "Traceback" in text and "posecoach-no-such-block" in text


def test_a_smaller_frame_sent_ahead_leaves_the_frame_before_it_whole(punch_frames, pose_cache):
    """Each frame has a slot of the block's own size: a smaller frame written next never lands inside the
    larger one the worker is still reading (a camera reopened at a lower resolution)."""
    expected = pose_cache.get("punch_side").keypoints[:1]
    small = Frame(1, punch_frames[1].t, cv2.resize(punch_frames[1].image, (360, 640)))
    with PoseProcess() as pose:
        assert pose.send_ahead(punch_frames[0]) and pose.send_ahead(small)
        first = pose.process(punch_frames[0])
        assert pose.process(small).image_size == (360, 640)
    assert_same_poses([first.keypoints_px()], expected)
