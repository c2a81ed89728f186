"""Start the real app window (run under Xvfb by test_gui_smoke.py), play a clip, save a screenshot, quit.

usage: python tests/gui_smoke.py CLIP LIBRARY OUT.png [SECONDS]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ui.app import _undo_cv2_qt_paths, build_window, parse_args  # noqa: E402


def main() -> int:
    clip, library, out = sys.argv[1:4]
    seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 6.0
    _undo_cv2_qt_paths()
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    # A first start chooses no reference (the library column says what to do): the test's squat is chosen.
    window = build_window(parse_args(["--source", clip, "--library", library, "--reference", "squat"]))
    window.resize(1400, 820)
    window.show()

    def shoot() -> None:
        # A grab of the real X screen, not of the widget tree: what a person would see.
        shot = QGuiApplication.primaryScreen().grabWindow(window.winId())
        ok = shot.save(out)
        print(f"platform={QGuiApplication.platformName()} saved={ok} fps={window.worker.fps:.1f} "
              f"reps={len(window.rep_scores)} dropped={window.slot.dropped}", flush=True)  # fmt: skip
        window.close()
        app.quit()

    QTimer.singleShot(int(seconds * 1000), shoot)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
