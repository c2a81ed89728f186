"""`main.py render --compare`: the review video, take and reference side by side, aligned, worst rep slowed down.

Runs on the calling thread (the CLI's, or a worker's). Two passes over the video keep memory flat for any
length: the first finds the poses and the reps (the live engine, as the app counts them), the second writes
each frame beside the coach. Inside a rep the video walks its alignment path (core.match.rep_path), one
output frame per step, so both sides show the same phase even when the student is slower or faster;
between reps the take plays at its own pace beside the coach's first pose. At the end the worst rep
plays again at 0.25x.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..app.errors import PoseCoachError
from ..frame.sources import VideoSource
from ..frame.video_out import VideoOut, output_path
from ..library.reference_video import load_reference_video
from ..library.references import Reference
from ..match.live_events import Rep
from ..match.rep_path import rep_path, worst_part
from ..pose.estimator import PoseEstimator, PoseSequence
from ..pose.models import DEFAULT_MODEL
from ..pose.skeleton import MEDIAPIPE33, to_coco17
from ..score.scoring import PreparedReference, score_take
from ..view.compare import NOTHING_TO_CORRECT, SLOW_SPEED, CoachPanel, compose, fit_height, slow_steps, student_panel
from ..view.live_pipeline import engine_for

Progress = Callable[[int, int], None]
PANEL_HEIGHT = 480  # px: the student and coach panels (the source is never enlarged)


@dataclass(frozen=True)
class CompareStep:
    """One output frame: take frame `take`, reference frame `ref` (-1: between reps), rep number (0: none)."""

    take: int
    ref: int
    rep: int
    slow: bool = False


@dataclass(frozen=True)
class CompareResult:
    frames: int
    aligned: int  # frames of the take section (reps along their path, the rest at its own pace)
    slow: int  # frames of the worst rep's slow-motion replay
    reps: tuple[Rep, ...]
    worst: int  # the worst rep's number, 0 when none
    steps: tuple[CompareStep, ...]


def _find_reps(coco: NDArray[np.float32], world: NDArray[np.float32], times: NDArray[np.float64],
               prepared: PreparedReference, mirror: bool, fps: float) -> list[Rep]:  # fmt: skip
    """The counted reps the live engine finds; with none (one performance cut short, say) the best whole-take
    match stands in, so a clip of a single move still gets its review. `world`: (T, 33, 3) world landmarks, which
    turn a take filmed from another side than the reference (core.features.view_turn)."""
    engine = engine_for([prepared], mirror)
    if engine is None:
        raise PoseCoachError(f"'{prepared.reference.label}': nothing to follow")
    reps: list[Rep] = []
    for kp, w, t in zip(coco, world, times, strict=True):
        nobody = np.isnan(kp[:, 0]).all()
        u = engine.push(None if nobody else kp, float(t), "coco17", world=None if nobody else w)
        if u.new_rep is not None:
            reps.append(u.new_rep)
    reps += [r for r in engine.finish() if isinstance(r, Rep)]
    # In time order: an arbiter may report a rep after a later one, and the frames are written in one pass.
    reps = sorted((r for r in reps if r.counted), key=lambda r: r.start)
    if reps:
        return reps
    found = score_take(PoseSequence(coco, "coco17", fps, world=world), prepared, mirror)
    return [Rep(1, found.start_s, found.end_s, found.score, found.parts, found.tempo, tuple(found.feedback))]


def plan_steps(reps: list[Rep], paths: dict[int, NDArray[np.int64]], rows: dict[int, NDArray[np.int64]],
               frames: int, worst: int, slow: float = SLOW_SPEED) -> list[CompareStep]:  # fmt: skip
    """The output frames in order: the take along each rep's path, then the worst rep again at `slow`."""
    steps: list[CompareStep] = []
    j = 0
    for rep in reps:
        r = rows[rep.index]
        steps += [CompareStep(k, -1, 0) for k in range(j, int(r[0]))]
        steps += [CompareStep(int(r[b]), int(a), rep.index) for a, b in paths[rep.index]]
        j = int(r[-1]) + 1
    steps += [CompareStep(k, -1, 0) for k in range(j, frames)]
    if worst:
        r = rows[worst]
        steps += [CompareStep(int(r[b]), int(a), worst, True) for a, b in slow_steps(paths[worst], slow)]
    return steps


