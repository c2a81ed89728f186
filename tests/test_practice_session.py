"""The practice session without Qt: Record across source and reference changes, its clock, generations, gaps."""

from __future__ import annotations

import numpy as np
import pytest

from core.app.practice_session import PracticeSession, RecordPhase, RecordResult, SourceState
from core.frame.sources import Frame
from core.library.references import make_reference
from core.view.live_pipeline import LivePipeline

from .conftest import TESTDATA
from .fakes import ReplayEstimator, clip_images


@pytest.fixture(scope="module")
def punch_images():
    return clip_images(TESTDATA / "punch_side.mp4")


@pytest.fixture(scope="module")
def squat_images():
    return clip_images(TESTDATA / "squat_front_air.mp4", limit=60)


def session_with(estimator) -> tuple[PracticeSession, list[RecordResult]]:
    finished: list[RecordResult] = []
    session = PracticeSession(LivePipeline(estimator))
    session.on_record_finished = finished.append
    return session, finished


def play(session: PracticeSession, images, generation: int, start: int = 0, fps: float = 30.0, t0: float = 0.0):
    views = []
    for k, image in enumerate(images):
        views.append(session.process(Frame(start + k, t0 + (start + k) / fps, image.copy(), generation)))
    return views


def assert_take_times_are_sane(result: RecordResult, frames: int) -> None:
    assert result.take is not None
    times = result.take.times
    assert times[0] == 0.0 and np.all(np.diff(times) > 0), "a take's times start at 0 and only go forward"
    assert abs(len(result.take.sequence) - frames) <= 1


def test_opening_another_source_during_record_keeps_the_take_so_far_with_times_from_zero(
    estimator, pose_cache, punch_images, squat_images
):
    session, finished = session_with(estimator)
    session.choose_references([make_reference(pose_cache.get("punch_side").slice(20, 80), "punch", "side")])
    first = session.open_source("punch_side.mp4", is_camera=False)
    assert session.source_opened(first, 30.0)
    assert session.start_record(now=0.0, seconds=10.0) and session.recording
    play(session, punch_images[:45], first)
    second = session.open_source("squat_front_air.mp4", is_camera=False)
    (result,) = finished
    assert "source changed" in result.note
    assert_take_times_are_sane(result, 45)
    assert result.take.times[-1] == pytest.approx(44 / 30, abs=0.04)
    assert not session.recording
    # the old source's frames that were still on their way are dropped, the new source's are shown
    assert play(session, punch_images[45:48], first, start=45) == [None, None, None]
    session.source_opened(second, 30.0)
    views = play(session, squat_images[:5], second)
    assert all(v is not None and v.generation == second and v.recording is None for v in views)


def test_choosing_another_reference_during_record_carries_the_take_on(estimator, pose_cache, punch_images):
    punch = pose_cache.get("punch_side")
    session, finished = session_with(estimator)
    session.choose_references([make_reference(punch.slice(20, 80), "punch", "side")])
    gen = session.open_source("punch_side.mp4", is_camera=False)
    session.source_opened(gen, 30.0)
    session.start_record(now=0.0, seconds=10.0)
    play(session, punch_images[:30], gen)
    note = session.choose_references([make_reference(punch.slice(10, 50), "jab", "side")])
    assert "Still recording" in note and session.recording
    views = play(session, punch_images[30:60], gen, start=30)
    assert views[-1].recording == pytest.approx(59 / 30, abs=0.04)
    session.stop_record()
    (result,) = finished
    assert result.note == ""
    assert_take_times_are_sane(result, 60)


def test_record_stops_by_itself_after_the_set_time_of_the_source(estimator, punch_images):
    session, finished = session_with(estimator)
    gen = session.open_source("punch_side.mp4", is_camera=False)
    session.source_opened(gen, 30.0)
    session.start_record(now=0.0, seconds=1.0)
    views = play(session, punch_images[:50], gen)
    (result,) = finished
    assert "Recorded 1 s" in result.note
    assert_take_times_are_sane(result, 31)
    assert views[40].recording is None  # the record is over; the video plays on


def test_a_camera_counts_down_before_recording_and_a_cancelled_countdown_records_nothing(estimator):
    session, finished = session_with(estimator)
    gen = session.open_source("camera 0", is_camera=True)
    session.source_opened(gen, 30.0)
    assert session.start_record(now=100.0, seconds=5.0)
    assert session.record_phase is RecordPhase.COUNTDOWN
    assert session.tick(100.2) == 3 and session.tick(101.5) == 2
    assert session.tick(103.0) is None and session.recording
    session.stop_record()
    assert finished == [RecordResult(None, "")]  # no frame came: the window says nothing was recorded
    session.start_record(now=200.0, seconds=5.0)
    session.stop_record()  # during the countdown
    assert session.record_phase is RecordPhase.IDLE and len(finished) == 1


