"""A person filmed from another side than the reference (core.features.view_turn): real clips, mediapipe's world
landmarks, the live engine."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from core.features.view_turn import TURN_MIN_DEG, body_yaw, needs_side_on, turn_angle, turned_keypoints
from core.library.recording import TakeRecorder
from core.library.reference_format import format_reference, reference_from_json
from core.library.references import make_reference
from core.match.live import MSG_SIDE_ON, LiveEngine
from core.match.sides import SidedEngine
from core.pose.estimator import PoseSequence
from core.pose.skeleton import MEDIAPIPE33
from core.score.scoring import PreparedReference, score_take


def _reps(engine, seq: PoseSequence, world: bool = True) -> list:
    reps = []
    for k, row in enumerate(seq.keypoints):
        w = seq.world[k] if world and seq.world is not None else None
        update = engine.push(row if np.isfinite(row[:, :2]).any() else None, k / seq.fps, seq.skeleton, world=w)
        if update.new_rep is not None:
            reps.append(update.new_rep)
    return reps + engine.finish()


@pytest.fixture(scope="module")
def squats(pose_cache):
    """The front man, the side man and a squat reference cut from each (one rep)."""
    front, side = pose_cache.get("squat_front_air"), pose_cache.get("squat_side_60fps")
    front_ref = PreparedReference.from_reference(make_reference(front.slice(60, 120), "squat", "front"))
    side_ref = PreparedReference.from_reference(make_reference(side.slice(0, 110), "squat", "side"))
    return front, side, front_ref, side_ref


def test_the_camera_angle_of_real_clips(pose_cache):
    # Front views face the camera; the side-view man stands in profile; the "side" punch is a three-quarter view.
    for name in ("squat_front_air", "pushups_front", "dance_a_other_person"):
        assert abs(body_yaw(pose_cache.get(name).world)) < 15, name
    assert 70 < abs(body_yaw(pose_cache.get("squat_side_60fps").world)) < 100
    assert 30 < abs(body_yaw(pose_cache.get("punch_side").world)) < 60
    assert body_yaw(None) is None


def test_a_take_is_turned_only_when_the_views_differ_in_kind():
    assert turn_angle(-84.0, 1.0) == 85.0  # side take, front reference
    assert turn_angle(0.0, 85.0) == 0.0  # front take, side reference: its forward motion would be a guess
    assert turn_angle(-84.0, 80.0) == 0.0  # facing the other way: a half turn, core.features.facing's flip
    assert turn_angle(100.0, 95.0) == 0.0  # one kind of view
    assert turn_angle(TURN_MIN_DEG - 5, 0.0) == 0.0
    assert turn_angle(TURN_MIN_DEG - 5, 0.0, slack=10.0) == 5 - TURN_MIN_DEG  # a window already turned stays so
    assert turn_angle(None, 0.0) == 0.0 and turn_angle(80.0, None) == 0.0


def test_a_side_view_take_against_a_front_reference_that_cannot_turn_is_compared_as_filmed(squats, pose_cache):
    # A dance step sweeps its arms sideways: the side man is not turned to it, nor told to turn (the coach faced
    # the camera), but the coach's pose is not laid over his side view either.
    _, side, _, _ = squats
    dance = pose_cache.get("dance_a_benchmark")
    step = PreparedReference.from_reference(make_reference(dance.slice(540, 600), "step", "front"))
    engine = LiveEngine(step)
    assert not any(MSG_SIDE_ON in m for m in _messages(engine, side))
    assert engine.turn == 0 and engine.ghost_beside


def test_a_take_is_turned_only_to_a_reference_that_moves_up_and_down(squats, pose_cache):
    # A turned take's heights are seen, its sideways positions guessed: the squat (hips dropping) can be compared
    # so, a jab seen from the side (the fist travels across the image) and a dance step sweeping its arms cannot.
    _, _, front_ref, _ = squats
    assert front_ref.turn_yaw == front_ref.yaw
    punch, dance = pose_cache.get("punch_side"), pose_cache.get("dance_a_benchmark")
    jab = PreparedReference.from_reference(make_reference(punch.slice(8, 96), "jab", "side"))
    step = PreparedReference.from_reference(make_reference(dance.slice(540, 600), "step", "front"))
    assert jab.yaw is not None and jab.turn_yaw is None
    assert step.yaw is not None and step.turn_yaw is None
    curl = pose_cache.get("bicep_curl_side")  # the side-view curl, which a front step would turn to the front
    assert score_take(curl, step).score == score_take(replace(curl, world=None), step).score


def test_a_turned_body_keeps_its_place_and_height_in_the_image(squats):
    _, side, _, _ = squats
    kp, feet = turned_keypoints(side.world, side.keypoints, MEDIAPIPE33, 85.0)
    assert feet is None and kp.shape == side.keypoints.shape
    seen = np.isfinite(side.keypoints[:, 23:25, 0]).all(axis=1)
    hips = lambda k: k[seen][:, 23:25, :2].mean(axis=1)  # noqa: E731
    assert np.allclose(hips(kp), hips(side.keypoints), atol=1.0)
    height = lambda k: np.nanmedian(k[seen][:, [27, 28], 1].mean(axis=1) - k[seen][:, 0, 1])  # noqa: E731
    assert height(kp) == pytest.approx(height(side.keypoints), rel=0.15)  # a turn about the vertical keeps it
    assert np.array_equal(kp[..., 2], side.keypoints[..., 2])  # confidences stay
    # Seen from the front, the side man's two hips lie apart across the image; filmed, one hid the other.
    width = lambda k: np.nanmedian(np.abs(k[seen][:, 23, 0] - k[seen][:, 24, 0]))  # noqa: E731
    assert width(kp) > 3 * width(side.keypoints)


def test_one_mans_squat_reference_counts_another_mans_squats_filmed_from_the_side(squats):
    front, side, front_ref, side_ref = squats
    # About 7 squats in the side clip, 13 in the front one (the first already under way).
    engine = LiveEngine(front_ref)
    assert 6 <= len(_reps(engine, side)) <= 8
    assert engine.turn == pytest.approx(85, abs=10)
    last = len(side) - 1
    update = engine.push(side.keypoints[last], (last + 1) / side.fps, side.skeleton, world=side.world[last])
    assert update.turn == engine.turn and update.as_dict()["turn"] == round(engine.turn)  # the view says so
    assert len(_reps(LiveEngine(front_ref), side, world=False)) == 0  # as filmed, none (the 0 of 20)
    # Not the other way round: seen from the front, the side reference's forward motion would be a guess.
    assert len(_reps(LiveEngine(side_ref), front)) == 0
    # The squat is symmetric: a mirrored engine turns the mirrored body just as well.
    assert 6 <= len(_reps(LiveEngine(front_ref, mirror=True), side)) <= 8
    # Through the both-sides wrapper the app uses, which passes the world landmarks on to its engines.
    assert 6 <= len(_reps(SidedEngine(front_ref, "both"), side)) <= 8


def _messages(engine, seq: PoseSequence) -> list[set[str]]:
    out = []
    for k, row in enumerate(seq.keypoints):
        update = engine.push(row if np.isfinite(row[:, :2]).any() else None, k / seq.fps, seq.skeleton,
                             world=seq.world[k])  # fmt: skip
        out.append({f.message for f in update.feedback})
    return out


def test_a_person_filmed_from_the_front_against_a_side_view_move_is_asked_to_turn_side_on(squats):
    front, side, front_ref, side_ref = squats
    engine = LiveEngine(side_ref)
    shown = _messages(engine, front)  # compared as filmed: the coach's forward motion is unseen
    assert sum(MSG_SIDE_ON in m for m in shown) > 0.8 * len(shown)
    assert engine.ghost_beside  # the coach's side-view pose is drawn beside him, not over his front view
    for ref, take, beside in ((front_ref, side, True), (front_ref, front, False), (side_ref, side, False)):
        engine = LiveEngine(ref)  # turned, or one kind of view
        assert not any(MSG_SIDE_ON in m for m in _messages(engine, take))
        assert engine.ghost_beside == beside
    assert needs_side_on(0.0, 85.0) and not needs_side_on(-84.0, 1.0) and not needs_side_on(None, 85.0)
    # Only a coach filmed nearer profile asks for it: not a front reference against a back or mirrored view.
    assert not needs_side_on(180.0, 2.0) and not needs_side_on(37.0, -37.0)
    assert needs_side_on(45.0, 85.0, slack=10.0) and not needs_side_on(45.0, 85.0)  # once told, until clearly past


def _rotated(seq: PoseSequence, degrees: float) -> PoseSequence:
    """The take as if the person stood `degrees` further round about the vertical (world and image alike)."""
    th = np.radians(degrees)
    world = seq.world.copy()
    x, z = seq.world[..., 0], seq.world[..., 2]
    world[..., 0], world[..., 2] = np.cos(th) * x - np.sin(th) * z, np.sin(th) * x + np.cos(th) * z
    keypoints, _ = turned_keypoints(seq.world, seq.keypoints, seq.skeleton, degrees)
    return replace(seq, keypoints=keypoints, world=world)


@pytest.mark.parametrize("degrees", [-12.0, -6.0, 4.0])  # yaw -95, -89, -79
def test_a_profile_on_either_side_of_90_degrees_is_turned_to_the_front(squats, degrees):
    # Against a front reference there is no facing to flip: a profile a little past 90 degrees must be turned the
    # whole way to the front, not to the back (compared mirrored, it counted nothing), nor flip between the two.
    _, side, front_ref, _ = squats
    take = _rotated(side, degrees)
    assert 75 < abs(body_yaw(take.world)) < 100
    engine = LiveEngine(front_ref)
    assert 6 <= len(_reps(engine, take)) <= 8
    assert score_take(take, front_ref).score >= 70


def test_the_review_video_finds_the_turned_reps(squats):
    # `render --compare` runs the live engine over the clip first: with the world landmarks it finds the squats.
    from core.pose.skeleton import to_coco17
    from core.view.compare_render import _find_reps

    _, side, front_ref, _ = squats
    coco = to_coco17(side.keypoints, side.skeleton)
    times = np.arange(len(side)) / side.fps
    assert 6 <= len(_find_reps(coco, side.world, times, front_ref, False, side.fps)) <= 8


def test_a_take_scored_offline_is_turned_too(squats):
    front, side, front_ref, side_ref = squats
    as_filmed = lambda seq: replace(seq, world=None)  # noqa: E731
    # The other man's squat, filmed from the side: about 15 as filmed, a correct squat once turned.
    assert score_take(as_filmed(side), front_ref).score < 30 and score_take(side, front_ref).score >= 70
    assert score_take(front, side_ref).score == score_take(as_filmed(front), side_ref).score  # front: as filmed
    assert score_take(front, front_ref).score >= 97  # one kind of view: as filmed, as before


def test_a_turned_take_gets_no_advice_read_from_the_depth_guess(squats):
    """Turned to the front, the side man's x axis is mediapipe's depth guess: it told him to "widen your stance"
    and "reach further out". Offline and live, no advice that reads x alone remains (a limb's length in the image,
    "extend further", still mixes x with y)."""
    from core.score.feedback import part_directions

    front, side, front_ref, _ = squats
    lateral = ("stance", "across", "reach further out", "lean", "upright")
    offline = [f.message for f in score_take(side, front_ref).feedback]
    live = [f.message for r in _reps(LiveEngine(front_ref), side) for f in r.feedback]
    assert live and not [m for m in offline + live if any(w in m for w in lateral)], offline + live
    # Turned or not is kept per column of the live window: a frame with nobody in it was not turned.
    engine = LiveEngine(front_ref)
    _reps(engine, side)
    seen = engine.dtw.frames_seen
    for k in range(5):
        engine.push(None, (len(side) + k) / side.fps, side.skeleton)
    cols = [j % engine.history for j in range(seen - 20, engine.dtw.frames_seen)]
    turned = engine.cols.turned[cols]
    assert turned[:20].all() and not turned[20:].any() and len(turned) > 20
    # The same frames compared as filmed may still be told about their stance: the rule is about turned takes.
    joints = np.zeros((4, 17, 2), np.float32)
    joints[:, 15], joints[:, 16] = (-0.2, 2.0), (0.2, 2.0)  # the ankles two torso lengths below the hips
    wide = joints.copy()
    wide[:, 15], wide[:, 16] = (-1.0, 1.75), (1.0, 1.75)  # as far from the hips, a torso length out each side
    costs = np.ones((4, 6), np.float32)
    assert "stance" in part_directions(wide, joints, costs)["left_leg"]
    assert "left_leg" not in part_directions(wide, joints, costs, lateral=False)


def test_turning_finds_no_move_where_there_is_none(squats, pose_cache):
    front, side, front_ref, _ = squats
    punch = pose_cache.get("punch_side")  # a three-quarter view: turned about 45 degrees
    assert _reps(LiveEngine(front_ref), punch) == []
    # A front-view body turned to a side view would show its guessed forward motion as seen: the one-arm curl
    # filmed from the side then counted the front man's squats (he raises his arms forward) and dance A's steps.
    curl = pose_cache.get("bicep_curl_side")
    curl_ref = PreparedReference.from_reference(make_reference(curl.slice(0, 67), "curl", "side"))
    assert _reps(LiveEngine(curl_ref), front) == []
    assert _reps(LiveEngine(curl_ref), pose_cache.get("dance_a_benchmark")) == []
    still = PoseSequence(np.repeat(side.keypoints[:1], 300, axis=0), side.skeleton, side.fps,
                         side.frame_size, "", np.repeat(side.world[:1], 300, axis=0))  # fmt: skip
    assert _reps(LiveEngine(front_ref), still) == []


def test_a_reference_keeps_the_angle_it_was_filmed_from(squats, tmp_path):
    _, side, _, side_ref = squats
    ref = side_ref.reference
    assert ref.yaw is not None and 70 < abs(ref.yaw) < 100
    loaded = reference_from_json(json.loads(format_reference(ref)))
    assert loaded.yaw == pytest.approx(ref.yaw, abs=0.05)
    data = json.loads(format_reference(ref))
    del data["yaw"]  # a file from before the angle was kept
    assert reference_from_json(data).yaw is None
    for bad in ("left", 400, True):
        data["yaw"] = bad
        with pytest.raises(ValueError, match="yaw"):
            reference_from_json(data)
    # Recorded in the app: the recorder keeps each frame's world landmarks.
    recorder = TakeRecorder("camera", side.fps)
    image = np.zeros((48, 64, 3), np.uint8)
    for k in range(110):
        recorder.add(k / side.fps, image, side.keypoints[k], side.world[k])
    take = recorder.finish()
    assert take is not None and take.sequence.world is not None
    assert make_reference(take.sequence, "squat", "side").yaw == pytest.approx(ref.yaw, abs=1.0)
