"""Import of the seed project's lookup pickle `{'move - view': array(frames, 17, 2)}`.

Unpickling runs whatever callables the file names, so a restricted unpickler admits only the few
numpy internals that rebuild a plain array; anything else is refused before it is called.
"""

from __future__ import annotations

import io
import pickle
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..app.errors import LibraryError, describe_os_error
from ..library.labels import parse_label
from ..library.references import Reference, make_reference
from ..pose.estimator import PoseSequence
from ..pose.skeleton import COCO17

# The seed resized frames to this size (width, height) before PoseNet; kept for the record.
SEED_FRAME_SIZE = (372, 495)
SEED_FPS = 30.0
MAX_PICKLE_BYTES = 20 * 1024 * 1024

_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
}


class _ArrayOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:  # pickle's signature: any global
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refused to load {module}.{name}: a lookup file holds only arrays")


def read_lookup(path: str | Path) -> dict[str, NDArray[Any]]:
    """The lookup dict, checked: text labels to (frames, 17, 2|3) arrays."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LibraryError(f"{path}: cannot be read ({describe_os_error(exc, False)})") from None
    if len(raw) > MAX_PICKLE_BYTES:
        raise LibraryError(f"{path}: larger than {MAX_PICKLE_BYTES // 2**20} MB; not a lookup file")
    try:
        data = _ArrayOnlyUnpickler(io.BytesIO(raw)).load()
    except pickle.UnpicklingError as exc:
        raise LibraryError(f"{path}: {exc}") from None
    except Exception as exc:  # truncated or damaged pickles raise many kinds of errors
        raise LibraryError(f"{path}: not a readable lookup pickle ({type(exc).__name__}: {exc})") from None
    if not isinstance(data, dict) or not data:
        raise LibraryError(f"{path}: expected a dict of 'move - view' to keypoint arrays")
    out = {}
    for label, arr in data.items():
        if not isinstance(label, str) or not isinstance(arr, np.ndarray):
            raise LibraryError(f"{path}: entry {label!r} is not 'label: array'")
        if arr.ndim != 3 or arr.shape[1] != 17 or arr.shape[2] not in (2, 3) or arr.shape[0] < 2:
            raise LibraryError(f"{path}: {label!r} has shape {arr.shape}, expected (frames, 17, 2)")
        if not np.issubdtype(arr.dtype, np.number):
            raise LibraryError(f"{path}: {label!r} does not hold numbers")
        out[label] = arr.astype(np.float32)
    return out


def split_label(label: str) -> tuple[str, str]:
    """'punch - side' -> ('punch', 'side'); a label without a view gets view 'unknown'."""
    move, view = parse_label(label)
    return move, view or "unknown"


def import_lookup(path: str | Path) -> list[Reference]:
    refs = []
    for label, arr in read_lookup(path).items():
        kp = np.empty((arr.shape[0], 17, 3), np.float32)
        kp[..., :2] = arr[..., :2]
        # PoseNet confidences were not stored: joints are taken as seen unless NaN.
        kp[..., 2] = arr[..., 2] if arr.shape[2] == 3 else np.where(np.isfinite(arr[..., 0]), 1.0, np.nan)
        move, view = split_label(label)
        seq = PoseSequence(kp, COCO17, SEED_FPS, SEED_FRAME_SIZE, f"{Path(path).name}:{label}")
        refs.append(make_reference(seq, move, view))
    return refs
