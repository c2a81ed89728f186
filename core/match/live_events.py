"""What the live engine reports: one update per frame, one rep per completed performance; pipeline thread.

Plain frozen data (no numpy arrays) so the GUI, the CLI's JSON events and the history store share them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..match.hold_events import Hold, HoldStatus
from ..pose.skeleton import BONE_PARTS, PART_JOINTS, PARTS
from ..score.feedback import FeedbackItem
from ..score.strike_metrics import StrikeMetrics

_NO_STRIKE = {"peak_speed": None, "speed_ratio": None, "extension": None, "return_time": None}


@dataclass(frozen=True)
class Rep:
    """One completed performance of the reference in the stream."""

    index: int
    start: float
    end: float
    score: float
    parts: dict[str, float | None]
    tempo: float
    feedback: tuple[FeedbackItem, ...] = ()
    move: str = ""  # the reference's move and view: in auto-detect each rep names the move it was
    view: str = ""
    strike: StrikeMetrics | None = None  # speed, extension, return time, the side that struck
    mirrored: bool = False  # done on the other side than the reference (a southpaw jab, a left for a right)
    # False: a performance on the other side while one side is practised (core.match.sides): it says so and
    # is not a rep of the move (no score, not in the count or the history).
    counted: bool = True

    @property
    def side(self) -> str | None:
        """ "left" / "right": the side that struck, for a one-sided move; None otherwise."""
        return None if self.strike is None else self.strike.side

    def as_dict(self) -> dict[str, object]:
        return {
            "event": "rep",
            "index": self.index,
            "move": self.move,
            "view": self.view,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "score": round(self.score, 1) if self.counted else None,
            "parts": {k: None if v is None or not self.counted else round(v, 1) for k, v in self.parts.items()},
            "tempo": round(self.tempo, 3),
            "feedback": [f.as_dict() for f in self.feedback],
            "counted": self.counted,
            "side": self.side,
            "mirrored": self.mirrored,
        } | (_NO_STRIKE if self.strike is None else self.strike.as_dict())


@dataclass(frozen=True)
class LiveUpdate:
    """What the view needs after one frame. `score` is None while no score is meaningful."""

    frame: int
    t: float
    status: str  # "ok", "nobody", "partial"
    score: float | None
    parts: dict[str, float | None]
    phase: float | None
    tempo: float | None
    feedback: tuple[FeedbackItem, ...]
    rep_count: int
    new_rep: Rep | None = None
    reference: str = ""
    ref_frame: int | None = None  # reference frame at the current phase (for the ghost)
    hold: HoldStatus | None = None  # the hold timer, when the reference is a hold (core.match.hold)
    new_hold: Hold | None = None  # a hold that ended with this frame
    # Degrees the person was turned about the vertical to be compared from the reference's camera angle
    # (core.features.view_turn); 0 when compared as filmed.
    turn: float = 0.0

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "frame": self.frame,
            "t": round(self.t, 3),
            "status": self.status,
            "reference": self.reference,
            "score": None if self.score is None else round(self.score, 1),
            "parts": {k: None if v is None else round(v, 1) for k, v in self.parts.items()},
            "phase": None if self.phase is None else round(self.phase, 3),
            "tempo": None if self.tempo is None else round(self.tempo, 3),
            "feedback": [f.as_dict() for f in self.feedback],
            "rep": self.rep_count,
        }
        if self.hold is not None:
            out["hold"] = self.hold.as_dict()
        if self.turn:
            out["turn"] = round(self.turn)
        return out


def rep_summary(reference: str | None, frames: int, reps: int, scores: list[float]) -> dict[str, object]:
    """The `summary` event of a session: rep count and rep scores (the latest ones kept)."""
    return {
        "event": "summary",
        "reference": reference,
        "frames": frames,
        "reps": reps,
        "rep_scores": [round(s, 1) for s in scores],
        "mean_score": round(float(np.mean(scores)), 1) if scores else None,
        "best_score": round(float(np.max(scores)), 1) if scores else None,
    }


@dataclass
class CutOffClock:
    """The frame status from what is visible: "nobody", "ok", or "partial" once a part the reference needs has
    been out of sight for `after_s`. A kick that lifts the foot out of the frame or loses an ankle for a few
    frames is still scored with what is visible; only a body that stays cut off is told to step back."""

    after_s: float
    since: float | None = None

    def status(self, needed: set[str], visible: set[str], t: float) -> str:
        if not visible or needed <= visible:
            self.since = None
            return "ok" if visible else "nobody"
        if self.since is None:
            self.since = t
        return "partial" if t - self.since >= self.after_s else "ok"


def parts_seen(joints_seen: NDArray[np.bool_]) -> set[str]:
    """Body parts with at least half their COCO-17 joints seen, from a (17,) mask."""
    return {part for part, joints in PART_JOINTS.items() if joints_seen[list(joints)].mean() >= 0.5}


# How far above or below the outline of the seen joints (a share of its height) an unseen joint may lie and
# still be hidden behind the body rather than out of the frame.
HIDDEN_MARGIN = 0.1


def parts_in_view(coco: NDArray[np.float32], joints_seen: NDArray[np.bool_]) -> set[str]:
    """parts_seen, plus the parts hidden behind the body: in a side view the far arm often has too low a
    confidence to use, but the pose model still places it, inside the outline of the joints it sees. A part
    cut off by the frame is placed beyond that outline (below the lowest seen joint, past the last one at
    the side of the frame), or not at all.

    coco: (17, >=2) one frame's COCO-17 keypoints (x, y first); joints_seen: (17,) the joints used."""
    out = parts_seen(joints_seen)
    if len(out) == len(PART_JOINTS):
        return out
    xy = np.asarray(coco[:, :2], np.float64)
    placed = np.isfinite(xy).all(axis=1)
    seen = joints_seen & placed
    if seen.sum() < 2:
        return out
    lo, hi = xy[seen].min(axis=0), xy[seen].max(axis=0)
    # Across, no margin: a body cut off by the side of the frame has its arm placed just beyond the last seen
    # joint. Down and up a little: a hidden hand may hang just below the hips.
    pad = np.array([0.0, HIDDEN_MARGIN * (hi[1] - lo[1])])
    inside = placed & (xy >= lo - pad).all(axis=1) & (xy <= hi + pad).all(axis=1)
    return parts_seen(joints_seen | inside)


def parts_with_all_bones(bones_seen: NDArray[np.bool_]) -> set[str]:
    """Body parts whose bones are all seen, from a (B,) mask over core.pose.skeleton.BONES."""
    return {PARTS[p] for p in range(len(PARTS)) if bones_seen[p == BONE_PARTS].all()}
