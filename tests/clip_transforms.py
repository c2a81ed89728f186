"""Transformations of real clips for robustness checks: time, image geometry, light, idle padding."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from core.frame.sources import Frame, VideoSource
from core.pose.estimator import PoseEstimator, PoseSequence, poses_to_sequence

ImageFn = Callable[[np.ndarray], np.ndarray]


def read_frames(path: str) -> tuple[list[np.ndarray], float]:
    with VideoSource(path) as video:
        return [f.image for f in video], video.fps


def run_pose(images: list[np.ndarray], fps: float, estimator: PoseEstimator, source: str) -> PoseSequence:
    estimator.reset()
    poses = [estimator.process(Frame(i, i / fps, img)) for i, img in enumerate(images)]
    return poses_to_sequence(poses, fps, source)


def scale_and_shift(factor: float, dx: float, dy: float) -> ImageFn:
    """Person farther away (factor < 1) and off-centre by (dx, dy) fractions of the frame, same canvas."""

    def fn(img: np.ndarray) -> np.ndarray:
        h, w = img.shape[:2]
        m = np.float32([[factor, 0, (1 - factor) * w / 2 + dx * w], [0, factor, (1 - factor) * h / 2 + dy * h]])
        return cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REPLICATE)

    return fn


def rotate(degrees: float) -> ImageFn:
    def fn(img: np.ndarray) -> np.ndarray:
        h, w = img.shape[:2]
        m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
        return cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REPLICATE)

    return fn


def darken(gain: float) -> ImageFn:
    def fn(img: np.ndarray) -> np.ndarray:
        return np.clip(img.astype(np.float32) * gain, 0, 255).astype(np.uint8)

    return fn


def retime(images: list[np.ndarray], speed: float) -> list[np.ndarray]:
    """Play `speed` times faster (>1 drops frames, <1 repeats them), same frame rate."""
    count = max(2, int(round(len(images) / speed)))
    idx = np.clip(np.round(np.arange(count) * speed).astype(int), 0, len(images) - 1)
    return [images[i] for i in idx]


def pad_idle(images: list[np.ndarray], before: int, after: int) -> list[np.ndarray]:
    """Standing still before and after the move: the first and last frames held."""
    return [images[0]] * before + images + [images[-1]] * after
