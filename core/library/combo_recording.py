"""A combination from one long take (a kata, a form, a recorded combination): cut, name, keep the rhythm; any thread.

The take is cut into techniques at its pauses and speed minima (core.library.segment), or where the coach put
the cuts; each piece becomes a technique reference (part weights from what moves in it, as a recorded move)
and the gaps between pieces are the combination's own rhythm, so a student's rhythm is compared with the
take's, not with a default.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..app.errors import LibraryError
from ..library.combination import Combination, compose
from ..library.references import make_reference
from ..library.segment import technique_spans
from ..pose.estimator import PoseSequence

# Guard frames kept on each side of a cut technique (the reference's rest pose at its ends), seconds.
EDGE_S = 0.15


def suggest_cuts(take: PoseSequence) -> list[tuple[int, int]]:
    """Where the take's techniques are: frames [start, end), in order (the coach may move, merge, split)."""
    return technique_spans(take.keypoints, take.skeleton, take.fps)


def combination_from_take(
    take: PoseSequence,
    name: str,
    view: str,
    cuts: Sequence[tuple[int, int]] | None = None,
    names: Sequence[str] | None = None,
) -> Combination:
    """The combination of the take's techniques; `cuts` default to `suggest_cuts`, `names` to "<name> 1".."""
    spans = list(cuts) if cuts is not None else suggest_cuts(take)
    if len(spans) < 2:
        raise LibraryError(
            f"{take.source or 'the take'}: found {len(spans)} technique(s); a combination needs at least two "
            "(pause briefly between techniques, or place the cuts by hand)"
        )
    n = len(take)
    for a, b in spans:
        if not 0 <= a < b <= n:
            raise LibraryError(f"the cut {a}-{b} is not inside the take's {n} frames")
    if any(b1 > a2 for (_, b1), (a2, _) in zip(spans, spans[1:], strict=False)):
        raise LibraryError("the cuts overlap or are out of order")
    labels = list(names) if names is not None else [f"{name} {k + 1}" for k in range(len(spans))]
    if len(labels) != len(spans):
        raise LibraryError(f"{len(labels)} names for {len(spans)} techniques")
    edge = round(EDGE_S * take.fps)
    techniques, gaps = [], []
    for k, (a, b) in enumerate(spans):
        lo, hi = max(0, a - edge), min(n, b + edge)
        techniques.append(make_reference(take.slice(lo, hi), labels[k], view, source=f"{take.source} [{a}:{b}]"))
        if k:  # the next technique starts where the take's did: start-to-start, less the piece before
            gaps.append((a - spans[k - 1][0]) / take.fps - techniques[k - 1].duration)
    return compose(name, view, techniques, gaps)
