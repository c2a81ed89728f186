"""Practice history: sessions and their reps in an embedded SQLite database; any thread (one connection each).

Every rep is committed in its own transaction the moment it completes (WAL journal, synchronous=FULL), so a
crash or power loss loses at most the rep in progress. The schema version lives in `PRAGMA user_version`
and `MIGRATIONS` brings older files forward.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .errors import PoseCoachError
from .live import Rep
from .skeleton import PARTS

APP_ID = 0x50434F41  # "PCOA": marks the file as ours
MIGRATIONS: tuple[str, ...] = (
    # v1
    """
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        reference TEXT,
        move TEXT,
        view TEXT,
        origin TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT
    );
    CREATE TABLE reps (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        reference TEXT NOT NULL,
        move TEXT,
        start_s REAL NOT NULL,
        end_s REAL NOT NULL,
        score REAL NOT NULL,
        tempo REAL,
        recorded_at TEXT NOT NULL
    );
    CREATE TABLE rep_parts (
        rep_id INTEGER NOT NULL REFERENCES reps(id) ON DELETE CASCADE,
        part TEXT NOT NULL,
        score REAL,
        PRIMARY KEY (rep_id, part)
    );
    CREATE TABLE feedback (
        rep_id INTEGER NOT NULL REFERENCES reps(id) ON DELETE CASCADE,
        rank INTEGER NOT NULL,
        part TEXT NOT NULL,
        message TEXT NOT NULL
    );
    CREATE INDEX reps_by_session ON reps(session_id);
    CREATE INDEX sessions_by_move ON sessions(move);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def default_history_path() -> Path:
    """POSECOACH_HISTORY, else the platform's user data folder."""
    if env := os.environ.get("POSECOACH_HISTORY"):
        return Path(env)
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "posecoach" / "history.sqlite3"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _move_of(label: str | None) -> str | None:
    return label.rpartition(" - ")[0] or label if label else None


@dataclass(frozen=True)
class SessionSummary:
    id: int
    source: str
    reference: str | None
    move: str | None
    view: str | None
    origin: str
    started_at: str
    ended_at: str | None
    reps: int
    best: float | None
    mean: float | None

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class RepRecord:
    index: int
    reference: str
    start: float
    end: float
    score: float
    tempo: float | None
    parts: dict[str, float | None]
    feedback: list[dict[str, str]]

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


