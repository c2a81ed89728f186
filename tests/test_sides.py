"""Both sides on real Muay Thai takes: a mirrored performance counts with its side, or is named as the other side."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import numpy as np
import pytest

from core.app.cli import main as cli_main
from core.features.bones import mirror_keypoints
from core.frame.sources import load_keypoint_array
from core.library.reference_library import Library
from core.library.references import make_reference
from core.match.sidedness import is_one_sided
from core.match.sides import SidedEngine
from core.pose.estimator import PoseSequence
from core.score.scoring import PreparedReference

from .conftest import TESTDATA

MUAYTHAI = TESTDATA / "muaythai"


def _sequence(path: Path) -> PoseSequence:
    keypoints, skeleton = load_keypoint_array(path)
    return PoseSequence(keypoints, skeleton, 30.0, (1920, 1080), str(path))


def _reference(name: str):
    return make_reference(_sequence(MUAYTHAI / "references" / f"{name}.npy"), name, "front")


def _play(engine: SidedEngine, keypoints: np.ndarray, skeleton: str) -> tuple[list, set[str]]:
    reps, said = [], set()
    for k, row in enumerate(keypoints):
        update = engine.push(row if np.isfinite(row[:, :2]).any() else None, k / 30.0, skeleton)
        said |= {f.message for f in update.feedback}
        if update.new_rep is not None:
            reps.append(update.new_rep)
    return reps + engine.finish(), said


@pytest.fixture(scope="module")
def straight_right():
    return PreparedReference.from_reference(_reference("straight_right"))


@pytest.fixture(scope="module")
def southpaw_take():
    """straight_right_5 seen in a mirror: the same person throwing the same cross from the other stance."""
    seq = _sequence(MUAYTHAI / "train" / "straight_right_5.npy")
    return mirror_keypoints(seq.keypoints, seq.skeleton), seq.skeleton


def test_strikes_are_one_sided_and_a_front_squat_is_not(pose_cache):
    for name in ("straight_right", "hook_body_left", "roundhouse_right", "front_kick_left"):
        assert is_one_sided(PreparedReference.from_reference(_reference(name))), name
    squat = pose_cache.get("squat_front_air")
    ref = make_reference(squat.slice(60, 120), "squat", "front")
    assert not is_one_sided(PreparedReference.from_reference(ref))
    assert SidedEngine(PreparedReference.from_reference(ref), "one").other is None  # no sides: one engine


def test_the_reference_side_is_counted_and_not_mirrored(straight_right):
    seq = _sequence(MUAYTHAI / "train" / "straight_right_5.npy")
    for sides in ("one", "both"):
        reps, said = _play(SidedEngine(straight_right, sides), seq.keypoints, seq.skeleton)
        assert len(reps) >= 5 and all(r.counted and r.side == "right" and not r.mirrored for r in reps)
        assert not any(m.startswith("other side") for m in said)


def test_both_sides_counts_the_mirrored_performance_as_left(straight_right, southpaw_take):
    engine = SidedEngine(straight_right, "both")
    reps, _ = _play(engine, *southpaw_take)
    assert len(reps) >= 5
    assert all(r.counted and r.side == "left" and r.mirrored for r in reps)
    assert [r.index for r in reps] == list(range(1, len(reps) + 1))
    assert engine.summary()["by_side"] == {"left": len(reps)}


def test_one_side_names_the_other_side_instead_of_scoring_it(straight_right, southpaw_take):
    engine = SidedEngine(straight_right, "one")
    reps, said = _play(engine, *southpaw_take)
    assert len(reps) >= 5 and engine.rep_count == 0
    for rep in reps:
        assert not rep.counted and rep.as_dict()["score"] is None
        assert [f.message for f in rep.feedback] == ["other side: use your right hand"]
    assert "other side: use your right hand" in said  # on screen too, not only in the rep event


def test_a_cross_against_the_jab_reference_is_the_other_hand():
    """Real takes, no mirror: straight_right_5 (rear-hand crosses) against the straight_left reference (the
    lead-hand jab). Not a mirror image (both from orthodox stance), but the other hand struck."""
    seq = _sequence(MUAYTHAI / "train" / "straight_right_5.npy")
    jab = PreparedReference.from_reference(_reference("straight_left"))
    reps, said = _play(SidedEngine(jab, "one"), seq.keypoints, seq.skeleton)
    other = [r for r in reps if not r.counted]
    assert len(other) >= len(reps) // 2 and all(r.side == "right" for r in other)
    assert "other side: use your left hand" in said


def test_stream_sides_both_reports_side_and_mirrored(tmp_path, southpaw_take):
    lib = Library(tmp_path / "lib")
    lib.save(_reference("straight_right"))
    take = tmp_path / "southpaw.npy"
    np.save(take, southpaw_take[0])
    base = ["stream", str(take), "--reference", "straight_right", "--library", str(lib.folder)]
    base += ["--quiet", "--no-starter"]
    for sides, counted in (("both", True), ("one", False)):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert cli_main([*base, "--sides", sides]) == 0
        events = [json.loads(line) for line in out.getvalue().splitlines()]
        reps = [e for e in events if e.get("event") == "rep"]
        assert len(reps) >= 5
        assert all(e["side"] == "left" and e["mirrored"] is True and e["counted"] is counted for e in reps)
        assert events[-1]["reps"] == (len(reps) if counted else 0)
