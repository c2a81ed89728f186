"""Combinations: followed live on runs assembled from real Muay Thai takes of other people than the references."""

from __future__ import annotations

import json

import pytest

from core.app.errors import LibraryError
from core.app.paths import starter_library_dir
from core.library.combination import CombinationStore, compose
from core.library.reference_library import Library
from core.library.starter import CATALOGUE
from core.match.combo import ComboFollower, other_side_references
from core.match.combo_align import align
from core.match.combo_scenario import build
from core.pose.skeleton import COCO17

from .conftest import TESTDATA

TRAIN = TESTDATA / "muaythai" / "train"
# The boxing combination: jab, cross, left hook, right low kick.
STEMS = ("straight_left", "straight_right", "hook_head_left", "low_kick_right")
A, B, C, D = STEMS
RUNS = ([A, B, C, D], [A, B, C, D], [A, B, C, D], [A, B, D], [A, C, B, D])


@pytest.fixture(scope="module")
def starter():
    return Library(starter_library_dir()).load()


@pytest.fixture(scope="module")
def by_stem(starter):
    refs = {r.move: r for r in starter}
    return {t.stem: refs[t.move] for t in CATALOGUE}


@pytest.fixture(scope="module")
def followed(starter, by_stem):
    """The five runs joined into one stream and followed: (scenario, techniques, runs)."""
    if not TRAIN.is_dir():
        pytest.fail(f"missing {TRAIN}: the tests need ../shared beside the project")
    scenario = build(TRAIN, by_stem, RUNS)
    combo = compose("boxing 1", "side", [by_stem[s] for s in STEMS])
    follower = ComboFollower(combo, other_sides=other_side_references(combo, starter))
    techniques, runs = [], []
    for k, row in enumerate(scenario.stream.keypoints):
        update = follower.push(row, k / 30.0, COCO17)
        techniques += update.techniques
        runs += update.runs
        assert update.progress.labels == tuple(combo.labels)
    more, last = follower.finish()
    return scenario, techniques + more, runs + last


def test_every_run_is_found_with_its_skip_and_its_swap(followed):
    _, _, runs = followed
    assert len(runs) == len(RUNS)
    for run in runs[:3]:
        assert [d.index for d in run.done] == [0, 1, 2, 3] and run.order_ok and not run.missing and not run.extra
    assert runs[3].missing == (2,) and runs[3].order_ok  # the hook skipped
    assert runs[4].swapped == ((1, 2),) and not runs[4].order_ok and not runs[4].missing  # hook before cross
    assert runs[3].score < min(r.score for r in runs[:3])  # a skipped technique counts 0


def test_each_technique_scores_within_5_of_the_same_technique_alone(followed):
    scenario, techniques, _ = followed
    assert len(techniques) == sum(len(r) for r in RUNS)
    for t, alone, stem in zip(techniques, scenario.alone, scenario.stream.techniques, strict=True):
        assert t.expected is not None and by_move(t.move) == stem
        assert abs(t.score - alone) <= 5, f"{t.move}: {t.score:.1f} in the combination, {alone:.1f} alone"
        event = t.as_dict()
        assert event["event"] == "technique" and event["parts"] and "peak_speed" in event


def by_move(label: str) -> str:
    return next(t.stem for t in CATALOGUE if label.startswith(t.move))


def test_run_events_say_what_went_wrong(followed):
    _, _, runs = followed
    skip, swap = runs[3].as_dict(), runs[4].as_dict()
    assert skip["missing"] == [{"index": 2, "move": "Hook to the head, left - side"}]
    assert swap["order_ok"] is False and swap["swapped"] == [[1, 2]]
    assert all(isinstance(r.as_dict()["rhythm"], float) for r in runs)
    json.dumps([r.as_dict() for r in runs])


def test_alignment_names_skip_extra_swap_and_wrong_side():
    want = ["jab", "cross", "hook L", "kick R"]
    sides = {"hook L": "hook R", "kick R": "kick L"}
    assert [s.kind for s in align(want, ["jab", "hook L", "kick R"], sides).steps] == [
        "match", "missing", "match", "match"
    ]  # fmt: skip
    assert [s.kind for s in align(want, ["jab", "hook L", "cross", "kick R"], sides).steps] == [
        "match",
        "swap",
        "match",
    ]
    assert "wrong_side" in [s.kind for s in align(want, ["jab", "cross", "hook R", "kick R"], sides).steps]
    extra = align(want, ["jab", "jab", "cross", "hook L", "kick R"], sides)
    assert [s.kind for s in extra.steps].count("extra") == 1 and extra.cost == 1
    live = align(want, ["jab", "hook L"], sides, prefix=True)  # live: the cross looks skipped, so far
    assert live.position_of(1) == 2 and live.reached == 3


def test_a_combination_file_embeds_its_techniques_and_says_what_is_wrong(tmp_path, by_stem):
    store = CombinationStore(tmp_path)
    combo = compose("Jab cross", "side", [by_stem[A], by_stem[B]])
    path = store.save(combo)
    assert path.parent.name == "combinations" and not list(tmp_path.glob("*.json"))  # not read as a reference
    back = store.find("jab cross")
    assert back is not None and back.labels == combo.labels
    assert (back.techniques[0].keypoints == by_stem[A].keypoints).all()
    with pytest.raises(LibraryError, match="already exists"):
        store.save(combo)
    path.write_text(path.read_text()[:500])
    assert store.load() == [] and "not valid JSON" in str(store.errors[0])
    with pytest.raises(LibraryError, match="at least two"):
        compose("one", "side", [by_stem[A]])
