"""The practice history's SQLite schema: one migration per version; `MIGRATIONS[v]` brings a version-v file to
v+1. Never edit a released migration: append one. core.app.history applies them and reads the tables.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

STRIKE_COLUMNS = ("joint", "side", "mirrored", "peak_speed", "speed_ratio", "extension", "extension_ref",
                  "return_time", "return_ref")  # fmt: skip
APP_ID = 0x50434F41  # "PCOA" in the file header: tells our database from any other SQLite file


def _v1(db: sqlite3.Connection) -> None:
    """Sessions; reps, one row each; a part score per rep and part (None: part not visible); feedback."""
    for statement in (
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            reference TEXT,            -- 'move - view'; NULL when the move was auto-detected
            move TEXT,
            view TEXT,
            origin TEXT NOT NULL,      -- 'app' or 'cli'
            started_at TEXT NOT NULL,  -- ISO 8601, UTC
            ended_at TEXT              -- NULL while running (or when the process died)
        )""",
        """CREATE TABLE reps (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            reference TEXT NOT NULL,   -- per rep: auto-detect sessions mix moves
            move TEXT,
            start_s REAL NOT NULL,
            end_s REAL NOT NULL,
            score REAL NOT NULL,
            tempo REAL,
            recorded_at TEXT NOT NULL
        )""",
        """CREATE TABLE rep_parts (
            rep_id INTEGER NOT NULL REFERENCES reps(id) ON DELETE CASCADE,
            part TEXT NOT NULL,
            score REAL,
            PRIMARY KEY (rep_id, part)
        )""",
        """CREATE TABLE feedback (
            rep_id INTEGER NOT NULL REFERENCES reps(id) ON DELETE CASCADE,
            rank INTEGER NOT NULL,
            part TEXT NOT NULL,
            message TEXT NOT NULL
        )""",
        "CREATE INDEX reps_by_session ON reps(session_id)",
        "CREATE INDEX reps_by_move ON reps(move)",
        "CREATE INDEX feedback_by_rep ON feedback(rep_id)",
        "CREATE INDEX sessions_by_move ON sessions(move)",
    ):
        db.execute(statement)


def _v2(db: sqlite3.Connection) -> None:
    """Strike metrics and the side of a rep (issue 12), one row per rep that has them; older reps have none."""
    db.execute(
        """CREATE TABLE rep_strikes (
            rep_id INTEGER PRIMARY KEY REFERENCES reps(id) ON DELETE CASCADE,
            joint TEXT NOT NULL,       -- the COCO-17 joint that struck, e.g. 'left_wrist'
            side TEXT,                 -- 'left' / 'right' for a one-sided move, else NULL
            mirrored INTEGER NOT NULL, -- 1: done on the other side than the reference
            peak_speed REAL,           -- body heights per second
            speed_ratio REAL,          -- peak speed / the reference's
            extension REAL,            -- elbow or knee angle at the peak, degrees
            extension_ref REAL,
            return_time REAL,          -- seconds from the peak back to guard
            return_ref REAL
        )"""
    )


# Append a function for each new schema version; never edit a released one.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_v1, _v2)
SCHEMA_VERSION = len(MIGRATIONS)
