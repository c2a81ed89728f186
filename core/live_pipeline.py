"""One camera frame -> pose -> live engine -> drawn image: the per-frame work, Qt-free.

Runs on the pipeline thread of the app (ui/pipeline_worker.py) and in tests and benchmarks directly.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .auto_detect import AutoDetectEngine
from .live import LiveEngine
from .live_events import LiveUpdate
from .overlay import Trails, draw_ghost, draw_pose, ghost_keypoints
from .pose import PoseEstimator
from .recording import RecordedTake, TakeRecorder
from .references import Reference
from .scoring import PreparedReference
from .skeleton import MEDIAPIPE33, to_coco17
from .sources import Frame

Engine = LiveEngine | AutoDetectEngine


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


def make_engine(references: list[Reference], mirror: bool = False) -> Engine | None:
    """One reference: follow it; several: auto-detect among them; none: no engine."""
    prepared = [PreparedReference.from_reference(r) for r in references]
    if not prepared:
        return None
    return LiveEngine(prepared[0], mirror) if len(prepared) == 1 else AutoDetectEngine(prepared, mirror)


class LivePipeline:
    def __init__(self, estimator: PoseEstimator, engine: Engine | None = None, mirror_display: bool = True) -> None:
        self.estimator = estimator
        self.engine = engine
        self.mirror_display = mirror_display
        self.trails = Trails()
        self.recorder: TakeRecorder | None = None
        self._ref_coco: dict[str, NDArray[Any]] = {}

    def set_engine(self, engine: Engine | None) -> None:
        self.engine = engine
        self._ref_coco = {}

    def reset(self) -> None:
        """A new source: forget tracking and trails."""
        self.estimator.reset()
        self.trails.clear()

    def start_recording(self, source: str, fps: float) -> None:
        self.recorder = TakeRecorder(source, fps)

    def stop_recording(self) -> RecordedTake | None:
        recorder, self.recorder = self.recorder, None
        return recorder.finish() if recorder is not None else None

    def process(self, frame: Frame) -> ViewFrame:
        t0 = time.perf_counter()
        pose = self.estimator.process(frame)
        t1 = time.perf_counter()
        kp33 = pose.keypoints_px() if pose.detected else None
        update = self.engine.push(kp33, frame.t, MEDIAPIPE33) if self.engine is not None else None
        if self.recorder is not None:
            self.recorder.add(frame.t, frame.image, kp33)
        image = frame.image  # the pipeline owns the frame now: draw on it, no full-frame copy
        coco = to_coco17(kp33[None], MEDIAPIPE33)[0] if kp33 is not None else None
        self.trails.push(coco)
        ghost = self._ghost(update, coco, (image.shape[1], image.shape[0]))
        if ghost is not None:
            draw_ghost(image, ghost)
        self.trails.draw(image)
        if coco is not None:
            draw_pose(image, coco)
        recording = self.recorder.elapsed if self.recorder is not None else None
        return ViewFrame(
            frame.index, frame.t, image, update, pose.detected,
            (t1 - t0) * 1000.0, (time.perf_counter() - t1) * 1000.0, recording, self.mirror_display,
        )  # fmt: skip

    def _ghost(
        self, update: LiveUpdate | None, coco: NDArray[Any] | None, size: tuple[int, int]
    ) -> NDArray[Any] | None:
        if update is None or update.ref_frame is None or self.engine is None:
            return None
        engine = self.engine.current if isinstance(self.engine, AutoDetectEngine) else self.engine
        ref = engine.ref
        if ref.label not in self._ref_coco:
            self._ref_coco[ref.label] = to_coco17(ref.keypoints, ref.skeleton)
        ref_coco = self._ref_coco[ref.label]
        frame = min(update.ref_frame, len(ref_coco) - 1)
        return ghost_keypoints(ref_coco[frame], coco, size)

    def close(self) -> None:
        self.estimator.close()


__all__ = ["Engine", "LivePipeline", "ViewFrame", "make_engine"]
