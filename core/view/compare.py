"""Side-by-side review frames (numpy + cv2): the student left, the coach right, at the same phase of the move.

Used by `render --compare` (core.view.compare_render) and the app's review view (ui/review_view.py); runs on
whichever thread calls it. A pair of frames comes from one step (reference frame i, take frame j) of the
alignment path (core.match.rep_path); the part that lost most is drawn thick in orange on both, and its
correction is written under them. The coach is their recorded video when the reference has one
(core.library.reference_video), else their skeleton on a plain background.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ..features.bones import bone_points
from ..library.reference_video import ReferenceVideo
from ..library.references import Reference
from ..pose.skeleton import BONES, to_coco17
from ..score.score_colours import score_bgr
from ..view.overlay import GHOST_COLOR, POSE_COLOR, _visible, draw_ghost, draw_pose, ghost_keypoints

HIGHLIGHT = (0, 140, 255)  # BGR orange: the part to correct, on both sides
BACKGROUND = (48, 40, 36)  # the plain background of a coach without video
TEXT = (255, 255, 255)
FONT = cv2.FONT_HERSHEY_SIMPLEX
NOTHING_TO_CORRECT = "no part lost enough points to correct"  # under a rep without a worst part
SLOW_FACTORS = {1.0: 1, 0.5: 2, 0.25: 4}  # playback speed -> output frames per path step
SLOW_SPEED = 0.25  # the worst rep shown again in slow motion (render --compare, exported reviews)


def slow_steps(path: NDArray[np.int64], speed: float) -> NDArray[np.int64]:
    """The path's steps, each repeated to play at `speed` (1, 0.5, 0.25) on a constant-rate video."""
    return np.repeat(path, SLOW_FACTORS.get(speed, max(1, round(1 / speed))), axis=0)


def draw_part(img: NDArray[np.uint8], kp: NDArray[Any], part: str, thickness: int) -> None:
    """The bones of `part` (core.pose.skeleton.BONES) over a COCO-17 pose, thick and orange, in place."""
    ok = _visible(kp)
    xy = np.where(ok[:, None], kp[:, :2], np.nan)
    for a, z, p in BONES:
        if p != part:
            continue
        pa, pz = bone_points(xy[None], a)[0], bone_points(xy[None], z)[0]
        if np.isfinite(pa).all() and np.isfinite(pz).all():
            cv2.line(img, tuple(pa.astype(int)), tuple(pz.astype(int)), HIGHLIGHT, thickness, cv2.LINE_AA)
            for q in (pa, pz):
                cv2.circle(img, tuple(q.astype(int)), thickness, HIGHLIGHT, -1, cv2.LINE_AA)


def fit_height(image: NDArray[np.uint8], height: int) -> tuple[NDArray[np.uint8], float]:
    h, w = image.shape[:2]
    s = height / h
    return np.asarray(cv2.resize(image, (max(2, round(w * s)), height), interpolation=cv2.INTER_AREA), np.uint8), s


def _label(img: NDArray[np.uint8], text: str, x: int, y: int, scale: float, colour: tuple[int, int, int]) -> None:
    th = max(1, round(2 * scale))
    cv2.putText(img, text, (x, y), FONT, scale, (0, 0, 0), th + 3, cv2.LINE_AA)
    cv2.putText(img, text, (x, y), FONT, scale, colour, th, cv2.LINE_AA)


def _wrap(text: str, width: int, scale: float) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and cv2.getTextSize(trial, FONT, scale, 2)[0][0] > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return lines + ([line] if line else [])


