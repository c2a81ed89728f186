"""Sources of frames (video file, camera) and of keypoints (.npy files); runs on whichever thread reads."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from .errors import SourceError
from .skeleton import COCO17, MEDIAPIPE33

KEYPOINT_SUFFIXES = (".npy",)
DEFAULT_FPS = 30.0


@dataclass(frozen=True)
class Frame:
    """One decoded image. `image` is (H, W, 3) uint8 BGR; `t` seconds since the source started."""

    index: int
    t: float
    image: np.ndarray


class VideoSource:
    """A video file or a camera behind one open/read/close interface."""

    def __init__(self, spec: str | int) -> None:
        self.spec = spec
        self.is_camera = isinstance(spec, int)
        if not self.is_camera:
            path = Path(str(spec))
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
        frame = Frame(self._index, t, image)
        self._index += 1
        return frame

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


def parse_source(spec: str) -> str | int:
    """'0' -> camera 0; anything else is a path."""
    return int(spec) if spec.isdigit() and not os.path.exists(spec) else spec


def is_keypoint_file(spec: str | int) -> bool:
    return isinstance(spec, str) and spec.lower().endswith(KEYPOINT_SUFFIXES)


def load_keypoint_array(path: str | Path) -> tuple[np.ndarray, str]:
    """Read a .npy keypoint file -> ((T, K, 3) float32 x, y, confidence; skeleton name).

    Accepts (T, 17, 2|3) COCO-17 (x, y[, confidence]) or (T, 33, 3|4) mediapipe (x, y[, z], visibility).
    A missing COCO confidence becomes 1 where x, y are finite. NaN marks a missing joint.
    """
    path = Path(path)
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
