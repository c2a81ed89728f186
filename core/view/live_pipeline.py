"""One camera frame -> pose -> live engine -> drawn image: the per-frame work, Qt-free.

Runs on the pipeline thread of the app (ui/pipeline_worker.py) and in tests and benchmarks directly.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..frame.sources import Frame
from ..library.references import Reference
from ..match.auto_detect import AutoDetectEngine
from ..match.combo_engine import ComboEngine
from ..match.gestures import GestureUpdate
from ..match.hold import HoldEngine
from ..match.live import LiveEngine
from ..match.live_events import LiveUpdate
from ..match.sides import SidedEngine
from ..pose.auto_model import AutoPose
from ..pose.estimator import PoseEstimator, PoseFrame
from ..pose.skeleton import MEDIAPIPE33, to_coco17
from ..score.scoring import PreparedReference
from ..view.overlay import Trails, draw_ghost, draw_pose, ghost_keypoints

Engine = LiveEngine | AutoDetectEngine | HoldEngine | SidedEngine | ComboEngine


@dataclass(frozen=True)
class ViewFrame:
    """What the view shows for one processed frame.

    image: (H, W, 3) uint8 BGR with pose, trails and ghost drawn, as filmed.
    mirrored: the view should show it mirrored (flipping while scaling for display costs nothing extra).
    update: the live engine's output, None when no reference is loaded.
    """

    index: int
    t: float
    image: NDArray[np.uint8]
    update: LiveUpdate | None
    detected: bool
    pose_ms: float
    work_ms: float
    recording: float | None  # seconds recorded so far, None when not recording
    mirrored: bool = False
    generation: int = 0  # the source it came from (core.frame.sources.Frame.generation)
    drawn: bool = True  # False: scored but not drawn (`image` is the bare frame), never to be shown
    gesture: GestureUpdate | None = None  # a command pose being held (the ring), core.match.gestures


def engine_for(prepared: list[PreparedReference], mirror: bool = False, sides: str = "one") -> Engine | None:
    """One reference: follow it on one side or both (core.match.sides; a hold: time it); several: auto-detect
    among the moves; none: no engine."""
    if len(prepared) == 1 and prepared[0].reference.hold is not None:
        return HoldEngine(prepared[0], mirror)
    moves = [p for p in prepared if p.reference.hold is None]  # a hold is practised by choosing it
    if not moves:
        return None
    return SidedEngine(moves[0], sides, mirror) if len(moves) == 1 else AutoDetectEngine(moves, mirror)


def make_engine(references: list[Reference], mirror: bool = False) -> Engine | None:
    return engine_for([PreparedReference.from_reference(r) for r in references], mirror)


@dataclass(frozen=True)
class Estimate:
    """A frame's pose, as the engine and the recorder take it: (33, 3) px keypoints, None without a person."""

    pose: PoseFrame
    keypoints: NDArray[np.float32] | None
    pose_ms: float
    started: float  # perf_counter() when the frame's work began
    restarted: bool = False  # the first frame of a new source: drawing forgets the old trails
    note: str = ""  # the auto pose model decided (core.pose.auto_model): one sentence for the person

    @property
    def world(self) -> NDArray[np.float32] | None:
        """(33, 4) world landmarks of the person (the angle the camera sees them from), None without one."""
        return None if self.keypoints is None else self.pose.world


