"""What to practise: loads the library into the list, follows the chosen move (or auto-detect); UI thread."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from core.app.errors import LibraryError
from core.library.combination import CombinationStore
from core.library.references import Reference
from core.match.combo import other_side_references

from .library_list import AUTO

if TYPE_CHECKING:
    from .main_window import MainWindow

LOG = logging.getLogger("posecoach")
PICK_HINT = "Pick a technique in the library to practise it, or press Record (R) to record your own"
EMPTY_HINT = "No reference moves yet: press Record (R) to add one"


class ReferenceChooser:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.box = window.library_list
        self.references: list[Reference] = []
        self.box.choice_changed.connect(self.chosen)
        self.box.hide_requested.connect(self.hide)
        self.box.show_hidden_requested.connect(self.show_hidden)
        self.box.compose_requested.connect(self.compose)

    def reload(self, select: str | None = "") -> None:
        """Read the library again and choose `select` (a label; "" is auto-detect, None chooses nothing)."""
        w = self.window
        try:
            self.references = w.library.load()
        except LibraryError as exc:  # e.g. --library names a file: say so and run without references
            self.references = []
            w.show_problem(str(exc))
        problems = [str(e) for e in w.library.errors]
        store = CombinationStore(w.library.folder)
        try:
            combinations = store.load()
        except LibraryError as exc:
            combinations = []
            problems.append(str(exc))
        problems += [str(e) for e in store.errors]
        self.box.set_references(self.references, len(w.library.hidden_starter), combinations)
        if select is not None:
            index = self.box.find_label(select) if select else 0
            self.box.blockSignals(True)
            self.box.choose(max(0, index))
            self.box.blockSignals(False)
        if problems:
            w.statusBar().showMessage("Some references could not be read: " + "; ".join(problems), 15000)
        self.chosen()

    def selected(self) -> list[Reference]:
        label = self.box.current_label()
        if label == AUTO:
            return list(self.references)
        return [r for r in self.references if r.label == label]

    def chosen(self, *_: object) -> None:
        w = self.window
        label = self.box.current_label()
        if label:
            w.settings.reference = "" if label == AUTO else label
        combo = self.box.combinations.get(label)
        try:
            if combo is not None:
                w.session.choose_combination(combo, other_side_references(combo, self.references))
                note = ""
            else:
                note = w.session.choose_references(self.selected())
        except Exception as exc:  # noqa: BLE001 - a reference that cannot be used must not stop practice
            LOG.exception("reference %s could not be prepared", label)
            w.statusBar().showMessage(f"'{label}' cannot be used ({exc}); the previous choice stays.", 15000)
            return
        w.panel.clear()
        w.library_panel.set_hint(EMPTY_HINT if not self.references else "" if label else PICK_HINT)
        if note:
            w.statusBar().showMessage(note, 8000)

    def step(self, step: int) -> None:
        n = self.box.choice_count()
        if n:
            self.box.choose((max(self.box.current_choice(), 0) + step) % n)

    def hide(self, ref: Reference) -> None:
        w = self.window
        current = self.box.current_label()
        try:
            w.library.hide(ref)
        except LibraryError as exc:
            w.show_problem(str(exc))
            return
        w.statusBar().showMessage(f"'{ref.move}' is hidden; right-click the library to show it again", 8000)
        self.reload(select="" if current == ref.label else current)

    def show_hidden(self) -> None:
        try:
            self.window.library.show_hidden()
        except LibraryError as exc:
            self.window.show_problem(str(exc))
            return
        self.reload(select=self.box.current_label() or None)

    def compose(self) -> None:
        """A new combination from the library's moves (ui.compose_dialog); chosen once saved."""
        from .compose_dialog import ComposeDialog

        w = self.window
        dialog = ComposeDialog(self.references, CombinationStore(w.library.folder), w)
        if w.exec_dialog(dialog) and dialog.saved is not None:
            self.reload(select=dialog.saved.entry)
            w.statusBar().showMessage(f"Saved combination '{dialog.saved.label}'", 8000)
