"""Recording a new reference: keypoints plus small preview images, bounded; storing takes as examples.

TakeRecorder runs on the pipeline thread. Nothing touches the library until the user saves a trimmed
span, and the save itself is atomic (core.library.references), so a crash or a closed window mid-recording
loses nothing. `take_examples` and `store_move` are what the CLI's `record` and the Record dialog
share: a span becomes one example or, split at rests, one per rep; the examples make a new move or
join an existing one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ..app.errors import LibraryError
from ..library.labels import format_label
from ..library.reference_library import Library
from ..library.references import Reference, add_example, example_from_sequence, make_reference
from ..match.rep_split import split_reps
from ..pose.estimator import NO_WORLD, PoseSequence
from ..pose.skeleton import MEDIAPIPE33

MAX_SECONDS = 60.0
# Previews' shorter side (px): enough to trim on, and kept as the coach's video of the reference
# (core.library.reference_video), which wants ~240 px high for a landscape camera too.
PREVIEW_SHORT_SIDE = 240
# Below this a span shows mostly nobody: no use as a reference.
MIN_DETECTED = 0.5


@dataclass(frozen=True)
class RecordedTake:
    """What Record produced: the pose sequence and one JPEG preview per frame for trimming."""

    sequence: PoseSequence
    previews: tuple[bytes, ...]
    times: NDArray[Any]  # (T,) seconds since recording started

    def preview(self, index: int) -> NDArray[np.uint8] | None:
        """(h, w, 3) uint8 BGR preview of frame `index`."""
        if not 0 <= index < len(self.previews) or not self.previews[index]:
            return None  # out of range, or a frame whose JPEG could not be encoded
        image = cv2.imdecode(np.frombuffer(self.previews[index], np.uint8), cv2.IMREAD_COLOR)
        return None if image is None else np.asarray(image, np.uint8)


class TakeRecorder:
    """Collects frames while recording; `finish()` turns them into a RecordedTake resampled to `fps`."""

    def __init__(self, source: str, fps: float, max_seconds: float = MAX_SECONDS) -> None:
        self.source = source
        self.fps = fps
        self.max_frames = int(max_seconds * fps) + 1
        self._kp: list[NDArray[Any]] = []
        self._world: list[NDArray[Any]] = []  # world landmarks: the angle the take was filmed from
        self._previews: list[bytes] = []
        self._times: list[float] = []
        self._t0: float | None = None
        self.frame_size: tuple[int, int] | None = None

    @property
    def full(self) -> bool:
        return len(self._kp) >= self.max_frames

    @property
    def elapsed(self) -> float:
        return self._times[-1] if self._times else 0.0

    def __len__(self) -> int:
        return len(self._kp)

    def add(
        self, t: float, image: NDArray[np.uint8], keypoints: NDArray[Any] | None, world: NDArray[Any] | None = None
    ) -> None:
        """keypoints: (33, 3) mediapipe x, y px, visibility, or None when nobody is in frame; world: the frame's
        (33, >=3) world landmarks (core.pose.estimator.PoseFrame.world), None when unknown."""
        if self.full:
            return
        if self._t0 is None:
            self._t0 = t
        if self._times and t - self._t0 < self._times[-1]:
            return  # a frame from before the last one (another source's clock) is not part of this take
        h, w = image.shape[:2]
        self.frame_size = (w, h)
        s = min(1.0, PREVIEW_SHORT_SIDE / min(h, w))
        small = cv2.resize(image, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA)
        ok, jpg = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 80])
        self._previews.append(jpg.tobytes() if ok else b"")
        self._kp.append(np.full((33, 3), np.nan, np.float32) if keypoints is None else keypoints.astype(np.float32))
        self._world.append(NO_WORLD if keypoints is None or world is None else np.asarray(world, np.float32)[:, :3])
        self._times.append(t - self._t0)

    def finish(self) -> RecordedTake | None:
        """The take at a steady `fps` (camera frames arrive unevenly); None if nothing was recorded."""
        if len(self._kp) < 2:
            return None
        times = np.asarray(self._times)
        grid = np.arange(0.0, times[-1] + 1e-9, 1.0 / self.fps)
        idx = np.clip(np.searchsorted(times, grid), 0, len(times) - 1)
        kp, world = np.stack(self._kp)[idx], np.stack(self._world)[idx]
        seq = PoseSequence(kp, MEDIAPIPE33, self.fps, self.frame_size, self.source, world)
        return RecordedTake(seq, tuple(self._previews[i] for i in idx), grid)


def take_examples(clip: PoseSequence, split: bool = False) -> tuple[list[PoseSequence], bool]:
    """The examples a kept span gives, and whether it was split: the span itself, or each rep of it.

    Without a clear rest between reps (core.match.rep_split) the span stays one example.
    """
    what = clip.source or "the kept span"
    if clip.detected_fraction() < MIN_DETECTED:
        raise LibraryError(f"{what}: nobody is visible in most of the kept time; trim to where the person is in frame")
    if not split:
        return [clip], False
    result = split_reps(clip.keypoints, clip.skeleton, clip.fps)
    reps = [clip.slice(a, b) for a, b in result.segments]
    reps = [r for r in reps if len(r) >= 2 and r.detected_fraction() >= MIN_DETECTED]
    return (reps, True) if result.found_rests and reps else ([clip], False)


def store_move(
    library: Library,
    clips: list[PoseSequence],
    move: str,
    view: str,
    *,
    add: bool = False,
    overwrite: bool = False,
    source: str = "",
) -> Reference:
    """Save `clips` as the examples of one move; with `add`, append them to the existing move instead.

    A new move takes its part weights from its first example; an existing one keeps its weights (a
    coach may have edited them). Raises LibraryError when `add` names no stored move or when a new move
    would replace an existing one without `overwrite`.
    """
    if not clips:
        raise LibraryError("nothing to save: no example was kept")
    if add:
        key = library.path_for(move, view).stem
        found = [r for r in library.load() if r.key == key]
        if not found:
            damaged = [e for e in library.errors if f"{key}." in str(e)]
            if damaged:
                raise damaged[0]
            known = ", ".join(sorted(r.label for r in library.references())) or "none"
            raise LibraryError(f"no move '{format_label(move, view)}' in {library.folder} to add to (known: {known})")
        ref, rest = found[0], clips
    else:
        ref = make_reference(clips[0], move, view, source=source or clips[0].source)
        rest = clips[1:]
        if library.path_for(ref.move, ref.view).exists() and not overwrite:
            raise LibraryError(f"a reference '{ref.label}' already exists; add to it, choose another name or overwrite")
    for clip in rest:
        ref = add_example(ref, example_from_sequence(ref, clip))
    ref = replace(ref, starter=False)  # saved in the user's folder: a starter move added to becomes theirs
    library.save(ref, overwrite=True)
    return ref
