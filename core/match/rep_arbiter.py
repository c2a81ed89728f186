"""One numbered sequence of reps from reps found by several live engines (auto-detect, both sides of a move).

The same physical rep is often found by two references (a left hook and a left straight share most of the motion),
and engines report at different delays. The arbiter waits until every engine could have reported a rival for a
rep, keeps one of reps that are one physical rep (the first in its `rank` order), trims the slight overlap of
neighbouring reps, and numbers what it keeps in one sequence.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import replace

from ..match.live_events import Rep

# Two reps that share more than this share of the shorter one are one physical rep found twice.
SAME_REP_OVERLAP = 0.5
# A rival that shares more than this of itself with a rep of the winning move lies on that rep.
OWNED_OVERLAP = 0.2
# An engine reports a rep up to about half a reference after the rep ended (it waits for a better match);
# the arbiter waits that long for the slowest engine, plus this margin for resampling and jitter.
SETTLE_MARGIN_S = 0.2
# A rival found by another reference may end later than the rep itself: wait this share of the rep longer.
RIVAL_SPAN_SHARE = 0.5
# Decide a group of competing reps after this long even if new rivals keep arriving: the count must not stall.
MAX_WAIT_S = 10.0
# Recently reported reps that a late rival is checked against.
RECENT = 32


def rep_label(rep: Rep, fallback: str = "") -> str:
    """The rep's reference as 'move - view' (the library's label); `fallback` for a rep without a move."""
    return f"{rep.move} - {rep.view}" if rep.move else fallback


def overlap_s(a: Rep, b: Rep) -> float:
    """Seconds during which both reps run (0 when they do not meet)."""
    return max(0.0, min(a.end, b.end) - max(a.start, b.start))


def same_rep(a: Rep, b: Rep, share: float = SAME_REP_OVERLAP) -> bool:
    """True when `a` and `b` are one physical rep matched twice (they share more than `share` of the shorter)."""
    shorter = min(a.end - a.start, b.end - b.start)
    return overlap_s(a, b) > share * max(shorter, 1e-9)


class RepArbiter:
    """Reps found by several engines -> one numbered sequence in which no two reps overlap in time.

    Times are seconds since the session started (the engines' own clock). `settle_s` is how long after a
    rep's end every engine has reported its reps ending by then.
    """

    def __init__(
        self,
        settle_s: float,
        rank: Callable[[list[Rep]], list[Rep]] | None = None,
        same_share: float = SAME_REP_OVERLAP,
    ) -> None:
        self.settle_s = settle_s
        self.same_share = same_share  # see same_rep
        # Rivals in order of preference; by default the best live score first.
        self.rank = rank or (lambda group: sorted(group, key=lambda r: -r.score))
        self.pending: list[Rep] = []
        self.recent: deque[Rep] = deque(maxlen=RECENT)
        self.count = 0

    def add(self, rep: Rep, now: float) -> None:
        # An engine slower than assumed (a long reference) widens the wait, so its later rivals are compared.
        self.settle_s = max(self.settle_s, now - rep.end + SETTLE_MARGIN_S)
        self.pending.append(rep)

    def _ripe(self, rep: Rep, now: float) -> bool:
        return now >= rep.end + self.settle_s + RIVAL_SPAN_SHARE * (rep.end - rep.start)

    def _groups(self) -> list[list[Rep]]:
        """Pending reps split into groups of mutual rivals (connected by same_rep)."""
        groups: list[list[Rep]] = []
        left = sorted(self.pending, key=lambda r: r.start)
        while left:
            group, left = [left[0]], left[1:]
            grew = True
            while grew:
                rivals = [r for r in left if any(same_rep(r, g, self.same_share) for g in group)]
                group += rivals
                left = [r for r in left if not any(r is x for x in rivals)]
                grew = bool(rivals)
            groups.append(group)
        return groups

    def decide(self, now: float, force: bool = False) -> list[Rep]:
        """Reps decided by `now` (all pending ones with `force`), renumbered, in time order."""
        kept: list[Rep] = []
        decided: list[Rep] = []
        for group in self._groups():
            oldest = min(r.end for r in group)
            if not (force or all(self._ripe(r, now) for r in group) or now - oldest > MAX_WAIT_S):
                continue
            self.pending = [r for r in self.pending if not any(r is g for g in group)]
            decided += group
            kept += self._best_of(group, already=list(self.recent))
        fitted = self._fit_all(kept)
        # A winner may still be dropped as a late rival of a rep reported before it (trimmed clear of its
        # neighbours, it lies on one of them); the rivals it beat can lie clear of every reported rep
        # (same_rep is not transitive). Such a rep is a motion of its own and is reported too.
        orphans = [r for r in decided if not any(overlap_s(r, d) > 0 for d in self.recent)]
        fitted += self._fit_all(self._best_of(orphans, already=[]))
        out = []
        for final in sorted(fitted, key=lambda r: r.start):
            self.count += 1
            out.append(replace(final, index=self.count))
        return out

    def _best_of(self, group: list[Rep], already: list[Rep]) -> list[Rep]:
        """The group's reps in rank order, each kept unless it is the same rep as one kept or `already` there.

        The move ranked first owns the motion: another move's rep that shares more than OWNED_OVERLAP of itself
        with one of its reps is dropped (a neighbour that only shares its boundary pose is not). A kick is one
        rep of the kick, not a straight matched on its chamber plus another matched on its retraction (each of
        which, being short, is the same rep as the kick, but not as each other)."""
        if not group:
            return []
        ranked = self.rank(group) if len(group) > 1 else group
        winner = rep_label(ranked[0])
        owned = [r for r in ranked if rep_label(r) == winner]
        accepted: list[Rep] = []
        for rep in ranked:
            if rep_label(rep) != winner and any(same_rep(rep, w, OWNED_OVERLAP) for w in owned):
                continue
            if not any(same_rep(rep, a, self.same_share) for a in (*accepted, *already)):
                accepted.append(rep)
        return accepted

    def _fit_all(self, reps: list[Rep]) -> list[Rep]:
        """`reps` in time order, each trimmed clear of those reported (and fitted here) before it."""
        out = []
        for rep in sorted(reps, key=lambda r: r.start):
            final = self._fit(rep)
            if final is not None:
                self.recent.append(final)
                out.append(final)
        return out

    def _fit(self, rep: Rep) -> Rep | None:
        """`rep` trimmed clear of the reps already reported; None when it is one of them (a late rival)."""
        start, end = rep.start, rep.end
        for done in self.recent:
            if same_rep(rep, done, self.same_share):
                return None
            if min(end, done.end) > max(start, done.start):
                # Neighbouring reps share their boundary pose; the one reported first keeps it.
                if start >= done.start:
                    start = done.end
                else:
                    end = done.start
        if end <= start:
            return None
        return rep if (start, end) == (rep.start, rep.end) else replace(rep, start=start, end=end)
