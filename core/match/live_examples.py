"""Which examples of a move the live engines follow, each prepared as a reference of its own.

A move recorded from several people (or a coach's three jabs) holds several examples. Live rep detection
follows the chosen ones side by side (core.match.sides), so a student's rep is found by whichever example
it resembles: a subsequence match against one example alone misses styles that example does not show
(measured on the Muay Thai takes, one reference per technique found 219 of 321 labelled reps; the
reference plus one rep of every other take 301). Following every example would multiply the per-frame cost,
so at most LIVE_EXAMPLES are followed, chosen to cover the variation: the first example (the one the coach
put first), then each time the example farthest from those already chosen (farthest-point sampling on the
examples' DTW distance).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from ..features.bones import Features, part_costs, total_cost
from ..match.align import anchored_distance
from ..score.scoring import PreparedReference

# Examples followed live per side: the per-frame cost grows with each (one DTW column per example).
LIVE_EXAMPLES = 3


def example_distance(a: Features, b: Features, weights: NDArray[np.float64]) -> float:
    """Mean cost of aligning two examples end to end (their active spans), symmetric."""
    ab = anchored_distance(total_cost(part_costs(a, b), weights))
    ba = anchored_distance(total_cost(part_costs(b, a), weights))
    return 0.5 * (ab + ba)


def spread_choice(examples: tuple[Features, ...], weights: NDArray[np.float64], limit: int) -> list[int]:
    """Indices of at most `limit` examples covering their variation: 0 first, then farthest-point sampling."""
    n = len(examples)
    if n <= limit:
        return list(range(n))
    dist = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            dist[i, j] = dist[j, i] = example_distance(examples[i], examples[j], weights)
    chosen = [0]
    while len(chosen) < limit:
        nearest = dist[:, chosen].min(axis=1)
        nearest[chosen] = -1.0
        chosen.append(int(np.argmax(nearest)))
    return chosen


def live_examples(prepared: PreparedReference, limit: int = LIVE_EXAMPLES) -> list[PreparedReference]:
    """`prepared` itself, then one prepared reference per other chosen example, with that example first (its
    graded tolerance still comes from all the examples). One example: [prepared]."""
    ref = prepared.reference
    if not ref.extra_examples or limit <= 1:
        return [prepared]
    examples = ref.examples
    chosen = spread_choice(prepared.example_features, prepared.weights, limit)
    out = [prepared]
    for k in chosen[1:]:
        rest = tuple(e for i, e in enumerate(examples) if i != k)
        # Each keeps the move's yaw (its first example's camera angle): examples are not filmed from elsewhere
        # often, and one filmed so is compared with a take as if it were not (as it was before angles were kept).
        out.append(PreparedReference.from_reference(replace(ref, keypoints=examples[k], extra_examples=rest)))
    return out
