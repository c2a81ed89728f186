"""Command line: score, record, recognize, import-lookup, list, stream; runs on the main thread, headless."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .errors import PoseCoachError, SourceError
from .pose import PoseEstimator, PoseSequence, extract_sequence
from .references import Library, Reference, make_reference
from .scoring import PreparedReference, TakeScore, recognize, score_take
from .sources import DEFAULT_FPS, is_keypoint_file, load_keypoint_array

DEFAULT_LIBRARY = Path(__file__).resolve().parent.parent / "references"


class TakeLoader:
    """Turns SOURCE arguments into pose sequences; the pose model is loaded once, on first need."""

    def __init__(self, fps: float = DEFAULT_FPS) -> None:
        self._estimator: PoseEstimator | None = None
        self.fps = fps

    def load(self, source: str) -> PoseSequence:
        if is_keypoint_file(source):
            keypoints, skeleton = load_keypoint_array(source)
            return PoseSequence(keypoints, skeleton, self.fps, None, source)
        if not Path(source).is_file():
            raise SourceError(f"{source}: no such file")
        if self._estimator is None:
            self._estimator = PoseEstimator()
        return extract_sequence(source, self._estimator)

    def close(self) -> None:
        if self._estimator is not None:
            self._estimator.close()


def _emit(obj: dict[str, Any]) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def _load_library(folder: str) -> Library:
    lib = Library(folder)
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
    lib = _load_library(args.library)
    prepared = [PreparedReference.from_reference(r) for r in lib.find(args.reference, args.view)]
    loader = TakeLoader(args.fps)
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
    lib = _load_library(args.library)
    prepared = [PreparedReference.from_reference(r) for r in lib.load()]
    if not prepared:
        raise PoseCoachError(f"{args.library}: the library holds no references; record or import one first")
    loader = TakeLoader(args.fps)
    try:
        for source in args.sources:
            rec = recognize(loader.load(source), prepared)
            if args.json:
                _emit({"source": source, **rec.as_dict()})
            else:
                what = "none of these" if rec.move is None else f"{rec.move} - {rec.view}"
                print(f"{source}: {what} (confidence {rec.confidence:.0%})")
                for c in rec.candidates:
                    print(f"  {c.score:5.1f}  {c.reference}")
    finally:
        loader.close()
    return 0


def cmd_record(args: argparse.Namespace) -> int:
    lib = Library(args.library)
    loader = TakeLoader(args.fps)
    try:
        take = loader.load(args.source)
    finally:
        loader.close()
    start = 0 if args.start is None else int(round(args.start * take.fps))
    end = len(take) if args.end is None else int(round(args.end * take.fps))
    if not 0 <= start < end <= len(take) or end - start < 2:
        raise PoseCoachError(
            f"--start/--end select frames {start}..{end} but {args.source} has {len(take)} frames "
            f"({take.duration:.2f} s)"
        )
    clip = take.slice(start, end)
    if clip.detected_fraction() < 0.5:
        raise PoseCoachError(f"{args.source}: nobody is visible in most of the selected time; choose another span")
    ref = make_reference(clip, args.name, args.view, source=f"{args.source} [{start}:{end}]")
    path = lib.save(ref, overwrite=args.overwrite)
    print(f"saved {ref.label} ({len(clip)} frames, {clip.duration:.2f} s) to {path}")
    return 0


def cmd_import_lookup(args: argparse.Namespace) -> int:
    from .seed_import import import_lookup

    lib = Library(args.library)
    for ref in import_lookup(args.pickle):
        path = lib.save(ref, overwrite=args.overwrite)
        print(f"imported {ref.label} ({len(ref.keypoints)} frames) to {path}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    lib = _load_library(args.library)
    refs: list[Reference] = lib.load()
    rows = [
        {"move": r.move, "view": r.view, "frames": int(r.keypoints.shape[0]), "fps": r.fps,
         "skeleton": r.skeleton, "weights": r.weights, "source": r.source, "created": r.created}
        for r in refs
    ]  # fmt: skip
    if args.json:
        _emit({"references": rows, "errors": [str(e) for e in lib.errors]})
    else:
        for r in rows:
            print(f"{r['move']} - {r['view']}: {r['frames']} frames at {r['fps']:g} fps ({r['source']})")
        if not rows:
            print(f"no references in {args.library}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="main.py", description="PoseCoach: score moves against references.")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--library", default=str(DEFAULT_LIBRARY), help="reference folder (default: %(default)s)")
        p.add_argument("--fps", type=float, default=DEFAULT_FPS, help="frame rate of .npy keypoint files")

    p = sub.add_parser("score", help="score takes against a reference")
    p.add_argument("sources", nargs="+", metavar="SOURCE")
    p.add_argument("--reference", required=True, metavar="NAME")
    p.add_argument("--view")
    p.add_argument("--mirror", action="store_true", help="swap left and right (left-handed take)")
    p.add_argument("--json", action="store_true")
    common(p)
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("record", help="cut a reference from a video or keypoint file")
    p.add_argument("source", metavar="SOURCE")
    p.add_argument("--name", required=True)
    p.add_argument("--view", required=True)
    p.add_argument("--start", type=float, help="seconds")
    p.add_argument("--end", type=float, help="seconds")
    p.add_argument("--overwrite", action="store_true", help="replace an existing reference of that name and view")
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

    p = sub.add_parser("list", help="list the references of the library")
    p.add_argument("--json", action="store_true")
    common(p)
    p.set_defaults(func=cmd_list)

    try:
        from .live_cli import add_stream_command
    except ImportError:  # the live engine is optional for the offline commands
        pass
    else:
        add_stream_command(sub, common)
    from .history_cli import add_history_commands

    add_history_commands(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except PoseCoachError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