class CoachPanel:
    """The reference's side: frame i of the coach's video, or the skeleton on a plain background."""

    def __init__(self, reference: Reference, video: ReferenceVideo | None, height: int) -> None:
        self.height = height
        self.coco = to_coco17(reference.keypoints, reference.skeleton).astype(np.float32)
        self.video = video
        if video is not None:
            self.frames = [fit_height(f, height)[0] for f in video.frames]
            self.scale = video.scale * height / video.frames.shape[1]
            self.width = self.frames[0].shape[1]
            self.kp = self.coco.copy()
            self.kp[..., :2] *= self.scale
            return
        # One fit for the whole move, so the coach moves across the panel as they did.
        xy = self.coco[..., :2][_visible_all(self.coco)]
        lo, hi = (xy.min(axis=0), xy.max(axis=0)) if len(xy) else (np.zeros(2), np.ones(2))
        span = np.maximum(hi - lo, 1e-3)
        aspect = float(span[0] / span[1])
        self.width = int(np.clip(round(height * max(aspect, 0.45) * 1.15), height // 2, 2 * height)) // 2 * 2
        s = 0.86 * min(height / span[1], self.width / span[0])
        self.kp = self.coco.copy()
        self.kp[..., :2] = (self.coco[..., :2] - (lo + hi) / 2) * s + np.array([self.width / 2, height / 2])
        self.frames = []

    def __len__(self) -> int:
        return len(self.coco)

    def draw(self, i: int, part: str | None) -> NDArray[np.uint8]:
        i = int(np.clip(i, 0, len(self.coco) - 1))
        if self.frames:
            img = self.frames[i].copy()
        else:
            img = np.empty((self.height, self.width, 3), np.uint8)
            img[:] = BACKGROUND
        t = max(2, self.height // 120)
        draw_pose(img, self.kp[i], GHOST_COLOR, t)
        if part is not None:
            draw_part(img, self.kp[i], part, 2 * t + 1)
        return img


def _visible_all(coco: NDArray[Any]) -> NDArray[Any]:
    conf = np.nan_to_num(coco[..., 2], nan=0.0)
    return np.asarray(np.isfinite(coco[..., :2]).all(axis=-1) & (conf > 0.3))


def student_panel(image: NDArray[np.uint8], kp: NDArray[Any], height: int, part: str | None,
                  ghost: NDArray[Any] | None = None, ghost_flipped: bool = False) -> NDArray[np.uint8]:  # fmt: skip
    """The student's frame at `height`, their pose drawn, `part` highlighted; `ghost`: the coach's COCO-17
    pose at the same phase, laid over the student (hips on hips; turned in x with `ghost_flipped`, to face
    the way they face), for the overlaid view."""
    img, s = fit_height(image, height)
    kp = np.asarray(kp, np.float32).copy()
    kp[:, :2] *= s
    t = max(2, height // 120)
    size = (img.shape[1], img.shape[0])
    if ghost is not None and (g := ghost_keypoints(ghost, kp, size, ghost_flipped)) is not None:
        draw_ghost(img, g)
    draw_pose(img, kp, POSE_COLOR, t)
    if part is not None:
        draw_part(img, kp, part, 2 * t + 1)
    return img


Box = tuple[int, int, int, int]  # y0, y1, x0, x1


def panel_boxes(student_w: int, coach_w: int, h: int, width: int | None = None) -> tuple[Box, Box, tuple[int, int]]:
    """Where compose puts the student and the coach panels of height h, and the (height, width) of its frame."""
    unit = max(0.45, h / 480)
    band_top, band_bottom = round(48 * unit), round(96 * unit)
    gap = max(2, h // 60)
    w = max(width or 0, student_w + gap + coach_w)
    x0 = (w - student_w - gap - coach_w) // 2
    xc = x0 + student_w + gap
    return (
        (band_top, band_top + h, x0, x0 + student_w),
        (band_top, band_top + h, xc, xc + coach_w),
        (band_top + h + band_bottom, w),
    )


def compose(student: NDArray[np.uint8], coach: NDArray[np.uint8], caption: str, part: str | None,
            correction: str, score: float | None = None, width: int | None = None) -> NDArray[np.uint8]:  # fmt: skip
    """Student and coach panels side by side (same height), the caption above, the part and correction under.

    width: pad to this width (a video needs one frame size for every rep).
    """
    h = student.shape[0]
    (y0, y1, xs, xs1), (_, _, xc, xc1), (total_h, w) = panel_boxes(student.shape[1], coach.shape[1], h, width)
    unit = max(0.45, h / 480)
    out = np.full((total_h, w, 3), 24, np.uint8)
    out[y0:y1, xs:xs1] = student
    out[y0:y1, xs1:xc] = 20
    out[y0:y1, xc:xc1] = coach
    colour = TEXT if score is None else score_bgr(score)
    _label(out, caption, round(10 * unit), round(34 * unit), 0.9 * unit, colour)
    _label(out, "you", xs + round(8 * unit), y0 + round(30 * unit), 0.8 * unit, TEXT)
    _label(out, "coach", xc + round(8 * unit), y0 + round(30 * unit), 0.8 * unit, TEXT)
    if part is not None:
        name = part.replace("_", " ")
        # Advice names its part already ("left arm: raise it higher"); a bare part says what lost most.
        text = correction if correction.startswith(name) else f"{name}: {correction}" if correction else name
    else:
        text = correction  # e.g. NOTHING_TO_CORRECT
    for k, line in enumerate(_wrap(text, w - round(20 * unit), 0.85 * unit)[:2]):
        y = y1 + round((36 + 38 * k) * unit)
        _label(out, line, round(10 * unit), y, 0.85 * unit, HIGHLIGHT if part is not None else TEXT)
    return out
