"""Shared fixtures: real clips from ../shared, poses extracted once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Qt tests run offscreen unless a display test asks for xcb itself.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

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
        from core.pose import extract_sequence

        if name not in self._seqs:
            self._seqs[name] = extract_sequence(str(self.path(name)), self._estimator)
        return self._seqs[name]


@pytest.fixture(scope="session")
def estimator():
    from core.pose import PoseEstimator

    est = PoseEstimator()
    yield est
    est.close()


@pytest.fixture(scope="session")
def pose_cache(estimator) -> PoseCache:
    return PoseCache(estimator)
