"""`main.py compose` (a combination from library moves) and `main.py stream --combination NAME`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from typing import Any

from ..app.errors import LibraryError, PoseCoachError
from ..app.history import HistoryStore
from ..app.history_combo import add_run
from ..library.combination import Combination, CombinationStore, compose
from ..library.reference_library import Library
from ..library.references import Reference
from ..match.combo import ComboFollower, other_side_references
from ..match.combo_events import ComboRun, TechniqueDone


def resolve_move(lib: Library, name: str) -> Reference:
    """One reference for a MOVE argument: a move's name (or the unique start of one), or 'name - view'."""
    refs = [r for r in lib.find(name) if r.hold is None]
    if not refs:
        raise LibraryError(f"{name!r} is a hold (a key pose), not a technique of a combination")
    if len(refs) > 1:
        labels = ", ".join(repr(r.label) for r in refs)
        raise LibraryError(f"{name!r} exists in several views ({labels}): give it as 'name - view'")
    return refs[0]


def cmd_compose(args: argparse.Namespace) -> int:
    from ..app.paths import open_library

    if args.from_take:
        combo = _from_take(args)
    elif args.cuts or args.names:
        raise PoseCoachError("--cuts and --names cut a take: give it with --from-take SOURCE")
    else:
        lib = open_library(args.library, not args.no_starter)
        combo = compose(args.name, args.view, [resolve_move(lib, m) for m in args.moves])
    path = CombinationStore(args.library).save(combo, overwrite=args.overwrite)
    print(
        f"saved combination '{combo.label}' ({len(combo.techniques)} techniques: {', '.join(combo.labels)}) to {path}"
    )
    return 0


def _from_take(args: argparse.Namespace) -> Combination:
    """A combination cut from one long take (a kata): at its pauses and speed minima, or at --cuts."""
    from ..app.cli import TakeLoader
    from ..library.combo_recording import combination_from_take

    if args.moves:
        raise PoseCoachError("give either MOVEs of the library or --from-take SOURCE, not both")
    loader = TakeLoader(args.fps)
    try:
        take = loader.load(args.from_take)
    finally:
        loader.close()
    cuts = None
    if args.cuts:
        try:
            cuts = [tuple(round(float(x) * take.fps) for x in c.split("-")) for c in args.cuts.split(",")]
        except ValueError:
            raise PoseCoachError(f"--cuts {args.cuts!r}: give START-END seconds, comma separated") from None
        if any(len(c) != 2 for c in cuts):
            raise PoseCoachError(f"--cuts {args.cuts!r}: give START-END seconds, comma separated")
    names = [n.strip() for n in args.names.split(",")] if args.names else None
    return combination_from_take(take, args.name, args.view, cuts, names)  # type: ignore[arg-type]


def find_combination(library: str, name: str) -> Combination:
    store = CombinationStore(library)
    combo = store.find(name)
    if combo is None:
        known = ", ".join(c.label for c in store.load()) or "none"
        errors = "".join(f"; {e}" for e in store.errors)
        raise PoseCoachError(f"no combination {name!r} in {store.folder} (known: {known}){errors}")
    return combo


def follower_for(library: str, name: str, mirror: bool, starter: bool = True) -> ComboFollower:
    """The follower of a stored combination; the library's other-side moves name a wrong side."""
    from ..app.paths import open_library

    combo = find_combination(library, name)
    others = other_side_references(combo, open_library(library, starter).references())
    return ComboFollower(combo, mirror, others)


def cmd_stream_combination(args: argparse.Namespace) -> int:
    """`stream --combination`: frame lines (unless --quiet), a `technique` event per technique, a `combo` event
    per run, a summary."""
    from ..app.live_cli import iter_keypoints

    follower = follower_for(args.library, args.combination, args.mirror, not args.no_starter)
    recorder = _recorder(args, follower) if getattr(args, "save", False) else None

    def announce(events: Sequence[TechniqueDone | ComboRun]) -> None:
        for event in events:  # stored before it is announced: a printed technique or run is a saved one
            if recorder is not None and isinstance(event, TechniqueDone):
                recorder[0].add_rep(recorder[1], event.rep, event.move)
            elif recorder is not None and isinstance(event, ComboRun):
                add_run(recorder[0], recorder[1], event)
            print(json.dumps(event.as_dict()), flush=True)

    frames = 0
    try:
        for keypoints, t, skeleton, world in iter_keypoints(args.source, args.fps, args.size, args.model):
            update = follower.push(keypoints, t, skeleton, world=world)
            frames += 1
            if not args.quiet:
                progress = update.progress
                print(json.dumps(update.live.as_dict() | {"expected": progress.current, "next": progress.next}))
            announce(update.events)
        announce(follower.finish())
    finally:
        if recorder is not None:
            recorder[0].end_session(recorder[1])
            recorder[0].close()
    if frames == 0:
        raise PoseCoachError(f"{args.source}: holds no frames")
    print(json.dumps(follower.summary()), flush=True)
    return 0


def cmd_render_combination(args: argparse.Namespace) -> int:
    """`render --combination`: the annotated video with the sequence bar burned in."""
    from ..match.combo_engine import ComboEngine
    from ..view.render import render_video

    follower = follower_for(args.library, args.combination, args.mirror, not args.no_starter)
    engine = ComboEngine(follower)
    frames = render_video(args.source, follower.combo.techniques[0], args.out, args.mirror, model=args.model,
                          engine=engine)  # fmt: skip
    print(f"wrote {args.out} ({frames} frames, {len(engine.runs)} runs)")
    return 0


def _recorder(args: argparse.Namespace, follower: ComboFollower) -> tuple[HistoryStore, int]:
    from ..app.paths import default_history_path

    store = HistoryStore(getattr(args, "history", None) or default_history_path())
    combo = follower.combo
    return store, store.start_session(str(args.source), None, combo.entry, combo.view, "cli")


def add_compose_command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: Callable[[argparse.ArgumentParser], None]
) -> None:
    p = sub.add_parser("compose", help="make a combination (an ordered list of techniques) from library moves")
    p.add_argument("moves", nargs="*", metavar="MOVE", help="a move's name, or 'name - view' where it is ambiguous")
    p.add_argument("--from-take", metavar="SOURCE", help="cut a long take (a kata) into techniques instead")
    p.add_argument("--cuts", metavar="A-B,C-D", help="with --from-take: the techniques' seconds (default: found)")
    p.add_argument("--names", metavar="N1,N2", help="with --from-take: the techniques' names (default: NAME 1, ...)")
    p.add_argument("--name", required=True)
    p.add_argument("--view", required=True)
    p.add_argument("--overwrite", action="store_true", help="replace a combination of the same name and view")
    common(p)
    p.set_defaults(func=cmd_compose)


def combination_lines(library: str) -> tuple[list[dict[str, Any]], list[str]]:
    """`list`: the library's combinations as JSON rows and as lines (a damaged file is a line naming it)."""
    store = CombinationStore(library)
    rows = [{"combination": c.label, "techniques": c.labels} for c in store.load()]
    lines = [f"{r['combination']}: combination of {len(r['techniques'])} ({', '.join(r['techniques'])})" for r in rows]
    return rows, lines + [f"damaged combination: {e}" for e in store.errors]
