"""`record` with several sources, --split and --add; `list` shows how many examples each move holds."""

from __future__ import annotations

import json

import pytest

from .conftest import SHARED
from .test_cli import lines, run

MUAYTHAI = SHARED / "testdata" / "muaythai"


@pytest.fixture
def lib(tmp_path):
    return str(tmp_path / "lib")


def test_several_sources_become_the_examples_of_one_move(lib):
    refs = [str(MUAYTHAI / "references" / f"straight_{side}.npy") for side in ("left", "right")]
    out = run("record", *refs, "--name", "straight", "--view", "side", "--library", lib)
    assert "now holds 2 example(s)" in out.stdout
    (listing,) = lines(run("list", "--library", lib, "--no-starter", "--json"))
    (row,) = listing["references"]
    assert row["examples"] == 2 and len(row["example_frames"]) == 2
    assert row["frames"] == row["example_frames"][0]
    assert "straight - side: 2 examples" in run("list", "--library", lib).stdout


def test_split_cuts_a_take_into_its_reps_and_add_appends(lib):
    take = str(MUAYTHAI / "train" / "straight_right_6.npy")  # 6 labelled straights
    run("record", take, "--name", "cross", "--view", "side", "--split", "--library", lib)
    (listing,) = lines(run("list", "--library", lib, "--no-starter", "--json"))
    (row,) = listing["references"]
    assert 5 <= row["examples"] <= 7, row["example_frames"]
    assert all(10 <= n <= 90 for n in row["example_frames"])  # each a single technique, not the whole take
    one = str(MUAYTHAI / "references" / "straight_right.npy")
    run("record", one, "--name", "cross", "--view", "side", "--add", "--library", lib)
    (listing,) = lines(run("list", "--library", lib, "--no-starter", "--json"))
    assert listing["references"][0]["examples"] == row["examples"] + 1
    assert listing["references"][0]["weights"] == row["weights"]  # adding keeps the move's weights


def test_split_without_rests_keeps_the_take_whole_and_says_so(lib):
    one = str(MUAYTHAI / "references" / "hook_head_left.npy")  # a single hook: nothing to split
    out = run("record", one, "--name", "hook", "--view", "front", "--split", "--library", lib)
    assert "no clear rest" in out.stderr and "now holds 1 example(s)" in out.stdout


def test_record_mistakes_are_one_sentence_and_exit_2(lib, tmp_path):
    one = str(MUAYTHAI / "references" / "straight_left.npy")
    run("record", one, "--name", "jab", "--view", "side", "--library", lib)
    before = (tmp_path / "lib" / "jab--side.json").read_bytes()
    cases = [
        (["--name", "jab", "--view", "side"], "already exists"),  # neither --add nor --overwrite
        (["--name", "cross", "--view", "side", "--add"], "no move 'cross - side'"),
        (["--name", "jab", "--view", "side", "--add", "--overwrite"], "choose one"),
        (["--name", "jab", "--view", "side", "--add", "--start", "5"], "--start/--end"),
    ]
    for args, message in cases:
        out = run("record", one, *args, "--library", lib, check=False)
        assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr, (args, out.stderr)
    assert (tmp_path / "lib" / "jab--side.json").read_bytes() == before
    assert json.loads(before)["version"] == 2
