"""Splitting one recording of several reps into examples, checked against labelled Muay Thai takes."""

from __future__ import annotations

import numpy as np
import pytest

from core.frame.sources import load_keypoint_array
from core.match.rep_split import split_reps

from .conftest import SHARED

TAKES = sorted(p for p in (SHARED / "testdata" / "muaythai" / "train").glob("*.npy") if ".labels" not in p.name)
FPS = 30.0  # the set's frame rate (about 30 fps)


def labelled_reps(labels: np.ndarray) -> list[tuple[int, int]]:
    """Runs of technique frames. The labels hold one-frame blips one or two frames before a technique
    (an annotation artefact), so runs closer than four frames are one technique."""
    edges = np.diff(np.concatenate([[0], (labels > 0).astype(np.int8), [0]]))
    runs: list[tuple[int, int]] = []
    for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        if runs and a - runs[-1][1] < 4:
            runs[-1] = (runs[-1][0], int(b))
        else:
            runs.append((int(a), int(b)))
    return runs


@pytest.fixture(scope="module")
def splits() -> list[tuple[str, list[tuple[int, int]], list[tuple[int, int]], np.ndarray]]:
    if len(TAKES) < 30:
        pytest.fail(f"expected the labelled Muay Thai takes in {SHARED}/testdata/muaythai/train")
    out = []
    for path in TAKES:
        keypoints, skeleton = load_keypoint_array(path)
        labels = np.load(path.with_name(path.stem + ".labels.npy"))
        found = split_reps(keypoints, skeleton, FPS)
        out.append((path.stem, list(found.segments), labelled_reps(labels), labels > 0))
    return out


def overlaps(seg: tuple[int, int], others: list[tuple[int, int]]) -> int:
    return sum(a < seg[1] and seg[0] < b for a, b in others)


def test_reps_of_labelled_takes_are_counted_within_15_percent(splits):
    found = sum(len(s) for _, s, _, _ in splits)
    labelled = sum(len(lab) for _, _, lab, _ in splits)
    assert abs(found - labelled) <= 0.15 * labelled, (found, labelled)
    close = [name for name, s, lab, _ in splits if abs(len(s) - len(lab)) <= max(1, 0.15 * len(lab))]
    assert len(close) >= 0.75 * len(splits), sorted(set(n for n, *_ in splits) - set(close))


def test_every_labelled_rep_is_found_and_found_reps_are_techniques(splits):
    found = [seg for _, s, _, _ in splits for seg in s]
    hits = sum(overlaps(seg, lab) > 0 for _, s, lab, _ in splits for seg in s)
    caught = sum(overlaps(rep, s) > 0 for _, s, lab, _ in splits for rep in lab)
    labelled = sum(len(lab) for _, _, lab, _ in splits)
    assert caught >= 0.97 * labelled, (caught, labelled)
    assert hits >= 0.9 * len(found), (hits, len(found))
    # Most of each technique's frames are inside a found segment, and most found frames are technique.
    for name, s, _, active in splits:
        inside = np.zeros(len(active), bool)
        for a, b in s:
            inside[a:b] = True
        assert (inside & active).sum() >= 0.6 * active.sum(), name
        assert (inside & active).sum() >= 0.45 * inside.sum(), name


def test_segments_are_ordered_and_inside_the_take(splits):
    for name, s, _, active in splits:
        assert all(0 <= a < b <= len(active) for a, b in s), name
        assert all(b1 <= a2 for (_, b1), (a2, _) in zip(s[:-1], s[1:], strict=True)), name


def test_a_single_move_stays_one_example(pose_cache):
    # One straight punch from guard and back: there are no reps to split, so the whole take comes back.
    punch = pose_cache.get("punch_side")
    result = split_reps(punch.keypoints, punch.skeleton, punch.fps)
    assert result.segments == ((0, len(punch)),) and not result.found_rests


def test_gym_reps_that_pause_at_the_top_split_one_per_rep(pose_cache):
    # About 7 squats filmed at 60 fps (README of the shared data): the rule is in seconds, not frames.
    squats = pose_cache.get("squat_side_60fps")
    result = split_reps(squats.keypoints, squats.skeleton, squats.fps)
    assert result.found_rests and 6 <= len(result.segments) <= 8
    lengths = [b - a for a, b in result.segments]
    assert max(lengths) < 1.5 * min(lengths)  # reps of one move last about as long as each other
