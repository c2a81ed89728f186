"""`stream`'s voice and gestures: command events from held poses, and `--speech FILE.wav`; main thread.

A hook for core.app.live_cli.cmd_stream: it hands over every frame and the summary, and prints what this
returns (`{"event": "command", ...}`, and with --speech one `{"event": "cue", ...}` per cue said).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from numpy.typing import NDArray

from ..app.errors import PoseCoachError
from ..match.gestures import GestureRecognizer
from ..match.live_events import LiveUpdate, Rep
from .cues import VERBOSITIES, Cue, CuePolicy
from .synth import load_synth
from .timeline import SpeechTimeline


def add_voice_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--speech", metavar="FILE.wav", help="write the spoken cues as one WAV on the stream's timeline")
    p.add_argument("--verbosity", choices=VERBOSITIES, default="corrections", help="what --speech says")
    p.add_argument("--no-gestures", action="store_true", help="no commands from held poses")


class StreamVoice:
    """Gestures (unless --no-gestures) and the speech timeline (with --speech) of one stream."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.gestures = None if getattr(args, "no_gestures", False) else GestureRecognizer()
        self.path: Path | None = None
        self.timeline: SpeechTimeline | None = None
        self.policy = CuePolicy(getattr(args, "verbosity", "corrections"))
        self.t = 0.0
        if getattr(args, "speech", None):
            self.path = Path(args.speech)
            folder = self.path.parent if str(self.path.parent) else Path(".")
            if not folder.is_dir():  # said before the stream runs, not after it
                raise PoseCoachError(f"{args.speech}: the folder {folder} does not exist")
            self.timeline = SpeechTimeline(load_synth())

    def frame(
        self,
        keypoints: NDArray[Any] | None,
        t: float,
        skeleton: str,
        update: LiveUpdate,
        summary: Callable[[], dict[str, object]],
    ) -> list[dict[str, object]]:
        """Events of one frame; `summary` is the session so far (said when the set is ended by gesture)."""
        self.t = t
        events: list[dict[str, object]] = []
        cues = self.policy.on_update(update)
        if self.gestures is not None:
            command = self.gestures.push(keypoints, t, skeleton).command
            if command is not None:
                events.append(command.as_dict())
                end = command.name == "end_set"
                said = self.policy.summary(summary(), t) if end else self.policy.command(command.name, t)
                cues += [said] if said is not None else []
        return events + self._say(cues, t)

    def late_rep(self, rep: Rep) -> list[dict[str, object]]:
        """A rep the engine reported at the end of the source."""
        return self._say(self.policy.on_rep(rep, self.t), self.t)

    def finish(self, summary: dict[str, object], frame_s: float) -> list[dict[str, object]]:
        """The end of the stream: the summary is said; the WAV is written (atomically) up to the last cue."""
        if self.timeline is None or self.path is None:
            return []
        end = self.t + frame_s
        said = self.timeline.finish([self.policy.summary(summary, end)], end)
        rate = self.timeline.synth.sample_rate
        tmp = self.path.with_name(self.path.name + ".part")
        try:
            self.timeline.write(tmp, end)
            os.replace(tmp, self.path)
        except OSError as exc:
            raise PoseCoachError(f"{self.path}: could not write the speech track ({exc.strerror})") from exc
        return [s.as_dict(rate) for s in said]

    def _say(self, cues: list[Cue], t: float) -> list[dict[str, object]]:
        if self.timeline is None:
            return []
        said = self.timeline.push(cues, t)
        return [] if said is None else [said.as_dict(self.timeline.synth.sample_rate)]
