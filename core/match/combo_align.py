"""The techniques a student did vs the combination's order: edit-distance alignment; pipeline thread.

Optimal string alignment (Levenshtein with adjacent transpositions) between the expected labels and the
detected ones. Each step is one thing a coach would say: a technique done (match), done with the other
side's technique (wrong side), skipped (missing), done though not asked for (extra), or two neighbours
done in each other's place (swap). A swap costs one edit, not two, which is what makes "hook before cross"
read as a swap rather than as a skipped cross plus an extra one. While a run is still going the trailing
techniques not yet reached are not missing: `prefix=True` ends the alignment wherever it costs least.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Edit costs. A wrong side is half an edit: the technique was done, with the wrong limb, and should win
# over reading it as one technique skipped plus another one extra (two edits).
COST_SKIP = COST_EXTRA = COST_SWAP = 1.0
COST_WRONG_SIDE = 0.5


@dataclass(frozen=True)
class Step:
    """One step of the alignment: `kind` is match | wrong_side | missing | extra | swap."""

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

    @staticmethod
    def _last_position(s: Step) -> int:
        assert s.expected is not None
        return s.expected + (1 if s.kind == "swap" else 0)


def align(
    expected: Sequence[str],
    done: Sequence[str],
    other_side: dict[str, str] | None = None,
    prefix: bool = False,
) -> Alignment:
    """Cheapest alignment of `done` to `expected` (labels); `other_side` maps a label to its other side's."""
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
                c = min(c, cost[i][j - 1] + COST_EXTRA)
            if i > 0 and j > 0:
                c = min(c, cost[i - 1][j - 1] + _pair_cost(expected[i - 1], done[j - 1], other_side))
            if i > 1 and j > 1 and expected[i - 1] == done[j - 2] and expected[i - 2] == done[j - 1]:
                c = min(c, cost[i - 2][j - 2] + COST_SWAP)
            cost[i][j] = c
    # A run in progress ends where it costs least; on a tie, the furthest position (a detected technique
    # later in the combination reads as "the one before was skipped", the live guess a swap may correct).
    end = min(range(k + 1), key=lambda i: (cost[i][n], -i)) if prefix else k
    return Alignment(tuple(_backtrack(cost, expected, done, other_side, end)), cost[end][n])


def _pair_cost(want: str, got: str, other_side: dict[str, str]) -> float:
    if want == got:
        return 0.0
    return COST_WRONG_SIDE if other_side.get(want) == got else float("inf")


def _backtrack(
    cost: list[list[float]], expected: Sequence[str], done: Sequence[str], other_side: dict[str, str], i: int
) -> list[Step]:
    steps: list[Step] = []
    j = len(done)
    eps = 1e-9
    while i > 0 or j > 0:
        c = cost[i][j]
        if i > 0 and j > 0 and abs(cost[i - 1][j - 1] + _pair_cost(expected[i - 1], done[j - 1], other_side) - c) < eps:
            kind = "match" if expected[i - 1] == done[j - 1] else "wrong_side"
            steps.append(Step(kind, i - 1, j - 1))
            i, j = i - 1, j - 1
        elif (
            i > 1
            and j > 1
            and expected[i - 1] == done[j - 2]
            and expected[i - 2] == done[j - 1]
            and (abs(cost[i - 2][j - 2] + COST_SWAP - c) < eps)
        ):
            steps.append(Step("swap", i - 2, j - 2))
            i, j = i - 2, j - 2
        elif i > 0 and abs(cost[i - 1][j] + COST_SKIP - c) < eps:
            steps.append(Step("missing", i - 1, None))
            i -= 1
        else:
            steps.append(Step("extra", None, j - 1))
            j -= 1
    return steps[::-1]
