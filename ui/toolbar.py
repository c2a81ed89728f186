"""The main window's toolbar and Source menu: actions with their keys, forwarded to the window; UI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QLabel, QToolBar

if TYPE_CHECKING:
    from .main_window import MainWindow

CAMERAS_IN_MENU = 4


def toolbar_action(
    window: MainWindow, text: str, shortcut: str, slot: Callable[[], object], tooltip: str = "", checkable: bool = False
) -> QAction:
    """An action of the window with its key, on the main toolbar (on the window alone before there is one)."""
    a = QAction(text, window)
    a.setShortcut(QKeySequence(shortcut))
    a.setCheckable(checkable)
    a.setToolTip(tooltip or f"{text} ({shortcut})")
    a.triggered.connect(lambda _checked=False: slot())
    bar = window.findChild(QToolBar, "main-toolbar")
    (bar or window).addAction(a)
    return a


def build_actions(window: MainWindow) -> None:
    """Sets window.act_open, act_start, act_record and act_mirror."""
    bar = QToolBar("Main")
    bar.setObjectName("main-toolbar")
    window.addToolBar(bar)

    def action(text: str, shortcut: str, slot: Callable[[], object], checkable: bool = False) -> QAction:
        return toolbar_action(window, text, shortcut, slot, checkable=checkable)

    window.act_open = action("Open video...", "Ctrl+O", window.choose_video)
    window.act_start = action("Stop", "Space", window.toggle_running)
    window.act_record = action("● Record", "R", window.toggle_record)
    window.act_mirror = action("Mirror", "M", window._mirror_toggled, checkable=True)
    window.act_mirror.setChecked(window.settings.mirror)
    action("◀ Reference", "PgUp", lambda: window.chooser.step(-1))
    action("Reference ▶", "PgDown", lambda: window.chooser.step(+1))
    bar.addWidget(QLabel("  Record for "))
    bar.addWidget(window.record_seconds)
    cameras = window.menuBar().addMenu("&Source")
    group = QActionGroup(window)
    for n in range(CAMERAS_IN_MENU):
        a = cameras.addAction(f"Camera {n}")
        a.setCheckable(True)
        group.addAction(a)
        a.triggered.connect(lambda _checked, n=n: window.open_source(n))
    cameras.addSeparator()
    cameras.addAction(window.act_open)
