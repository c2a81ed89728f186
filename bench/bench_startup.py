"""Start-up time: from `python main.py --source CLIP --reference REF` to the window and to the first scored frame.

Each run starts a fresh Python process (as a user does) that runs the app's own entry (ui.app.run_app)
with two probes attached: when the event loop first runs (the window is up) and when the first frame with a
live score reaches the window. Times are wall-clock from just before the process was spawned.

    python bench/bench_startup.py [runs]     (offscreen unless QT_QPA_PLATFORM is set)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, cached_poses, clip

PROBE = """
import sys, time
from PySide6.QtCore import QTimer
import ui.app as app

build = app.build_window
seen = []

def probed(args):
    window = build(args)
    QTimer.singleShot(0, lambda: print("window", time.time(), flush=True))

    def frame(view):
        if not seen and view.update is not None and view.update.score is not None:
            seen.append(1)
            print("scored", time.time(), flush=True)
            QTimer.singleShot(0, window.close)

    window.worker.frame_ready.connect(frame)
    return window

app.build_window = probed
sys.exit(app.run_app(sys.argv[1:]))
"""


def one_run(library: Path, source: str, env: dict[str, str]) -> tuple[float, float]:
    t0 = time.time()
    args = [sys.executable, "-c", PROBE, "--source", source, "--reference", "jab - side", "--library", str(library)]
    out = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120).stdout
    stamps = dict(line.split() for line in out.splitlines() if line.split()[:1] in (["window"], ["scored"]))
    return float(stamps["window"]) - t0, float(stamps["scored"]) - t0


def main() -> None:
    from core.references import Library, make_reference

    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    tmp = Path(tempfile.mkdtemp(prefix="posecoach-startup-"))
    library = Library(tmp / "lib")
    punch = cached_poses("punch_side")
    library.save(make_reference(punch.slice(8, 96), "jab", "side", source=punch.source))
    env = dict(os.environ, POSECOACH_DATA_DIR=str(tmp / "data"), POSECOACH_CONFIG_DIR=str(tmp / "config"))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    results = [one_run(library.folder, clip("punch_side"), env) for _ in range(runs)]
    window = [w for w, _ in results]
    scored = [s for _, s in results]
    print(f"{runs} runs, punch_side.mp4 against 'jab - side', {env['QT_QPA_PLATFORM']}")
    print(f"  to the window           : median {statistics.median(window):.2f} s (min {min(window):.2f})")
    print(f"  to the first scored frame: median {statistics.median(scored):.2f} s (min {min(scored):.2f})")


if __name__ == "__main__":
    main()
