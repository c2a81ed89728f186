"""Settings remembered between runs (camera or file, last reference, mirror, sides, pose model, window layout).

An INI file in the user's config folder; POSECOACH_CONFIG_DIR moves it (tests, portable installs).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from core.app.paths import user_config_dir
from core.pose.auto_model import LIVE_MODELS
from core.pose.models import DEFAULT_MODEL

SETTINGS_VERSION = 1


def settings_path() -> Path:
    """settings.ini in the user's config folder (core.app.paths: POSECOACH_CONFIG_DIR, else the platform's)."""
    return user_config_dir() / "settings.ini"


class AppSettings:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or settings_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._s = QSettings(str(self.path), QSettings.Format.IniFormat)
        if int(self._s.value("version", SETTINGS_VERSION)) > SETTINGS_VERSION:
            self._s.clear()  # written by a newer app: start fresh rather than misread it
        self._s.setValue("version", SETTINGS_VERSION)

    def _get(self, key: str, default: object) -> object:
        value = self._s.value(key, default)
        return default if value is None else value

    @property
    def source(self) -> str:
        return str(self._get("source", "0"))

    @source.setter
    def source(self, value: str) -> None:
        self._s.setValue("source", value)

    @property
    def reference(self) -> str:
        return str(self._get("reference", ""))

    @property
    def has_reference(self) -> bool:
        """False until a reference (or auto-detect) has been chosen once: the first start."""
        return bool(self._s.contains("reference"))

    @reference.setter
    def reference(self, value: str) -> None:
        self._s.setValue("reference", value)

    @property
    def mirror(self) -> bool:
        return str(self._get("mirror", "true")).lower() in ("true", "1")

    @mirror.setter
    def mirror(self, value: bool) -> None:
        self._s.setValue("mirror", bool(value))

    @property
    def sides(self) -> str:
        """'one' (the reference's side) or 'both' (core.match.sides); anything else read is 'one'."""
        value = str(self._get("sides", "one"))
        return value if value in ("one", "both") else "one"

    @sides.setter
    def sides(self, value: str) -> None:
        self._s.setValue("sides", value)

    @property
    def pose_model(self) -> str:
        """auto, lite, full or heavy (core.pose.auto_model); anything else read from the file is the default, full."""
        value = str(self._get("pose_model", DEFAULT_MODEL))
        return value if value in LIVE_MODELS else DEFAULT_MODEL

    @pose_model.setter
    def pose_model(self, value: str) -> None:
        if value not in LIVE_MODELS:
            raise ValueError(f"unknown pose model {value!r}; choose one of {', '.join(LIVE_MODELS)}")
        self._s.setValue("pose_model", value)

    @property
    def record_seconds(self) -> int:
        try:
            return max(1, min(60, int(self._get("record_seconds", 10))))
        except (TypeError, ValueError):
            return 10

    @record_seconds.setter
    def record_seconds(self, value: int) -> None:
        self._s.setValue("record_seconds", int(value))

    def geometry(self) -> QByteArray | None:
        value = self._s.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def window_state(self) -> QByteArray | None:
        value = self._s.value("window/state")
        return value if isinstance(value, QByteArray) else None

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self._s.setValue("window/geometry", geometry)
        self._s.setValue("window/state", state)

    def sync(self) -> None:
        self._s.sync()

    # -- voice and gestures (ui/voice_control.py) -------------------------------------------------------
    def voice_value(self, key: str, default: object) -> object:
        """voice/KEY: muted, volume (0..1), verbosity (core.voice.cues.VERBOSITIES), gestures (on/off)."""
        return self._get(f"voice/{key}", default)

    def set_voice_value(self, key: str, value: object) -> None:
        self._s.setValue(f"voice/{key}", value)