class HistoryStore:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, timeout=10.0, check_same_thread=False)
            self._db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = FULL")  # a finished rep survives power loss
        except sqlite3.DatabaseError as exc:
            raise PoseCoachError(f"{self.path}: not a PoseCoach history database ({exc})") from None

    def _migrate(self) -> None:
        app_id = self._db.execute("PRAGMA application_id").fetchone()[0]
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        tables = self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app_id not in (0, APP_ID) or (app_id == 0 and tables):
            raise PoseCoachError(f"{self.path}: is a database of another program, not PoseCoach history")
        if version > SCHEMA_VERSION:
            raise PoseCoachError(f"{self.path}: written by a newer PoseCoach (schema {version} > {SCHEMA_VERSION})")
        for v in range(version, SCHEMA_VERSION):
            # each step is one transaction: a crash mid-migration leaves the previous version intact
            self._db.executescript(f"BEGIN; {MIGRATIONS[v]}; PRAGMA user_version = {v + 1}; "
                                   f"PRAGMA application_id = {APP_ID}; COMMIT;")  # fmt: skip

    # -- writing -----------------------------------------------------------------------------------
    def start_session(self, source: str, reference: str | None, move: str | None = None,
                      view: str | None = None, origin: str = "app") -> int:  # fmt: skip
        with self._db:
            cur = self._db.execute(
                "INSERT INTO sessions (source, reference, move, view, origin, started_at) VALUES (?, ?, ?, ?, ?, ?)",
                (source, reference, move or _move_of(reference), view, origin, _now()),
            )
        return int(cur.lastrowid)

    def add_rep(self, session_id: int, rep: Rep, reference: str) -> None:
        """One transaction per rep: it is either all there or not at all."""
        with self._db:
            cur = self._db.execute(
                "INSERT INTO reps (session_id, idx, reference, move, start_s, end_s, score, tempo, recorded_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (session_id, rep.index, reference, _move_of(reference), rep.start, rep.end, rep.score, rep.tempo,
                 _now()),
            )  # fmt: skip
            rep_id = cur.lastrowid
            self._db.executemany(
                "INSERT INTO rep_parts (rep_id, part, score) VALUES (?, ?, ?)",
                [(rep_id, p, rep.parts.get(p)) for p in PARTS],
            )
            self._db.executemany(
                "INSERT INTO feedback (rep_id, rank, part, message) VALUES (?, ?, ?, ?)",
                [(rep_id, k, f.part, f.message) for k, f in enumerate(rep.feedback)],
            )

    def end_session(self, session_id: int) -> None:
        with self._db:
            self._db.execute("UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL", (_now(), session_id))

    # -- reading -----------------------------------------------------------------------------------
    def sessions(self, move: str | None = None) -> list[SessionSummary]:
        """Newest first. A session's move is its reference's, or (auto-detect) the moves of its reps."""
        rows = self._db.execute(
            """SELECT s.id, s.source, s.reference, s.move, s.view, s.origin, s.started_at, s.ended_at,
                      count(r.id), max(r.score), avg(r.score)
               FROM sessions s LEFT JOIN reps r ON r.session_id = s.id
               WHERE (? IS NULL OR s.move = ? OR EXISTS (SELECT 1 FROM reps x WHERE x.session_id = s.id AND x.move = ?))
               GROUP BY s.id ORDER BY s.started_at DESC, s.id DESC""",
            (move, move, move),
        ).fetchall()
        return [SessionSummary(*row) for row in rows]

    def session(self, session_id: int) -> SessionSummary:
        for s in self.sessions():
            if s.id == session_id:
                return s
        raise PoseCoachError(f"no session {session_id} in {self.path}")

    def reps(self, session_id: int) -> list[RepRecord]:
        rows = self._db.execute(
            "SELECT id, idx, reference, start_s, end_s, score, tempo FROM reps WHERE session_id = ? ORDER BY id",
            (session_id,),
        ).fetchall()
        out = []
        for rep_id, idx, reference, start, end, score, tempo in rows:
            parts = dict(self._db.execute("SELECT part, score FROM rep_parts WHERE rep_id = ?", (rep_id,)).fetchall())
            feedback = [
                {"part": p, "message": m}
                for p, m in self._db.execute(
                    "SELECT part, message FROM feedback WHERE rep_id = ? ORDER BY rank", (rep_id,)
                )
            ]
            out.append(RepRecord(idx, reference, start, end, score, tempo, {p: parts.get(p) for p in PARTS}, feedback))
        return out

    def moves(self) -> list[str]:
        rows = self._db.execute("SELECT DISTINCT move FROM reps WHERE move IS NOT NULL ORDER BY move").fetchall()
        return [r[0] for r in rows]

    def daily_progress(self, move: str) -> list[tuple[str, float, float, int]]:
        """(day, best rep score, mean rep score, reps) per local day for one move, oldest first."""
        return self._db.execute(
            """SELECT date(recorded_at, 'localtime') AS day, max(score), avg(score), count(*)
               FROM reps WHERE move = ? GROUP BY day ORDER BY day""",
            (move,),
        ).fetchall()

    def weakest_parts(self, move: str | None = None) -> list[tuple[str, int]]:
        """Body parts by how often they needed correction (the thing to work on next first)."""
        return self._db.execute(
            f"""SELECT f.part, count(*) AS n FROM feedback f JOIN reps r ON r.id = f.rep_id
               WHERE f.part IN ({",".join("?" * len(PARTS))}) AND (? IS NULL OR r.move = ?)
               GROUP BY f.part ORDER BY n DESC, f.part""",
            (*PARTS, move, move),
        ).fetchall()

    def check(self) -> str:
        return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])

    def close(self) -> None:
        self._db.close()


class SessionRecorder:
    """`main.py stream --save`: one session, every completed rep written as it happens."""

    def __init__(self, store: HistoryStore, source: str, reference: str | None, view: str | None) -> None:
        self.store = store
        self.session_id = store.start_session(source, reference, None, view, "cli")

    def add_rep(self, reference: str, rep: Rep) -> None:
        self.store.add_rep(self.session_id, rep, reference)

    def close(self) -> None:
        self.store.end_session(self.session_id)
        self.store.close()


def open_session_recorder(args: object, engine: object) -> SessionRecorder:
    path = getattr(args, "history", None) or default_history_path()
    reference = None
    refs: Sequence = getattr(engine, "engines", None) or [engine]
    if len(refs) == 1:
        reference = refs[0].ref.label
    return SessionRecorder(HistoryStore(path), str(getattr(args, "source", "")), reference, getattr(args, "view", None))
