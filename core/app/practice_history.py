"""The practice history as a practice session uses it: one stored session per practice; UI thread.

History must never stop practice: a store that fails (full disk, locked database) becomes a note for
the person through `on_problem`, and practice goes on.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Protocol

from ..library.references import Reference
from ..match.live_events import Rep


class HistoryStoreLike(Protocol):
    """The part of core.app.history.HistoryStore a practice needs."""

    def start_session(self, source: str, reference: str | None, move: str | None = None,
                      view: str | None = None, origin: str = "app") -> int: ...  # fmt: skip

    def add_rep(self, session_id: int, rep: Rep, reference: str | None = None) -> None: ...

    def end_session(self, session_id: int, drop_empty: bool = False) -> None: ...


class PracticeHistory:
    def __init__(self, store: HistoryStoreLike, on_problem: Callable[[str], None] = lambda text: None) -> None:
        self.store = store
        self.on_problem = on_problem
        self.session_id: int | None = None
        self._keep_empty = False
        self.on_ended: Callable[[], None] = lambda: None  # e.g. refresh a history view
        self.on_ending: Callable[[int], None] = lambda session_id: None  # e.g. keep its reps for review

    def begin(self, source: str, reference: Reference | None, move: str | None = None, view: str | None = None) -> None:
        """Start a stored session unless one is open (a camera that came back continues its session).

        Without a reference, `move` and `view` name what was practised (a combination, as `stream --save` does).
        """
        if self.session_id is not None:
            return
        # Holds are not stored as reps: a hold practice keeps its session though it counted no rep.
        self._keep_empty = reference is not None and reference.hold is not None
        try:
            self.session_id = self.store.start_session(
                source, reference.label if reference else None,
                reference.move if reference else move, reference.view if reference else view, "app",
            )  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - any store failure is the same note
            self.on_problem(f"History not available: {exc}")

    def add_rep(self, rep: Rep, label: str) -> None:
        if self.session_id is None:
            return
        try:
            self.store.add_rep(self.session_id, rep, label)
        except Exception as exc:  # noqa: BLE001
            self.on_problem(f"History not saved: {exc}")

    def end(self) -> None:
        if self.session_id is None:
            return
        self.on_ending(self.session_id)
        with contextlib.suppress(Exception):  # the session keeps its reps either way
            # A practice that counted nothing leaves nothing (looking through the library while a video plays).
            self.store.end_session(self.session_id, drop_empty=not self._keep_empty)
        self.session_id = None
        self.on_ended()
