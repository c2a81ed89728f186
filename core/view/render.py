"""`main.py render`: an annotated video of a take (pose, trails, ghost, score, reps, advice burned in).

Runs on the calling thread (the CLI's main thread, or a worker thread when the app exports a take).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..frame.sources import VideoSource
from ..frame.video_out import VideoOut, output_path
from ..library.references import Reference
from ..match.combo_engine import ComboEngine
from ..pose.estimator import PoseEstimator
from ..pose.models import DEFAULT_MODEL
from ..view.live_pipeline import Engine, LivePipeline, make_engine
from ..view.overlay import draw_hud
from ..view.sequence_overlay import draw_sequence_bar

Progress = Callable[[int, int], None]  # (frames done, frames expected or 0); raise from it to cancel


def annotate_frames(video: VideoSource, estimator: PoseEstimator, reference: Reference, mirror_person: bool = False,
                    engine: Engine | None = None) -> Iterator[NDArray[np.uint8]]:  # fmt: skip
    """Every frame of `video`, in order, annotated in place: (H, W, 3) uint8 BGR.

    The live engine follows the take as if it came from the camera; its reference frame places the ghost.
    `engine`: another engine than `reference`'s (a combination's: its sequence bar is burned in too).
    """
    engine = engine if engine is not None else make_engine([reference], mirror_person)
    pipeline = LivePipeline(estimator, engine, mirror_display=False)  # a file is shown as filmed
    for frame in video:
        view = pipeline.process(frame)  # pose, trails and ghost
        u = view.update
        if u is None:
            draw_hud(view.image, None, 0, [], reference.label)
        else:
            draw_hud(view.image, u.score, u.rep_count, [f.message for f in u.feedback], u.reference)
        if isinstance(engine, ComboEngine):
            draw_sequence_bar(view.image, engine.progress)
        yield view.image


def render_video(source: str, reference: Reference, out: str | Path, mirror_person: bool = False,
                 progress: Progress | None = None, model: str = DEFAULT_MODEL,
                 engine: Engine | None = None) -> int:  # fmt: skip
    """Write every frame of `source`, annotated, to `out` (mp4v; same size, fps and frame count). Returns frames.

    model: the pose model (core.pose.models); a missing one fails before any frame is decoded or written.

    Written under a temporary name and renamed when complete: a crash or a cancel leaves no half video at `out`.
    """
    out = output_path(out, "take.mp4")
    with VideoSource(source) as video, PoseEstimator(model) as estimator, VideoOut(out, video.fps) as writer:
        for image in annotate_frames(video, estimator, reference, mirror_person, engine):
            writer.write(image)
            if progress is not None:
                progress(writer.frames, video.frame_count)
        writer.finish(source)
    return writer.frames
