"""A frame as the view paints it: scaled to its on-screen size and mirrored once, in a format Qt blits as is.

The view used to hand Qt the full-size BGR frame and let QPainter convert and smooth-scale it in every
paint (about 2 ms of UI thread per frame at 1280x720). cv2 scales and flips with the GIL released in a
fraction of that, and a 32-bit BGRA buffer is QImage.Format_RGB32 on little-endian machines, which
QPainter.drawImage copies without a conversion.
"""

from __future__ import annotations

import sys

import cv2
import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage

# Format_RGB32 is 0xffRRGGBB per pixel: bytes B, G, R, 255 in memory on little-endian machines.
_NATIVE_BGRA = sys.byteorder == "little"


class DisplayImage:
    """One frame (H, W, 3) uint8 BGR; `at(size)` gives it scaled to `size`, converted once per size."""

    def __init__(self, image: NDArray[np.uint8], mirrored: bool = False) -> None:
        self.image = image
        self.mirrored = mirrored
        self._scaled: QImage | None = None
        self._pixels: NDArray[np.uint8] | None = None  # the buffer _scaled points into, kept alive with it

    def size(self) -> QSize:
        return QSize(self.image.shape[1], self.image.shape[0])

    def at(self, size: QSize) -> QImage:
        """The frame at `size` (width, height > 0), mirrored if asked; cached until another size is asked."""
        if self._scaled is not None and self._scaled.size() == size:
            return self._scaled
        w, h = max(1, size.width()), max(1, size.height())
        src = self.image
        if (w, h) != (src.shape[1], src.shape[0]):
            # Bilinear, as QPainter's smooth transform was (INTER_AREA looks the same here at 7x the cost).
            src = cv2.resize(src, (w, h), interpolation=cv2.INTER_LINEAR)
        if self.mirrored:
            src = cv2.flip(src, 1)
        if _NATIVE_BGRA:
            pixels = cv2.cvtColor(src, cv2.COLOR_BGR2BGRA)
            image = QImage(pixels.data, w, h, pixels.strides[0], QImage.Format.Format_RGB32)
        else:
            pixels = np.ascontiguousarray(src)
            image = QImage(pixels.data, w, h, pixels.strides[0], QImage.Format.Format_BGR888)
        self._pixels, self._scaled = pixels, image
        return image
