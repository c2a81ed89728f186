"""A combination as the app's live engine: the follower behind the interface of every engine; pipeline thread.

The practice session, the pipeline's ghost and the panel's rep list know one kind of engine (`push` -> a
LiveUpdate, `finish`, `summary`, `rep_count`, `ref`). Here each technique done is a rep of its own move (the
rep list shows its score, the history stores it), `ref` is the technique expected now (the ghost shows what
comes), and `progress` / `runs` hold what the sequence bar shows, read by the UI thread between frames
(frozen data, replaced whole).
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace

from ..library.references import Reference
from ..match.combo import ComboFollower
from ..match.combo_events import ComboProgress, ComboRun, TechniqueDone
from ..match.live_events import LiveUpdate, Rep
from ..match.live_window import FramePoints
from ..pose.skeleton import MEDIAPIPE33


class ComboEngine:
    def __init__(self, follower: ComboFollower) -> None:
        self.follower = follower
        self.progress: ComboProgress = follower.progress()
        self.runs: list[ComboRun] = []
        self.rep_count = 0
        self.stored_runs = 0  # runs already in the practice history (core.app.history_combo)
        self._waiting: deque[Rep] = deque()  # techniques done in one frame beyond the first: one per update

    @property
    def ref(self) -> Reference:
        """The technique expected now (the ghost draws it)."""
        return self.follower.engines[self.follower.expected].ref

    @property
    def ghost_flipped(self) -> bool:
        """The expected technique's ghost faces the other way (core.features.bones.ghost_flipped)."""
        return self.follower.engines[self.follower.expected].ghost_flipped

    @property
    def ghost_beside(self) -> bool:
        """The expected technique's ghost stands beside the person (core.match.live.LiveEngine.ghost_beside)."""
        return self.follower.engines[self.follower.expected].ghost_beside

    def push(
        self, keypoints: FramePoints, t: float, skeleton: str = MEDIAPIPE33, *, world: FramePoints = None
    ) -> LiveUpdate:
        update = self.follower.push(keypoints, t, skeleton, world=world)
        self._take(update.events)
        self.progress = update.progress
        rep = self._waiting.popleft() if self._waiting else None
        return replace(update.live, new_rep=rep, rep_count=self.rep_count - len(self._waiting))

    def _take(self, events: tuple[TechniqueDone | ComboRun, ...] | list[TechniqueDone | ComboRun]) -> None:
        for event in events:
            if isinstance(event, ComboRun):
                self.runs.append(event)
            else:
                self.rep_count += 1
                self._waiting.append(replace(event.rep, index=self.rep_count))

    def finish(self) -> list[Rep]:
        """The source ended: the techniques still waiting, and the run in progress closed."""
        self._take(self.follower.finish())
        self.progress = self.follower.progress()
        out = list(self._waiting)
        self._waiting.clear()
        return out

    def summary(self) -> dict[str, object]:
        return self.follower.summary()
