"""Reference moves and the library folder that stores them, one JSON file per reference.

A move holds one or more examples (a coach's three jabs show what variation is fine); one example
stays a valid reference. The file format lives in core.library.reference_format. Writes go to a temporary
file in the same folder and are renamed into place, so a crash never leaves a half-written reference
and never damages an existing one.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from ..app.errors import LibraryError, describe_os_error
from ..library.labels import format_label
from ..pose.estimator import PoseSequence
from ..pose.skeleton import COCO17, PARTS, SKELETON_SIZES, to_coco17

T = TypeVar("T")

SUFFIX = ".json"
MAX_NAME_LENGTH = 60
# A hostile file must not make the loader allocate gigabytes.
MAX_FILE_BYTES = 50 * 1024 * 1024
# Bound on the frames of all examples together (about 11 minutes at 30 fps).
MAX_FRAMES = 20_000
MAX_EXAMPLES = 500


@dataclass(frozen=True)
class HoldSpec:
    """What makes a reference a hold (a key pose held still): frames [start, end) of its first example are
    the still stretch the key pose comes from (the frames around it show the person's full bone lengths,
    core.match.hold_pose), and `target_s` is how long the student should hold it."""

    start: int
    end: int
    target_s: float


@dataclass(frozen=True)
class Reference:
    """A recorded move: one or more examples, each (T_i, K, 3) float32 x, y, confidence, NaN if missing.

    `keypoints` is the first example (every caller that knows one example keeps working);
    `extra_examples` are the others, same skeleton and fps. Build changed copies with `with_examples`.
    """

    move: str
    view: str
    keypoints: NDArray[np.float32]
    skeleton: str
    fps: float
    weights: dict[str, float]
    source: str = ""
    created: str = ""
    frame_size: tuple[int, int] | None = None
    path: Path | None = field(default=None, compare=False)
    extra_examples: tuple[NDArray[np.float32], ...] = field(default=(), compare=False)
    category: str = ""  # e.g. "punch", "kick"; empty when nobody said
    side: str = ""  # the striking side, "left" | "right", when the move has one
    # Read from the shipped starter library (read-only: hidden, never deleted or overwritten); set on load.
    starter: bool = field(default=False, compare=False)
    hold: HoldSpec | None = None  # None: a move (a motion matched with DTW); else a key pose held still
    # The angle the camera saw the first example's body from (core.features.view_turn.stance_yaw, degrees), so
    # a take filmed from elsewhere can be turned to match; None when the source had no world landmarks.
    yaw: float | None = None

    @property
    def kind(self) -> str:
        """ "move" or "hold"."""
        return "move" if self.hold is None else "hold"

    @property
    def examples(self) -> tuple[NDArray[np.float32], ...]:
        """All examples, the first one (`keypoints`) first: each (T_i, K, 3) float32."""
        return (self.keypoints, *self.extra_examples)

    @property
    def total_frames(self) -> int:
        return sum(len(e) for e in self.examples)

    @property
    def label(self) -> str:
        """The seed's 'move - view' label."""
        return format_label(self.move, self.view)

    @property
    def key(self) -> str:
        """File stem: safe for any file system, unique per (move, view)."""
        return f"{slug(self.move)}--{slug(self.view)}"

    @property
    def duration(self) -> float:
        return len(self.keypoints) / self.fps

    def as_sequence(self) -> PoseSequence:
        return PoseSequence(self.keypoints, self.skeleton, self.fps, self.frame_size, self.label)


