"""Pose estimation with mediapipe Pose (lite, full or heavy model, offline); runs on the pipeline thread."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ..app.errors import NoPoseError
from ..frame.sources import Frame
from ..pose.models import DEFAULT_MODEL, require_model
from ..pose.skeleton import MEDIAPIPE33, PART_JOINTS, to_coco17

NUM_LANDMARKS = 33
# Below this fraction of frames with a person, a take is "nobody detected" rather than a bad score.
MIN_POSE_FRACTION = 0.2
# A person is present when this many torso and limb joints are visible, at least PRESENT_TORSO_JOINTS of
# them shoulders or hips. mediapipe keeps returning a whole skeleton, nose included, for a while after
# the person has left (tracking) and for a face at the frame's edge; its visibilities say what is real.
# Head and shoulders of someone too close still count, so the live engine can ask them to step back.
PRESENT_VISIBILITY = 0.5
PRESENT_BODY_JOINTS = 4
PRESENT_TORSO_JOINTS = 2
_TORSO = np.array(PART_JOINTS["torso"])
_BODY = np.array(sorted({j for part, joints in PART_JOINTS.items() if part != "head" for j in joints}))


def person_present(keypoints: NDArray[np.floating[Any]], skeleton: str = MEDIAPIPE33) -> NDArray[np.bool_]:
    """(..., K, C) keypoints whose last channel is visibility/confidence -> (...) bool: a body is there.

    Missing joints are NaN and count as not visible; the nose alone decides nothing (a person facing
    away has no nose in a COCO file, a ghost pose after the person left still has one).
    """
    kp = np.asarray(keypoints, np.float32)
    lead = kp.shape[:-2]
    coco = to_coco17(kp.reshape((-1, *kp.shape[-2:])), skeleton)
    xy_ok = np.isfinite(coco[..., :2]).all(axis=-1)
    visible = xy_ok & (np.nan_to_num(coco[..., -1], nan=0.0) >= PRESENT_VISIBILITY)
    body = visible[:, _BODY].sum(axis=-1) >= PRESENT_BODY_JOINTS
    torso = visible[:, _TORSO].sum(axis=-1) >= PRESENT_TORSO_JOINTS
    present: NDArray[np.bool_] = (body & torso).reshape(lead)
    return present


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
        """A person is in frame: enough of the body is visible (see person_present), not just a nose."""
        lm = self.landmarks
        return bool(person_present(lm[:, [0, 1, 3]]))

    def keypoints_px(self) -> NDArray[np.float32]:
        """(33, 3) float32: x, y in pixels, visibility (the format every sequence uses)."""
        w, h = self.image_size
        out = np.empty((NUM_LANDMARKS, 3), np.float32)
        out[:, 0] = self.landmarks[:, 0] * w
        out[:, 1] = self.landmarks[:, 1] * h
        out[:, 2] = self.landmarks[:, 3]
        return out


# One frame's world landmarks where there are none (nobody in frame, or a source without them): NaN.
NO_WORLD = np.full((33, 3), np.nan, np.float32)
NO_WORLD.flags.writeable = False  # shared by every such frame


@dataclass(frozen=True)
class PoseSequence:
    """A take or a reference as keypoints.

    keypoints: (T, K, 3) float32: x, y (pixels, or normalised for some imported files), confidence
    in 0..1; NaN rows where no person was found. `skeleton` names K's order.
    world: (T, 33, 3) float32 mediapipe world landmarks (x, y, z metres around the hips; the camera angle a
    take was seen from, core.features.view_turn), None where the source has none (imported files).
    """

    keypoints: NDArray[np.float32]
    skeleton: str
    fps: float
    frame_size: tuple[int, int] | None = None
    source: str = ""
    world: NDArray[np.float32] | None = None

    def __len__(self) -> int:
        return int(self.keypoints.shape[0])

    @property
    def duration(self) -> float:
        return len(self) / self.fps

    def detected_fraction(self) -> float:
        """Share of frames with a person in them (person_present)."""
        if len(self) == 0:
            return 0.0
        return float(person_present(self.keypoints, self.skeleton).mean())

    def slice(self, start: int, end: int) -> PoseSequence:
        world = None if self.world is None else self.world[start:end]
        return PoseSequence(self.keypoints[start:end], self.skeleton, self.fps, self.frame_size, self.source, world)


class PoseEstimator:
    """mediapipe Pose in video mode (tracks between frames). Create once, `reset()` between sources.

    model: "lite", "full" (in mediapipe's wheel) or "heavy" (core.pose.models); a model whose file is missing
    raises ModelError naming the command that installs it.
    """

    def __init__(
        self, model: str = DEFAULT_MODEL, min_detection_confidence: float = 0.5, min_tracking_confidence: float = 0.5
    ) -> None:
        pose_model = require_model(model)  # checked before mediapipe, which would try to download a missing one
        self.model = pose_model.name
        os.environ.setdefault("GLOG_minloglevel", "2")  # mediapipe's C++ log lines are not for users
        import mediapipe as mp  # imported here: loading it costs a second, and tests of pure math skip it

        self._pose = mp.solutions.pose.Pose(
            static_image_mode=False,
            model_complexity=pose_model.complexity,
            smooth_landmarks=True,
            min_detection_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )
        self._empty = np.full((NUM_LANDMARKS, 4), np.nan, np.float32)
        self.last_ms = 0.0  # the model's time for the last frame (auto's choice reads it, as PoseProcess's)

    def process(self, frame: Frame) -> PoseFrame:
        return self.process_rgb(cv2.cvtColor(frame.image, cv2.COLOR_BGR2RGB), frame.index, frame.t)

    def process_rgb(self, rgb: NDArray[Any], index: int, t: float) -> PoseFrame:
        """The pose of an RGB image (the pose worker process gets its frames converted already)."""
        h, w = rgb.shape[:2]
        started = time.perf_counter()
        result = self._pose.process(rgb)
        self.last_ms = (time.perf_counter() - started) * 1000.0
        if result.pose_landmarks is None:
            return PoseFrame(index, t, self._empty, self._empty, (w, h))
        lm = np.array([(p.x, p.y, p.z, p.visibility) for p in result.pose_landmarks.landmark], np.float32)
        world = self._empty
        if result.pose_world_landmarks is not None:
            world = np.array([(p.x, p.y, p.z, p.visibility) for p in result.pose_world_landmarks.landmark], np.float32)
        return PoseFrame(index, t, lm, world, (w, h))

    def send_ahead(self, frame: Frame) -> bool:
        """PoseProcess's: in this process there is nothing to start before `process`."""
        return False

    def reset(self) -> None:
        """Forget tracking state so the next frame starts a new source."""
        self._pose.reset()

    def close(self) -> None:
        self._pose.close()

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def on_time_grid(times: NDArray[np.float64], fps: float) -> NDArray[np.intp] | None:
    """Indices that put frames stamped `times` (s) on a steady `fps` grid, or None when they already are.

    A variable-frame-rate video (phones) stamps each frame; counting frames as 1/fps apart would play
    its slow parts fast. Each grid point takes the latest frame at or before it.
    """
    if len(times) < 2:
        return None
    steady = np.arange(len(times)) / fps
    if float(np.max(np.abs(times - times[0] - steady))) < 0.5 / fps:
        return None  # a constant-rate video stays frame for frame what it was
    grid = times[0] + np.arange(0.0, times[-1] - times[0] + 0.5 / fps, 1.0 / fps)
    index: NDArray[np.intp] = np.clip(np.searchsorted(times, grid + 1e-6, side="right") - 1, 0, len(times) - 1)
    return index


def poses_to_sequence(poses: Iterable[PoseFrame], fps: float, source: str = "") -> PoseSequence:
    """Stack pose frames into a sequence in pixels at a steady `fps` (frames placed by their own times);
    raises NoPoseError if too few frames have a person."""
    rows = []
    worlds = []
    times = []
    size: tuple[int, int] | None = None
    for p in poses:
        rows.append(p.keypoints_px())
        worlds.append(p.world[:, :3])
        times.append(p.t)
        size = p.image_size
    if not rows:
        raise NoPoseError(f"{source}: holds no frames")
    keypoints, world = np.stack(rows), np.stack(worlds)
    index = on_time_grid(np.asarray(times, np.float64), fps)
    if index is not None:
        keypoints, world = keypoints[index], world[index]
    seq = PoseSequence(keypoints, MEDIAPIPE33, fps, size, source, world)
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
    from ..frame.sources import VideoSource

    estimator.reset()
    with VideoSource(path) as video:
        poses = []
        for frame in video:
            pose = estimator.process(frame)
            if on_frame is not None:
                on_frame(frame, pose)
            poses.append(pose)
        return poses_to_sequence(poses, video.fps, source=str(path))
