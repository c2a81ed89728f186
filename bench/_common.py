"""Shared helpers for the benchmark scripts (paths to the shared clips, a reference from a clip)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTDATA = ROOT.parent / "shared" / "testdata"
sys.path.insert(0, str(ROOT))


def clip(name: str) -> str:
    path = TESTDATA / f"{name}.mp4"
    if not path.is_file():
        sys.exit(f"missing {path}: the benchmarks read ../shared/testdata beside the repo")
    return str(path)
