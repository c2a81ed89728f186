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


def test_no_file_of_the_repository_holds_a_merge_conflict_marker():
    """A conflict committed by mistake (a README showing both halves of a merge) is caught here, not by a reader."""
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    names = (
        listed.stdout.split()
        if listed.returncode == 0
        else [  # not a git checkout: every file
            str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if ".git" not in p.parts and p.is_file()
        ]
    )
    markers = ("<<<<<<< ", ">>>>>>> ")
    found = []
    for name in names:
        path = ROOT / name
        if path.suffix not in (".py", ".md", ".toml", ".txt", ".cfg", ".ini", ".yml", "") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{name}:{i}" for i, line in enumerate(text.splitlines(), 1) if line.startswith(markers)]
    assert found == []
