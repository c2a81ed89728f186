"""The starter library: 14 Muay Thai techniques shipped with the app, and how they are derived from their source.

Source: the keypoint set of mithuGit/Thai-Boxing-Assistant (Apache License 2.0), as converted in the shared test
data (`testdata/muaythai/references/<technique>.npy`: (T, 33, 4) x px, y px, z, visibility of a 1920x1080 frame,
30 fps). What changes on the way into a reference (references/NOTICE says the same to a reader): z is dropped
(the features are 2D) after it gave the angle the camera saw the body from (`yaw`, core.features.view_turn),
visibility becomes the confidence channel, and the file gets a name a person understands, a category, the
striking side and part weights from what moves (core.features.part_weights). The shipped files
are regenerated with

    python -m core.library.starter SOURCE_FOLDER [--to references]

and tests/test_starter_library.py checks that they still equal what this module derives from the source.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..features.view_turn import stance_yaw
from ..frame.sources import load_keypoint_array
from ..library.reference_format import format_reference
from ..library.references import Reference, make_reference
from ..pose.estimator import PoseSequence

SOURCE_NAME = "Thai-Boxing-Assistant keypoints (mithuGit, Apache-2.0)"
SOURCE_FPS = 30.0
SOURCE_FRAME = (1920, 1080)
VIEW = "side"
# Fixed, so regenerating the files from the same source gives the same bytes.
CREATED = "2026-11-27T00:00:00+00:00"


@dataclass(frozen=True)
class StarterTechnique:
    """One shipped technique: the source file's stem and how the app names and files it."""

    stem: str
    move: str
    category: str  # "punch" | "kick"
    side: str  # the striking side: "left" | "right"


def _both(stem: str, name: str, category: str, right_name: str | None = None) -> tuple[StarterTechnique, ...]:
    return (
        StarterTechnique(f"{stem}_left", f"{name}, left", category, "left"),
        StarterTechnique(f"{stem}_right", f"{right_name or name}, right", category, "right"),
    )


# In an orthodox stance the left straight is the jab and the right one the cross (mirrored for a southpaw).
CATALOGUE: tuple[StarterTechnique, ...] = (
    StarterTechnique("straight_left", "Jab / straight, left", "punch", "left"),
    StarterTechnique("straight_right", "Cross / straight, right", "punch", "right"),
    *_both("hook_head", "Hook to the head", "punch"),
    *_both("hook_body", "Hook to the body", "punch"),
    *_both("front_kick", "Front kick (teep)", "kick"),
    *_both("roundhouse", "Roundhouse kick", "kick"),
    *_both("low_kick", "Low kick", "kick"),
    *_both("side_kick", "Side kick", "kick"),
)


def named_as_starter(ref: Reference) -> Reference:
    """A reference cut from the source set (its move the source's stem, e.g. "hook_body_left") with the category
    and striking side the catalogue gives that technique; unchanged when the catalogue has no such stem."""
    technique = next((t for t in CATALOGUE if t.stem == ref.move), None)
    return ref if technique is None else replace(ref, category=technique.category, side=technique.side)


def starter_reference(path: Path, technique: StarterTechnique) -> Reference:
    """The reference derived from one source file."""
    kp, skeleton = load_keypoint_array(path)
    seq = PoseSequence(kp, skeleton, SOURCE_FPS, SOURCE_FRAME, path.name)
    ref = make_reference(seq, technique.move, VIEW, source=f"{SOURCE_NAME}: references/{path.name}")
    yaw = source_yaw(np.load(path, allow_pickle=False))
    return replace(ref, created=CREATED, category=technique.category, side=technique.side, yaw=yaw)


def source_yaw(raw: NDArray[Any]) -> float | None:
    """The angle the camera saw the body from (core.features.view_turn.stance_yaw), rounded to a degree, from the
    source's (T, 33, 4) x px, y px, z, visibility. mediapipe gives z in the units of normalised x (a share of the
    frame's width), so in pixels it is z times the width. The set keeps no world landmarks; this depth is the
    same model's, and on the shared videos it agrees with the world landmarks' within 6 degrees in profile (it
    reads three-quarter views 25-31 degrees nearer profile)."""
    if raw.ndim != 3 or raw.shape[1:] != (33, 4):
        return None
    xyz = np.stack([raw[..., 0], raw[..., 1], raw[..., 2] * SOURCE_FRAME[0]], axis=-1).astype(np.float64)
    yaw = stance_yaw(xyz)
    return None if yaw is None else float(round(yaw))


def build_starter_library(source: Path, out: Path) -> list[Path]:
    """Write every technique of CATALOGUE from `source` into `out`; returns the written files."""
    written = []
    for technique in CATALOGUE:
        ref = starter_reference(source / f"{technique.stem}.npy", technique)
        path = out / f"{ref.key}.json"
        path.write_text(format_reference(ref), encoding="utf-8")
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate the shipped starter references from their source.")
    parser.add_argument("source", type=Path, help="folder of the 14 <technique>.npy source files")
    parser.add_argument("--to", type=Path, default=Path(__file__).resolve().parents[2] / "references")
    args = parser.parse_args(argv)
    for path in build_starter_library(args.source, args.to):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
