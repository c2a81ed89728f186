"""Matching across people, on the shared data: prints the table of issue 10 (rows that shared data can check).

Rows: Muay Thai recognition (each labelled technique of the 42 train takes against the 14 single
references, and leave-one-take-out against a library of examples cut from the other takes), Muay Thai
live rep counting (technique chosen, and auto-detect among the 14), a take against its own first kick,
dance A steps across the two dancers vs different moves, squats across the two men, the seed lookup, and
the jab / stillness streams. Poses of the video clips come from bench/_common.cached_poses.

    python bench/cross_person.py [--quick]     (--quick: every third take, for iterating)
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

import numpy as np
from _common import ROOT, cached_poses

from core.frame.sources import load_keypoint_array
from core.library.labelled_takes import LabelledSegment, labelled_segments, load_labelled_take
from core.library.references import Reference, make_reference, with_examples
from core.library.seed_import import import_lookup
from core.library.starter import named_as_starter
from core.match.auto_detect import AutoDetectEngine
from core.match.live import LiveEngine
from core.match.live_examples import LIVE_EXAMPLES
from core.match.recognition import recognize
from core.match.sides import SidedEngine
from core.pose.estimator import PoseSequence
from core.score.scoring import PreparedReference, score_take

MUAYTHAI = ROOT.parent / "shared" / "testdata" / "muaythai"
SEED = ROOT.parent / "shared" / "seed" / "lookup_test.pickle"
IDS = {1: "front_kick_left", 2: "front_kick_right", 5: "hook_body_left", 6: "hook_head_left",
       7: "hook_body_right", 8: "hook_head_right", 9: "low_kick_left", 10: "low_kick_right",
       13: "roundhouse_left", 14: "roundhouse_right", 15: "side_kick_left", 16: "side_kick_right",
       18: "straight_left", 20: "straight_right"}  # fmt: skip
PAD = 5  # guard frames kept on each side of a labelled technique when it is recognised alone


def side(move: str) -> str:
    return move.rsplit("_", 1)[-1]


def muaythai_references() -> list[Reference]:
    refs = []
    for path in sorted((MUAYTHAI / "references").glob("*.npy")):
        kp, skeleton = load_keypoint_array(path)
        refs.append(make_reference(PoseSequence(kp, skeleton, 30.0, (1920, 1080), path.name), path.stem, "side"))
    return refs


def muaythai_takes(quick: bool) -> list[tuple[str, PoseSequence, list[LabelledSegment]]]:
    paths = sorted(p for p in (MUAYTHAI / "train").glob("*.npy") if not p.name.endswith(".labels.npy"))
    if quick:
        paths = paths[::3]
    out = []
    for p in paths:
        seq, labels = load_labelled_take(p)
        out.append((p.stem, seq, labelled_segments(labels)))
    return out


def cut(seq: PoseSequence, seg: LabelledSegment, pad: int = PAD) -> PoseSequence:
    return seq.slice(max(0, seg.start - pad), min(len(seq), seg.end + pad))


def recognition_rows(takes, refs: list[Reference]) -> list[tuple[str, str]]:
    prepared = [PreparedReference.from_reference(r) for r in refs]
    top1 = lr = named = n = 0
    for _, seq, segs in takes:
        for seg in segs:
            rec = recognize(cut(seq, seg), prepared)
            best = rec.candidates[0].move
            truth = IDS[seg.label]
            top1 += best == truth
            lr += side(best) == side(truth)
            named += rec.move == truth
            n += 1
    return [
        (
            f"Muay Thai, {n} labelled techniques of the train takes vs the 14 single references",
            f"top-1 {top1 / n:.2f}, left/right {lr / n:.2f}, named (not 'none of these') and right {named / n:.2f}",
        )
    ]


def library_rows(takes, per_take: int = 3) -> list[tuple[str, str]]:
    """Leave one take out: the library holds up to `per_take` reps of every other take, one move per technique."""
    examples: dict[str, list[tuple[str, PoseSequence]]] = {}
    for name, seq, segs in takes:
        for seg in [s for s in segs if len(s) >= 12][:per_take]:  # shorter runs are labelling fragments
            examples.setdefault(IDS[seg.label], []).append((name, cut(seq, seg)))
    top1 = n = 0
    for name, seq, segs in takes:
        library = []
        for move, items in examples.items():
            kept = [s for take, s in items if take != name]
            if kept:
                library.append(_move_with_examples(move, kept))
        prepared = [PreparedReference.from_reference(r) for r in library]
        for seg in segs:
            rec = recognize(cut(seq, seg), prepared)
            top1 += rec.candidates[0].move == IDS[seg.label]
            n += 1
    count = sum(len(v) for v in examples.values())
    return [
        (f"the same, leave-one-take-out library ({count} examples, up to {per_take} per take)", f"top-1 {top1 / n:.2f}")
    ]


def _move_with_examples(move: str, seqs: list[PoseSequence]) -> Reference:
    ref = make_reference(seqs[0], move, "side")
    return with_examples(ref, [np.asarray(s.keypoints, np.float32) for s in seqs])


def stream(engine: LiveEngine | AutoDetectEngine, seq: PoseSequence) -> list:
    """Every rep the engine reports over the sequence, auto-detect's last waiting ones included."""
    reps = []
    for k, row in enumerate(seq.keypoints):
        world = None if seq.world is None else seq.world[k]
        u = engine.push(row if np.isfinite(row[:, :2]).any() else None, k / seq.fps, seq.skeleton, world=world)
        if u.new_rep is not None:
            reps.append(u.new_rep)
    reps += engine.finish()
    return reps


