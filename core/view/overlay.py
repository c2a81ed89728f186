"""Drawing on video frames (numpy + cv2): pose, fading green trails, reference ghost, burned-in HUD.

Runs on the pipeline thread (the GUI paints the finished image) and in `main.py render`. Keypoints
are COCO-17 (17, 3) x, y pixels, confidence; NaN joints are skipped, never drawn at (0, 0).
"""

from __future__ import annotations

from collections import deque
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ..features.bones import MIN_CONFIDENCE
from ..pose.skeleton import COCO17_EDGES, COCO17_NAMES
from ..score.score_colours import score_bgr

GREEN = (40, 255, 40)  # BGR
POSE_COLOR = (255, 255, 255)
GHOST_COLOR = (255, 200, 0)  # the coach's skeleton: cyan-blue, distinct from the green trails
TRAIL_LENGTH = 20  # frames (~0.7 s at 30 fps): long enough to show the path, short enough to stay readable
# The joints whose path tells the story of a move: wrists, elbows, knees, ankles, nose.
TRAIL_JOINTS = tuple(
    COCO17_NAMES.index(n)
    for n in ("nose", "left_wrist", "right_wrist", "left_elbow", "right_elbow",
              "left_knee", "right_knee", "left_ankle", "right_ankle")
)  # fmt: skip
_L_HIP, _R_HIP = COCO17_NAMES.index("left_hip"), COCO17_NAMES.index("right_hip")
_L_SH, _R_SH = COCO17_NAMES.index("left_shoulder"), COCO17_NAMES.index("right_shoulder")


def _visible(kp: NDArray[Any]) -> NDArray[Any]:
    conf = np.nan_to_num(kp[:, 2], nan=0.0) if kp.shape[1] > 2 else np.ones(len(kp))
    return np.asarray(np.isfinite(kp[:, :2]).all(axis=1) & (conf >= MIN_CONFIDENCE))


def _thickness(img: NDArray[np.uint8]) -> int:
    return max(2, int(round(min(img.shape[:2]) / 180)))


def draw_pose(img: NDArray[np.uint8], kp: NDArray[Any], color: tuple[int, int, int] = POSE_COLOR,
              thickness: int | None = None) -> None:  # fmt: skip
    """Skeleton lines and joint dots of one COCO-17 pose, in place."""
    t = thickness or _thickness(img)
    ok = _visible(kp)
    pts = np.nan_to_num(kp[:, :2]).astype(np.int32)
    for a, b in COCO17_EDGES:
        if ok[a] and ok[b]:
            cv2.line(img, tuple(pts[a]), tuple(pts[b]), color, t, cv2.LINE_AA)
    for k in np.flatnonzero(ok):
        cv2.circle(img, tuple(pts[k]), t + 1, color, -1, cv2.LINE_AA)


class Trails:
    """The last `length` positions of the trail joints; older segments fade and thin out."""

    def __init__(self, length: int = TRAIL_LENGTH) -> None:
        self.points: deque[NDArray[Any]] = deque(maxlen=length)

    def push(self, kp: NDArray[Any] | None) -> None:
        row = np.full((len(TRAIL_JOINTS), 2), np.nan, np.float32)
        if kp is not None:
            sel = kp[list(TRAIL_JOINTS)]
            row[_visible(sel)] = sel[_visible(sel), :2]
        self.points.append(row)

    def clear(self) -> None:
        self.points.clear()

    def draw(self, img: NDArray[np.uint8]) -> None:
        n = len(self.points)
        if n < 2:
            return
        base = _thickness(img) + 3
        pts = np.stack(self.points)  # (n, J, 2), oldest first
        # One polylines call per age step (not per joint): drawing stays well under a millisecond.
        for s in range(1, n):
            age = s / (n - 1)  # 0 oldest .. 1 newest
            color = tuple(int(c * (0.35 + 0.65 * age)) for c in GREEN)
            width = max(1, int(round(base * (0.4 + 0.6 * age))))
            a, b = pts[s - 1], pts[s]
            ok = np.isfinite(a).all(axis=1) & np.isfinite(b).all(axis=1)
            if ok.any():
                segs = np.stack([a[ok], b[ok]], axis=1).round().astype(np.int32)  # (m, 2, 2)
                cv2.polylines(img, list(segs), False, color, width, cv2.LINE_AA)
        last = pts[-1]
        for j in np.flatnonzero(np.isfinite(last).all(axis=1)):
            cv2.circle(img, tuple(last[j].astype(int)), base + 2, GREEN, -1, cv2.LINE_AA)


