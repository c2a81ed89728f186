"""Smoke test: the app in a real X window under Xvfb plays a real clip and shows pose, trails and a score."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import cv2
import pytest

from core.library.reference_library import Library
from core.library.references import make_reference

from .conftest import ROOT, TESTDATA


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run (installed by .ci/run)")
def test_app_runs_in_a_real_x_window_and_the_screenshot_shows_it(pose_cache, tmp_path):
    squat = pose_cache.get("squat_front_air")
    lib = tmp_path / "lib"
    Library(lib).save(make_reference(squat.slice(60, 120), "squat", "front"))
    out = tmp_path / "screenshot.png"
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"} | {
        "QT_QPA_PLATFORM": "xcb",
        "POSECOACH_CONFIG_DIR": str(tmp_path / "config"),
    }
    run = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", sys.executable, str(ROOT / "tests" / "gui_smoke.py"),
         str(TESTDATA / "squat_front_air.mp4"), str(lib), str(out), "9"],
        capture_output=True, text=True, timeout=180, env=env,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    assert "platform=xcb saved=True" in run.stdout, run.stdout + run.stderr[-2000:]
    reps = int(run.stdout.split("reps=")[1].split()[0])
    assert reps >= 2  # about 9 s of a squat every ~2 s
    image = cv2.imread(str(out))
    assert image is not None and image.shape[0] >= 700 and image.shape[1] >= 1200
    g = image[..., 1].astype(int)
    green = (g > 200) & (image[..., 2] < 90) & (image[..., 0] < 90)
    assert green.sum() > 2000, "no green trails or green score on screen"
    assert image.std() > 30, "the window looks blank"
