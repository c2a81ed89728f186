"""The messages between PoseProcess (the app) and its pose worker process: fixed binary records on a pipe.

Frames do not travel on the pipe: they are written into a shared-memory block whose name the worker is
told once (again when a larger frame needs a larger block). Only small records cross the pipe, so a
frame costs one memory copy and two short pipe messages. Each frame's reply echoes the frame's sequence
number, so the app can never take one frame's pose for another's.
"""

from __future__ import annotations

import struct
from typing import IO

import numpy as np
from numpy.typing import NDArray

NUM_LANDMARKS = 33
# Requests: op, byte offset of the frame in the shared block, sequence number, time (s), height, width.
REQUEST = struct.Struct("<cQQdII")
PROCESS, RESET, MAP, QUIT = b"P", b"R", b"M", b"Q"
# Start and MAP are answered by READY (or ERROR and a text); a frame by its status and sequence number,
# then the landmarks and the model's time (OK) or a length-prefixed UTF-8 message (ERROR).
OK, ERROR, READY = b"O", b"E", b"K"
FRAME_REPLY = struct.Struct("<cQ")
POSE_FLOATS = 2 * NUM_LANDMARKS * 4 + 1  # image then world landmarks, (33, 4) float32 each; inference ms
POSE_BYTES = POSE_FLOATS * 4
_LENGTH = struct.Struct("<I")


class WireClosed(EOFError):
    """The other side closed the pipe (the worker exited or was killed)."""


def read_exact(stream: IO[bytes], n: int) -> bytes:
    data = stream.read(n)
    if data is None or len(data) < n:
        raise WireClosed("the pose process closed its pipe")
    return data


def send_request(
    stream: IO[bytes], op: bytes, offset: int = 0, seq: int = 0, t: float = 0.0, h: int = 0, w: int = 0
) -> None:
    stream.write(REQUEST.pack(op, offset, seq, t, h, w))


def text_record(text: str) -> bytes:
    data = text.encode("utf-8", "replace")
    return _LENGTH.pack(len(data)) + data


def send_text(stream: IO[bytes], status: bytes, text: str) -> None:
    """A status (or request) followed by a length-prefixed text (an error message, a shared-memory name)."""
    stream.write(status + text_record(text))
    stream.flush()


def read_text(stream: IO[bytes]) -> str:
    (n,) = _LENGTH.unpack(read_exact(stream, _LENGTH.size))
    return read_exact(stream, n).decode("utf-8", "replace")


def pose_reply(seq: int, landmarks: NDArray[np.float32], world: NDArray[np.float32], ms: float) -> bytes:
    floats = np.concatenate([landmarks.ravel(), world.ravel(), [ms]]).astype("<f4")
    return FRAME_REPLY.pack(OK, seq) + floats.tobytes()


def error_reply(seq: int, text: str) -> bytes:
    return FRAME_REPLY.pack(ERROR, seq) + text_record(text)


def unpack_pose(data: bytes) -> tuple[NDArray[np.float32], NDArray[np.float32], float]:
    values = np.frombuffer(data, "<f4").astype(np.float32)
    poses = values[:-1].reshape(2, NUM_LANDMARKS, 4)
    return poses[0], poses[1], float(values[-1])