class LivePipeline:
    """Pose estimation and drawing; `process` also runs its own engine (render, benches).

    The app's practice session (core.app.practice_session) calls `estimate` and `draw` itself, so that it can
    feed the engine and the recorder it owns in between.
    """

    def __init__(
        self, estimator: PoseEstimator | AutoPose, engine: Engine | None = None, mirror_display: bool = True
    ) -> None:
        self.estimator = estimator
        self.engine = engine
        self.mirror_display = mirror_display
        self.trails = Trails()
        self._ref_coco: dict[str, tuple[Reference, NDArray[Any]]] = {}

    def set_engine(self, engine: Engine | None) -> None:
        self.engine = engine

    def reset(self) -> None:
        """A new source: forget tracking and trails."""
        self.estimator.reset()
        self.trails.clear()

    def send_ahead(self, frame: Frame) -> bool:
        """Start `frame`'s pose before `estimate` asks for it, where the estimator can (a worker process);
        True if it started. Frames go ahead in the order `estimate` will take them."""
        return self.estimator.send_ahead(frame)

    def estimate(self, frame: Frame, restart: bool = False) -> Estimate:
        """The frame's pose; `restart`: a new source, tracking starts afresh (and `draw` clears the trails).

        May run on another thread than `draw` (the app overlaps the next frame's pose with this frame's
        drawing): it touches only the estimator, `draw` only the trails.
        """
        started = time.perf_counter()
        if restart:
            self.estimator.reset()
        pose = self.estimator.process(frame)
        keypoints = pose.keypoints_px() if pose.detected else None
        note = self.estimator.take_note() if isinstance(self.estimator, AutoPose) else ""
        return Estimate(pose, keypoints, (time.perf_counter() - started) * 1000.0, started, restart, note)

    def draw(
        self,
        frame: Frame,
        est: Estimate,
        update: LiveUpdate | None,
        engine: Engine | None,
        recording: float | None = None,
        mirrored: bool | None = None,
        paint: bool = True,
    ) -> ViewFrame:
        """Trails, pose and the ghost of `engine`'s reference drawn on the frame's own image.

        `paint=False`: the trails follow the frame but nothing is drawn (a frame the screen will not show).
        """
        drawn = time.perf_counter()
        image = frame.image  # the pipeline owns the frame now: draw on it, no full-frame copy
        if est.restarted:
            self.trails.clear()
        kp33 = est.keypoints
        coco = to_coco17(kp33[None], MEDIAPIPE33)[0] if kp33 is not None else None
        self.trails.push(coco)
        if paint:
            ghost = self._ghost(update, engine, coco, (image.shape[1], image.shape[0]))
            if ghost is not None:
                draw_ghost(image, ghost)
            self.trails.draw(image)
            if coco is not None:
                draw_pose(image, coco)
        work_ms = (drawn - est.started) * 1000.0 - est.pose_ms + (time.perf_counter() - drawn) * 1000.0
        mirror = self.mirror_display if mirrored is None else mirrored
        return ViewFrame(
            frame.index, frame.t, image, update, est.pose.detected,
            est.pose_ms, work_ms, recording, mirror, frame.generation, paint,
        )  # fmt: skip

    def process(self, frame: Frame) -> ViewFrame:
        est = self.estimate(frame)
        engine = self.engine
        update = None if engine is None else engine.push(est.keypoints, frame.t, MEDIAPIPE33, world=est.world)
        return self.draw(frame, est, update, engine)

    def _ghost(
        self, update: LiveUpdate | None, engine: Engine | None, coco: NDArray[Any] | None, size: tuple[int, int]
    ) -> NDArray[Any] | None:
        if update is None or update.ref_frame is None or engine is None:
            return None
        # Auto-detect and a move with several examples show the engine whose match is on screen.
        engine = engine.current if isinstance(engine, (AutoDetectEngine, SidedEngine)) else engine
        ref = engine.ref
        cached = self._ref_coco.get(ref.label)
        if cached is None or cached[0] is not ref:  # a reference saved again under its label is new
            cached = self._ref_coco[ref.label] = (ref, to_coco17(ref.keypoints, ref.skeleton))
        ref_coco = cached[1]
        frame = min(update.ref_frame, len(ref_coco) - 1)
        # A person filmed from another side than the coach (core.features.view_turn) gets the coach as filmed
        # standing beside them: the reference's pose laid over a body seen from elsewhere would fit nothing.
        stand_on = None if engine.ghost_beside else coco
        return ghost_keypoints(ref_coco[frame], stand_on, size, engine.ghost_flipped)

    def close(self) -> None:
        self.estimator.close()


__all__ = ["Engine", "Estimate", "LivePipeline", "ViewFrame", "engine_for", "make_engine"]