def _overlaps(rep, seg: LabelledSegment, fps: float) -> bool:
    return rep.start < seg.end / fps and rep.end > seg.start / fps


def live_rows(takes, refs: list[Reference]) -> list[tuple[str, str]]:
    by_move = {r.move: PreparedReference.from_reference(r) for r in refs}
    truth = found = hits = 0
    kicks_truth = kicks_found = 0
    for _, seq, segs in takes:
        move = IDS[segs[0].label]
        reps = stream(LiveEngine(by_move[move]), seq)
        truth += len(segs)
        found += len(reps)
        hits += sum(any(_overlaps(r, s, seq.fps) for r in reps) for s in segs)
        if "kick" in move or "roundhouse" in move:
            kicks_truth += len(segs)
            kicks_found += len(reps)
    return [
        (
            f"Muay Thai takes streamed live, technique chosen: reps counted vs {truth} labelled",
            f"{found} counted ({100 * (found - truth) / truth:+.0f} %), {hits} labelled reps found; "
            f"kicks {kicks_found} of {kicks_truth}",
        )
    ]


def live_wrong_rows(takes, refs: list[Reference]) -> list[tuple[str, str]]:
    """The other side of the live count: each take streamed against each of the 13 other references, as if
    the student had chosen the wrong technique: reps counted per labelled technique (kicks against kicks too)."""
    by_move = {r.move: PreparedReference.from_reference(r) for r in refs}
    truth = counted = kick_truth = kick_counted = 0
    for _, seq, segs in takes:
        move = IDS[segs[0].label]
        for other, prepared in by_move.items():
            if other == move:
                continue
            n = len(stream(LiveEngine(prepared), seq))
            truth, counted = truth + len(segs), counted + n
            if _is_kick(move) and _is_kick(other):
                kick_truth, kick_counted = kick_truth + len(segs), kick_counted + n
    return [("the same, each take against the 13 other references (the wrong technique chosen)",
             f"{counted / truth:.2f} reps counted per labelled technique; a kick against the other kicks "
             f"{kick_counted / kick_truth:.2f}")]  # fmt: skip


def _is_kick(move: str) -> bool:
    return "kick" in move or "roundhouse" in move


