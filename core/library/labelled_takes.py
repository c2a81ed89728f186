"""Keypoint takes labelled per frame (0 between moves, a move id during one): load them, cut their segments.

Used to measure rep counting and recognition against labelled truth (bench/, tests/) and to cut the
examples of a move out of a labelled take.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..frame.sources import load_keypoint_array
from ..pose.estimator import PoseSequence


@dataclass(frozen=True)
class LabelledSegment:
    """Frames [start, end) of a take labelled with one move id."""

    start: int
    end: int
    label: int

    def __len__(self) -> int:
        return self.end - self.start


def labelled_segments(labels: NDArray[Any], min_frames: int = 6) -> list[LabelledSegment]:
    """Runs of one non-zero label, at least `min_frames` long (shorter runs are labelling slips)."""
    labels = np.asarray(labels).astype(np.int64)
    change = np.flatnonzero(np.diff(labels)) + 1
    bounds = np.r_[0, change, len(labels)]
    out = []
    for a, z in zip(bounds[:-1], bounds[1:], strict=True):
        if labels[a] != 0 and z - a >= min_frames:
            out.append(LabelledSegment(int(a), int(z), int(labels[a])))
    return out


def load_labelled_take(path: str | Path, fps: float = 30.0) -> tuple[PoseSequence, NDArray[Any]]:
    """A take `<name>.npy` with its `<name>.labels.npy` -> (sequence, (T,) int labels)."""
    path = Path(path)
    keypoints, skeleton = load_keypoint_array(path)
    labels = np.load(path.with_name(path.stem + ".labels.npy"), allow_pickle=False)
    if labels.shape != (len(keypoints),):
        raise ValueError(f"{path}: {labels.shape} labels for {len(keypoints)} frames")
    return PoseSequence(keypoints, skeleton, fps, None, str(path)), labels
