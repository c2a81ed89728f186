"""Combinations assembled from labelled takes of single techniques, to measure the follower; any thread.

The labelled Muay Thai takes hold one technique each, repeated with guard stance between. A combination
is assembled by joining labelled segments of different techniques, each with some of its own take's guard
frames around it. Takes come from different people filmed at different places in the frame, so each piece
is moved and scaled to the first piece's body (pelvis and torso length) and a short linear blend joins one
piece's last guard frame to the next one's first: no joint jumps across the frame at a join. The features
are position- and size-invariant anyway; this only keeps the joins from looking like a teleport.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..library.labelled_takes import LabelledSegment
from ..pose.estimator import PoseSequence
from ..pose.skeleton import COCO17, C, to_coco17

# The shared Muay Thai set's label ids (testdata/muaythai/README).
MUAYTHAI_IDS = {1: "front_kick_left", 2: "front_kick_right", 5: "hook_body_left", 6: "hook_head_left",
                7: "hook_body_right", 8: "hook_head_right", 9: "low_kick_left", 10: "low_kick_right",
                13: "roundhouse_left", 14: "roundhouse_right", 15: "side_kick_left", 16: "side_kick_right",
                18: "straight_left", 20: "straight_right"}  # fmt: skip
# Frames of a blend between two pieces (1 s at 30 fps): different people's guards differ, and a quicker
# blend would move a hand as fast as a jab.
BLEND_FRAMES = 30


@dataclass(frozen=True)
class Piece:
    """One labelled technique with guard frames: (T, 17, 3) COCO-17 keypoints and its technique in them."""

    keypoints: NDArray[np.float32]
    technique: str
    active: tuple[int, int]  # the labelled frames [start, end) within `keypoints`
    source: str


def cut_piece(
    take: PoseSequence, labels: NDArray[np.int_], seg: LabelledSegment, technique: str, before: int, after: int
) -> Piece:
    """`seg` with up to `before` / `after` guard frames (label 0 only: never a piece of the next technique)."""
    a = seg.start
    while a > 0 and seg.start - a < before and labels[a - 1] == 0:
        a -= 1
    z = seg.end
    while z < len(labels) and z - seg.end < after and labels[z] == 0:
        z += 1
    kp = to_coco17(np.asarray(take.keypoints[a:z], np.float32), take.skeleton)
    return Piece(kp, technique, (seg.start - a, seg.end - a), f"{take.source} [{seg.start}:{seg.end}]")


def _body(kp: NDArray[np.float32]) -> tuple[NDArray[np.float64], float]:
    """Median pelvis position (x, y) and torso length (mid-shoulder to mid-hip) of a piece."""
    hips = (kp[:, C["left_hip"], :2] + kp[:, C["right_hip"], :2]) / 2
    shoulders = (kp[:, C["left_shoulder"], :2] + kp[:, C["right_shoulder"], :2]) / 2
    return np.nanmedian(hips, axis=0), float(np.nanmedian(np.linalg.norm(shoulders - hips, axis=1)))


@dataclass(frozen=True)
class Assembled:
    """A stream of pieces: its keypoints and where each piece's labelled technique lies in it."""

    keypoints: NDArray[np.float32]  # (T, 17, 3) COCO-17
    techniques: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]  # frames [start, end) of each piece's technique
    pieces: tuple[tuple[int, int], ...]  # frames [start, end) of each whole piece (guard included)

    def sequence(self, fps: float = 30.0) -> PoseSequence:
        return PoseSequence(self.keypoints, COCO17, fps, None, "assembled combination")


def join(pieces: list[Piece]) -> Assembled:
    """The pieces one after the other, each moved onto the first one's body, with a blend at each join."""
    if not pieces:
        raise ValueError("nothing to join")
    anchor, torso = _body(pieces[0].keypoints)
    out: list[NDArray[np.float32]] = []
    spans, whole = [], []
    length = 0
    for piece in pieces:
        kp = piece.keypoints.copy()
        centre, size = _body(kp)
        scale = torso / size if size > 0 else 1.0
        kp[:, :, :2] = (kp[:, :, :2] - centre) * scale + anchor
        if out:
            last, first = out[-1][-1], kp[0]
            w = np.linspace(0, 1, BLEND_FRAMES + 2)[1:-1, None, None]
            blend = ((1 - w) * last + w * first).astype(np.float32)
            blend[:, :, 2] = np.minimum(last[:, 2], first[:, 2])
            out.append(blend)
            length += BLEND_FRAMES
        whole.append((length, length + len(kp)))
        spans.append((length + piece.active[0], length + piece.active[1]))
        out.append(kp)
        length += len(kp)
    keypoints = np.concatenate(out).astype(np.float32)
    return Assembled(keypoints, tuple(p.technique for p in pieces), tuple(spans), tuple(whole))
