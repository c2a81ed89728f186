"""The coach's voice and gesture commands in the window: the Voice menu, V to mute, the ring; UI thread.

What is said comes from core.voice.cues, spoken by core.voice.speaker on its own thread; commands come from
the practice session's gesture recogniser (pipeline thread) through a queued signal.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QApplication, QToolBar

from core.app.practice_session import RecordPhase
from core.match.combo_engine import ComboEngine
from core.match.gestures import Command
from core.match.live_events import Rep, rep_summary
from core.voice.cues import VERBOSITIES, Cue, CuePolicy
from core.voice.phrases import spoken_move
from core.voice.speaker import Speaker

if TYPE_CHECKING:
    from core.view.live_pipeline import ViewFrame

    from .main_window import MainWindow

MUTE_KEY = "V"
VOICE_TEXT = {True: "Voice on", False: "Voice off"}
VOLUMES = (0.25, 0.5, 0.75, 1.0)
SAY = {"counts": "Say counts and scores only", "corrections": "Say counts, scores and corrections"}
RING_FROM = 0.4  # the ring shows from this far into a hold: a jumping jack's raise (0.38 s of 1 s) shows none
DONE_RING_S = 0.8  # a fired command's full ring stays this long, so the person sees it was taken


def _as_bool(value: object) -> bool:
    return value is True or str(value).lower() in ("true", "1")


class VoiceControl(QObject):
    command = Signal(object)  # core.match.gestures.Command, from the pipeline thread
    note = Signal(str)  # one sentence from the speaker thread (no engine, no audio device)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        s = window.settings
        verbosity = str(s.voice_value("verbosity", "corrections"))  # settings.ini may hold anything
        self.policy = CuePolicy(verbosity if verbosity in VERBOSITIES else "corrections")
        self.speaker = Speaker(on_note=self.note.emit)
        self.speaker.muted = _as_bool(s.voice_value("muted", False))
        self.speaker.volume = _volume(s.voice_value("volume", 1.0))
        self._seen: ViewFrame | None = None
        self._countdown: int | None = None
        self._done: tuple[str, float] | None = None  # (command, until) for the full ring
        self._combo: ComboEngine | None = None  # the combination whose runs are being said
        self._runs_said = 0
        self.command.connect(self._command, Qt.ConnectionType.QueuedConnection)
        self.note.connect(window._note)
        window.session.on_command = self.command.emit
        if window.worker is not None:
            window.worker.rep_done.connect(self.on_rep)
        self._build_actions()
        self.set_gestures(self.act_gestures.isChecked())
        self.timer = QTimer(self, interval=100, timeout=self._tick)
        self.timer.start()

    def _build_actions(self) -> None:
        w, s = self.window, self.window.settings
        self.act_voice = QAction(VOICE_TEXT[not self.speaker.muted], w, checkable=True, checked=not self.speaker.muted)
        self.act_voice.setShortcut(QKeySequence(MUTE_KEY))
        self.act_voice.setToolTip(f"The coach's voice on or off ({MUTE_KEY})")
        self.act_voice.toggled.connect(self.set_voice)
        bar = w.findChild(QToolBar, "main-toolbar")
        if bar is not None:
            bar.addAction(self.act_voice)
        menu = w.menuBar().addMenu("&Voice")
        menu.addAction(self.act_voice)
        volume = menu.addMenu("Volume")
        group = QActionGroup(w)
        for v in VOLUMES:
            a = volume.addAction(f"{round(v * 100)} %")
            a.setCheckable(True)
            a.setChecked(abs(v - self.speaker.volume) < 0.01)
            group.addAction(a)
            a.triggered.connect(lambda _c=False, v=v: self.set_volume(v))
        say = QActionGroup(w)
        for key, text in SAY.items():
            a = menu.addAction(text)
            a.setCheckable(True)
            a.setChecked(self.policy.verbosity == key)
            say.addAction(a)
            a.triggered.connect(lambda _c=False, key=key: self.set_verbosity(key))
        menu.addSeparator()
        gestures_on = _as_bool(s.voice_value("gestures", True))
        self.act_gestures = QAction("Gesture commands", w, checkable=True, checked=gestures_on)
        self.act_gestures.setToolTip(
            "Hands above the head 1 s: Record; one hand raised 1 s: next move; out of frame 3 s: end the set"
        )
        self.act_gestures.toggled.connect(self.set_gestures)
        menu.addAction(self.act_gestures)

    # -- settings --------------------------------------------------------------------------------------
    def set_voice(self, on: bool) -> None:
        self.speaker.muted = not on
        self.act_voice.setText(VOICE_TEXT[on])  # readable from across the room: the button says the state
        self.window.settings.set_voice_value("muted", not on)
        self.window.statusBar().showMessage("Voice on" if on else f"Voice muted ({MUTE_KEY} to unmute)", 3000)

    def set_volume(self, volume: float) -> None:
        self.speaker.volume = volume
        self.window.settings.set_voice_value("volume", volume)

    def set_verbosity(self, key: str) -> None:
        self.policy.verbosity = key
        self.window.settings.set_voice_value("verbosity", key)

    def set_gestures(self, on: bool) -> None:
        self.window.session.set_gestures(on)
        self.window.settings.set_voice_value("gestures", on)

    # -- events ----------------------------------------------------------------------------------------
    def say(self, cue: Cue | None) -> None:
        if cue is not None:
            self.speaker.say(cue)

    def _tick(self) -> None:
        """10 Hz: the newest frame's advice and hold time, the Record countdown, the gesture ring."""
        w, now = self.window, time.monotonic()
        view = w.latest
        if view is not None and view is not self._seen and view.update is not None:
            self._seen = view
            for cue in self.policy.on_update(view.update, reps=False):  # reps come one by one (_rep)
                self.say(cue)
        self._say_runs(now)
        if w.video.countdown != self._countdown:
            self._countdown = w.video.countdown
            if self._countdown is not None:
                self.say(self.policy.countdown(self._countdown, now))
        ring = None
        if self._done is not None and now < self._done[1]:
            ring = (self._done[0], 1.0)
        elif view is not None and view.gesture is not None and view.gesture.progress >= RING_FROM:
            ring = (view.gesture.name or "", view.gesture.progress)
        if ring != w.video.gesture:
            w.video.gesture = ring
            w.video.update()

    def _say_runs(self, now: float) -> None:
        """A combination run just done: its score and what went wrong (the sequence bar shows the same)."""
        engine = self.window.session.engine
        if not isinstance(engine, ComboEngine):
            self._combo = None
            return
        progress = engine.progress
        if engine is not self._combo:  # a new practice: only its own runs are said
            self._combo, self._runs_said = engine, progress.runs_done
        if progress.runs_done > self._runs_said and progress.last_run is not None:
            self._runs_said = progress.runs_done
            self.say(self.policy.on_run(progress.last_run, now))

    def on_rep(self, generation: int, rep: Rep, _reference: str) -> None:
        """A rep to announce: from the pipeline's signal, or held back until a video's end (main_window)."""
        if self.window.session.shows(generation):
            for cue in self.policy.on_rep(rep, time.monotonic()):
                self.say(cue)

    def _command(self, command: Command) -> None:
        w, now = self.window, time.monotonic()
        if QApplication.activeModalWidget() is not None:
            return  # the Record dialog (or a message) is open: a raised hand must not start a second take
        if command.name == "end_set" and not w.rep_scores:
            return  # walking up to the laptop before any rep ends nothing
        self._done = (command.name, now + DONE_RING_S)
        if command.name == "record":
            was_idle = w.session.record_phase is RecordPhase.IDLE
            w.toggle_record()
            if not was_idle:
                self.say(self.policy.command("record_stop", now))
            elif w.session.recording:  # a video file records at once; a camera counts down (said by _tick)
                self.say(self.policy.command("record", now))
        elif command.name == "next":
            w.chooser.step(+1)
            chosen = w.session.references
            name = spoken_move(chosen[0].move) if len(chosen) == 1 else "auto-detect"
            self.say(Cue(now, f"Next: {name}.", "command"))
        elif command.name == "end_set":
            scores = w.rep_scores
            cue = self.policy.summary(rep_summary(None, 0, len(scores), scores), now)
            self.say(cue)
            w.statusBar().showMessage(cue.text, 8000)
            w.session.choose_references(w.session.references)  # the next set counts from one
            w.panel.clear()

    def warm_up(self) -> None:
        """Load the voice in the background and prepare the countdown's words (the window opened for real)."""
        if not self.speaker.muted:
            self.speaker.warm_up(tuple(self.policy.countdown(n, 0).text for n in (3, 2, 1)))

    def close(self) -> None:
        self.timer.stop()
        self.speaker.close()


def _volume(value: object) -> float:
    """A volume from settings.ini: 0..1, full volume when the file holds something else."""
    try:
        volume = float(str(value))
    except ValueError:
        return 1.0
    return min(1.0, max(0.0, volume)) if volume == volume else 1.0  # NaN is not a volume
