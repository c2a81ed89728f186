"""Strike metrics of a rep: peak speed of the striking hand or foot, extension at the peak, return time.

The striking joint is found in the reference, not named by hand: of the four distal joints (wrists and
ankles) the one whose positions lie farthest apart, measured from the pelvis so that a step does not count
as a strike. Whether a move is one-sided (a jab, a roundhouse; not a squat) is decided in core.match.sides.
How a hand or foot moves (speeds, travel, reach, joint angles, body height) is core.score.limb_motion.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..pose.skeleton import COCO17, COCO17_NAMES, LEFT_RIGHT_SWAP
from ..score.limb_motion import body_height, despike, joint_angle, reach, speeds, travel, visible_xy

_I = {name: i for i, name in enumerate(COCO17_NAMES)}
DISTAL: tuple[int, ...] = tuple(_I[n] for n in ("left_wrist", "right_wrist", "left_ankle", "right_ankle"))
PARTNER: NDArray[Any] = LEFT_RIGHT_SWAP[COCO17]

# A rep struck with the other limb than the reference's (a cross for a jab): that limb travelled at least this
# many times as far as the reference's. Short of that the rep gets the benefit of the doubt (the guard hand
# moves too, and a hidden wrist travels less than it did): telling someone who did it right "other side" is
# worse than missing one wrong-side rep.
OTHER_LIMB = 2.0
# ... when the striking joint was seen in at least this share of the rep's frames; seen less, the other limb
# must have travelled at least this share of the reference's own strike.
MIN_SEEN_TO_SWITCH = 0.5
HIDDEN_SHARE = 0.5
# A reference whose hand or foot never moves faster than this (body heights per second) strikes nothing: a
# squat's ankle peaks at 0.08; the slowest strike among the shared clips, the seed's gym punch, at 1.35, and
# the Muay Thai punches and kicks at 3 to 11.
MIN_STRIKE_SPEED = 1.0
# Back at guard: the striking joint is within this share of its reach from where it started.
GUARD_SHARE = 0.2


@dataclass(frozen=True)
class StrikeMetrics:
    """One performance of a strike. Speeds in body heights per second, angles in degrees, times in seconds.

    joint: the COCO-17 name of the joint that struck (in the person's own left and right).
    side: "left" / "right" for a one-sided move, None otherwise.
    *_ref: the reference's value, None when not measurable (a joint out of sight, no return in the frames).
    """

    joint: str
    side: str | None
    peak_speed: float | None
    speed_ratio: float | None
    extension: float | None
    extension_ref: float | None
    return_time: float | None
    return_ref: float | None
    # How far the limb that struck travelled in the rep, as a share of the reference's reach (body heights both);
    # None when either is unknown or the limb was seen in under half the rep's frames. Auto-detect drops a strike
    # whose named limb barely moved (core.match.auto_detect).
    reach_share: float | None = None

    def as_dict(self) -> dict[str, object]:
        def r(x: float | None, digits: int) -> float | None:
            return None if x is None else round(x, digits)

        return {
            "peak_speed": r(self.peak_speed, 3),
            "speed_ratio": r(self.speed_ratio, 3),
            "extension": r(self.extension, 1),
            "extension_ref": r(self.extension_ref, 1),
            "return_time": r(self.return_time, 3),
            "return_ref": r(self.return_ref, 3),
            "reach_share": r(self.reach_share, 2),
            "striking_joint": self.joint,
        }


@dataclass(frozen=True)
class StrikeProfile:
    """What a reference strikes with and how: measured once per reference."""

    joint: int  # COCO-17 index of the striking joint
    one_sided: bool
    peak_speed: float | None
    extension: float | None
    return_time: float | None
    reach: float | None = None  # how far the striking joint travels in the reference, in body heights
    is_strike: bool = True  # False: the move strikes nothing (a squat), and its reps carry no strike metrics
    # True when the reference names its limb (a category and a side): the joint is known, not guessed from what
    # travels most.
    named: bool = False

    @property
    def side(self) -> str | None:
        return side_of(self.joint) if self.one_sided else None

    @property
    def limb(self) -> str:
        """'hand' or 'foot': how the advice names the striking limb."""
        return "hand" if "wrist" in COCO17_NAMES[self.joint] else "foot"


def side_of(joint: int) -> str:
    return "left" if COCO17_NAMES[joint].startswith("left_") else "right"


@dataclass(frozen=True)
class _Measured:
    peak_speed: float | None
    extension: float | None
    return_time: float | None


def _measure(
    t: NDArray[np.float64], xy: NDArray[np.float64], joint: int, start: int, end: int, height: float
) -> _Measured:
    """Peak outward speed (body heights/s; `height` is body_height(xy)), angle at the farthest point, time back to
    guard, of frames start..end (frames after `end` are searched for the return only)."""
    d = reach(xy[start:], joint, end - start + 1)
    window = d[: end - start + 1]
    if not np.isfinite(window).any():
        return _Measured(None, None, None)
    peak = int(np.nanargmax(window))
    # Outward only, up to the farthest point: a quick snap back to guard is not the strike's speed.
    v = speeds(t[start:], despike(xy[start:, joint]))[: peak + 1]
    peak_speed = float(np.nanmax(v)) / height if np.isfinite(v).any() and np.isfinite(height) else None
    back = np.flatnonzero(d[peak:] <= GUARD_SHARE * d[peak])
    return_time = float(t[start + peak + back[0]] - t[start + peak]) if back.size else None
    return _Measured(peak_speed, joint_angle(xy, joint, start + peak), return_time)


def striking_candidates(category: str = "", side: str = "") -> tuple[int, ...]:
    """The joints that may strike: a punch's wrists, a kick's ankles, all four when nobody said; only the named
    side's when the reference says which (the starter moves do: core.library.starter)."""
    limb = {"punch": "wrist", "kick": "ankle"}.get(category)
    names = [COCO17_NAMES[j] for j in DISTAL]
    return tuple(
        j for j, n in zip(DISTAL, names, strict=True)
        if (limb is None or n.endswith(limb)) and (side not in ("left", "right") or n.startswith(f"{side}_"))
    )  # fmt: skip


def profile_reference(
    coco: NDArray[Any], fps: float, one_sided: bool, category: str = "", side: str = ""
) -> StrikeProfile:
    """The reference's striking joint and its own metrics, from its (T, 17, 3) keypoints at `fps`.

    one_sided: whether the move done on the other side is another move (core.match.sides decides it).
    category, side: what the reference says of itself, if anything. Without them the joint that travels most
    is taken, which can be wrong: the source of the starter "Hook to the body, left" hides its left wrist,
    and its ankle travels most.
    """
    xy = visible_xy(coco)
    joint = max(striking_candidates(category, side), key=lambda j: travel(xy, j))
    height = body_height(xy)
    m = _measure(np.arange(len(xy)) / fps, xy, joint, 0, len(xy) - 1, height)
    moved = travel(xy, joint)
    reach = moved / height if np.isfinite(height) and moved > 0 else None
    if category:
        is_strike = category in ("punch", "kick")
    else:  # nobody said: a strike is a fast hand or foot
        is_strike = m.peak_speed is not None and m.peak_speed >= MIN_STRIKE_SPEED
    named = category in ("punch", "kick") and side in ("left", "right")
    return StrikeProfile(joint, one_sided, m.peak_speed, m.extension, m.return_time, reach, is_strike, named)


def _other_limb_struck(rep: NDArray[np.float64], joint: int, profile: StrikeProfile) -> bool:
    """Whether the twin of the striking joint struck in this rep's frames. Seen enough, the two are compared
    (OTHER_LIMB). A striking joint hidden most of the rep (the far hand in a side view) travels next to
    nothing, which says nothing: then the twin must itself have made a strike, travelling at least
    HIDDEN_SHARE of the reference's reach (a guard hand that only shifts does not)."""
    twin = int(PARTNER[joint])
    other = travel(rep, twin)
    if other <= 0:
        return False
    seen = float(np.isfinite(rep[:, joint]).all(axis=-1).mean()) if len(rep) else 0.0
    if seen >= MIN_SEEN_TO_SWITCH:
        return other >= OTHER_LIMB * travel(rep, joint)
    height = body_height(rep)
    return profile.reach is not None and np.isfinite(height) and other / height >= HIDDEN_SHARE * profile.reach


def measure_rep(
    t: NDArray[np.float64], coco: NDArray[Any], start: int, end: int, profile: StrikeProfile, mirrored_input: bool
) -> StrikeMetrics:
    """Metrics of the rep in frames start..end of (T, 17, 3) keypoints taken at times `t` (seconds).

    Frames before `start` are not used; frames after `end` only for the return to guard. For a one-sided
    move the limb that struck is the reference's striking joint unless its twin travelled OTHER_LIMB times as
    far (a jab thrown with the wrong hand is measured on the hand that threw it). `mirrored_input`: the
    keypoints were mirrored before (LiveEngine's mirror), so the person's own side is the other one.
    """
    xy = visible_xy(coco)
    joint = profile.joint
    if profile.one_sided and _other_limb_struck(xy[start : end + 1], joint, profile):
        joint = int(PARTNER[joint])
    height = body_height(xy)
    m = _measure(np.asarray(t, np.float64), xy, joint, start, end, height)
    rep = xy[start : end + 1]
    seen = float(np.isfinite(rep[:, joint]).all(axis=-1).mean()) if len(rep) else 0.0
    share = None  # unknown for a joint hidden most of the rep (the far hand): a hidden hand travels nothing
    if profile.reach and np.isfinite(height) and height > 0 and seen >= MIN_SEEN_TO_SWITCH:
        share = travel(rep, joint) / height / profile.reach
    ratio = None
    if m.peak_speed is not None and profile.peak_speed:
        ratio = m.peak_speed / profile.peak_speed
    own = int(PARTNER[joint]) if mirrored_input else joint
    return StrikeMetrics(
        COCO17_NAMES[own], side_of(own) if profile.one_sided else None, m.peak_speed, ratio,
        m.extension, profile.extension, m.return_time, profile.return_time, share,
    )  # fmt: skip


def strike_text(m: StrikeMetrics) -> str:
    """One line for a rep list: 'right hand 3.1 body heights/s (104 %), elbow 165° (ref 147°), back in 0.30 s'."""
    limb = "hand" if "wrist" in m.joint else "foot"
    words = [f"{m.side} {limb}" if m.side else m.joint.replace("_", " ")]
    if m.peak_speed is not None:
        ratio = "" if m.speed_ratio is None else f" ({100 * m.speed_ratio:.0f} %)"
        words.append(f"{m.peak_speed:.1f} body heights/s{ratio}")
    if m.extension is not None:
        ref = "" if m.extension_ref is None else f" (ref {m.extension_ref:.0f}°)"
        words.append(f"{'elbow' if limb == 'hand' else 'knee'} {m.extension:.0f}°{ref}")
    if m.return_time is not None:
        words.append(f"back in {m.return_time:.2f} s")
    return ", ".join(words)
