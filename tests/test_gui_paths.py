"""The window's defaults come from the user data folder and the package, and a bad library path is said."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.library.reference_library import Library

pytest.importorskip("pytestqt")


def test_the_window_defaults_to_the_user_data_folder_and_the_packaged_icon():
    from core.app.paths import packaged_asset
    from ui.app import parse_args

    assert Path(parse_args([]).library) == Path(os.environ["POSECOACH_DATA_DIR"]) / "references"
    assert packaged_asset("icon.svg").read_text().lstrip().startswith("<svg")


def test_a_library_path_that_is_a_file_is_said_in_the_window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("POSECOACH_CONFIG_DIR", str(tmp_path / "config"))
    from ui.main_window import MainWindow
    from ui.settings import AppSettings

    not_a_folder = tmp_path / "refs.txt"
    not_a_folder.write_text("notes")
    window = MainWindow(Library(not_a_folder), AppSettings(), None)
    qtbot.addWidget(window)
    try:
        assert "is a file, not a folder" in window.video.message
        assert window.references == [] and window.library_list.choice_count() == 1  # only "Auto-detect"
    finally:
        window.close()
