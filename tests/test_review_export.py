"""`export` writes the review video of a session whose reps were kept: every rep along its path, the worst slowed."""

from __future__ import annotations

import cv2
import numpy as np

from core.app.cli import main as cli_main
from core.app.history import HistoryStore
from core.frame.sources import VideoSource
from core.library.references import make_reference
from core.match.live import LiveEngine
from core.score.scoring import PreparedReference
from core.view.rep_takes import RepTakeBuffer
from core.view.review_store import save_takes, takes_path

from .conftest import TESTDATA
from .test_render import read_all


def test_export_includes_the_review_video_of_the_kept_reps(tmp_path, pose_cache, capsys):
    jacks = pose_cache.get("jumping_jacks_front")
    ref = make_reference(jacks.slice(40, 80), "jumping jack", "front")
    prepared = PreparedReference.from_reference(ref)
    engine = LiveEngine(prepared)
    buffer = RepTakeBuffer(max_reps=3)  # fewer than the clip's reps: the oldest are dropped
    store = HistoryStore(tmp_path / "history.db")
    sid = store.start_session("jumping_jacks_front.mp4", ref.label, ref.move, ref.view)
    reps = []
    with VideoSource(str(TESTDATA / "jumping_jacks_front.mp4")) as video:
        for frame in video:
            row = jacks.keypoints[frame.index]
            kp = row if np.isfinite(row[0, 0]) else None
            u = engine.push(kp, frame.t)
            buffer.add_frame(frame.t, frame.image, kp)
            if u.new_rep is not None:
                reps.append(u.new_rep)
                store.add_rep(sid, u.new_rep, ref.label)
                buffer.add_rep(u.new_rep, ref.label, prepared)
    store.end_session(sid)
    takes = buffer.takes()
    assert len(reps) > 3 and [t.rep.index for t in takes] == [r.index for r in reps[-3:]]
    assert all(t.keypoints.shape == (len(t), 17, 3) and t.image(0).shape[0] == 240 for t in takes)
    save_takes(takes, takes_path(store.path, sid))
    store.close()

    out = tmp_path / "export"
    assert cli_main(["export", str(sid), "--out", str(out), "--history", str(tmp_path / "history.db")]) == 0
    said = capsys.readouterr().out
    video = out / f"session-{sid}-review.mp4"
    assert f"wrote {video}" in said and (out / f"session-{sid}.csv").is_file()
    frames, _ = read_all(video)
    worst = min(takes, key=lambda t: t.rep.score)
    assert len(frames) == sum(len(t.path) for t in takes) + 4 * len(worst.path)
    assert int(cv2.VideoCapture(str(video)).get(cv2.CAP_PROP_FRAME_COUNT)) == len(frames)

    # A session without kept reps exports as before, without a video.
    with HistoryStore(tmp_path / "history.db") as again:
        other = again.start_session("camera", ref.label)
        again.end_session(other)
    assert cli_main(["export", str(other), "--out", str(out), "--history", str(tmp_path / "history.db")]) == 0
    assert not (out / f"session-{other}-review.mp4").exists()

    # A damaged takes file (truncated on a full disk, edited) costs the video with a clear error, never a
    # traceback; the session's CSV is written first.
    sid_path = takes_path(tmp_path / "history.db", sid)
    sid_path.write_bytes(sid_path.read_bytes()[:5000])
    again_out = tmp_path / "export2"
    code = cli_main(["export", str(sid), "--out", str(again_out), "--history", str(tmp_path / "history.db")])
    said = capsys.readouterr()
    assert code == 2 and "cannot be read" in said.err and str(sid_path) in said.err
    assert (again_out / f"session-{sid}.csv").is_file()
