"""The session's score over time: a light strip chart repainted a few times a second (not matplotlib:
the live plot redraws constantly and must cost the UI thread well under a millisecond)."""

from __future__ import annotations

from collections import deque

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QWidget

WINDOW_SECONDS = 60.0


class ScorePlot(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: deque[tuple[float, float]] = deque(maxlen=4000)  # (t, score), bounded
        self.reps: deque[tuple[float, float]] = deque(maxlen=500)
        self.setMinimumHeight(90)
        self._changes = 0  # data added since the widget was created
        self._painted = -1  # `_changes` at the last paint

    def add(self, t: float, score: float | None) -> None:
        if score is not None:
            self.points.append((t, score))
            self._changes += 1

    def add_rep(self, t: float, score: float) -> None:
        self.reps.append((t, score))
        self._changes += 1

    def clear(self) -> None:
        self.points.clear()
        self.reps.clear()
        self._changes += 1
        self.update()

    def refresh(self) -> None:
        """Repaint if points came in since the last paint (the panel asks a few times a second)."""
        if self._changes != self._painted:
            self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._painted = self._changes
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect()).adjusted(30, 6, -6, -6)
        p.fillRect(self.rect(), QColor(28, 28, 32))
        p.setPen(QPen(QColor(80, 80, 88), 1))
        for level in (0, 50, 100):
            y = r.bottom() - r.height() * level / 100
            p.drawLine(QPointF(r.left(), y), QPointF(r.right(), y))
            p.drawText(QRectF(0, y - 8, 26, 16), Qt.AlignmentFlag.AlignRight, str(level))
        if self.points:
            t_end = self.points[-1][0]
            t0 = max(self.points[0][0], t_end - WINDOW_SECONDS)  # a short session fills the width
            span = max(10.0, t_end - t0)

            def at(t: float, s: float) -> QPointF:
                return QPointF(r.left() + r.width() * (t - t0) / span, r.bottom() - r.height() * s / 100)

            line = QPolygonF([at(t, s) for t, s in self.points if t >= t0])
            p.setPen(QPen(QColor(90, 200, 255), 2))
            p.drawPolyline(line)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(80, 230, 80))
            for t, s in self.reps:
                if t >= t0:
                    p.drawEllipse(at(t, s), 4, 4)
        p.end()
