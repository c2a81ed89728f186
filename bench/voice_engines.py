"""Which speech engine: Piper (neural, the `voice` extra) against eSpeak NG (espeakng-loader's bundled library).

    pip install espeakng-loader pocketsphinx   # only for this comparison; neither is a project dependency
    python bench/voice_engines.py

Per engine: load time, synthesis time per cue, and intelligibility measured by machine: the cues are
resampled to 16 kHz and transcribed by PocketSphinx (CMU, its packaged en-us model and open-vocabulary
language model, nothing tuned to our phrases); the word error rate against the text said is printed.
"""

from __future__ import annotations

import ctypes
import statistics
import time
from collections.abc import Callable

import _common  # noqa: F401 - puts the project on sys.path
import numpy as np
from scipy.signal import resample_poly

from core.voice.phrases import correction_phrase, count_phrase, seconds_phrase, summary_phrase

RNG = np.random.default_rng(0)
PHRASES = [count_phrase(n, float(RNG.integers(55, 101))) for n in range(1, 16)]
PHRASES += [correction_phrase(m) for m in (
    "left arm: extend further", "right arm: raise it higher", "torso: go lower", "head: keep your head up",
    "left leg: lift the knee higher", "right leg: straighten the leg", "torso: keep your back more upright",
    "too slow", "too fast", "other side: use your right hand")]  # fmt: skip
PHRASES += [seconds_phrase(s) for s in (5, 10, 15, 20)] + [summary_phrase(12, 91, 84), summary_phrase(7, 78, 70)]


def words(text: str) -> list[str]:
    return [w for w in "".join(c if c.isalnum() else " " for c in text.lower()).split()]


def wer(ref: list[str], hyp: list[str]) -> float:
    d = np.arange(len(hyp) + 1)
    for i, r in enumerate(ref, 1):
        prev, d[0] = d.copy(), i
        for j, h in enumerate(hyp, 1):
            d[j] = min(prev[j] + 1, d[j - 1] + 1, prev[j - 1] + (r != h))
    return float(d[-1]) / max(1, len(ref))


def piper() -> tuple[Callable[[str], np.ndarray], int]:
    from core.voice.synth import load_synth

    synth = load_synth()
    return synth.pcm, synth.sample_rate


def espeak() -> tuple[Callable[[str], np.ndarray], int]:
    import espeakng_loader as el

    lib = ctypes.CDLL(el.get_library_path())
    rate = lib.espeak_Initialize(2, 0, el.get_data_path().encode(), 0)  # AUDIO_OUTPUT_SYNCHRONOUS
    lib.espeak_SetVoiceByName(b"en-us")
    chunks: list[np.ndarray] = []
    callback_type = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)

    def collect(wav, n, _events) -> int:  # noqa: ANN001
        if n > 0:
            chunks.append(np.ctypeslib.as_array(wav, shape=(n,)).copy())
        return 0

    keep = callback_type(collect)
    lib.espeak_SetSynthCallback(keep)
    lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
                                 ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]  # fmt: skip

    def pcm(text: str) -> np.ndarray:
        chunks.clear()
        raw = text.encode() + b"\0"
        lib.espeak_Synth(raw, len(raw), 0, 0, 0, 0, None, None)
        lib.espeak_Synchronize()
        return np.concatenate(chunks).astype(np.int16), keep  # keep: the callback must outlive the calls

    return (lambda text: pcm(text)[0]), int(rate)


def transcribe(decoder, samples: np.ndarray, rate: int) -> list[str]:  # noqa: ANN001
    audio = resample_poly(samples.astype(np.float64), 16000, rate)
    pad = np.zeros(8000)
    pcm16 = np.clip(np.concatenate([pad, audio, pad]), -32768, 32767).astype("<i2").tobytes()
    decoder.start_utt()
    decoder.process_raw(pcm16, full_utt=True)
    decoder.end_utt()
    hyp = decoder.hyp()
    return words(hyp.hypstr) if hyp is not None else []


def main() -> None:
    from pocketsphinx import Decoder

    decoder = Decoder(samprate=16000, loglevel="FATAL")
    for name, make in (("piper (joe, medium)", piper), ("eSpeak NG (en-us)", espeak)):
        t0 = time.perf_counter()
        try:
            pcm, rate = make()
        except ImportError as exc:
            print(f"{name}: not installed ({exc.name})")
            continue
        load = time.perf_counter() - t0
        times, errors = [], []
        for text in PHRASES:
            t0 = time.perf_counter()
            samples = pcm(text)
            times.append((time.perf_counter() - t0) * 1000)
            errors.append(wer(words(text), transcribe(decoder, samples, rate)))
        print(f"{name}: load {load:.2f} s, synthesis per cue median {statistics.median(times):.1f} ms "
              f"(max {max(times):.0f}), word error rate by PocketSphinx {100 * statistics.mean(errors):.0f} % "
              f"over {len(PHRASES)} cues")  # fmt: skip


if __name__ == "__main__":
    main()
