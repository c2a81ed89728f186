"""Session export: CSV and JSON of reps and part scores, and a PNG of the progress plot (matplotlib, Agg)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .history import HistoryStore
from .references import slug, write_atomic
from .skeleton import PARTS, part_label


def progress_figure(store: HistoryStore, move: str, session_id: int | None = None) -> Figure:
    """Best and mean rep score per day for `move`; with a session, its reps in a second panel."""
    days = store.daily_progress(move)
    fig = Figure(figsize=(8, 4.5 if session_id is None else 7), dpi=100, layout="constrained")
    ax = fig.add_subplot(2 if session_id is not None else 1, 1, 1)
    if days:
        x = [d[0] for d in days]
        ax.plot(x, [d[1] for d in days], "o-", color="#2ca02c", label="best rep")
        ax.plot(x, [d[2] for d in days], "s--", color="#1f77b4", label="average rep")
        ax.legend(loc="lower right")
        ax.tick_params(axis="x", rotation=30)
    ax.set_ylim(0, 105)  # a perfect 100 stays visible
    ax.set_ylabel("score")
    ax.set_title(f"{move}: progress per day")
    ax.grid(alpha=0.3)
    if session_id is not None:
        reps = store.reps(session_id)
        ax2 = fig.add_subplot(2, 1, 2)
        ax2.bar([r.index for r in reps], [r.score for r in reps], color="#2ca02c")
        ax2.set_ylim(0, 105)
        ax2.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax2.set_xlabel("rep")
        ax2.set_ylabel("score")
        ax2.set_title(f"session {session_id}: {len(reps)} reps")
        ax2.grid(alpha=0.3, axis="y")
    return fig


def save_figure(fig: Figure, path: Path) -> None:
    FigureCanvasAgg(fig)
    tmp = path.with_name(f".{path.name}.tmp.png")
    fig.savefig(tmp)
    tmp.replace(path)


def export_session(store: HistoryStore, session_id: int, out_dir: str | Path) -> list[Path]:
    """Write session-<id>.csv, session-<id>.json and progress-<move>-<id>.png into `out_dir`."""
    session = store.session(session_id)
    reps = store.reps(session_id)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    csv_path = out / f"session-{session_id}.csv"
    json_path = out / f"session-{session_id}.json"

    tmp = csv_path.with_name(f".{csv_path.name}.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["rep", "reference", "start_s", "end_s", "score", "tempo", *PARTS, "feedback"])
        for r in reps:
            writer.writerow([
                r.index, r.reference, f"{r.start:.2f}", f"{r.end:.2f}", f"{r.score:.1f}",
                "" if r.tempo is None else f"{r.tempo:.2f}",
                *("" if r.parts[p] is None else f"{r.parts[p]:.1f}" for p in PARTS),
                "; ".join(f["message"] for f in r.feedback),
            ])  # fmt: skip
    tmp.replace(csv_path)
    write_atomic(json_path, json.dumps({"session": session.as_dict(), "reps": [r.as_dict() for r in reps]}, indent=1))
    written = [csv_path, json_path]
    moves = sorted({r.reference.rpartition(" - ")[0] or r.reference for r in reps}) or [session.move or "session"]
    for move in moves:
        png = out / f"progress-{slug(move)}-{session_id}.png"
        save_figure(progress_figure(store, move, session_id), png)
        written.append(png)
    return written


def weakest_part_text(store: HistoryStore, move: str | None) -> str:
    parts = store.weakest_parts(move)
    if not parts:
        return "no corrections needed yet"
    part, n = parts[0]
    return f"work on next: {part_label(part)} (corrected {n} times)"
