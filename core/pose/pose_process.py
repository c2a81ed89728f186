"""PoseEstimator's interface (process, reset, close, model), served by mediapipe in a worker process.

The live app runs its pose through this: in the app's own process mediapipe's wrapper competes for the GIL
with scoring, drawing and the UI thread (see pose_worker). The frame is converted BGR -> RGB straight into a
shared-memory block (cv2 releases the GIL while it copies), the worker reads it there and sends back 2 x 33
landmarks. Like PoseEstimator it serves one thread at a time, frames in order.

A worker that dies (a crash inside the model) fails the frame it was working on; the next frame starts a
new worker, with tracking afresh, up to MAX_RESTARTS times. Frames sent ahead to the dead worker are sent
again to the new one.
"""

from __future__ import annotations

import contextlib
import subprocess
import threading
from collections import deque
from multiprocessing import shared_memory

import cv2
import numpy as np
from numpy.typing import NDArray

from ..frame.sources import Frame
from .estimator import PoseEstimator, PoseFrame
from .models import DEFAULT_MODEL, require_model
from .pose_launch import LOG, PoseProcessError, ask_quit, start_worker, stop_worker
from .pose_wire import (
    ERROR,
    FRAME_REPLY,
    MAP,
    OK,
    POSE_BYTES,
    PROCESS,
    READY,
    RESET,
    WireClosed,
    read_exact,
    read_text,
    send_request,
    text_record,
    unpack_pose,
)

MAX_RESTARTS = 3  # within RESTARTS_FORGOTTEN frames: a model that keeps crashing is given up
RESTARTS_FORGOTTEN = 1000  # frames processed without a crash after which earlier restarts no longer count
SLOTS = 2  # frames the worker may hold at once: the one it works on and the next


