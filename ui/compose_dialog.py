"""Compose a combination from library moves: pick, reorder, remove, name, save; UI thread.

The same as `main.py compose` (core.library.combination), for a coach at the window: the library's moves on
the left, the combination being built on the right, in order.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.app.errors import LibraryError
from core.library.combination import Combination, CombinationStore, compose
from core.library.references import Reference

from .record_dialog import VIEWS


class ComposeDialog(QDialog):
    def __init__(self, moves: list[Reference], store: CombinationStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compose a combination")
        self.store = store
        self.saved: Combination | None = None
        self.moves = [m for m in moves if m.hold is None]
        self.library = QListWidget()
        for ref in self.moves:
            self.library.addItem(QListWidgetItem(ref.label))
        self.sequence = QListWidget()
        self.library.itemDoubleClicked.connect(lambda _: self.add())
        buttons = {
            "Add \u2192": self.add, "Remove": self.remove, "Up": lambda: self.shift(-1), "Down": lambda: self.shift(1)
        }  # fmt: skip
        side = QVBoxLayout()
        for text, slot in buttons.items():
            b = QPushButton(text)
            b.clicked.connect(slot)
            side.addWidget(b)
        side.addStretch(1)
        grid = QGridLayout()
        grid.addWidget(QLabel("Library (double-click to add)"), 0, 0)
        grid.addWidget(QLabel("Combination, in order"), 0, 2)
        grid.addWidget(self.library, 1, 0)
        grid.addLayout(side, 1, 1)
        grid.addWidget(self.sequence, 1, 2)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Boxing 1")
        self.view = QComboBox()
        self.view.setEditable(True)
        self.view.addItems(VIEWS)
        self.view.setCurrentText(self.moves[0].view if self.moves else "")
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("View", self.view)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.save)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(grid, 1)
        layout.addLayout(form)
        layout.addWidget(box)
        self.resize(760, 460)

    def add(self) -> None:
        row = self.library.currentRow()
        if row >= 0:
            self.sequence.addItem(self.moves[row].label)
            self.sequence.setCurrentRow(self.sequence.count() - 1)

    def remove(self) -> None:
        row = self.sequence.currentRow()
        if row >= 0:
            self.sequence.takeItem(row)

    def shift(self, step: int) -> None:
        row = self.sequence.currentRow()
        if row < 0 or not 0 <= row + step < self.sequence.count():
            return
        item = self.sequence.takeItem(row)
        self.sequence.insertItem(row + step, item)
        self.sequence.setCurrentRow(row + step)

    def chosen(self) -> list[Reference]:
        by_label = {m.label: m for m in self.moves}
        return [by_label[self.sequence.item(k).text()] for k in range(self.sequence.count())]

    def save(self) -> None:
        try:
            combo = compose(self.name.text(), self.view.currentText(), self.chosen())
            overwrite = False
            if self.store.path_for(combo.name, combo.view).exists():
                answer = QMessageBox.question(self, "Replace combination?", f"'{combo.label}' exists. Replace it?")
                if answer != QMessageBox.StandardButton.Yes:
                    return
                overwrite = True
            self.store.save(combo, overwrite=overwrite)
        except LibraryError as exc:
            QMessageBox.warning(self, "Cannot save", str(exc))
            return
        self.saved = combo
        self.accept()
