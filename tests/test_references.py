"""Reference files: round trip, atomic and safe names, bad files named, seed pickle import and refusal."""

from __future__ import annotations

import errno
import json
import pickle
import subprocess
import sys

import numpy as np
import pytest

from core.app.errors import LibraryError
from core.library.reference_library import Library
from core.library.references import (
    MAX_FRAMES,
    Reference,
    add_example,
    example_from_sequence,
    make_reference,
    slug,
    with_examples,
)
from core.library.seed_import import import_lookup, read_lookup
from core.pose.estimator import PoseSequence
from core.pose.skeleton import COCO17, PARTS

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
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("core.library.references.os.replace", boom)
    with pytest.raises(LibraryError, match="punch--side.json: the reference was not saved .the disk is full"):
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


# -- several examples per move (schema version 2) --------------------------------------------------


def write_version_1(path, ref: Reference) -> None:
    """A file exactly as the version-1 app wrote it: one example under "keypoints", one line per frame."""
    kp = np.round(ref.keypoints.astype(float), 4)
    frames = [[[None if not np.isfinite(v) else float(v) for v in joint] for joint in frame] for frame in kp]
    data = {
        "format": "posecoach-reference", "version": 1, "move": ref.move, "view": ref.view,
        "skeleton": ref.skeleton, "fps": ref.fps, "frame_size": list(ref.frame_size) if ref.frame_size else None,
        "weights": ref.weights, "source": ref.source, "created": ref.created,
        "channels": ["x", "y", "confidence"],
    }  # fmt: skip
    head = json.dumps(data, indent=1)
    rows = ",\n  ".join(json.dumps(f, separators=(",", ":")) for f in frames)
    path.write_text(f'{head[:-2]},\n "keypoints": [\n  {rows}\n ]\n}}\n')


def test_a_version_1_file_loads_as_a_move_with_one_example(tmp_path, punch_ref):
    write_version_1(tmp_path / "punch--side.json", punch_ref)
    lib = Library(tmp_path)
    (back,) = lib.load()
    assert lib.errors == []
    assert len(back.examples) == 1 and back.extra_examples == ()
    np.testing.assert_allclose(back.keypoints, punch_ref.keypoints, atol=1e-3)
    assert back.weights == punch_ref.weights
    # Saving it again writes version 2, which loads to the same keypoints.
    lib.save(back, overwrite=True)
    assert json.loads((tmp_path / "punch--side.json").read_text())["version"] == 2
    np.testing.assert_allclose(Library(tmp_path).load()[0].keypoints, punch_ref.keypoints, atol=1e-3)


def test_examples_round_trip_one_line_per_frame(tmp_path, pose_cache, punch_ref):
    squat = pose_cache.get("squat_front_air")
    ref = make_reference(squat.slice(60, 120), "squat", "front")
    ref = with_examples(ref, [squat.keypoints[60:120], squat.keypoints[130:175], squat.keypoints[200:260]])
    assert [len(e) for e in ref.examples] == [60, 45, 60] and ref.total_frames == 165
    path = Library(tmp_path).save(ref)
    text = path.read_text()
    assert text.count("\n") > 165 and max(len(line) for line in text.splitlines()) < 4000  # readable: a line a frame
    (back,) = Library(tmp_path).load()
    assert [len(e) for e in back.examples] == [60, 45, 60]
    for mine, theirs in zip(ref.examples, back.examples, strict=True):
        np.testing.assert_allclose(theirs, mine, atol=1e-3)
        assert np.array_equal(np.isnan(theirs), np.isnan(mine))
    more = add_example(back, squat.keypoints[300:350])
    assert len(more.examples) == 4 and len(back.examples) == 3  # a new Reference; the old one unchanged
    assert more.weights == back.weights  # weights stay those of the move (a coach may have edited them)


def test_examples_must_fit_the_move(punch_ref, pose_cache):
    with pytest.raises(LibraryError, match="punch - side.*shape"):
        add_example(punch_ref, np.zeros((10, 17, 3), np.float32))  # another skeleton
    with pytest.raises(LibraryError, match="two frames"):
        add_example(punch_ref, punch_ref.keypoints[:1])
    with pytest.raises(LibraryError, match="more than"):
        with_examples(punch_ref, [punch_ref.keypoints] * (MAX_FRAMES // len(punch_ref.keypoints) + 1))
    # A take of another frame rate or of the full mediapipe skeleton joins a COCO-17 move.
    (seed,) = import_lookup(SEED)
    punch = pose_cache.get("punch_side")
    slow = PoseSequence(punch.keypoints, punch.skeleton, punch.fps * 2, punch.frame_size, punch.source)
    example = example_from_sequence(seed, slow)
    assert example.shape == (52, 17, 3)
    assert len(add_example(seed, example).examples) == 2
    with pytest.raises(LibraryError, match="cannot join"):
        example_from_sequence(punch_ref, PoseSequence(seed.keypoints, COCO17, seed.fps))


def test_a_damaged_second_example_names_the_file_and_the_example(tmp_path, punch_ref):
    lib = Library(tmp_path)
    path = lib.save(with_examples(punch_ref, [punch_ref.keypoints, punch_ref.keypoints[:30]]))
    data = json.loads(path.read_text())
    data["examples"][1][3] = [[1, 2]] * 33
    path.write_text(json.dumps(data))
    assert lib.load() == []
    (err,) = lib.errors
    assert "punch--side.json" in str(err) and "example 2" in str(err)


def test_a_frame_size_held_as_numpy_integers_is_saved(tmp_path):
    # A pose sequence rebuilt from an .npz (a cache, an export) carries numpy integers for its frame size.
    from core.library.reference_library import Library
    from core.library.references import make_reference
    from core.pose.estimator import PoseSequence

    keypoints = np.random.default_rng(0).uniform(100, 500, size=(20, 33, 3)).astype(np.float32)
    keypoints[..., 2] = 0.9
    size = np.array([1280, 720])
    seq = PoseSequence(keypoints, "mediapipe33", 30.0, (size[0], size[1]))
    lib = Library(tmp_path / "lib")
    lib.save(make_reference(seq, "jab", "side"))
    (loaded,) = lib.load()
    assert loaded.frame_size == (1280, 720)
