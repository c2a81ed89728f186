"""Combination runs in the practice history: each run with its techniques; any thread (the store locks).

Each technique is stored as a rep of its own move the moment it is done (`HistoryStore.add_rep`: its parts,
feedback and strike metrics, one transaction, as every rep), so a move's progress includes the techniques
practised inside combinations. A run adds one row in `combo_runs` and one row per technique in
`combo_techniques` (its position, None for an extra, and the rep's index in the session). The tables are
created when first needed, independent of the numbered schema migrations, which other features extend.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from ..app.history import HistoryStore
from ..match.combo_engine import ComboEngine
from ..match.combo_events import ComboRun

_TABLES = (
    """CREATE TABLE IF NOT EXISTS combo_runs (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        run INTEGER NOT NULL,
        combination TEXT NOT NULL,  -- 'name - view'
        score REAL NOT NULL,
        order_ok INTEGER NOT NULL,
        rhythm REAL,                -- student's / reference's time between techniques (median)
        missing TEXT NOT NULL,      -- JSON list of positions
        swapped TEXT NOT NULL,      -- JSON list of [position, position + 1]
        wrong_side TEXT NOT NULL,   -- JSON list of positions
        start_s REAL NOT NULL,
        end_s REAL NOT NULL,
        recorded_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS combo_techniques (
        run_id INTEGER NOT NULL REFERENCES combo_runs(id) ON DELETE CASCADE,
        rank INTEGER NOT NULL,      -- order done
        position INTEGER,           -- in the combination; NULL for an extra
        reference TEXT NOT NULL,
        rep_idx INTEGER NOT NULL,   -- reps.idx of the technique in the same session
        score REAL NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS combo_runs_by_session ON combo_runs(session_id)",
)


def add_run(store: HistoryStore, session_id: int, run: ComboRun) -> None:
    """Store one run and its techniques in one transaction (its techniques' reps are stored already)."""
    with store._transaction() as db:
        for statement in _TABLES:
            db.execute(statement)
        cur = db.execute(
            "INSERT INTO combo_runs (session_id, run, combination, score, order_ok, rhythm, missing, swapped, "
            "wrong_side, start_s, end_s, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (session_id, run.run, run.combination, run.score, int(run.order_ok), run.rhythm,
             json.dumps(list(run.missing)), json.dumps([list(p) for p in run.swapped]),
             json.dumps(list(run.wrong_side)), run.start, run.end,
             datetime.now(timezone.utc).isoformat(timespec="seconds")),
        )  # fmt: skip
        db.executemany(
            "INSERT INTO combo_techniques (run_id, rank, position, reference, rep_idx, score) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(cur.lastrowid, k, d.index, d.move, d.rep.index, d.score) for k, d in enumerate(run.done)],
        )


def runs(store: HistoryStore, session_id: int) -> list[dict[str, Any]]:
    """The session's runs, oldest first, each with its techniques in the order done."""
    if not store._query("SELECT name FROM sqlite_master WHERE name = 'combo_runs'"):
        return []
    out = []
    for row in store._query(
        "SELECT id, run, combination, score, order_ok, rhythm, missing, swapped, wrong_side FROM combo_runs "
        "WHERE session_id = ? ORDER BY run",
        (session_id,),
    ):
        techniques = store._query(
            "SELECT position, reference, score FROM combo_techniques WHERE run_id = ? ORDER BY rank", (row[0],)
        )
        out.append({
            "run": row[1], "combination": row[2], "score": row[3], "order_ok": bool(row[4]), "rhythm": row[5],
            "missing": json.loads(row[6]), "swapped": json.loads(row[7]), "wrong_side": json.loads(row[8]),
            "techniques": [{"index": t[0], "move": t[1], "score": t[2]} for t in techniques],
        })  # fmt: skip
    return out


def run_line(run: dict[str, Any]) -> str:
    """One stored run (`runs`) as a line of `history`: its score, techniques and what went wrong."""
    done = ", ".join(f"{t['move']} {t['score']:.0f}" for t in run["techniques"])

    def nth(positions: list[int]) -> str:
        return ", ".join(f"#{i + 1}" for i in positions)

    wrong = [f"skipped {nth(run['missing'])}"] if run["missing"] else []
    wrong += [f"swapped {nth(pair).replace(', ', ' and ')}" for pair in run["swapped"]]
    wrong += [f"wrong side {nth(run['wrong_side'])}"] if run["wrong_side"] else []
    return f"run {run['run']}: {run['score']:.0f}  ({done})" + (f"  {'; '.join(wrong)}" if wrong else "")


def store_new_runs(history: Any, engine: Any) -> None:
    """The app (UI thread): store the runs `engine` closed since the last call in the practice's session
    (`history`: core.app.practice_history.PracticeHistory); nothing for an engine that is no combination's. A
    failing store is a note, as for reps."""
    if not isinstance(engine, ComboEngine) or history.session_id is None or not isinstance(history.store, HistoryStore):
        return
    done = getattr(engine, "stored_runs", 0)
    for run in engine.runs[done:]:
        try:
            add_run(history.store, history.session_id, run)
        except Exception as exc:  # noqa: BLE001 - history must never stop practice
            history.on_problem(f"History not saved: {exc}")
    engine.stored_runs = len(engine.runs)
