"""Command line: score, record, recognize, import-lookup, list, stream, models; runs on the main thread, headless."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from ..app.combo_cli import add_compose_command, combination_lines
from ..app.errors import PoseCoachError, SourceError, describe_os_error
from ..app.live_cli import add_stream_command
from ..app.models_cli import add_models_command
from ..app.paths import default_library_dir, open_library
from ..frame.sources import (
    DEFAULT_FPS,
    SIZE_HELP,
    VideoSource,
    ended_early_note,
    is_keypoint_file,
    parse_frame_size,
    read_keypoints,
    size_ignored_warning,
)
from ..library.hold_recording import DEFAULT_TARGET_S, store_hold, take_hold
from ..library.labels import format_label
from ..library.recording import store_move, take_examples
from ..library.reference_library import Library
from ..library.references import Reference
from ..match.recognition import recognize
from ..pose.auto_model import LIVE_MODELS
from ..pose.estimator import PoseEstimator, PoseSequence, extract_sequence
from ..pose.models import DEFAULT_MODEL, MODEL_NAMES
from ..score.scoring import PreparedReference, score_take
from ..score.take_score import TakeScore

# The commands that read a SOURCE and so take --size and --model.
SOURCE_COMMANDS = ("score", "recognize", "record", "stream", "render")


class TakeLoader:
    """Turns SOURCE arguments into pose sequences; the pose model is loaded once, on first need."""

    def __init__(
        self, fps: float = DEFAULT_FPS, frame_size: tuple[int, int] | None = None, model: str = DEFAULT_MODEL
    ) -> None:
        self._estimator: PoseEstimator | None = None
        self.fps = fps
        self.frame_size = frame_size  # --size: the frame that normalised .npy x, y are fractions of
        self.model = model  # --model: the pose model for video sources

    def load(self, source: str) -> PoseSequence:
        if is_keypoint_file(source):
            kf = read_keypoints(source, self.frame_size)
            if (note := kf.warning()) is not None:
                warn(note)
            return PoseSequence(kf.keypoints, kf.skeleton, self.fps, kf.frame_size, source)
        if Path(source).is_dir():
            raise SourceError(f"{source}: is a folder; give a video file or a .npy keypoint file")
        if not Path(source).is_file():
            raise SourceError(f"{source}: no such file")
        if self.frame_size is not None:
            warn(size_ignored_warning(source))
        if self._estimator is None:
            self._estimator = PoseEstimator(self.model)
        take = extract_sequence(source, self._estimator)
        with VideoSource(source) as header:  # only the header: the frame count the file promises
            if (note := ended_early_note(source, len(take), header.frame_count, header.fps)) is not None:
                warn(note)
        return take

    def close(self) -> None:
        if self._estimator is not None:
            self._estimator.close()


def warn(message: str) -> None:
    """A note on stderr that does not stop the command (stdout stays JSON for scripts)."""
    print(f"warning: {message}", file=sys.stderr)


def _emit(obj: dict[str, Any]) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def _library(args: argparse.Namespace) -> Library:
    """The --library folder, with the starter moves under it unless --no-starter."""
    return open_library(args.library, starter=not args.no_starter)


def _load_library(args: argparse.Namespace) -> Library:
    lib = _library(args)
    lib.load()
    for err in lib.errors:
        print(f"warning: {err}", file=sys.stderr)
    return lib


def _print_score(s: TakeScore) -> None:
    print(
        f"{s.source}: {s.reference}  score {s.score:.0f}/100  tempo {s.tempo:.2f}x  "
        f"move at {s.start_s:.1f}-{s.end_s:.1f} s"
    )
    for part, value in s.parts.items():
        print(f"  {part:10s} {'-' if value is None else f'{value:.0f}'}")
    for item in s.feedback:
        print(f"  -> {item.message}")
    if not s.feedback:
        print("  -> well done")


def cmd_score(args: argparse.Namespace) -> int:
    lib = _load_library(args)
    prepared = [PreparedReference.from_reference(r) for r in lib.find(args.reference, args.view)]
    loader = TakeLoader(args.fps, args.size, args.model)
    try:
        for source in args.sources:
            take = loader.load(source)
            # Several views of the move and none asked for: the view that fits the take best.
            result = max((score_take(take, p, args.mirror) for p in prepared), key=lambda s: s.score)
            if args.json:
                _emit(result.as_dict())
            else:
                _print_score(result)
    finally:
        loader.close()
    return 0


def cmd_recognize(args: argparse.Namespace) -> int:
    lib = _load_library(args)
    prepared = [PreparedReference.from_reference(r) for r in lib.load()]
    if not prepared:
        raise PoseCoachError(f"{args.library}: the library holds no references; record or import one first")
    loader = TakeLoader(args.fps, args.size, args.model)
    try:
        for source in args.sources:
            rec = recognize(loader.load(source), prepared)
            if args.json:
                _emit({"source": source, **rec.as_dict()})
            else:
                what = "none of these" if rec.move is None else format_label(rec.move, rec.view or "")
                print(f"{source}: {what} (confidence {rec.confidence:.0%})")
                for c in rec.candidates:
                    print(f"  match {c.match:5.1f}  score {c.score:5.1f}  {format_label(c.move, c.view)}")
    finally:
        loader.close()
    return 0


def _span(take: PoseSequence, args: argparse.Namespace) -> PoseSequence:
    start = 0 if args.start is None else int(round(args.start * take.fps))
    end = len(take) if args.end is None else int(round(args.end * take.fps))
    if not 0 <= start < end <= len(take) or end - start < 2:
        raise PoseCoachError(
            f"--start/--end select frames {start}..{end} but {take.source} has {len(take)} frames "
            f"({take.duration:.2f} s)"
        )
    return replace(take.slice(start, end), source=f"{take.source} [{start}:{end}]")


def cmd_record(args: argparse.Namespace) -> int:
    lib = _library(args)
    if args.hold:
        return _record_hold(lib, args)
    if args.target is not None:
        raise PoseCoachError("--target is the duration of a hold: give it with --hold")
    if args.add and args.overwrite:
        raise PoseCoachError("--add keeps the move's examples and --overwrite replaces them: choose one")
    loader = TakeLoader(args.fps, args.size, args.model)
    clips: list[PoseSequence] = []
    spans: list[PoseSequence] = []  # the first one's video is kept beside the reference
    try:
        for source in args.sources:
            spans.append(_span(loader.load(source), args))
            examples, was_split = take_examples(spans[-1], args.split)
            if args.split and not was_split:
                print(f"{source}: no clear rest between reps; kept as one example", file=sys.stderr)
            clips += examples
    finally:
        loader.close()
    sources = ", ".join(dict.fromkeys(c.source for c in clips)) + (" (split into reps)" if args.split else "")
    ref = store_move(lib, clips, args.name, args.view, add=args.add, overwrite=args.overwrite, source=sources)
    from ..library.reference_video import keep_recording_of

    start = 0 if args.start is None else int(round(args.start * spans[0].fps))
    keep_recording_of(lib.path_for(ref.move, ref.view), ref, spans[0], args.sources[0], start, args.add)
    verb = "added" if args.add else "saved"
    print(
        f"{verb} {len(clips)} example(s) ({', '.join(f'{len(c)}' for c in clips)} frames); "
        f"{ref.label} now holds {len(ref.examples)} example(s) in {lib.path_for(ref.move, ref.view)}"
    )
    return 0


def _record_hold(lib: Library, args: argparse.Namespace) -> int:
    """record --hold: the stillest second of the span becomes the key pose (core.library.hold_recording)."""
    if len(args.sources) > 1 or args.split or args.add:
        raise PoseCoachError("a hold is one key pose: --hold takes one SOURCE, without --split or --add")
    loader = TakeLoader(args.fps, args.size, args.model)
    try:
        clip = _span(loader.load(args.sources[0]), args)
    finally:
        loader.close()
    take = take_hold(clip)
    target = DEFAULT_TARGET_S if args.target is None else args.target
    ref = store_hold(lib, take, args.name, args.view, target, overwrite=args.overwrite, source=clip.source)
    a, b = (args.start or 0.0) + np.array(take.still_seconds())
    print(
        f"saved hold {ref.label}: key pose from {a:.2f}-{b:.2f} s (the stillest second of the span), "
        f"target {target:g} s, in {lib.path_for(ref.move, ref.view)}"
    )
    return 0


def cmd_import_lookup(args: argparse.Namespace) -> int:
    from ..library.seed_import import import_lookup

    lib = _library(args)
    for ref in import_lookup(args.pickle):
        path = lib.save(ref, overwrite=args.overwrite)
        print(f"imported {ref.label} ({len(ref.keypoints)} frames) to {path}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    lib = _load_library(args)
    refs: list[Reference] = lib.load()
    rows: list[dict[str, Any]] = [
        {"move": r.move, "view": r.view, "frames": int(r.keypoints.shape[0]), "examples": len(r.examples),
         "example_frames": [len(e) for e in r.examples], "fps": r.fps, "category": r.category, "side": r.side,
         "starter": r.starter, "skeleton": r.skeleton, "weights": r.weights, "source": r.source,
         "created": r.created, "kind": r.kind, "target": None if r.hold is None else r.hold.target_s}
        for r in refs
    ]  # fmt: skip
    hidden = [r.label for r in lib.hidden_starter]
    combos, combo_lines = combination_lines(args.library)
    if args.json:
        _emit({"references": rows, "combinations": combos, "hidden_starter": hidden,
               "errors": [str(e) for e in lib.errors]})  # fmt: skip
        return 0
    for line in combo_lines:  # combinations first: the library column lists them first too
        print(line)
    for r in rows:
        n = r["examples"]
        hold = "" if r["target"] is None else f"hold, target {r['target']:g} s"
        tags = ", ".join(filter(None, ["starter" if r["starter"] else "", r["category"], hold]))
        print(
            f"{format_label(r['move'], r['view'])}: {n} example{'s' * (n != 1)} "
            f"({'+'.join(map(str, r['example_frames']))} frames at {r['fps']:g} fps)"
            + (f" [{tags}]" if tags else "")
            + ("" if r["starter"] else f" ({r['source']})")
        )
    if not rows:
        print(f"no references in {args.library}")
    if hidden:
        print(f"hidden starter moves ({len(hidden)}; `show-hidden` lists them again): {', '.join(hidden)}")
    return 0


def cmd_hide(args: argparse.Namespace) -> int:
    lib = _load_library(args)
    for ref in lib.find(args.name, args.view):
        lib.hide(ref)
        print(f"hidden: {ref.label} (`show-hidden` lists it again)")
    return 0


def cmd_show_hidden(args: argparse.Namespace) -> int:
    lib = _load_library(args)
    hidden = [r.label for r in lib.hidden_starter]
    lib.show_hidden()
    print(f"listed again: {', '.join(hidden)}" if hidden else "no starter move was hidden")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="PoseCoach: score moves against references.")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        # Resolved when the command runs (main), so POSECOACH_DATA_DIR set by a caller is honoured.
        p.add_argument("--library", help=f"reference folder (default: {default_library_dir()})")
        p.add_argument("--no-starter", action="store_true", help="leave out the starter moves shipped with the app")
        p.add_argument("--fps", type=float, default=DEFAULT_FPS, help="frame rate of .npy keypoint files")
        if p.prog.split()[-1] in SOURCE_COMMANDS:
            # Checked in main(), not by argparse, so a bad value reads like every other `error: ...`.
            p.add_argument("--size", metavar="WxH", help=SIZE_HELP)
            live = p.prog.split()[-1] == "stream"  # auto is for live use: it trades accuracy for speed
            p.add_argument("--model", choices=LIVE_MODELS if live else MODEL_NAMES, default=DEFAULT_MODEL,
                           help="pose model for video sources: lite (fastest), full (default) or heavy (most "
                                "accurate; for references and offline scoring)"
                                + ("; auto: full, or lite when full cannot hold 25 fps here" if live else "")
                                + "; see `models list`")  # fmt: skip

    p = sub.add_parser("score", help="score takes against a reference")
    p.add_argument("sources", nargs="+", metavar="SOURCE")
    p.add_argument("--reference", required=True, metavar="NAME")
    p.add_argument("--view")
    p.add_argument("--mirror", action="store_true", help="swap left and right (left-handed take)")
    p.add_argument("--json", action="store_true")
    common(p)
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("record", help="cut a reference move from video or keypoint files, one example per source")
    p.add_argument("sources", nargs="+", metavar="SOURCE")
    p.add_argument("--name", required=True)
    p.add_argument("--view", required=True)
    p.add_argument("--start", type=float, help="seconds (the same span of every source)")
    p.add_argument("--end", type=float, help="seconds (the same span of every source)")
    p.add_argument("--split", action="store_true", help="split each source into its reps at the rests between them")
    p.add_argument("--add", action="store_true", help="add the examples to the existing move of that name and view")
    p.add_argument("--overwrite", action="store_true", help="replace an existing reference of that name and view")
    p.add_argument(
        "--hold",
        action="store_true",
        help="a key pose held still (a stance, a guard): its stillest second within --start/--end",
    )
    p.add_argument("--target", type=float, metavar="SEC",
                   help=f"with --hold: how long to hold it (default {DEFAULT_TARGET_S:g} s)")  # fmt: skip
    common(p)
    p.set_defaults(func=cmd_record)

    p = sub.add_parser("recognize", help="tell which move of the library a take shows")
    p.add_argument("sources", nargs="+", metavar="SOURCE")
    p.add_argument("--json", action="store_true")
    common(p)
    p.set_defaults(func=cmd_recognize)

    p = sub.add_parser("import-lookup", help="import the seed project's lookup pickle")
    p.add_argument("pickle", metavar="PICKLE")
    p.add_argument("--overwrite", action="store_true")
    common(p)
    p.set_defaults(func=cmd_import_lookup)

    p = sub.add_parser("list", help="list the references of the library (yours first, then the starter moves)")
    p.add_argument("--json", action="store_true")
    common(p)
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("hide", help="stop listing a starter move (it cannot be deleted)")
    p.add_argument("name", metavar="NAME", help="the move, or its 'move - view' label")
    p.add_argument("--view")
    common(p)
    p.set_defaults(func=cmd_hide)

    p = sub.add_parser("show-hidden", help="list every hidden starter move again")
    common(p)
    p.set_defaults(func=cmd_show_hidden)

    add_stream_command(sub, common)
    add_compose_command(sub, common)
    add_models_command(sub)
    from ..app.history_cli import add_history_commands

    add_history_commands(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every failure a user can meet ends as one `error: ...` line and exit code 2."""
    args = build_parser().parse_args(argv)
    try:
        if hasattr(args, "library") and args.library is None:
            args.library = str(default_library_dir())
        if getattr(args, "size", None) is not None:
            args.size = parse_frame_size(args.size)
        return int(args.func(args))
    except PoseCoachError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except OSError as exc:  # a folder for a file, a full disk, no permission: the user's to fix, not a bug
        print(f"error: {describe_os_error(exc)}", file=sys.stderr)
    except KeyboardInterrupt:
        return 130
    return 2
