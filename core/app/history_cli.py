"""`main.py history`, `export` and `render`: practice history and exports from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from ..app.errors import PoseCoachError
from ..app.history import HistoryStore, local_time
from ..app.paths import default_history_path


def _store(args: argparse.Namespace) -> HistoryStore:
    return HistoryStore(args.history or default_history_path())


def cmd_history(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        from ..view.report import speed_trend_text

        sessions = store.sessions(args.move)
        weakest = store.weakest_parts(args.move)
        moves = [args.move] if args.move else store.moves()
        trends = {m: t for m in moves if (t := store.speed_trend(m)) is not None}
        from ..app.history_combo import run_line, runs

        if args.json:
            print(json.dumps({
                "sessions": [s.as_dict() | {"runs": runs(store, s.id)} for s in sessions],
                "weakest_parts": [{"part": p, "count": n} for p, n in weakest],
                "speed_trend": [{"move": m, "change": round(t[0], 3), "days": t[1]} for m, t in trends.items()],
            }))  # fmt: skip
            return 0
        if not sessions:
            print(f"no sessions yet in {store.path}")
        for s in sessions:
            best = "-" if s.best is None else f"{s.best:.0f}"
            mean = "-" if s.mean is None else f"{s.mean:.0f}"
            what = s.reference or s.move or "auto-detect"  # a combination's session names it as its move
            print(f"#{s.id:<4} {local_time(s.started_at)}  {what:24s} reps {s.reps:3d}  "
                  f"best {best:>3}  mean {mean:>3}  {s.source}")  # fmt: skip
            for run in runs(store, s.id):  # a combination's runs, each with what went wrong
                print(f"      {run_line(run)}")
        for move in trends:
            print(speed_trend_text(store, move))
        if weakest:
            print(f"work on next: {weakest[0][0].replace('_', ' ')} (corrected {weakest[0][1]} times)")
    finally:
        store.close()
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from ..view.report import export_session

    store = _store(args)
    try:
        for path in export_session(store, args.session_id, args.out):
            print(f"wrote {path}")
        from ..view.review_store import export_review  # the reps the app kept for review, if it did

        if (video := export_review(store.path, args.session_id, args.out)) is not None:
            print(f"wrote {video}")
    finally:
        store.close()
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    from ..app.paths import open_library
    from ..view.render import render_video

    if getattr(args, "combination", None):
        from ..app.combo_cli import cmd_render_combination

        return cmd_render_combination(args)
    if not args.reference:
        raise PoseCoachError("render needs --reference NAME (or --combination NAME)")

    refs = open_library(args.library, not args.no_starter).find(args.reference, args.view)
    if len(refs) > 1:
        views = ", ".join(r.view for r in refs)
        raise PoseCoachError(f"{args.reference!r} exists in several views ({views}); choose one with --view")
    if args.size is not None:  # render reads a video, whose frames give the size
        from ..frame.sources import size_ignored_warning

        print(f"warning: {size_ignored_warning(args.source)}", file=sys.stderr)
    if args.compare:
        from ..view.compare_render import describe, render_compare

        print(describe(render_compare(args.source, refs[0], args.out, args.mirror, model=args.model), args.out))
        return 0
    frames = render_video(args.source, refs[0], args.out, args.mirror, model=args.model)
    print(f"wrote {args.out} ({frames} frames)")
    return 0


def add_history_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: Callable[[argparse.ArgumentParser], None]
) -> None:
    def history_flag(p: argparse.ArgumentParser) -> None:
        p.add_argument("--history", help="history database (default: POSECOACH_HISTORY or the user data folder)")

    p = sub.add_parser("history", help="list practice sessions")
    p.add_argument("--move")
    p.add_argument("--json", action="store_true")
    history_flag(p)
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("export", help="write a session's CSV, JSON and progress plot")
    p.add_argument("session_id", type=int, metavar="SESSION_ID")
    p.add_argument("--out", required=True, metavar="DIR")
    history_flag(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("render", help="write an annotated video of a take")
    p.add_argument("source", metavar="SOURCE")
    p.add_argument("--reference", metavar="NAME")
    p.add_argument("--combination", metavar="NAME", help="follow a combination: its sequence bar is burned in")
    p.add_argument("--view")
    p.add_argument("--mirror", action="store_true")
    p.add_argument("--out", required=True, metavar="FILE.mp4")
    p.add_argument(
        "--compare",
        action="store_true",
        help="the review video: take and reference side by side, aligned, the worst rep again slowed down",
    )
    common(p)
    p.set_defaults(func=cmd_render)
