"""The library beside the video: auto-detect, the user's moves, then the starter moves by category; UI thread.

A click (or PgUp/PgDown through the window) chooses what to practise. Group headings cannot be chosen. A
right-click on a starter move offers to hide it, and the heading menu lists hidden ones again; the list only
forwards these requests (ui.reference_chooser acts on the library).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QMenu, QTreeWidget, QTreeWidgetItem, QTreeWidgetItemIterator, QVBoxLayout, QWidget

from core.library.combination import Combination
from core.library.references import Reference

AUTO = "Auto-detect the move"
HEADINGS = {"punch": "Punches", "kick": "Kicks", "hold": "Stances and holds"}
_LABEL = Qt.ItemDataRole.UserRole


def group_of(ref: Reference) -> str:
    """The heading a reference is listed under."""
    if not ref.starter:
        return "Your moves"
    if ref.kind == "hold":
        return HEADINGS["hold"]
    return HEADINGS.get(ref.category, ref.category.capitalize() or "Other moves")


def display_name(ref: Reference) -> str:
    """The user's moves may exist in several views, so theirs say which; the starter moves are all side-on."""
    return ref.move if ref.starter else f"{ref.move}  ({ref.view})"


class LibraryList(QTreeWidget):
    """Choices in order: AUTO, then every reference; `choice_*` address them by that position."""

    choice_changed = Signal()
    hide_requested = Signal(object)  # a starter Reference
    show_hidden_requested = Signal()
    compose_requested = Signal()  # "Compose a combination..." (ui.compose_dialog)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIndentation(12)
        self.setStyleSheet("QTreeWidget { font-size: 15px; } QTreeWidget::item { padding: 2px; }")
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.currentItemChanged.connect(self._current_changed)
        self._items: list[QTreeWidgetItem] = []
        self._refs: dict[str, Reference] = {}
        self.combinations: dict[str, Combination] = {}
        self.hidden_count = 0

    def set_references(
        self, refs: list[Reference], hidden_count: int = 0, combinations: Sequence[Combination] = ()
    ) -> None:
        """List `refs` under their headings (in the order given within each), the combinations under theirs
        after "auto-detect"; no choice is made."""
        self.blockSignals(True)
        self.clear()
        self.hidden_count = hidden_count
        self._refs = {r.label: r for r in refs}
        auto = QTreeWidgetItem([AUTO])
        auto.setData(0, _LABEL, AUTO)
        auto.setToolTip(0, "Do any move of the library: each rep is named and scored")
        self.addTopLevelItem(auto)
        self._items = [auto]
        groups: dict[str, QTreeWidgetItem] = {}
        bold = QFont(self.font())
        bold.setBold(True)
        self.combinations = {c.entry: c for c in combinations}
        if combinations:
            heading = QTreeWidgetItem(["Combinations"])
            heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
            heading.setFont(0, bold)
            self.addTopLevelItem(heading)
            for combo in combinations:
                item = QTreeWidgetItem([f"{combo.name}  ({len(combo.techniques)})"])
                item.setData(0, _LABEL, combo.entry)
                item.setToolTip(0, "\n".join([combo.label, *(f"{k + 1}. {t}" for k, t in enumerate(combo.labels))]))
                heading.addChild(item)
                self._items.append(item)
        for ref in refs:
            heading = group_of(ref)
            if heading not in groups:
                groups[heading] = QTreeWidgetItem([heading])
                groups[heading].setFlags(Qt.ItemFlag.ItemIsEnabled)  # a heading, not a choice
                groups[heading].setFont(0, bold)
                self.addTopLevelItem(groups[heading])
            item = QTreeWidgetItem([display_name(ref)])
            item.setData(0, _LABEL, ref.label)
            n = len(ref.examples)
            origin = "ships with PoseCoach (right-click to hide)" if ref.starter else ref.source
            item.setToolTip(0, f"{ref.label}\n{n} example{'s' * (n != 1)}, {ref.duration:.1f} s\n{origin}")
            groups[heading].addChild(item)
            self._items.append(item)
        self.expandAll()
        self.setCurrentItem(None)  # type: ignore[arg-type]
        self.blockSignals(False)

    def _current_changed(self, item: QTreeWidgetItem | None, previous: QTreeWidgetItem | None) -> None:
        """A heading is never the choice: a click on one keeps the choice, an arrow key steps over it."""
        if item is None or item in self._items:
            self.choice_changed.emit()
            return
        rows = self._rows()
        here = rows.index(item)
        was = rows.index(previous) if previous in rows else -1
        target = previous
        if was >= 0 and abs(was - here) == 1:  # one row up or down: an arrow key, go on in its direction
            step = here - was
            k = here + step
            while 0 <= k < len(rows) and rows[k] not in self._items:
                k += step
            if 0 <= k < len(rows):
                target = rows[k]
        self.blockSignals(True)
        self.setCurrentItem(target)  # type: ignore[arg-type]
        self.blockSignals(False)
        if target is not previous:
            self.choice_changed.emit()

    def _rows(self) -> list[QTreeWidgetItem]:
        """Every row top to bottom, headings and choices (all groups are expanded)."""
        rows = []
        it = QTreeWidgetItemIterator(self)
        while it.value():
            rows.append(it.value())
            it += 1
        return rows

    # -- choices by position ------------------------------------------------------------------------
    def choice_count(self) -> int:
        return len(self._items)

    def choice_label(self, index: int) -> str:
        return str(self._items[index].data(0, _LABEL))

    def current_choice(self) -> int:
        """Position of the chosen entry, -1 when nothing is chosen."""
        item = self.currentItem()
        return self._items.index(item) if item in self._items else -1

    def current_label(self) -> str:
        index = self.current_choice()
        return "" if index < 0 else self.choice_label(index)

    def choose(self, index: int) -> None:
        self.setCurrentItem(self._items[index])
        self.scrollToItem(self._items[index])

    def find_label(self, label: str) -> int:
        return next((i for i, item in enumerate(self._items) if item.data(0, _LABEL) == label), -1)

    # -- context menu -------------------------------------------------------------------------------
    def _menu(self, pos: QPoint) -> None:
        item = self.itemAt(pos)
        ref = self._refs.get(str(item.data(0, _LABEL))) if item is not None else None
        menu = QMenu(self)
        if ref is not None and ref.starter:
            menu.addAction(f"Hide '{ref.move}' from the library", lambda: self.hide_requested.emit(ref))
        if self.hidden_count:
            menu.addAction(f"Show {self.hidden_count} hidden starter move(s) again", self.show_hidden_requested.emit)
        menu.addAction("Compose a combination...", self.compose_requested.emit)
        if not menu.isEmpty():
            menu.exec(self.viewport().mapToGlobal(pos))


class LibraryPanel(QWidget):
    """The column left of the video: the next step when nothing is chosen, then the library."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = LibraryList()
        self.hint_label = QLabel("")
        self.hint_label.setWordWrap(True)
        self.hint_label.setStyleSheet("font-size: 16px; color: #7fd67f; padding: 4px 0;")
        self.hint_label.hide()
        title = QLabel("Library")
        title.setStyleSheet("font-size: 16px; font-weight: bold;")
        col = QVBoxLayout(self)
        col.setContentsMargins(6, 6, 0, 6)
        col.addWidget(title)
        col.addWidget(self.hint_label)
        col.addWidget(self.list, 1)
        self.setMinimumWidth(200)

    def set_hint(self, text: str) -> None:
        self.hint_label.setText(text)
        self.hint_label.setVisible(bool(text))
