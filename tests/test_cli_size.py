"""`--size WxH`: normalised .npy keypoints read as pixels of their frame; a warning without it; clean errors."""

from __future__ import annotations

import numpy as np
import pytest

from core.frame.sources import load_keypoint_array
from core.library.reference_library import Library
from core.library.references import make_reference
from core.pose.estimator import PoseSequence

from .conftest import TESTDATA
from .test_cli import lines, run

MUAYTHAI = TESTDATA / "muaythai"
TAKE = MUAYTHAI / "train" / "left_hook_head_7.npy"  # x, y in pixels of a 1920x1080 frame
SIZE = (1920, 1080)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The real take as stored (pixels), the same take normalised to 0..1, and a library of two references."""
    folder = tmp_path_factory.mktemp("size")
    pixels = np.load(TAKE)
    normalised = pixels.copy()
    normalised[..., 0] /= SIZE[0]
    normalised[..., 1] /= SIZE[1]
    np.save(folder / "normalised.npy", normalised)
    lib = Library(folder / "lib")
    for move in ("hook_head_left", "straight_left"):
        keypoints, skeleton = load_keypoint_array(MUAYTHAI / "references" / f"{move}.npy")
        lib.save(make_reference(PoseSequence(keypoints, skeleton, 30.0), move, "front"))
    return {"pixels": str(TAKE), "normalised": str(folder / "normalised.npy"), "library": str(lib.folder)}


def _without_source(objs: list[dict]) -> list[dict]:
    return [{k: v for k, v in o.items() if k != "source"} for o in objs]


@pytest.mark.parametrize(
    "command",
    [
        ("score", "--reference", "hook_head_left", "--json"),
        ("recognize", "--json"),
        ("stream", "--quiet"),
    ],
    ids=lambda c: c[0],
)
def test_size_reads_normalised_keypoints_as_the_pixels_they_came_from(files, command):
    name, *options = command
    as_pixels = run(name, files["pixels"], *options, "--library", files["library"])
    scaled = run(name, files["normalised"], "--size", "1920x1080", *options, "--library", files["library"])
    assert _without_source(lines(scaled)) == _without_source(lines(as_pixels))
    assert lines(scaled) and "warning" not in scaled.stderr


def test_normalised_keypoints_without_size_warn_that_a_square_frame_is_assumed(files):
    out = run("score", files["normalised"], "--reference", "hook_head_left", "--json", "--library", files["library"])
    assert lines(out)  # still scored: a square source is a valid case
    (warning,) = [line for line in out.stderr.splitlines() if line.startswith("warning:")]
    assert files["normalised"] in warning and "square" in warning and "--size" in warning


def test_record_with_size_stores_the_reference_in_pixels(files, tmp_path):
    run("record", files["normalised"], "--size", "1920x1080", "--name", "hook", "--view", "front",
        "--start", "2.4", "--end", "3.3", "--library", str(tmp_path))  # fmt: skip
    (ref,) = Library(tmp_path).load()
    pixels, _ = load_keypoint_array(TAKE)
    start = int(round(2.4 * 30))
    np.testing.assert_allclose(ref.keypoints, pixels[start : start + len(ref.keypoints)], rtol=1e-5, atol=1e-3)
    assert ref.frame_size == SIZE


def test_size_on_pixel_keypoints_is_ignored_with_a_note(files):
    out = run("score", files["pixels"], "--size", "1280x720", "--reference", "hook_head_left", "--json",
              "--library", files["library"])  # fmt: skip
    assert lines(out) and "ignored" in out.stderr


@pytest.mark.parametrize(
    ("command", "value"),
    [
        ("score", "0x5"),
        ("score", "abc"),
        ("stream", "1920x"),
        ("recognize", "640x0"),
        ("record", "abc"),
        ("render", "0x5"),
    ],  # fmt: skip
)
def test_a_bad_size_is_an_error_sentence_and_exit_2(files, command, value):
    extra = {
        "score": ["--reference", "hook_head_left"],
        "record": ["--name", "x", "--view", "front"],
        "render": ["--reference", "hook_head_left", "--out", "never.mp4"],
    }.get(command, [])
    out = run(command, files["normalised"], "--size", value, *extra, "--library", files["library"], check=False)
    assert out.returncode == 2
    assert out.stderr.startswith(f"error: --size {value}") or out.stderr.startswith(f"error: --size '{value}'")
    assert "e.g. --size 1920x1080" in out.stderr  # says what to type instead
    assert "Traceback" not in out.stderr and out.stdout == ""
