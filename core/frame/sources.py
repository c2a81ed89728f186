"""Sources of frames (video file, camera) and of keypoints (.npy files); runs on whichever thread reads."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np
from numpy.typing import NDArray

from ..app.errors import SourceError
from ..pose.skeleton import COCO17, MEDIAPIPE33

KEYPOINT_SUFFIXES = (".npy",)
DEFAULT_FPS = 30.0


@dataclass(frozen=True)
class Frame:
    """One decoded image. `image` is (H, W, 3) uint8 BGR; `t` seconds since the source started.

    `generation` names the source the frame came from (the app numbers each opened source), so a frame
    that a stopped source delivers late is recognised and dropped instead of being scored as the new one.
    """

    index: int
    t: float
    image: NDArray[np.uint8]
    generation: int = 0


class FrameSource(Protocol):
    """What the capture thread reads: a camera, a video file, or a fake camera in tests."""

    fps: float
    is_camera: bool

    def read(self) -> Frame | None:
        """The next frame, or None (end of a file, or a camera that gave nothing this time)."""
        ...

    def close(self) -> None: ...


class VideoSource:
    """A video file or a camera behind one open/read/close interface."""

    def __init__(self, spec: str | int) -> None:
        self.spec = spec
        self.is_camera = isinstance(spec, int)
        if not self.is_camera:
            path = Path(str(spec))
            if path.is_dir():
                raise SourceError(f"{path}: is a folder, not a video file")
            if not path.is_file():
                raise SourceError(f"{path}: no such video file")
        self._cap = cv2.VideoCapture(spec)
        if not self._cap.isOpened():
            what = f"camera {spec}" if self.is_camera else f"{spec}"
            raise SourceError(f"{what}: could not be opened (not a video, or no such device)")
        fps = float(self._cap.get(cv2.CAP_PROP_FPS) or 0.0)
        self.fps = fps if 1.0 <= fps <= 240.0 else DEFAULT_FPS
        self.frame_count = int(self._cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0) if not self.is_camera else 0
        self._index = 0
        self._origin: float | None = None  # the container's time of the first frame
        self._last_t: float | None = None

    def read(self) -> Frame | None:
        """Next frame, or None at the end of a file / when the camera gives nothing."""
        ok, image = self._cap.read()
        if not ok or image is None:
            return None
        t = self._timestamp()
        frame = Frame(self._index, t, np.asarray(image, np.uint8))  # cv2 decodes 8-bit BGR: no copy
        self._index += 1
        self._last_t = t
        return frame

    def ended_early(self) -> str | None:
        """After reading to the end: a sentence if the file gave clearly fewer frames than its header promises."""
        if self.is_camera:
            return None
        return ended_early_note(str(self.spec), self._index, self.frame_count, self.fps)

    def _timestamp(self) -> float:
        """The frame's time from the container, so a variable-frame-rate (phone) video keeps its timing.

        index / fps is the fallback where the container says nothing usable: no time, a negative one, or
        one that does not move forward. A camera's times come from the capture thread's clock instead.
        """
        fallback = self._index / self.fps if self._last_t is None else self._last_t + 1.0 / self.fps
        if self.is_camera:
            return self._index / self.fps
        ms = float(self._cap.get(cv2.CAP_PROP_POS_MSEC))
        if not math.isfinite(ms) or ms < 0.0:
            return fallback
        if self._origin is None:
            self._origin = ms / 1000.0 if self._index == 0 else 0.0
        t = ms / 1000.0 - self._origin
        if t < 0.0 or (self._last_t is not None and t <= self._last_t):
            return fallback
        return t

    def seek(self, index: int) -> None:
        self._cap.set(cv2.CAP_PROP_POS_FRAMES, index)
        self._index = index
        self._last_t = None

    def close(self) -> None:
        self._cap.release()

    def __iter__(self) -> Iterator[Frame]:
        while (frame := self.read()) is not None:
            yield frame

    def __enter__(self) -> VideoSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def ended_early_note(source: str, frames_read: int, declared: int, fps: float) -> str | None:
    """The sentence for a video that stopped decoding before the frame count in its header, or None.

    A copy or download that was cut off keeps its header (frame count, duration) but loses its end;
    OpenCV then just stops early, and a reference or a score would silently cover only part of the take.
    Headers that estimate the count from duration x fps can be off by a frame or two: that is not truncation.
    """
    if declared <= 0 or frames_read >= declared - max(3, round(0.02 * declared)):
        return None
    return (
        f"{source}: the file ended early, after {frames_read} of its {declared} frames "
        f"({frames_read / fps:.1f} of {declared / fps:.1f} s); it looks truncated (an interrupted copy or download?), "
        "so only the part that could be read is used"
    )


def parse_source(spec: str) -> str | int:
    """'0' -> camera 0; anything else is a path."""
    return int(spec) if spec.isdigit() and not os.path.exists(spec) else spec


def is_keypoint_file(spec: str | int) -> bool:
    return isinstance(spec, str) and spec.lower().endswith(KEYPOINT_SUFFIXES)


def load_keypoint_array(path: str | Path) -> tuple[NDArray[np.float32], str]:
    """Read a .npy keypoint file -> ((T, K, 3) float32 x, y, confidence; skeleton name).

    Accepts (T, 17, 2|3) COCO-17 (x, y[, confidence]) or (T, 33, 3|4) mediapipe (x, y[, z], visibility).
    A missing COCO confidence becomes 1 where x, y are finite. NaN marks a missing joint.
    """
    path = Path(path)
    if path.is_dir():
        raise SourceError(f"{path}: is a folder, not a keypoint file")
    if not path.is_file():
        raise SourceError(f"{path}: no such keypoint file")
    try:
        arr = np.load(path, allow_pickle=False)
    except Exception as exc:  # noqa: BLE001 - any parse failure is the same user problem
        raise SourceError(f"{path}: not a readable .npy array ({exc})") from None
    if arr.ndim != 3 or not np.issubdtype(arr.dtype, np.number):
        raise SourceError(f"{path}: expected a numeric array (frames, joints, channels), got {arr.shape}")
    t, k, c = arr.shape
    arr = arr.astype(np.float32)
    if k == 17 and c in (2, 3):
        skeleton = COCO17
        xy = arr[..., :2]
        conf = arr[..., 2] if c == 3 else np.ones((t, k), np.float32)
    elif k == 33 and c in (3, 4):
        skeleton = MEDIAPIPE33
        xy = arr[..., :2]
        conf = arr[..., c - 1]  # (x, y, confidence) or (x, y, z, confidence)
    else:
        raise SourceError(f"{path}: shape {arr.shape} is neither (T, 17, 2|3) nor (T, 33, 3|4)")
    if t == 0:
        raise SourceError(f"{path}: holds no frames")
    out = np.concatenate([xy, conf[..., None]], axis=-1)
    out[~np.isfinite(xy).all(axis=-1)] = np.nan
    return out, skeleton


# Normalised x, y stay near 0..1 (a joint may lie a little outside the image); pixel coordinates of a body
# span tens to thousands. Between the two nothing real occurs, so the largest |x|, |y| tells them apart.
NORMALISED_LIMIT = 2.0
SIZE_HELP = "frame size of normalised (0..1) .npy keypoints, e.g. 1920x1080: x, y are scaled to its pixels"
_SIZE = re.compile(r"\s*(\d+)\s*[xX]\s*(\d+)\s*")


def parse_frame_size(text: str) -> tuple[int, int]:
    """'1920x1080' -> (1920, 1080): the --size argument, with a sentence that says what to type otherwise."""
    match = _SIZE.fullmatch(text)
    if match is None:
        raise SourceError(f"--size {text!r}: give the frame size as WIDTHxHEIGHT in pixels, e.g. --size 1920x1080")
    width, height = int(match[1]), int(match[2])
    if width <= 0 or height <= 0:
        raise SourceError(f"--size {text}: width and height must both be at least 1 pixel, e.g. --size 1920x1080")
    return width, height


def looks_normalised(keypoints: NDArray[Any]) -> bool:
    """True when x, y of (T, K, 3) keypoints are fractions of the frame rather than pixels."""
    xy = keypoints[..., :2]
    finite = np.abs(xy[np.isfinite(xy)])
    return finite.size > 0 and float(finite.max()) <= NORMALISED_LIMIT


@dataclass(frozen=True)
class KeypointFile:
    """A .npy keypoint file as read for the commands.

    keypoints: (T, K, 3) float32 x, y, confidence; NaN rows for a missing joint. x, y are pixels of
    `frame_size` when the file was normalised and a size was given, else as stored.
    normalised: the file stored x, y as fractions of the frame (before any scaling).
    """

    path: str
    keypoints: NDArray[np.float32]
    skeleton: str
    normalised: bool
    frame_size: tuple[int, int] | None
    requested_size: tuple[int, int] | None = None  # the --size given, applied or not

    def warning(self) -> str | None:
        """What a person should know about how x, y were read, or None."""
        if self.normalised and self.frame_size is None:
            # x / width and y / height are compared as if width == height: on a 16:9 frame every
            # horizontal bone comes out 1.8 times too short, and angles and scores are distorted.
            return (
                f"{self.path}: x, y are normalised (0..1) and the frame size is unknown, so a square frame "
                f"is assumed; if the video was not square, give its size with --size WxH (e.g. --size 1920x1080)"
            )
        if self.requested_size is not None and not self.normalised:
            return size_ignored_warning(self.path)
        return None


def read_keypoints(path: str | Path, frame_size: tuple[int, int] | None = None) -> KeypointFile:
    """Load a .npy keypoint file (see load_keypoint_array); normalised x, y are scaled to `frame_size` pixels."""
    keypoints, skeleton = load_keypoint_array(path)
    normalised = looks_normalised(keypoints)
    size = frame_size if normalised else None  # pixel files already carry their aspect
    if size is not None:
        keypoints[..., 0] *= size[0]
        keypoints[..., 1] *= size[1]
    return KeypointFile(str(path), keypoints, skeleton, normalised, size, frame_size)


def size_ignored_warning(source: str) -> str:
    """The sentence for a --size given with a source that does not need it."""
    if is_keypoint_file(source):
        return f"{source}: x, y are already pixels; --size is only for normalised keypoints and was ignored"
    return f"{source}: a video knows its own frame size; --size is only for normalised .npy keypoints and was ignored"
