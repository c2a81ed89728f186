"""Session export: CSV and JSON of reps and part scores, and a PNG of the progress plot (matplotlib, Agg).

Runs on whichever thread asks (CLI main thread, the app's GUI thread); never touches pyplot's global state.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..app.history import HistoryStore, RepRecord
from ..library.labels import move_of
from ..library.references import slug, write_atomic
from ..pose.skeleton import PARTS, part_label

EXPORT_FORMAT = "posecoach-session"
EXPORT_VERSION = 1
BEST_COLOUR = "#2ca02c"
MEAN_COLOUR = "#1f77b4"


def plot_progress(ax: Axes, store: HistoryStore, moves: list[str], title: str = "Progress per day") -> None:
    """Best (solid) and mean (dashed) rep score per day, one pair of lines per move, on a date axis."""
    lowest = 100.0
    for k, move in enumerate(moves):
        days = store.daily_progress(move)
        if not days:
            continue
        x = [date.fromisoformat(d[0]) for d in days]
        # One move: green best, blue average. Several: one colour per move, best solid, average dashed.
        prefix = f"{move}: " if len(moves) > 1 else ""
        best_colour = BEST_COLOUR if len(moves) == 1 else f"C{k}"
        mean_colour = MEAN_COLOUR if len(moves) == 1 else f"C{k}"
        # Dates go straight in (matplotlib converts them); its type stubs only admit numbers and arrays.
        ax.plot(x, [d[1] for d in days], "o-", color=best_colour, label=f"{prefix}best rep")  # type: ignore[arg-type]
        ax.plot(x, [d[2] for d in days], "s--", color=mean_colour, alpha=0.8,  # type: ignore[arg-type]
                label=f"{prefix}average rep")  # fmt: skip
        lowest = min(lowest, *(d[2] for d in days))
    # Scores cluster near the top: a floor just below the lowest average shows the day-to-day change.
    floor = max(0.0, 10.0 * ((lowest - 5.0) // 10.0)) if ax.lines else 0.0
    ax.set_ylim(floor, 102)  # 102: a perfect 100 stays visible
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10], integer=True))
    if ax.lines:
        _date_axis(ax)
        ax.legend(loc="best", fontsize=8)
    else:
        ax.text(0.5, 0.5, "no reps stored yet", ha="center", va="center", transform=ax.transAxes, color="grey")
        ax.set_xticks([])
    ax.set_ylabel("rep score")
    ax.set_title(title)
    ax.grid(alpha=0.3)


def _date_axis(ax: Axes) -> None:
    """Dates on x; a single practice day is shown with a week around it, not across years."""
    locator = AutoDateLocator(minticks=2, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    days = {float(x) for line in ax.get_lines() for x in np.atleast_1d(date2num(line.get_xdata()))}
    if len(days) == 1:
        (day,) = days
        ax.set_xlim(day - 3.5, day + 3.5)


def plot_speed(ax: Axes, store: HistoryStore, moves: list[str]) -> bool:
    """Mean peak speed of the striking hand or foot per day, one line per move; False when nothing was measured."""
    for k, move in enumerate(moves):
        days = store.daily_speed(move)
        if not days:
            continue
        x = [date.fromisoformat(d[0]) for d in days]
        colour = BEST_COLOUR if len(moves) == 1 else f"C{k}"
        ax.plot(x, [d[1] for d in days], "o-", color=colour, label=move)  # type: ignore[arg-type]
    if not ax.lines:
        return False
    _date_axis(ax)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("peak speed\n(body heights/s)")
    if len(moves) > 1:
        ax.legend(loc="best", fontsize=8)
    ax.set_title("Strike speed per day")
    ax.grid(alpha=0.3)
    return True


def plot_session_reps(ax: Axes, reps: list[RepRecord], title: str) -> None:
    """One bar per rep of the session."""
    ax.bar([r.index for r in reps], [r.score for r in reps], color=BEST_COLOUR)
    ax.set_ylim(0, 105)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("rep")
    ax.set_ylabel("rep score")
    ax.set_title(title)
    ax.grid(alpha=0.3, axis="y")


def progress_figure(store: HistoryStore, move: str, session_id: int | None = None) -> Figure:
    """Best and mean rep score per day for `move`; with a session, that session's reps of the move below."""
    fig = Figure(figsize=(8, 4.5 if session_id is None else 7), dpi=100, layout="constrained")
    ax = fig.add_subplot(1 if session_id is None else 2, 1, 1)
    plot_progress(ax, store, [move], f"{move}: best and average rep score per day")
    if session_id is not None:
        day = datetime.fromisoformat(store.session(session_id).started_at).astimezone().date()
        ax.axvline(day, color="grey", linestyle=":", linewidth=1.5, zorder=0,  # type: ignore[arg-type]  # a date
                   label=f"session {session_id}")  # fmt: skip
        ax.legend(loc="best", fontsize=8)
        reps = [r for r in store.reps(session_id) if move_of(r.reference) == move]
        plot_session_reps(fig.add_subplot(2, 1, 2), reps, f"session {session_id}: {len(reps)} {move} reps")
    return fig


