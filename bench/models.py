"""Prints the README's pose model table: speed, landmarks against full, and scores on the shared clips per model.

Needs lite and heavy installed (`python main.py models install`). About 6 minutes on 2 cores, most of it heavy.
Muay Thai is keypoints only (no video to run a model on), so it is not here.
"""

from __future__ import annotations

import itertools
import time

import numpy as np
from _common import ROOT, clip

from core.frame.sources import VideoSource
from core.library.references import make_reference
from core.match.live import LiveEngine
from core.pose.estimator import PoseEstimator, PoseSequence, poses_to_sequence
from core.pose.models import MODEL_NAMES, POSE_MODELS, require_model
from core.score.scoring import PreparedReference, score_take

_ = ROOT
MAX_FRAMES = 300  # per clip: the squat's first 300 frames are the timing; the other clips only need a few reps
TIMED = "squat_front_air"
PUNCH = "punch_side"
OTHERS = ["bicep_curl_side", "squat_front_air", "jumping_jacks_front", "pushups_front", "bicep_curls_front",
          "dance_a_benchmark", "dance_b_different", "squat_side_60fps"]  # fmt: skip


def extract(name: str, estimator: PoseEstimator) -> tuple[PoseSequence, float]:
    """The clip's first MAX_FRAMES frames as a pose sequence, and the pose time per frame in ms (decode excluded)."""
    estimator.reset()
    poses, spent = [], 0.0
    with VideoSource(clip(name)) as video:
        for frame in itertools.islice(video, MAX_FRAMES):
            t0 = time.perf_counter()
            poses.append(estimator.process(frame))
            spent += time.perf_counter() - t0
        return poses_to_sequence(poses, video.fps, name), 1000 * spent / len(poses)


def punch_reference(seq: PoseSequence) -> PreparedReference:
    return PreparedReference.from_reference(make_reference(seq.slice(8, 96), "punch", "side"))


def live_reps(take: PoseSequence, reference: PreparedReference) -> str:
    """The take pushed frame by frame through the live engine: reps counted and their mean score."""
    engine = LiveEngine(reference)
    scores = []
    for k, row in enumerate(take.keypoints):
        update = engine.push(row if np.isfinite(row[:, :2]).any() else None, k / take.fps, take.skeleton)
        if update.new_rep is not None:
            scores.append(update.new_rep.score)
    scores += [rep.score for rep in engine.finish()]  # a rep the clip's end cut short of its confirmation
    return f"{len(scores)} ({np.mean(scores):.1f})" if scores else "0"


def main() -> None:
    for name in MODEL_NAMES:
        require_model(name)  # says how to install lite and heavy before minutes of work
    seqs: dict[str, dict[str, PoseSequence]] = {}
    rows = []
    for model in MODEL_NAMES:
        with PoseEstimator(model) as estimator:
            seqs[model] = {PUNCH: extract(PUNCH, estimator)[0]}  # first: it also warms the model up
            ms = 0.0
            for other in OTHERS:
                seqs[model][other], spent = extract(other, estimator)
                ms = spent if other == TIMED else ms
        rows.append((model, ms))
        print(f"# {model}: done", flush=True)

    full = seqs["full"][TIMED].keypoints
    body = float(np.nanmedian(np.ptp(full[..., 1], axis=1)))  # standing height in pixels, from the full model
    print(f"\n{TIMED}, first {MAX_FRAMES} frames (1280x720); landmarks against full in pixels and % of the body")
    print("| model | file | pose ms/frame | fps | landmarks vs full, median | 90th percentile |")
    print("|---|---|---|---|---|---|")
    for model, ms in rows:
        kp = seqs[model][TIMED].keypoints
        err = np.linalg.norm(kp[..., :2] - full[..., :2], axis=-1)
        med, p90 = float(np.nanmedian(err)), float(np.nanpercentile(err, 90))
        size = POSE_MODELS[model].size / 1e6
        diff = "-" if model == "full" else f"{med:.1f} px ({100 * med / body:.1f} %)"
        tail = "-" if model == "full" else f"{p90:.1f} px ({100 * p90 / body:.1f} %)"
        print(f"| {model} | {size:.1f} MB | {ms:.1f} | {1000 / ms:.0f} | {diff} | {tail} |")

    print(f"\npunch reference (punch_side 8-96) scored on the first {MAX_FRAMES} frames of each clip (a squat")
    print("reference for the other reps row); reference and take from the same model unless said")
    print("| take | " + " | ".join(MODEL_NAMES) + " |")
    print("|---|" + "---|" * len(MODEL_NAMES))
    own = {m: punch_reference(seqs[m][PUNCH]) for m in MODEL_NAMES}
    print("| punch_side (its own clip) | " + " | ".join(f"{score_take(seqs[m][PUNCH], own[m]).score:.1f}"
                                                     for m in MODEL_NAMES) + " |")  # fmt: skip
    for ref_model in ("heavy", "full"):
        cells = [f"{score_take(seqs[m][PUNCH], own[ref_model]).score:.1f}" for m in MODEL_NAMES]
        print(f"| punch_side, reference recorded on {ref_model} | " + " | ".join(cells) + " |")
    squat = {m: PreparedReference.from_reference(make_reference(seqs[m][TIMED].slice(60, 120), "squat", "front"))
             for m in MODEL_NAMES}  # fmt: skip
    cells = [f"{score_take(seqs[m][TIMED].slice(150, 300), squat[m]).score:.1f}" for m in MODEL_NAMES]
    print(f"| same move, other reps: squat reference ({TIMED} 60-120) vs frames 150-300 | " + " | ".join(cells) + " |")
    print(
        f"| live: the squat's first {MAX_FRAMES} frames streamed against that reference, reps (mean score) | "
        + " | ".join(live_reps(seqs[m][TIMED], squat[m]) for m in MODEL_NAMES)
        + " |"
    )
    others = {m: {o: score_take(seqs[m][o], own[m]).score for o in OTHERS} for m in MODEL_NAMES}
    for o in OTHERS:
        print(f"| {o} | " + " | ".join(f"{others[m][o]:.1f}" for m in MODEL_NAMES) + " |")
    best = [max(others[m].values()) for m in MODEL_NAMES]
    print("| **other moves, highest** | " + " | ".join(f"**{b:.1f}**" for b in best) + " |")
    print("| other moves, median | " + " | ".join(f"{np.median(list(others[m].values())):.1f}"
                                                for m in MODEL_NAMES) + " |")  # fmt: skip


if __name__ == "__main__":
    main()
