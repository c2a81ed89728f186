"""Start-up time: from `python main.py --source CLIP --reference REF` to the window and to the first scored frame.

Each run starts a fresh Python process (as a user does) that runs the app's own entry (ui.app.run_app)
with probes attached: when the event loop first runs (the window is up), when the first frame with a pose
leaves the pipeline (the model is loaded), and when the first frame with a live score does. Times are
wall-clock from just before the process was spawned; the bench ends the process after the last probe.

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

    def frame(view):  # runs on the pipeline thread: only print, the bench ends the process
        if not seen:
            seen.append(0)
            print("frame", time.time(), flush=True)
        if len(seen) == 1 and view.update is not None and view.update.score is not None:
            seen.append(1)
            print("scored", time.time(), flush=True)

    window.worker.frame_ready.connect(frame)
    return window

app.build_window = probed
sys.exit(app.run_app(sys.argv[1:]))
"""


def one_run(library: Path, source: str, env: dict[str, str]) -> tuple[float, float, float]:
    t0 = time.time()
    args = [sys.executable, "-c", PROBE, "--source", source, "--reference", "jab - side", "--library", str(library)]
    child = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    stamps: dict[str, float] = {}
    try:
        assert child.stdout is not None
        for line in child.stdout:
            key, _, value = line.partition(" ")
            if key in ("window", "frame", "scored"):
                stamps[key] = float(value) - t0
            if len(stamps) == 3:
                break
    finally:
        child.terminate()
        child.wait(timeout=30)
    return stamps["window"], stamps["frame"], stamps["scored"]


def main() -> None:
    from core.library.reference_library import Library
    from core.library.references import make_reference

    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    tmp = Path(tempfile.mkdtemp(prefix="posecoach-startup-"))
    library = Library(tmp / "lib")
    punch = cached_poses("punch_side")
    library.save(make_reference(punch.slice(8, 96), "jab", "side", source=punch.source))
    env = dict(os.environ, POSECOACH_DATA_DIR=str(tmp / "data"), POSECOACH_CONFIG_DIR=str(tmp / "config"))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    results = [one_run(library.folder, clip("punch_side"), env) for _ in range(runs)]
    print(f"{runs} runs, punch_side.mp4 against 'jab - side', {env['QT_QPA_PLATFORM']}")
    names = ("the window", "the first frame with a pose (model loaded)", "the first scored frame")
    for k, name in enumerate(names):
        times = [r[k] for r in results]
        print(f"  to {name:43s}: median {statistics.median(times):.2f} s (min {min(times):.2f})")
    print("  (a live score appears once the match covers 40 % of the reference: about 1.4 s into this clip)")


if __name__ == "__main__":
    main()
