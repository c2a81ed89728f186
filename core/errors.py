"""Typed errors a user can cause; the CLI and the GUI turn them into one sentence, no traceback."""


class PoseCoachError(Exception):
    """An expected failure with a message meant for a person."""


class SourceError(PoseCoachError):
    """A video, camera or keypoint file that cannot be read."""


class NoPoseError(PoseCoachError):
    """Nobody (or too little of a body) was detected in the source."""


class LibraryError(PoseCoachError):
    """A reference file that is missing, corrupt or would be overwritten."""