def _anchor(kp: NDArray[Any]) -> tuple[NDArray[Any], float] | None:
    """(hip centre, shoulder-to-hip length) of a pose, or None when the trunk is not visible."""
    ok = _visible(kp)
    if not ok[[_L_HIP, _R_HIP, _L_SH, _R_SH]].all():
        return None
    hip = (kp[_L_HIP, :2] + kp[_R_HIP, :2]) / 2
    neck = (kp[_L_SH, :2] + kp[_R_SH, :2]) / 2
    size = float(np.linalg.norm(neck - hip))
    return (hip, size) if size > 1e-3 else None


def ghost_keypoints(
    ref_kp: NDArray[Any], take_kp: NDArray[Any] | None, frame_size: tuple[int, int], flip: bool = False
) -> NDArray[Any] | None:
    """The reference pose moved and scaled onto the person (hips on hips, same trunk length); `flip` turns it
    about the hips to face the way the person faces.

    With nobody to stand on, the ghost stands at the side of the frame so the student can still follow.
    """
    ref = _anchor(ref_kp)
    if ref is None:
        return None
    ref_hip, ref_size = ref
    target = _anchor(take_kp) if take_kp is not None else None
    w, h = frame_size
    if target is None:
        hip, size = np.array([0.82 * w, 0.55 * h], np.float32), 0.22 * h
    else:
        hip, size = target
    out = ref_kp.copy()
    offset = (ref_kp[:, :2] - ref_hip) * (size / ref_size)
    if flip:
        offset[:, 0] = -offset[:, 0]
    out[:, :2] = offset + hip
    return out


def draw_ghost(img: NDArray[np.uint8], ghost: NDArray[Any]) -> None:
    """Semi-transparent reference skeleton; the blend touches only the ghost's bounding box."""
    ok = _visible(ghost)
    if not ok.any():
        return
    pad = 4 * _thickness(img) + 4
    h, w = img.shape[:2]
    x0, y0 = np.floor(ghost[ok, :2].min(axis=0)).astype(int) - pad
    x1, y1 = np.ceil(ghost[ok, :2].max(axis=0)).astype(int) + pad
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    if x1 <= x0 or y1 <= y0:
        return
    roi = img[y0:y1, x0:x1]
    layer = roi.copy()
    shifted = ghost.copy()
    shifted[:, 0] -= x0
    shifted[:, 1] -= y0
    draw_pose(layer, shifted, GHOST_COLOR, _thickness(img) + 2)
    cv2.addWeighted(layer, 0.55, roi, 0.45, 0, dst=roi)


def draw_hud(img: NDArray[np.uint8], score: float | None, reps: int, messages: list[str], reference: str = "") -> None:
    """Score, rep count and advice burned into the frame (for exported videos)."""
    h, w = img.shape[:2]
    unit = max(0.5, min(w, h) / 720)
    font = cv2.FONT_HERSHEY_SIMPLEX
    pad = int(12 * unit)
    band = int(150 * unit) + int(44 * unit) * len(messages)
    shade = img[:band, :].astype(np.float32) * 0.45
    img[:band, :] = shade.astype(np.uint8)
    text = "--" if score is None else f"{score:.0f}"
    colour = score_bgr(score)
    cv2.putText(img, text, (pad, int(80 * unit)), font, 2.6 * unit, colour, max(2, int(5 * unit)), cv2.LINE_AA)
    cv2.putText(img, f"reps {reps}", (pad + int(170 * unit), int(75 * unit)), font, 1.3 * unit,
                (255, 255, 255), max(1, int(3 * unit)), cv2.LINE_AA)  # fmt: skip
    if reference:
        cv2.putText(img, reference, (pad, int(125 * unit)), font, 0.9 * unit, (220, 220, 220),
                    max(1, int(2 * unit)), cv2.LINE_AA)  # fmt: skip
    for k, msg in enumerate(messages):
        y = int(170 * unit) + int(44 * unit) * k
        cv2.putText(img, msg, (pad, y), font, 1.1 * unit, (80, 220, 255), max(1, int(3 * unit)), cv2.LINE_AA)
