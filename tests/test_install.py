"""A normal (non-editable) install works as a new user meets it: a wheel in a fresh venv, the `posecoach`
command, references and history in the user data folder, packaged files read from the package."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, TESTDATA

# What the wheel is built from: the files pyproject.toml packages, copied so the build never writes
# build/ or *.egg-info into the working tree.
SOURCES = ("pyproject.toml", "README.md", "main.py", "core", "ui", "assets", "references")
# The packages that hold files rather than code: everything in them must reach the installed package.
DATA_PACKAGES = ("assets", "references")


def _run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)  # type: ignore[call-overload]
    assert out.returncode == 0, f"{cmd}\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}"
    return out  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv holding only the posecoach wheel; its dependencies come from this interpreter's site-packages.

    --system-site-packages and --no-deps keep it offline and take seconds; --ignore-installed puts our
    wheel into the venv even though a development install of posecoach may sit in the system packages.
    """
    work = tmp_path_factory.mktemp("install")
    src = work / "src"
    src.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, src / name)
    dist = work / "dist"
    _run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation", "-w", str(dist)])
    (wheel,) = dist.glob("posecoach-*.whl")
    venv = work / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)])
    python = venv / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed", str(wheel)])
    return venv


def _user_env(home: Path) -> dict[str, str]:
    """A new user's environment: their own home, no PoseCoach or XDG overrides."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POSECOACH_", "XDG_"))}
    env["HOME"] = str(home)
    return env


def _site_files(venv: Path) -> set[Path]:
    return {p for p in venv.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def test_the_installed_command_records_and_lists_from_the_user_data_folder(installed, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = _user_env(home)
    posecoach = str(installed / "bin" / "posecoach")
    run = {"env": env, "cwd": home}  # not the checkout: nothing may be imported from it

    where = _run([str(installed / "bin" / "python"), "-c",
                  "import core, ui, main; from core.app.paths import packaged_asset; from ui.app import parse_args; "
                  "print(core.__file__, ui.__file__, main.__file__, packaged_asset('icon.svg'), "
                  "parse_args([]).library, sep='\\n')"], **run).stdout.split()  # fmt: skip
    site = installed / "lib"
    assert all(Path(p).is_relative_to(site) for p in where[:4]), where  # the wheel's code, not the checkout's
    assert Path(where[3]).read_text().lstrip().startswith("<svg")  # the icon ships inside the package
    data = home / ".local" / "share" / "posecoach"
    assert Path(where[4]) == data / "references"  # the window's default library too

    before = _site_files(installed)
    clip = str(TESTDATA / "punch_side.mp4")
    out = _run([posecoach, "record", clip, "--name", "punch", "--view", "side"], **run)
    assert str(data / "references" / "punch--side.json") in out.stdout
    listing = json.loads(_run([posecoach, "list", "--json"], **run).stdout)
    rows = [(r["move"], r["view"], r["starter"]) for r in listing["references"]]
    assert rows[0] == ("punch", "side", False)  # the user's own moves first, then the shipped starter moves
    assert len(rows) == 15 and all(starter for *_, starter in rows[1:])
    assert ("Jab / straight, left", "side", True) in rows
    assert listing["errors"] == []

    reps = _run([posecoach, "stream", clip, "--reference", "punch", "--quiet", "--save"], **run).stdout
    assert '"event": "summary"' in reps
    history = json.loads(_run([posecoach, "history", "--json"], **run).stdout)
    assert len(history["sessions"]) == 1 and history["sessions"][0]["reference"] == "punch - side"
    assert (data / "history.sqlite3").is_file()
    assert _site_files(installed) == before  # nothing written into the installation


def test_the_icon_and_the_starter_library_are_installed_package_data(installed, tmp_path):
    """assets/ and references/ reach site-packages with the wheel, and the accessors find them there."""
    probe = ("import json, sysconfig; from core.app.paths import packaged_asset, starter_library_dir; "
             "from core.library.reference_library import Library; lib = Library(starter_library_dir()); "
             "moves = [r.move for r in lib.load()]; print(json.dumps({'moves': moves, "
             "'site': sysconfig.get_paths()['purelib'], 'icon': str(packaged_asset('icon.svg')), "
             "'starter': str(starter_library_dir()), 'errors': [str(e) for e in lib.errors]}))")  # fmt: skip
    run = {"env": _user_env(tmp_path), "cwd": tmp_path}  # not the checkout
    found = json.loads(_run([str(installed / "bin" / "python"), "-c", probe], **run).stdout)
    site = Path(found["site"])
    assert site.is_relative_to(installed)
    icon, starter = Path(found["icon"]), Path(found["starter"])
    assert icon == site / "assets" / "icon.svg" and icon.read_bytes() == (ROOT / "assets" / "icon.svg").read_bytes()
    assert starter == site / "references"
    assert "user data folder" in (starter / "README.md").read_text(encoding="utf-8")
    assert found["errors"] == []  # every shipped reference loads from the installed folder
    assert len(found["moves"]) == 14 and "Roundhouse kick, right" in found["moves"]
    assert {"LICENSE", "NOTICE"} <= {p.name for p in starter.iterdir()}

    (dist_info,) = site.glob("posecoach-*.dist-info")
    record = {line.split(",")[0] for line in (dist_info / "RECORD").read_text().splitlines()}
    for package in DATA_PACKAGES:
        shipped = [p.relative_to(ROOT).as_posix() for p in sorted((ROOT / package).rglob("*"))
                   if p.is_file() and "__pycache__" not in p.parts]  # fmt: skip
        # A file of the checkout's folder the wheel lacks needs its glob in [tool.setuptools.package-data].
        missing = [f for f in shipped if f not in record]
        assert missing == [], f"not in the wheel, add a glob to [tool.setuptools.package-data]: {missing}"
        assert all((site / f).read_bytes() == (ROOT / f).read_bytes() for f in shipped)


def test_an_error_from_the_installed_command_is_one_sentence(installed, tmp_path):
    posecoach = str(installed / "bin" / "posecoach")
    run = {"capture_output": True, "text": True, "env": _user_env(tmp_path), "cwd": tmp_path, "timeout": 120}
    out = subprocess.run([posecoach, "score", str(tmp_path), "--reference", "x"], **run)  # type: ignore[call-overload]
    assert out.returncode == 2 and out.stderr.startswith("error: ") and "Traceback" not in out.stderr, out.stderr
    assert out.stdout == ""
    usage = subprocess.run([posecoach, "--help"], **run)  # type: ignore[call-overload]
    assert usage.stdout.startswith("usage: posecoach")


def test_the_installed_app_runs_its_pose_in_a_worker_process(installed, tmp_path):
    """The window's pose runs in a worker process started from the installed package, wherever the app starts."""
    clip = str(TESTDATA / "punch_side.mp4")
    probe = ("import sys; from core.frame.sources import VideoSource; from core.pose.pose_process import PoseProcess; "
             "import core.pose.pose_launch as launch; "
             "video = VideoSource(sys.argv[1]); frame = video.read(); pose = PoseProcess(); "
             "print(pose.process(frame).detected, launch._PACKAGE_ROOT); pose.close()")  # fmt: skip
    run = {"env": _user_env(tmp_path), "cwd": tmp_path}  # not the checkout
    detected, root = _run([str(installed / "bin" / "python"), "-c", probe, clip], **run).stdout.split()
    assert detected == "True" and Path(root).is_relative_to(installed)
