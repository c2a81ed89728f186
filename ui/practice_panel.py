"""The side panel beside the video: reference choice, live score, move and phase, reps, body figure, plot; UI thread."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QListWidget, QProgressBar, QVBoxLayout, QWidget

from core.match.hold_events import Hold, HoldStatus
from core.match.live_events import LiveUpdate, Rep
from core.score.strike_metrics import strike_text

from .body_figure import BodyFigure, score_qcolor
from .score_plot import ScorePlot

REP_INDEX_ROLE = Qt.ItemDataRole.UserRole  # a counted rep's number, on its line in the rep list

NO_SCORE = "\u2014"
SCORE_STYLE = "font-size: 96px; font-weight: bold; color: {};"


class PracticePanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.both_sides = QCheckBox("Both sides (orthodox and southpaw)")
        self.both_sides.setToolTip(
            "On: a rep on either side counts and says which side it was.\n"
            "Off: only the reference's side counts; the other side is named, not scored."
        )
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
        # The hold timer (a hold reference only): seconds held against the target, sway, the correction now.
        self.hold_bar = QProgressBar()
        self.hold_bar.setRange(0, 1000)
        self.hold_bar.setTextVisible(True)
        self.hold_bar.setStyleSheet("QProgressBar { font-size: 18px; height: 30px; }")
        self.hold_label = QLabel("")
        self.hold_label.setWordWrap(True)
        self.hold_label.setStyleSheet("font-size: 16px;")
        self._holds_listed = 0
        self.body = BodyFigure()
        self.rep_list = QListWidget()
        self.rep_list.setStyleSheet("font-size: 16px;")
        self.rep_list.setWordWrap(True)  # a rep's strike metrics are a second, long line
        self.plot = ScorePlot()
        col = QVBoxLayout(self)
        col.addWidget(self.both_sides)
        col.addWidget(self.score_label)
        col.addWidget(self.move_label)
        col.addWidget(self.reps_label)
        col.addWidget(self.hold_bar)
        col.addWidget(self.hold_label)
        col.addWidget(self.body, 2)
        col.addWidget(self.rep_list, 1)
        col.addWidget(self.plot, 1)
        self.setMinimumWidth(300)
        self._show_hold(None)

    def clear(self) -> None:
        """A new practice: no reps, no plot, no score, no move on display until its first update."""
        self.rep_list.clear()
        self.plot.clear()
        self._holds_listed = 0
        self.reps_label.setText("Reps: 0")
        self.move_label.setText("")
        self._reference = ""
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
        # Filmed from another side than the coach: say the comparison turned the person, so a score is read so.
        turned = "\nturned to the coach's camera angle" if u.turn else ""
        self._reference = u.reference
        self.move_label.setText(f"{u.reference}{phase}{tempo}{turned}")
        self.reps_label.setText(f"Reps: {u.rep_count}")
        self._show_hold(u)
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

    def _show_hold(self, u: LiveUpdate | None) -> None:
        """The hold timer, its sway and the correction; hidden for a move. Completed holds join the list."""
        status = None if u is None else u.hold
        self.hold_bar.setVisible(status is not None)
        self.hold_label.setVisible(status is not None)
        if u is None or status is None:
            return
        self.move_label.setText(u.reference)
        self.reps_label.setText(f"Holds: {status.holds}" + (f"   best {status.best:.1f} s" if status.holds else ""))
        self.hold_bar.setValue(round(1000 * status.progress))
        self.hold_bar.setFormat(f"held {status.held:.1f} s of {status.target:g} s")
        self.hold_label.setText(_hold_text(status, [f.message for f in u.feedback]))
        if status.holds > self._holds_listed and status.last is not None:
            self.add_hold(status.last)

    def add_hold(self, h: Hold) -> None:
        """A completed hold at the top of the list: its duration, score and sway."""
        self._holds_listed = h.index
        sway = "" if h.stability != h.stability else f"  sway {100 * h.stability:.1f} %"
        self.rep_list.insertItem(0, f"hold #{h.index}  {h.duration:.1f} s  {h.score:.0f}{sway}")
        self.plot.add_rep(h.end, h.score)

    def add_rep(self, rep: Rep, reference: str) -> None:
        """A completed rep at the top of the list: its number, score, move (auto-detect) and first advice; below
        it the strike metrics. A rep on the other side (not counted) shows only what to do instead."""
        strike = strike_text(rep.strike) if rep.strike is not None else ""
        if not rep.counted:
            message = rep.feedback[0].message if rep.feedback else "other side"
            text = "  ".join(filter(None, ["\u2014", message, reference]))
        else:
            advice = rep.feedback[0].message if rep.feedback else ""
            text = "  ".join(filter(None, [f"#{rep.index}", f"{rep.score:.0f}", reference, advice]))
        self.rep_list.insertItem(0, text + (f"\n      {strike}" if strike else ""))
        item = self.rep_list.item(0)
        item.setToolTip(text + (f"\n{strike}" if strike else ""))
        if not rep.counted:
            return
        item.setData(REP_INDEX_ROLE, rep.index)  # what a double-click opens in the review
        self.plot.add_rep(rep.end, rep.score)


def _hold_text(status: HoldStatus, advice: list[str]) -> str:
    """One line on the hold now: in the pose or not, the sway so far (in % of body height), the correction."""
    state = "in the pose" if status.in_pose else ("wobble..." if status.holding else "take the pose")
    sway = "" if status.stability != status.stability else f"   sway {100 * status.stability:.1f} % of height"
    return f"{state}{sway}" + (f"\n{advice[0]}" if advice else "")


def _dimmed(score: float) -> str:
    """The colour of a past rep's score shown while no move is in progress."""
    return str(score_qcolor(score).darker(170).name())
