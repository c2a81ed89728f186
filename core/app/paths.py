"""Where PoseCoach keeps files: the user's data folder (references, history, log) and the packaged files
(assets/: the icon; references/: the starter library), which are read-only.

Nothing is ever written next to the code: after `pip install .` that is site-packages, shared by every
user and replaced by the next upgrade. The folders follow each platform's convention (the XDG base
directories on Linux), as platformdirs would; the rules are three lines, so no dependency for them.
Environment variables move them (tests, portable installs): POSECOACH_DATA_DIR the whole data folder,
POSECOACH_HISTORY the history database, POSECOACH_CONFIG_DIR the settings and the log.
"""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..library.reference_library import Library

APP = "posecoach"


def _platform_base(kind: str) -> Path:
    """The platform's per-user folder for `kind` ('data' or 'config'), before the app's own sub-folder."""
    home = Path.home()
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or os.environ.get("APPDATA") or home / "AppData" / "Local")
    if sys.platform == "darwin":
        return home / "Library" / ("Application Support" if kind == "data" else "Preferences")
    if kind == "data":
        return Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")


def user_data_dir() -> Path:
    """POSECOACH_DATA_DIR, else e.g. ~/.local/share/posecoach (Linux), ~/Library/Application Support/posecoach."""
    if env := os.environ.get("POSECOACH_DATA_DIR"):
        return Path(env).expanduser()
    return _platform_base("data") / APP


def user_config_dir() -> Path:
    """POSECOACH_CONFIG_DIR, else e.g. ~/.config/posecoach: settings.ini and the log."""
    if env := os.environ.get("POSECOACH_CONFIG_DIR"):
        return Path(env).expanduser()
    return _platform_base("config") / APP


def default_library_dir() -> Path:
    """The reference library a user records into: <user data folder>/references."""
    return user_data_dir() / "references"


def default_history_path() -> Path:
    """POSECOACH_HISTORY, else <user data folder>/history.sqlite3."""
    if env := os.environ.get("POSECOACH_HISTORY"):
        return Path(env).expanduser()
    return user_data_dir() / "history.sqlite3"


def _package_dir(package: str) -> Path:
    """The folder of a top-level package of this distribution, from a checkout or an installed wheel alike.

    Read through importlib.resources, so it follows the package wherever pip put it. The packages are
    installed as plain folders (never zipped), which makes the resource a real path Qt and Library can open.
    """
    return Path(str(resources.files(package)))


def packaged_asset(name: str) -> Path:
    """A file shipped in the top-level assets/ package (package data), e.g. packaged_asset("icon.svg")."""
    return _package_dir("assets") / name


def starter_library_dir() -> Path:
    """The shipped starter reference library: the top-level references/ package (package data), read-only.

    The user's own references are elsewhere (default_library_dir()); nothing is ever written here.
    """
    return _package_dir("references")


def open_library(folder: str | Path, starter: bool = True) -> Library:
    """The user's reference folder with the starter library under it (`starter=False`: the folder alone)."""
    from ..library.reference_library import Library

    return Library(folder, starter_library_dir() if starter else None)
