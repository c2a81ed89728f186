"""The one place that writes and reads a reference's 'move - view' label (the seed's format); any thread.

A move name may itself hold ' - ' ("jab - cross"), so the view is what follows the *last* separator.
"""

from __future__ import annotations

SEPARATOR = " - "


def format_label(move: str, view: str) -> str:
    """('squat', 'front') -> 'squat - front'."""
    return f"{move}{SEPARATOR}{view}"


def parse_label(label: str) -> tuple[str, str | None]:
    """'squat - front' -> ('squat', 'front'); 'squat' -> ('squat', None): a bare move name has no view."""
    move, sep, view = label.rpartition(SEPARATOR)
    if not sep or not move.strip():
        return label.strip(), None
    return move.strip(), view.strip() or None


def move_of(label: str | None) -> str | None:
    """'squat - front' -> 'squat'; None or '' stays None."""
    return parse_label(label)[0] if label else None


def label_matches(label: str, wanted: str) -> bool:
    """True when `wanted` names this label: the whole label or its move, case and spacing ignored."""
    fold = " ".join(wanted.split()).casefold()
    return fold in (" ".join(label.split()).casefold(), (move_of(label) or "").casefold())
