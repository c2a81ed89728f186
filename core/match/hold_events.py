"""What the hold engine reports: the hold in progress per frame, one Hold per completed hold; pipeline thread.

Plain frozen data (no numpy arrays), like core.match.live_events, so the GUI and the CLI's JSON share them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..score.feedback import FeedbackItem


def _round(value: float, digits: int) -> float | None:
    return None if value != value else round(value, digits)  # NaN (nothing measured) -> null


@dataclass(frozen=True)
class Hold:
    """One completed hold: the pose was kept within tolerance from `start` to `end` (seconds)."""

    index: int
    start: float
    end: float
    score: float  # 0-100, how close the pose was (core.score.scoring's scale)
    stability: float  # RMS sway of hips and head in body heights (core.score.stability); lower is steadier
    target: float  # seconds the reference asks for
    parts: dict[str, float | None]
    feedback: tuple[FeedbackItem, ...] = ()
    move: str = ""
    view: str = ""

    @property
    def duration(self) -> float:
        return self.end - self.start

    def as_dict(self) -> dict[str, object]:
        return {
            "event": "hold",
            "index": self.index,
            "move": self.move,
            "view": self.view,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "duration": round(self.duration, 3),
            "score": round(self.score, 1),
            "stability": _round(self.stability, 4),
            "target": round(self.target, 3),
            "reached": self.duration >= self.target,
            "parts": {k: None if v is None else round(v, 1) for k, v in self.parts.items()},
            "feedback": [f.as_dict() for f in self.feedback],
        }


@dataclass(frozen=True)
class HoldStatus:
    """The hold timer after one frame: `held` seconds so far (0 when not holding), against `target`."""

    in_pose: bool  # the pose is within tolerance now (False during a wobble the grace forgives)
    holding: bool  # a hold is running (a wobble inside the grace keeps it running)
    held: float
    target: float
    stability: float  # sway so far in this hold, body heights; NaN when not holding
    holds: int  # completed holds so far
    best: float  # the longest completed hold, seconds
    last: Hold | None = None  # the latest completed hold (the window lists it once `holds` has grown)

    @property
    def progress(self) -> float:
        """0..1 of the target."""
        return min(1.0, self.held / self.target) if self.target > 0 else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "in_pose": self.in_pose,
            "holding": self.holding,
            "held": round(self.held, 3),
            "target": round(self.target, 3),
            "progress": round(self.progress, 3),
            "stability": _round(self.stability, 4),
            "holds": self.holds,
        }
