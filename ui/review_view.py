"""Review of a kept rep (UI thread): the student and the coach side by side along the rep's alignment path.

The pictures are core.view.compare's (the same as `render --compare`); this only plays them: 1x, 0.5x or 0.25x,
frame by frame with the arrow keys, the worst rep first, any kept rep from the list.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.library.reference_video import load_reference_video
from core.view.compare import NOTHING_TO_CORRECT, CoachPanel, compose, student_panel
from core.view.rep_takes import RepTake

from .video_view import VideoView

PANEL_HEIGHT = 360  # px of the composed picture's panels; the view scales it to the window
SPEEDS = (1.0, 0.5, 0.25)


class ReviewView(QWidget):
    """Plays one RepTake at a time; `takes` are offered worst first."""

    def __init__(self, takes: list[RepTake], first: RepTake | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.takes = sorted((t for t in takes if t.rep.counted), key=lambda t: t.rep.score)
        self.take: RepTake | None = None
        self.step = 0
        self.speed = 1.0
        self._coaches: dict[str, CoachPanel] = {}
        self.video = VideoView()
        self.video.message = "" if self.takes else "No rep kept yet: practise a set, then review it here."
        self.chooser = QComboBox()
        for k, t in enumerate(self.takes):
            worst = "  (worst)" if k == 0 else ""
            self.chooser.addItem(f"rep #{t.rep.index}  {t.rep.score:.0f}  {t.label}{worst}", t.rep.index)
        self.chooser.currentIndexChanged.connect(lambda k: self.show_take(self.takes[k]) if k >= 0 else None)
        self.play = QPushButton("Pause")
        self.play.setToolTip("Play or pause (Space); step with the arrow keys")
        self.play.clicked.connect(self.toggle_play)
        self.speed_group = QButtonGroup(self)
        speeds = QHBoxLayout()
        for s in SPEEDS:
            b = QPushButton(f"{s:g}x")
            b.setCheckable(True)
            b.setChecked(s == 1.0)
            b.clicked.connect(lambda _c=False, s=s: self.set_speed(s))
            self.speed_group.addButton(b)
            speeds.addWidget(b)
        self.ghost = QCheckBox("Coach over me (ghost)")
        self.ghost.toggled.connect(lambda _on: self.render())
        self.position = QLabel("")
        bar = QHBoxLayout()
        bar.addWidget(self.chooser, 2)
        bar.addWidget(self.play)
        bar.addLayout(speeds)
        bar.addWidget(self.ghost)
        bar.addWidget(self.position, 1)
        col = QVBoxLayout(self)
        col.addWidget(self.video, 1)
        col.addLayout(bar)
        self.timer = QTimer(self, timeout=self._advance)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # Clicked controls never take the keys: Space keeps playing/pausing and the arrows keep stepping frames.
        for control in (self.chooser, self.play, self.ghost, *self.speed_group.buttons()):
            control.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        start = first if first is not None and first in self.takes else (self.takes[0] if self.takes else None)
        if start is not None:
            self.chooser.setCurrentIndex(self.takes.index(start))
            self.show_take(start)

    def show_take(self, take: RepTake) -> None:
        self.take, self.step = take, 0
        self.render()
        self._restart_timer()

    def set_speed(self, speed: float) -> None:
        self.speed = speed
        for b in self.speed_group.buttons():
            b.setChecked(b.text() == f"{speed:g}x")
        self._restart_timer()

    def toggle_play(self) -> None:
        if self.timer.isActive():
            self.timer.stop()
        else:
            self._restart_timer()
        self.play.setText("Pause" if self.timer.isActive() else "Play")

    def _restart_timer(self) -> None:
        if self.take is None:
            return
        fps = self.take.prepared.reference.fps
        self.timer.start(max(5, round(1000 / fps / self.speed)))  # one path step per reference frame time
        self.play.setText("Pause")

    def _advance(self) -> None:
        if self.take is not None:
            self.step = (self.step + 1) % len(self.take.path)
            self.render()

    def step_by(self, delta: int) -> None:
        """Frame by frame: pauses and moves one step of the path."""
        if self.take is None:
            return
        self.timer.stop()
        self.play.setText("Play")
        self.step = int(min(max(self.step + delta, 0), len(self.take.path) - 1))
        self.render()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        key = event.key()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self.step_by(-1 if key == Qt.Key.Key_Left else 1)
        elif key == Qt.Key.Key_Space:
            self.toggle_play()
        else:
            super().keyPressEvent(event)

    def _coach(self, take: RepTake) -> CoachPanel:
        ref = take.prepared.reference
        if take.label not in self._coaches:
            self._coaches[take.label] = CoachPanel(ref, load_reference_video(ref), PANEL_HEIGHT)
        return self._coaches[take.label]

    def render(self) -> None:
        take = self.take
        if take is None:
            return
        i, j = (int(v) for v in take.path[self.step])
        part, correction = take.worst
        coach = self._coach(take)
        ghost = coach.coco[i] if self.ghost.isChecked() else None
        left = student_panel(take.image(j), take.keypoints[j], PANEL_HEIGHT, part, ghost, take.alignment.ghost_flipped)
        caption = f"rep {take.rep.index}  {take.rep.score:.0f}  {self.speed:g}x"
        correction = correction if part is not None else NOTHING_TO_CORRECT
        self.video.set_image(compose(left, coach.draw(i, part), caption, part, correction, take.rep.score))
        self.position.setText(f"step {self.step + 1}/{len(take.path)}  (you {j + 1}/{len(take)}, coach {i + 1})")


class ReviewDialog(QDialog):
    """The review in its own window, beside the practice (not modal: the camera keeps running)."""

    def __init__(self, takes: list[RepTake], first: RepTake | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Review: you and the coach, step by step")
        self.view = ReviewView(takes, first, self)
        QVBoxLayout(self).addWidget(self.view)
        self.resize(1000, 700)
        self.view.setFocus()

    def done(self, result: int) -> None:
        self.view.timer.stop()
        super().done(result)
