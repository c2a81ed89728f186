"""Assembled combination runs from labelled takes, with the truth to check the follower against; any thread.

Shared by tests/test_combo.py and bench/combo.py. A scenario is a list of runs, each a list of technique
stems (the labelled takes' names, e.g. "straight_left"). Each occurrence takes the next labelled segment of
its technique, in the takes' order, never the same one twice (no choice of "good" segments). `alone` is each
technique scored by itself, with up to a second of its own take's guard around it, against its reference with
the whole-take scorer (`python main.py score clip --reference technique`): what the follower's per-technique
score is compared with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..library.combo_assembly import MUAYTHAI_IDS, Assembled, Piece, cut_piece, join
from ..library.labelled_takes import labelled_segments, load_labelled_take
from ..library.references import Reference
from ..pose.estimator import PoseSequence
from ..pose.skeleton import COCO17
from ..score.scoring import PreparedReference, score_take

GUARD_IN_RUN = 8  # guard frames on each side of a technique inside a run (with the blend: ~0.7 s between)
GUARD_AT_RUN_EDGE = 30  # before a run's first and after its last technique
FPS = 30.0  # the Muay Thai set's frame rate


@dataclass(frozen=True)
class Scenario:
    stream: Assembled
    runs: tuple[tuple[str, ...], ...]  # the stems performed in each run
    alone: tuple[float, ...]  # per piece: its score alone (score_take against its technique's reference)


def build(train: Path, references: dict[str, Reference], runs: Sequence[Sequence[str]]) -> Scenario:
    """The runs joined into one stream; `references` maps each stem to the reference it is scored with."""
    ids = {stem: k for k, stem in MUAYTHAI_IDS.items()}
    stems = sorted({s for run in runs for s in run})
    prepared = {s: PreparedReference.from_reference(references[s]) for s in stems}
    takes = [load_labelled_take(p) for p in sorted(train.glob("*.npy")) if not p.name.endswith(".labels.npy")]
    queues = {
        stem: [
            cut_piece(take, labels, seg, stem, GUARD_AT_RUN_EDGE, GUARD_AT_RUN_EDGE)
            for take, labels in takes
            for seg in labelled_segments(labels)
            if seg.label == ids[stem]
        ]
        for stem in stems
    }
    pieces: list[Piece] = []
    alone: list[float] = []
    used = dict.fromkeys(stems, 0)
    for run in runs:
        for k, stem in enumerate(run):
            full = queues[stem][used[stem] % len(queues[stem])]
            used[stem] += 1
            piece = _trim_guard(full, GUARD_AT_RUN_EDGE if k == 0 else GUARD_IN_RUN,
                                GUARD_AT_RUN_EDGE if k == len(run) - 1 else GUARD_IN_RUN)  # fmt: skip
            pieces.append(piece)
            alone.append(score_take(PoseSequence(full.keypoints, COCO17, FPS), prepared[stem]).score)
    return Scenario(join(pieces), tuple(tuple(r) for r in runs), tuple(alone))


def _trim_guard(piece: Piece, before: int, after: int) -> Piece:
    a = max(0, piece.active[0] - before)
    z = min(len(piece.keypoints), piece.active[1] + after)
    return Piece(piece.keypoints[a:z], piece.technique, (piece.active[0] - a, piece.active[1] - a), piece.source)
