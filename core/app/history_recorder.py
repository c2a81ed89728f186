"""`main.py stream --save`: one history session for a streamed source, every rep stored as it completes."""

from __future__ import annotations

from typing import Any

from ..app.history import HistoryStore
from ..app.paths import default_history_path
from ..match.live_events import Rep


class SessionRecorder:
    """`main.py stream --save`: one session, every completed rep written as it happens."""

    def __init__(self, store: HistoryStore, source: str, reference: str | None, view: str | None) -> None:
        self.store = store
        self.session_id = store.start_session(source, reference, None, view, "cli")

    def add_rep(self, reference: str, rep: Rep) -> None:
        self.store.add_rep(self.session_id, rep, reference)

    def close(self) -> None:
        try:
            self.store.end_session(self.session_id)
        finally:
            self.store.close()


def open_session_recorder(args: Any, engine: Any) -> SessionRecorder:
    """The recorder for `stream --save`: --history, else POSECOACH_HISTORY, else the user data folder.

    engine: one move's engine (LiveEngine, SidedEngine, HoldEngine: the session has its reference) or an
    AutoDetectEngine (no `ref`: reference None; each rep carries its own).
    """
    path = getattr(args, "history", None) or default_history_path()
    ref = getattr(engine, "ref", None)
    store = HistoryStore(path)
    source = str(getattr(args, "source", ""))
    view = ref.view if ref is not None else getattr(args, "view", None)
    return SessionRecorder(store, source, None if ref is None else ref.label, view)
