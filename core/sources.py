"""Sources of frames (video file, camera) and of keypoints (.npy files); runs on whichever thread reads."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from .errors import SourceError
from .skeleton import COCO17, MEDIAPIPE33

KEYPOINT_SUFFIXES = (".npy",)
DEFAULT_FPS = 30.0


@dataclass(frozen=True)
class Frame:
    """One decoded image. `image` is (H, W, 3) uint8 BGR; `t` seconds since the source started."""

    index: int
    t: float
    image: NDArray[np.uint8]


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

    def read(self) -> Frame | None:
        """Next frame, or None at the end of a file / when the camera gives nothing."""
        ok, image = self._cap.read()
        if not ok or image is None:
            return None
        t = self._index / self.fps
        frame = Frame(self._index, t, np.asarray(image, np.uint8))  # cv2 decodes 8-bit BGR: no copy
        self._index += 1
        return frame

    def ended_early(self) -> str | None:
        """After reading to the end: a sentence if the file gave clearly fewer frames than its header promises."""
        if self.is_camera:
            return None
        return ended_early_note(str(self.spec), self._index, self.frame_count, self.fps)

    def seek(self, index: int) -> None:
        self._cap.set(cv2.CAP_PROP_POS_FRAMES, index)
        self._index = index

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
