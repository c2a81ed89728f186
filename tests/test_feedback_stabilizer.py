"""Live advice does not flicker: it appears after a moment, stays readable, and at most two show."""

from __future__ import annotations

from core.score.feedback import FeedbackItem
from core.score.feedback_stabilizer import MIN_SHOWN, SHOW_AFTER, FeedbackStabilizer

ARM = FeedbackItem("left_arm", "left arm: extend further", 0.5)
KNEE = FeedbackItem("right_leg", "right leg: lift the knee higher", 0.4)
HEAD = FeedbackItem("head", "head: keep your head up", 0.3)


def run(stab: FeedbackStabilizer, frames: list[list[FeedbackItem]], fps: float = 30.0) -> list[list[str]]:
    return [[i.message for i in stab.update(items, k / fps)] for k, items in enumerate(frames)]


def test_a_one_frame_blip_never_shows():
    shown = run(FeedbackStabilizer(), [[]] * 10 + [[ARM]] + [[]] * 30)
    assert all(not s for s in shown)


def test_a_persistent_message_appears_and_stays_at_least_min_shown():
    frames = [[ARM]] * 30 + [[]] * 120
    shown = run(FeedbackStabilizer(), frames)
    first = next(k for k, s in enumerate(shown) if s)
    assert first / 30 >= SHOW_AFTER - 1e-6
    last = max(k for k, s in enumerate(shown) if s)
    assert (last - first) / 30 >= MIN_SHOWN - 0.05
    assert not shown[-1]


def test_alternating_input_does_not_flicker():
    frames = [[ARM] if k % 2 else [KNEE] for k in range(150)]
    shown = run(FeedbackStabilizer(), frames)
    changes = sum(a != b for a, b in zip(shown, shown[1:], strict=False))
    assert changes <= 2


def test_at_most_two_and_the_most_severe_first():
    shown = run(FeedbackStabilizer(), [[HEAD, KNEE, ARM]] * 40)
    assert shown[-1] == [ARM.message, KNEE.message]
