"""A practice session's kept reps on disk, and their review video for `export`; UI thread (save) or CLI (export).

When the app ends a stored history session, the reps its review buffer still holds (core.view.rep_takes: the
last few, small JPEG frames) are written to `reviews/session-<id>.takes.npz` beside the history database, with
each rep's reference embedded (its coach video is looked for where the reference was). `export` then writes
`session-<id>-review.mp4`: every kept rep beside the coach along its path, the worst again at 0.25x.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..app.errors import PoseCoachError
from ..frame.video_out import VideoOut
from ..library.reference_format import reference_from_json, reference_to_json
from ..library.reference_video import load_reference_video
from ..library.references import Reference
from ..match.live_events import Rep
from ..score.feedback import FeedbackItem
from ..score.scoring import PreparedReference
from ..view.compare import NOTHING_TO_CORRECT, SLOW_SPEED, CoachPanel, compose, slow_steps, student_panel
from ..view.rep_takes import RepTake

TAKES_SUFFIX = ".takes.npz"
# Sessions whose kept reps stay on disk (each up to about 20 MB): older ones are removed when a new one is saved.
KEEP_SESSIONS = 20
PANEL_HEIGHT = 360


def takes_path(history_path: str | Path, session_id: int) -> Path:
    return Path(history_path).parent / "reviews" / f"session-{session_id}{TAKES_SUFFIX}"


def _rep_json(rep: Rep) -> dict[str, Any]:
    return {"index": rep.index, "start": rep.start, "end": rep.end, "score": rep.score, "parts": rep.parts,
            "tempo": rep.tempo, "feedback": [[f.part, f.message, f.severity] for f in rep.feedback],
            "move": rep.move, "view": rep.view}  # fmt: skip


def _rep_from(d: dict[str, Any]) -> Rep:
    items = tuple(FeedbackItem(p, m, float(s)) for p, m, s in d["feedback"])
    return Rep(int(d["index"]), float(d["start"]), float(d["end"]), float(d["score"]), dict(d["parts"]),
               float(d["tempo"]), items, str(d["move"]), str(d["view"]))  # fmt: skip


def save_takes(takes: list[RepTake], path: Path) -> Path | None:
    """Write `takes` (None when there are none); through a temporary file, as every file we write."""
    if not takes:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = [{"rep": _rep_json(t.rep), "label": t.label, "frames": len(t),
             "reference": reference_to_json(t.prepared.reference),
             "reference_path": str(t.prepared.reference.path or "")} for t in takes]  # fmt: skip
    jpegs = [np.frombuffer(f, np.uint8) for t in takes for f in t.frames]
    tmp = path.with_name(f".{path.name}.partial.npz")
    try:
        np.savez(
            tmp, meta=np.array(json.dumps(meta)), jpeg=np.concatenate(jpegs),
            sizes=np.array([len(j) for j in jpegs]), keypoints=np.concatenate([t.keypoints for t in takes]),
            times=np.concatenate([t.times for t in takes]),
        )  # fmt: skip
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)  # a full disk leaves no half-written file behind
    _prune(path.parent)
    return path


def _prune(folder: Path, keep: int = KEEP_SESSIONS) -> None:
    """Remove the kept reps of all but the newest `keep` sessions (the review of an old set is rarely asked for)."""
    saved = sorted(folder.glob(f"session-*{TAKES_SUFFIX}"), key=lambda p: p.stat().st_mtime)
    for old in saved[:-keep]:
        old.unlink(missing_ok=True)


def load_takes(path: Path) -> list[RepTake]:
    """The takes `save_takes` wrote; each rep's reference as it was then, with its video if still there.

    Raises PoseCoachError naming the file when it is damaged (truncated, not ours, edited by hand)."""
    try:
        return _load_takes(path)
    except (ValueError, KeyError, TypeError, EOFError, IndexError, zipfile.BadZipFile) as exc:
        raise PoseCoachError(f"{path}: the reps kept for review cannot be read ({exc})") from None


def _load_takes(path: Path) -> list[RepTake]:
    with np.load(path, allow_pickle=False) as d:
        meta = json.loads(str(d["meta"]))
        jpeg, sizes, keypoints, times = d["jpeg"], d["sizes"], d["keypoints"], d["times"]
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    takes, k = [], 0
    prepared: dict[str, PreparedReference] = {}
    for m in meta:
        n = int(m["frames"])
        if m["label"] not in prepared:
            ref_path = Path(m["reference_path"]) if m["reference_path"] else None
            ref = reference_from_json(m["reference"], ref_path)
            prepared[m["label"]] = PreparedReference.from_reference(_with_path(ref, ref_path))
        frames = tuple(jpeg[bounds[i] : bounds[i + 1]].tobytes() for i in range(k, k + n))
        # (Files of the first version also hold a "mirror" flag: rep_path tries both sides, so it is not read.)
        takes.append(RepTake(_rep_from(m["rep"]), m["label"], prepared[m["label"]], frames,
                             keypoints[k : k + n], times[k : k + n]))  # fmt: skip
        k += n
    return takes


def _with_path(ref: Reference, path: Path | None) -> Reference:
    from dataclasses import replace

    return replace(ref, path=path if path is not None and path.is_file() else None)


def write_takes_video(takes: list[RepTake], out: Path, fps: float = 30.0) -> tuple[int, int]:
    """Every take along its path, then the worst at SLOW_SPEED; returns (frames written, of which slow)."""
    coaches: dict[str, CoachPanel] = {}
    worst = min(takes, key=lambda t: t.rep.score)

    def frame(take: RepTake, i: int, j: int, slow: bool) -> NDArray[np.uint8]:
        if take.label not in coaches:
            ref = take.prepared.reference
            coaches[take.label] = CoachPanel(ref, load_reference_video(ref), PANEL_HEIGHT)
        part, correction = take.worst
        left = student_panel(take.image(j), take.keypoints[j], PANEL_HEIGHT, part)
        speed = f"{SLOW_SPEED:g}x slow motion" if slow else "1x"
        caption = f"{'worst ' if slow else ''}rep {take.rep.index}  {take.rep.score:.0f}  {speed}"
        correction = correction if part is not None else NOTHING_TO_CORRECT
        return compose(left, coaches[take.label].draw(i, part), caption, part, correction, take.rep.score)

    plan = [(t, int(i), int(j), False) for t in takes for i, j in t.path]
    plan += [(worst, int(i), int(j), True) for i, j in slow_steps(worst.path, SLOW_SPEED)]
    firsts = [frame(t, 0, 0, False) for t in takes]
    h = max(f.shape[0] for f in firsts) // 2 * 2
    w = max(f.shape[1] for f in firsts) // 2 * 2
    with VideoOut(out, fps) as writer:
        for take, i, j, slow in plan:
            image = frame(take, i, j, slow)
            canvas = np.full((h, w, 3), 24, np.uint8)
            canvas[: min(h, image.shape[0]), : min(w, image.shape[1])] = image[:h, :w]
            writer.write(canvas)
        writer.finish("the kept reps")
    return len(plan), sum(1 for p in plan if p[3])


def export_review(history_path: str | Path, session_id: int, out_dir: str | Path) -> Path | None:
    """`export`: session-<id>-review.mp4 in `out_dir` when the session's takes were kept; None otherwise."""
    src = takes_path(history_path, session_id)
    if not src.is_file():
        return None
    takes = load_takes(src)
    if not takes:
        return None
    out = Path(out_dir) / f"session-{session_id}-review.mp4"
    write_takes_video(takes, out, takes[0].prepared.reference.fps)
    return out
