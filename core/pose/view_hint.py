"""Which way the camera saw the person (front or side), suggested from the pose for the Record dialog; any thread.

The cue is one a coach can check by eye: seen from the front the shoulders sit side by side, about half
a torso apart; seen from the side one shoulder hides behind the other. A three-quarter view falls in
between and gets no suggestion, so the coach chooses. Measured on the shared clips (median over the
frames): side views 0.03-0.06 torso lengths, front views 0.37-0.6 (push-ups, torso towards the camera,
far more), the three-quarter "side" punch 0.44 (it reads as front: the limit of one cue).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..pose.skeleton import COCO17_NAMES, to_coco17

SIDE_BELOW = 0.2  # horizontal shoulder width / torso length under this: one shoulder behind the other
FRONT_ABOVE = 0.3  # over this: shoulders side by side
MIN_FRAMES = 5  # fewer frames with both shoulders and hips seen: no suggestion

_I = {name: k for k, name in enumerate(COCO17_NAMES)}


@dataclass(frozen=True)
class ViewHint:
    """view: 'front', 'side' or None (unclear); ratio: median shoulder width / torso length (NaN if unseen)."""

    view: str | None
    ratio: float

    @property
    def reason(self) -> str:
        if np.isnan(self.ratio):
            return "shoulders and hips not seen well enough to tell"
        width = f"shoulders {self.ratio:.2f} torso lengths apart"
        if self.view == "side":
            return f"{width}: one behind the other, as seen from the side"
        if self.view == "front":
            return f"{width}: side by side, as seen from the front"
        return f"{width}: turned part-way, choose the view"


def shoulder_ratio(keypoints: NDArray[Any], skeleton: str) -> NDArray[Any]:
    """(T,) horizontal shoulder width / torso length per frame of (T, K, 3) keypoints; NaN where unseen."""
    c = to_coco17(keypoints, skeleton)[..., :2]
    ls, rs = c[:, _I["left_shoulder"]], c[:, _I["right_shoulder"]]
    lh, rh = c[:, _I["left_hip"]], c[:, _I["right_hip"]]
    torso = np.linalg.norm((ls + rs) / 2 - (lh + rh) / 2, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.abs(ls[:, 0] - rs[:, 0]) / torso
    return np.asarray(np.where(torso > 0, ratio, np.nan))


def suggest_view(keypoints: NDArray[Any], skeleton: str) -> ViewHint:
    """The view a take was filmed from, by the median shoulder width over its frames (see module doc)."""
    ratio = shoulder_ratio(keypoints, skeleton)
    seen = ratio[np.isfinite(ratio)]
    if len(seen) < MIN_FRAMES:
        return ViewHint(None, float("nan"))
    median = float(np.median(seen))
    view = "side" if median < SIDE_BELOW else "front" if median > FRONT_ABOVE else None
    return ViewHint(view, median)