class PoseProcess:
    """mediapipe Pose (lite, full or heavy) in a worker process; `process(frame)` blocks until its pose is back.

    `send_ahead(frame)` hands the worker a frame before `process` asks for it, so that the worker goes from
    one frame straight to the next: the app sends frame N+1 before it waits for frame N (up to SLOTS frames
    out at once, each in its own part of the shared block).
    """

    def __init__(self, model: str = DEFAULT_MODEL) -> None:
        self.model = require_model(model).name  # a missing model is said here, as PoseEstimator says it
        self.last_ms = 0.0  # the model's own time for the last frame, as the worker measured it
        self._block: shared_memory.SharedMemory | None = None
        self._slot_bytes = 0
        self._mapped = False  # the running worker knows the current block
        self._sent: deque[tuple[Frame, int]] = deque()  # frames the worker has and not yet answered, with seq
        self._count = 0  # frames sent: frame k has sequence number k and goes to slot k % SLOTS
        self._restarts = 0
        self._good_frames = 0  # since the last restart
        self._proc = self._spawn()

    def _spawn(self) -> subprocess.Popen[bytes]:
        proc = start_worker(self.model)
        self._mapped = False  # a new worker knows no block and has no frames
        self._sent.clear()
        return proc

    def send_ahead(self, frame: Frame) -> bool:
        """Give the worker `frame` now; its pose is read by `process(frame)`. Frames must be sent ahead in the
        order they will be asked for. True when the worker has the frame (sent now or before); False when
        SLOTS frames are out already, the frame needs a larger block than the frames out use, or the worker
        has stopped (`process` then restarts it and says so)."""
        if any(f is frame for f, _ in self._sent):
            return True
        if len(self._sent) >= SLOTS or self._proc.poll() is not None:
            return False
        if self._sent and self._needs_block(frame):
            return False
        try:
            self._send(frame)
        except (WireClosed, OSError):
            return False
        return True

    def process(self, frame: Frame) -> PoseFrame:
        if self._proc.poll() is not None:
            self._restart()  # died between frames: this frame goes to the new worker
        try:
            while self._sent and self._sent[0][0] is not frame:
                self._drop()  # sent ahead but not asked for (a source switch)
            if not self._sent:
                self._send(frame)
            pose = self._receive()
        except (WireClosed, OSError):  # OSError: a pipe to a dead process (EINVAL on Windows, EPIPE elsewhere)
            self._proc.kill()
            code = self._proc.wait()
            raise PoseProcessError(
                f"the pose process stopped with frame {frame.index} (exit code {code}); the next frame starts a new one"
            ) from None
        self._good_frames += 1
        if self._good_frames >= RESTARTS_FORGOTTEN:
            self._restarts = 0
        return pose

    def _needs_block(self, frame: Frame) -> bool:
        h, w = frame.image.shape[:2]
        return self._slot_bytes < h * w * 3

    def _send(self, frame: Frame) -> None:
        image = frame.image
        if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
            raise ValueError(f"a frame must be 8-bit BGR, got {image.dtype} {image.shape}")
        h, w = image.shape[:2]
        if self._needs_block(frame):
            while self._sent:
                self._drop()  # the frames out are in the old block
            self._new_block(h * w * 3)
        self._map()
        seq = self._count
        offset = (seq % SLOTS) * self._slot_bytes  # slots of the block's size: a smaller frame never overlaps
        assert self._block is not None
        rgb: NDArray[np.uint8] = np.ndarray((h, w, 3), np.uint8, buffer=self._block.buf, offset=offset)
        cv2.cvtColor(image, cv2.COLOR_BGR2RGB, dst=rgb)  # converted and copied at once, without the GIL
        del rgb  # the block cannot close while a view of it exists
        stdin = self._proc.stdin
        assert stdin is not None
        send_request(stdin, PROCESS, offset, seq, frame.t, h, w)
        stdin.flush()
        self._sent.append((frame, seq))
        self._count += 1

    def _receive(self) -> PoseFrame:
        frame, seq = self._sent.popleft()
        stdout = self._proc.stdout
        assert stdout is not None
        status, echoed = FRAME_REPLY.unpack(read_exact(stdout, FRAME_REPLY.size))
        if status not in (OK, ERROR) or echoed != seq:
            # Out of step with the worker: nothing it says can be trusted any more; a new one starts next frame.
            self._proc.kill()
            self._proc.wait()
            raise PoseProcessError(f"the pose process answered frame {echoed} ({status!r}) for frame {seq}")
        if status == ERROR:
            raise PoseProcessError(f"the pose model failed on frame {frame.index}: {read_text(stdout)}")
        landmarks, world, self.last_ms = unpack_pose(read_exact(stdout, POSE_BYTES))
        h, w = frame.image.shape[:2]
        return PoseFrame(frame.index, frame.t, landmarks, world, (w, h))

    def _drop(self) -> None:
        """Read the reply to the oldest frame sent and forget it, also when the model failed on it."""
        with contextlib.suppress(PoseProcessError):
            self._receive()

    def _new_block(self, slot_bytes: int) -> None:
        old, self._block = self._block, shared_memory.SharedMemory(create=True, size=SLOTS * slot_bytes)
        self._slot_bytes, self._mapped = slot_bytes, False
        if old is not None:
            old.close()
            old.unlink()  # the worker maps the new block next; until then its mapping keeps the old memory alive

    def _map(self) -> None:
        """Tell a worker that does not know it yet the block's name."""
        if self._mapped or self._block is None:
            return
        stdin, stdout = self._proc.stdin, self._proc.stdout
        assert stdin is not None and stdout is not None
        send_request(stdin, MAP)
        stdin.write(text_record(self._block.name))
        stdin.flush()
        if read_exact(stdout, 1) != READY:
            raise PoseProcessError("the pose process could not map the frame buffer")
        self._mapped = True

    def _restart(self) -> None:
        code = self._proc.returncode
        stop_worker(self._proc)
        if self._restarts >= MAX_RESTARTS:
            raise PoseProcessError(f"the pose process stopped {self._restarts + 1} times; restart PoseCoach")
        self._restarts += 1
        self._good_frames = 0
        LOG.warning("the pose process had stopped (exit code %s); starting a new one (%d of %d)", code,
                    self._restarts, MAX_RESTARTS)  # fmt: skip
        self._proc = self._spawn()

    def reset(self) -> None:
        """Forget tracking state so the next frame starts a new source."""
        if self._proc.poll() is not None:
            return  # a new worker starts with the next frame, afresh
        stdin = self._proc.stdin
        assert stdin is not None
        try:
            while self._sent:
                self._drop()  # frames of the old source: tracking forgets them next
            send_request(stdin, RESET)
            stdin.flush()
        except (WireClosed, OSError):
            pass  # died meanwhile: the next frame restarts it

    def close(self) -> None:
        """Ask the worker to quit and return: it closes the model and exits by itself (about 0.2 s, which the
        window's close must not wait for); one that has not exited after QUIT_WAIT is killed."""
        proc = self._proc
        ask_quit(proc)
        if proc.poll() is None:
            threading.Thread(target=stop_worker, args=(proc,), name="posecoach-pose-quit", daemon=True).start()
        else:
            stop_worker(proc)
        if self._block is not None:
            self._block.close()
            self._block.unlink()  # the worker's mapping keeps the memory until it exits
            self._block = None

    def __enter__(self) -> PoseProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_pose(model: str = DEFAULT_MODEL) -> PoseProcess | PoseEstimator:
    """The app's estimator: `model` in a worker process, or in this process when no worker can be started
    (logged; the app then runs as before, only the pose shares this process's GIL). A missing model is
    ModelError either way, and a model that fails to load fails the same in this process."""
    try:
        return PoseProcess(model)
    except PoseProcessError as exc:
        LOG.warning("%s; running the pose model in the app's own process", exc)
        return PoseEstimator(model)
