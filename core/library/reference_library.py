"""The reference library: the user's folder of references, over the read-only starter library shipped with the app.

The user's moves come first; a starter move is listed after them unless the user has a move of the same label
(recording "Jab / straight, left - side" again, or adding a take to it, writes the user's own copy, which then
stands in for the shipped one) or has hidden it. Starter moves are never written or deleted: hiding one
writes its label into HIDDEN_FILE in the user's folder, and `show_hidden` lists them again.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from ..app.errors import LibraryError, describe_os_error
from ..library.reference_video import remove_reference_video
from ..library.references import MAX_FILE_BYTES, SUFFIX, Reference, read_each, slug, write_atomic

# Not a *.json name: the folder's references are its .json files.
HIDDEN_FILE = "hidden-starter-moves.txt"
# Starter categories in the order a person looks for them; others follow alphabetically.
CATEGORY_ORDER = ("punch", "kick", "hold")


def _starter_rank(ref: Reference) -> tuple[int, str, int]:
    """By category, then in the catalogue's order (jab before cross, head hook before body hook)."""
    from ..library.starter import CATALOGUE

    c = ref.category
    order = next((i for i, t in enumerate(CATALOGUE) if t.move == ref.move), len(CATALOGUE))
    return (CATEGORY_ORDER.index(c) if c in CATEGORY_ORDER else len(CATEGORY_ORDER), c, order)


