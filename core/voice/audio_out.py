"""Sound out of the default audio device through sounddevice (PortAudio); runs on the speaker thread.

sounddevice is in the voice extra (mediapipe installs it too); PySide6-Essentials has no QtMultimedia (it is
in the 150 MB Addons). Its wheels carry PortAudio on Windows and macOS; Linux needs the system's
libportaudio2. Without either, or without an output device, AudioUnavailable says so in one sentence.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from .synth import VoiceUnavailable


class AudioUnavailable(VoiceUnavailable):
    """No audio output: no PortAudio library or no output device."""


class SoundDeviceSink:
    """Plays one cue at a time, blocking until it has been heard (the speaker thread waits on it)."""

    def __init__(self) -> None:
        try:
            import sounddevice
        except (ImportError, OSError) as exc:  # OSError: the PortAudio library is not installed
            raise AudioUnavailable(f"no audio output ({exc}; on Linux: apt install libportaudio2)") from exc
        try:
            device = sounddevice.query_devices(kind="output")
        except Exception as exc:  # PortAudioError, ValueError: no default output device
            raise AudioUnavailable(f"no audio output device ({exc})") from exc
        self._sd: Any = sounddevice
        self.name = str(device.get("name", "")) if isinstance(device, dict) else ""
        self.latency = float(device.get("default_low_output_latency", 0.0)) if isinstance(device, dict) else 0.0

    def play(self, samples: NDArray[np.int16], rate: int, volume: float) -> None:
        scaled = (samples.astype(np.float32) * (volume / 32768.0)).reshape(-1, 1)
        try:
            self._sd.play(scaled, rate, latency="low")
            self._sd.wait()
        except Exception as exc:  # the device went away mid-session
            raise AudioUnavailable(f"audio output failed ({exc})") from exc
