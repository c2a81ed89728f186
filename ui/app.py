"""Start the desktop app: arguments, Qt platform set-up, one exception hook, Ctrl+C; UI thread."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from pathlib import Path

import cv2  # noqa: F401 - imported before Qt on purpose: see _undo_cv2_qt_paths

LOG = logging.getLogger("posecoach")


def _undo_cv2_qt_paths() -> None:
    """opencv's wheel points Qt at its own bundled Qt plugins; PySide6 must use its own."""
    cv2_dir = str(Path(cv2.__file__).resolve().parent)
    for var in ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR"):
        if os.environ.get(var, "").startswith(cv2_dir):
            os.environ.pop(var)


def parse_args(argv: list[str]) -> argparse.Namespace:
    from core.app.paths import default_library_dir
    from core.pose.auto_model import LIVE_MODELS

    p = argparse.ArgumentParser(
        prog="main.py", description="PoseCoach desktop app (subcommands: see --help of main.py score)"
    )
    p.add_argument(
        "--source", help="camera number (0, 1, ...) or a video file; default: the last one used, else camera 0"
    )
    p.add_argument("--reference", metavar="NAME", help="preselect a reference ('move - view' or move)")
    p.add_argument("--combination", metavar="NAME", help="preselect a combination of the library (see `compose`)")
    p.add_argument("--library", default=str(default_library_dir()), help="reference folder (default: %(default)s)")
    p.add_argument("--no-starter", action="store_true", help="leave out the starter moves shipped with the app")
    p.add_argument("--history", help="practice history database (default: POSECOACH_HISTORY or the user data folder)")
    p.add_argument("--model", choices=LIVE_MODELS,
                   help="pose model: lite (fastest), full or heavy (most accurate, slow), or auto (full, or lite "
                        "when full cannot hold 25 fps on this computer); remembered in the settings (default: "
                        "the last one used, else full); see `main.py models list`")  # fmt: skip
    return p.parse_args(argv)


def _log_file() -> Path:
    folder = Path(os.environ.get("POSECOACH_CONFIG_DIR") or Path.home() / ".cache" / "posecoach")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "posecoach.log"


def _install_exception_hook(log_path: Path) -> None:
    # One reporter for every thread: logs, then shows one dialog on the UI thread (ui/faults.py).
    from .faults import install_fault_reporter

    install_fault_reporter(log_path)


def _open_history(path: str | None):  # noqa: ANN202
    from core.app.history import HistoryStore  # a missing module is a broken install: let it be seen
    from core.app.paths import default_history_path

    try:
        return HistoryStore(path or default_history_path())
    except Exception as exc:  # noqa: BLE001 - practice works without history
        LOG.warning("history unavailable: %s", exc)
        return None


def build_window(args: argparse.Namespace):  # noqa: ANN201 - returns ui.main_window.MainWindow
    from core.app.errors import LibraryError
    from core.app.paths import open_library

    from .main_window import MainWindow, initial_source
    from .settings import AppSettings

    settings = AppSettings()
    if args.model is not None:
        settings.pose_model = args.model
    window = MainWindow(open_library(args.library, not args.no_starter), settings, _open_history(args.history))
    if args.reference:
        try:  # a unique start of a name is enough ("jab")
            label = window.library.find(args.reference)[0].label
            window.library_list.choose(window.library_list.find_label(label))
        except LibraryError as exc:
            window.statusBar().showMessage(str(exc), 10000)
    if getattr(args, "combination", None):
        from core.library.combination import CombinationStore

        combo = CombinationStore(window.library.folder).find(args.combination)
        if combo is None:
            window.statusBar().showMessage(f"no combination {args.combination!r} in the library", 10000)
        else:
            window.library_list.choose(window.library_list.find_label(combo.entry))
    window.open_source(initial_source(args.source, settings))
    window.voice.warm_up()  # the speech engine loads now, not on the first cue
    return window


def run_app(argv: list[str]) -> int:
    args = parse_args(argv)
    _undo_cv2_qt_paths()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    log_path = _log_file()
    logging.basicConfig(filename=log_path, level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("PoseCoach")
    from PySide6.QtGui import QIcon

    from core.app.paths import packaged_asset

    app.setWindowIcon(QIcon(str(packaged_asset("icon.svg"))))
    _install_exception_hook(log_path)
    window = build_window(args)
    window.show()
    # Ctrl+C in the terminal closes the window the normal way (threads stopped, camera released).
    signal.signal(signal.SIGINT, lambda *_: window.close())
    pulse = QTimer(interval=200, timeout=lambda: None)  # lets Python run its signal handlers
    pulse.start()
    return app.exec()
