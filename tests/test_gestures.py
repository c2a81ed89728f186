"""Commands by held poses: hands held up fire Record once; jumping jacks, squats and punches fire nothing."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.app.cli import main as cli_main
from core.library.reference_library import Library
from core.library.references import make_reference
from core.match.gestures import GestureRecognizer, pose_gesture, poses_held_by
from core.pose.estimator import PoseSequence
from core.pose.skeleton import C, to_coco17


def commands(keypoints: np.ndarray, fps: float, skeleton: str = "mediapipe33", **kw) -> list:
    g = GestureRecognizer(**kw)
    out = []
    for k, row in enumerate(keypoints):
        update = g.push(row if np.isfinite(row[:, :2]).any() else None, k / fps, skeleton)
        if update.command is not None:
            out.append(update.command)
    return out


def arms_up_frames(seq) -> np.ndarray:
    """Indices of the jumping-jack clip's first run of frames with both hands over the head."""
    up = np.array([pose_gesture(f)[0] == "record" for f in to_coco17(seq.keypoints, seq.skeleton)])
    start = int(np.argmax(up))
    return np.arange(start, start + int(np.argmin(up[start:])))


def held_take(seq, hold_s: float) -> np.ndarray:
    """The jumping-jack clip with its first arms-up moment held for `hold_s`: the top frames of that rep played
    back and forth (real poses, with the pose model's real jitter), between the clip's own frames."""
    up = arms_up_frames(seq)
    top = up[len(up) // 3 : -len(up) // 3]  # the top of the movement, not the arms rising or falling
    ping_pong = np.concatenate([top, top[::-1][1:-1]])
    held = np.resize(ping_pong, round(hold_s * seq.fps))
    return np.concatenate([seq.keypoints[: top[0]], seq.keypoints[held], seq.keypoints[top[-1] + 1 :]])


def test_hands_held_up_for_1_5_s_give_exactly_one_record_command(pose_cache):
    jacks = pose_cache.get("jumping_jacks_front")
    said = commands(held_take(jacks, 1.5), jacks.fps)
    assert [c.name for c in said] == ["record"]
    start = arms_up_frames(jacks)[0] / jacks.fps
    assert start + 0.9 <= said[0].t <= start + 1.6  # after about a second of holding, not at the first raise


def test_hands_up_for_less_than_the_hold_give_nothing(pose_cache):
    jacks = pose_cache.get("jumping_jacks_front")
    assert commands(held_take(jacks, 0.6), jacks.fps) == []


@pytest.mark.parametrize("slowdown", [1, 2])
def test_jumping_jacks_raise_both_hands_every_rep_and_trigger_nothing(pose_cache, slowdown):
    """The clip as filmed (hands over the head 0.9 s per rep) and played at half speed."""
    jacks = pose_cache.get("jumping_jacks_front")
    assert commands(np.repeat(jacks.keypoints, slowdown, axis=0), jacks.fps) == []


@pytest.mark.parametrize("clip", ["squat_front_air", "punch_side", "dance_a_benchmark"])
def test_practice_of_other_moves_triggers_nothing(pose_cache, clip):
    seq = pose_cache.get(clip)
    assert commands(seq.keypoints, seq.fps) == []


def test_one_hand_held_up_gives_one_next_command(pose_cache):
    """Real frames spliced: the person standing with arms down (the clip's start), the left arm taken from the
    held top of the first rep (moved to the standing shoulder), for 1.5 s, then arms down again."""
    jacks = pose_cache.get("jumping_jacks_front")
    coco = to_coco17(jacks.keypoints, jacks.skeleton).copy()
    up = arms_up_frames(jacks)
    top = up[len(up) // 3 : -len(up) // 3]
    held = np.resize(np.concatenate([top, top[::-1][1:-1]]), round(1.5 * jacks.fps))
    standing = coco[:5]  # arms down, before the first jump
    arm = [C["left_elbow"], C["left_wrist"]]
    frames = []
    for k, src in enumerate(held):
        frame = standing[k % len(standing)].copy()
        frame[arm, :2] = coco[src, arm, :2] - coco[src, C["left_shoulder"], :2] + frame[C["left_shoulder"], :2]
        frames.append(frame)
    take = np.concatenate([np.resize(standing, (24, *standing.shape[1:])), frames, standing])
    assert [c.name for c in commands(take, jacks.fps, "coco17")] == ["next"]


def test_stepping_out_of_frame_for_3_s_ends_the_set_once(pose_cache):
    jacks = pose_cache.get("jumping_jacks_front")
    gone = np.full((int(4 * jacks.fps), *jacks.keypoints.shape[1:]), np.nan, np.float32)
    take = np.concatenate([jacks.keypoints[:48], gone, jacks.keypoints[48:96], gone[:24]])
    said = commands(take, jacks.fps)
    assert [c.name for c in said] == ["end_set"]  # once; the 1 s absence at the end is too short
    assert said[0].t == pytest.approx(48 / jacks.fps + 3.0, abs=0.1)


def test_gestures_switched_off_fire_nothing(pose_cache):
    jacks = pose_cache.get("jumping_jacks_front")
    assert commands(held_take(jacks, 1.5), jacks.fps, disabled=frozenset({"record"})) == []


def test_stream_prints_one_record_command_for_the_held_take(pose_cache, tmp_path, capsys):
    jacks = pose_cache.get("jumping_jacks_front")
    np.save(tmp_path / "held.npy", held_take(jacks, 1.5))
    ref = make_reference(jacks.slice(30, 60), "jumping jack", "front", source="jumping_jacks_front.mp4 [30:60]")
    Library(tmp_path / "lib").save(ref)
    args = ["stream", str(tmp_path / "held.npy"), "--fps", str(jacks.fps), "--library", str(tmp_path / "lib")]
    assert cli_main([*args, "--no-starter", "--quiet"]) == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    said = [e for e in events if e.get("event") == "command"]
    assert [e["name"] for e in said] == ["record"]
    assert said[0]["t"] >= arms_up_frames(jacks)[0] / jacks.fps + 0.9
    assert cli_main([*args, "--no-starter", "--quiet", "--no-gestures"]) == 0
    assert '"command"' not in capsys.readouterr().out


def test_a_move_that_holds_the_pose_switches_that_command_off_while_practised(pose_cache):
    jacks = pose_cache.get("jumping_jacks_front")
    passing = make_reference(jacks.slice(30, 60), "jumping jack", "front")  # the arms pass over the head
    assert poses_held_by([passing]) == frozenset()
    top = held_take(jacks, 1.5)[arms_up_frames(jacks)[0] : arms_up_frames(jacks)[0] + 45]
    holding = make_reference(PoseSequence(top, jacks.skeleton, jacks.fps), "arms up", "front")
    assert poses_held_by([holding]) == frozenset({"record"})
    # Practising it, the held take (the move itself) gives no Record command.
    assert commands(held_take(jacks, 1.5), jacks.fps, disabled=poses_held_by([holding])) == []


def test_the_practice_session_switches_the_command_off_for_a_move_and_for_a_combination(pose_cache):
    from core.app.practice_session import PracticeSession
    from core.library.combination import compose

    jacks = pose_cache.get("jumping_jacks_front")
    passing = make_reference(jacks.slice(30, 60), "jumping jack", "front")
    top = held_take(jacks, 1.5)[arms_up_frames(jacks)[0] : arms_up_frames(jacks)[0] + 45]
    holding = make_reference(PoseSequence(top, jacks.skeleton, jacks.fps), "arms up", "front")
    session = PracticeSession()
    session.set_gestures(True)
    session.choose_references([holding])
    assert session.gestures is not None and session.gestures.disabled == frozenset({"record"})
    session.choose_references([passing])
    assert session.gestures.disabled == frozenset()
    # A combination with that held pose among its techniques switches it off too (it did not before).
    session.choose_combination(compose("jacks then hold", "front", [passing, holding]), {})
    assert session.gestures.disabled == frozenset({"record"})
    session.set_gestures(False)
    assert session.gestures is None
