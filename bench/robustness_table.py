"""Prints the README's robustness and separation tables, measured on the shared clips with mediapipe."""

from __future__ import annotations

import time

import numpy as np
from _common import ROOT, clip

from core.library.references import make_reference
from core.pose.estimator import PoseEstimator, PoseSequence, extract_sequence
from core.score.scoring import PreparedReference, score_take
from tests.clip_transforms import darken, pad_idle, read_frames, retime, rotate, run_pose, scale_and_shift

_ = ROOT


def prepared(seq: PoseSequence, start: int, end: int, move: str) -> PreparedReference:
    return PreparedReference.from_reference(make_reference(seq.slice(start, end), move, "x"))


def main() -> None:
    t0 = time.perf_counter()
    est = PoseEstimator()
    cache: dict[str, PoseSequence] = {}

    def seq(name: str) -> PoseSequence:
        if name not in cache:
            cache[name] = extract_sequence(clip(name), est)
        return cache[name]

    print("| take (punch_side, reference cut from frames 8-96) | score | tempo |")
    print("|---|---|---|")
    ref = prepared(seq("punch_side"), 8, 96, "punch")
    images, fps = read_frames(clip("punch_side"))
    cases = [
        ("identical (self-score)", images, fps),
        ("2x faster", retime(images, 2.0), fps),
        ("1.5x slower", retime(images, 1 / 1.5), fps),
        ("24 fps camera", retime(images, 1.25), 24.0),
        ("farther (0.6x) and off-centre", [scale_and_shift(0.6, 0.15, 0.05)(i) for i in images], fps),
        ("tilted 7 degrees", [rotate(7)(i) for i in images], fps),
        ("darker (gain 0.35)", [darken(0.35)(i) for i in images], fps),
        ("2 s idle before and after", pad_idle(images, 60, 60), fps),
    ]
    for label, imgs, f in cases:
        r = score_take(run_pose(imgs, f, est, label), ref)
        print(f"| {label} | {r.score:.1f} | {r.tempo:.2f} |")

    print()
    print("| reference (cut from one rep) | same move, other reps | different moves (max) |")
    print("|---|---|---|")
    refs = {
        "squat front (squat_front_air 60-120)": (
            prepared(seq("squat_front_air"), 60, 120, "squat"),
            seq("squat_front_air").slice(200, 900),
        ),
        "push-up (pushups_front 126-189)": (
            prepared(seq("pushups_front"), 126, 189, "push-up"),
            seq("pushups_front").slice(300, 870),
        ),
        "jumping jack (40-80)": (
            prepared(seq("jumping_jacks_front"), 40, 80, "jack"),
            seq("jumping_jacks_front").slice(100, 208),
        ),
        "punch (punch_side 8-96)": (ref, None),
        "curl side (whole clip)": (prepared(seq("bicep_curl_side"), 0, 67, "curl"), None),
    }
    others = ["punch_side", "bicep_curl_side", "squat_front_air", "jumping_jacks_front", "pushups_front",
              "bicep_curls_front", "dance_a_benchmark", "squat_side_60fps"]  # fmt: skip
    # The clips of the same move (the other man's squat from the side, the curls from the front) are not different
    # moves: they are turned to the reference's view where they can be (core.features.view_turn).
    sources = {
        "squat front (squat_front_air 60-120)": {"squat_front_air", "squat_side_60fps"},
        "push-up (pushups_front 126-189)": {"pushups_front"},
        "jumping jack (40-80)": {"jumping_jacks_front"},
        "punch (punch_side 8-96)": {"punch_side"},
        "curl side (whole clip)": {"bicep_curl_side", "bicep_curls_front"},
    }
    for label, (r, same_take) in refs.items():
        same = f"{score_take(same_take, r).score:.1f}" if same_take is not None else "-"
        diffs = {o: score_take(seq(o), r).score for o in others if o not in sources[label]}
        worst = max(diffs, key=diffs.get)
        print(f"| {label} | {same} | {diffs[worst]:.1f} ({worst}) |")

    print()
    bench, other = seq("dance_a_benchmark"), seq("dance_a_other_person")
    rows = []
    for s0 in range(0, 540, 90):
        r = prepared(bench, s0, s0 + 90, f"step{s0}")
        same = score_take(other.slice(max(0, s0 - 30), s0 + 150), r).score
        rest = [score_take(other.slice(o, o + 180), r).score for o in range(0, 460, 90) if abs(o - s0) >= 120]
        rows.append((s0, same, float(np.median(rest)), max(rest)))
    print("| dance A step (3 s) | same step, other person | other steps, median | other steps, max |")
    print("|---|---|---|---|")
    for s0, same, med, mx in rows:
        print(f"| {s0 / 30:.0f}-{s0 / 30 + 3:.0f} s | {same:.1f} | {med:.1f} | {mx:.1f} |")
    print(f"\n(measured in {time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
