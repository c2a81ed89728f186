"""The result of scoring one take against one reference (core.score.scoring.score_take), and its JSON form."""

from __future__ import annotations

from dataclasses import dataclass

from ..score.feedback import FeedbackItem


@dataclass(frozen=True)
class TakeScore:
    """The result of scoring one take against one reference."""

    reference: str
    move: str
    view: str
    score: float
    parts: dict[str, float | None]
    feedback: list[FeedbackItem]
    tempo: float
    frames: int
    pose_frames: int
    start_s: float
    end_s: float
    distance: float
    mirror: bool = False
    source: str = ""
    unseen: float = 0.0  # share of the reference's motion the take kept out of sight (core.score.unseen_motion)

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "reference": self.reference,
            "move": self.move,
            "view": self.view,
            "score": round(self.score, 1),
            "parts": {k: (None if v is None else round(v, 1)) for k, v in self.parts.items()},
            "feedback": [f.as_dict() for f in self.feedback],
            "tempo": round(self.tempo, 3),
            "frames": self.frames,
            "pose_frames": self.pose_frames,
            "start": round(self.start_s, 3),
            "end": round(self.end_s, 3),
            "distance": round(self.distance, 4),
            "mirror": self.mirror,
            "unseen": round(self.unseen, 3),
        }
