"""References and takes filmed from different sides (core.features.view_turn): every shared clip streamed live and
scored against references cut from the others, turned to the reference's camera angle and as filmed (no world
landmarks, what the app did before); about 1 minute.

    python bench/view_turn.py
"""

from __future__ import annotations

from dataclasses import replace

from _common import cached_poses
from cross_person import stream

from core.features.view_turn import body_yaw, turn_angle
from core.library.references import make_reference
from core.match.live import LiveEngine
from core.score.scoring import PreparedReference, score_take

# name: (clip, first frame, end frame): one rep each, from the front, the side and three quarters.
REFERENCES = {
    "squat, front": ("squat_front_air", 60, 120),
    "squat, side": ("squat_side_60fps", 0, 110),
    "jumping jack, 3/4": ("jumping_jacks_front", 0, 50),
    "push-up, front": ("pushups_front", 126, 189),
    "punch, 3/4": ("punch_side", 8, 96),
    "curl, side": ("bicep_curl_side", 0, 67),
    "curls, front": ("bicep_curls_front", 0, 80),
}
TAKES = ("squat_side_60fps", "squat_front_air", "punch_side", "jumping_jacks_front", "bicep_curls_front",
         "bicep_curl_side", "dance_b_different", "pushups_front", "dance_a_benchmark")  # fmt: skip


def main() -> None:
    prepared = {
        name: PreparedReference.from_reference(make_reference(cached_poses(c).slice(a, b), name, "x"))
        for name, (c, a, b) in REFERENCES.items()
    }
    print("Live reps and whole-take score, turned / as filmed (a cell is turned only when the views differ in kind)\n")
    print("| reference (yaw) | " + " | ".join(TAKES) + " |")
    print("|---" * (len(TAKES) + 1) + "|")
    for name, p in prepared.items():
        cells = []
        for take_name in TAKES:
            take = cached_poses(take_name)
            filmed = replace(take, world=None)
            angle = turn_angle(body_yaw(take.world), p.turn_yaw)
            reps, reps0 = len(stream(LiveEngine(p), take)), len(stream(LiveEngine(p), filmed))
            score, score0 = score_take(take, p).score, score_take(filmed, p).score
            cells.append(f"{reps}/{reps0}, {score:.0f}/{score0:.0f}" + (f" ({angle:+.0f})" if angle else ""))
        print(f"| {name} ({p.yaw:.0f}) | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
