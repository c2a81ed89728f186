"""Holds (key poses held still) on real Muay Thai keypoints: record, file format, live hold timer, stream."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.app.cli import main
from core.frame.sources import read_keypoints
from core.library.reference_library import Library
from core.match.hold import HOLD_GRACE_S, HoldEngine
from core.score.scoring import PreparedReference

from .conftest import TESTDATA

TRAIN = TESTDATA / "muaythai" / "train"
FPS = 30.0
REF_TAKE = "front_kick_left_6"  # the coach's guard
OTHER_TAKE = "front_kick_left_7"  # another take: someone else's guard, the same kicks between
WOBBLE = 6  # frames (0.2 s) of a kick inside the second hold: shorter than the grace


def _load(take: str) -> tuple[np.ndarray, np.ndarray]:
    return read_keypoints(TRAIN / f"{take}.npy").keypoints, np.load(TRAIN / f"{take}.labels.npy")


def _runs(labels: np.ndarray, guard: bool) -> list[tuple[int, int]]:
    """[start, end) runs of guard frames (label 0) or of technique frames, in order."""
    on = (labels == 0) if guard else (labels != 0)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], on.astype(int), [0]])))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _guards(labels: np.ndarray) -> list[tuple[int, int]]:
    """The labelled guard runs, longest first, without 5 frames at each end (the labels' transitions)."""
    runs = sorted(_runs(labels, guard=True), key=lambda r: r[0] - r[1])
    return [(a + 5, b - 5) for a, b in runs]


def _kick_middle(labels: np.ndarray) -> np.ndarray:
    """Frame indices of the middle third of every labelled kick (its peak): clearly away from the guard.

    The labels' kicks begin and end in guard (chamber and return), so their outer frames are not "away"."""
    return np.concatenate([np.arange(a + (b - a) // 3, b - (b - a) // 3) for a, b in _runs(labels, guard=False)])


@pytest.fixture(scope="module")
def hold_lib(tmp_path_factory):
    """A library holding a 'guard' hold recorded with the CLI from the coach's longest guard (and a second
    around it: the stillest second is found by `record --hold`)."""
    folder = tmp_path_factory.mktemp("holds")
    _, labels = _load(REF_TAKE)
    a, b = _guards(labels)[0]
    start, end = (a - 30) / FPS, (b + 30) / FPS
    span = ["--start", f"{start:.3f}", "--end", f"{end:.3f}"]
    args = ["record", str(TRAIN / f"{REF_TAKE}.npy"), "--hold", "--name", "guard", "--view", "side", *span]
    assert main([*args, "--target", "3", "--library", str(folder)]) == 0
    return folder


@pytest.fixture(scope="module")
def constructed(tmp_path_factory):
    """Another person's take rearranged: kick, hold N s, kick, hold M s with a 0.2 s kick wobble inside, kick.

    Returns (path of the .npy stream, [N, M] seconds as constructed).
    """
    kp, labels = _load(OTHER_TAKE)
    away = _kick_middle(labels)
    (a1, b1), (a2, b2) = _guards(labels)[:2]
    half = (a2 + b2) // 2
    pieces = [away[:20], np.arange(a1, b1), away[20:50], np.arange(a2, half), away[50 : 50 + WOBBLE],
              np.arange(half, b2), away[60:80]]  # fmt: skip
    stream = kp[np.concatenate(pieces)]
    path = tmp_path_factory.mktemp("stream") / "guard_stream.npy"
    np.save(path, stream)
    return path, [(b1 - a1) / FPS, (b2 - a2 + WOBBLE) / FPS]


def _stream(path, library, capsys) -> list[dict]:
    capsys.readouterr()
    assert main(["stream", str(path), "--reference", "guard", "--library", str(library), "--quiet"]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_record_hold_stores_a_hold_with_its_still_stretch_and_target(hold_lib, capsys):
    (ref,) = Library(hold_lib).load()
    assert ref.kind == "hold" and ref.hold is not None
    assert ref.hold.target_s == 3.0
    assert ref.hold.end - ref.hold.start == int(FPS)  # the stillest second of the span given
    data = json.loads(ref.path.read_text())
    assert data["version"] == 3 and data["kind"] == "hold" and data["hold"]["target_seconds"] == 3
    assert main(["list", "--library", str(hold_lib)]) == 0
    assert "[hold, target 3 s]" in capsys.readouterr().out.splitlines()[0]  # the user's move first


def test_a_move_file_is_still_version_2_and_says_its_kind(tmp_path):
    kp, labels = _load(REF_TAKE)
    a, b = _runs(labels, guard=False)[0]
    np.save(tmp_path / "kick.npy", kp[a:b])
    assert main(["record", str(tmp_path / "kick.npy"), "--name", "kick", "--view", "side",
                 "--library", str(tmp_path / "lib")]) == 0  # fmt: skip
    (ref,) = Library(tmp_path / "lib").load()
    data = json.loads(ref.path.read_text())
    assert ref.kind == "move" and ref.hold is None
    assert data["version"] == 2 and data["kind"] == "move"


def test_a_damaged_hold_is_refused_by_name(hold_lib, tmp_path):
    data = json.loads(next(hold_lib.glob("*.json")).read_text())
    data["hold"]["end"] = 10_000
    (tmp_path / "bad--side.json").write_text(json.dumps(data))
    data["hold"] = {"start": 0, "end": 30, "target_seconds": 0}
    (tmp_path / "zero--side.json").write_text(json.dumps(data))
    lib = Library(tmp_path)
    assert lib.load() == []
    errors = " ".join(str(e) for e in lib.errors)
    assert "bad--side.json" in errors and "start and end must be frames" in errors
    assert "zero--side.json" in errors and "target_seconds" in errors


def test_constructed_stream_gives_one_hold_per_hold_with_the_constructed_durations(hold_lib, constructed, capsys):
    path, truth = constructed
    events = _stream(path, hold_lib, capsys)
    holds = [e for e in events if e.get("event") == "hold"]
    print("constructed", [round(t, 3) for t in truth], "measured", [h["duration"] for h in holds])
    assert len(holds) == 2, "two holds, the second not split by its 0.2 s wobble"
    for hold, seconds in zip(holds, truth, strict=True):
        assert abs(hold["duration"] - seconds) <= 0.2
        assert hold["end"] - hold["start"] == pytest.approx(hold["duration"], abs=1e-3)
        assert hold["score"] >= 50 and 0 < hold["stability"] < 0.5
        assert set(hold) >= {"event", "start", "end", "duration", "score", "stability"}
    assert holds[1]["start"] > holds[0]["end"]
    summary = events[-1]
    assert summary["event"] == "summary" and summary["holds"] == 2


def test_the_hold_timer_runs_through_a_short_wobble_and_shows_progress(hold_lib, constructed):
    path, truth = constructed
    engine = HoldEngine(PreparedReference.from_reference(Library(hold_lib).load()[0]))
    stream = np.load(path)
    wobble_seen, longest = False, 0.0
    for k, row in enumerate(stream):
        update = engine.push(row, k / FPS, "mediapipe33")
        status = update.hold
        assert status is not None and 0.0 <= status.progress <= 1.0
        wobble_seen |= status.holding and not status.in_pose
        longest = max(longest, status.held)
    assert wobble_seen, "the wobble is forgiven, not unseen"
    assert longest == pytest.approx(truth[1], abs=0.2)
    assert HOLD_GRACE_S > WOBBLE / FPS


def test_another_persons_guard_matches_and_a_kick_does_not(hold_lib):
    prepared = PreparedReference.from_reference(Library(hold_lib).load()[0])
    kp, labels = _load(OTHER_TAKE)
    a, b = _guards(labels)[0]
    kick = _kick_middle(labels)
    engine = HoldEngine(prepared)
    # The kicks first: the engine learns this person's bone lengths from motion, as it would live.
    for k, row in enumerate(kp[kick[:60]]):
        engine.push(row, k / FPS, "mediapipe33")
    guard = [engine.push(row, (60 + k) / FPS, "mediapipe33") for k, row in enumerate(kp[a:b])]
    assert np.mean([u.hold.in_pose for u in guard]) >= 0.8
    assert np.median([u.score for u in guard]) >= 60
    # One kick frame held as if frozen: never within tolerance, however still.
    peak = kp[kick[len(kick) // 2]]
    frozen = [engine.push(peak, (60 + b - a + k) / FPS, "mediapipe33") for k in range(60)]
    assert not any(u.hold.in_pose for u in frozen)
    assert max(u.score for u in frozen) < 50
    assert engine.finish() == [] or engine.holds[-1].end <= (60 + b - a + 1) / FPS


def test_corrections_name_the_part_that_is_off(hold_lib):
    """The coach's own guard with the left leg's knee and ankle moved straight down: 'left leg' is named."""
    prepared = PreparedReference.from_reference(Library(hold_lib).load()[0])
    kp, labels = _load(REF_TAKE)
    a, b = _guards(labels)[1]
    bent = kp[a:b].copy()
    hip, knee, ankle = 23, 25, 27  # mediapipe's left hip, knee and ankle
    leg = np.linalg.norm(bent[:, knee, :2] - bent[:, hip, :2], axis=-1).mean()
    bent[:, knee, 0] += 0.6 * leg  # the knee pushed far out to the side
    bent[:, ankle, 0] += 0.6 * leg
    engine = HoldEngine(prepared)
    for k, row in enumerate(kp[:a]):  # the take before: motion for the bone lengths
        engine.push(row, k / FPS, "mediapipe33")
    said = set()
    for k, row in enumerate(bent):
        update = engine.push(row, (a + k) / FPS, "mediapipe33")
        said |= {f.message for f in update.feedback}
    assert any(m.startswith("left leg:") for m in said), said


def test_a_hold_filmed_from_the_other_side_is_timed_the_same(hold_lib, constructed, tmp_path, capsys):
    """The same stream as a camera on the other side of the room sees it (x flipped, left and right kept)."""
    path, truth = constructed
    stream = np.load(path)
    stream[..., 0] = 1920 - stream[..., 0]  # the set's pixels of a 1920-wide frame
    np.save(tmp_path / "turned.npy", stream)
    holds = [e for e in _stream(tmp_path / "turned.npy", hold_lib, capsys) if e.get("event") == "hold"]
    assert len(holds) == 2
    for hold, seconds in zip(holds, truth, strict=True):
        assert abs(hold["duration"] - seconds) <= 0.2
