"""Subsequence DTW against a brute-force answer, planted patterns, and the fastdtw path."""

from __future__ import annotations

import itertools

import numpy as np

from core.match.align import MAX_STEP, SubsequenceDTW, anchored_distance, best_segment, per_reference_frame, warp_path


def brute_force_best_end_cost(cost: np.ndarray, end: int) -> float:
    """Minimum total cost of any allowed path ending at (N-1, end), by exhaustive recursion."""
    n = cost.shape[0]
    memo: dict[tuple[int, int], float] = {}

    def best(i: int, j: int) -> float:
        if i == 0:
            return cost[0, j]  # a path may start at any take frame on reference frame 0
        if j == 0:
            return np.inf
        if (i, j) not in memo:
            # Step k passes reference frames i-k+1..i (a stall, k = 0, the one cell) and pays each of them.
            memo[(i, j)] = min(
                best(i - k, j - 1) + cost[max(i - k + 1, 0) if k else i : i + 1, j].sum()
                for k in range(MAX_STEP + 1)
                if i - k >= 0
            )
        return memo[(i, j)]

    return best(n - 1, end)


def test_streaming_recursion_matches_exhaustive_search():
    rng = np.random.default_rng(1)
    for _ in range(5):
        cost = rng.random((5, 9))
        dtw = SubsequenceDTW(5, 1)
        for j in range(9):
            state = dtw.update(cost[:, j], cost[:, j : j + 1])
            assert np.isclose(state.cost[-1], brute_force_best_end_cost(cost, j)) or (
                np.isinf(state.cost[-1]) and np.isinf(brute_force_best_end_cost(cost, j))
            )


def test_planted_pattern_is_found_at_any_speed():
    rng = np.random.default_rng(7)
    ref = np.sin(np.linspace(0, 2 * np.pi, 40))
    for speed, offset in itertools.product((0.5, 1.0, 2.0), (5, 60)):
        t = np.arange(0, 40, speed)
        planted = np.interp(t, np.arange(40), ref)
        take = np.concatenate([rng.normal(2, 0.1, offset), planted, rng.normal(2, 0.1, 30)])
        cost = np.abs(ref[:, None] - take[None, :])
        seg = best_segment(cost)
        assert abs(seg.start - offset) <= 2
        assert abs(seg.end - (offset + len(planted) - 1)) <= 2
        assert seg.mean_cost < 0.05


def test_parts_ride_along_the_path():
    cost = np.zeros((4, 6))
    parts = np.stack([cost, cost + 1.0], axis=-1)  # part 1 always costs 1, part 0 nothing
    dtw = SubsequenceDTW(4, 2)
    for j in range(6):
        state = dtw.update(cost[:, j], parts[:, j])
    assert np.allclose(state.part_means(3), [0.0, 1.0])


def test_forget_until_drops_reported_paths():
    dtw = SubsequenceDTW(3, 1)
    for _ in range(4):
        dtw.update(np.zeros(3), np.zeros((3, 1)))
    dtw.forget_until(2)
    assert np.isinf(dtw.state.cost[dtw.state.start <= 2]).all()


def test_fastdtw_path_covers_the_reference_and_the_segment():
    ref = np.sin(np.linspace(0, 2 * np.pi, 30))
    take = np.concatenate([np.full(10, 3.0), np.interp(np.arange(0, 30, 0.75), np.arange(30), ref), np.full(10, 3.0)])
    cost = np.abs(ref[:, None] - take[None, :])
    seg = best_segment(cost)
    path = warp_path(cost, seg)
    assert path[0, 0] == 0 and path[-1, 0] == 29
    assert path[0, 1] == seg.start and path[-1, 1] == seg.end
    assert np.all(np.diff(path, axis=0) >= 0)
    per_frame = per_reference_frame(cost, path, 30)
    assert per_frame.shape == (30,) and per_frame.mean() < 0.05


def test_anchored_alignment_must_explain_the_whole_take():
    ref = np.sin(np.linspace(0, np.pi, 20))
    inside = np.r_[np.zeros(10), ref, np.ones(10)]  # the move with unrelated motion before and after
    alone = np.interp(np.linspace(0, 19, 30), np.arange(20), ref)  # the move alone, slower
    cost_inside = np.abs(ref[:, None] - inside[None, :])
    cost_alone = np.abs(ref[:, None] - alone[None, :])
    assert anchored_distance(cost_alone) < 0.05
    assert anchored_distance(cost_inside) > 5 * anchored_distance(cost_alone)
    assert best_segment(cost_inside).mean_cost < 0.05  # a subsequence match ignores what is around it
