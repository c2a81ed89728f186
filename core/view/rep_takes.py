"""The last reps of a session as small pictures, kept for review: a bounded buffer, pipeline thread in, UI out.

Every frame goes into a rolling window of a few seconds (downscaled, JPEG-compressed, with its keypoints);
when the engine reports a rep, its span is cut from the window and kept. Only the last `max_reps` reps and
at most `max_bytes` are kept, so a session of hours holds the same memory as one of minutes
(bench/bench_rep_takes.py). The alignment path is computed when a rep is first reviewed, not on the
pipeline thread.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ..match.live_events import Rep
from ..match.rep_path import RepAlignment, rep_alignment, worst_part
from ..pose.skeleton import to_coco17
from ..score.scoring import PreparedReference

TAKE_HEIGHT = 240  # px: enough to see a limb's angle beside the coach, ~8 KB a frame as JPEG
JPEG_QUALITY = 80
MAX_REPS = 12
MAX_BYTES = 40 * 1024 * 1024
# The window must hold the slowest rep the engine accepts (2.5x the reference) plus the wait before it
# is reported (core.match.live); callers set it from their references (window_for).
DEFAULT_WINDOW_S = 12.0


def window_for(durations: list[float]) -> float:
    """Seconds of frames to keep so that any rep of references this long can still be cut when reported."""
    return max(DEFAULT_WINDOW_S, 3.0 * max(durations, default=0.0) + 2.0)


@dataclass(frozen=True, eq=False)  # one rep is one object: compared by identity, not by its arrays
class RepTake:
    """One rep as filmed: JPEG frames, (T, 17, 3) COCO-17 keypoints in the frames' pixels, (T,) times."""

    rep: Rep
    label: str  # the reference's label
    prepared: PreparedReference = field(repr=False)
    frames: tuple[bytes, ...] = field(repr=False)
    keypoints: NDArray[np.float32] = field(repr=False)
    times: NDArray[np.float64] = field(repr=False)

    def __len__(self) -> int:
        return len(self.frames)

    @property
    def nbytes(self) -> int:
        return sum(len(f) for f in self.frames) + self.keypoints.nbytes + self.times.nbytes

    def image(self, j: int) -> NDArray[np.uint8]:
        """(h, w, 3) uint8 BGR of frame j (grey if its JPEG could not be read)."""
        img = cv2.imdecode(np.frombuffer(self.frames[j], np.uint8), cv2.IMREAD_COLOR) if self.frames[j] else None
        if img is None:
            return np.full((TAKE_HEIGHT, TAKE_HEIGHT, 3), 60, np.uint8)
        return np.asarray(img, np.uint8)

    @cached_property
    def alignment(self) -> RepAlignment:
        """The rep along its reference, on either side: core.match.rep_path."""
        return rep_alignment(self.keypoints, self.prepared)

    @property
    def path(self) -> NDArray[np.int64]:
        """(L, 2) pairs (reference frame, rep frame)."""
        return self.alignment.path

    @cached_property
    def worst(self) -> tuple[str | None, str]:
        """(part, correction): the part that lost most, and what the app told the student."""
        return worst_part(self.rep.parts, self.rep.feedback, self.prepared.reference.weights)


@dataclass
class _Frame:
    t: float
    jpeg: bytes
    coco: NDArray[np.float32]


class RepTakeBuffer:
    """The rolling frame window and the kept reps; thread-safe (frames and reps in, takes out)."""

    def __init__(self, max_reps: int = MAX_REPS, max_bytes: int = MAX_BYTES, height: int = TAKE_HEIGHT,
                 window_s: float = DEFAULT_WINDOW_S) -> None:  # fmt: skip
        self.max_reps = max_reps
        self.max_bytes = max_bytes
        self.height = height
        self.window_s = window_s
        self._window: deque[_Frame] = deque()
        self._window_bytes = 0
        self._takes: deque[RepTake] = deque()
        self._lock = threading.Lock()

    def add_frame(self, t: float, image: NDArray[np.uint8], keypoints: NDArray[Any] | None,
                  skeleton: str = "mediapipe33") -> None:  # fmt: skip
        """A frame at `t` seconds (the clock the engine's reps use), as filmed, before anything is drawn."""
        h, w = image.shape[:2]
        s = min(1.0, self.height / h)
        # Linear, not area: 0.15 ms instead of 1.8 ms a 720p frame on the pipeline thread, alike at this size.
        size = (max(2, round(w * s)), self.height)
        small = image if s == 1.0 else cv2.resize(image, size, interpolation=cv2.INTER_LINEAR)
        ok, jpg = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        if keypoints is None:
            coco = np.full((17, 3), np.nan, np.float32)
        else:
            coco = to_coco17(np.asarray(keypoints, np.float32)[None], skeleton)[0].copy()
            coco[:, :2] *= s
        frame = _Frame(t, jpg.tobytes() if ok else b"", coco)
        with self._lock:
            if self._window and t < self._window[-1].t:
                self._clear_window()  # the clock started again (a new engine or source)
            self._window.append(frame)
            self._window_bytes += len(frame.jpeg)
            # Bounded by time and, for a huge or fast source, by bytes.
            while len(self._window) > 1 and (
                t - self._window[0].t > self.window_s or self._window_bytes > self.max_bytes // 2
            ):
                self._window_bytes -= len(self._window.popleft().jpeg)

    def _clear_window(self) -> None:
        self._window.clear()
        self._window_bytes = 0

    def add_rep(self, rep: Rep, label: str, prepared: PreparedReference) -> RepTake | None:
        """Keep the frames of `rep` (start..end, seconds); None when the window no longer holds them."""
        with self._lock:
            rows = [f for f in self._window if rep.start - 1e-6 <= f.t < rep.end - 1e-6]
            if len(rows) < 2:
                return None
            take = RepTake(
                rep, label, prepared, tuple(f.jpeg for f in rows),
                np.stack([f.coco for f in rows]), np.array([f.t for f in rows]),
            )  # fmt: skip
            self._takes.append(take)
            while len(self._takes) > self.max_reps or (
                len(self._takes) > 1 and sum(k.nbytes for k in self._takes) > self.max_bytes // 2
            ):
                self._takes.popleft()
            return take

    def takes(self) -> list[RepTake]:
        """The kept reps, oldest first."""
        with self._lock:
            return list(self._takes)

    def worst(self) -> RepTake | None:
        """The kept rep with the lowest score (what a coach would replay first)."""
        takes = [k for k in self.takes() if k.rep.counted]
        return min(takes, key=lambda k: k.rep.score) if takes else None

    def find(self, index: int) -> RepTake | None:
        """The latest kept rep numbered `index` (Rep.index; a new practice counts from 1 again), or None."""
        return next((k for k in reversed(self.takes()) if k.rep.index == index), None)

    @property
    def nbytes(self) -> int:
        with self._lock:
            return self._window_bytes + sum(k.nbytes for k in self._takes)

    def clear(self) -> None:
        with self._lock:
            self._clear_window()
            self._takes.clear()
