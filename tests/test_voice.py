"""The coach's voice: which events are said, one at a time, and `stream --speech` on a real clip, checked by level."""

from __future__ import annotations

import json
import sys
import wave

import numpy as np
import pytest

from core.app.cli import main as cli_main
from core.library.reference_library import Library
from core.library.references import make_reference
from core.match.hold_events import Hold, HoldStatus
from core.match.live import LiveEngine
from core.match.live_events import LiveUpdate
from core.score.feedback import FeedbackItem
from core.score.scoring import PreparedReference
from core.voice.cues import Cue, CuePolicy
from core.voice.phrases import count_phrase, number_words
from core.voice.scheduler import CueScheduler


@pytest.fixture(scope="module")
def engine_installed() -> None:
    """The speech engine is the `voice` extra (in the dev extra): without it only the pure logic is tested."""
    pytest.importorskip("piper", reason="the voice extra is not installed: pip install -e '.[voice]'")


def update(t: float, feedback: tuple[FeedbackItem, ...] = (), status: str = "ok") -> LiveUpdate:
    return LiveUpdate(0, t, status, 80.0, {}, 0.5, 1.0, feedback, 0)


ARM = FeedbackItem("left_arm", "left arm: extend further", 0.5)
HEAD = FeedbackItem("head", "head: keep your head up", 0.3)


def test_numbers_are_said_in_words():
    assert [number_words(n) for n in (0, 7, 13, 40, 92, 100, 115)] == [
        "zero", "seven", "thirteen", "forty", "ninety-two", "one hundred", "one hundred and fifteen",
    ]  # fmt: skip
    assert count_phrase(7, 91.6) == "Seven. Ninety-two."


def test_a_correction_is_said_once_it_persists_and_again_only_while_it_stays_true():
    policy = CuePolicy()
    said = []
    for k in range(300):  # 10 s at 30 fps, the same advice all along
        said += [(round(c.t, 2), c.text) for c in policy.on_update(update(k / 30, (ARM, HEAD)))]
    assert said == [(1.0, "Left arm: extend further."), (9.0, "Left arm: extend further.")]  # top severity only


