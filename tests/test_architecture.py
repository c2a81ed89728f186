"""core/ stays headless: no Qt import anywhere in it, and it imports in a process without Qt."""

from __future__ import annotations

import ast
import subprocess
import sys

from .conftest import ROOT


def test_core_source_never_imports_qt():
    offenders = []
    for path in (ROOT / "core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("PySide6", "PyQt5", "PyQt6", "ui")]
    assert offenders == []


def test_core_cli_runs_without_loading_qt():
    code = (
        "import sys, core.app.cli, core.match.live, core.score.scoring, core.app.practice_session; "
        "assert not any(m.startswith('PySide6') for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
