"""The reference file: versioned, human-readable JSON, one line per frame; validated on load.

`"format": "posecoach-reference"`. Version 3 adds `"kind": "move" | "hold"` and, for a hold, `"hold":
{"start", "end", "target_seconds"}` (the still frames of the first example and the duration to hold it).
A move is still written as version 2 (its "kind" is ignored by an older app, which practises it as before);
a hold is written as version 3, so an app that knows no holds refuses it by name instead of treating a
stance as a motion. Version 2 stores every example of a move under `"examples"` (a list of frame lists);
version 1 stored its single example under `"keypoints"` and still loads as a one-example move.
Header fields come one per line so a coach can edit the part weights by hand. Missing joints are stored
as null (JSON has no NaN) and come back as NaN.
`"category"`, `"side"` (the striking side) and `"yaw"` (the angle the camera saw the body from, degrees,
core.features.view_turn) are optional in any version: files without them load unchanged, and readers that
do not know them ignore them (an older app compares a take from another angle as filmed, as it always did).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..library.references import MAX_EXAMPLES, MAX_FRAMES, HoldSpec, Reference, check_example, clean_name
from ..pose.skeleton import PARTS, SKELETON_SIZES

FORMAT = "posecoach-reference"
VERSION = 3  # the newest version this app reads; what it writes depends on the kind (see above)
MOVE_VERSION = 2
KINDS = ("move", "hold")
# A hold's target duration: from a kata's final posture (seconds) to a long horse stance (minutes).
MIN_TARGET_S, MAX_TARGET_S = 0.5, 3600.0


def _need(cond: bool, what: str) -> None:
    if not cond:
        raise ValueError(what)


def _frames_json(kp: NDArray[Any]) -> list[list[list[float | None]]]:
    kp = np.round(kp.astype(float), 4)
    return [[[None if not np.isfinite(v) else float(v) for v in joint] for joint in frame] for frame in kp]


def reference_to_json(ref: Reference) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": MOVE_VERSION if ref.hold is None else VERSION,
        "kind": ref.kind,
        **({} if ref.hold is None else {"hold": _hold_json(ref.hold)}),
        "move": ref.move,
        "view": ref.view,
        "skeleton": ref.skeleton,
        "fps": ref.fps,
        "frame_size": list(ref.frame_size) if ref.frame_size else None,
        "weights": ref.weights,
        "source": ref.source,
        "created": ref.created,
        "category": ref.category,
        "side": ref.side,
        "yaw": None if ref.yaw is None else round(float(ref.yaw), 1),
        "channels": ["x", "y", "confidence"],
        "examples": [_frames_json(e) for e in ref.examples],
    }


def _hold_json(hold: HoldSpec) -> dict[str, Any]:
    return {"start": hold.start, "end": hold.end, "target_seconds": round(hold.target_s, 3)}


def _hold_from_json(data: dict[str, Any], frames: int) -> HoldSpec | None:
    """The hold of a parsed file (None for a move); ValueError says what is wrong."""
    kind = data.get("kind", "move") if data["version"] >= 3 else "move"
    _need(kind in KINDS, f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if kind == "move":
        return None
    raw = data.get("hold")
    _need(isinstance(raw, dict), 'a hold needs a "hold" object with start, end and target_seconds')
    assert isinstance(raw, dict)  # for mypy: _need raised otherwise
    start, end, target = raw.get("start"), raw.get("end"), raw.get("target_seconds")
    _need(
        isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= frames and end - start >= 2,
        f"the hold's start and end must be frames of its first example (0..{frames}), at least two apart",
    )
    _need(
        isinstance(target, (int, float)) and MIN_TARGET_S <= target <= MAX_TARGET_S,
        f"the hold's target_seconds must be a number between {MIN_TARGET_S:g} and {MAX_TARGET_S:g}",
    )
    assert isinstance(start, int) and isinstance(end, int) and isinstance(target, (int, float))
    return HoldSpec(start, end, float(target))


def format_reference(ref: Reference) -> str:
    """Readable JSON: header fields one per line, then each example with one line per frame."""
    data = reference_to_json(ref)
    examples = data.pop("examples")
    head = json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False)
    blocks = [
        "  [\n   " + ",\n   ".join(json.dumps(f, separators=(",", ":"), allow_nan=False) for f in frames) + "\n  ]"
        for frames in examples
    ]
    return f'{head[:-2]},\n "examples": [\n' + ",\n".join(blocks) + "\n ]\n}\n"


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
    # Version 1 stored its one example as "keypoints"; version 2 stores a list under "examples".
    raw = [data.get("keypoints")] if version < 2 else data.get("examples")
    _need(isinstance(raw, list) and 1 <= len(raw) <= MAX_EXAMPLES, f"examples must be a list of 1..{MAX_EXAMPLES}")
    _need(all(isinstance(f, list) for f in raw), "each example must be a list of frames")
    total = sum(len(f) for f in raw)
    _need(total <= MAX_FRAMES, f"the examples hold {total} frames, more than {MAX_FRAMES}")
    examples = []
    for i, frames in enumerate(raw):
        where = f"example {i + 1}: " if len(raw) > 1 else ""
        try:
            kp = np.array(frames, dtype=float)  # None -> NaN
        except (TypeError, ValueError):
            raise ValueError(f"{where}keypoints must be numbers or null") from None
        try:
            examples.append(check_example(kp, SKELETON_SIZES[skeleton]))
        except ValueError as exc:
            raise ValueError(f"{where}{exc}") from None
    raw_weights = data.get("weights") or {}
    _need(isinstance(raw_weights, dict), "weights must be an object of part: number")
    weights = {}
    for part in PARTS:
        w = raw_weights.get(part, 1.0)
        _need(isinstance(w, (int, float)) and 0 <= w <= 10, f"weight of {part} must be a number between 0 and 10")
        weights[part] = float(w)
    category, side = data.get("category", ""), data.get("side", "")
    _need(isinstance(category, str) and len(category) <= 40, "category must be a short text")
    _need(side in ("", "left", "right"), "side must be left, right or empty")
    yaw = data.get("yaw")
    _need(
        yaw is None or (isinstance(yaw, (int, float)) and not isinstance(yaw, bool) and -180 <= yaw <= 180),
        "yaw must be a number of degrees between -180 and 180, or null",
    )
    size = data.get("frame_size")
    frame_size = None
    if isinstance(size, list) and len(size) == 2 and all(isinstance(v, int) for v in size):
        frame_size = (size[0], size[1])
    return Reference(
        move=clean_name(move),
        view=clean_name(view),
        keypoints=examples[0],
        extra_examples=tuple(examples[1:]),
        skeleton=skeleton,
        fps=float(fps),
        weights=weights,
        source=str(data.get("source", "")),
        created=str(data.get("created", "")),
        frame_size=frame_size,
        path=path,
        category=category,
        side=side,
        hold=_hold_from_json(data, len(examples[0])),
        yaw=None if yaw is None else float(yaw),
    )