def render_compare(source: str, reference: Reference, out: str | Path, mirror: bool = False,
                   progress: Progress | None = None, model: str = DEFAULT_MODEL) -> CompareResult:  # fmt: skip
    """Write the review video of `source` against `reference` to `out` (mp4v, the source's fps)."""
    out = output_path(out, "review.mp4")
    prepared = PreparedReference.from_reference(reference)
    if reference.hold is not None:
        raise PoseCoachError(f"'{reference.label}' is a hold (a pose held still): there is no motion to compare")
    kps, worlds, times, frame_height = [], [], [], 0
    with VideoSource(source) as video, PoseEstimator(model) as estimator:
        fps, total = video.fps, video.frame_count
        for frame in video:
            pose = estimator.process(frame)
            kp = pose.keypoints_px() if pose.detected else np.full((33, 3), np.nan, np.float32)
            kps.append(to_coco17(np.asarray(kp, np.float32)[None], MEDIAPIPE33)[0])
            worlds.append(pose.world[:, :3])
            times.append(frame.t)
            frame_height = frame.image.shape[0]
            if progress is not None:
                progress(len(kps), 2 * total)
    if not kps:
        raise PoseCoachError(f"{source}: holds no frames")
    coco, t = np.stack(kps), np.array(times)
    rel = t - t[0]
    reps = _find_reps(coco, np.stack(worlds), t, prepared, mirror, fps)
    rows = {r.index: np.flatnonzero((rel >= r.start - 1e-6) & (rel < r.end - 1e-6)) for r in reps}
    reps = [r for r in reps if len(rows[r.index]) >= 2]
    paths = {r.index: rep_path(coco[rows[r.index]], prepared) for r in reps}  # either side: a southpaw rep too
    worst = min(reps, key=lambda r: r.score).index if reps else 0
    steps = plan_steps(reps, paths, rows, len(coco), worst)
    n = _write(source, out, steps, coco, reps, reference, fps, frame_height, progress)
    slow = sum(s.slow for s in steps)
    return CompareResult(n, n - slow, slow, tuple(reps), worst, tuple(steps))


def _write(source: str, out: Path, steps: list[CompareStep], coco: NDArray[np.float32], reps: list[Rep],
           reference: Reference, fps: float, frame_height: int, progress: Progress | None) -> int:  # fmt: skip
    height = min(PANEL_HEIGHT, frame_height // 2 * 2)
    by_rep = {r.index: r for r in reps}
    marks = {r.index: worst_part(r.parts, r.feedback, reference.weights) for r in reps}
    worst_rows = {s.take for s in steps if s.slow}
    kept: dict[int, NDArray[np.uint8]] = {}  # the worst rep's frames, for its replay
    writer = VideoOut(out, fps)
    coach: CoachPanel | None = None

    def emit(image: NDArray[np.uint8], kp: NDArray[np.float32], step: CompareStep) -> None:
        nonlocal coach
        if coach is None:
            coach = CoachPanel(reference, load_reference_video(reference), height)
        rep = by_rep.get(step.rep)
        part, correction = marks.get(step.rep, (None, ""))
        left = student_panel(image, kp, height, part if rep else None)
        right = coach.draw(max(0, step.ref), part if rep else None)
        if rep is None:
            caption, score = "between reps", None
        else:
            speed = f"{SLOW_SPEED:g}x slow motion" if step.slow else "1x"
            caption, score = f"{'worst ' if step.slow else ''}rep {rep.index}  {rep.score:.0f}  {speed}", rep.score
        if rep is not None and part is None:
            correction = NOTHING_TO_CORRECT
        writer.write(compose(left, right, caption, part if rep else None, correction, score, writer.size[0] or None))

    with writer:
        k = 0
        with VideoSource(source) as video:
            for frame in video:
                j = frame.index
                if j in worst_rows:  # kept at panel height: a rep of full HD frames would be hundreds of MB
                    kept[j] = fit_height(frame.image, height)[0]
                while k < len(steps) and steps[k].take == j and not steps[k].slow:
                    emit(frame.image, coco[j], steps[k])
                    k += 1
                if progress is not None:
                    progress(len(coco) + j + 1, 2 * len(coco))
        for step in steps[k:]:
            if step.slow and step.take in kept:
                kp = coco[step.take].copy()
                kp[:, :2] *= kept[step.take].shape[0] / frame_height
                emit(kept[step.take], kp, step)
        writer.finish(source)
    return writer.frames


def describe(result: CompareResult, out: str | Path) -> str:
    """The CLI's line about a written review video."""
    reps = ", ".join(f"{r.index}: {r.score:.0f}" for r in result.reps) or "none"
    worst = f"; worst rep {result.worst} again at {SLOW_SPEED:g}x ({result.slow} frames)" if result.worst else ""
    return f"wrote {out} ({result.frames} frames: {result.aligned} aligned{worst}); reps {reps}"
