"""Combinations: an ordered list of techniques (a boxing combination, a kata), one JSON file each; any thread.

Each technique's reference is embedded in the combination file, not referred to by label: a combination
shared with a class must keep working in a library that lacks those moves, holds its own different "Jab"
under the same name, or has hidden a starter move; and a coach re-recording a move later must not silently
change a combination the students already practise. A technique is a few dozen frames, so a combination of
ten techniques stays well under a megabyte. Files live in `<library>/combinations/` (the library's own
folder holds only references: every `*.json` there is read as one). Writes are atomic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..app.errors import LibraryError, describe_os_error
from ..library.reference_format import format_reference, reference_from_json
from ..library.references import MAX_FILE_BYTES, SUFFIX, Reference, clean_name, read_each, slug, write_atomic

FORMAT = "posecoach-combination"
VERSION = 1
FOLDER = "combinations"
MAX_TECHNIQUES = 64
# Seconds between one technique's end and the next one's start in a combination composed from single moves
# (a flowing boxing combination); a combination cut from a recorded take keeps the take's own gaps.
COMPOSED_GAP_S = 0.3


# A combination's entry in the library list and its sessions' move start with this (a reference's never do).
COMBINATION_PREFIX = "combination: "


@dataclass(frozen=True, eq=False)  # compared by identity: its references hold numpy arrays
class Combination:
    """Techniques in the order they are performed; `gaps[i]` seconds from the end of technique i to the start of
    i + 1 (negative when the guard frames kept at the ends of two techniques cut from one take overlap)."""

    name: str
    view: str
    techniques: tuple[Reference, ...]
    gaps: tuple[float, ...] = ()
    created: str = ""
    path: Path | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not self.gaps:
            object.__setattr__(self, "gaps", (COMPOSED_GAP_S,) * max(0, len(self.techniques) - 1))

    @property
    def label(self) -> str:
        return f"{self.name} - {self.view}"

    @property
    def entry(self) -> str:
        """What practising it is called: the library list's entry and a stored session's move."""
        return f"{COMBINATION_PREFIX}{self.label}"

    @property
    def key(self) -> str:
        return f"{slug(self.name)}--{slug(self.view)}"

    @property
    def labels(self) -> list[str]:
        """Each technique's 'move - view' label, in order (a technique may come back: jab, jab, cross)."""
        return [t.label for t in self.techniques]

    def start_times(self) -> list[float]:
        """When each technique starts in the reference performance (seconds from the first one's start)."""
        out, t = [], 0.0
        for k, tech in enumerate(self.techniques):
            out.append(t)
            t += tech.duration + (self.gaps[k] if k < len(self.gaps) else 0.0)
        return out


def compose(name: str, view: str, techniques: list[Reference], gaps: list[float] | None = None) -> Combination:
    """A combination of library moves; LibraryError when it cannot be one."""
    if len(techniques) < 2:
        raise LibraryError("a combination needs at least two techniques")
    if len(techniques) > MAX_TECHNIQUES:
        raise LibraryError(f"a combination holds at most {MAX_TECHNIQUES} techniques, not {len(techniques)}")
    holds = [t.label for t in techniques if t.hold is not None]
    if holds:
        raise LibraryError(f"'{holds[0]}' is a hold (a key pose), not a technique of a combination")
    created = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return Combination(clean_name(name), clean_name(view), tuple(techniques), tuple(gaps or ()), created)


def combination_to_text(combo: Combination) -> str:
    head = {"format": FORMAT, "version": VERSION, "name": combo.name, "view": combo.view, "created": combo.created}
    head |= {"gaps": [round(g, 3) for g in combo.gaps], "labels": combo.labels}
    refs = ",\n".join(format_reference(t).rstrip() for t in combo.techniques)
    return json.dumps(head, indent=1, ensure_ascii=False)[:-2] + ',\n "techniques": [\n' + refs + "\n ]\n}\n"


def combination_from_json(data: Any, path: Path | None = None) -> Combination:
    """Validate a parsed file; ValueError says what is wrong."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} file")
    if not isinstance(data.get("version"), int) or data["version"] > VERSION:
        raise ValueError(f"version {data.get('version')!r} is not one this app understands ({VERSION})")
    name, view, raw = data.get("name"), data.get("view"), data.get("techniques")
    if not isinstance(name, str) or not isinstance(view, str):
        raise ValueError("name and view must be text")
    if not isinstance(raw, list) or not 2 <= len(raw) <= MAX_TECHNIQUES:
        raise ValueError(f"techniques must be a list of 2..{MAX_TECHNIQUES} references")
    techniques = []
    for k, item in enumerate(raw):
        try:
            techniques.append(reference_from_json(item))
        except ValueError as exc:
            raise ValueError(f"technique {k + 1}: {exc}") from None
    gaps = data.get("gaps", [])
    ok = isinstance(gaps, list) and len(gaps) == len(techniques) - 1
    if not ok or not all(isinstance(g, (int, float)) and -60 <= g <= 60 for g in gaps):
        raise ValueError("gaps must be one number of seconds (-60 to 60) between each two techniques")
    created = str(data.get("created", ""))
    return Combination(clean_name(name), clean_name(view), tuple(techniques), tuple(map(float, gaps)), created, path)


class CombinationStore:
    """The combinations of one library folder (`<library>/combinations/*.json`)."""

    def __init__(self, library_folder: str | Path) -> None:
        self.folder = Path(library_folder) / FOLDER
        self.errors: list[LibraryError] = []

    def path_for(self, name: str, view: str) -> Path:
        return self.folder / f"{slug(name)}--{slug(view)}{SUFFIX}"

    def load(self) -> list[Combination]:
        """Every readable combination; a damaged file is named in `errors` and the others still load."""
        self.errors = []
        return read_each(self.folder, self.read, self.errors, "the combinations")

    @staticmethod
    def read(path: Path) -> Combination:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise ValueError(f"larger than {MAX_FILE_BYTES // 2**20} MB")
            return combination_from_json(json.loads(path.read_text(encoding="utf-8")), path)
        except OSError as exc:
            raise LibraryError(f"{path}: cannot be read ({describe_os_error(exc, False)})") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise LibraryError(f"{path}: not valid JSON (truncated or damaged?): {exc}") from None
        except (ValueError, RecursionError) as exc:
            raise LibraryError(f"{path}: not a valid combination: {exc}") from None

    def find(self, name: str) -> Combination | None:
        """The combination named `name` (or its 'name - view' label); None when there is none."""
        wanted = slug(name)
        found = [c for c in self.load() if wanted in (slug(c.name), slug(c.label))]
        return found[0] if found else None

    def save(self, combo: Combination, overwrite: bool = False) -> Path:
        path = self.path_for(combo.name, combo.view)
        if path.exists() and not overwrite:
            raise LibraryError(
                f"{path}: a combination '{combo.label}' already exists; choose another name or overwrite"
            )
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(path, combination_to_text(combo))
        except OSError as exc:
            raise LibraryError(f"{path}: the combination was not saved ({describe_os_error(exc, False)})") from None
        return path
