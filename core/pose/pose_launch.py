"""Starting and stopping the pose worker process (core.pose.pose_worker) for PoseProcess.

The worker is started with `python -c` so that it imports `core` from this installation whatever folder the
app was started in (with `-m`, a `core` package in the current folder would come first). What it prints goes
to the app's log file. A worker stuck inside a frame never reads its closed pipe, so any still running when
the app exits is killed.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import subprocess
import sys
import threading
import weakref
from pathlib import Path

from .pose_wire import ERROR, QUIT, READY, WireClosed, read_exact, read_text, send_request

QUIT_WAIT = 2.0  # s: a worker still inside a frame after this is killed
START_WAIT = 120.0  # s: a worker that neither answers nor exits by then is killed (loading takes 0.5-2 s)
LOG = logging.getLogger("posecoach")
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])  # the folder holding `core`, for the worker's imports
_BOOTSTRAP = "import sys; sys.path[0] = {root!r}; from core.pose.pose_worker import main; sys.exit(main(sys.argv[1:]))"
_LIVE: weakref.WeakSet[subprocess.Popen[bytes]] = weakref.WeakSet()


class PoseProcessError(RuntimeError):
    """The pose worker could not start, failed a frame, or stopped."""


@atexit.register
def _kill_left_workers() -> None:
    for proc in list(_LIVE):
        if proc.poll() is None:
            proc.kill()


def _log_file() -> str | None:
    """The file the app logs to (ui/app.py configures logging), if it logs to one."""
    for logger in (LOG, logging.getLogger()):
        for handler in logger.handlers:
            if isinstance(handler, logging.FileHandler) and handler.baseFilename != os.path.abspath(os.devnull):
                return handler.baseFilename
    return None


def start_worker(model: str) -> subprocess.Popen[bytes]:
    """A worker with `model` loaded and ready; PoseProcessError with the reason if there is none."""
    if getattr(sys, "frozen", False):  # a bundled app's executable is the app, not an interpreter
        raise PoseProcessError("the pose process cannot be started from a bundled app")
    env = dict(os.environ)
    env.setdefault("GLOG_minloglevel", "2")
    errors = _log_file()
    try:
        with contextlib.ExitStack() as files:
            stderr = None
            if errors is not None:
                with contextlib.suppress(OSError):  # a log that cannot be opened: the worker prints to ours
                    stderr = files.enter_context(open(errors, "ab"))
            command = [sys.executable, "-c", _BOOTSTRAP.format(root=_PACKAGE_ROOT), model]
            proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, env=env)
    except OSError as exc:  # no interpreter to run it with (an embedded Python)
        raise PoseProcessError(f"the pose process could not be started: {exc}") from exc
    _LIVE.add(proc)
    assert proc.stdout is not None
    watchdog = threading.Timer(START_WAIT, proc.kill)
    watchdog.daemon = True
    watchdog.start()
    try:
        status = read_exact(proc.stdout, 1)
        if status == ERROR:
            raise PoseProcessError(f"the {model} pose model could not be loaded: {read_text(proc.stdout)}")
        if status != READY:
            raise PoseProcessError(f"the pose process answered {status!r} on start")
    except WireClosed:
        code = proc.wait()
        stop_worker(proc)  # closes its pipes
        raise PoseProcessError(f"the pose process did not start (exit code {code})") from None
    except BaseException:
        stop_worker(proc)
        raise
    finally:
        watchdog.cancel()
    return proc


def ask_quit(proc: subprocess.Popen[bytes]) -> None:
    """Tell a running worker to close its model and exit; returns at once."""
    try:
        if proc.poll() is None and proc.stdin is not None and not proc.stdin.closed:
            send_request(proc.stdin, QUIT)
            proc.stdin.close()
    except OSError:
        pass  # gone already


def stop_worker(proc: subprocess.Popen[bytes]) -> None:
    """Ask the worker to quit and wait for it; killed if it has not exited after QUIT_WAIT. Pipes closed."""
    ask_quit(proc)
    try:
        proc.wait(QUIT_WAIT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    finally:
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
