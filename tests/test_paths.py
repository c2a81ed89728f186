"""Where files go: the user data and config folders follow the environment, never the code's folder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from core import paths

ROOT = Path(paths.__file__).resolve().parent.parent


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
