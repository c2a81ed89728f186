"""Commands by pose, held still long enough that no move triggers them; pipeline thread (stream: main thread).

Both hands above the head = start/stop Record, one hand raised = next reference, nobody in frame for 3 s =
end of the set. Why a move never fires one: the pose must be *held still*. Only the frames whose wrists
stay within STILL_RADIUS torso lengths of their median count towards the hold (a sliding window that drops
older frames when the hands move), so a jumping jack, whose hands pass over the head and straight down
again (half a torso length of travel in the time its hands are up), never fills it, however slowly it is
done; a person holding the hands up sways a tenth of a torso length.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..pose.skeleton import C, to_coco17
from ..score.limb_motion import visible_xy

GESTURES = ("record", "next", "end_set")
HOLD_S = {"record": 1.0, "next": 1.0, "end_set": 3.0}
ABOVE_HEAD = 0.25  # a raised wrist is this far above the nose, in torso lengths (the top of the head)
STILL_RADIUS = 0.18  # torso lengths: the hands' wander while held (a jack travels 0.5 over the head)
GRACE_S = 0.3  # a dropped frame or a flicker of the pose model shorter than this does not restart a hold
REFRACTORY_S = 1.5  # after a command, none for this long (the arms coming down pass through other poses)
WRISTS = (C["left_wrist"], C["right_wrist"])


@dataclass(frozen=True)
class Command:
    """A recognised command at stream time `t` (seconds)."""

    name: str
    t: float

    def as_dict(self) -> dict[str, object]:
        return {"event": "command", "name": self.name, "t": round(self.t, 3)}


@dataclass(frozen=True)
class GestureUpdate:
    """After one frame: the gesture being recognised and how far (0..1, the ring), and a command if one fired."""

    name: str | None = None
    progress: float = 0.0
    command: Command | None = None


def pose_gesture(coco: NDArray[Any]) -> tuple[str | None, NDArray[np.float64] | None]:
    """The command pose of one (17, 2|3) COCO-17 frame ("record", "next" or None) and the raised wrists'
    positions relative to the nose in torso lengths ((2,) or (4,)), the quantity that must stay still."""
    xy = visible_xy(coco[None])[0] if coco.shape[-1] >= 3 else np.asarray(coco[:, :2], np.float64)
    nose = xy[C["nose"]]
    neck = (xy[C["left_shoulder"]] + xy[C["right_shoulder"]]) / 2
    pelvis = (xy[C["left_hip"]] + xy[C["right_hip"]]) / 2
    torso = float(np.linalg.norm(neck - pelvis))
    if not np.isfinite(torso) or torso <= 0 or not np.isfinite(nose).all():
        return None, None
    wrists = xy[list(WRISTS)]
    rel = (wrists - nose) / torso  # (2, 2); y down
    raised = np.nan_to_num(-rel[:, 1], nan=-np.inf) >= ABOVE_HEAD
    if raised.all():
        return "record", rel.ravel()
    if raised.any():
        up, down = (0, 1) if raised[0] else (1, 0)
        if wrists[down, 1] > neck[1]:  # the other hand seen, below the shoulders (NaN: not seen, compares False)
            return "next", rel[up]
    return None, None


# A practised move that itself stays in a command's pose this long (a guard with both fists overhead held for a
# count) switches that command off while it is practised: a jumping jack passes through it, a hold stays.
MOVE_HOLDS_POSE_S = 0.5


def poses_held_by(references: Any) -> frozenset[str]:
    """The commands whose pose the practised references (core.library.references.Reference) hold themselves."""
    held: set[str] = set()
    for ref in references:
        coco = to_coco17(np.asarray(ref.keypoints, np.float32), ref.skeleton)
        names = [pose_gesture(frame)[0] for frame in coco]
        run, previous = 0, None
        for name in names:
            run = run + 1 if name is not None and name == previous else 1
            previous = name
            if name is not None and run >= MOVE_HOLDS_POSE_S * ref.fps:
                held.add(name)
    return frozenset(held)


@dataclass
class GestureRecognizer:
    """Feed every frame; reports the gesture in progress and fires each command once per hold.

    disabled: commands switched off: those whose pose the practised move holds itself (poses_held_by).
    """

    disabled: frozenset[str] = frozenset()
    hold_s: dict[str, float] = field(default_factory=lambda: dict(HOLD_S))
    _name: str | None = None
    _window: deque[tuple[float, NDArray[np.float64]]] = field(default_factory=deque)
    _last_seen: float | None = None  # last frame of the current pose
    _latched: str | None = None  # fired; waits for the pose to end before it can fire again
    _quiet_until: float = -np.inf
    _someone_seen: bool = False
    _gone_since: float | None = None

    def push(self, keypoints: NDArray[Any] | None, t: float, skeleton: str) -> GestureUpdate:
        """keypoints: (K, 2|3) of one frame in `skeleton` order, or None when nobody is in the frame."""
        if keypoints is None:
            return self._nobody(t)
        self._someone_seen, self._gone_since = True, None
        name, where = pose_gesture(to_coco17(np.asarray(keypoints)[None], skeleton)[0])
        if name is None or where is None or name in self.disabled:
            if self._last_seen is not None and t - self._last_seen <= GRACE_S:
                return self._progress(t)  # a flicker: the hold goes on
            self._reset(None)
            return GestureUpdate()
        if name != self._name or (self._last_seen is not None and t - self._last_seen > GRACE_S):
            self._reset(name)
        self._last_seen = t
        if self._latched == name:
            return GestureUpdate()
        self._window.append((t, where))
        self._keep_still_frames()
        done = self._progress(t)
        if done.progress >= 1.0 and t >= self._quiet_until:
            self._latched, self._quiet_until = name, t + REFRACTORY_S
            self._window.clear()
            return GestureUpdate(name, 1.0, Command(name, t))
        return done

    def _keep_still_frames(self) -> None:
        """Drop the oldest frames until every wrist of the window is within STILL_RADIUS of the window's median."""
        while len(self._window) > 1:
            pts = np.stack([w for _, w in self._window]).reshape(len(self._window), -1, 2)
            centre = np.nanmedian(pts, axis=0)
            if np.nanmax(np.linalg.norm(pts - centre, axis=-1)) <= STILL_RADIUS:
                return
            self._window.popleft()

    def _progress(self, t: float) -> GestureUpdate:
        if self._name is None or not self._window or self._latched == self._name:
            return GestureUpdate()
        held = t - self._window[0][0]
        return GestureUpdate(self._name, min(1.0, held / self.hold_s[self._name]))

    def _reset(self, name: str | None) -> None:
        if name != self._latched:
            self._latched = None  # the fired pose ended: it may fire again
        self._name, self._last_seen = name, None
        self._window.clear()

    def _nobody(self, t: float) -> GestureUpdate:
        self._reset(None)
        if not self._someone_seen or "end_set" in self.disabled:
            return GestureUpdate()
        if self._gone_since is None:
            self._gone_since = t
        progress = (t - self._gone_since) / self.hold_s["end_set"]
        if progress < 1.0:
            return GestureUpdate("end_set", progress) if t - self._gone_since > GRACE_S else GestureUpdate()
        self._someone_seen, self._gone_since = False, None  # once per absence
        return GestureUpdate("end_set", 1.0, Command("end_set", t))
