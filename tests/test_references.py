"""Reference files: round trip, atomic and safe names, bad files named, seed pickle import and refusal."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys

import numpy as np
import pytest

from core.errors import LibraryError
from core.references import Library, Reference, make_reference, slug
from core.seed_import import import_lookup, read_lookup
from core.skeleton import COCO17, PARTS

from .conftest import ROOT, SEED


@pytest.fixture(scope="module")
def punch_ref(pose_cache) -> Reference:
    seq = pose_cache.get("punch_side")
    return make_reference(seq.slice(10, 90), "punch", "side", source=seq.source)


def test_round_trip_keeps_keypoints_nan_and_metadata(tmp_path, punch_ref):
    lib = Library(tmp_path)
    path = lib.save(punch_ref)
    assert path.parent == tmp_path and path.name == "punch--side.json"
    (back,) = Library(tmp_path).load()
    assert (back.move, back.view, back.skeleton, back.fps) == ("punch", "side", punch_ref.skeleton, punch_ref.fps)
    assert back.weights == punch_ref.weights
    np.testing.assert_allclose(back.keypoints, punch_ref.keypoints, atol=1e-3)
    assert np.array_equal(np.isnan(back.keypoints), np.isnan(punch_ref.keypoints))
    text = path.read_text()
    assert '"format": "posecoach-reference"' in text and "NaN" not in text


def test_default_weights_favour_the_moving_parts_of_a_punch(punch_ref):
    w = punch_ref.weights
    assert set(w) == set(PARTS)
    arms = max(w["left_arm"], w["right_arm"])
    assert arms == 1.0
    assert arms > w["left_leg"] + 0.3 and arms > w["right_leg"] + 0.3, w


def test_existing_reference_is_never_overwritten_silently(tmp_path, punch_ref):
    lib = Library(tmp_path)
    path = lib.save(punch_ref)
    before = path.read_bytes()
    with pytest.raises(LibraryError, match="already exists"):
        lib.save(punch_ref)
    assert path.read_bytes() == before
    lib.save(punch_ref, overwrite=True)
    assert len(Library(tmp_path).load()) == 1


@pytest.mark.parametrize("name", ["../../etc/passwd", "a/b\\c", "..", "   ", "move\x00name", "ünïcødé kick!"])
def test_names_cannot_escape_the_library(tmp_path, punch_ref, name):
    lib = Library(tmp_path / "lib")
    try:
        ref = make_reference(punch_ref.as_sequence(), name, "side")
    except LibraryError:
        return  # nothing usable in the name: refused with a message
    path = lib.save(ref)
    assert path.resolve().parent == (tmp_path / "lib").resolve()
    assert "/" not in slug(name) and ".." not in slug(name)
    assert [p.name for p in tmp_path.iterdir()] == ["lib"]


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"format": "posecoach-reference", "version": 1, "move": "x"', "not valid JSON"),
        ('{"format": "something-else"}', "not a posecoach-reference"),
        ("[1, 2, 3]", "not a JSON object"),
        ('{"format": "posecoach-reference", "version": 99}', "newer"),
        (None, "shape"),
    ],
)
def test_bad_files_are_named_and_the_others_still_load(tmp_path, punch_ref, content, message):
    lib = Library(tmp_path)
    lib.save(punch_ref)
    bad = tmp_path / "broken--front.json"
    if content is None:  # right schema, wrong keypoint shape
        data = json.loads((tmp_path / "punch--side.json").read_text())
        data["examples"] = [[[[1, 2, 3]] * 5] * 4]
        content = json.dumps(data)
    bad.write_text(content)
    refs = lib.load()
    assert [r.label for r in refs] == ["punch - side"]
    assert len(lib.errors) == 1
    assert "broken--front.json" in str(lib.errors[0]) and message in str(lib.errors[0])


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path, punch_ref, monkeypatch):
    lib = Library(tmp_path)
    path = lib.save(punch_ref)
    before = path.read_bytes()

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr("core.references.os.replace", boom)
    with pytest.raises(OSError):
        lib.save(punch_ref, overwrite=True)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["punch--side.json"]


def test_find_by_move_view_and_label(tmp_path, punch_ref):
    lib = Library(tmp_path)
    lib.save(punch_ref)
    assert lib.find("punch")[0].view == "side"
    assert lib.find("Punch - Side")[0].move == "punch"
    with pytest.raises(LibraryError, match="known: punch - side"):
        lib.find("punch", "front")


def test_seed_lookup_imports_as_punch_side():
    (ref,) = import_lookup(SEED)
    assert (ref.move, ref.view, ref.skeleton) == ("punch", "side", COCO17)
    assert ref.keypoints.shape == (100, 17, 3)
    assert ref.weights["right_arm"] > ref.weights["left_leg"] or ref.weights["left_arm"] > ref.weights["left_leg"]


class _Evil:
    def __reduce__(self):
        return (subprocess.call, ([sys.executable, "-c", "open('PWNED', 'w').write('x')"],))


def test_code_executing_pickle_is_refused_without_running(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    evil = tmp_path / "evil.pickle"
    evil.write_bytes(pickle.dumps({"punch - side": _Evil()}))
    with pytest.raises(LibraryError, match="refused to load subprocess.call"):
        read_lookup(evil)
    assert not (tmp_path / "PWNED").exists()
    # And through the command line: clear message, exit code 2, no traceback, nothing written.
    out = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "import-lookup", str(evil), "--library", str(tmp_path / "lib")],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert out.returncode == 2 and "refused" in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "PWNED").exists() and not (tmp_path / "lib").exists()


def test_truncated_pickle_gives_a_clear_error(tmp_path):
    bad = tmp_path / "cut.pickle"
    bad.write_bytes(SEED.read_bytes()[:300])
    with pytest.raises(LibraryError, match="cut.pickle"):
        read_lookup(bad)
