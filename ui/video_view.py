"""The live image, scaled to fit, with big overlays: advice banner, countdown, recording dot, messages."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPen, QRegion
from PySide6.QtWidgets import QSizePolicy, QWidget

from .display_image import DisplayImage
from .gesture_ring import draw_gesture_ring

BACKGROUND = QColor(20, 20, 24)


def to_qimage(image: np.ndarray) -> QImage:
    """(H, W, 3) uint8 BGR -> QImage that owns a copy of the pixels."""
    h, w = image.shape[:2]
    data = np.ascontiguousarray(image)
    return QImage(data.data, w, h, data.strides[0], QImage.Format.Format_BGR888).copy()


class VideoView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(480, 320)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paintEvent covers every pixel itself
        self._image: DisplayImage | None = None
        self.message = "Starting..."  # shown when there is no image, or over it when urgent
        self.advice: list[str] = []
        self.countdown: int | None = None
        self.recording: float | None = None
        self.gesture: tuple[str, float] | None = None  # a command pose being held: (name, 0..1), ui/gesture_ring.py

    def set_image(self, image: np.ndarray, mirrored: bool = False) -> None:
        """Show `image` (kept, not copied: the pipeline hands over each frame and never draws on it again);
        `mirrored` flips it horizontally. Scaled to the widget's size once, at the first paint."""
        self._image = DisplayImage(image, mirrored)
        self.update()

    def clear_image(self) -> None:
        self._image = None
        self.update()

    def image_rect(self) -> QRect:
        if self._image is None:
            return self.rect()
        size = self._image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        x = (self.width() - size.width()) // 2
        y = (self.height() - size.height()) // 2
        return QRect(x, y, size.width(), size.height())

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        if self._image is not None:
            r = self.image_rect()
            ratio = self.devicePixelRatioF()  # a HiDPI screen gets the image at its own pixel size
            scaled = self._image.at(QSize(round(r.width() * ratio), round(r.height() * ratio)))
            scaled.setDevicePixelRatio(ratio)
            # The bars beside the image, then the image unscaled: no per-paint scaling or conversion.
            for bar in QRegion(self.rect()).subtracted(QRegion(r)):
                p.fillRect(bar, BACKGROUND)
            p.drawImage(r.topLeft(), scaled)
        else:
            p.fillRect(self.rect(), BACKGROUND)
        if self._image is None and self.message:
            self._text_box(p, self.message, self.rect().adjusted(40, 40, -40, -40), 22, QColor(230, 230, 230))
        if self._image is not None and self.message:
            r = self.image_rect()
            self._banner(p, [self.message], QRect(r.left(), r.top(), r.width(), r.height() // 5), QColor(255, 200, 80))
        if self.advice and self._image is not None:
            r = self.image_rect()
            h = max(60, r.height() // 6) * len(self.advice)
            self._banner(p, self.advice, QRect(r.left(), r.bottom() - h, r.width(), h), QColor(255, 235, 120))
        if self.countdown is not None:
            font = QFont(self.font())
            font.setPixelSize(max(80, self.height() // 2))
            font.setBold(True)
            p.setFont(font)
            p.setPen(QColor(255, 255, 255))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, str(self.countdown))
        if self._image is not None:
            draw_gesture_ring(p, self.image_rect(), self.gesture)
        if self.recording is not None:
            p.setBrush(QColor(230, 30, 30))
            p.setPen(Qt.PenStyle.NoPen)
            d = max(24, self.height() // 18)
            p.drawEllipse(16, 16, d, d)
            font = QFont(self.font())
            font.setPixelSize(d)
            font.setBold(True)
            p.setFont(font)
            p.setPen(QColor(255, 80, 80))
            p.drawText(QRect(24 + d, 12, 400, d + 8), Qt.AlignmentFlag.AlignVCenter, f"REC {self.recording:4.1f} s")
        p.end()

    def _banner(self, p: QPainter, lines: list[str], rect: QRect, colour: QColor) -> None:
        p.fillRect(rect, QColor(0, 0, 0, 170))
        font = QFont(self.font())
        font.setBold(True)
        inner = rect.adjusted(16, 4, -16, -4)
        flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        text = "\n".join(lines)
        # As large as the banner allows, then smaller until the wrapped text fits: a portrait video is narrow.
        px = max(18, min(rect.height() // max(1, len(lines)) - 16, rect.width() // 22))
        while True:
            font.setPixelSize(px)
            box = QFontMetrics(font).boundingRect(inner, int(flags), text)
            if px <= 12 or (box.height() <= inner.height() and box.width() <= inner.width()):
                break
            px -= 2
        p.setFont(font)
        p.setPen(QPen(colour))
        p.drawText(QRectF(inner), flags, text)

    def _text_box(self, p: QPainter, text: str, rect: QRect, px: int, colour: QColor) -> None:
        font = QFont(self.font())
        font.setPixelSize(px)
        p.setFont(font)
        p.setPen(colour)
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)
