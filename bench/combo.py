"""Combinations on the shared Muay Thai takes: runs found, skips and swaps reported, per-technique scores vs alone,
and how the long-take segmenter's cuts meet the labelled technique boundaries of the 42 train takes.

    python bench/combo.py
"""

from __future__ import annotations

import time

import numpy as np
from _common import ROOT

from core.app.paths import starter_library_dir
from core.library.combination import compose
from core.library.labelled_takes import labelled_segments, load_labelled_take
from core.library.reference_library import Library
from core.library.segment import technique_spans
from core.library.starter import CATALOGUE
from core.match.combo import ComboFollower, other_side_references
from core.match.combo_events import ComboRun
from core.match.combo_scenario import build
from core.pose.skeleton import COCO17

TRAIN = ROOT.parent / "shared" / "testdata" / "muaythai" / "train"
COMBINATIONS = {
    "jab, cross, left hook, right low kick": ("straight_left", "straight_right", "hook_head_left", "low_kick_right"),
    "jab, right body hook, left front kick, cross": (
        "straight_left", "hook_body_right", "front_kick_left", "straight_right",
    ),
}  # fmt: skip


def follow(combo_refs, stems, runs, library):
    scenario = build(TRAIN, dict(zip(stems, combo_refs, strict=True)) | _by_stem(library), runs)
    combo = compose("bench", "side", list(combo_refs))
    follower = ComboFollower(combo, other_sides=other_side_references(combo, library))
    techniques, closed = [], []
    t0 = time.perf_counter()
    for k, row in enumerate(scenario.stream.keypoints):
        update = follower.push(row, k / 30.0, COCO17)
        techniques += update.techniques
        closed += update.runs
    for event in follower.finish():
        (closed if isinstance(event, ComboRun) else techniques).append(event)
    ms = 1000 * (time.perf_counter() - t0) / len(scenario.stream.keypoints)
    return scenario, techniques, closed, ms


def _by_stem(library):
    refs = {r.move: r for r in library}
    return {t.stem: refs[t.move] for t in CATALOGUE}


def score_gaps(scenario, techniques):
    """|score in the combination - score alone| for each piece found (matched by time)."""
    gaps = []
    for t in techniques:
        mid = 15.0 * (t.rep.start + t.rep.end)
        for k, (a, b) in enumerate(scenario.stream.spans):
            if a - 5 <= mid <= b + 5 and t.move.startswith(_move_of(scenario.stream.techniques[k])):
                gaps.append(abs(t.score - scenario.alone[k]))
    return gaps


def _move_of(stem):
    return next(t.move for t in CATALOGUE if t.stem == stem)


def main() -> None:
    library = Library(starter_library_dir()).load()
    by_stem = _by_stem(library)
    for name, stems in COMBINATIONS.items():
        a, b, c, d = stems
        other_c = c.replace("left", "right") if c.endswith("left") else c.replace("right", "left")
        runs = [list(stems)] * 3 + [[a, b, d], [a, c, b, d], [a, b, other_c, d]]
        scenario, techniques, closed, ms = follow([by_stem[s] for s in stems], stems, runs, library)
        print(f"\n{name}: {len(runs)} runs assembled (3 whole, one skip, one swap, one wrong side), {ms:.1f} ms/frame")
        for run, want in zip(closed, runs, strict=False):
            d_ = run.as_dict()
            print(f"  run {run.run}: score {run.score:5.1f}  done {[x['index'] for x in d_['done']]}"
                  f"  missing {[m['index'] for m in d_['missing']]}  swapped {d_['swapped']}"
                  f"  wrong side {[w['index'] for w in d_['wrong_side']]}  extra {len(d_['extra'])}"
                  f"  rhythm {d_['rhythm']}   (performed: {', '.join(want)})")  # fmt: skip
        print(f"  runs reported {len(closed)} of {len(runs)}")
        gaps = score_gaps(scenario, techniques)
        print(
            f"  per-technique score vs alone: {len(gaps)} techniques,"
            f" max |diff| {max(gaps):.2f}, mean {np.mean(gaps):.2f}"
        )
    random_combinations(library)
    segmentation()


def random_combinations(library, count: int = 12, seed: int = 1) -> None:
    """Combinations of four different techniques drawn at random from the 14 (no choice of "good" ones): how
    often each kind of run is read right."""
    rng = np.random.default_rng(seed)
    stems = [t.stem for t in CATALOGUE]
    by_stem = _by_stem(library)
    right = {"whole": [0, 0], "skip": [0, 0], "swap": [0, 0]}
    gaps = []
    for _ in range(count):
        a, b, c, d = (str(x) for x in rng.choice(stems, 4, replace=False))
        runs = [[a, b, c, d]] * 3 + [[a, b, d], [a, c, b, d]]
        scenario, techniques, closed, _ = follow([by_stem[s] for s in (a, b, c, d)], (a, b, c, d), runs, library)
        by_kind = [("whole", lambda r: not r.missing and r.order_ok and not r.wrong_side)] * 3 + [
            ("skip", lambda r: r.missing == (2,) and r.order_ok),
            ("swap", lambda r: r.swapped == ((1, 2),) and not r.missing),
        ]
        ok = len(closed) == len(runs)
        for k, (kind, test) in enumerate(by_kind):
            right[kind][1] += 1
            right[kind][0] += bool(ok and test(closed[k]))
        gaps += score_gaps(scenario, techniques)
    print(f"\n{count} random combinations of 4 of the 14 techniques (seed {seed}), 5 runs each:")
    for kind, (n_ok, n) in right.items():
        print(f"  {kind} runs read right: {n_ok} of {n}")
    joined = count * sum(len(r) for r in runs)
    print(f"  techniques found as themselves: {len(gaps)} of {joined}; score vs alone: max |diff| {max(gaps):.2f},"
          f" {sum(g <= 5 for g in gaps)} within 5")  # fmt: skip


def segmentation() -> None:
    """Spans of technique_spans against the labelled techniques of every train take (one technique repeated)."""
    hit = labelled = spans = extra = 0
    errors = []
    for path in sorted(TRAIN.glob("*.npy")):
        if path.name.endswith(".labels.npy"):
            continue
        take, labels = load_labelled_take(path)
        segs = labelled_segments(labels)
        found = technique_spans(take.keypoints, take.skeleton, take.fps)
        labelled += len(segs)
        spans += len(found)
        for seg in segs:
            over = [(a, b) for a, b in found if min(b, seg.end) - max(a, seg.start) > 0.5 * min(b - a, len(seg))]
            if len(over) == 1:
                hit += 1
                errors += [abs(over[0][0] - seg.start), abs(over[0][1] - seg.end)]
        extra += sum(not any(min(b, s.end) - max(a, s.start) > 0 for s in segs) for a, b in found)
    print(f"\nsegmentation of the 42 train takes: {labelled} labelled techniques, {spans} spans cut")
    print(f"  labelled techniques met by exactly one span: {hit} ({100 * hit / labelled:.0f} %)")
    print(f"  spans over no labelled technique: {extra}")
    print(
        f"  cut vs label boundary, frames: median {np.median(errors):.0f},"
        f" 90th percentile {np.percentile(errors, 90):.0f}"
    )


if __name__ == "__main__":
    main()
