"""The combination's sequence bar burned into a frame (render): techniques ticked with scores, now and next.

The same content as the window's bar (ui/sequence_bar.py), drawn with OpenCV at the bottom of the image so the
score banner at the top stays where it is.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ..library.labels import move_of
from ..match.combo_events import ComboProgress

DONE, NOW, TODO = (95, 191, 63), (63, 210, 255), (102, 90, 90)  # BGR


def draw_sequence_bar(img: NDArray[np.uint8], progress: ComboProgress) -> None:
    """Chips (one per technique, done ones ticked with their score), then "now" large and "then" below it."""
    h, w = img.shape[:2]
    unit = max(0.5, min(w, h) / 720)
    font = cv2.FONT_HERSHEY_SIMPLEX
    band = int(150 * unit)
    top = h - band
    img[top:, :] = (img[top:, :].astype(np.float32) * 0.35).astype(np.uint8)
    n = len(progress.labels)
    pad, gap = int(10 * unit), int(6 * unit)
    cw = (w - 2 * pad - gap * (n - 1)) // max(n, 1)
    for i, label in enumerate(progress.labels):
        x0 = pad + i * (cw + gap)
        score = progress.scores[i]
        colour = DONE if score is not None else NOW if i == progress.position else TODO
        cv2.rectangle(img, (x0, top + pad), (x0 + cw, top + int(44 * unit)), colour, max(1, int(3 * unit)))
        text = f"{score:.0f} " if score is not None else f"{i + 1} "
        text += move_of(label) or label
        scale = 0.6 * unit
        while cv2.getTextSize(text, font, scale, 1)[0][0] > cw - 2 * gap and len(text) > 3:
            text = text[:-2] + "."
        cv2.putText(img, text, (x0 + gap, top + int(35 * unit)), font, scale, (255, 255, 255),
                    max(1, int(2 * unit)), cv2.LINE_AA)  # fmt: skip
    now = progress.current
    line_w = max(2, int(4 * unit))
    cv2.putText(img, progress.now_line, (pad, top + int(95 * unit)), font, 1.4 * unit, NOW, line_w, cv2.LINE_AA)
    if now and progress.next:
        cv2.putText(img, f"then: {move_of(progress.next)}", (pad, top + int(135 * unit)), font, 0.9 * unit,
                    (220, 220, 220), max(1, int(2 * unit)), cv2.LINE_AA)  # fmt: skip
