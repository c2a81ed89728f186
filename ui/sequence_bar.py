"""The sequence bar above the video while a combination is practised: what to do now, what comes next; UI thread.

Made to be read from three metres: the technique expected now in large type, the next one below it, and a
row of the combination's techniques, each ticked with its score once done in this run. The last run's verdict
(score, what went wrong, rhythm) stays on the bottom line until the next run ends.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from core.library.labels import move_of
from core.match.combo_events import ComboProgress, ComboRun

DONE, NOW, TODO, BAD = QColor("#3fbf5f"), QColor("#ffd23f"), QColor("#5a5a66"), QColor("#e0584f")


def run_verdict(run: ComboRun) -> list[tuple[str, QColor]]:
    """The last run in a few words, each with its colour."""
    lines = [(f"Run {run.run}: {run.score:.0f}", DONE if run.score >= 70 else NOW)]
    lines += [(problem.text(move_of, str), BAD) for problem in run.problems]
    if run.extra:
        lines.append((f"{len(run.extra)} extra", NOW))
    if not run.problems:
        lines.append(("all in order", DONE))
    if run.rhythm is not None:
        lines.append((f"rhythm {run.rhythm:.1f}x", TODO.lighter(200)))
    return lines


class SequenceBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.progress: ComboProgress | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(214)
        self.hide()

    def show_progress(self, progress: ComboProgress | None) -> None:
        if progress != self.progress:
            self.progress = progress
            self.setVisible(progress is not None)
            self.update()

    def paintEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt's name
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(14, 14, 18))
        progress = self.progress
        if progress is None:
            return
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = self.width() - 24
        self._chips(p, progress, width)
        now = progress.current
        nxt = progress.next if now is not None else None
        p.setPen(NOW)
        text = progress.now_line
        p.setFont(_fitting(text, width, 54, 30, bold=True))  # the whole name, smaller, rather than cut off
        p.drawText(QRectF(12, 54, width, 70), Qt.AlignmentFlag.AlignVCenter, _elide(p, text, width))
        p.setPen(QColor("#cfcfd8"))
        p.setFont(_font(32))
        then = f"then: {move_of(nxt)}" if nxt else "then: the first again" if now else ""
        p.drawText(QRectF(12, 124, width, 44), Qt.AlignmentFlag.AlignVCenter, _elide(p, then, width))
        if progress.last_run is not None:
            self._verdict(p, progress.last_run, QRectF(12, 172, width, 36))

    def _chips(self, p: QPainter, progress: ComboProgress, width: float) -> None:
        n = len(progress.labels)
        gap = 8.0
        w = (width - gap * (n - 1)) / max(n, 1)
        p.setFont(_font(17, bold=True))
        for i, label in enumerate(progress.labels):
            r = QRectF(12 + i * (w + gap), 8, w, 42)
            score = progress.scores[i]
            colour = DONE if score is not None else NOW if i == progress.position else TODO
            p.setPen(QPen(colour, 3))
            p.setBrush(colour.darker(300))
            p.drawRoundedRect(r, 8, 8)
            mark = f"\u2713 {score:.0f}  " if score is not None else f"{i + 1}  "
            text = _elide(p, f"{mark}{move_of(label)}", r.width() - 16)
            p.setPen(QColor("#ffffff"))
            p.drawText(r.adjusted(10, 0, -6, 0), Qt.AlignmentFlag.AlignVCenter, text)

    def _verdict(self, p: QPainter, run: ComboRun, r: QRectF) -> None:
        """The last run on one line, each part in its colour."""
        x = r.left()
        for k, (text, colour) in enumerate(run_verdict(run)):
            p.setFont(_font(22, bold=k == 0))
            p.setPen(colour)
            piece = text + ("   " if k < len(run_verdict(run)) - 1 else "")
            if x + p.fontMetrics().horizontalAdvance(piece) > r.right():
                break
            p.drawText(QRectF(x, r.top(), r.right() - x, r.height()), Qt.AlignmentFlag.AlignVCenter, piece)
            x += p.fontMetrics().horizontalAdvance(piece)


def _font(px: int, bold: bool = False) -> QFont:
    f = QFont()
    f.setPixelSize(px)
    f.setBold(bold)
    return f


def _fitting(text: str, width: float, largest: int, smallest: int, bold: bool = False) -> QFont:
    """The largest font from `largest` down to `smallest` px in which `text` fits `width`."""
    px = largest
    while px > smallest and QFontMetrics(_font(px, bold)).horizontalAdvance(text) > width:
        px -= 2
    return _font(px, bold)


def _elide(p: QPainter, text: str, width: float) -> str:
    return p.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, int(width))


def with_bar(bar: SequenceBar, video: QWidget) -> QWidget:
    """The video with the sequence bar above it (the bar hides itself when no combination is practised)."""
    column = QWidget()
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(bar)
    layout.addWidget(video, 1)
    return column
