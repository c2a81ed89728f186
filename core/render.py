"""`main.py render`: an annotated video of a take (pose, trails, ghost, score, feedback burned in)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2

from .errors import PoseCoachError
from .live_pipeline import LivePipeline, make_engine
from .overlay import draw_hud
from .pose import PoseEstimator
from .references import Reference
from .sources import VideoSource


def render_video(source: str, reference: Reference, out: str | Path, mirror_person: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> int:  # fmt: skip
    """Write every frame of `source`, annotated, to `out` (same size, fps and frame count). Returns frames."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.stem}.partial{out.suffix}")  # renamed only when complete
    writer = None
    frames = 0
    with VideoSource(source) as video, PoseEstimator() as estimator:
        pipeline = LivePipeline(estimator, make_engine([reference], mirror_person), mirror_display=False)
        try:
            for frame in video:
                view = pipeline.process(frame)
                image = view.image
                u = view.update
                draw_hud(image, None if u is None else u.score, 0 if u is None else u.rep_count,
                         [] if u is None else [f.message for f in u.feedback], reference.label)  # fmt: skip
                if writer is None:
                    h, w = image.shape[:2]
                    writer = cv2.VideoWriter(str(tmp), cv2.VideoWriter_fourcc(*"mp4v"), video.fps, (w, h))
                    if not writer.isOpened():
                        raise PoseCoachError(f"{out}: cannot write a video there")
                writer.write(image)
                frames += 1
                if progress is not None:
                    progress(frames, video.frame_count)
        except BaseException:
            if writer is not None:
                writer.release()
            tmp.unlink(missing_ok=True)
            raise
    if writer is None:
        raise PoseCoachError(f"{source}: holds no frames")
    writer.release()
    tmp.replace(out)
    return frames
