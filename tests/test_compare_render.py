"""`render --compare`: take and reference side by side, aligned along the DTW path, the worst rep again slowed."""

from __future__ import annotations

import cv2
import numpy as np

from core.app.cli import main as cli_main
from core.library.reference_library import Library
from core.library.reference_video import keep_recording, load_reference_video, source_frames, video_path
from core.library.references import make_reference
from core.view.compare import panel_boxes
from core.view.compare_render import PANEL_HEIGHT, render_compare

from .clip_transforms import read_frames
from .conftest import TESTDATA
from .test_render import read_all

START, END = 8, 96  # the punch and the guard around it, as in test_render


def write_video(path, frames, fps) -> None:
    h, w = frames[0].shape[:2]
    out = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, (w, h))
    for f in frames:
        out.write(f)
    out.release()


def warped_take(frames: list[np.ndarray]) -> tuple[list[np.ndarray], np.ndarray]:
    """The clip played unevenly: the first half of the punch slowed 2x, the rest at 1.4x, between idle frames.
    A linear pairing of take and reference is then off by up to a quarter of the move; only the path is right."""
    n = len(frames)
    src = np.concatenate([np.arange(0, 50, 0.5), np.arange(50, n, 1.4)])
    idx = np.clip(np.round(src).astype(int), 0, n - 1)
    idx = np.concatenate([np.zeros(10, int), idx, np.full(10, n - 1)])
    return [frames[k] for k in idx], idx


