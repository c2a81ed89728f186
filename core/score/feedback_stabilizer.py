"""Keeps live advice readable: hysteresis, a minimum display time and at most two messages at once."""

from __future__ import annotations

from dataclasses import dataclass

from ..score.feedback import FeedbackItem

SHOW_AFTER = 0.4  # s a message must be proposed continuously before it appears
HIDE_AFTER = 1.0  # s a shown message must be absent before it goes
MIN_SHOWN = 2.0  # s a message stays up at least, so it can be read
MAX_SHOWN = 2
GAP = 0.3  # s of absence that breaks "continuously proposed" for a message not yet shown


@dataclass
class _Track:
    item: FeedbackItem
    first_seen: float
    last_seen: float
    shown_since: float | None = None


class FeedbackStabilizer:
    """Turns a flickering per-frame list of advice into a stable one.

    Advice is tracked per body part: while a part's message is shown its text stays put, so a direction
    that wavers between two wordings does not flash; "body" messages (nobody / step back) update at once.
    """

    def __init__(self, max_shown: int = MAX_SHOWN) -> None:
        self.max_shown = max_shown
        self._tracks: dict[str, _Track] = {}

    def update(self, proposed: list[FeedbackItem], t: float) -> list[FeedbackItem]:
        for item in proposed:
            track = self._tracks.get(item.part)
            if track is None or (track.shown_since is None and t - track.last_seen > GAP):
                self._tracks[item.part] = _Track(item, t, t)
            else:
                if track.shown_since is None or item.part == "body":
                    track.item = item
                else:  # keep the words on screen, follow the importance
                    track.item = FeedbackItem(track.item.part, track.item.message, item.severity)
                track.last_seen = t
        # "step into the frame" style messages replace advice at once, without waiting.
        urgent = {i.part for i in proposed if i.part == "body"}
        for key, track in list(self._tracks.items()):
            gone = t - track.last_seen > (HIDE_AFTER if track.shown_since is not None else GAP)
            min_time_done = track.shown_since is None or t - track.shown_since >= MIN_SHOWN
            if (gone and min_time_done) or (urgent and key not in urgent and min_time_done):
                del self._tracks[key]
        ready = [
            tr for tr in self._tracks.values()
            if tr.shown_since is not None
            or (t - tr.last_seen <= GAP and (t - tr.first_seen >= SHOW_AFTER or tr.item.part == "body"))
        ]  # fmt: skip
        ready.sort(key=lambda tr: (tr.shown_since is None, -tr.item.severity))
        shown = ready[: self.max_shown]
        for tr in shown:
            if tr.shown_since is None:
                tr.shown_since = t
        for tr in ready[self.max_shown :]:
            tr.shown_since = None
        shown.sort(key=lambda tr: -tr.item.severity)
        return [tr.item for tr in shown]
