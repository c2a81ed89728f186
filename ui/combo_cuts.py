"""The Record dialog's "combination" option: a long take cut into techniques the coach can correct; UI thread.

The cuts are found at the take's pauses and speed minima (core.library.combo_recording) and drawn as blocks on
a strip under the preview, one per technique. Drag a block's edge to move the cut; double-click inside a
block to split it there; right-click a block to merge it with the next one or to remove it. Each click also
shows that frame on the preview. The names, one per technique in order, are edited as a comma-separated list.
The edits themselves are core.library.cut_edits'.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QMenu, QVBoxLayout, QWidget

from core.app.errors import LibraryError
from core.library import cut_edits
from core.library.combination import Combination, CombinationStore
from core.library.combo_recording import combination_from_take, suggest_cuts
from core.library.reference_library import Library
from core.pose.estimator import PoseSequence

EDGE_GRAB_PX = 6


class CutStrip(QWidget):
    """The take's timeline with one block per technique."""

    changed = Signal()
    frame_clicked = Signal(int)

    def __init__(self, frames: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.frames = max(frames, 1)
        self.cuts: cut_edits.Cuts = []
        self._drag: tuple[int, bool] | None = None
        self.setFixedHeight(34)
        self.setMouseTracking(True)

    def _x(self, frame: int) -> float:
        return frame / self.frames * (self.width() - 2) + 1

    def _frame(self, x: float) -> int:
        return int(round((x - 1) / max(self.width() - 2, 1) * self.frames))

    def set_cuts(self, cuts: cut_edits.Cuts) -> None:
        self.cuts = list(cuts)
        self.update()
        self.changed.emit()

    def paintEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt's name
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(30, 30, 36))
        for k, (a, b) in enumerate(self.cuts):
            r = QRectF(self._x(a), 3, max(self._x(b) - self._x(a), 2), self.height() - 6)
            p.setPen(QPen(QColor("#ffd23f"), 1))
            p.setBrush(QColor(63, 191, 95) if k % 2 == 0 else QColor(47, 143, 191))
            p.drawRect(r)
            p.setPen(QColor("#ffffff"))
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, str(k + 1))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        frame = self._frame(event.position().x())
        self.frame_clicked.emit(min(max(frame, 0), self.frames - 1))
        if event.button() == Qt.MouseButton.RightButton:
            self._menu(frame, event)
            return
        within = max(1, round(EDGE_GRAB_PX / max(self.width(), 1) * self.frames))
        self._drag = cut_edits.nearest_edge(self.cuts, frame, within)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._drag is not None:
            k, start = self._drag
            self.set_cuts(cut_edits.move_edge(self.cuts, k, start, self._frame(event.position().x()), self.frames))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._drag = None

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self.set_cuts(cut_edits.split(self.cuts, self._frame(event.position().x())))

    def _menu(self, frame: int, event: QMouseEvent) -> None:
        k = cut_edits.at(self.cuts, frame)
        if k is None:
            return
        menu = QMenu(self)
        if k + 1 < len(self.cuts):
            menu.addAction(f"Merge {k + 1} with {k + 2}", lambda: self.set_cuts(cut_edits.merge_next(self.cuts, k)))
        menu.addAction(f"Split {k + 1} here", lambda: self.set_cuts(cut_edits.split(self.cuts, frame)))
        menu.addAction(f"Remove {k + 1}", lambda: self.set_cuts(cut_edits.remove(self.cuts, k)))
        menu.exec(event.globalPosition().toPoint())


class CombinationCuts(QWidget):
    """The option, the strip and the names; hidden parts until the option is on."""

    def __init__(self, sequence: PoseSequence, show_frame: Callable[[int], None], parent: QWidget | None = None):
        super().__init__(parent)
        self.sequence = sequence
        self.enabled = QCheckBox("Combination (a kata, a form): cut into techniques at the pauses")
        self.enabled.setToolTip("Saved as a combination of its techniques, in this order, with this rhythm")
        self.strip = CutStrip(len(sequence))
        self.names = QLineEdit()
        self.names.setPlaceholderText("the techniques' names, in order, separated by commas")
        self.help = QLabel("Drag an edge to move a cut; double-click to split; right-click to merge or remove.")
        self.help.setStyleSheet("color: #aaa;")
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        for w in (self.enabled, self.strip, self.help, self.names):
            col.addWidget(w)
        self.strip.frame_clicked.connect(show_frame)
        self.strip.changed.connect(self._renumber)
        self.enabled.toggled.connect(self._toggled)
        self._toggled(False)

    def _toggled(self, on: bool) -> None:
        for w in (self.strip, self.help, self.names):
            w.setVisible(on)
        if on and not self.strip.cuts:
            self.strip.set_cuts(suggest_cuts(self.sequence))

    def _renumber(self) -> None:
        """Keep one name per cut: names already typed stay in order, new cuts get a number."""
        names = self.technique_names()
        n = len(self.strip.cuts)
        names = (names + [f"{k + 1}" for k in range(len(names), n)])[:n]
        self.names.setText(", ".join(names))

    def technique_names(self) -> list[str]:
        return [s.strip() for s in self.names.text().split(",") if s.strip()]

    def named(self, combination: str) -> list[str]:
        """The names to save: a bare number becomes '<combination> <number>'."""
        return [f"{combination} {n}" if n.isdigit() else n for n in self.technique_names()]


def save_combination(
    parent: QWidget,
    library: Library,
    sequence: PoseSequence,
    cuts: CombinationCuts,
    name: str,
    view: str,
    trim: tuple[int, int] | None = None,
) -> Combination | None:
    """Store the take as the combination `name` (its techniques embedded); None when refused or cancelled.

    trim: the dialog's start and end frames [start, end): techniques outside are left out, those across cut.
    """
    from PySide6.QtWidgets import QMessageBox

    store = CombinationStore(library.folder)
    spans, names = cuts.strip.cuts, cuts.named(name)
    if trim is not None:
        spans, names = cut_edits.within(spans, names, *trim)
    try:
        combo = combination_from_take(sequence, name, view, spans, names)
        overwrite = False
        if store.path_for(combo.name, combo.view).exists():
            answer = QMessageBox.question(parent, "Replace combination?", f"'{combo.label}' exists. Replace it?")
            if answer != QMessageBox.StandardButton.Yes:
                return None
            overwrite = True
        store.save(combo, overwrite=overwrite)
    except LibraryError as exc:
        QMessageBox.warning(parent, "Cannot save", str(exc))
        return None
    return combo