def thumb(img: np.ndarray) -> np.ndarray:
    """A small grey picture to tell moments apart, with the drawn skeletons (a few px wide) filtered out."""
    img = cv2.resize(img, (144, 256), interpolation=cv2.INTER_AREA)
    b, g, r = (img[..., c].astype(int) for c in range(3))
    drawn = ((b > 200) & (g > 200) & (r > 200)) | ((b > 180) & (r < 120)) | ((r > 200) & (b < 90))  # pose, coach, part
    img = cv2.inpaint(img, cv2.dilate(drawn.astype(np.uint8), np.ones((3, 3), np.uint8)), 3, cv2.INPAINT_TELEA)
    g = cv2.cvtColor(cv2.resize(img, (36, 64), interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2GRAY)
    g = cv2.GaussianBlur(g.astype(np.float32), (5, 5), 0)
    return (g - g.mean()) / (g.std() + 1e-6)


def test_compare_video_shows_both_sides_at_the_same_phase_and_replays_the_worst_rep_slowly(tmp_path, pose_cache):
    punch = pose_cache.get("punch_side")
    source = str(TESTDATA / "punch_side.mp4")
    lib = Library(tmp_path / "lib")
    ref = make_reference(punch.slice(START, END), "punch", "side")
    path = lib.save(ref)
    # The coach's video, cut as Record cuts it: the reference's own frames of the source.
    assert keep_recording(path, ref, punch.keypoints, False, source_frames(source, 0)) == video_path(path)
    ref = lib.find("punch")[0]
    coach_video = load_reference_video(ref)
    assert coach_video is not None and len(coach_video) == END - START

    original, fps = read_frames(source)
    take, shown = warped_take(original)
    take_path = tmp_path / "warped.mp4"
    write_video(take_path, take, fps)
    out = tmp_path / "review.mp4"
    result = render_compare(str(take_path), ref, out)

    frames, out_fps = read_all(out)
    assert out_fps == fps and len(frames) == result.frames == len(result.steps)
    assert int(cv2.VideoCapture(str(out)).get(cv2.CAP_PROP_FRAME_COUNT)) == len(frames)
    assert result.reps and result.worst
    aligned = [s for s in result.steps if not s.slow]
    slow = [s for s in result.steps if s.slow]
    worst_path = [(s.ref, s.take) for s in aligned if s.rep == result.worst]
    # Every frame of the take once at least, plus the reference's extra steps inside the reps.
    assert len(aligned) == result.aligned >= len(take)
    assert len(slow) == result.slow == 4 * len(worst_path) and [(s.ref, s.take) for s in slow[::4]] == worst_path

    # Both sides of a written frame show the same moment: their pictures (skeletons filtered out) differ far
    # less than two moments of the clip a third of a second apart do.
    h = PANEL_HEIGHT
    sw = round(original[0].shape[1] * h / original[0].shape[0])
    (y0, y1, x0, x1), (_, _, c0, c1), _ = panel_boxes(sw, sw, h)

    def differ(a: np.ndarray, b: np.ndarray) -> float:
        return float(((thumb(a) - thumb(b)) ** 2).mean())

    apart = np.median([differ(original[k], original[k + 10]) for k in range(0, len(original) - 10, 5)])
    in_reps = [k for k, s in enumerate(result.steps) if s.rep and not s.slow]
    sides = np.array([differ(frames[k][y0:y1, x0:x1], frames[k][y0:y1, c0:c1]) for k in in_reps])
    student = np.array([differ(frames[k][y0:y1, x0:x1], take[result.steps[k].take]) for k in in_reps[::5]])
    assert (student < apart / 4).all(), "the student side does not show the take's frame of the step"
    agree = float((sides < apart / 4).mean())
    assert agree > 0.9, f"the two sides show the same moment in only {agree:.0%} of the aligned frames"
    # A linear pairing of the same frames (no path) would not: the warp is strong enough to tell them apart.
    rows = sorted({result.steps[k].take for k in in_reps})
    linear = np.linspace(START, END - 1, len(rows)).round().astype(int)
    pairs = zip(rows, linear, strict=True)
    unaligned = np.mean([differ(original[shown[j]], original[i]) < apart / 4 for j, i in pairs])
    assert unaligned < agree - 0.2

    # The slow-motion replay shows the worst rep's frames again, each four times.
    first = frames[len(aligned)][y0:y1, x0:x1].astype(int)
    assert np.abs(first - frames[len(aligned) + 3][y0:y1, x0:x1].astype(int)).mean() < 3
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")], "temporary file left behind"


def test_a_reference_without_video_shows_the_skeleton_and_the_cli_says_what_it_wrote(tmp_path, pose_cache, capsys):
    punch = pose_cache.get("punch_side")
    lib = Library(tmp_path / "lib")
    path = lib.save(make_reference(punch.slice(START, END), "punch", "side"))
    video_path(path).write_bytes(b"not a video")  # damaged: the skeleton stands in, nothing fails
    out = tmp_path / "review.mp4"
    args = ["render", str(TESTDATA / "punch_side.mp4"), "--reference", "punch", "--library", str(lib.folder)]
    assert cli_main([*args, "--no-starter", "--compare", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"wrote {out}") and "worst rep" in said
    frames, _ = read_all(out)
    (y0, y1, _, _), (_, _, c0, c1), _ = panel_boxes(270, 270, PANEL_HEIGHT)
    coach = frames[40][y0:y1, c0:]
    # A plain background with the coach's skeleton in the ghost colour, no camera picture.
    background = (np.abs(coach.astype(int) - (48, 40, 36)).sum(axis=2) < 30).mean()
    cyan = ((coach[..., 0] > 180) & (coach[..., 1] > 140) & (coach[..., 2] < 90)).sum()
    assert background > 0.8 and cyan > 200

    lib.delete(lib.find("punch")[0])  # the video goes with its reference
    assert not path.exists() and not video_path(path).exists()


def test_the_coach_video_follows_the_saved_example_trimmed_split_added_or_replaced(tmp_path, pose_cache):
    punch = pose_cache.get("punch_side")
    source = str(TESTDATA / "punch_side.mp4")
    original, _ = read_frames(source)
    lib = Library(tmp_path / "lib")
    # A split keeps one rep of the recorded span as the first example: its video is that stretch.
    ref = make_reference(punch.slice(20, 60), "punch", "side")
    path = lib.save(ref)
    assert keep_recording(path, ref, punch.keypoints, False, source_frames(source, 0)) is not None
    coach = load_reference_video(lib.find("punch")[0])
    assert coach is not None and len(coach) == 40

    def differ(a: np.ndarray, b: np.ndarray) -> float:
        return float(((thumb(a) - thumb(b)) ** 2).mean())

    assert differ(coach.frames[10], original[30]) < differ(coach.frames[10], original[10]) / 4
    # An example added to the move keeps the move's video; a first example from keypoints removes it.
    assert keep_recording(path, ref, punch.keypoints[:30], True, source_frames(source, 0)) is None
    assert video_path(path).is_file()
    assert keep_recording(path, ref, punch.keypoints[60:], False, source_frames(source, 0)) is None
    assert not video_path(path).exists() and load_reference_video(lib.find("punch")[0]) is None
