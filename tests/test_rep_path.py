"""The alignment a review plays (core.match.rep_path): real Muay Thai keypoints, retimed and mirrored."""

from __future__ import annotations

import numpy as np

from core.features.bones import mirror_keypoints
from core.frame.sources import load_keypoint_array
from core.library.references import make_reference
from core.match.rep_path import rep_alignment, rep_path
from core.pose.estimator import PoseSequence
from core.pose.skeleton import COCO17, to_coco17
from core.score.scoring import PreparedReference

from .conftest import TESTDATA

KICK = TESTDATA / "muaythai" / "references" / "roundhouse_left.npy"


def test_a_retimed_rep_is_followed_along_its_warp_and_a_mirrored_one_too():
    kp, skeleton = load_keypoint_array(KICK)
    prepared = PreparedReference.from_reference(make_reference(PoseSequence(kp, skeleton, 30.0), "kick", "side"))
    coco = to_coco17(kp, skeleton)
    n = len(coco)
    # The same kick with a slow chamber and a fast return: reference frame i is shown at rep frame warp[i].
    src = np.concatenate([np.arange(0, n // 2, 0.5), np.arange(n // 2, n, 1.5)])
    rep = coco[np.round(src).astype(int).clip(0, n - 1)]
    for take in (rep, mirror_keypoints(rep, COCO17)):  # done as filmed, and by a southpaw (mirrored)
        path = rep_path(take, prepared)
        assert tuple(path[0]) == (0, 0) and tuple(path[-1]) == (n - 1, len(take) - 1)
        assert (np.diff(path, axis=0) >= 0).all()
        shown = np.round(src[path[:, 1]])  # the reference frame each rep frame really shows
        assert np.mean(np.abs(shown - path[:, 0]) <= 2) > 0.9
    # Told the wrong side, the alignment is worse: trying both is what follows a southpaw.
    wrong = rep_path(mirror_keypoints(rep, COCO17), prepared, mirror=False)
    assert np.mean(np.abs(np.round(src[wrong[:, 1]]) - wrong[:, 0]) <= 2) < 0.9


def test_the_review_ghost_faces_the_rep_whichever_way_it_was_done():
    """Filmed as the reference: the ghost as recorded; mirrored (a southpaw) or turned around (the camera on
    the other side): turned in x to face the rep."""
    kp, skeleton = load_keypoint_array(KICK)
    prepared = PreparedReference.from_reference(make_reference(PoseSequence(kp, skeleton, 30.0), "kick", "side"))
    rep = to_coco17(kp, skeleton)
    turned = rep.copy()
    turned[..., 0] = 1920 - turned[..., 0]  # the set's 1920-pixel-wide frame
    for take, flipped in ((rep, False), (mirror_keypoints(rep, COCO17), True), (turned, True)):
        alignment = rep_alignment(take, prepared)
        assert alignment.ghost_flipped == flipped
        assert np.mean(alignment.path[:, 0] == alignment.path[:, 1]) > 0.9  # the same kick, frame for frame