def slug(name: str) -> str:
    """Lower-case ASCII letters, digits and single dashes; refuses names with nothing usable."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:MAX_NAME_LENGTH].strip("-")
    if not text:
        raise LibraryError(f"{name!r} is not a usable name: use letters or digits")
    return text


def clean_name(name: str) -> str:
    """A display name: printable, single-spaced, bounded; slashes and dots are fine (the file name is a slug)."""
    text = " ".join("".join(ch for ch in str(name) if ch.isprintable()).split())[:MAX_NAME_LENGTH]
    slug(text)  # raises when nothing usable is left
    return text


def make_reference(
    seq: PoseSequence,
    move: str,
    view: str,
    source: str = "",
    weights: dict[str, float] | None = None,
) -> Reference:
    """A reference from a trimmed pose sequence; default part weights come from what moves in it."""
    from ..features.part_weights import default_weights
    from ..features.view_turn import stance_yaw

    if len(seq) < 2:
        raise LibraryError("a reference needs at least two frames")
    if weights is None:
        weights = default_weights(seq.keypoints, seq.skeleton)
    return Reference(
        move=clean_name(move),
        view=clean_name(view),
        keypoints=np.asarray(seq.keypoints, np.float32),
        skeleton=seq.skeleton,
        fps=float(seq.fps),
        weights={p: float(weights.get(p, 1.0)) for p in PARTS},
        source=source or seq.source,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        # Plain ints: a size read back from an .npz or numpy arithmetic is numpy's, which JSON cannot write.
        frame_size=None if seq.frame_size is None else (int(seq.frame_size[0]), int(seq.frame_size[1])),
        yaw=stance_yaw(seq.world),
    )


def _need(cond: bool, what: str) -> None:
    if not cond:
        raise ValueError(what)


def check_example(kp: NDArray[Any], joints: int) -> NDArray[np.float32]:
    """One example as (T, joints, 3) float32; ValueError says what is wrong."""
    kp = np.asarray(kp, dtype=np.float32)
    _need(
        kp.ndim == 3 and kp.shape[1:] == (joints, 3), f"keypoints have shape {kp.shape}, expected (frames, {joints}, 3)"
    )
    _need(len(kp) >= 2, "an example needs at least two frames")
    _need(bool(np.isfinite(kp[:, :, :2]).any()), "keypoints hold no visible joint")
    return kp


def with_examples(ref: Reference, examples: Sequence[NDArray[Any]]) -> Reference:
    """A copy of `ref` holding exactly `examples` (the first becomes `keypoints`); weights are kept.

    Each example is (T_i, K, 3) at the reference's skeleton and fps (see `example_from_sequence`).
    Raises LibraryError naming the move when an example does not fit or the total is too long.
    """
    k = SKELETON_SIZES[ref.skeleton]
    try:
        _need(1 <= len(examples) <= MAX_EXAMPLES, f"a move holds 1..{MAX_EXAMPLES} examples, not {len(examples)}")
        checked = [check_example(e, k) for e in examples]
        total = sum(len(e) for e in checked)
        _need(total <= MAX_FRAMES, f"its examples would hold {total} frames, more than {MAX_FRAMES}")
    except ValueError as exc:
        raise LibraryError(f"'{ref.label}': {exc}") from None
    return replace(ref, keypoints=checked[0], extra_examples=tuple(checked[1:]))


def add_example(ref: Reference, example: NDArray[Any]) -> Reference:
    """`ref` with one more example at the end."""
    return with_examples(ref, [*ref.examples, example])


def example_from_sequence(ref: Reference, seq: PoseSequence) -> NDArray[np.float32]:
    """`seq`'s keypoints in `ref`'s skeleton and frame rate, ready for `add_example`.

    A mediapipe take joins a COCO-17 move through the shared joints; the reverse cannot (the extra
    joints are unknown). Another frame rate is resampled to the nearest frame, never interpolated,
    so a missing joint stays NaN rather than becoming a blend.
    """
    kp = np.asarray(seq.keypoints, np.float32)
    if seq.skeleton != ref.skeleton:
        if ref.skeleton != COCO17:
            raise LibraryError(
                f"{seq.source or 'the take'}: {seq.skeleton} keypoints cannot join '{ref.label}' ({ref.skeleton})"
            )
        kp = to_coco17(kp, seq.skeleton)
    if abs(seq.fps - ref.fps) > 1e-6:
        n = max(2, int(round(len(kp) * ref.fps / seq.fps)))
        kp = kp[np.clip(np.round(np.arange(n) * seq.fps / ref.fps).astype(int), 0, len(kp) - 1)]
    return kp


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and a rename (atomic on one file system)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        # Named after the file the caller asked for: the hidden temporary name means nothing to a person.
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_each(folder: Path, read: Callable[[Path], T], errors: list[LibraryError], what: str) -> list[T]:
    """`read` on every *.json file of `folder` (none when it does not exist), in name order: a damaged file goes
    to `errors` and the others still load; an unreadable folder raises, naming `what` it holds."""
    try:
        paths = sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []
    except OSError as exc:
        raise LibraryError(f"{folder}: {what} cannot be read ({describe_os_error(exc, False)})") from None
    out = []
    for path in paths:
        try:
            out.append(read(path))
        except LibraryError as exc:
            errors.append(exc)
    return out
