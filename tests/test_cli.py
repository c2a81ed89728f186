"""The command line other tools script against: JSON shapes, several sources per call, clean errors."""

from __future__ import annotations

import json
import subprocess
import sys

import cv2
import numpy as np
import pytest

from core.pose.skeleton import PARTS

from .conftest import ROOT, SEED, TESTDATA


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True, timeout=600)
    if check:
        assert out.returncode == 0, out.stderr[-2000:]
    return out


def lines(out: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


@pytest.fixture(scope="module")
def npy(pose_cache, tmp_path_factory):
    """Keypoint files of real clips: the CLI runs on them without loading mediapipe again."""
    folder = tmp_path_factory.mktemp("kp")
    paths = {}
    for name in ("squat_front_air", "jumping_jacks_front", "pushups_front"):
        seq = pose_cache.get(name)
        paths[name] = folder / f"{name}.npy"
        np.save(paths[name], seq.keypoints)
    return paths


@pytest.fixture(scope="module")
def library(npy, tmp_path_factory):
    lib = tmp_path_factory.mktemp("lib")
    run("record", str(npy["squat_front_air"]), "--name", "squat", "--view", "front",
        "--start", "2", "--end", "4", "--library", str(lib))  # fmt: skip
    run("record", str(npy["jumping_jacks_front"]), "--name", "jumping jack", "--view", "front",
        "--start", "1.25", "--end", "2.5", "--fps", "24", "--library", str(lib))  # fmt: skip
    return lib


def test_list_json_shows_recorded_references(library):
    (listing,) = lines(run("list", "--library", str(library), "--no-starter", "--json"))
    assert sorted((r["move"], r["view"]) for r in listing["references"]) == [
        ("jumping jack", "front"),
        ("squat", "front"),
    ]
    assert listing["errors"] == []


def test_score_json_several_sources_one_line_each(library, npy):
    out = run("score", str(npy["squat_front_air"]), str(npy["pushups_front"]),
              "--reference", "squat", "--library", str(library), "--json")  # fmt: skip
    squat, pushups = lines(out)
    for obj in (squat, pushups):
        assert {"source", "reference", "view", "score", "parts", "feedback", "tempo", "frames", "pose_frames"} <= set(
            obj
        )
        assert set(obj["parts"]) == set(PARTS)
        assert all({"part", "message"} <= set(f) for f in obj["feedback"])
    assert squat["source"].endswith("squat_front_air.npy") and squat["score"] >= 97
    assert pushups["score"] < 50
    assert squat["frames"] == 900


def test_recognize_json_ranks_every_reference(library, npy):
    (rec,) = lines(
        run(
            "recognize",
            str(npy["jumping_jacks_front"]),
            "--fps",
            "24",
            "--library",
            str(library),
            "--no-starter",
            "--json",
        )
    )
    assert (rec["move"], rec["view"]) == ("jumping jack", "front") and rec["confidence"] > 0.5
    assert [c["move"] for c in rec["candidates"]] == ["jumping jack", "squat"]
    assert rec["candidates"][0]["score"] >= rec["candidates"][1]["score"]


def test_stream_prints_frames_reps_and_a_summary(library, npy):
    out = run("stream", str(npy["squat_front_air"]), "--reference", "squat", "--library", str(library))
    objs = lines(out)
    frames = [o for o in objs if "frame" in o]
    reps = [o for o in objs if o.get("event") == "rep"]
    assert len(frames) == 900
    assert {"frame", "t", "score", "parts", "phase", "tempo", "feedback", "rep"} <= set(frames[0])
    assert frames[0]["score"] is None  # nothing meaningful before a quarter of the move was seen
    assert 12 <= len(reps) <= 14 and reps[0]["index"] == 1
    assert {"start", "end", "score", "parts"} <= set(reps[0])
    assert objs[-1]["event"] == "summary" and objs[-1]["reps"] == len(reps)


def test_seed_lookup_imports_and_scores_its_own_video(tmp_path):
    run("import-lookup", str(SEED), "--library", str(tmp_path))
    (result,) = lines(run("score", str(TESTDATA / "punch_side.mp4"), "--reference", "punch",
                          "--library", str(tmp_path), "--json"))  # fmt: skip
    assert (result["reference"], result["view"]) == ("punch - side", "side") and result["score"] >= 75


def test_expected_failures_are_one_sentence_and_exit_2(library, tmp_path):
    black = tmp_path / "black.avi"
    writer = cv2.VideoWriter(str(black), cv2.VideoWriter_fourcc(*"MJPG"), 30, (320, 240))
    for _ in range(20):
        writer.write(np.zeros((240, 320, 3), np.uint8))
    writer.release()
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(b"\x00not a video" * 50)
    cases = [
        (["score", str(tmp_path / "missing.mp4"), "--reference", "squat"], "no such file"),
        (["score", str(black), "--reference", "nope"], "no reference 'nope'"),
        (["score", str(garbage), "--reference", "squat"], "could not be opened"),
        (["score", str(black), "--reference", "squat"], "nobody detected"),
    ]
    for args, message in cases:
        out = run(*args, "--library", str(library), check=False)
        assert out.returncode == 2, (args, out.stderr)
        assert message in out.stderr and "Traceback" not in out.stderr, out.stderr
