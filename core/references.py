"""Reference moves and the library folder that stores them, one JSON file per reference.

A file is human-readable and versioned (`"format": "posecoach-reference", "version": 1`) so a coach can
edit the part weights by hand and a future version can migrate old files. Missing joints are stored as
null (JSON has no NaN) and come back as NaN. Writes go to a temporary file in the same folder and are
renamed into place, so a crash never leaves a half-written reference and never damages an existing one.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from .errors import LibraryError
from .pose import PoseSequence
from .skeleton import PARTS, SKELETON_SIZES

FORMAT = "posecoach-reference"
VERSION = 1
SUFFIX = ".json"
MAX_NAME_LENGTH = 60
# A hostile file must not make the loader allocate gigabytes.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_FRAMES = 20_000


@dataclass(frozen=True)
class Reference:
    """A recorded move: keypoints (T, K, 3) as x, y, confidence with NaN for missing joints."""

    move: str
    view: str
    keypoints: np.ndarray
    skeleton: str
    fps: float
    weights: dict[str, float]
    source: str = ""
    created: str = ""
    frame_size: tuple[int, int] | None = None
    path: Path | None = field(default=None, compare=False)

    @property
    def label(self) -> str:
        """The seed's 'move - view' label."""
        return f"{self.move} - {self.view}"

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
    from .part_weights import default_weights

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
        frame_size=seq.frame_size,
    )


def reference_to_json(ref: Reference) -> dict[str, Any]:
    kp = np.round(ref.keypoints.astype(float), 4)
    frames = [[[None if not np.isfinite(v) else float(v) for v in joint] for joint in frame] for frame in kp]
    return {
        "format": FORMAT,
        "version": VERSION,
        "move": ref.move,
        "view": ref.view,
        "skeleton": ref.skeleton,
        "fps": ref.fps,
        "frame_size": list(ref.frame_size) if ref.frame_size else None,
        "weights": ref.weights,
        "source": ref.source,
        "created": ref.created,
        "channels": ["x", "y", "confidence"],
        "keypoints": frames,
    }


def format_reference(ref: Reference) -> str:
    """Readable JSON: header fields one per line, then one line per frame."""
    data = reference_to_json(ref)
    frames = data.pop("keypoints")
    head = json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False)
    rows = ",\n  ".join(json.dumps(f, separators=(",", ":"), allow_nan=False) for f in frames)
    return f'{head[:-2]},\n "keypoints": [\n  {rows}\n ]\n}}\n'


def _need(cond: bool, what: str) -> None:
    if not cond:
        raise ValueError(what)


def reference_from_json(data: Any, path: Path | None = None) -> Reference:
    """Validate a parsed file; ValueError says what is wrong."""
    _need(isinstance(data, dict), "not a JSON object")
    _need(data.get("format") == FORMAT, f"not a {FORMAT} file")
    version = data.get("version")
    _need(isinstance(version, int), "missing version")
    _need(version <= VERSION, f"version {version} is newer than this app understands ({VERSION})")
    move, view = data.get("move"), data.get("view")
    _need(isinstance(move, str) and isinstance(view, str), "move and view must be text")
    skeleton = data.get("skeleton")
    _need(skeleton in SKELETON_SIZES, f"unknown skeleton {skeleton!r}")
    fps = data.get("fps")
    _need(isinstance(fps, (int, float)) and 1 <= fps <= 1000, "fps must be a number between 1 and 1000")
    frames = data.get("keypoints")
    _need(isinstance(frames, list) and 2 <= len(frames) <= MAX_FRAMES, f"keypoints must hold 2..{MAX_FRAMES} frames")
    try:
        kp = np.array(frames, dtype=float)  # None -> NaN
    except (TypeError, ValueError):
        raise ValueError("keypoints must be numbers or null") from None
    k = SKELETON_SIZES[skeleton]
    _need(kp.shape == (len(frames), k, 3), f"keypoints have shape {kp.shape}, expected (frames, {k}, 3)")
    _need(bool(np.isfinite(kp[:, :, :2]).any()), "keypoints hold no visible joint")
    raw_weights = data.get("weights") or {}
    _need(isinstance(raw_weights, dict), "weights must be an object of part: number")
    weights = {}
    for part in PARTS:
        w = raw_weights.get(part, 1.0)
        _need(isinstance(w, (int, float)) and 0 <= w <= 10, f"weight of {part} must be a number between 0 and 10")
        weights[part] = float(w)
    size = data.get("frame_size")
    frame_size = None
    if isinstance(size, list) and len(size) == 2 and all(isinstance(v, int) for v in size):
        frame_size = (size[0], size[1])
    return Reference(
        move=clean_name(move),
        view=clean_name(view),
        keypoints=kp.astype(np.float32),
        skeleton=skeleton,
        fps=float(fps),
        weights=weights,
        source=str(data.get("source", "")),
        created=str(data.get("created", "")),
        frame_size=frame_size,
        path=path,
    )


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and a rename (atomic on one file system)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Library:
    """The reference folder. `load()` keeps going past bad files and lists them in `errors`."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.errors: list[LibraryError] = []
        self._refs: list[Reference] | None = None

    def path_for(self, move: str, view: str) -> Path:
        return self.folder / f"{slug(move)}--{slug(view)}{SUFFIX}"

    def load(self) -> list[Reference]:
        self.errors = []
        refs: list[Reference] = []
        if self.folder.is_dir():
            for path in sorted(self.folder.glob(f"*{SUFFIX}")):
                try:
                    refs.append(self._read(path))
                except LibraryError as exc:
                    self.errors.append(exc)
        self._refs = refs
        return list(refs)

    def _read(self, path: Path) -> Reference:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise ValueError(f"larger than {MAX_FILE_BYTES // 2**20} MB")
            data = json.loads(path.read_text(encoding="utf-8"))
            return reference_from_json(data, path)
        except (OSError, UnicodeDecodeError) as exc:
            raise LibraryError(f"{path}: cannot be read ({exc})") from None
        except json.JSONDecodeError as exc:
            raise LibraryError(f"{path}: not valid JSON (truncated or damaged?): {exc}") from None
        except (ValueError, RecursionError) as exc:
            raise LibraryError(f"{path}: not a valid reference: {exc}") from None

    def references(self) -> list[Reference]:
        return list(self._refs) if self._refs is not None else self.load()

    def find(self, name: str, view: str | None = None) -> list[Reference]:
        """References whose move (or 'move - view' label) matches `name`, optionally one view."""
        refs = self.references()
        wanted = slug(name)
        found = [r for r in refs if slug(r.move) == wanted or slug(r.label) == wanted]
        if view is not None:
            found = [r for r in found if slug(r.view) == slug(view)]
        if not found:
            known = ", ".join(sorted(r.label for r in refs)) or "none"
            what = f"{name!r}" + (f" with view {view!r}" if view else "")
            raise LibraryError(f"no reference {what} in {self.folder} (known: {known})")
        return found

    def save(self, ref: Reference, overwrite: bool = False) -> Path:
        """Store `ref`; refuses to replace an existing reference unless `overwrite`."""
        path = self.path_for(ref.move, ref.view)
        if path.exists() and not overwrite:
            raise LibraryError(f"{path}: a reference '{ref.label}' already exists; choose another name or overwrite")
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(path, format_reference(ref))
        self._refs = None
        return path

    def delete(self, ref: Reference) -> None:
        self.path_for(ref.move, ref.view).unlink(missing_ok=True)
        self._refs = None
