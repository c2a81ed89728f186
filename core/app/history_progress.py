"""What the practice history says about progress: moves practised, best and average rep per day, strike speed per
day and its trend, the body part most often corrected. Read-only queries, mixed into core.app.history.HistoryStore.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from ..pose.skeleton import PARTS

# Days over which `history` says how a move's speed changed.
SPEED_TREND_DAYS = 30


class ProgressQueries:
    """The queries; the store provides `_query` (one locked read)."""

    def _query(self, sql: str, params: Sequence[object] | dict[str, object] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def moves(self) -> list[str]:
        """Every move that has at least one stored rep, alphabetically."""
        return [r[0] for r in self._query("SELECT DISTINCT move FROM reps WHERE move IS NOT NULL ORDER BY move")]

    def daily_progress(self, move: str) -> list[tuple[str, float, float, int]]:
        """(local day 'YYYY-MM-DD', best rep score, mean rep score, reps) for one move, oldest day first."""
        return [
            (str(day), float(best), float(mean), int(n))
            for day, best, mean, n in self._query(
                """SELECT date(recorded_at, 'localtime') AS day, max(score), avg(score), count(*)
                   FROM reps WHERE move = ? GROUP BY day ORDER BY day""",
                (move,),
            )
        ]

    def daily_speed(self, move: str) -> list[tuple[str, float, float | None, int]]:
        """(local day, mean peak speed in body heights/s, mean speed ratio to the reference, reps measured) for
        one move, oldest day first; days without a measured speed are left out."""
        return [
            (str(day), float(speed), None if ratio is None else float(ratio), int(n))
            for day, speed, ratio, n in self._query(
                """SELECT date(r.recorded_at, 'localtime') AS day, avg(s.peak_speed), avg(s.speed_ratio), count(*)
                   FROM reps r JOIN rep_strikes s ON s.rep_id = r.id
                   WHERE r.move = ? AND s.peak_speed IS NOT NULL GROUP BY day ORDER BY day""",
                (move,),
            )
        ]

    def speed_trend(self, move: str, days: int = SPEED_TREND_DAYS) -> tuple[float, int, float, float] | None:
        """(relative change of the mean peak speed from the first to the last practice day within the last
        `days` days, days between them, first and last day's speed), e.g. (0.12, 27, 2.9, 3.3): 12 % faster;
        None with fewer than two such days."""
        since = (datetime.now().astimezone() - timedelta(days=days)).strftime("%Y-%m-%d")
        speeds = [(day, speed) for day, speed, _ratio, _n in self.daily_speed(move) if day >= since]
        if len(speeds) < 2 or speeds[0][1] <= 0:
            return None
        span = (date.fromisoformat(speeds[-1][0]) - date.fromisoformat(speeds[0][0])).days
        return speeds[-1][1] / speeds[0][1] - 1.0, span, speeds[0][1], speeds[-1][1]

    def weakest_parts(self, move: str | None = None) -> list[tuple[str, int]]:
        """Body parts by how often they needed correction, most often first ('body' and 'tempo' advice left out)."""
        return [
            (str(part), int(n))
            for part, n in self._query(
                f"""SELECT f.part, count(*) AS n FROM feedback f JOIN reps r ON r.id = f.rep_id
                    WHERE f.part IN ({",".join("?" * len(PARTS))}) AND (? IS NULL OR r.move = ?)
                    GROUP BY f.part ORDER BY n DESC, f.part""",
                (*PARTS, move, move),
            )
        ]
