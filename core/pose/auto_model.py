"""The `auto` pose model for live use: start on full, time its inference, move to lite if full is too slow.

Qt-free; fed by whoever runs the pose (the app's pipeline thread, `stream`) with each frame's inference
time. The decision is taken once, on the first couple of seconds of a source, and never revisited: a
model that flips back and forth would restart the person's tracking each time.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..frame.sources import Frame
from .estimator import PoseEstimator, PoseFrame
from .models import DEFAULT_MODEL, MODEL_NAMES, install_command, model_status
from .pose_process import PoseProcess

AUTO = "auto"
LIVE_MODELS = (AUTO, *MODEL_NAMES)  # what the window and `stream` accept
FAST_MODEL = "lite"
TARGET_FPS = 25.0  # below this a move looks jerky and fast techniques lose their peak frames
MEASURE_SECONDS = 2.0  # "the first couple of seconds"
MIN_SAMPLES = 10  # a slow machine still gives the median a few frames to stand on
WARMUP_FRAMES = 5  # the first frames run the person detector and warm the model up: not typical


def start_model(choice: str) -> str:
    """The model to load first for `choice` (auto starts on full, the more accurate of the live two)."""
    return DEFAULT_MODEL if choice == AUTO else choice


@dataclass(frozen=True)
class AutoDecision:
    """What auto chose: `model` to run from now on, `switch` when that differs from the one running."""

    model: str
    switch: bool
    median_ms: float
    note: str  # one sentence for the status line / log


def decide(
    pose_ms: list[float], target_fps: float = TARGET_FPS, lite_installed: bool = True, install: str = ""
) -> AutoDecision:
    """Keep full, or switch to lite: full is too slow when its median inference time leaves under
    `target_fps` frames a second. The median, not the mean: one frame delayed by another program must not
    decide. Without lite installed, full stays and the note says how to get lite."""
    median = statistics.median(pose_ms)
    fps = 1000.0 / median if median > 0 else float("inf")
    holds = fps >= target_fps
    if holds:
        return AutoDecision(DEFAULT_MODEL, False, median, f"Pose model: full ({fps:.0f} fps here).")
    if lite_installed:
        note = (f"Pose model: lite, because full holds only {fps:.0f} fps here "
                f"(below {target_fps:.0f}; median {median:.0f} ms a frame).")  # fmt: skip
        return AutoDecision(FAST_MODEL, True, median, note)
    note = (f"Pose model: full holds only {fps:.0f} fps here (below {target_fps:.0f}); the faster lite model "
            f"is not installed: {install or install_command()}")  # fmt: skip
    return AutoDecision(DEFAULT_MODEL, False, median, note)


class AutoModelChoice:
    """Collects full's inference times over the first MEASURE_SECONDS of a source and decides once.

    `observe` returns the decision on the frame that completes the measurement, None before and after.
    `target_fps` and `lite_installed` may be changed for tests (read when the decision is taken).
    """

    def __init__(
        self,
        target_fps: float = TARGET_FPS,
        seconds: float = MEASURE_SECONDS,
        lite_installed: Callable[[], bool] | None = None,
    ) -> None:
        self.target_fps = target_fps
        self.seconds = seconds
        self._lite_installed = lite_installed or (lambda: model_status(FAST_MODEL).present)
        self._samples: list[float] = []
        self._seen = 0
        self._t0: float | None = None
        self.decision: AutoDecision | None = None

    @property
    def decided(self) -> bool:
        return self.decision is not None

    def observe(self, pose_ms: float, now: float) -> AutoDecision | None:
        """One frame's inference time (ms) at `now` (s, any clock that moves with real time)."""
        if self.decision is not None:
            return None
        self._seen += 1
        if self._seen <= WARMUP_FRAMES:
            return None
        if self._t0 is None:
            self._t0 = now
        self._samples.append(pose_ms)
        if now - self._t0 < self.seconds or len(self._samples) < MIN_SAMPLES:
            return None
        self.decision = decide(self._samples, self.target_fps, self._lite_installed())
        return self.decision


