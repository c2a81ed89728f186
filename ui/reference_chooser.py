"""The reference list of the window: load the library, follow the chosen move (or auto-detect); UI thread."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from core.app.errors import LibraryError
from core.library.references import Reference

if TYPE_CHECKING:
    from .main_window import MainWindow

AUTO = "Auto-detect the move"
LOG = logging.getLogger("posecoach")


class ReferenceChooser:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.box = window.reference_box
        self.references: list[Reference] = []
        self.box.currentIndexChanged.connect(self.chosen)

    def reload(self, select: str = "") -> None:
        w = self.window
        try:
            self.references = w.library.load()
        except LibraryError as exc:  # e.g. --library names a file: say so and run without references
            self.references = []
            w.show_problem(str(exc))
        problems = [str(e) for e in w.library.errors]
        self.box.blockSignals(True)
        self.box.clear()
        self.box.addItem(AUTO)
        for ref in self.references:
            self.box.addItem(ref.label)
        index = self.box.findText(select) if select else -1
        self.box.setCurrentIndex(max(0, index))
        self.box.blockSignals(False)
        if problems:
            w.statusBar().showMessage("Some references could not be read: " + "; ".join(problems), 15000)
        if not self.references:
            w.panel.move_label.setText("No reference moves yet: press Record (R) to add one")
        self.chosen()

    def selected(self) -> list[Reference]:
        label = self.box.currentText()
        if label == AUTO or not label:
            return list(self.references)
        return [r for r in self.references if r.label == label]

    def chosen(self, *_: object) -> None:
        w = self.window
        label = self.box.currentText()
        w.settings.reference = "" if label == AUTO else label
        try:
            note = w.session.choose_references(self.selected())
        except Exception as exc:  # noqa: BLE001 - a reference that cannot be used must not stop practice
            LOG.exception("reference %s could not be prepared", label)
            w.statusBar().showMessage(f"'{label}' cannot be used ({exc}); the previous choice stays.", 15000)
            return
        w.panel.clear()
        if note:
            w.statusBar().showMessage(note, 8000)

    def step(self, step: int) -> None:
        n = self.box.count()
        if n:
            self.box.setCurrentIndex((self.box.currentIndex() + step) % n)