def test_late_signals_of_a_replaced_source_change_nothing():
    session = PracticeSession()
    old = session.open_source("a.mp4", is_camera=False)
    new = session.open_source("b.mp4", is_camera=False)
    assert not session.source_ended(old) and not session.source_lost(old) and not session.source_opened(old, 25.0)
    assert session.source_opened(new, 30.0) and session.state is SourceState.RUNNING
    assert session.source_ended(new) and session.state is SourceState.ENDED


def test_no_score_or_rep_spans_a_camera_gap_and_reps_keep_counting(pose_cache):
    squat = pose_cache.get("squat_front_air")
    session = PracticeSession(LivePipeline(ReplayEstimator(squat)))
    session.choose_references([make_reference(squat.slice(60, 120), "squat", "front")])
    gen = session.open_source("camera 0", is_camera=True)
    session.source_opened(gen, 30.0)
    image = np.zeros((72, 128, 3), np.uint8)
    before = [session.process(Frame(k, k / 30, image.copy(), gen)) for k in range(450)]
    reps_before = [v.update.new_rep for v in before if v.update.new_rep is not None]
    assert len(reps_before) >= 5 and before[-1].update.score is not None

    assert session.source_lost(gen) and session.state is SourceState.LOST
    assert session.process(Frame(450, 15.0, image.copy(), gen)) is None  # nothing is scored during the gap
    assert session.source_opened(gen, 30.0)  # the camera is back

    gap = 5.0
    after = [session.process(Frame(k, gap + k / 30, image.copy(), gen)) for k in range(450, 900)]
    reps_after = [v.update.new_rep for v in after if v.update.new_rep is not None]
    assert after[0].update.score is None, "the first frame after the gap has no score carried over"
    assert len(reps_after) >= 5
    # counted on from before the gap, and every rep after it starts after it (times since the practice began)
    assert [r.index for r in reps_before + reps_after] == list(range(1, len(reps_before) + len(reps_after) + 1))
    assert all(r.start >= gap + 450 / 30 - 1e-6 for r in reps_after)
    assert after[-1].update.rep_count == len(reps_before) + len(reps_after)


def test_auto_detect_reps_still_waiting_when_a_video_ends_are_not_lost(estimator, pose_cache, punch_images):
    # With several references, auto-detect holds a rep back until every rival reference could have reported
    # it; the punch ends a few frames before the clip does, so at the end of the video it is still waiting.
    punch, squat = pose_cache.get("punch_side"), pose_cache.get("squat_front_air")
    session, _ = session_with(estimator)
    session.choose_references(
        [make_reference(punch.slice(8, 96), "jab", "side"), make_reference(squat.slice(60, 120), "squat", "front")]
    )
    gen = session.open_source("punch_side.mp4", is_camera=False)
    session.source_opened(gen, 30.0)
    shown = [v.update.new_rep for v in play(session, punch_images, gen) if v.update.new_rep is not None]
    assert session.source_ended(gen)
    assert session.waiting_reps(gen + 1) == []  # not for another source
    waiting = session.waiting_reps(gen)
    reps = shown + waiting
    assert waiting, "the punch's rep was still waiting for its rivals at the end of the clip"
    assert [r.index for r in reps] == [1] and reps[0].move == "jab"
    assert session.waiting_reps(gen) == []  # decided once


def test_a_frame_of_the_old_source_taken_just_before_a_switch_does_not_use_up_the_new_sources_restart(
    estimator, punch_images, squat_images
):
    session, _ = session_with(estimator)
    first = session.open_source("punch_side.mp4", is_camera=False)
    session.source_opened(first, 30.0)
    play(session, punch_images[:10], first)
    # The UI thread opens the next source just after the pose step (pipeline helper thread) accepted a
    # frame of the first one: the interleaving is forced here, with the real model running.
    accepts = session._accepts
    second: list[int] = []

    def switch_right_after_the_check(frame: Frame) -> bool:
        ok = accepts(frame)
        session._accepts = accepts  # type: ignore[method-assign]
        second.append(session.open_source("squat_front_air.mp4", is_camera=False))
        return ok

    session._accepts = switch_right_after_the_check  # type: ignore[method-assign]
    old = session.estimate(Frame(10, 10 / 30, punch_images[10].copy(), first))
    assert old is not None and second
    new = session.estimate(Frame(0, 0.0, squat_images[0].copy(), second[0]))
    assert new is not None and new.restarted, "the new source's first frame must start tracking afresh"
    assert session.finish(Frame(10, 10 / 30, punch_images[10].copy(), first), old) is None  # dropped
