"""Test doubles with real data: a camera that plays a real clip, stalls, is unplugged and comes back; a pose
estimator that replays poses mediapipe already extracted from a real clip (cheap, for long streams)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np

from core.app.errors import SourceError
from core.frame.sources import Frame, VideoSource
from core.pose.estimator import PoseFrame, PoseSequence


def clip_images(path: Path, limit: int = 10_000) -> list[np.ndarray]:
    with VideoSource(str(path)) as video:
        images = []
        for frame in video:
            images.append(frame.image)
            if len(images) >= limit:
                break
    return images


class FakeCameraRig:
    """The camera behind the fake: plays `images` at `fps`; after `play_first` frames it stalls (reads give
    nothing for `stall_s`), then every read fails and `unplugged_opens` attempts to open it fail; then it is
    back and plays the rest. `times` records when each stage began (time.monotonic()).
    """

    def __init__(self, images: list[np.ndarray], play_first: int, stall_s: float, unplugged_opens: int,
                 fps: float = 30.0) -> None:  # fmt: skip
        self.images = images
        self.play_first = play_first
        self.stall_s = stall_s
        self.unplugged_left = unplugged_opens
        self.fps = fps
        self.pos = 0
        self.opens = 0
        self.times: dict[str, float] = {}
        self._stall_until: float | None = None
        self._lock = threading.Lock()

    def open(self, spec: str | int) -> FakeCamera:
        with self._lock:
            if "failing" in self.times and self.unplugged_left > 0:
                self.unplugged_left -= 1
                raise SourceError(f"camera {spec}: could not be opened (not a video, or no such device)")
            self.opens += 1
            if "failing" in self.times:
                self.times.setdefault("back", time.monotonic())
            return FakeCamera(self)

    def read(self) -> np.ndarray | None:
        time.sleep(1.0 / self.fps)  # a camera delivers at its own rate
        with self._lock:
            now = time.monotonic()
            if self.pos == self.play_first and self._stall_until is None:
                self._stall_until = now + self.stall_s
                self.times["stall"] = now
            if self._stall_until is not None and "back" not in self.times:
                if now < self._stall_until:
                    return None
                self.times.setdefault("failing", now)
                raise OSError("VIDIOC_DQBUF: No such device")  # what a pulled USB camera says
            if self.pos >= len(self.images):
                return None
            image = self.images[self.pos].copy()  # the pipeline draws on its frame
            self.pos += 1
            return image


class FakeCamera:
    """One opening of the rig: the core.frame.sources.FrameSource interface, as a camera."""

    is_camera = True

    def __init__(self, rig: FakeCameraRig) -> None:
        self.rig = rig
        self.fps = rig.fps
        self._index = 0

    def read(self) -> Frame | None:
        image = self.rig.read()
        if image is None:
            return None
        self._index += 1
        return Frame(self._index - 1, (self._index - 1) / self.fps, image)

    def close(self) -> None:
        pass


class ReplayEstimator:
    """Stands in for core.pose.estimator.PoseEstimator: frame k gets the pose mediapipe found in frame k of `seq`."""

    def __init__(self, seq: PoseSequence) -> None:
        self.seq = seq
        self.resets = 0

    def process(self, frame: Frame) -> PoseFrame:
        w, h = self.seq.frame_size or (frame.image.shape[1], frame.image.shape[0])
        kp = self.seq.keypoints[frame.index % len(self.seq)]
        lm = np.full((33, 4), np.nan, np.float32)
        lm[:, 0], lm[:, 1], lm[:, 2], lm[:, 3] = kp[:, 0] / w, kp[:, 1] / h, 0.0, kp[:, 2]
        return PoseFrame(frame.index, frame.t, lm, lm, (w, h))

    def send_ahead(self, frame: Frame) -> bool:
        return False  # like PoseEstimator: nothing to start before `process`

    def reset(self) -> None:
        self.resets += 1

    def close(self) -> None:
        pass
