"""Smoke test: the app in a real X window under Xvfb plays a real clip and shows pose, trails and a score."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import cv2
import pytest

from core.library.reference_library import Library
from core.library.references import make_reference

from .conftest import ROOT, TESTDATA


@contextmanager
def x_display() -> Iterator[str]:
    """A private Xvfb server for one test, its display number told by Xvfb itself (-displayfd).

    Not `xvfb-run -a`: its shell waits for Xvfb's SIGUSR1 with `wait`, and a signal that arrives before the
    shell reaches `wait` (a busy machine) leaves it waiting for Xvfb to exit, which it never does; choosing
    a free number by looking for lock files also races with other tests starting an X server.
    """
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    os.close(write_end)
    try:
        with os.fdopen(read_end) as told:
            ready, _, _ = select.select([told], [], [], 30)
            number = told.readline().strip() if ready else ""
        if not number.isdigit():
            pytest.fail(f"Xvfb did not start within 30 s (exit code {server.poll()})")
        yield f":{number}"
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="needs Xvfb (installed by .ci/run)")
def test_app_runs_in_a_real_x_window_and_the_screenshot_shows_it(pose_cache, tmp_path):
    squat = pose_cache.get("squat_front_air")
    lib = tmp_path / "lib"
    Library(lib).save(make_reference(squat.slice(60, 120), "squat", "front"))
    out = tmp_path / "screenshot.png"
    with x_display() as display:
        env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "XAUTHORITY")} | {
            "QT_QPA_PLATFORM": "xcb",
            "DISPLAY": display,
            "POSECOACH_CONFIG_DIR": str(tmp_path / "config"),
        }
        run = subprocess.run(
            [sys.executable, str(ROOT / "tests" / "gui_smoke.py"), str(TESTDATA / "squat_front_air.mp4"), str(lib),
             str(out), "9"],
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
