"""History tab (GUI thread): sessions per move, best/average rep score per day, what to work on next, export."""

from __future__ import annotations

from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.app.errors import PoseCoachError
from core.app.history import HistoryStore, local_time
from core.app.history_combo import run_line, runs
from core.view.report import export_session, plot_progress, plot_speed, speed_trend_text, weakest_part_text
from core.view.review_store import export_review

ALL_MOVES = "All moves"
COLUMNS = ["#", "started", "move", "reps", "best", "average", "source"]


class HistoryView(QWidget):
    def __init__(self, store: HistoryStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.move_box = QComboBox()
        self.move_box.currentIndexChanged.connect(lambda _i: self._show())
        self.next_label = QLabel()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        # The selected session's combination runs, each with its techniques and what went wrong.
        self.runs_label = QPlainTextEdit()  # scrolls: a long session has many runs
        self.runs_label.setReadOnly(True)
        self.runs_label.setMaximumHeight(self.fontMetrics().lineSpacing() * 7 + 12)
        self.runs_label.hide()
        self.table.itemSelectionChanged.connect(self._show_runs)
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
        layout.addWidget(self.runs_label)
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
            best = "-" if s.best is None else f"{s.best:.0f}"
            mean = "-" if s.mean is None else f"{s.mean:.0f}"
            what = s.reference or s.move or "auto-detect"
            source = Path(s.source).name or s.source
            cells = [str(s.id), local_time(s.started_at), what, str(s.reps), best, mean, source]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == len(cells) - 1:
                    item.setToolTip(s.source)
                self.table.setItem(row, col, item)
        self.figure.clear()
        moves = [move] if move else self.store.moves()
        # What to work on, and how each strike's speed changed this month ("12 % faster").
        trends = [text for m in moves if (text := speed_trend_text(self.store, m)) is not None]
        self.next_label.setText("\n".join([weakest_part_text(self.store, move), *trends]))
        title = f"{move}: best and average rep score per day" if move else "Best and average rep score per day"
        has_speed = any(self.store.daily_speed(m) for m in moves)
        ax = self.figure.add_subplot(2 if has_speed else 1, 1, 1)
        plot_progress(ax, self.store, moves, title)
        self._match_palette(ax)
        if has_speed:  # strikes: how fast, day by day, under how well
            speed_ax = self.figure.add_subplot(2, 1, 2, sharex=ax)
            plot_speed(speed_ax, self.store, moves)
            self._match_palette(speed_ax)
        self.canvas.draw_idle()
        self._show_runs()

    def _show_runs(self) -> None:
        session = self.selected_session()
        lines = [] if session is None else [run_line(r) for r in runs(self.store, session)]
        self.runs_label.setPlainText("\n".join(["Runs of this session:", *lines]) if lines else "")
        self.runs_label.setVisible(bool(lines))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange) and self.figure.axes:
            for ax in self.figure.axes:
                self._match_palette(ax)
            self.canvas.draw_idle()

    def _match_palette(self, ax: Axes) -> None:
        """The plot takes the widget's colours, so it sits in the app's dark window without a white block."""
        self.ensurePolished()  # the window's style sheet reaches our palette only when polished
        pal = self.palette()
        bg, fg = pal.color(QPalette.ColorRole.Window), pal.color(QPalette.ColorRole.WindowText)
        dark = bg.lightness() < 128
        self.next_label.setStyleSheet(f"font-size: 20px; font-weight: bold; color: {'#ffd750' if dark else '#a05a00'};")
        self.figure.set_facecolor(bg.name())
        ax.set_facecolor(bg.lighter(115).name() if dark else "white")
        for item in (ax.title, ax.xaxis.label, ax.yaxis.label, *ax.get_xticklabels(), *ax.get_yticklabels()):
            item.set_color(fg.name())
        ax.xaxis.get_offset_text().set_color(fg.name())
        ax.tick_params(colors=fg.name())
        for spine in ax.spines.values():
            spine.set_color(fg.darker(150).name() if dark else fg.name())
        if (legend := ax.get_legend()) is not None:
            legend.get_frame().set_facecolor(bg.name())
            for text in legend.get_texts():
                text.set_color(fg.name())

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
        if not folder:
            return
        try:
            paths = export_session(self.store, session, folder)
        except (PoseCoachError, OSError) as exc:
            QMessageBox.warning(self, "Export", f"The session could not be exported: {exc}")
            return
        # The reps the app kept for review, as a video (a few seconds of work: core.view.review_store); a
        # damaged file costs the video, not the files already written.
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            paths += [v] if (v := export_review(self.store.path, session, folder)) is not None else []
        except (PoseCoachError, OSError) as exc:
            paths.append(f"(no review video: {exc})")
        finally:
            QApplication.restoreOverrideCursor()
        QMessageBox.information(self, "Export", "Wrote:\n" + "\n".join(str(p) for p in paths))

    def ask_folder(self) -> str:
        """Where to export; tests replace this."""
        return QFileDialog.getExistingDirectory(self, "Export session to", str(Path.home()))
