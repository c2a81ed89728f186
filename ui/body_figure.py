"""A small stick figure whose body parts are coloured from red (poor) to green (good)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from core.pose.skeleton import part_label
from core.score.score_colours import score_rgb

# The figure faces the viewer like a mirror image of the person: their left arm is drawn on the left
# when the display is mirrored (the default for a webcam), so a student finds their own arm at once.
_SEGMENTS = {
    "torso": [((0.5, 0.22), (0.5, 0.55)), ((0.36, 0.25), (0.64, 0.25)), ((0.42, 0.55), (0.58, 0.55))],
    "left_arm": [((0.36, 0.25), (0.24, 0.40)), ((0.24, 0.40), (0.18, 0.55))],
    "right_arm": [((0.64, 0.25), (0.76, 0.40)), ((0.76, 0.40), (0.82, 0.55))],
    "left_leg": [((0.42, 0.55), (0.38, 0.75)), ((0.38, 0.75), (0.36, 0.95))],
    "right_leg": [((0.58, 0.55), (0.62, 0.75)), ((0.62, 0.75), (0.64, 0.95))],
}


def score_qcolor(score: float | None) -> QColor:
    """core.score.score_colours' ramp as a QColor (the overlay burns the same colours into exported video)."""
    return QColor(*score_rgb(score))


class BodyFigure(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.parts: dict[str, float | None] = {}
        self.mirrored = True
        self.setMinimumSize(140, 180)

    def set_parts(self, parts: dict[str, float | None], mirrored: bool) -> None:
        if parts != self.parts or mirrored != self.mirrored:
            self.parts, self.mirrored = dict(parts), mirrored
            self.update()

    def _pt(self, x: float, y: float) -> QPointF:
        if not self.mirrored:
            x = 1.0 - x  # facing the viewer: the person's left is on the right
        side = min(self.width(), self.height())
        ox, oy = (self.width() - side) / 2, (self.height() - side) / 2
        return QPointF(ox + x * side, oy + y * side)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = max(6.0, min(self.width(), self.height()) / 16)
        for part, segments in _SEGMENTS.items():
            p.setPen(QPen(score_qcolor(self.parts.get(part)), width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            for a, b in segments:
                p.drawLine(self._pt(*a), self._pt(*b))
        side = min(self.width(), self.height())
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(score_qcolor(self.parts.get("head")))
        p.drawEllipse(self._pt(0.5, 0.12), side * 0.08, side * 0.08)
        p.end()

    def tooltip_text(self) -> str:
        return "\n".join(f"{part_label(k)}: {'-' if v is None else f'{v:.0f}'}" for k, v in self.parts.items())
