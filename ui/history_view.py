"""History tab: sessions per move, best/average rep score per day, what to work on next, export."""

from __future__ import annotations

from pathlib import Path

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.history import HistoryStore
from core.report import export_session, weakest_part_text

ALL_MOVES = "All moves"


class HistoryView(QWidget):
    def __init__(self, store: HistoryStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.move_box = QComboBox()
        self.move_box.currentIndexChanged.connect(lambda _i: self._show())
        self.next_label = QLabel()
        self.next_label.setStyleSheet("font-size: 20px; font-weight: bold; color: #ffd750;")
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(["#", "started", "move", "reps", "best", "average"])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.figure = Figure(figsize=(6, 3), layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        export = QPushButton("Export session...")
        export.clicked.connect(self.export_selected)
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.refresh)

        top = QHBoxLayout()
        top.addWidget(QLabel("Move"))
        top.addWidget(self.move_box, 1)
        top.addWidget(refresh)
        top.addWidget(export)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.next_label)
        layout.addWidget(self.canvas, 2)
        layout.addWidget(self.table, 1)
        self.refresh()

    def refresh(self) -> None:
        current = self.move_box.currentText()
        self.move_box.blockSignals(True)
        self.move_box.clear()
        self.move_box.addItem(ALL_MOVES)
        self.move_box.addItems(self.store.moves())
        self.move_box.setCurrentIndex(max(0, self.move_box.findText(current)))
        self.move_box.blockSignals(False)
        self._show()

    def selected_move(self) -> str | None:
        text = self.move_box.currentText()
        return None if text in ("", ALL_MOVES) else text

    def _show(self) -> None:
        move = self.selected_move()
        sessions = self.store.sessions(move)
        self.table.setRowCount(len(sessions))
        for row, s in enumerate(sessions):
            best = "" if s.best is None else f"{s.best:.0f}"
            mean = "" if s.mean is None else f"{s.mean:.0f}"
            what = s.move or s.reference or "auto-detect"
            cells = [str(s.id), s.started_at.replace("T", " ")[:16], what, str(s.reps), best, mean]
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.next_label.setText(weakest_part_text(self.store, move))
        self._plot(move)

    def _plot(self, move: str | None) -> None:
        self.figure.clear()
        ax = self.figure.add_subplot(1, 1, 1)
        moves = [move] if move else self.store.moves()
        for m in moves:
            days = self.store.daily_progress(m)
            if days:
                label = "" if move else f"{m}: "
                ax.plot([d[0] for d in days], [d[1] for d in days], "o-", label=f"{label}best rep")
                ax.plot([d[0] for d in days], [d[2] for d in days], "s--", label=f"{label}average rep")
        ax.set_ylim(0, 105)  # a perfect 100 stays visible
        ax.set_ylabel("score")
        ax.set_title("Progress per day" + (f": {move}" if move else ""))
        ax.grid(alpha=0.3)
        if ax.lines:
            ax.legend(loc="lower right", fontsize=8)
        self.canvas.draw_idle()

    def selected_session(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() if rows else (0 if self.table.rowCount() else -1)
        return int(self.table.item(row, 0).text()) if row >= 0 else None

    def export_selected(self) -> None:
        session = self.selected_session()
        if session is None:
            QMessageBox.information(self, "Export", "There is no session to export yet.")
            return
        folder = self.ask_folder()
        if folder:
            paths = export_session(self.store, session, folder)
            QMessageBox.information(self, "Export", "Wrote:\n" + "\n".join(str(p) for p in paths))

    def ask_folder(self) -> str:
        """Where to export; tests replace this."""
        return QFileDialog.getExistingDirectory(self, "Export session to", str(Path.home()))
