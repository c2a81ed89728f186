"""A practice's reps kept for review, and saved beside the history when a stored session ends; both threads.

The pipeline thread adds frames and finished reps (core.view.rep_takes keeps the last few, bounded); the UI
thread saves a session's reps when the history closes it, for `export`. Which stored session a kept rep
belongs to is read and rebuilt under this object's lock, so a rep kept while a session is saved is not lost.
"""

from __future__ import annotations

import threading
from typing import Any

from numpy.typing import NDArray

from ..app.practice_history import PracticeHistory
from ..library.references import Reference
from ..match.live_events import Rep
from ..score.scoring import PreparedReference
from ..view.rep_takes import RepTakeBuffer
from ..view.review_store import save_takes, takes_path


class KeptReps:
    def __init__(self, history: PracticeHistory | None) -> None:
        self.buffer = RepTakeBuffer()  # the last reps as filmed (the review window reads it)
        self.history = history
        self._lock = threading.Lock()
        self._session: dict[int, int | None] = {}  # id(RepTake) -> the stored session it was kept in
        if history is not None:
            history.on_ending = self.save

    def add_frame(self, t: float, image: NDArray[Any], keypoints: NDArray[Any] | None) -> None:
        self.buffer.add_frame(t, image, keypoints)

    def add_rep(self, rep: Rep, prepared: tuple[Reference, PreparedReference] | None) -> None:
        """A counted rep of a known reference, with the frames it spans (an uncounted one is not a rep)."""
        if prepared is None or not rep.counted:
            return
        take = self.buffer.add_rep(rep, prepared[0].label, prepared[1])
        if take is not None and self.history is not None:
            with self._lock:
                self._session[id(take)] = self.history.session_id

    def save(self, session_id: int) -> None:
        """A stored session ends (UI thread): its kept reps go beside the history; a failure is a note."""
        history = self.history
        path = getattr(history.store, "path", None) if history is not None else None
        with self._lock:
            kept = self.buffer.takes()  # still there for review after the set
            self._session = {id(t): s for t in kept if (s := self._session.get(id(t))) is not None}
            takes = [t for t in kept if self._session.get(id(t)) == session_id]
        if history is None or path is None or not takes:
            return
        try:
            save_takes(takes, takes_path(path, session_id))
        except (OSError, ValueError) as exc:
            history.on_problem(f"The reps kept for review were not saved: {exc}")
