"""Typed errors a user can cause; the CLI and the GUI turn them into one sentence, no traceback."""

from __future__ import annotations

import errno


class PoseCoachError(Exception):
    """An expected failure with a message meant for a person."""


class SourceError(PoseCoachError):
    """A video, camera or keypoint file that cannot be read."""


class NoPoseError(PoseCoachError):
    """Nobody (or too little of a body) was detected in the source."""


class LibraryError(PoseCoachError):
    """A reference file that is missing, corrupt or would be overwritten."""


class ModelError(PoseCoachError):
    """A pose model file that is missing or damaged, or a model package that cannot be installed."""


# What a person can do about the OS errors they meet (the rest keep the system's own words).
_OS_ADVICE = {
    errno.ENOSPC: "the disk is full; free some space and try again",
    errno.EDQUOT: "the disk quota is used up; free some space and try again",
    errno.EACCES: "permission denied; choose a file or folder you may use",
    errno.EPERM: "not permitted; choose a file or folder you may use",
    errno.EROFS: "the file system is read-only; choose another folder",
    errno.EISDIR: "is a folder, not a file",
    errno.ENOTDIR: "a part of this path is a file, not a folder",
    errno.EEXIST: "already exists and is not a folder",
    errno.ENOENT: "no such file or folder",
    errno.EIO: "cannot be read or written (input/output error: a damaged disk or a device that went away?)",
}


def describe_os_error(exc: OSError, with_file: bool = True) -> str:
    """'<file>: <what happened and what to do>' for an OSError, without Python's class names.

    with_file=False leaves the file out, for a caller whose sentence already names it.
    """
    what = _OS_ADVICE.get(exc.errno or -1) or exc.strerror or str(exc)
    where = exc.filename if with_file and exc.filename is not None else ""
    return f"{where}: {what}" if where else what