def live_examples_rows(takes, refs: list[Reference], per_take: int = 1) -> list[tuple[str, str]]:
    """Several examples from other people, live: each take streamed with its technique chosen, the move
    holding the shared reference plus `per_take` reps cut from every other take of that technique (as the
    app follows a move with several examples: core.match.sides, core.match.live_examples)."""
    examples: dict[str, list[tuple[str, PoseSequence]]] = {}
    for name, seq, segs in takes:
        for seg in [s for s in segs if len(s) >= 12][:per_take]:
            examples.setdefault(IDS[seg.label], []).append((name, cut(seq, seg)))
    by_move = {r.move: r for r in refs}
    truth = found = counted = 0
    for name, seq, segs in takes:
        move = IDS[segs[0].label]
        own = [s.keypoints for take, s in examples[move] if take != name]
        ref = with_examples(by_move[move], [by_move[move].keypoints, *own])
        reps = [r for r in stream(SidedEngine(PreparedReference.from_reference(ref), "one"), seq) if r.counted]
        truth, counted = truth + len(segs), counted + len(reps)
        found += sum(any(_overlaps(r, s, seq.fps) for r in reps) for s in segs)
    return [(f"the same, the move holding the reference plus {per_take} rep(s) of every other take of the "
             f"technique (at most {LIVE_EXAMPLES} followed)",
             f"{counted} counted ({100 * (counted - truth) / truth:+.0f} %), {found} labelled reps found")]  # fmt: skip


def autodetect_rows(takes, refs: list[Reference]) -> list[tuple[str, str]]:
    prepared = [PreparedReference.from_reference(named_as_starter(r)) for r in refs]
    truth = right_truth = reported = right_reported = 0
    for _, seq, segs in takes:
        reps = stream(AutoDetectEngine(prepared), seq)
        move = IDS[segs[0].label]
        truth += len(segs)
        reported += len(reps)
        right = [r for r in reps if getattr(r, "move", "") == move]
        right_reported += sum(any(_overlaps(r, s, seq.fps) for s in segs) for r in right)
        right_truth += sum(any(_overlaps(r, s, seq.fps) for r in right) for s in segs)
    return [
        (
            "the same, auto-detect among the 14 (with their category and side): reps given to the right technique",
            f"{100 * right_truth / truth:.0f} % of true reps, {100 * right_reported / max(reported, 1):.0f} % "
            f"of {reported} reps reported",
        )
    ]


def own_first_rep_rows(takes) -> list[tuple[str, str]]:
    rows = []
    for name, seq, segs in takes:
        if not name.startswith(("front_kick_left", "side_kick_left")):
            continue
        ref = make_reference(seq.slice(segs[0].start, segs[0].end), name, "side")
        reps = stream(LiveEngine(PreparedReference.from_reference(ref)), seq)
        hits = sum(any(_overlaps(r, s, seq.fps) for r in reps) for s in segs)
        rows.append((f"{name}: reference cut from its own first kick", f"{len(reps)} reps counted, "
                     f"{hits} of {len(segs)} labelled found"))  # fmt: skip
    return rows


def auc(pos: list[float], neg: list[float]) -> float:
    p, q = np.asarray(pos)[:, None], np.asarray(neg)[None, :]
    return float(((p > q).sum() + 0.5 * (p == q).sum()) / (p.size * q.size))


def dance_scores(step_s: float = 2.0) -> tuple[list[float], list[float]]:
    """Each step of dance A (a reference of `step_s`) scored against the other dancer's same step, and against
    dance B, punch and curl: (same, different) scores."""
    a, b = cached_poses("dance_a_benchmark"), cached_poses("dance_a_other_person")
    others = [cached_poses(n) for n in ("dance_b_different", "punch_side", "bicep_curl_side")]
    n = int(step_s * a.fps)
    same, diff = [], []
    for start in range(0, len(a) - n + 1, n):
        ref = PreparedReference.from_reference(make_reference(a.slice(start, start + n), f"step{start}", "front"))
        margin = n // 2  # the other dancer is not frame-synchronous: search half a step around
        same.append(score_take(b.slice(max(0, start - margin), start + n + margin), ref).score)
        diff.extend(score_take(o, ref).score for o in others)
    return same, diff


def dance_rows(step_s: float = 2.0) -> list[tuple[str, str]]:
    same, diff = dance_scores(step_s)
    return [
        (f"dance A, {len(same)} steps of {step_s:.0f} s: same step by the other dancer",
         f"median {np.median(same):.0f} (min {min(same):.0f})"),
        ("dance A steps vs different moves (dance B, punch, curl)",
         f"median {np.median(diff):.0f}, max {max(diff):.0f}, AUC {auc(same, diff):.2f}"),
    ]  # fmt: skip


