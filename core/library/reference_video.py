"""The coach's recording kept beside a reference: a small mp4 with the JSON's stem, one frame per keypoint frame.

Runs wherever a reference is saved (the CLI's `record`, the Record dialog on the UI thread) or shown (review,
`render --compare`). The video is an extra: a reference without one (an import, a starter move, a damaged or
deleted file) is shown as its skeleton on a plain background, so nothing here ever raises on read.
Frame i of the video shows the coach at keypoint frame i of the reference's first example.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ..app.errors import PoseCoachError
from ..frame.sources import VideoSource, is_keypoint_file
from ..frame.video_out import VideoOut
from ..library.references import Reference
from ..pose.estimator import PoseSequence, on_time_grid

VIDEO_SUFFIX = ".mp4"
# ~240-360 px high is enough to watch a coach beside oneself; a few hundred KB per reference.
VIDEO_HEIGHT = 320


@dataclass(frozen=True)
class ReferenceVideo:
    """The coach's frames: (T, h, w, 3) uint8 BGR, and the factor from reference pixels to these frames."""

    frames: NDArray[np.uint8]
    scale: float

    def __len__(self) -> int:
        return len(self.frames)


def video_path(json_path: Path) -> Path:
    return json_path.with_suffix(VIDEO_SUFFIX)


def _even(n: float) -> int:
    return max(2, int(round(n / 2)) * 2)  # mp4v wants even sizes


def write_reference_video(json_path: Path, frames: Iterable[NDArray[np.uint8] | None], fps: float) -> Path | None:
    """Write `frames` (any size; None repeats the previous one) beside the reference; None if none was usable.

    Written whole or not at all (core.frame.video_out), as the JSON is: a crash leaves the old video or none.
    """
    out = video_path(json_path)
    size: tuple[int, int] | None = None
    last: NDArray[np.uint8] | None = None
    try:
        with VideoOut(out, fps) as video:
            for image in frames:
                image = last if image is None else image
                if image is None:
                    continue
                if size is None:
                    h, w = image.shape[:2]
                    height = min(VIDEO_HEIGHT, _even(h))
                    size = (_even(w * height / h), height)
                last = image
                video.write(cv2.resize(image, size, interpolation=cv2.INTER_AREA))
            if size is None:
                return None
            video.finish(str(json_path))
    except PoseCoachError:
        return None  # the folder refuses a video: the reference is kept without one
    return out


def remove_reference_video(json_path: Path) -> None:
    """A reference saved again without a recording must not keep the old one's video."""
    video_path(json_path).unlink(missing_ok=True)


def load_reference_video(ref: Reference) -> ReferenceVideo | None:
    """The coach's frames of `ref`, or None: no file, unreadable, or not one frame per keypoint frame."""
    if ref.path is None or ref.starter:
        return None
    path = video_path(ref.path)
    if not path.is_file():
        return None
    cap = cv2.VideoCapture(str(path))
    frames: list[NDArray[np.uint8]] = []
    try:
        while len(frames) <= len(ref.keypoints) and (got := cap.read())[0]:
            frames.append(np.asarray(got[1], np.uint8))
    finally:
        cap.release()
    # A video of another take (a file copied by hand, an old recording) would show the wrong moment.
    if len(frames) != len(ref.keypoints):
        return None
    h, w = frames[0].shape[:2]
    scale = h / ref.frame_size[1] if ref.frame_size else 1.0
    if ref.frame_size and abs(w / ref.frame_size[0] - scale) > 0.05:
        return None  # not the recording's aspect: the keypoints would not sit on the coach
    return ReferenceVideo(np.stack(frames), scale)


def example_offset(span: NDArray[Any], example: NDArray[Any]) -> int | None:
    """Where the first example of a saved reference starts in the recorded span (a split keeps one rep of it);
    None when it is not a stretch of the span (an example added to a move recorded earlier)."""
    n = len(example)
    if n == 0 or n > len(span):
        return None
    for a in range(len(span) - n + 1):
        if np.array_equal(span[a : a + n], example, equal_nan=True):
            return a
    return None


def keep_recording(json_path: Path, ref: Reference, span: NDArray[Any], added: bool,
                   frames: Callable[[int, int], Iterable[NDArray[np.uint8] | None]]) -> Path | None:  # fmt: skip
    """After `store_move`: write the coach's video of the reference's first example, cut from the recorded
    span's frames (`frames(a, b)` gives frames a..b-1 of the span); an example added to an existing move keeps
    that move's video; a first example from elsewhere (a keypoint file) removes a stale one. Never raises: the
    reference is saved already, and the video is an extra."""
    if added:
        return None
    a = example_offset(np.asarray(span, np.float32), ref.keypoints)
    try:
        if a is None:
            remove_reference_video(json_path)
            return None
        written = write_reference_video(json_path, frames(a, a + len(ref.keypoints)), ref.fps)
        if written is None:
            remove_reference_video(json_path)
        return written
    except (OSError, cv2.error):
        return None


def source_frames(source: str, start: int) -> Callable[[int, int], Iterator[NDArray[np.uint8] | None]]:
    """frames(a, b) for keep_recording: frames start+a .. start+b-1 of a video file, decoded again.

    Counted as the keypoints were: on the steady frame grid of `extract_sequence` (core.pose.estimator
    `on_time_grid`), so a variable-frame-rate (phone) video's coach video shows what its keypoints show.
    """

    def frames(a: int, b: int) -> Iterator[NDArray[np.uint8] | None]:
        with VideoSource(source) as video:
            times = [f.t for f in video]  # the container's times, as extract_sequence read them
            fps = video.fps
        grid = on_time_grid(np.asarray(times, np.float64), fps)
        wanted = list(range(start + a, start + b)) if grid is None else grid[start + a : start + b].tolist()
        if not wanted:
            return
        with VideoSource(source) as video:
            last = max(wanted)
            pending = iter(wanted)
            want = next(pending)
            for k, frame in enumerate(video):
                while want == k:  # a grid frame may repeat a slow part's frame
                    yield frame.image
                    want = next(pending, -1)
                if k >= last:
                    return

    return frames


def keep_recording_of(json_path: Path, ref: Reference, span: PoseSequence, source: str, start: int,
                      added: bool) -> Path | None:  # fmt: skip
    """The CLI's `record`: keep_recording from the video file the span (frames start.. of it) was cut from."""
    if is_keypoint_file(source):
        return keep_recording(json_path, ref, span.keypoints, added, lambda a, b: iter(()))
    return keep_recording(json_path, ref, span.keypoints, added, source_frames(source, start))
