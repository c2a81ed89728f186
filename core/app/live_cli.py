"""`main.py stream`: play a video or keypoint file through the live engine, one JSON line per frame."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..app.errors import PoseCoachError
from ..frame.sources import DEFAULT_FPS, VideoSource, is_keypoint_file, read_keypoints, size_ignored_warning
from ..library.labels import format_label
from ..match.gestures import poses_held_by
from ..match.hold_events import Hold
from ..match.live_events import Rep
from ..match.rep_arbiter import rep_label
from ..match.sides import SIDES
from ..pose.auto_model import AutoModelChoice
from ..pose.models import DEFAULT_MODEL
from ..score.scoring import PreparedReference
from ..voice.stream_voice import StreamVoice, add_voice_arguments

if TYPE_CHECKING:
    from ..view.live_pipeline import Engine


def iter_keypoints(
    source: str,
    fps: float = DEFAULT_FPS,
    frame_size: tuple[int, int] | None = None,
    model: str = DEFAULT_MODEL,
    chooser: AutoModelChoice | None = None,
) -> Iterator[tuple[NDArray[Any] | None, float, str, NDArray[Any] | None]]:
    """(keypoints (K, 3) or None, t seconds, skeleton, world landmarks (33, 4) or None) per frame of a video or
    .npy file (a keypoint file has no world landmarks).

    frame_size: the frame that normalised .npy x, y are fractions of (--size); notes go to stderr.
    model: the pose model for a video (core.pose.models), or auto (core.pose.auto_model: full, then lite if
    full cannot hold 25 fps here; the choice is said on stderr).
    """
    if is_keypoint_file(source):
        kf = read_keypoints(source, frame_size)
        if (note := kf.warning()) is not None:
            print(f"warning: {note}", file=sys.stderr)
        for k, row in enumerate(kf.keypoints):
            yield (row if np.isfinite(row[:, :2]).any() else None), k / fps, kf.skeleton, None
        return
    if frame_size is not None:
        print(f"warning: {size_ignored_warning(source)}", file=sys.stderr)
    from ..pose.auto_model import AutoPose

    with VideoSource(source) as video, AutoPose(model, chooser) as estimator:
        for frame in video:
            pose = estimator.process(frame)
            if note := estimator.take_note():
                print(f"note: {note}", file=sys.stderr, flush=True)
            if pose.detected:
                yield pose.keypoints_px(), frame.t, "mediapipe33", pose.world
            else:
                yield None, frame.t, "mediapipe33", None


def make_engine(
    library_dir: str,
    reference: str | None,
    view: str | None,
    mirror: bool,
    starter: bool = True,
    sides: str = "one",
) -> Engine:
    from ..app.paths import open_library
    from ..view.live_pipeline import engine_for

    lib = open_library(library_dir, starter)
    if reference:
        refs = lib.find(reference, view)
        if len(refs) > 1:
            views = ", ".join(r.view for r in refs)
            raise PoseCoachError(f"{reference!r} exists in several views ({views}); choose one with --view")
    else:
        refs = [r for r in lib.load() if r.hold is None]  # a hold is practised by choosing it, not detected
    # The app's choice of engine (a hold: timed; one move: on one side or both; several: auto-detect).
    engine = engine_for([PreparedReference.from_reference(r) for r in refs], mirror, sides)
    if engine is None:
        raise PoseCoachError(f"{library_dir}: the library holds no references; record or import one first")
    return engine


def cmd_stream(args: argparse.Namespace) -> int:
    if getattr(args, "combination", None):
        from ..app.combo_cli import cmd_stream_combination

        return cmd_stream_combination(args)
    engine = make_engine(
        args.library, args.reference, args.view, args.mirror, not args.no_starter, getattr(args, "sides", "one")
    )
    recorder = None
    if getattr(args, "save", False):
        from ..app.history_recorder import open_session_recorder

        recorder = open_session_recorder(args, engine)
    voice = StreamVoice(args)  # gestures' command events; with --speech the spoken cues as a WAV
    if voice.gestures is not None and (ref := getattr(engine, "ref", None)) is not None:
        voice.gestures.disabled = poses_held_by([ref])  # as the app: a move holding a command's pose
    frames = 0

    def announce(rep: Rep, reference: str) -> None:
        label = rep_label(rep, reference)  # auto-detect: the rep's own move, not the one on display
        if recorder is not None and rep.counted:  # stored before it is announced: a printed rep is a saved rep
            recorder.add_rep(label, rep)
        print(json.dumps(rep.as_dict() | {"reference": label}), flush=True)

    def announce_hold(hold: Hold) -> None:
        print(json.dumps(hold.as_dict() | {"reference": format_label(hold.move, hold.view)}), flush=True)

    try:
        for keypoints, t, skeleton, world in iter_keypoints(args.source, args.fps, args.size, args.model):
            update = engine.push(keypoints, t, skeleton, world=world)
            frames += 1
            if not args.quiet:
                print(json.dumps(update.as_dict()), flush=False)
            if update.new_rep is not None:
                announce(update.new_rep, update.reference)
            if update.new_hold is not None:
                announce_hold(update.new_hold)
            for event in voice.frame(keypoints, t, skeleton, update, engine.summary):
                print(json.dumps(event), flush=True)
        for done in engine.finish():  # reps still held back, or the hold in progress, at the end of the source
            if isinstance(done, Hold):
                announce_hold(done)
            else:
                announce(done, "")
                for event in voice.late_rep(done):
                    print(json.dumps(event), flush=True)
    finally:
        if recorder is not None:
            recorder.close()
    if frames == 0:
        raise PoseCoachError(f"{args.source}: holds no frames")
    for event in voice.finish(engine.summary(), 1 / args.fps):
        print(json.dumps(event), flush=True)
    print(json.dumps(engine.summary()), flush=True)
    return 0


def add_stream_command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: Callable[[argparse.ArgumentParser], None]
) -> None:
    p = sub.add_parser("stream", help="play a source through the live engine (JSON lines)")
    p.add_argument("source", metavar="SOURCE")
    p.add_argument("--reference", metavar="NAME", help="omit to auto-detect the move")
    p.add_argument("--combination", metavar="NAME", help="follow a combination (see `compose`) instead of a move")
    p.add_argument("--view")
    p.add_argument("--mirror", action="store_true")
    p.add_argument(
        "--sides", choices=SIDES, default="one",
        help="one: the reference's side only (a rep on the other side is named, not counted); both: either side",
    )  # fmt: skip
    p.add_argument(
        "--quiet", action="store_true", help="no per-frame lines: only events (reps, holds, commands) and the summary"
    )
    p.add_argument("--save", action="store_true", help="store the session and its reps in the practice history")
    p.add_argument("--history", help="history database (default: POSECOACH_HISTORY or the user data folder)")
    add_voice_arguments(p)
    common(p)
    p.set_defaults(func=cmd_stream)
