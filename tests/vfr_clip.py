"""Make a variable-frame-rate MP4 from a real clip, as a phone does: frames kept, each with its own duration.

OpenCV only writes constant-rate files, so the frames are written at a constant rate and the container's
time-to-sample table (`stts`) is rewritten afterwards: the pictures stay, their timestamps change.
"""

from __future__ import annotations

import struct
from pathlib import Path

import cv2
import numpy as np

CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl"}


def _boxes(data: bytes) -> list[tuple[bytes, bytes]]:
    """Top-level boxes of `data` as (type, payload); 64-bit sizes are not needed for test clips."""
    out, pos = [], 0
    while pos + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if size < 8:
            raise ValueError(f"unsupported box size {size} for {kind!r}")
        out.append((kind, data[pos + 8 : pos + size]))
        pos += size
    return out


def _pack(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def _rewrite(payload: bytes, kind: bytes, deltas: np.ndarray, state: dict) -> bytes:
    if kind in CONTAINERS:
        return b"".join(_pack(k, _rewrite(p, k, deltas, state)) for k, p in _boxes(payload))
    if kind == b"mdhd" and payload[0] == 0:  # version 0: 32-bit times; duration at bytes 16..20
        state["timescale"] = struct.unpack(">I", payload[12:16])[0]
        return payload[:16] + struct.pack(">I", int(deltas.sum())) + payload[20:]
    if kind == b"stts":
        runs: list[list[int]] = []
        for d in deltas.tolist():
            if runs and runs[-1][1] == d:
                runs[-1][0] += 1
            else:
                runs.append([1, d])
        body = struct.pack(">II", 0, len(runs)) + b"".join(struct.pack(">II", n, d) for n, d in runs)
        return body
    return payload


def _set_durations(payload: bytes, kind: bytes, seconds: float) -> bytes:
    """mvhd/tkhd durations in the movie timescale, and the edit list dropped (it would cut the new length)."""
    if kind in CONTAINERS:
        out = b""
        for k, p in _boxes(payload):
            out += _pack(b"free" if k == b"edts" else k, _set_durations(p, k, seconds))
        return out
    if kind == b"mvhd" and payload[0] == 0:
        scale = struct.unpack(">I", payload[12:16])[0]
        return payload[:16] + struct.pack(">I", round(seconds * scale)) + payload[20:]
    if kind == b"tkhd" and payload[0] == 0:
        return payload  # FFmpeg reads the media duration (mdhd); tkhd is left as written
    return payload


def write_vfr_clip(src: Path, out: Path, keep: list[int], durations: list[float]) -> list[float]:
    """Write frames `keep` of `src` to `out` (.mp4), frame k lasting `durations[k]` seconds.

    Returns the presentation time of each written frame (seconds from the first).
    """
    cap = cv2.VideoCapture(str(src))
    fps = cap.get(cv2.CAP_PROP_FPS)
    images, index, wanted = [], 0, set(keep)
    while len(images) < len(keep):
        ok, image = cap.read()
        if not ok:
            break
        if index in wanted:
            images.append(image)
        index += 1
    cap.release()
    if len(images) != len(keep):
        raise ValueError(f"{src}: has fewer frames than asked for")
    h, w = images[0].shape[:2]
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    for image in images:
        writer.write(image)
    writer.release()
    data = out.read_bytes()
    boxes = _boxes(data)
    kinds = [k for k, _ in boxes]
    if kinds.index(b"moov") < kinds.index(b"mdat"):
        raise ValueError("moov before mdat: chunk offsets would need moving too")
    moov = dict(boxes)[b"moov"]
    state: dict = {}
    _rewrite(moov, b"moov", np.zeros(len(images), np.int64), state)  # learn the media timescale
    ticks = np.round(np.asarray(durations) * state["timescale"]).astype(np.int64)
    moov = _rewrite(moov, b"moov", ticks, state)
    moov = _set_durations(moov, b"moov", float(ticks.sum()) / state["timescale"])
    out.write_bytes(b"".join(_pack(k, moov if k == b"moov" else p) for k, p in boxes))
    starts = np.concatenate([[0], np.cumsum(ticks)[:-1]]) / state["timescale"]
    return [float(t) for t in starts]
