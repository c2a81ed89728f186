"""The techniques a student did vs the combination's order: edit-distance alignment; pipeline thread.

Optimal string alignment (Levenshtein with adjacent transpositions) between the expected techniques and the
motions found. Each step is one thing a coach would say: a technique done (match), done with the other
side's technique (wrong side), skipped (missing), done though not asked for (extra), or two neighbours
done in each other's place (swap). A swap costs one edit, not two, which is what makes "hook before cross"
read as a swap rather than as a skipped cross plus an extra one. While a run is still going the trailing
techniques not yet reached are not missing: `prefix=True` ends the alignment wherever it costs least.

A motion is not named before it is aligned: it carries a cost per technique it may be (`pair_costs`, from
recognition), and the alignment chooses, so the order settles what recognition alone cannot across people
(a jab reference that matches a stranger's front kick at 73 and the kick reference at 55: where the kick is
due, it is the kick).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Edit costs. A wrong side is half an edit: the technique was done, with the wrong limb, and should win
# over reading it as one technique skipped plus another one extra (two edits).
COST_SKIP = COST_SWAP = 1.0
COST_EXTRA = 1.5
COST_WRONG_SIDE = 0.5
# A motion before the run's first technique is someone getting ready (a shrug, a guard adjusted), not an
# extra technique of the run: cheap, and not reported as part of the run ("before").
COST_BEFORE = 0.75
# Recognition score from which a motion may be a technique at no cost (core.score.scoring's
# SAME_MOVE_MIN_SCORE: where recognition names a move), and below which it is not that technique at all
# (40: the calibration's "a different move <= 40"); in between the cost rises to one edit. The scores come on
# each technique's own bar (core.match.recognition.bar_scores), so 55 is that technique's bar: 0.35, more
# for a kick far from its rest pose.
FREE_MATCH, NO_MATCH = 55.0, 40.0
# And a technique this many points below the motion's best match costs one edit more: three times
# recognition's softmax temperature (core.match.recognition, 5 points), a likelihood about 20 times lower.
RELATIVE_SPREAD = 15.0


def pair_costs(matches: Mapping[str, float]) -> dict[str, float]:
    """Recognition scores (label -> 0-100) -> the cost of taking the motion for each label it may be."""
    best = max(matches.values(), default=0.0)
    return {
        k: max(0.0, (FREE_MATCH - m) / (2 * (FREE_MATCH - NO_MATCH))) + (best - m) / RELATIVE_SPREAD
        for k, m in matches.items()
        if m >= NO_MATCH
    }


def exact(labels: Sequence[str]) -> list[dict[str, float]]:
    """Motions known for sure (each is its label at no cost)."""
    return [{label: 0.0} for label in labels]


@dataclass(frozen=True)
class Step:
    """One step of the alignment: `kind` is match | wrong_side | missing | extra | swap | before (a motion
    before the first technique placed)."""

    kind: str
    expected: int | None  # position in the combination (for a swap: the first of the two positions)
    done: int | None  # index into the detected techniques (for a swap: the first of the two)


@dataclass(frozen=True)
class Alignment:
    steps: tuple[Step, ...]
    cost: float

    def position_of(self, done: int) -> int | None:
        """The combination position the detected technique `done` was taken for; None for an extra."""
        for s in self.steps:
            if s.kind in ("match", "wrong_side") and s.done == done:
                return s.expected
            if s.kind == "swap" and s.done is not None and s.expected is not None and done in (s.done, s.done + 1):
                return s.expected + 1 - (done - s.done)
        return None

    def of_kind(self, kind: str) -> list[Step]:
        return [s for s in self.steps if s.kind == kind]

    @property
    def reached(self) -> int:
        """How many positions of the combination the alignment covers (the next expected position)."""
        return max((self._last_position(s) + 1 for s in self.steps if s.expected is not None), default=0)

    @property
    def reached_placed(self) -> int:
        """One past the last position a motion was placed at (skipped positions after it do not count)."""
        return max(
            (self._last_position(s) + 1 for s in self.steps if s.done is not None and s.expected is not None), default=0
        )

    @staticmethod
    def _last_position(s: Step) -> int:
        assert s.expected is not None
        return s.expected + (1 if s.kind == "swap" else 0)


def align(
    expected: Sequence[str],
    done: Sequence[Mapping[str, float]],
    other_side: dict[str, str] | None = None,
    prefix: bool = False,
) -> Alignment:
    """Cheapest alignment of the motions `done` (each: label -> pair cost) to `expected` (labels);
    `other_side` maps a label to its other side's label."""
    other_side = other_side or {}
    k, n = len(expected), len(done)
    inf = float("inf")
    cost = [[inf] * (n + 1) for _ in range(k + 1)]
    cost[0][0] = 0.0
    for i in range(k + 1):
        for j in range(n + 1):
            c = cost[i][j]
            if i > 0:
                c = min(c, cost[i - 1][j] + COST_SKIP)
            if j > 0:
                c = min(c, cost[i][j - 1] + (COST_BEFORE if i == 0 else COST_EXTRA))
            if i > 0 and j > 0:
                c = min(c, cost[i - 1][j - 1] + _pair(expected[i - 1], done[j - 1], other_side)[0])
            if i > 1 and j > 1:
                c = min(c, cost[i - 2][j - 2] + _swap(expected, done, i, j))
            cost[i][j] = c
    # A run in progress ends where it costs least; on a tie, the furthest position (a detected technique
    # later in the combination reads as "the one before was skipped", the live guess a swap may correct).
    # At least one technique is placed once there is a motion (else everything would be "before" the run).
    ends = range(1 if n and k else 0, k + 1)
    end = min(ends, key=lambda i: (cost[i][n], -i)) if prefix else k
    return Alignment(tuple(_backtrack(cost, expected, done, other_side, end)), cost[end][n])