def test_advice_that_flickers_or_stops_is_never_said():
    policy = CuePolicy()
    cues = []
    for k in range(300):  # the advice changes every 0.5 s: none stays true long enough
        cues += policy.on_update(update(k / 30, (ARM,) if (k // 15) % 2 else (HEAD,)))
    for k in range(300, 600):  # then the move is done well
        cues += policy.on_update(update(k / 30))
    assert cues == []


def test_counts_only_says_no_corrections():
    policy = CuePolicy("counts")
    assert [c for k in range(300) for c in policy.on_update(update(k / 30, (ARM,)))] == []


def test_a_running_hold_says_its_time_every_5_s_and_its_length_when_done():
    policy = CuePolicy()
    said = []
    done = Hold(1, 1.0, 12.0, 90.0, 0.01, 10.0, {})
    for k in range(0, 13 * 30, 3):  # held from 1 s to 12 s, then left; seen 10 times a second, as the app does
        held = max(0.0, k / 30 - 1.0) if k < 12 * 30 else 0.0
        status = HoldStatus(
            held > 0, held > 0, held, 10.0, 0.01, int(k >= 12 * 30), 0.0, done if k >= 12 * 30 else None
        )
        u = LiveUpdate(0, k / 30, "ok", None, {}, None, None, (), 0, hold=status)
        said += [c.text for c in policy.on_update(u)]
    assert said == ["Five seconds.", "Ten seconds.", "Held eleven seconds."]


def test_a_newer_cue_replaces_a_waiting_one_and_a_stale_one_is_dropped():
    s = CueScheduler()
    s.offer(Cue(0.0, "Head: keep your head up.", "correction"))
    assert s.next_due(0.0) is not None
    s.started(0.0, 1.5)  # busy until 1.7
    s.offer(Cue(0.5, "Left arm: extend further.", "correction"))
    s.offer(Cue(0.6, "Three. Ninety.", "count"))  # replaces the waiting correction
    s.offer(Cue(0.7, "Head: keep your head up.", "correction"))  # lower priority: dropped, the count waits
    assert s.next_due(1.0) is None  # the voice is busy: nothing overlaps
    assert s.next_due(1.7).text == "Three. Ninety."
    s.started(1.7, 1.0)
    s.offer(Cue(1.8, "Four. Ninety.", "count"))
    assert s.next_due(10.0) is None  # waited past its time to live: "four" said long after the rep is wrong


def test_the_reps_of_a_real_stream_are_each_counted_in_order_without_overlap(squat_reps, pose_cache, engine_installed):
    from core.voice.synth import load_synth
    from core.voice.timeline import SpeechTimeline

    ref, reps = squat_reps
    squat = pose_cache.get("squat_front_air")
    engine = LiveEngine(PreparedReference.from_reference(ref))
    policy, timeline = CuePolicy(), SpeechTimeline(load_synth())
    for k, row in enumerate(squat.keypoints):
        u = engine.push(row if np.isfinite(row[:, :2]).any() else None, k / squat.fps, squat.skeleton)
        timeline.push(policy.on_update(u), u.t)
    counts = [s for s in timeline.spoken if s.cue.kind == "count"]
    assert [c.cue.text.split(".")[0] for c in counts] == [number_words(r.index).capitalize() for r in reps]
    rate = timeline.synth.sample_rate
    for a, b in zip(timeline.spoken, timeline.spoken[1:], strict=False):
        assert a.start + len(a.samples) / rate <= b.start  # never two at once


@pytest.fixture(scope="module")
def squat_take(pose_cache, tmp_path_factory):
    """The squat clip as a keypoint file and a library holding one squat cut from it (as squat_reps does)."""
    folder = tmp_path_factory.mktemp("voice")
    squat = pose_cache.get("squat_front_air")
    np.save(folder / "squat.npy", squat.keypoints)
    ref = make_reference(squat.slice(60, 120), "squat", "front", source="squat_front_air.mp4 [60:120]")
    Library(folder / "lib").save(ref)
    return folder


def speech_onsets(path, merge_s: float = 0.1) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """(level in dBFS per 20 ms, sounding segments (start, end) in seconds, pauses under merge_s joined)."""
    with wave.open(str(path)) as w:
        rate, samples = w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float64)
    hop = int(0.02 * rate)
    n = len(samples) // hop
    db = 20 * np.log10(np.sqrt((samples[: n * hop].reshape(n, hop) ** 2).mean(axis=1)) / 32768 + 1e-9)
    segments: list[tuple[float, float]] = []
    for k in np.flatnonzero(db > -45):
        if segments and k * 0.02 - segments[-1][1] < merge_s:
            segments[-1] = (segments[-1][0], (k + 1) * 0.02)
        else:
            segments.append((k * 0.02, (k + 1) * 0.02))
    return db, segments


def test_stream_speech_wav_speaks_each_rep_just_after_it(squat_take, capsys, engine_installed):
    wav = squat_take / "speech.wav"
    args = ["stream", str(squat_take / "squat.npy"), "--reference", "squat", "--library", str(squat_take / "lib")]
    assert cli_main([*args, "--no-starter", "--quiet", "--speech", str(wav)]) == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    reps = [e for e in events if e.get("event") == "rep" and e["counted"]]
    cues = [e for e in events if e.get("event") == "cue"]
    assert len(reps) >= 12 and wav.is_file()
    db, segments = speech_onsets(wav)
    assert len(db) * 0.02 >= 30.0  # the whole stream (900 frames at 30 fps), then the summary
    # Every rep is heard: a sound starts within a count's time to live (2.5 s) after the rep ended.
    for rep in reps:
        assert any(rep["end"] <= start <= rep["end"] + 2.5 for start, _ in segments), rep
    # Sound only while a cue is said, and silence (digital zero) in between.
    for start, end in segments:
        assert any(c["start"] - 0.05 <= start and end <= c["start"] + c["duration"] + 0.05 for c in cues), start
    spoken = np.zeros(len(db), bool)
    for c in cues:
        spoken[max(0, int(c["start"] / 0.02) - 1) : int((c["start"] + c["duration"]) / 0.02) + 2] = True  # +-1 frame
    assert db[~spoken].max() < -90
    assert cues[-1]["kind"] == "summary" and "Set done" in cues[-1]["text"]


def test_stream_speech_into_a_missing_folder_fails_before_streaming(squat_take, capsys):
    args = ["stream", str(squat_take / "squat.npy"), "--reference", "squat", "--library", str(squat_take / "lib")]
    assert cli_main([*args, "--speech", str(squat_take / "nowhere" / "x.wav")]) == 2
    captured = capsys.readouterr()
    assert "does not exist" in captured.err and '"frame"' not in captured.out


def test_stream_speech_without_the_engine_says_what_to_install(squat_take, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "piper", None)  # as on an install without the voice extra
    args = ["stream", str(squat_take / "squat.npy"), "--reference", "squat", "--library", str(squat_take / "lib")]
    assert cli_main([*args, "--speech", str(squat_take / "x.wav")]) == 2
    assert "pip install 'posecoach[voice]'" in capsys.readouterr().err
    assert not (squat_take / "x.wav").exists()
