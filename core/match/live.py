"""The live engine: one pose frame in, live score/phase/tempo/reps/feedback out; runs on the pipeline thread.

Per frame it costs O(N) for a reference of N frames: one column of subsequence DTW (core.match.align), one
column of part costs, bounded ring buffers. Nothing grows with session length.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..features.bones import (
    MISSING_COST,
    Normalisation,
    compute_features,
    confidence_weight,
    ghost_flipped,
    part_costs,
    total_cost,
)
from ..match.align import MatchState, SubsequenceDTW
from ..match.live_events import (
    CutOffClock,
    LiveUpdate,
    Rep,
    parts_in_view,
    parts_with_all_bones,
    rep_summary,
)
from ..match.live_history import Candidate, Columns, motion_amplitude
from ..match.live_window import RecentFrames, SeenFrame, ViewWindow, frame_feet
from ..pose.skeleton import MEDIAPIPE33, PARTS, to_coco17
from ..score.feedback import FeedbackItem, build_feedback, part_directions
from ..score.feedback_stabilizer import FeedbackStabilizer
from ..score.scoring import PreparedReference, distance_to_score, part_scores
from ..score.strike_metrics import StrikeMetrics
from ..score.unseen_motion import MSG_PARTIAL

# A rep is a match of the whole reference within the move's own bar (PreparedReference.accept_distance: the
# distance where a performance is more likely the move than another one, more for a move far from its rest
# pose, see core.score.scoring.REST_MARGIN), ...
# ... lasting between these multiples of the reference duration.
REP_MIN_TEMPO, REP_MAX_TEMPO = 0.4, 2.5
# ... and moving the body at least this share of the reference's own motion (both measured as the
# largest mean joint displacement from the first pose, in body sizes: a relative test, for any move).
REP_MIN_AMPLITUDE = 0.5
# A partial match must cover this share of the reference before its score is shown (a quarter of a squat,
# standing and starting to bend, is matched by anyone standing).
MIN_PHASE_FOR_SCORE = 0.4
# "Step back so your whole body is visible" once a needed part has been out of sight this long (seconds).
PARTIAL_AFTER_S = 0.7
# Re-estimate body scale and camera roll this often (frames) over the recent window.
RENORMALISE_EVERY = 15
# Below this live score the person is probably not doing this move at all: part advice would be noise.
ADVICE_MIN_SCORE = 40.0
# Recompute direction advice (a backtrack over the window) this often.
FEEDBACK_EVERY = 6

MSG_NOBODY = "step into the frame"
# Filmed from the front against a move filmed from the side: compared as filmed, and the forward motion the
# coach showed cannot be seen (core.features.view_turn.needs_side_on).
MSG_SIDE_ON = "turn side-on to the camera, as the coach was filmed"


_NO_PARTS: dict[str, float | None] = {p: None for p in PARTS}


class LiveEngine:
    """Streaming alignment of a live pose stream to one reference."""

    def __init__(self, prepared: PreparedReference, mirror: bool = False, accept: float | None = None) -> None:
        """`accept`: the largest match distance that is a rep (default: the prepared move's accept_distance)."""
        self.prepared = prepared
        self.accept = prepared.accept_distance if accept is None else accept
        self.ref = prepared.reference
        self.n = len(prepared)
        self.mirror = mirror
        self.dtw = SubsequenceDTW(self.n, len(PARTS))
        # Enough columns to backtrack the slowest rep plus the wait before it is reported.
        self.history = int(REP_MAX_TEMPO * self.n + self.n // 2 + 10)
        self.cols = Columns(self.history)
        self.cols.steps = np.zeros((self.history, self.n), np.int8)
        self.cols.parts = np.zeros((self.history, self.n, len(PARTS)), np.float32)
        # The frames scale, roll, facing and camera angle are read from.
        self.window = ViewWindow(self.history, prepared.facing, prepared.yaw, prepared.turn_yaw is not None)
        self.frame_index = 0
        self.next_tick = 0.0
        self.t0: float | None = None
        self.candidate: Candidate | None = None
        self.last_rep_end = -1
        # Consecutive reps share their boundary pose (the top of a push-up ends one and starts the next),
        # so the next rep may start this many columns before the previous one ended.
        self.overlap = max(1, self.n // 8)
        self.reps: list[Rep] = []
        self.rep_count = 0
        self.stabilizer = FeedbackStabilizer()
        self.advice: list[FeedbackItem] = []
        self._ref_joints = prepared.features.joints
        self._ref_amplitude = motion_amplitude(self._ref_joints)
        ref_visible = parts_with_all_bones(prepared.features.weight.mean(axis=0) > 0.5)
        # The parts the move is about (weight >= 0.5) that the reference shows: a take must show them too.
        self._needed = ref_visible & {p for p, w in zip(PARTS, prepared.weights, strict=True) if w >= 0.5}
        self._cut_off = CutOffClock(PARTIAL_AFTER_S)
        # Strike metrics need the frames as they came (real time stamps, not the resampled columns): the
        # last seconds of (time, COCO-17 keypoints), as long as the column history. As filmed, not turned to
        # another camera angle: speeds and extension are measured on what the camera saw, not a depth guess.
        self.strike = prepared.strike  # measured once per prepared reference
        self._frames = RecentFrames(self.history / self.ref.fps + 1.0)

    @property
    def ghost_flipped(self) -> bool:
        """The reference drawn over the person must be flipped in x to face the way they do: this engine
        mirrors the person, or they face the other way than the reference (core.features.facing), not both."""
        return ghost_flipped(self.mirror, self.norm)

    @property
    def norm(self) -> Normalisation | None:
        """How the person is scaled, turned upright and flipped to be compared (None before three frames)."""
        return self.window.norm

    @property
    def turn(self) -> float:
        """Degrees the person is turned about the vertical to be seen as the reference was (0: as filmed)."""
        return self.window.turn

    @property
    def ghost_beside(self) -> bool:
        """The reference is drawn beside the person, as filmed, not over them: they are seen from a view of another
        kind than the coach (turned or not), and the coach's pose would fit no body part."""
        return bool(self.window.turn) or self.window.apart

    def push(
        self,
        keypoints: NDArray[Any] | None,
        t: float,
        skeleton: str = MEDIAPIPE33,
        *,
        feet: NDArray[Any] | None = None,
        world: NDArray[Any] | None = None,
    ) -> LiveUpdate:
        """Feed one frame: (K, 3) keypoints (x, y px, confidence; NaN rows if nobody) taken at `t` seconds.

        `feet`: the frame's frame_feet when a wrapper passes keypoints already converted to COCO-17 (which has
        no feet); by default taken from the keypoints. `world`: the frame's (33, >=3) mediapipe world landmarks,
        which let a person filmed from another side than the reference be turned to it (core.features.view_turn).
        """
        if self.t0 is None:
            self.t0 = t
        rel_t = t - self.t0
        if keypoints is None:
            keypoints = np.full((17, 3), np.nan, np.float32)
            skeleton = "coco17"
        if feet is None:
            feet = frame_feet(keypoints, skeleton)
        seen = SeenFrame.of(to_coco17(keypoints[None], skeleton)[0], feet, world, self.mirror)
        status = self._status(seen.coco, rel_t)
        if self.strike.is_strike:  # kept only for the strike metrics
            self._frames.add(rel_t, seen.coco)
        if status != "nobody":
            self.window.add(seen)
        renormalise = self.norm is None or self.frame_index % RENORMALISE_EVERY == 0
        if renormalise and len(self.window) >= 3:
            self.window.renormalise()
        coco = self.window.matched(seen).coco[None]

        new_rep: Rep | None = None
        # Resample the stream to the reference frame rate, as the offline scorer does.
        ticks = 0
        while self.next_tick <= rel_t + 1e-6 and ticks < 4:
            rep = self._add_column(coco, status, self.next_tick)
            new_rep = rep or new_rep
            self.next_tick += 1.0 / self.ref.fps
            ticks += 1
        if ticks == 4 and self.next_tick <= rel_t:
            self.next_tick = rel_t + 1.0 / self.ref.fps  # after a long stall, resume instead of catching up
        self.frame_index += 1
        return self._update(rel_t, status, new_rep)

    def _status(self, coco: NDArray[np.float32], t: float) -> str:
        """ "nobody", "partial" (a part the move needs has been out of sight for PARTIAL_AFTER_S) or "ok"."""
        return self._cut_off.status(self._needed, parts_in_view(coco, confidence_weight(coco[:, 2]) > 0), t)

    def _add_column(self, coco: NDArray[np.float32], status: str, tick: float) -> Rep | None:
        if status == "nobody" or self.norm is None:
            parts = np.full((self.n, len(PARTS)), np.nan, np.float32)
            cost = np.full(self.n, MISSING_COST, np.float32)
            joints = np.full((17, 2), np.nan, np.float32)
        else:
            feats = compute_features(coco, "coco17", self.norm)
            parts = part_costs(feats, self.prepared.features)[:, 0]
            cost = total_cost(parts, self.prepared.weights)
            if self.prepared.part_scale is not None:
                # The path follows the plain cost (is it the move); the grade sums tolerance-scaled parts.
                parts = parts * self.prepared.part_scale
            joints = feats.joints[0]
        j = self.dtw.frames_seen
        slot = j % self.history
        self.cols.times[slot] = tick
        self.cols.joints[slot] = joints
        self.cols.parts[slot] = parts
        self.cols.turned[slot] = status != "nobody" and self.norm is not None and bool(self.window.turn)
        state = self.dtw.update(cost.astype(float), parts.astype(float))
        self.cols.steps[slot] = self.dtw.last_step
        return self._track_reps(j, state)

    def _track_reps(self, j: int, state: MatchState) -> Rep | None:
        total = float(state.cost[-1])
        start = int(state.start[-1])
        fits = (
            np.isfinite(total) and start > self.last_rep_end - self.overlap and j - start < self.history - self.n // 2
        )
        if fits and (self.candidate is None or total < self.candidate.total):
            mean = total / float(state.weight[-1])
            self.candidate = Candidate(total, mean, start, j, state.part_means(self.n - 1))
        cand = self.candidate
        if cand is None:
            return None
        # SPRING's rule: report once no live path that overlaps the candidate could still beat it.
        overlapping = (state.start <= cand.end) & np.isfinite(state.cost)
        if (state.cost[overlapping] < cand.total).any() and j - cand.end < self.n // 2:
            return None
        self.candidate = None
        rep = self._make_rep(cand)
        if rep is not None:
            # Only an accepted rep owns its frames; a rejected match must not swallow the start of the
            # real rep that overlaps it.
            self.dtw.forget_until(cand.end - self.overlap)
            self.last_rep_end = cand.end
        return rep

    def _grade(self, mean_cost: float, part_means: NDArray[np.float64]) -> float:
        """The 0-100 grade of a match: its plain distance, or with several examples its scaled parts."""
        if self.prepared.part_scale is None:
            return float(distance_to_score(mean_cost))
        return float(distance_to_score(self.prepared.graded_distance(part_means)))

    def finish(self) -> list[Rep]:
        """The source ended: the match still waiting for a better overlapping one is decided now (a kick in
        the last half second of a video is a rep like any other). [] or [rep]."""
        cand, self.candidate = self.candidate, None
        if cand is None:
            return []
        rep = self._make_rep(cand)
        if rep is None:
            return []
        self.last_rep_end = cand.end
        return [rep]

    def _make_rep(self, cand: Candidate) -> Rep | None:
        tempo = (cand.end - cand.start + 1) / self.n
        if cand.mean_cost > self.accept or not REP_MIN_TEMPO <= tempo <= REP_MAX_TEMPO:
            return None
        if self._amplitude(cand.start, cand.end) < REP_MIN_AMPLITUDE * self._ref_amplitude:
            return None  # the pose matched, but the body hardly moved: guard stance, not a rep
        parts = part_scores(cand.part_means)
        score = self._grade(cand.mean_cost, cand.part_means)
        feedback = self._feedback(cand.end, self.n - 1, parts, tempo)
        self.rep_count += 1
        start = max(cand.start, self.last_rep_end + 1)  # reported reps never overlap
        t0 = float(self.cols.times[start % self.history])
        t1 = float(self.cols.times[cand.end % self.history] + 1.0 / self.ref.fps)
        strike = self._strike(t0, t1)
        # Done on the other side than the reference's (mirrored person, or the other limb struck).
        mirrored = strike is not None and strike.side is not None and strike.side != self.strike.side
        rep = Rep(
            self.rep_count, t0, t1, score, parts, tempo, tuple(feedback), self.ref.move, self.ref.view,
            strike, mirrored,
        )  # fmt: skip
        self.reps.append(rep)
        if len(self.reps) > 1000:  # a summary needs scores, not unbounded objects
            del self.reps[:-1000]
        return rep

    def _strike(self, t0: float, t1: float) -> StrikeMetrics | None:
        """Strike metrics of the rep from t0 to t1 (engine seconds); None for a move that strikes nothing."""
        if not self.strike.is_strike:
            return None
        return self._frames.measure(t0, t1, self.strike, self.mirror)

    def _amplitude(self, start: int, end: int) -> float:
        """How far the body moved from its pose at `start` during columns start..end (body-scale units)."""
        cols = np.arange(max(start, self.dtw.frames_seen - self.history + 1), end + 1) % self.history
        return motion_amplitude(self.cols.joints[cols])

    def _feedback(
        self, j: int, i: int, part_scores: dict[str, float | None], tempo: float | None
    ) -> list[FeedbackItem]:
        path = self.cols.backtrack(j, i, self.dtw.frames_seen)
        if len(path) < 2:
            return []
        slots = path[:, 1] % self.history
        take_joints = self.cols.joints[slots]
        ref_joints = self._ref_joints[path[:, 0]]
        costs = self.cols.parts[slots, path[:, 0]]
        directions = part_directions(take_joints, ref_joints, costs, lateral=not self.cols.turned[slots].any())
        return build_feedback(part_scores, self.ref.weights, directions, tempo)

    def _update(self, t: float, status: str, new_rep: Rep | None) -> LiveUpdate:
        state = self.dtw.state
        j = self.dtw.frames_seen - 1
        score: float | None = None
        parts = dict(_NO_PARTS)
        phase = tempo = None
        ref_frame = None
        if j >= 0 and status != "nobody":
            mc = state.mean_cost()
            mc = np.where(np.isfinite(mc) & (j - state.start < self.history), mc, np.inf)
            i = int(np.argmin(mc))
            if np.isfinite(mc[i]):
                phase = i / (self.n - 1)
                ref_frame = i
                tempo = (j - int(state.start[i]) + 1) / (i + 1)
                if status == "ok" and phase >= MIN_PHASE_FOR_SCORE:
                    means = state.part_means(i)
                    score = self._grade(float(mc[i]), means)
                    parts = part_scores(means)
                    if score < ADVICE_MIN_SCORE:
                        self.advice = []
                    elif self.frame_index % FEEDBACK_EVERY == 0:
                        self.advice = self._feedback(j, i, parts, None)
        if status == "nobody":
            candidates = [FeedbackItem("body", MSG_NOBODY, 10.0)]
        elif status == "partial":
            candidates = [FeedbackItem("body", MSG_PARTIAL, 10.0)]
        else:
            candidates = list(new_rep.feedback) if new_rep else list(self.advice)
            if self.window.side_on:
                # Beside the part advice, not over it ("body" messages replace all advice at once).
                candidates.append(FeedbackItem("view", MSG_SIDE_ON, 1.0))
        shown = self.stabilizer.update(candidates, t)
        return LiveUpdate(
            frame=self.frame_index - 1, t=t, status=status, score=score, parts=parts, phase=phase,
            tempo=tempo, feedback=tuple(shown), rep_count=self.rep_count, new_rep=new_rep,
            reference=self.ref.label, ref_frame=ref_frame, turn=self.turn,
        )  # fmt: skip

    def summary(self) -> dict[str, object]:
        return rep_summary(self.ref.label, self.frame_index, self.rep_count, [r.score for r in self.reps])