class Library:
    """The reference folder (and the starter library under it). `load()` keeps going past bad files and
    lists them in `errors`."""

    def __init__(self, folder: str | Path, starter: str | Path | None = None) -> None:
        self.folder = Path(folder)
        self.starter = None if starter is None else Path(starter)
        self.errors: list[LibraryError] = []
        self._refs: list[Reference] | None = None
        self.hidden_starter: list[Reference] = []  # starter moves the user hid, after load()

    def path_for(self, move: str, view: str) -> Path:
        return self.folder / f"{slug(move)}--{slug(view)}{SUFFIX}"

    def _check_folder(self) -> None:
        """A library path that is a file is a mistake to say, not an empty library to show."""
        if self.folder.exists() and not self.folder.is_dir():
            raise LibraryError(f"{self.folder}: is a file, not a folder; give --library a folder of references")

    def load(self) -> list[Reference]:
        """Every readable reference, the user's first; a missing folder is an empty library (nothing recorded)."""
        self.errors = []
        self._check_folder()
        refs = self._read_folder(self.folder)
        self.hidden_starter = []
        if self.starter is not None and self.starter.resolve() != self.folder.resolve():
            own = {slug(r.label) for r in refs}
            hidden = self.hidden_labels()
            starter = [replace(r, starter=True) for r in self._read_folder(self.starter)]
            starter.sort(key=_starter_rank)
            for ref in starter:
                if slug(ref.label) in own:
                    continue
                (self.hidden_starter if slug(ref.label) in hidden else refs).append(ref)
        self._refs = refs
        return list(refs)

    def _read_folder(self, folder: Path) -> list[Reference]:
        return read_each(folder, self._read, self.errors, "the library")

    def _read(self, path: Path) -> Reference:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise ValueError(f"larger than {MAX_FILE_BYTES // 2**20} MB")
            from ..library.reference_format import reference_from_json

            data = json.loads(path.read_text(encoding="utf-8"))
            return reference_from_json(data, path)
        except OSError as exc:
            raise LibraryError(f"{path}: cannot be read ({describe_os_error(exc, False)})") from None
        except UnicodeDecodeError as exc:
            raise LibraryError(f"{path}: cannot be read ({exc})") from None
        except json.JSONDecodeError as exc:
            raise LibraryError(f"{path}: not valid JSON (truncated or damaged?): {exc}") from None
        except (ValueError, RecursionError) as exc:
            raise LibraryError(f"{path}: not a valid reference: {exc}") from None

    def references(self) -> list[Reference]:
        return list(self._refs) if self._refs is not None else self.load()

    def find(self, name: str, view: str | None = None) -> list[Reference]:
        """References whose move (or 'move - view' label) is `name`, optionally one view.

        A name that is not a whole move may start one ("jab" for "Jab / straight, left") if only one move
        starts that way; several are named in the error.
        """
        refs = self.references()
        if view is not None:
            refs = [r for r in refs if slug(r.view) == slug(view)]
        wanted = slug(name)
        found = [r for r in refs if wanted in (slug(r.move), slug(r.label))]
        if not found:
            found = [r for r in refs if slug(r.move).startswith(wanted + "-") or slug(r.label).startswith(wanted)]
            moves = sorted({r.move for r in found})
            if len(moves) > 1:
                raise LibraryError(f"{name!r} could be any of {', '.join(moves)}: give the whole name")
        if not found:
            known = ", ".join(sorted(r.label for r in self.references())) or "none"
            what = f"{name!r}" + (f" with view {view!r}" if view else "")
            hidden = [r.label for r in self.hidden_starter if wanted in (slug(r.move), slug(r.label))]
            if hidden:
                raise LibraryError(f"{hidden[0]!r} is a hidden starter move (`show-hidden` lists it again)")
            raise LibraryError(f"no reference {what} in {self.folder} (known: {known})")
        return found

    def save(self, ref: Reference, overwrite: bool = False) -> Path:
        """Store `ref` in the user's folder; refuses to replace an existing reference unless `overwrite`.

        A starter move saved here (with an added example, say) becomes the user's own copy of it.
        """
        path = self.path_for(ref.move, ref.view)
        if path.exists() and not overwrite:
            raise LibraryError(f"{path}: a reference '{ref.label}' already exists; choose another name or overwrite")
        from ..library.reference_format import format_reference

        self._check_folder()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(path, format_reference(ref))
        except OSError as exc:  # a full disk, a read-only folder: nothing was replaced (write_atomic)
            raise LibraryError(f"{path}: the reference was not saved ({describe_os_error(exc, False)})") from None
        self._refs = None
        return path

    def delete(self, ref: Reference) -> None:
        """Remove one of the user's references; a starter move cannot be deleted (hide it)."""
        if ref.starter:
            raise LibraryError(f"'{ref.label}' ships with the app and cannot be deleted; hide it instead")
        path = self.path_for(ref.move, ref.view)
        path.unlink(missing_ok=True)
        remove_reference_video(path)  # the coach's video goes with its reference (core.library.reference_video)
        self._refs = None

    # -- hiding starter moves -----------------------------------------------------------------------
    def hidden_labels(self) -> set[str]:
        """Slugs of the starter labels the user hid (an unreadable list hides nothing)."""
        return {slug(line) for line in self._hidden_lines() if any(c.isalnum() for c in line)}

    def hide(self, ref: Reference) -> None:
        """Stop listing a starter move (its file stays where the app installed it)."""
        if not ref.starter:
            raise LibraryError(f"'{ref.label}' is your own move: delete it instead of hiding it")
        labels = sorted({*self._hidden_lines(), ref.label})
        self._write_hidden(labels)

    def show_hidden(self) -> None:
        """List every hidden starter move again."""
        self._write_hidden([])

    def _hidden_lines(self) -> list[str]:
        """The labels as written in HIDDEN_FILE, one per line; none when it is missing or unreadable."""
        try:
            return [ln for ln in (self.folder / HIDDEN_FILE).read_text(encoding="utf-8").splitlines() if ln.strip()]
        except (OSError, UnicodeDecodeError):
            return []

    def _write_hidden(self, labels: list[str]) -> None:
        self._check_folder()
        path = self.folder / HIDDEN_FILE
        try:
            if not labels:
                path.unlink(missing_ok=True)
            else:
                self.folder.mkdir(parents=True, exist_ok=True)
                write_atomic(path, "".join(f"{label}\n" for label in labels))
        except OSError as exc:
            reason = describe_os_error(exc, False)
            raise LibraryError(f"{path}: the list of hidden moves was not saved ({reason})") from None
        self._refs = None
