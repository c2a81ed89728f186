"""Choosing the pose model: `--model` reaches the estimator in every command that reads a video, a missing
model is one `error:` line naming the install command, and the app remembers its choice in the settings."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core.app.cli import main
from core.app.errors import PoseCoachError
from core.library.reference_library import Library
from core.library.references import make_reference
from core.pose import models
from core.pose.estimator import PoseEstimator

from .conftest import ROOT, TESTDATA

PUNCH = str(TESTDATA / "punch_side.mp4")


@pytest.fixture(scope="module")
def library(pose_cache, tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("lib")
    punch = pose_cache.get("punch_side")
    Library(folder).save(make_reference(punch.slice(8, 96), "punch", "side", source=punch.source))
    return str(folder)


def command(name: str, library: str, out: Path) -> list[str]:
    """A command line of `name` that would read punch_side.mp4 through the pose estimator."""
    return {
        "score": ["score", PUNCH, "--reference", "punch", "--library", library],
        "recognize": ["recognize", PUNCH, "--library", library],
        "record": ["record", PUNCH, "--name", "jab", "--view", "side", "--library", str(out / "new-lib")],
        "stream": ["stream", PUNCH, "--reference", "punch", "--library", library, "--quiet"],
        "render": ["render", PUNCH, "--reference", "punch", "--library", library, "--out", str(out / "take.mp4")],
    }[name]


COMMANDS = ("score", "recognize", "record", "stream", "render")


@pytest.mark.parametrize("name", COMMANDS)
def test_the_model_flag_reaches_the_estimator(name, library, tmp_path, monkeypatch, capsys):
    asked: list[str] = []

    def spy(self: PoseEstimator, model: str = "full", *args: object, **kwargs: object) -> None:
        asked.append(model)
        raise PoseCoachError("stopped by the test")  # the model is all this test wants to see

    monkeypatch.setattr(PoseEstimator, "__init__", spy)
    assert main([*command(name, library, tmp_path), "--model", "lite"]) == 2
    assert main(command(name, library, tmp_path)) == 2
    assert asked == ["lite", "full"]
    assert capsys.readouterr().err.count("error: stopped by the test") == 2


@pytest.mark.parametrize("name", COMMANDS)
def test_a_missing_model_is_one_error_line_naming_the_install_command(name, library, tmp_path, monkeypatch, capsys):
    wheel_only = tmp_path / "pose_landmark"  # mediapipe as its wheel ships it: no heavy model
    wheel_only.mkdir()
    shutil.copy2(models.model_folder() / "pose_landmark_full.tflite", wheel_only)
    monkeypatch.setattr(models, "model_folder", lambda: wheel_only)

    assert main([*command(name, library, tmp_path), "--model", "heavy"]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        f"error: the heavy pose model is not installed ({wheel_only / 'pose_landmark_heavy.tflite'}); "
        "install it with: python main.py models install\n"
    )
    assert not (tmp_path / "take.mp4").exists() and not (tmp_path / "new-lib").exists()


def test_a_take_filmed_for_a_full_model_reference_scores_the_same_on_lite(library, installed_models):
    out = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "score", PUNCH, "--reference", "punch", "--library", library,
         "--model", "lite", "--json"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout)
    assert result["pose_frames"] == 103 and result["score"] >= 95  # measured 100.0 (full against full: 100.0)


# -- the app ------------------------------------------------------------------------------------------------


def test_the_settings_remember_a_valid_model(tmp_path):
    pytest.importorskip("PySide6")
    from ui.settings import AppSettings

    settings = AppSettings(tmp_path / "settings.ini")
    assert settings.pose_model == "full"
    settings.pose_model = "lite"
    settings.sync()
    assert AppSettings(tmp_path / "settings.ini").pose_model == "lite"
    with pytest.raises(ValueError, match="choose one of auto, lite, full, heavy"):
        settings.pose_model = "medium"
    settings._s.setValue("pose_model", "ultra")  # a hand-edited file
    assert settings.pose_model == "full"


def test_the_app_says_a_missing_model_and_goes_on_with_full(tmp_path, monkeypatch):
    pytest.importorskip("PySide6")
    from core.app.practice_session import PracticeSession
    from core.frame.mailbox import LatestSlot
    from ui.pipeline_worker import PipelineWorker

    empty = tmp_path / "pose_landmark"
    empty.mkdir()
    shutil.copy2(models.model_folder() / "pose_landmark_full.tflite", empty)
    monkeypatch.setattr(models, "model_folder", lambda: empty)
    worker = PipelineWorker(LatestSlot(), PracticeSession(), model="heavy")
    said: list[str] = []
    worker.failed.connect(said.append)
    estimator = worker._load_estimator()
    try:
        assert estimator.model == "full" and worker.model == "full"
        assert len(said) == 1 and "models install" in said[0] and "Using the full model" in said[0]
    finally:
        estimator.close()


def test_the_window_runs_the_model_chosen_on_its_command_line(qtbot, tmp_path, monkeypatch, installed_models):
    pytest.importorskip("pytestqt")
    monkeypatch.setenv("POSECOACH_CONFIG_DIR", str(tmp_path / "config"))
    from ui.app import build_window, parse_args
    from ui.settings import AppSettings

    args = parse_args(["--model", "lite", "--source", PUNCH, "--library", str(tmp_path / "lib")])
    window = build_window(args)
    qtbot.addWidget(window)
    try:
        with qtbot.waitSignal(window.source_ended, timeout=60_000):
            pass
        assert window.worker.model == "lite" and window.latest is not None and window.latest.detected
        assert AppSettings().pose_model == "lite"  # remembered for the next start
    finally:
        window.close()
