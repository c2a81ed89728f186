"""An mp4 file written whole or not at all: frames go to a temporary file beside it, renamed when complete."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ..app.errors import PoseCoachError


def output_path(out: str | Path, example: str) -> Path:
    """`out` checked before any work: not a folder (`example` is the file name suggested), its folder made."""
    out = Path(out)
    if out.is_dir():  # said before a minute of rendering, not at the final rename
        raise PoseCoachError(f"{out}: is a folder; give the video a file name, e.g. {out / example}")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PoseCoachError(f"{out.parent}: cannot create the output folder ({exc.strerror})") from None
    return out


class VideoOut:
    """Use as a context manager; `finish` renames the file into place. A crash, a cancel or an error before
    `finish` leaves no half video at `out`. The frame size is the first frame's, cut to even (mp4v needs it)."""

    def __init__(self, out: str | Path, fps: float) -> None:
        self.out = Path(out)
        self.fps = fps
        self.tmp = self.out.with_name(f".{self.out.stem}.partial{self.out.suffix or '.mp4'}")
        self.size = (0, 0)
        self.frames = 0
        self._writer: cv2.VideoWriter | None = None

    def __enter__(self) -> VideoOut:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._writer is not None:
            self._writer.release()
            self._writer = None
        self.tmp.unlink(missing_ok=True)  # after `finish` it is gone already

    def write(self, image: NDArray[Any]) -> None:
        if self._writer is None:
            self.size = (image.shape[1] // 2 * 2, image.shape[0] // 2 * 2)
            # mp4v: the encoder opencv's bundled ffmpeg has (no H.264 here); read back by any cv2.
            self._writer = cv2.VideoWriter(str(self.tmp), cv2.VideoWriter.fourcc(*"mp4v"), self.fps, self.size)
            if not self._writer.isOpened():
                raise PoseCoachError(f"{self.out}: cannot write a video there (check the folder and the name)")
        self._writer.write(np.ascontiguousarray(image[: self.size[1], : self.size[0]]))
        self.frames += 1

    def finish(self, source: str) -> None:
        """The video is complete: it takes its name. Raises when no frame was written (`source` held none)."""
        if self._writer is None:
            raise PoseCoachError(f"{source}: holds no frames")
        self._writer.release()
        self._writer = None
        self.tmp.replace(self.out)
