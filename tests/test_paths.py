"""Where files go: the user data and config folders follow the environment, never the code's folder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from core.app import paths
from core.library.reference_library import Library

ROOT = Path(paths.__file__).resolve().parents[2]  # core/app/paths.py -> the checkout


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG rules are Linux's")
def test_folders_follow_xdg_then_the_posecoach_overrides(tmp_path, monkeypatch):
    for var in ("POSECOACH_DATA_DIR", "POSECOACH_CONFIG_DIR", "POSECOACH_HISTORY", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert paths.default_library_dir() == tmp_path / "home" / ".local" / "share" / "posecoach" / "references"
    assert paths.user_config_dir() == tmp_path / "home" / ".config" / "posecoach"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    assert paths.default_history_path() == tmp_path / "xdg-data" / "posecoach" / "history.sqlite3"
    assert paths.user_config_dir() == tmp_path / "xdg-config" / "posecoach"
    monkeypatch.setenv("POSECOACH_DATA_DIR", str(tmp_path / "portable"))
    monkeypatch.setenv("POSECOACH_CONFIG_DIR", str(tmp_path / "portable-config"))
    assert paths.default_library_dir() == tmp_path / "portable" / "references"
    assert paths.default_history_path() == tmp_path / "portable" / "history.sqlite3"
    assert paths.user_config_dir() == tmp_path / "portable-config"
    monkeypatch.setenv("POSECOACH_HISTORY", str(tmp_path / "mine.sqlite3"))
    assert paths.default_history_path() == tmp_path / "mine.sqlite3"


def test_nothing_defaults_to_the_code_folder(monkeypatch):
    monkeypatch.delenv("POSECOACH_DATA_DIR", raising=False)
    for where in (paths.default_library_dir(), paths.default_history_path(), paths.user_config_dir()):
        assert not where.resolve().is_relative_to(ROOT), where


def test_packaged_files_come_from_the_top_level_assets_and_references_packages():
    icon = paths.packaged_asset("icon.svg")
    assert icon.resolve() == ROOT / "assets" / "icon.svg"
    assert icon.read_text(encoding="utf-8").lstrip().startswith("<svg")
    starter = paths.starter_library_dir()
    assert starter.resolve() == ROOT / "references"
    assert "user data folder" in (starter / "README.md").read_text(encoding="utf-8")
    library = Library(starter)
    library.load()
    assert library.errors == []  # every shipped reference loads; README.md and __init__.py are not taken for one
    # The user's library is never the shipped one.
    assert not paths.default_library_dir().resolve().is_relative_to(starter.resolve())
