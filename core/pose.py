"""Pose estimation with mediapipe Pose (bundled full model, offline); runs on the pipeline thread."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from .errors import NoPoseError
from .skeleton import MEDIAPIPE33
from .sources import Frame

NUM_LANDMARKS = 33
# Below this fraction of frames with a person, a take is "nobody detected" rather than a bad score.
MIN_POSE_FRACTION = 0.2


@dataclass(frozen=True)
class PoseFrame:
    """Pose of one frame.

    landmarks: (33, 4) float32: x, y normalised to the image (0..1), z, visibility; NaN when no person.
    world: (33, 4) float32: x, y, z metres around the hips, visibility; NaN when no person.
    """

    index: int
    t: float
    landmarks: NDArray[np.float32]
    world: NDArray[np.float32]
    image_size: tuple[int, int]  # (width, height)

    @property
    def detected(self) -> bool:
        return bool(np.isfinite(self.landmarks[0, 0]))

    def keypoints_px(self) -> NDArray[np.float32]:
        """(33, 3) float32: x, y in pixels, visibility (the format every sequence uses)."""
        w, h = self.image_size
        out = np.empty((NUM_LANDMARKS, 3), np.float32)
        out[:, 0] = self.landmarks[:, 0] * w
        out[:, 1] = self.landmarks[:, 1] * h
        out[:, 2] = self.landmarks[:, 3]
        return out


@dataclass(frozen=True)
class PoseSequence:
    """A take or a reference as keypoints.

    keypoints: (T, K, 3) float32: x, y (pixels, or normalised for some imported files), confidence
    in 0..1; NaN rows where no person was found. `skeleton` names K's order.
    """

    keypoints: NDArray[np.float32]
    skeleton: str
    fps: float
    frame_size: tuple[int, int] | None = None
    source: str = ""

    def __len__(self) -> int:
        return int(self.keypoints.shape[0])

    @property
    def duration(self) -> float:
        return len(self) / self.fps

    def detected_fraction(self) -> float:
        if len(self) == 0:
            return 0.0
        return float(np.isfinite(self.keypoints[:, 0, 0]).mean())

    def slice(self, start: int, end: int) -> PoseSequence:
        return PoseSequence(self.keypoints[start:end], self.skeleton, self.fps, self.frame_size, self.source)


class PoseEstimator:
    """mediapipe Pose in video mode (tracks between frames). Create once, `reset()` between sources."""

    def __init__(self, min_detection_confidence: float = 0.5, min_tracking_confidence: float = 0.5) -> None:
        os.environ.setdefault("GLOG_minloglevel", "2")  # mediapipe's C++ log lines are not for users
        import mediapipe as mp  # imported here: loading it costs a second, and tests of pure math skip it

        self._pose = mp.solutions.pose.Pose(
            static_image_mode=False,
            model_complexity=1,  # the only model inside the 0.10.21 wheel; 0 and 2 download
            smooth_landmarks=True,
            min_detection_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )
        self._empty = np.full((NUM_LANDMARKS, 4), np.nan, np.float32)

    def process(self, frame: Frame) -> PoseFrame:
        h, w = frame.image.shape[:2]
        rgb = cv2.cvtColor(frame.image, cv2.COLOR_BGR2RGB)
        result = self._pose.process(rgb)
        if result.pose_landmarks is None:
            return PoseFrame(frame.index, frame.t, self._empty, self._empty, (w, h))
        lm = np.array([(p.x, p.y, p.z, p.visibility) for p in result.pose_landmarks.landmark], np.float32)
        world = self._empty
        if result.pose_world_landmarks is not None:
            world = np.array([(p.x, p.y, p.z, p.visibility) for p in result.pose_world_landmarks.landmark], np.float32)
        return PoseFrame(frame.index, frame.t, lm, world, (w, h))

    def reset(self) -> None:
        """Forget tracking state so the next frame starts a new source."""
        self._pose.reset()

    def close(self) -> None:
        self._pose.close()

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def poses_to_sequence(poses: Iterable[PoseFrame], fps: float, source: str = "") -> PoseSequence:
    """Stack pose frames into a sequence in pixels; raises NoPoseError if too few frames have a person."""
    rows = []
    size: tuple[int, int] | None = None
    for p in poses:
        rows.append(p.keypoints_px())
        size = p.image_size
    if not rows:
        raise NoPoseError(f"{source}: holds no frames")
    seq = PoseSequence(np.stack(rows), MEDIAPIPE33, fps, size, source)
    if seq.detected_fraction() < MIN_POSE_FRACTION:
        raise NoPoseError(
            f"{source}: nobody detected in {100 * (1 - seq.detected_fraction()):.0f}% of frames; "
            "the whole body should be visible"
        )
    return seq


def extract_sequence(
    path: str,
    estimator: PoseEstimator,
    on_frame: Callable[[Frame, PoseFrame], None] | None = None,
) -> PoseSequence:
    """Run pose estimation over a whole video file."""
    from .sources import VideoSource

    estimator.reset()
    with VideoSource(path) as video:
        poses = []
        for frame in video:
            pose = estimator.process(frame)
            if on_frame is not None:
                on_frame(frame, pose)
            poses.append(pose)
        return poses_to_sequence(poses, video.fps, source=str(path))
