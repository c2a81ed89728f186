"""After Record (UI thread): name the move or pick one to add to, trim on a preview, optionally split into reps, save.

The logic (splitting, adding examples, refusing to replace) is core.library.recording's; this only collects intent.
"""

from __future__ import annotations

import cv2
import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from core.app.errors import LibraryError
from core.library.combination import Combination
from core.library.hold_recording import DEFAULT_TARGET_S, store_hold, take_hold
from core.library.labels import format_label
from core.library.recording import RecordedTake, store_move, take_examples
from core.library.reference_format import MAX_TARGET_S, MIN_TARGET_S
from core.library.reference_library import Library
from core.library.reference_video import keep_recording
from core.library.references import Reference
from core.pose.skeleton import to_coco17
from core.pose.view_hint import suggest_view
from core.view.overlay import draw_pose

from .combo_cuts import CombinationCuts, save_combination
from .video_view import to_qimage

VIEWS = ("front", "side", "left", "right")
NEW_MOVE = "a new move"
PREVIEW_SKELETON = (60, 220, 60)  # BGR


class RecordDialog(QDialog):
    """note: what the user must know about the take before saving it (e.g. the video file ended early)."""

    def __init__(self, take: RecordedTake, library: Library, parent: QWidget | None = None, note: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Save the recorded move")
        self.take = take
        self.library = library
        self.saved: Reference | None = None
        self.saved_combination: Combination | None = None
        n = len(take.sequence)
        self._coco = to_coco17(take.sequence.keypoints, take.sequence.skeleton)
        self._shown = 0  # the frame on the preview

        # "Add to": a new move, or another example of a stored one (a coach's three jabs, say).
        self.add_to = QComboBox()
        self.add_to.addItem(NEW_MOVE, None)
        for ref in sorted(library.references(), key=lambda r: r.label):
            self.add_to.addItem(f"{ref.label} ({len(ref.examples)} example{'s' * (len(ref.examples) != 1)})", ref)
        self.add_to.setToolTip("Add this take as another example of an existing move")
        self.split = QCheckBox("Split into reps (one example per rep, cut at the rests between them)")
        # A hold: the stillest second of the kept span is the key pose, practised against a target duration.
        self.hold = QCheckBox("Hold (key pose): a stance or guard held still; its stillest second is kept")
        self.hold_target = QDoubleSpinBox(suffix=" s", decimals=1, minimum=MIN_TARGET_S, maximum=MAX_TARGET_S)
        self.hold_target.setValue(DEFAULT_TARGET_S)
        self.hold_target.setToolTip("How long the student should hold the pose")
        self.hold_target.setEnabled(False)
        self.hold.toggled.connect(self._hold_toggled)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. jab, front kick, squat")
        self.view = QComboBox()
        self.view.setEditable(True)
        self.view.addItems(VIEWS)
        # Suggested from the pose rather than always "front": a side-on take saved as "front" is a wrong label
        # that recognition and the reference list repeat. Unclear (three-quarter): left empty for the coach.
        self.view_hint = suggest_view(take.sequence.keypoints, take.sequence.skeleton)
        self.view.setCurrentText(self.view_hint.view or "")
        self.view.lineEdit().setPlaceholderText("front or side?")
        self.view.setToolTip(f"Suggested from the pose: {self.view_hint.reason}")
        self.note = QLabel(note)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #e0a000; font-weight: bold;")
        self.note.setVisible(bool(note))
        self.start = QSlider(Qt.Orientation.Horizontal)
        self.end = QSlider(Qt.Orientation.Horizontal)
        for s in (self.start, self.end):
            s.setRange(0, n - 1)
        self.end.setValue(n - 1)
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(320, 240)
        # The pixmap is made to fit the label; letting it size the label would grow the dialog in a loop.
        self.preview.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.span = QLabel()

        form = QFormLayout()
        form.addRow("Add to", self.add_to)
        form.addRow("Move name", self.name)
        form.addRow("View", self.view)
        form.addRow("Start", self.start)
        form.addRow("End", self.end)
        form.addRow("", self.split)
        form.addRow("", self.hold)
        form.addRow("Hold target", self.hold_target)
        self.combo_cuts = CombinationCuts(take.sequence, self._show_frame)  # a kata: saved as a combination
        form.addRow("", self.combo_cuts)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        row = QHBoxLayout()
        row.addWidget(self.preview, 1)
        layout.addLayout(row, 1)  # a taller dialog shows a larger preview
        layout.addWidget(self.span)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.start.valueChanged.connect(lambda v: self._moved(v, is_start=True))
        self.end.valueChanged.connect(lambda v: self._moved(v, is_start=False))
        self.add_to.currentIndexChanged.connect(self._target_changed)
        self._moved(0, is_start=True)

    def _hold_toggled(self, on: bool) -> None:
        """A hold is one new key pose: no splitting into reps, no adding to a move."""
        self.hold_target.setEnabled(on)
        self.split.setEnabled(not on)
        self.add_to.setEnabled(not on)
        if on:
            self.split.setChecked(False)
            self.add_to.setCurrentIndex(0)

    def _target_changed(self) -> None:
        ref = self.add_to.currentData()
        if ref is not None:
            self.name.setText(ref.move)
            self.view.setCurrentText(ref.view)
        self.name.setEnabled(ref is None)
        self.view.setEnabled(ref is None)

    def _moved(self, value: int, is_start: bool) -> None:
        if is_start and value >= self.end.value():
            self.end.setValue(min(self.end.maximum(), value + 1))
        if not is_start and value <= self.start.value():
            self.start.setValue(max(0, value - 1))
        self._show_frame(value)
        fps = self.take.sequence.fps
        a, b = self.start.value(), self.end.value()
        self.span.setText(f"Keeping {a / fps:.2f} s to {(b + 1) / fps:.2f} s ({(b - a + 1) / fps:.2f} s)")

    def preview_image(self, index: int) -> np.ndarray | None:
        """Frame `index` at the size it is shown, with a thin skeleton: (h, w, 3) uint8 BGR, or None.

        The skeleton is drawn after scaling the small stored preview up, at 1 px: drawn first, it grew with the
        image and hid the body the coach is trimming by.
        """
        image = self.take.preview(index)
        if image is None:
            return None
        h, w = image.shape[:2]
        box = self.preview.size().expandedTo(self.preview.minimumSize())  # before the first layout: the minimum
        scale = min(box.width() / w, box.height() / h)
        image = cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_LINEAR)
        size = self.take.sequence.frame_size
        if size and np.isfinite(self._coco[index, :, 0]).any():
            kp = self._coco[index].copy()
            kp[:, :2] *= image.shape[1] / size[0]
            draw_pose(image, kp, PREVIEW_SKELETON, 1)
        return image

    def _show_frame(self, index: int) -> None:
        self._shown = index
        image = self.preview_image(index)
        if image is not None:
            self.preview.setPixmap(QPixmap.fromImage(to_qimage(image)))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._show_frame(self._shown)  # the preview is drawn at its shown size: redraw at the new one

    def save(self) -> None:
        if self.combo_cuts.enabled.isChecked():
            combo = (self.name.text(), self.view.currentText())
            trim = (self.start.value(), self.end.value() + 1)  # the slider's end frame is kept
            self.saved_combination = save_combination(
                self, self.library, self.take.sequence, self.combo_cuts, *combo, trim=trim
            )
            if self.saved_combination is not None:
                self.accept()
            return
        a, b = self.start.value(), self.end.value() + 1
        clip = self.take.sequence.slice(a, b)
        adding = self.add_to.currentData() is not None
        move, view = self.name.text(), self.view.currentText()
        try:
            clips, _ = take_examples(clip, self.split.isChecked())
            overwrite = False
            if not adding and move.strip() and self.library.path_for(move, view).exists():
                answer = QMessageBox.question(
                    self, "Replace reference?", f"A reference '{format_label(move, view)}' already exists. Replace it?"
                )
                if answer != QMessageBox.StandardButton.Yes:
                    return
                overwrite = True
            if self.hold.isChecked():
                target = self.hold_target.value()
                ref = store_hold(self.library, take_hold(clip), move, view, target, overwrite=overwrite)
            else:
                ref = store_move(self.library, clips, move, view, add=adding, overwrite=overwrite)
                # The coach's video beside it, from the previews of the kept span (core.library.reference_video).
                frames = lambda i, j: (self.take.preview(k) for k in range(a + i, a + j))  # noqa: E731
                keep_recording(self.library.path_for(ref.move, ref.view), ref, clip.keypoints, adding, frames)
        except LibraryError as exc:
            QMessageBox.warning(self, "Cannot save", str(exc))
            return
        except OSError as exc:
            QMessageBox.warning(self, "Cannot save", f"The library folder cannot be written: {exc}")
            return
        self.saved = ref
        self.accept()
