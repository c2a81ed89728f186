"""The pose worker process: mediapipe in a process of its own, fed by PoseProcess (core.pose.pose_process).

started by core.pose.pose_launch (stdin: requests, stdout: replies; see pose_wire)

Why a process: mediapipe's Python wrapper takes the GIL around every frame, so in the app's process the
pose, the scoring and drawing thread and the UI thread queue for one lock, and the GUI ran at 0.80-0.84 of
bare inference. In its own process the model has its own interpreter and the app's threads never wait for it.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from multiprocessing import resource_tracker, shared_memory
from typing import IO

import numpy as np
from numpy.typing import NDArray

from .pose_wire import (
    ERROR,
    MAP,
    PROCESS,
    QUIT,
    READY,
    REQUEST,
    RESET,
    WireClosed,
    error_reply,
    pose_reply,
    read_exact,
    read_text,
    send_text,
)


def attach(name: str) -> shared_memory.SharedMemory:
    """The app's frame block, not registered with a resource tracker. Before Python 3.13 attaching registers
    it, starting a tracker process here that would unlink the block when this worker ends, although the app
    created and owns it (and a worker killed before unregistering would take it from every later worker)."""
    register = resource_tracker.register
    resource_tracker.register = lambda name, rtype: None
    try:
        return shared_memory.SharedMemory(name=name)
    finally:
        resource_tracker.register = register


def serve(model: str, requests: IO[bytes], replies: IO[bytes]) -> int:
    from .estimator import PoseEstimator

    try:
        estimator = PoseEstimator(model)
    except Exception as exc:  # noqa: BLE001 - said to the app, which shows it
        send_text(replies, ERROR, f"{type(exc).__name__}: {exc}")
        return 1
    replies.write(READY)
    replies.flush()
    block: shared_memory.SharedMemory | None = None
    try:
        while True:
            try:
                op, offset, seq, t, h, w = REQUEST.unpack(read_exact(requests, REQUEST.size))
            except WireClosed:
                return 0  # the app went away: nothing to answer
            if op == QUIT:
                return 0
            if op == RESET:
                estimator.reset()
            elif op == MAP:
                if block is not None:
                    block.close()
                block = attach(read_text(requests))
                replies.write(READY)
            elif op == PROCESS and block is not None and offset + h * w * 3 <= block.size:
                rgb: NDArray[np.uint8] = np.ndarray((h, w, 3), np.uint8, buffer=block.buf, offset=offset)
                try:
                    started = time.perf_counter()
                    pose = estimator.process_rgb(rgb, seq, t)
                    replies.write(pose_reply(seq, pose.landmarks, pose.world, (time.perf_counter() - started) * 1000))
                except Exception as exc:  # noqa: BLE001 - one bad frame is the app's to report
                    replies.write(error_reply(seq, f"{type(exc).__name__}: {exc}"))
                del rgb  # the block cannot close while a view of it exists
            else:
                replies.write(error_reply(seq, f"unexpected request {op!r} ({h}x{w} at byte {offset})"))
            replies.flush()
    finally:
        estimator.close()
        if block is not None:
            block.close()


def main(argv: list[str]) -> int:
    model = argv[0] if argv else "full"
    # Ctrl+C in the app's terminal reaches this process too: the app decides when it ends (QUIT, or its pipe
    # closing), so the worker neither dies with a traceback nor fails the frame it has.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    requests = sys.stdin.buffer
    # Replies get the real stdout; anything a library prints goes to stderr (or nowhere, under pythonw)
    # instead of into the replies.
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    quiet = sys.stderr.fileno() if sys.stderr is not None else os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, sys.stdout.fileno())
    return serve(model, requests, replies)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
