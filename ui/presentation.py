"""Coach presentation (UI thread): full screen, the live image and the coach side by side, type readable from 5 m.

F11 opens and closes it (Esc closes it too). It shows what the main window receives (window.latest) and draws
the coach at the phase the live engine reports (core.view.compare.CoachPanel: their recorded video, else their
skeleton). The controls stay hidden, with the mouse pointer, until the mouse moves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QFont, QFontMetrics, QKeyEvent, QKeySequence, QMouseEvent, QPainter
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from core.library.reference_video import load_reference_video
from core.view.compare import CoachPanel
from core.view.live_pipeline import ViewFrame

from .body_figure import score_qcolor
from .display_image import DisplayImage
from .gesture_ring import draw_gesture_ring
from .toolbar import toolbar_action

if TYPE_CHECKING:
    from .main_window import MainWindow

COACH_HEIGHT = 540  # px of the coach panel before scaling to the screen
HIDE_CONTROLS_MS = 2500
BACKGROUND = QColor(12, 12, 14)
CONTROLS_STYLE = "QPushButton { font-size: 22px; padding: 10px 18px; background: #333; color: #eee; }"


class PresentationView(QWidget):
    """The full-screen picture: live image left, coach right, score, reps and correction in a band below."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, Qt.WindowType.Window)  # a window of its own, closed with the main one
        self.window_ = window
        self.setWindowTitle("PoseCoach: presentation")
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._shown: ViewFrame | None = None
        self._live: DisplayImage | None = None  # the last frame
        self._coach: DisplayImage | None = None  # the coach at that frame's phase
        self._panels: dict[str, CoachPanel] = {}
        self.controls = QWidget(self)
        self.controls.setStyleSheet(CONTROLS_STYLE)
        bar = QHBoxLayout(self.controls)
        for text, slot in (("Exit full screen (F11)", self.close), ("Start / Stop", window.toggle_running),
                           ("Review worst rep (W)", window.act_review.trigger)):  # fmt: skip
            b = QPushButton(text)
            b.clicked.connect(lambda _c=False, slot=slot: slot())
            bar.addWidget(b)
        bar.addStretch(1)
        # A window of its own: the main window's keys are added here (V mutes, W reviews, R records, PgUp/PgDown
        # change the move); F11, Esc and Space are handled below.
        present = getattr(window, "act_present", None)
        keys = [a for a in window.findChildren(QAction) if not a.shortcut().isEmpty() and a is not present]
        self.addActions([a for a in keys if a.shortcut() != QKeySequence("Space")])
        self._hide = QTimer(self, singleShot=True, interval=HIDE_CONTROLS_MS, timeout=self._hide_controls)
        self._timer = QTimer(self, interval=33, timeout=self._refresh)
        self._hide_controls()

    def showEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt's name
        self._timer.start()
        super().showEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt's name
        self._timer.stop()
        super().closeEvent(event)

    # -- controls hidden until the mouse moves ----------------------------------------------------------
    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        self.controls.show()
        self.unsetCursor()
        self._hide.start()
        super().mouseMoveEvent(event)

    def _hide_controls(self) -> None:
        self.controls.hide()
        self.setCursor(Qt.CursorShape.BlankCursor)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F11):
            self.close()
        elif event.key() == Qt.Key.Key_Space:
            self.window_.toggle_running()
        else:
            super().keyPressEvent(event)

    # -- picture -------------------------------------------------------------------------------------------
    def _refresh(self) -> None:
        view = self.window_.latest
        if view is None or view is self._shown:
            return
        self._shown = view
        # Scaled and mirrored once per size by cv2 (ui/display_image.py), as the main view does: no per-paint
        # conversion or smooth scaling of the full frame on the UI thread.
        self._live = DisplayImage(view.image, view.mirrored)
        u = view.update
        panel = self._panel(u.reference) if u is not None else None
        self._coach = None
        if panel is not None and u is not None and u.phase is not None:
            # By phase, not frame: a move with several examples may be matched on another example than the
            # first one, whose frames (and video) the panel shows.
            self._coach = DisplayImage(panel.draw(round(u.phase * (len(panel) - 1)), None))
        self.update()

    def _panel(self, label: str) -> CoachPanel | None:
        if label not in self._panels:
            ref = next((r for r in self.window_.references if r.label == label), None)
            if ref is None or ref.hold is not None:
                return None
            self._panels.clear()  # one move's frames at a time (auto-detect changes move often)
            self._panels[label] = CoachPanel(ref, load_reference_video(ref), COACH_HEIGHT)
        return self._panels[label]

    def paintEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt's name
        p = QPainter(self)
        p.fillRect(self.rect(), BACKGROUND)
        w, h = self.width(), self.height()
        band = h // 4  # score, reps and correction below the pictures
        area = QRect(0, 0, w, h - band)
        if self._coach is not None:
            split = w * 3 // 5  # the student larger: it is them the class watches
            live_box, coach_box = QRect(0, 0, split, area.height()), QRect(split, 0, w - split, area.height())
            self._fit(p, self._coach, coach_box)
        else:
            live_box = area
        if self._live is not None:
            shown = self._fit(p, self._live, live_box)
            draw_gesture_ring(p, shown, self.window_.video.gesture)  # ui/voice_control.py keeps it up to date
        self._band(p, QRect(0, h - band, w, band))
        p.end()

    def _fit(self, p: QPainter, image: DisplayImage, box: QRect) -> QRect:
        size = image.size().scaled(box.size(), Qt.AspectRatioMode.KeepAspectRatio)
        x = box.x() + (box.width() - size.width()) // 2
        y = box.y() + (box.height() - size.height()) // 2
        ratio = self.devicePixelRatioF()
        scaled = image.at(QSize(round(size.width() * ratio), round(size.height() * ratio)))
        scaled.setDevicePixelRatio(ratio)
        p.drawImage(QPoint(x, y), scaled)
        return QRect(x, y, size.width(), size.height())

    def _band(self, p: QPainter, r: QRect) -> None:
        view = self._shown
        u = view.update if view is not None else None
        score = None if u is None else u.score
        reps = 0 if u is None else u.rep_count
        advice = "" if u is None or not u.feedback else u.feedback[0].message
        font = QFont(self.font())
        font.setBold(True)
        # The score as tall as the band: at 1080 lines it is ~230 px, legible from well beyond 5 m.
        font.setPixelSize(max(40, int(r.height() * 0.85)))
        p.setFont(font)
        shown, colour = score, score_qcolor(score) if score is not None else QColor(130, 130, 130)
        if score is None and self.window_.rep_scores:  # between reps: the last rep's score, dimmed (as the panel)
            shown = self.window_.rep_scores[-1]
            colour = score_qcolor(shown).darker(170)
        p.setPen(colour)
        score_w = QFontMetrics(font).horizontalAdvance("100") + r.height() // 4
        p.drawText(QRect(r.x() + r.height() // 6, r.y(), score_w, r.height()), Qt.AlignmentFlag.AlignVCenter,
                   "\u2014" if shown is None else f"{shown:.0f}")  # fmt: skip
        x = r.x() + score_w + r.height() // 3
        headline = self.headline(reps)
        px = max(24, r.height() // 3)
        while True:  # a technique's name is long: smaller until it fits beside the score
            font.setPixelSize(px)
            if px <= 24 or QFontMetrics(font).horizontalAdvance(headline) <= r.width() - x - 20:
                break
            px -= 4
        p.setFont(font)
        p.setPen(QColor(240, 240, 240))
        p.drawText(QRect(x, r.y(), r.width() - x, r.height() // 2), Qt.AlignmentFlag.AlignVCenter, headline)
        box = QRect(x, r.y() + r.height() // 2, r.width() - x - 20, r.height() // 2)
        flags = int(Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap)
        px = max(20, r.height() // 4)
        while px > 20:  # as large as fits: a long correction wraps, then shrinks, never runs off the screen
            font.setPixelSize(px)
            if QFontMetrics(font).boundingRect(box, flags, advice).height() <= box.height():
                break
            px -= 4
        font.setPixelSize(px)
        p.setFont(font)
        p.setPen(QColor(255, 215, 90))
        p.drawText(QRectF(box), flags, advice)

    def headline(self, reps: int) -> str:
        """Beside the score: the technique due now while a combination is followed (what the class does next),
        else the rep count."""
        progress = self.window_.sequence_bar.progress
        if progress is None:
            return f"Reps {reps}"
        return progress.now_line

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt's name
        self.controls.setGeometry(0, 0, self.width(), 80)
        super().resizeEvent(event)


def install_presentation(window: MainWindow) -> None:
    """Sets window.act_present: F11 opens the presentation full screen, and closes it."""
    tip = "Coach presentation: full screen, large type, live image and coach side by side (F11)"
    window.act_present = toolbar_action(window, "Present", "F11", lambda: toggle_presentation(window), tip)


def toggle_presentation(window: MainWindow) -> PresentationView | None:
    view: PresentationView | None = getattr(window, "presentation", None)
    window.presentation = None
    if view is not None:
        # Each opening builds a new view; the old one (and its coach frames) is freed, not kept hidden.
        shown = view.isVisible()
        view.close()
        view.deleteLater()
        if shown:
            return None
    view = PresentationView(window)
    window.presentation = view
    screen = window.screen()
    if screen is not None:
        view.setGeometry(screen.geometry())  # full screen also where no window manager honours the request
    view.showFullScreen()
    view.activateWindow()
    return view
