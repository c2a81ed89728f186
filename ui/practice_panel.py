"""The side panel beside the video: reference choice, live score, move and phase, reps, body figure, plot; UI thread."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QListWidget, QVBoxLayout, QWidget

from core.match.live_events import LiveUpdate, Rep

from .body_figure import BodyFigure, score_qcolor
from .score_plot import ScorePlot

NO_SCORE = "\u2014"
SCORE_STYLE = "font-size: 96px; font-weight: bold; color: {};"


class PracticePanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reference_box = QComboBox()
        self.score_label = QLabel(NO_SCORE)
        self.score_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.score_label.setStyleSheet(SCORE_STYLE.format("#999"))
        self.move_label = QLabel("")
        self._reference = ""  # the move on display, kept for the end-of-video text
        self.move_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.move_label.setStyleSheet("font-size: 16px; color: #ccc;")
        self.move_label.setWordWrap(True)
        self.reps_label = QLabel("Reps: 0")
        self.reps_label.setStyleSheet("font-size: 30px; font-weight: bold;")
        self.body = BodyFigure()
        self.rep_list = QListWidget()
        self.rep_list.setStyleSheet("font-size: 16px;")
        self.plot = ScorePlot()
        col = QVBoxLayout(self)
        col.addWidget(QLabel("Reference move"))
        col.addWidget(self.reference_box)
        col.addWidget(self.score_label)
        col.addWidget(self.move_label)
        col.addWidget(self.reps_label)
        col.addWidget(self.body, 2)
        col.addWidget(self.rep_list, 1)
        col.addWidget(self.plot, 1)
        self.setMinimumWidth(300)

    def clear(self) -> None:
        """A new practice: no reps, no plot, no score."""
        self.rep_list.clear()
        self.plot.clear()
        self.clear_score()

    def clear_score(self) -> None:
        """Nothing is being measured now (no person, a lost camera): no number may stay on screen."""
        self._show_score(NO_SCORE, "#777")
        self.body.set_parts({}, self.body.mirrored)

    def show_update(self, u: LiveUpdate, rep_scores: list[float], mirrored: bool) -> None:
        if u.score is not None:
            self._show_score(f"{u.score:.0f}", score_qcolor(u.score).name())
        elif rep_scores:  # between reps: the last rep's score, dimmed
            self._show_score(f"{rep_scores[-1]:.0f}", _dimmed(rep_scores[-1]))
        else:
            self._show_score(NO_SCORE, "#777")
        phase = "" if u.phase is None else f"   {int(100 * u.phase)}% through"
        tempo = "" if u.tempo is None else f"   tempo {u.tempo:.2f}x"
        self._reference = u.reference
        self.move_label.setText(f"{u.reference}{phase}{tempo}")
        self.reps_label.setText(f"Reps: {u.rep_count}")
        self.body.set_parts(u.parts, mirrored)
        self.body.setToolTip(self.body.tooltip_text())
        self.plot.refresh()

    def show_finished(self, rep_scores: list[float]) -> None:
        """The video ended: its final rep count (auto-detect's last reps included) and the last rep's score,
        dimmed as between reps; no move in progress."""
        self.reps_label.setText(f"Reps: {len(rep_scores)}")
        self.move_label.setText(self._reference)
        if rep_scores:
            self._show_score(f"{rep_scores[-1]:.0f}", _dimmed(rep_scores[-1]))

    def _show_score(self, text: str, colour: str) -> None:
        """The big number; its style sheet is set only when the colour changes (setting one restyles the label)."""
        self.score_label.setText(text)
        style = SCORE_STYLE.format(colour)
        if style != self.score_label.styleSheet():
            self.score_label.setStyleSheet(style)

    def add_rep(self, rep: Rep, reference: str) -> None:
        advice = f"  - {rep.feedback[0].message}" if rep.feedback else ""
        self.rep_list.insertItem(0, f"#{rep.index}  {rep.score:.0f}  {reference}{advice}")
        self.plot.add_rep(rep.end, rep.score)


def _dimmed(score: float) -> str:
    """The colour of a past rep's score shown while no move is in progress."""
    return str(score_qcolor(score).darker(170).name())
