"""A person facing the other way than the reference (the laptop on the other side of the room).

Every take of the shared data faces the same way as its reference, so this turns them around: x flipped
about the frame's centre, left and right kept (what a camera on the other side sees of a side view). It
prints, as filmed and turned around: the punch clip's score against a jab cut from it, recognition of the
Muay Thai techniques against the 14 single references, and live reps with the technique chosen.

    python bench/facing.py [--quick]     (--quick: every third take)
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import cached_poses
from cross_person import IDS, cut, muaythai_references, muaythai_takes, stream

from core.library.references import make_reference
from core.match.live import LiveEngine
from core.match.recognition import recognize
from core.pose.estimator import PoseSequence
from core.score.scoring import PreparedReference, score_take


def turned(seq: PoseSequence) -> PoseSequence:
    """The sequence as a camera on the other side sees it."""
    kp = seq.keypoints.copy()
    width = seq.frame_size[0] if seq.frame_size else 1920  # the Muay Thai set is in pixels of a 1920 frame
    kp[..., 0] = width - kp[..., 0]
    return PoseSequence(kp, seq.skeleton, seq.fps, seq.frame_size, seq.source)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    t0 = time.perf_counter()
    punch = cached_poses("punch_side")
    jab = PreparedReference.from_reference(make_reference(punch.slice(8, 96), "jab", "side"))
    print(f"punch_side vs a jab cut from it: as filmed {score_take(punch, jab).score:.1f}, "
          f"turned around {score_take(turned(punch), jab).score:.1f}")  # fmt: skip

    refs = muaythai_references()
    prepared = [PreparedReference.from_reference(r) for r in refs]
    by_move = {r.move: p for r, p in zip(refs, prepared, strict=True)}
    takes = muaythai_takes(args.quick)
    right = {False: 0, True: 0}
    reps = {False: 0, True: 0}
    n = truth = 0
    for _, seq, segs in takes:
        for flip in (False, True):
            s = turned(seq) if flip else seq
            right[flip] += sum(recognize(cut(s, g), prepared).candidates[0].move == IDS[g.label] for g in segs)
            reps[flip] += len(stream(LiveEngine(by_move[IDS[segs[0].label]]), s))
        n += len(segs)
        truth += len(segs)
    print(f"Muay Thai, {n} labelled techniques vs the 14 single references, top-1: "
          f"as filmed {right[False] / n:.2f}, turned around {right[True] / n:.2f}")  # fmt: skip
    print(f"the same takes streamed live, technique chosen: reps counted vs {truth} labelled: "
          f"as filmed {reps[False]}, turned around {reps[True]}")  # fmt: skip
    print(f"({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