class AutoPose:
    """A pose estimator for live use that runs `choice`: lite, full or heavy as asked; auto: full, then lite
    once AutoModelChoice finds full too slow. Same interface as PoseEstimator (process, reset, close, model).

    Not thread-safe, like PoseEstimator: the model is replaced inside `process`, on the one thread that runs
    the pose, so no other thread ever sees it half-switched. Lite loads in this process in a fraction of a
    second; a worker process for it (the app) starts in the background while full goes on.
    """

    def __init__(
        self,
        choice: str,
        chooser: AutoModelChoice | None = None,
        clock: Callable[[], float] = time.monotonic,
        load: Callable[[str], PoseEstimator | PoseProcess] | None = None,
    ) -> None:
        self.choice = choice
        self.chooser = (chooser or AutoModelChoice()) if choice == AUTO else None
        self._clock = clock
        self._load = load or PoseEstimator  # in this process (CLI), or in a worker process (the app: pose_process)
        self._estimator = self._load(start_model(choice))
        self._notes: list[str] = []
        self._loading: _Loading | None = None  # auto's faster model, loading in the background

    @property
    def model(self) -> str:
        """The model running now (lite, full or heavy)."""
        return self._estimator.model

    def send_ahead(self, frame: Frame) -> bool:
        """Let a worker process start on `frame` before `process` asks for it; True if it has."""
        return self._estimator.send_ahead(frame)

    def process(self, frame: Frame) -> PoseFrame:
        self._take_loaded()
        pose = self._estimator.process(frame)
        if self.chooser is not None and not self.chooser.decided:
            # The model's own time (a worker process measures it itself: a frame sent ahead was partly done
            # before this call).
            decision = self.chooser.observe(self._estimator.last_ms, self._clock())
            if decision is not None:
                self._apply(decision.switch, decision.model, decision.note)
        return pose

    def _apply(self, switch: bool, model: str, note: str) -> None:
        """Switch to `model` if decided, and say so. Loaded before the old one closes, so a model that fails to
        load (a damaged file) leaves the running one in place, and the sentence says so. A worker process is
        started in the background (half a second or more on a slow laptop): the running model goes on
        meanwhile, and the next frame after it is ready runs on the new one."""
        if not switch:
            self._notes.append(note)
            return
        self._loading = _Loading(model, note, self._load)
        if self._load is PoseEstimator:  # in this process: a fraction of a second, loaded here
            self._loading.run()
            self._take_loaded()
        else:
            self._loading.start()

    def _take_loaded(self) -> None:
        loading = self._loading
        if loading is None or not loading.done.is_set():
            return
        self._loading = None
        if loading.estimator is None:
            self._notes.append(f"auto: {loading.model} could not be loaded ({loading.error}); staying on {self.model}")
            return
        self._estimator.close()
        self._estimator = loading.estimator
        self._notes.append(loading.note)

    def take_note(self) -> str:
        """What auto decided since the last call ('' if nothing): for the status line or the log."""
        notes, self._notes = self._notes, []
        return " ".join(notes)

    def reset(self) -> None:
        self._estimator.reset()

    def close(self) -> None:
        if self._loading is not None:
            self._loading.cancel()  # a model still loading is closed by its thread when it is ready
        self._estimator.close()

    def __enter__(self) -> AutoPose:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Loading:
    """A model being loaded for auto's switch (on its own thread, or run directly)."""

    def __init__(self, model: str, note: str, load: Callable[[str], PoseEstimator | PoseProcess]) -> None:
        self.model, self.note, self._load = model, note, load
        self.estimator: PoseEstimator | PoseProcess | None = None
        self.error: Exception | None = None
        self.done = threading.Event()
        self._lock = threading.Lock()
        self._cancelled = False

    def start(self) -> None:
        threading.Thread(target=self.run, name="posecoach-pose-load", daemon=True).start()

    def run(self) -> None:
        try:
            loaded = self._load(self.model)
        except Exception as exc:  # noqa: BLE001 - any load failure means the same: stay on the running model
            self.error = exc
        else:
            with self._lock:
                if self._cancelled:
                    loaded.close()
                else:
                    self.estimator = loaded
        self.done.set()

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            if self.estimator is not None:
                self.estimator.close()
                self.estimator = None
