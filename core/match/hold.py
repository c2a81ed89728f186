"""The hold engine: a key pose held still, timed and scored frame by frame; runs on the pipeline thread.

Used instead of core.match.live.LiveEngine when the chosen reference is a hold. Each frame is compared with
the key pose (core.match.hold_pose); while it is within tolerance the hold timer runs. A wobble shorter than
HOLD_GRACE_S does not end the hold; a hold that ends after at least MIN_HOLD_S is reported as a Hold with its
start, end, duration, score and stability (sway of hips and head, core.score.stability). Per-part advice
comes from the same machinery as a move's (core.score.feedback). O(1) per frame; bounded buffers only.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..features.bones import (
    Normalisation,
    compute_features,
    confidence_weight,
    ghost_flipped,
    mirror_keypoints,
    steady_facing,
    total_cost,
)
from ..match.hold_events import Hold, HoldStatus
from ..match.hold_pose import HoldPose, LiveBoneLengths
from ..match.live import ADVICE_MIN_SCORE, FEEDBACK_EVERY, MSG_NOBODY, PARTIAL_AFTER_S
from ..match.live_events import CutOffClock, LiveUpdate, parts_in_view, parts_with_all_bones
from ..match.live_window import FramePoints
from ..pose.skeleton import COCO17, COCO17_NAMES, MEDIAPIPE33, PARTS, to_coco17
from ..score.feedback import FeedbackItem, build_feedback, part_directions
from ..score.feedback_stabilizer import FeedbackStabilizer
from ..score.scoring import SAME_MOVE_MIN_SCORE, PreparedReference, distance_to_score, part_scores
from ..score.stability import body_height
from ..score.unseen_motion import MSG_PARTIAL

# The pose is held while its score against the key pose is at least the score from which a performance is
# more likely this pose than another (the threshold that names a move and counts a rep).
HOLD_MIN_SCORE = SAME_MOVE_MIN_SCORE
# A wobble (a balance correction, a few frames the detector misreads) shorter than this does not end a hold.
HOLD_GRACE_S = 0.4
# The pose counts as taken (a hold starts, or goes on after a wobble) once it has been in tolerance this long
# without a break: a motion passing through the pose matches it for a frame or two, not for a tenth of a second.
CONFIRM_S = 0.1
# Shorter than this is passing through the pose on the way to another, not holding it.
MIN_HOLD_S = 1.0
# Scale, roll and bone lengths are estimated over this much of the recent stream, every RENORMALISE_EVERY frames.
RECENT_S = 2.0
RENORMALISE_EVERY = 15
# Nobody in view this long: the next person may be someone else, with other proportions.
FORGET_AFTER_S = 2.0
# The advice looks at the last this-many seconds of frames (a correction is about the pose now).
ADVICE_WINDOW_S = 0.5

_NOSE, _LHIP, _RHIP = (COCO17_NAMES.index(n) for n in ("nose", "left_hip", "right_hip"))
_NO_PARTS: dict[str, float | None] = {p: None for p in PARTS}


@dataclass
class _Run:
    """The hold in progress: running sums over its in-pose frames (a long hold stores nothing per frame)."""

    start: float
    last_in: float
    frames: int = 0
    dist: float = 0.0
    part_sum: NDArray[np.float64] = field(default_factory=lambda: np.zeros(len(PARTS)))
    part_n: NDArray[np.float64] = field(default_factory=lambda: np.zeros(len(PARTS)))
    # Per point (pelvis, nose): frames seen, sum of positions, sum of squared positions (px); heights (px).
    seen: NDArray[np.float64] = field(default_factory=lambda: np.zeros(2))
    sums: NDArray[np.float64] = field(default_factory=lambda: np.zeros((2, 2)))
    squares: NDArray[np.float64] = field(default_factory=lambda: np.zeros(2))
    height: float = 0.0
    height_frames: int = 0  # frames whose height was seen (the mean height is over these only)

    def add(self, t: float, dist: float, parts: NDArray[np.float32], points: NDArray[Any], height: float) -> None:
        self.last_in = t
        self.frames += 1
        self.dist += dist
        seen_part = np.isfinite(parts)
        self.part_sum += np.where(seen_part, parts, 0.0)
        self.part_n += seen_part
        seen = np.isfinite(points).all(axis=-1)
        self.seen += seen
        self.sums += np.where(seen[:, None], points, 0.0)
        self.squares += np.where(seen, np.sum(np.nan_to_num(points) ** 2, axis=-1), 0.0)
        if np.isfinite(height):
            self.height += height
            self.height_frames += 1

    def stability(self) -> float:
        """RMS sway of pelvis and nose about their own mean, in body heights (core.score.stability's measure)."""
        ok = self.seen >= 2
        if not ok.any() or self.height <= 0:
            return float("nan")
        mean = self.sums[ok] / self.seen[ok, None]
        rms = np.sqrt(np.maximum(self.squares[ok] / self.seen[ok] - np.sum(mean**2, axis=-1), 0.0))
        return float(rms.mean() / (self.height / self.height_frames))  # mean height of the frames that had one


class HoldEngine:
    """Times and scores one hold reference against a live pose stream; the LiveEngine interface."""

    def __init__(self, prepared: PreparedReference, mirror: bool = False) -> None:
        self.prepared = prepared
        self.ref = prepared.reference
        if self.ref.hold is None:
            raise ValueError(f"'{self.ref.label}' is a move, not a hold: use core.match.live.LiveEngine")
        self.pose = HoldPose.from_reference(self.ref)
        self.target = self.ref.hold.target_s
        self.weights = prepared.weights
        self.mirror = mirror
        self.recent: deque[NDArray[np.float32]] = deque(maxlen=max(3, int(RECENT_S * self.ref.fps)))
        self.lengths = LiveBoneLengths()
        self.norm: Normalisation | None = None
        self.frame_index = 0
        self.t0: float | None = None
        self.dt = 1.0 / self.ref.fps  # the stream's frame interval, followed as frames arrive
        self._last_t: float | None = None
        self._last_seen: float | None = None
        self._cut_off = CutOffClock(PARTIAL_AFTER_S)
        self.run: _Run | None = None
        # The in-tolerance frames not yet confirmed (CONFIRM_S): (t, distance, parts, points, height) each.
        self._streak: list[tuple[float, float, NDArray[np.float32], NDArray[np.float64], float]] = []
        self.holds: list[Hold] = []
        self.rep_count = 0  # completed holds: what the window's counter shows
        self.best = 0.0
        self.stabilizer = FeedbackStabilizer()
        self.advice: list[FeedbackItem] = []
        window = max(2, int(ADVICE_WINDOW_S * self.ref.fps))
        self._joints: deque[NDArray[np.float32]] = deque(maxlen=window)
        self._parts: deque[NDArray[np.float32]] = deque(maxlen=window)
        # The parts the key pose shows: a take that hides one of them for long is told to step back.
        self._needed = parts_with_all_bones(self.pose.key.weight[0] > 0)

    @property
    def ghost_flipped(self) -> bool:
        """The key pose drawn over the person faces the other way (core.features.bones.ghost_flipped)."""
        return ghost_flipped(self.mirror, self.norm)

    @property
    def ghost_beside(self) -> bool:
        """Always False: a hold is compared as filmed (see `push`), its key pose laid over the person."""
        return False

    def push(
        self, keypoints: FramePoints, t: float, skeleton: str = MEDIAPIPE33, *, world: FramePoints = None
    ) -> LiveUpdate:
        """Feed one frame: (K, 3) keypoints (x, y px, confidence; None if nobody) taken at `t` seconds.

        `world` is taken like the moving engines' but not used: a hold is compared as filmed (its key pose from
        another camera angle is left for later)."""
        if self.t0 is None:
            self.t0 = t
        rel_t = t - self.t0
        if self._last_t is not None and rel_t > self._last_t:
            self.dt += 0.1 * (rel_t - self._last_t - self.dt)  # smoothed: one late frame moves it little
        self._last_t = rel_t
        coco = None if keypoints is None else to_coco17(keypoints[None].astype(np.float32), skeleton)
        if coco is not None and self.mirror:
            coco = mirror_keypoints(coco, COCO17)
        status = self._status(coco, rel_t)
        new_hold = None
        score: float | None = None
        parts = dict(_NO_PARTS)
        in_pose = False
        if status != "nobody" and coco is not None:
            score, parts, in_pose = self._measure(coco, rel_t)
        if not in_pose:
            self._streak = []  # a break: the next match starts a new streak
        if not in_pose and self.run is not None and rel_t - self.run.last_in > HOLD_GRACE_S:
            new_hold = self._close()
        self.frame_index += 1
        if status == "nobody":
            candidates = [FeedbackItem("body", MSG_NOBODY, 10.0)]
        elif status == "partial":
            candidates = [FeedbackItem("body", MSG_PARTIAL, 10.0)]
        else:
            candidates = list(self.advice)
        shown = self.stabilizer.update(candidates, rel_t)
        return LiveUpdate(
            frame=self.frame_index - 1, t=rel_t, status=status, score=score if status == "ok" else None,
            parts=parts, phase=None, tempo=None, feedback=tuple(shown), rep_count=self.rep_count,
            reference=self.ref.label, ref_frame=self.pose.key_frame, hold=self._hold_status(in_pose, rel_t),
            new_hold=new_hold,
        )  # fmt: skip

    def _status(self, coco: NDArray[np.float32] | None, t: float) -> str:
        """ "nobody", "partial" (a part of the key pose out of sight for PARTIAL_AFTER_S) or "ok"."""
        visible: set[str] = set()
        if coco is not None:
            visible = parts_in_view(coco[0], confidence_weight(coco[0, :, 2]) > 0)
        if not visible:
            if self._last_seen is not None and t - self._last_seen >= FORGET_AFTER_S:
                self.recent.clear()
                self.lengths.forget()
                self.norm, self._last_seen = None, None
        else:
            self._last_seen = t
        return self._cut_off.status(self._needed, visible, t)

    def _measure(self, coco: NDArray[np.float32], t: float) -> tuple[float | None, dict[str, float | None], bool]:
        """Score, part scores and whether the pose is held, for one visible frame; feeds the hold in progress."""
        self.recent.append(coco[0])
        if len(self.recent) >= 3 and (self.norm is None or self.frame_index % RENORMALISE_EVERY == 0):
            latest = self.lengths.update(np.stack(self.recent), COCO17, self.pose.norm.facing)
            self.norm = steady_facing(latest, self.norm)
        if self.norm is None:
            return None, dict(_NO_PARTS), False
        feats = compute_features(coco, COCO17, self.norm)
        dist_parts = self.pose.distances(feats)  # (1, P) beyond the hold's own spread
        dist = float(total_cost(dist_parts, self.weights)[0])
        score = float(distance_to_score(dist))
        parts = part_scores(dist_parts[0])
        in_pose = score >= HOLD_MIN_SCORE
        if in_pose:
            xy = coco[0, :, :2]
            points = np.stack([(xy[_LHIP] + xy[_RHIP]) / 2, xy[_NOSE]]).astype(float)
            self._streak.append((t, dist, dist_parts[0], points, body_height(self.norm.bone_lengths)))
            if t - self._streak[0][0] + self.dt >= CONFIRM_S - 1e-6:
                if self.run is None:
                    self.run = _Run(start=self._streak[0][0], last_in=t)
                for frame in self._streak:
                    self.run.add(*frame)
                self._streak = []
        self._joints.append(feats.joints[0])
        self._parts.append(dist_parts[0])
        if score < ADVICE_MIN_SCORE:
            self.advice = []  # another pose altogether: part advice would be noise
        elif self.frame_index % FEEDBACK_EVERY == 0:
            self.advice = self._feedback()
        return score, parts, in_pose

    def _feedback(self) -> list[FeedbackItem]:
        """The corrections that matter now, from the last ADVICE_WINDOW_S against the key pose."""
        take = np.stack(self._joints)
        costs = np.stack(self._parts)
        key = np.repeat(self.pose.key.joints, len(take), axis=0)
        with np.errstate(invalid="ignore"):
            seen = np.isfinite(costs).any(axis=0)
            means = np.where(seen, np.nanmean(np.where(seen, costs, 0.0), axis=0), np.nan)
        scores = part_scores(means)
        return build_feedback(scores, self.ref.weights, part_directions(take, key, costs), None)

    def _hold_status(self, in_pose: bool, t: float) -> HoldStatus:
        run = self.run
        held = 0.0 if run is None else run.last_in + self.dt - run.start
        stability = float("nan") if run is None else run.stability()
        last = self.holds[-1] if self.holds else None
        return HoldStatus(in_pose, run is not None, held, self.target, stability, self.rep_count, self.best, last)

    def _close(self) -> Hold | None:
        """End the hold in progress at its last in-pose frame; a Hold if it lasted MIN_HOLD_S."""
        run, self.run = self.run, None
        if run is None:
            return None
        end = run.last_in + self.dt  # the last in-pose frame stands until the next frame arrives
        if end - run.start < MIN_HOLD_S:
            return None
        part_means = np.where(run.part_n > 0, run.part_sum / np.maximum(run.part_n, 1), np.nan)
        parts = part_scores(part_means)
        self.rep_count += 1
        hold = Hold(
            self.rep_count, run.start, end, float(distance_to_score(run.dist / run.frames)), run.stability(),
            self.target, parts, tuple(self.advice), self.ref.move, self.ref.view,
        )  # fmt: skip
        self.best = max(self.best, hold.duration)
        self.holds.append(hold)
        if len(self.holds) > 1000:  # a summary needs durations and scores, not unbounded objects
            del self.holds[:-1000]
        return hold

    def finish(self) -> list[Hold]:
        """The source ended: the hold in progress ends with it. [] or [hold]."""
        hold = self._close()
        return [] if hold is None else [hold]

    def summary(self) -> dict[str, object]:
        durations = [h.duration for h in self.holds]
        scores = [h.score for h in self.holds]
        return {
            "event": "summary",
            "reference": self.ref.label,
            "kind": "hold",
            "frames": self.frame_index,
            "holds": self.rep_count,
            "durations": [round(d, 3) for d in durations],
            "longest": round(max(durations), 3) if durations else None,
            "target": round(self.target, 3),
            "mean_score": round(float(np.mean(scores)), 1) if scores else None,
        }