def save_figure(fig: Figure, path: Path) -> None:
    """PNG through a temporary file and a rename, like every file we write."""
    FigureCanvasAgg(fig)
    tmp = path.with_name(f".{path.stem}.tmp.png")
    try:
        fig.savefig(tmp)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def session_csv(reps: list[RepRecord]) -> str:
    """One row per rep: index, reference, start, end (s), score, tempo, a column per part, feedback joined."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["index", "reference", "start", "end", "score", "tempo", *PARTS, "feedback"])
    for r in reps:
        writer.writerow([
            r.index, r.reference, f"{r.start:.3f}", f"{r.end:.3f}", f"{r.score:.1f}",
            "" if r.tempo is None else f"{r.tempo:.3f}",
            *("" if r.parts[p] is None else f"{r.parts[p]:.1f}" for p in PARTS),
            "; ".join(f["message"] for f in r.feedback),
        ])  # fmt: skip
    return buf.getvalue()


def export_session(store: HistoryStore, session_id: int, out_dir: str | Path) -> list[Path]:
    """Write session-<id>.csv, session-<id>.json and progress-<move>-<id>.png (one per move) into `out_dir`.

    The PNG carries the session id because its lower panel shows that session's reps: exporting two
    sessions of one move into one folder keeps both plots.
    """
    session = store.session(session_id)
    reps = store.reps(session_id)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    csv_path = out / f"session-{session_id}.csv"
    json_path = out / f"session-{session_id}.json"
    write_atomic(csv_path, session_csv(reps))
    document = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "session": session.as_dict(),
        "reps": [r.as_dict() for r in reps],
    }
    write_atomic(json_path, json.dumps(document, indent=1, ensure_ascii=False))
    written = [csv_path, json_path]
    moves = sorted({m for r in reps if (m := move_of(r.reference))}) or [session.move or "session"]
    for move in moves:
        png = out / f"progress-{slug(move)}-{session_id}.png"
        save_figure(progress_figure(store, move, session_id), png)
        written.append(png)
    return written


def weakest_part_text(store: HistoryStore, move: str | None) -> str:
    """'work on next: left leg (corrected 12 times)', or that nothing needed correcting."""
    parts = store.weakest_parts(move)
    if not parts:
        return "work on next: nothing stands out yet"
    part, n = parts[0]
    return f"work on next: {part_label(part)} (corrected {n} time{'s' if n != 1 else ''})"


def speed_trend_text(store: HistoryStore, move: str) -> str | None:
    """'straight_right: 12 % faster over the last 27 days (peak speed 2.9 -> 3.3 body heights/s)', or None
    when the move has fewer than two practice days with a measured strike speed in the last 30 days."""
    trend = store.speed_trend(move)
    if trend is None:
        return None
    change, days, first, last = trend
    word = "faster" if change >= 0 else "slower"
    return (
        f"{move}: {abs(100 * change):.0f} % {word} over the last {days} day{'s' if days != 1 else ''} "
        f"(peak speed {first:.1f} -> {last:.1f} body heights/s)"
    )