def _pair(want: str, got: Mapping[str, float], other_side: dict[str, str]) -> tuple[float, str]:
    """Cost and kind of taking motion `got` for the technique `want`: itself, or its other side."""
    same = got.get(want, float("inf"))
    other = COST_WRONG_SIDE + got.get(other_side.get(want, ""), float("inf"))
    return (same, "match") if same <= other else (other, "wrong_side")


def _swap(expected: Sequence[str], done: Sequence[Mapping[str, float]], i: int, j: int) -> float:
    inf = float("inf")
    if expected[i - 1] == expected[i - 2]:
        return inf  # two of the same technique swapped is no swap
    return COST_SWAP + done[j - 2].get(expected[i - 1], inf) + done[j - 1].get(expected[i - 2], inf)


def _backtrack(
    cost: list[list[float]],
    expected: Sequence[str],
    done: Sequence[Mapping[str, float]],
    other_side: dict[str, str],
    i: int,
) -> list[Step]:
    steps: list[Step] = []
    j = len(done)
    eps = 1e-9
    while i > 0 or j > 0:
        c = cost[i][j]
        pair = _pair(expected[i - 1], done[j - 1], other_side) if i > 0 and j > 0 else (float("inf"), "")
        # On a tie a trailing technique is missing rather than taken by a motion that fits an earlier one
        # too (jab, hook and then nothing: the cross and the kick are missing, the hook is not "a cross").
        if i > 0 and abs(cost[i - 1][j] + COST_SKIP - c) < eps and (j == 0 or cost[i - 1][j] <= cost[i - 1][j - 1]):
            steps.append(Step("missing", i - 1, None))
            i -= 1
        elif i > 0 and j > 0 and abs(cost[i - 1][j - 1] + pair[0] - c) < eps:
            steps.append(Step(pair[1], i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i > 1 and j > 1 and abs(cost[i - 2][j - 2] + _swap(expected, done, i, j) - c) < eps:
            steps.append(Step("swap", i - 2, j - 2))
            i, j = i - 2, j - 2
        elif i > 0 and abs(cost[i - 1][j] + COST_SKIP - c) < eps:
            steps.append(Step("missing", i - 1, None))
            i -= 1
        else:
            steps.append(Step("extra" if i > 0 else "before", None, j - 1))
            j -= 1
    return steps[::-1]
