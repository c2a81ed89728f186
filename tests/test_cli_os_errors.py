"""Operating-system failures (a folder for a file, a file for a folder, a full disk, an unreadable file, a
history folder that cannot be made, a missing library module) end every command with one `error: ...`
line and exit code 2, never a traceback."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.app import cli

from .conftest import ROOT, SEED, SHARED

TAKE = SHARED / "testdata" / "muaythai" / "references" / "straight_left.npy"  # real keypoints: no mediapipe


def fails(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run a command in this process; it must exit 2 with one error line. Returns that line."""
    code = cli.main(list(args))
    err = capsys.readouterr().err
    assert code == 2, err
    lines = [line for line in err.splitlines() if not line.startswith("warning: ")]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def _disk_full(fd: int) -> None:
    """os.fsync on a full disk: with delayed allocation the data flush is where ENOSPC shows."""
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture
def library(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    lib = tmp_path / "lib"
    assert cli.main(["record", str(TAKE), "--name", "jab", "--view", "side", "--library", str(lib)]) == 0
    capsys.readouterr()
    return lib


def test_a_folder_given_as_a_source_is_named_as_a_folder(tmp_path, library, capsys):
    folder = tmp_path / "clips.npy"  # looks like a keypoint file, is a folder
    folder.mkdir()
    assert "is a folder" in fails(capsys, "score", str(folder), "--reference", "jab", "--library", str(library))
    assert "is a folder" in fails(capsys, "score", str(tmp_path), "--reference", "jab", "--library", str(library))
    line = fails(capsys, "record", str(tmp_path), "--name", "x", "--view", "side", "--library", str(library))
    assert "is a folder" in line
    assert "is a folder" in fails(capsys, "stream", str(tmp_path), "--reference", "jab", "--library", str(library))
    assert "is a folder" in fails(capsys, "import-lookup", str(tmp_path), "--library", str(library))


def test_a_library_path_that_is_a_file_is_refused_by_every_command(tmp_path, capsys):
    not_a_folder = tmp_path / "refs.txt"
    not_a_folder.write_text("notes")
    lib = ("--library", str(not_a_folder))
    for args in (
        ["list", *lib],
        ["record", str(TAKE), "--name", "jab", "--view", "side", *lib],
        ["score", str(TAKE), "--reference", "jab", *lib],
        ["recognize", str(TAKE), *lib],
        ["stream", str(TAKE), *lib],
        ["import-lookup", str(SEED), *lib],
    ):
        assert "is a file, not a folder" in fails(capsys, *args), args
    assert not_a_folder.read_text() == "notes"


def test_a_library_below_a_file_is_refused(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    line = fails(capsys, "record", str(TAKE), "--name", "jab", "--view", "side", "--library", str(blocker / "lib"))
    assert "not saved" in line and "is a file, not a folder" in line


def test_a_full_disk_while_saving_keeps_the_old_reference_and_says_so(library, capsys, monkeypatch):
    path = library / "jab--side.json"
    before = path.read_bytes()

    monkeypatch.setattr(os, "fsync", _disk_full)
    args = ["record", str(TAKE), "--name", "jab", "--view", "side", "--overwrite", "--library", str(library)]
    line = fails(capsys, *args)
    assert "disk is full" in line and "jab--side.json" in line
    assert path.read_bytes() == before
    assert sorted(p.name for p in library.iterdir()) == ["jab--side.json"]  # no temporary file left behind


def test_a_full_disk_under_the_output_is_an_error_not_a_traceback(library):
    # /dev/full fails every write with ENOSPC, like standard output redirected to a full disk.
    for args in (["list", "--json"], ["list"]):
        with open("/dev/full", "w") as full:
            out = subprocess.run(
                [sys.executable, str(ROOT / "main.py"), *args, "--library", str(library)],
                stdout=full, stderr=subprocess.PIPE, text=True, timeout=120,
            )  # fmt: skip
        assert out.returncode == 2, out.stderr
        assert "disk is full" in out.stderr and "Traceback" not in out.stderr and "Exception" not in out.stderr


def test_an_unreadable_file_is_named(tmp_path, library, capsys):
    # /proc/self/mem refuses reads at offset 0 with EIO even for root (chmod 000 does not stop root).
    unreadable = tmp_path / "take.npy"
    unreadable.symlink_to("/proc/self/mem")
    line = fails(capsys, "score", str(unreadable), "--reference", "jab", "--library", str(library))
    assert "take.npy" in line and "Input/output error" in line
    pickle = tmp_path / "lookup.pickle"
    pickle.symlink_to("/proc/self/mem")
    assert "lookup.pickle: cannot be read" in fails(capsys, "import-lookup", str(pickle), "--library", str(library))
    # A damaged reference file is a warning; the others still load.
    (library / "broken--side.json").symlink_to("/proc/self/mem")
    assert cli.main(["list", "--library", str(library)]) == 0
    out = capsys.readouterr()
    assert "jab - side" in out.out and "broken--side.json: cannot be read" in out.err


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_a_file_without_read_permission_is_named(tmp_path, library, capsys):
    locked = tmp_path / "take.npy"
    locked.write_bytes(TAKE.read_bytes())
    locked.chmod(0)
    assert "take.npy" in fails(capsys, "score", str(locked), "--reference", "jab", "--library", str(library))


def test_a_history_folder_that_cannot_be_created_is_said(tmp_path, library, capsys):
    blocker = tmp_path / "data"
    blocker.write_text("a file where the history folder should go")
    history = str(blocker / "posecoach" / "history.sqlite3")
    assert "cannot create the history folder" in fails(capsys, "history", "--history", history)
    line = fails(capsys, "stream", str(TAKE), "--reference", "jab", "--library", str(library), "--quiet",
                 "--save", "--history", history)  # fmt: skip
    assert "cannot create the history folder" in line
    assert "is a folder" in fails(capsys, "history", "--history", str(tmp_path))


def test_export_and_render_outputs_that_cannot_be_written_are_said(tmp_path, library, capsys, monkeypatch):
    history = str(tmp_path / "history.sqlite3")
    assert cli.main(["stream", str(TAKE), "--reference", "jab", "--library", str(library), "--quiet",
                     "--save", "--history", history]) == 0  # fmt: skip
    capsys.readouterr()
    blocker = tmp_path / "out.txt"
    blocker.write_text("x")
    assert "already exists and is not a folder" in fails(capsys, "export", "1", "--out", str(blocker),
                                                         "--history", history)  # fmt: skip
    with monkeypatch.context() as m:
        m.setattr(os, "fsync", _disk_full)
        line = fails(capsys, "export", "1", "--out", str(tmp_path / "export"), "--history", history)
    assert line.endswith("session-1.csv: the disk is full; free some space and try again"), line
    video = str(SHARED / "testdata" / "punch_side.mp4")
    # Refused before a single frame is decoded: a folder cannot take the video.
    line = fails(capsys, "render", video, "--reference", "jab", "--library", str(library), "--out", str(tmp_path))
    assert "is a folder; give the video a file name" in line


def test_a_missing_module_is_reported_not_skipped(library):
    """A broken install names what is missing; no command disappears because its import failed."""
    video = str(SHARED / "testdata" / "punch_side.mp4")
    for missing, args in (
        ("mediapipe", ["score", video, "--reference", "jab", "--library", str(library)]),  # imported on first use
        ("core.app.live_cli", ["list", "--library", str(library)]),  # `stream` used to vanish silently
    ):
        script = f"import sys; sys.modules[{missing!r}] = None; import main; sys.argv = ['posecoach', *{args!r}]; " \
                 "main.entry_point()"  # fmt: skip
        out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
        assert "not completely installed" in out.stderr and missing in out.stderr, out.stderr