def squat_rows() -> list[tuple[str, str]]:
    """Squats across the two men, who were filmed from the front and from the side: live reps and the whole
    take's score, turned to the reference's camera angle (core.features.view_turn) and as filmed (no world
    landmarks: what the app did before)."""
    front, side_ = cached_poses("squat_front_air"), cached_poses("squat_side_60fps")
    by_front = PreparedReference.from_reference(make_reference(front.slice(60, 120), "squat", "front"))
    by_side = PreparedReference.from_reference(make_reference(side_.slice(0, 110), "squat", "side"))
    rows = []
    for label, ref, take, take_label in (
        ("front man (front view)", by_front, side_, "squat_side_60fps (about 7)"),
        ("side man (side view)", by_side, front, "squat_front_air (about 13)"),
        ("front man (front view)", by_front, front, "squat_front_air (himself)"),
    ):
        filmed = replace(take, world=None)
        reps = f"{len(stream(LiveEngine(ref), take))} reps (as filmed {len(stream(LiveEngine(ref), filmed))})"
        score = f"whole-take score {score_take(take, ref).score:.0f} (as filmed {score_take(filmed, ref).score:.0f})"
        rows.append((f"squat reference from the {label}, streamed over {take_label}", f"{reps}; {score}"))
    return rows


def seed_rows() -> list[tuple[str, str]]:
    ref = PreparedReference.from_reference(import_lookup(SEED)[0])
    own = score_take(cached_poses("punch_side"), ref).score
    others = {n: score_take(cached_poses(n), ref).score
              for n in ("bicep_curl_side", "squat_front_air", "dance_b_different", "jumping_jacks_front")}  # fmt: skip
    worst = max(others, key=others.get)
    return [
        ("seed 'punch - side' lookup vs punch_side.mp4", f"{own:.1f}; best other move {others[worst]:.1f} ({worst})")
    ]


def jab_rows() -> list[tuple[str, str]]:
    punch = cached_poses("punch_side")
    ref = PreparedReference.from_reference(make_reference(punch.slice(8, 96), "jab", "side"))
    idle = np.repeat(punch.keypoints[:1], 30, axis=0)

    def resample(kp: np.ndarray, speed: float) -> np.ndarray:
        idx = np.clip(np.round(np.arange(0, len(kp), speed)).astype(int), 0, len(kp) - 1)
        return kp[idx]

    kp = np.concatenate([punch.keypoints, idle, resample(punch.keypoints, 0.7), idle, resample(punch.keypoints, 1.4)])
    jab_stream = PoseSequence(kp, punch.skeleton, punch.fps)
    still = PoseSequence(np.repeat(punch.keypoints[:1], 300, axis=0), punch.skeleton, punch.fps)
    dance_b = cached_poses("dance_b_different")
    jab = len(stream(LiveEngine(ref), jab_stream))
    return [("jab stream (take, idle, 0.7x, idle, 1.4x) vs a jab reference", f"{jab} reps"),
            ("10 s holding still vs the jab", f"{len(stream(LiveEngine(ref), still))} reps"),
            ("dance B vs the jab", f"{len(stream(LiveEngine(ref), dance_b))} reps")]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every third Muay Thai take")
    sections_help = "sections: mt,lib,live,live_wrong,live_examples,auto,own,dance,squat,seed,jab"
    parser.add_argument("--only", default="", help=sections_help)
    args = parser.parse_args()
    only = set(filter(None, args.only.split(",")))
    takes = muaythai_takes(args.quick)
    refs = muaythai_references()
    sections = {
        "mt": lambda: recognition_rows(takes, refs), "lib": lambda: library_rows(takes),
        "live": lambda: live_rows(takes, refs), "live_wrong": lambda: live_wrong_rows(takes, refs),
        "live_examples": lambda: live_examples_rows(takes, refs),
        "auto": lambda: autodetect_rows(takes, refs),
        "own": lambda: own_first_rep_rows(takes), "dance": dance_rows, "squat": squat_rows,
        "seed": seed_rows, "jab": jab_rows,
    }  # fmt: skip
    print("| check (shared data) | result |")
    print("|---|---|")
    for key, fn in sections.items():
        if only and key not in only:
            continue
        t0 = time.perf_counter()
        for check, result in fn():
            print(f"| {check} | {result} |", flush=True)
        print(f"<!-- {key}: {time.perf_counter() - t0:.0f} s -->", flush=True)


if __name__ == "__main__":
    main()
