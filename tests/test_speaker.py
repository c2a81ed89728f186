"""The app's speaker thread: never blocks the caller, says one cue at a time, the newest first; no device: one note."""

from __future__ import annotations

import time

import pytest

from core.voice.cues import Cue
from core.voice.speaker import Speaker, default_sink
from core.voice.synth import VoiceUnavailable, load_synth

pytest.importorskip("piper", reason="the voice extra is not installed: pip install -e '.[voice]'")


class RealTimeDevice:
    """Plays by waiting as long as the samples last (what a sound card does), and notes when each started."""

    def __init__(self) -> None:
        self.played: list[tuple[float, float]] = []

    def play(self, samples, rate, volume) -> None:
        start = time.monotonic()
        time.sleep(len(samples) / rate)
        self.played.append((start, time.monotonic()))


def test_cues_are_said_one_at_a_time_newest_first_without_blocking_the_caller():
    device = RealTimeDevice()
    speaker = Speaker(sink=lambda: device)
    try:
        speaker.say(Cue(0, "One. Ninety.", "count"))
        time.sleep(0.5)  # the engine loads and "one" is being said
        waits = []
        for text in ("Two. Ninety.", "Three. Ninety.", "Four. Ninety."):  # faster than they can be said
            t0 = time.perf_counter()
            speaker.say(Cue(0, text, "count"))
            waits.append(time.perf_counter() - t0)
        deadline = time.monotonic() + 10
        while len(device.played) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
    finally:
        speaker.close()
    assert max(waits) < 0.005  # the frame loop never waits for speech
    # "four" replaced "two" and "three" while "one" was said
    assert [c.text for _, _, c in speaker.said] == ["One. Ninety.", "Four. Ninety."]
    (_, end1), (start2, _) = device.played
    assert start2 >= end1  # never overlapping


def test_without_an_audio_device_the_speaker_says_so_once_and_goes_on_silently(monkeypatch):
    monkeypatch.delenv("POSECOACH_AUDIO")  # the real device check of this machine
    try:
        default_sink()
    except VoiceUnavailable:
        pass
    else:
        pytest.skip("this machine has an audio output device")
    notes: list[str] = []
    speaker = Speaker(on_note=notes.append, synth=load_synth)
    try:
        speaker.warm_up(("Three.",))  # the window's start: the missing device is said before any cue
        deadline = time.monotonic() + 10
        while not notes and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(notes) == 1
        for n in range(5):
            speaker.say(Cue(0, f"Rep {n}.", "count"))
            time.sleep(0.1)
    finally:
        speaker.close()
    assert len(notes) == 1 and notes[0].startswith("Voice off: no audio output")
