"""Recording a hold: the stillest stretch of a kept span becomes a key-pose reference; shared by CLI and dialog.

The coach may keep a longer span than the hold (stepping into the stance, a few seconds of it, stepping out):
the stillest HOLD_CLIP_S of it is the key pose, and up to HOLD_CONTEXT_S on either side are kept with it for
the bone lengths (core.match.hold_pose).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..app.errors import LibraryError
from ..library.recording import MIN_DETECTED
from ..library.reference_format import MAX_TARGET_S, MIN_TARGET_S
from ..library.reference_library import Library
from ..library.references import HoldSpec, Reference, make_reference
from ..match.hold_pose import hold_with_context, stillest_span
from ..pose.estimator import PoseSequence
from ..pose.skeleton import PARTS

# How long a student is asked to hold a pose when the coach does not say.
DEFAULT_TARGET_S = 10.0


@dataclass(frozen=True)
class HoldTake:
    """What a hold keeps of a span: `kept` (the still stretch and its context), the still stretch [start, end)
    as frames of `kept`, and where `kept` begins in the span (frames)."""

    kept: PoseSequence
    still: tuple[int, int]
    offset: int

    def still_seconds(self) -> tuple[float, float]:
        """The still stretch in seconds from the start of the span."""
        fps = self.kept.fps
        return (self.offset + self.still[0]) / fps, (self.offset + self.still[1]) / fps


def take_hold(clip: PoseSequence) -> HoldTake:
    """What a hold keeps of `clip` (a kept span): the stillest HOLD_CLIP_S and its context."""
    what = clip.source or "the kept span"
    if clip.detected_fraction() < MIN_DETECTED:
        raise LibraryError(f"{what}: nobody is visible in most of the kept time; trim to where the person is in frame")
    a, b = stillest_span(clip.keypoints, clip.skeleton, clip.fps)
    if clip.slice(a, b).detected_fraction() < 1.0:
        raise LibraryError(f"{what}: the person is not seen all through any still second; keep a span where they are")
    lo, hi = hold_with_context(len(clip), clip.fps, (a, b))
    return HoldTake(clip.slice(lo, hi), (a - lo, b - lo), lo)


def make_hold(take: HoldTake, move: str, view: str, target_s: float, source: str = "") -> Reference:
    """A hold reference from what `take_hold` kept (not yet saved)."""
    if not MIN_TARGET_S <= target_s <= MAX_TARGET_S:
        raise LibraryError(f"a hold's target must be {MIN_TARGET_S:g} to {MAX_TARGET_S:g} seconds, not {target_s:g}")
    kept, (a, b) = take.kept, take.still
    # Every part counts alike: the default weights measure how much each part moves, and a still pose has
    # only noise there; in a stance the legs matter as much as the guard.
    ref = make_reference(kept, move, view, source=source or kept.source, weights=dict.fromkeys(PARTS, 1.0))
    return replace(ref, hold=HoldSpec(a, b, float(target_s)))


def store_hold(
    library: Library,
    take: HoldTake,
    move: str,
    view: str,
    target_s: float = DEFAULT_TARGET_S,
    *,
    overwrite: bool = False,
    source: str = "",
) -> Reference:
    """Save `take` as a new hold reference; refuses to replace a reference unless `overwrite`."""
    ref = make_hold(take, move, view, target_s, source)
    if library.path_for(ref.move, ref.view).exists() and not overwrite:
        raise LibraryError(f"a reference '{ref.label}' already exists; choose another name or overwrite")
    library.save(ref, overwrite=True)
    return ref
