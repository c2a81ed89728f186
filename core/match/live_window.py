"""The recent frames a live engine reads the person's scale, camera roll, facing and camera angle from.

Every RENORMALISE_EVERY frames the engine re-reads them over this window (core.features.bones.Normalisation;
core.features.view_turn for the camera angle), and each new frame is matched as that reading says: flipped
when the person faces the other way than the reference, turned when the camera sees them from another side.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..features.bones import Normalisation, estimate_normalisation, foot_points, mirror_keypoints, steady_facing
from ..features.view_turn import (
    TURN_HYSTERESIS_DEG,
    body_yaw,
    needs_side_on,
    turn_angle,
    turned_keypoints,
    views_apart,
)
from ..pose.estimator import NO_WORLD
from ..pose.skeleton import COCO17, MEDIAPIPE33, to_coco17
from ..score.strike_metrics import StrikeMetrics, StrikeProfile, measure_rep

# One frame's keypoints or world landmarks as an engine's push takes them: (K, C), None when nobody is in frame.
FramePoints = NDArray[Any] | None
_NO_FEET = np.full((2, 2, 3), np.nan, np.float32)  # a frame whose skeleton has no feet


@dataclass(frozen=True)
class SeenFrame:
    """One frame as the engine compares it (mirrored when the engine mirrors): (17, 3) COCO-17 keypoints,
    (2, 2, 3) heels and toes and (33, 3) world landmarks (NaN when the source has none)."""

    coco: NDArray[np.float32]
    feet: NDArray[np.float32]
    world: NDArray[np.float32]

    @classmethod
    def of(cls, coco: NDArray[Any], feet: NDArray[Any] | None, world: NDArray[Any] | None, mirror: bool) -> SeenFrame:
        """A frame's parts as given to an engine; `mirror` swaps the person's left and right (the other stance)."""
        c = np.asarray(coco, np.float32)
        f = _NO_FEET if feet is None else np.asarray(feet, np.float32)
        w = NO_WORLD if world is None else np.asarray(world, np.float32)[:, :3]
        if mirror:
            c = mirror_keypoints(c[None], COCO17)[0]
            f = f * np.array([-1.0, 1.0, 1.0], np.float32)  # which foot is which does not matter
            w = mirror_keypoints(w[None], MEDIAPIPE33)[0]  # x negated about the hips, left and right swapped
        return cls(c, f, w)


class ViewWindow:
    """The last `maxlen` seen frames and what they say about how to compare the next ones."""

    def __init__(self, maxlen: int, ref_facing: int, ref_yaw: float | None, turnable: bool = True) -> None:
        """`turnable`: a take may be turned to `ref_yaw` (core.score.scoring.PreparedReference.turn_yaw); the
        advice to turn side-on needs only the angle."""
        self.frames: deque[SeenFrame] = deque(maxlen=maxlen)
        self.ref_facing = ref_facing
        self.ref_yaw = ref_yaw
        self.turnable = turnable
        self.norm: Normalisation | None = None
        self.turn = 0.0  # degrees the person is turned about the vertical to be seen as the reference was
        self.side_on = False  # filmed nearer the front than the reference, by too much to compare well
        self.apart = False  # seen from a view of another kind than the reference, turned or not

    def __len__(self) -> int:
        return len(self.frames)

    def add(self, frame: SeenFrame) -> None:
        self.frames.append(frame)

    def renormalise(self) -> None:
        """Read the camera angle, then scale, roll and facing of the window as it will be matched."""
        coco = np.stack([f.coco for f in self.frames])
        feet = np.stack([f.feet for f in self.frames])
        if self.ref_yaw is not None:  # a reference without an angle never turns: no world to stack
            world = np.stack([f.world for f in self.frames])
            # Near a limit a person between two views is not switched back and forth between windows.
            slack = TURN_HYSTERESIS_DEG if self.turn else 0.0
            take_yaw = body_yaw(world)
            self.turn = turn_angle(take_yaw, self.ref_yaw, slack) if self.turnable else 0.0
            told = TURN_HYSTERESIS_DEG if self.side_on else 0.0
            self.side_on = not self.turn and needs_side_on(take_yaw, self.ref_yaw, told)
            self.apart = views_apart(take_yaw, self.ref_yaw)
            if self.turn:
                coco, feet = self._turned(coco, feet, world)
        latest = estimate_normalisation(coco, COCO17, self.ref_facing, feet)
        self.norm = steady_facing(latest, self.norm)

    def matched(self, frame: SeenFrame) -> SeenFrame:
        """`frame` as it is compared with the reference: turned to the reference's camera angle when the window
        says so (frames without world landmarks stay as filmed)."""
        if not self.turn:
            return frame
        coco, feet = self._turned(frame.coco[None], frame.feet[None], frame.world[None])
        return SeenFrame(coco[0], feet[0], frame.world)

    def _turned(
        self, coco: NDArray[np.float32], feet: NDArray[np.float32], world: NDArray[np.float32]
    ) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        kp, turned_feet = turned_keypoints(world, coco, COCO17, self.turn, feet)
        assert turned_feet is not None  # feet were given
        return kp, turned_feet


class RecentFrames:
    """The last `keep_s` seconds of (time, COCO-17 keypoints) as they came (real time stamps, not an engine's
    resampled columns): a rep's strike metrics (core.score.strike_metrics) and auto-detect's recognition of a
    rep are measured on them."""

    def __init__(self, keep_s: float) -> None:
        self.keep_s = keep_s
        self.rows: deque[tuple[float, NDArray[np.float32]]] = deque()

    def add(self, t: float, coco: NDArray[np.float32]) -> None:
        self.rows.append((t, coco))
        while t - self.rows[0][0] > self.keep_s:
            self.rows.popleft()

    def between(self, t0: float, t1: float) -> list[tuple[float, NDArray[np.float32]]]:
        """The kept frames from t0 to t1 (seconds), both included."""
        return [(t, kp) for t, kp in self.rows if t0 <= t <= t1]

    def measure(self, t0: float, t1: float, profile: StrikeProfile, mirror: bool) -> StrikeMetrics | None:
        """The metrics of the rep from t0 to t1 (seconds), None when too few of its frames are kept."""
        rows = [(t, kp) for t, kp in self.rows if t >= t0 - 1e-6]
        if len(rows) < 3:
            return None
        times = np.array([t for t, _ in rows])
        end = int(np.searchsorted(times, t1 + 1e-6)) - 1
        if end < 2:
            return None
        return measure_rep(times, np.stack([kp for _, kp in rows]), 0, end, profile, mirror)


def coco_and_feet(
    keypoints: NDArray[Any] | None, skeleton: str
) -> tuple[NDArray[np.float32] | None, NDArray[np.float32] | None]:
    """One frame as the engines behind a wrapper take it: (17, 3) COCO-17 keypoints and the frame_feet that
    COCO-17 lacks (the facing needs them); both None for nobody. Converted once per frame, not per engine."""
    if keypoints is None:
        return None, None
    return to_coco17(np.asarray(keypoints, np.float32)[None], skeleton)[0], frame_feet(keypoints, skeleton)


def frame_feet(keypoints: NDArray[Any] | None, skeleton: str) -> NDArray[np.float32] | None:
    """(2, 2, 3) heel and toe of both feet in one frame (core.features.bones.foot_points), None without feet."""
    if keypoints is None:
        return None
    feet = foot_points(np.asarray(keypoints, np.float32)[None], skeleton)
    return None if feet is None else feet[0]
