"""Practice history: sessions and their reps in an embedded SQLite database; usable from any thread (one lock).

Every rep is committed in its own transaction the moment it completes (WAL journal, synchronous=FULL), so a
crash, a kill or a power loss loses at most the rep in progress. The schema version lives in
`PRAGMA user_version`; `MIGRATIONS[v]` brings a version-v file to v+1, one transaction per step.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..app.errors import PoseCoachError
from ..app.history_progress import ProgressQueries
from ..app.history_schema import APP_ID, MIGRATIONS, SCHEMA_VERSION, STRIKE_COLUMNS
from ..library.labels import move_of
from ..match.live_events import Rep
from ..pose.skeleton import PARTS

BUSY_TIMEOUT_S = 10.0  # another process writing: wait this long before giving up


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def local_time(stamp: str) -> str:
    """A stored UTC timestamp as the user's wall-clock time, 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")


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

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class RepRecord:
    """A stored rep. parts: every part of PARTS, None where it was not visible."""

    index: int
    reference: str
    start: float
    end: float
    score: float
    tempo: float | None
    parts: dict[str, float | None]
    feedback: list[dict[str, str]]
    strike: dict[str, Any] | None = None  # the rep_strikes columns; None for reps stored before them

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class HistoryStore(ProgressQueries):
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise PoseCoachError(f"{self.path}: is a folder; give the history database a file name")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PoseCoachError(f"{self.path.parent}: cannot create the history folder ({exc.strerror})") from None
        self._lock = threading.RLock()
        try:
            # Autocommit mode: every transaction below is an explicit BEGIN IMMEDIATE ... COMMIT.
            self._db = sqlite3.connect(self.path, BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        try:
            self._migrate()
            self._db.execute("PRAGMA foreign_keys = ON")
            self._use_wal()
            # NORMAL in WAL mode survives a killed process but may lose the last commits on power loss;
            # FULL syncs the WAL on every commit. A commit per rep is one fsync every few seconds: free.
            self._db.execute("PRAGMA synchronous = FULL")
        except BaseException as exc:
            self._db.close()
            if isinstance(exc, sqlite3.DatabaseError):
                raise self._error(exc) from None
            raise

    def _error(self, exc: sqlite3.Error) -> PoseCoachError:
        """A sentence for what SQLite reported about our file."""
        text = str(exc)
        if "locked" in text or "busy" in text:
            return PoseCoachError(f"{self.path}: the history is busy (another PoseCoach is writing it); try again")
        if isinstance(exc, sqlite3.OperationalError) and ("unable to open" in text or "readonly" in text):
            return PoseCoachError(f"{self.path}: the history cannot be opened for writing ({text}); use --history")
        if isinstance(exc, sqlite3.OperationalError) and ("full" in text or "I/O" in text):
            return PoseCoachError(f"{self.path}: the history could not be written ({text})")
        return PoseCoachError(f"{self.path}: not a PoseCoach history database ({text})")

    def _use_wal(self) -> None:
        """WAL journal: readers (the History tab) never block the writer, and a commit is one append.

        The mode is stored in the file, so only the first open switches it. The switch needs the file to
        itself and SQLite reports "locked" at once rather than waiting, hence the retries.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                if self._db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    self._db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing; IMMEDIATE takes the write lock up front, so two writers queue instead of failing."""
        db = self._db
        with self._lock:
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield db
                except BaseException:
                    if db.in_transaction:  # SQLite may have rolled back itself (disk full, I/O error)
                        db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")
            except sqlite3.OperationalError as exc:  # locked for too long, disk full, read-only: a sentence
                raise self._error(exc) from None

    def _pragma(self, name: str) -> int:
        return int(self._db.execute(f"PRAGMA {name}").fetchone()[0])

    def _migrate(self) -> None:
        if self._pragma("user_version") == SCHEMA_VERSION and self._pragma("application_id") == APP_ID:
            return
        with self._transaction() as db:
            # Read again under the write lock: another process may have created the file meanwhile.
            app_id, version = self._pragma("application_id"), self._pragma("user_version")
            tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if app_id != APP_ID and (app_id != 0 or tables):
                raise PoseCoachError(f"{self.path}: is a database of another program, not a PoseCoach history")
            if version > SCHEMA_VERSION:
                raise PoseCoachError(
                    f"{self.path}: written by a newer PoseCoach (history schema {version}, this one reads up to "
                    f"{SCHEMA_VERSION}); update PoseCoach or use another --history file"
                )
            for v in range(version, SCHEMA_VERSION):
                MIGRATIONS[v](db)
            # Both pragmas are part of the transaction: a crash mid-migration leaves the old version intact.
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute(f"PRAGMA application_id = {APP_ID}")

    def _query(self, sql: str, params: Sequence[object] | dict[str, object] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    # -- writing -----------------------------------------------------------------------------------
    def start_session(self, source: str, reference: str | None, move: str | None = None,
                      view: str | None = None, origin: str = "app") -> int:  # fmt: skip
        """A new running session (ended_at NULL); `reference` None means the move is auto-detected per rep."""
        with self._transaction() as db:
            cur = db.execute(
                "INSERT INTO sessions (source, reference, move, view, origin, started_at) VALUES (?, ?, ?, ?, ?, ?)",
                (source, reference, move or move_of(reference), view, origin, _now()),
            )
        return int(cur.lastrowid or 0)

    def add_rep(self, session_id: int, rep: Rep, reference: str | None = None) -> None:
        """Store one completed rep in one transaction: it is either all there or not at all.

        reference: the rep's 'move - view' label; defaults to the session's (required for auto-detect sessions).
        """
        with self._transaction() as db:
            if reference is None:
                row = db.execute("SELECT reference FROM sessions WHERE id = ?", (session_id,)).fetchone()
                reference = row[0] if row else None
                if reference is None:
                    raise ValueError(f"session {session_id}: auto-detected, so add_rep needs the rep's reference")
            cur = db.execute(
                "INSERT INTO reps (session_id, idx, reference, move, start_s, end_s, score, tempo, recorded_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (session_id, rep.index, reference, move_of(reference), rep.start, rep.end, rep.score, rep.tempo,
                 _now()),
            )  # fmt: skip
            rep_id = cur.lastrowid
            db.executemany(
                "INSERT INTO rep_parts (rep_id, part, score) VALUES (?, ?, ?)",
                [(rep_id, p, rep.parts.get(p)) for p in PARTS],
            )
            db.executemany(
                "INSERT INTO feedback (rep_id, rank, part, message) VALUES (?, ?, ?, ?)",
                [(rep_id, k, f.part, f.message) for k, f in enumerate(rep.feedback)],
            )
            if (m := rep.strike) is not None:
                columns, marks = ", ".join(STRIKE_COLUMNS), ", ?" * len(STRIKE_COLUMNS)
                db.execute(
                    f"INSERT INTO rep_strikes (rep_id, {columns}) VALUES (?{marks})",
                    (rep_id, m.joint, m.side, int(rep.mirrored), m.peak_speed, m.speed_ratio, m.extension,
                     m.extension_ref, m.return_time, m.return_ref),
                )  # fmt: skip

    def end_session(self, session_id: int, drop_empty: bool = False) -> None:
        """End a running session. `drop_empty`: a session in which no rep was counted is removed instead (the
        app: looking through references while a video plays would otherwise leave a row of empty sessions)."""
        with self._transaction() as db:
            if (
                drop_empty
                and db.execute("SELECT 1 FROM reps WHERE session_id = ? LIMIT 1", (session_id,)).fetchone() is None
            ):
                db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))  # a combination run has reps
                return
            db.execute("UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL", (_now(), session_id))

    # -- reading -----------------------------------------------------------------------------------
    def sessions(self, move: str | None = None) -> list[SessionSummary]:
        """Newest first. With `move`: sessions of that move, counting only its reps (auto-detect mixes moves)."""
        rows = self._query(
            """SELECT s.id, s.source, s.reference, s.move, s.view, s.origin, s.started_at, s.ended_at,
                      count(r.id), max(r.score), avg(r.score)
               FROM sessions s LEFT JOIN reps r ON r.session_id = s.id AND (:move IS NULL OR r.move = :move)
               GROUP BY s.id
               HAVING :move IS NULL OR s.move = :move OR count(r.id) > 0
               ORDER BY s.started_at DESC, s.id DESC""",
            {"move": move},
        )
        return [SessionSummary(*row) for row in rows]

    def session(self, session_id: int) -> SessionSummary:
        rows = self._query(
            """SELECT s.id, s.source, s.reference, s.move, s.view, s.origin, s.started_at, s.ended_at,
                      count(r.id), max(r.score), avg(r.score)
               FROM sessions s LEFT JOIN reps r ON r.session_id = s.id WHERE s.id = ? GROUP BY s.id""",
            (session_id,),
        )
        if not rows:
            raise PoseCoachError(f"no session {session_id} in {self.path}; `main.py history` lists them")
        return SessionSummary(*rows[0])

    def reps(self, session_id: int) -> list[RepRecord]:
        """The session's reps in the order they were performed."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, idx, reference, start_s, end_s, score, tempo FROM reps WHERE session_id = ? ORDER BY id",
                (session_id,),
            ).fetchall()
            parts: dict[int, dict[str, float | None]] = {}
            for rep_id, part, score in self._db.execute(
                "SELECT rep_id, part, score FROM rep_parts WHERE rep_id IN (SELECT id FROM reps WHERE session_id = ?)",
                (session_id,),
            ):
                parts.setdefault(rep_id, {})[part] = score
            feedback: dict[int, list[dict[str, str]]] = {}
            for rep_id, part, message in self._db.execute(
                "SELECT rep_id, part, message FROM feedback WHERE rep_id IN "
                "(SELECT id FROM reps WHERE session_id = ?) ORDER BY rep_id, rank",
                (session_id,),
            ):
                feedback.setdefault(rep_id, []).append({"part": part, "message": message})
            strikes: dict[int, dict[str, Any]] = {}
            for rep_id, *values in self._db.execute(
                f"SELECT rep_id, {', '.join(STRIKE_COLUMNS)} FROM rep_strikes "
                "WHERE rep_id IN (SELECT id FROM reps WHERE session_id = ?)",
                (session_id,),
            ):
                strikes[rep_id] = dict(zip(STRIKE_COLUMNS, values, strict=True)) | {"mirrored": bool(values[2])}
        return [
            RepRecord(idx, reference, start, end, score, tempo,
                      {p: parts.get(rep_id, {}).get(p) for p in PARTS}, feedback.get(rep_id, []), strikes.get(rep_id))
            for rep_id, idx, reference, start, end, score, tempo in rows
        ]  # fmt: skip

    def check(self) -> str:
        """SQLite's integrity check: 'ok' for a sound file."""
        return str(self._query("PRAGMA integrity_check")[0][0])

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
