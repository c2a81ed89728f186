"""The filling ring drawn on the video while a command pose is held (core.match.gestures); UI thread."""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

LABELS = {"record": "Record", "next": "Next move", "end_set": "End set"}


def draw_gesture_ring(p: QPainter, image: QRect, gesture: tuple[str, float] | None) -> None:
    """A ring in the image's top-right corner, filled to `progress` (0..1), with the command's name under it:
    big enough to read from three metres."""
    if gesture is None:
        return
    name, progress = gesture
    d = max(60, min(image.width(), image.height()) // 4)
    pen_w = max(8, d // 9)
    box = QRectF(image.right() - d - 24, image.top() + 24, d, d)
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QColor(0, 0, 0, 150))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawEllipse(box)
    inner = box.adjusted(pen_w / 2, pen_w / 2, -pen_w / 2, -pen_w / 2)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(QColor(255, 255, 255, 70), pen_w))
    p.drawEllipse(inner)
    done = progress >= 1.0
    p.setPen(QPen(QColor(60, 220, 90) if done else QColor(120, 200, 255), pen_w, c=Qt.PenCapStyle.RoundCap))
    p.drawArc(inner, 90 * 16, -round(360 * 16 * min(1.0, progress)))  # clockwise from twelve o'clock
    font = QFont(p.font())
    font.setBold(True)
    font.setPixelSize(max(16, d // 5))
    p.setFont(font)
    p.setPen(QColor(255, 255, 255))
    label = LABELS.get(name, name) + (" ✓" if done else "")
    p.drawText(QRectF(box.left() - d / 2, box.bottom() + 6, d * 2, d / 3), Qt.AlignmentFlag.AlignHCenter, label)
    p.restore()
