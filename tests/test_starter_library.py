"""The starter library: 14 Muay Thai techniques shipped read-only, derived from the shared Apache-2.0 set,
listed after the user's own moves, hidden rather than deleted, and usable for practice as they are."""

from __future__ import annotations

import numpy as np
import pytest

from core.app.errors import LibraryError
from core.app.paths import open_library, starter_library_dir
from core.library.labelled_takes import labelled_segments, load_labelled_take
from core.library.recording import store_move
from core.library.reference_library import Library
from core.library.starter import CATALOGUE, starter_reference
from core.match.live import LiveEngine
from core.score.scoring import PreparedReference

from .conftest import SHARED
from .test_cli import lines, run

MUAYTHAI = SHARED / "testdata" / "muaythai"


def _starter() -> dict[str, object]:
    return {r.move: r for r in Library(starter_library_dir()).load()}


def test_the_shipped_moves_are_what_the_converter_derives_from_the_shared_references():
    shipped = _starter()
    assert len(shipped) == len(CATALOGUE) == 14
    for technique in CATALOGUE:
        derived = starter_reference(MUAYTHAI / "references" / f"{technique.stem}.npy", technique)
        ref = shipped[technique.move]
        assert (ref.view, ref.category, ref.side, ref.fps) == ("side", technique.category, technique.side, 30.0)
        assert ref.keypoints.shape == derived.keypoints.shape
        np.testing.assert_allclose(ref.keypoints, derived.keypoints, atol=1e-3, equal_nan=True)
        assert ref.weights == pytest.approx(derived.weights, abs=0.01)
        assert technique.stem in ref.source and "Apache-2.0" in ref.source


def test_the_licence_and_a_notice_of_source_and_changes_ship_beside_them():
    folder = starter_library_dir()
    assert "Apache License" in (folder / "LICENSE").read_text(encoding="utf-8")
    notice = (folder / "NOTICE").read_text(encoding="utf-8")
    assert "Thai-Boxing-Assistant" in notice and "Changes made" in notice


def test_names_say_the_technique_and_the_striking_side():
    moves = _starter()
    assert {r.category for r in moves.values()} == {"punch", "kick"}
    for move, ref in moves.items():
        assert move.endswith(f", {ref.side}")
    assert "Jab / straight, left" in moves and "Roundhouse kick, right" in moves


def test_the_users_moves_come_first_and_a_move_of_the_same_label_stands_in_for_the_starter_one(tmp_path):
    lib = open_library(tmp_path / "mine")
    take, _ = load_labelled_take(MUAYTHAI / "train" / "straight_left_6.npy")
    store_move(lib, [take.slice(10, 40)], "Jab / straight, left", "side")
    store_move(lib, [take.slice(60, 90)], "my guard", "side")
    refs = lib.load()
    assert [r.move for r in refs[:2]] == ["Jab / straight, left", "my guard"]
    assert not refs[0].starter and not refs[1].starter
    assert len(refs) == 15 and all(r.starter for r in refs[2:])
    assert [r.move for r in refs].count("Jab / straight, left") == 1  # the user's copy, not both


def test_a_starter_move_is_hidden_not_deleted_and_comes_back(tmp_path):
    starter = sorted(p.name for p in starter_library_dir().iterdir())
    lib = open_library(tmp_path / "mine")
    (kick,) = lib.find("Low kick, left")
    with pytest.raises(LibraryError, match="cannot be deleted"):
        lib.delete(kick)
    lib.hide(kick)
    assert "Low kick, left" not in [r.move for r in lib.load()]
    assert [r.move for r in lib.hidden_starter] == ["Low kick, left"]
    with pytest.raises(LibraryError, match="hidden starter move"):
        lib.find("Low kick, left")
    lib.show_hidden()
    assert len(lib.load()) == 14
    assert sorted(p.name for p in starter_library_dir().iterdir()) == starter


def test_adding_a_take_to_a_starter_move_writes_the_users_copy_never_the_shipped_file(tmp_path):
    shipped = (starter_library_dir() / "side-kick-left--side.json").read_bytes()
    lib = open_library(tmp_path / "mine")
    take, labels = load_labelled_take(MUAYTHAI / "train" / "side_kick_left_6.npy")
    seg = labelled_segments(labels)[0]
    ref = store_move(lib, [take.slice(seg.start, seg.end)], "Side kick, left", "side", add=True)
    assert len(ref.examples) == 2 and not ref.starter
    assert (tmp_path / "mine" / "side-kick-left--side.json").is_file()
    assert (starter_library_dir() / "side-kick-left--side.json").read_bytes() == shipped
    (mine,) = lib.find("Side kick, left")
    assert len(mine.examples) == 2 and not mine.starter


@pytest.mark.parametrize("take, move", [("side_kick_left_8", "Side kick, left"),
                                        ("front_kick_right_5", "Front kick (teep), right")])  # fmt: skip
def test_another_persons_kicks_are_counted_against_the_starter_move(take, move):
    """Club members' takes (not the people of the references), streamed live as the app would."""
    seq, labels = load_labelled_take(MUAYTHAI / "train" / f"{take}.npy")
    truth = labelled_segments(labels)
    (ref,) = open_library(MUAYTHAI / "no-user-folder").find(move)
    engine = LiveEngine(PreparedReference.from_reference(ref))
    reps = [engine.push(row, k / seq.fps, seq.skeleton).new_rep for k, row in enumerate(seq.keypoints)]
    reps = [r for r in reps if r is not None] + engine.finish()
    found = sum(any(r.start < s.end / seq.fps and r.end > s.start / seq.fps for r in reps) for s in truth)
    assert abs(len(reps) - len(truth)) <= 1 and found >= len(truth) - 1, (len(reps), found, len(truth))


def test_the_command_line_lists_hides_and_leaves_out_the_starter_moves(tmp_path):
    lib = str(tmp_path / "lib")
    (listing,) = lines(run("list", "--library", lib, "--json"))
    assert len(listing["references"]) == 14 and all(r["starter"] for r in listing["references"])
    assert "[starter, punch]" in run("list", "--library", lib).stdout
    assert "hidden: Jab / straight, left - side" in run("hide", "jab", "--library", lib).stdout
    (listing,) = lines(run("list", "--library", lib, "--json"))
    assert listing["hidden_starter"] == ["Jab / straight, left - side"] and len(listing["references"]) == 13
    assert "listed again" in run("show-hidden", "--library", lib).stdout
    (listing,) = lines(run("list", "--library", lib, "--no-starter", "--json"))
    assert listing["references"] == []
