"""`main.py render`: an annotated copy of a real clip, frame for frame, with trails, ghost and score burned in."""

from __future__ import annotations

import subprocess
import sys

import cv2
import numpy as np

from core.app.cli import main as cli_main
from core.library.reference_library import Library
from core.library.references import make_reference

from .conftest import ROOT, TESTDATA


def read_all(path) -> tuple[list[np.ndarray], float]:
    cap = cv2.VideoCapture(str(path))
    fps = cap.get(cv2.CAP_PROP_FPS)
    frames = []
    while (got := cap.read())[0]:
        frames.append(got[1])
    cap.release()
    return frames, fps


def test_render_writes_every_source_frame_annotated(tmp_path, pose_cache):
    punch = pose_cache.get("punch_side")
    lib = tmp_path / "lib"
    Library(lib).save(make_reference(punch.slice(8, 96), "punch", "side"))
    source = TESTDATA / "punch_side.mp4"
    out = tmp_path / "video" / "annotated.mp4"
    run = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "render", str(source), "--reference", "punch",
         "--library", str(lib), "--out", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-1500:]

    original, src_fps = read_all(source)
    rendered, fps = read_all(out)
    assert len(original) == 103 and len(rendered) == len(original)
    assert int(cv2.VideoCapture(str(out)).get(cv2.CAP_PROP_FRAME_COUNT)) == len(original)
    assert fps == src_fps and rendered[0].shape == original[0].shape

    def green(img: np.ndarray) -> int:  # trails are drawn in (60, 220, 60) BGR, fading with age
        b, g, r = (img[..., c].astype(int) for c in range(3))
        return int(((g > 160) & (g - r > 80) & (g - b > 80)).sum())

    assert green(rendered[60]) > 300 + green(original[60]), "no green trails burned in"
    hud = rendered[60][:40].astype(float).mean()
    assert hud < 0.7 * original[60][:40].astype(float).mean(), "the score band is not darkened"
    assert not [p for p in out.parent.iterdir() if p.name != out.name], "temporary file left behind"


def test_render_errors_are_sentences_and_leave_no_file(tmp_path, pose_cache, capsys):
    punch = pose_cache.get("punch_side")
    lib = tmp_path / "lib"
    Library(lib).save(make_reference(punch.slice(8, 96), "punch", "side"))
    out = tmp_path / "out.mp4"
    base = ["--library", str(lib), "--out", str(out)]

    assert cli_main(["render", str(TESTDATA / "punch_side.mp4"), "--reference", "cartwheel", *base]) == 2
    assert "error: no reference 'cartwheel'" in capsys.readouterr().err

    assert cli_main(["render", str(tmp_path / "missing.mp4"), "--reference", "punch", *base]) == 2
    assert "missing.mp4: no such video file" in capsys.readouterr().err

    not_video = tmp_path / "notes.mp4"
    not_video.write_text("not a video")
    assert cli_main(["render", str(not_video), "--reference", "punch", *base]) == 2
    assert "notes.mp4" in capsys.readouterr().err
    assert list(tmp_path.glob("*.mp4")) == [not_video]
