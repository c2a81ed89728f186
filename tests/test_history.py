"""Practice history: survives restarts and kills, exports what it holds, renders annotated video, shows in the app."""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys

import cv2
import numpy as np
import pytest

from core.errors import PoseCoachError
from core.history import HistoryStore
from core.live import LiveEngine
from core.references import Library, make_reference
from core.report import export_session
from core.scoring import PreparedReference
from core.skeleton import PARTS

from .conftest import ROOT, TESTDATA


@pytest.fixture(scope="module")
def squat_reps(pose_cache):
    """Real reps: the squat clip through the live engine against one of its reps."""
    squat = pose_cache.get("squat_front_air")
    ref = make_reference(squat.slice(60, 120), "squat", "front")
    engine = LiveEngine(PreparedReference.from_reference(ref))
    reps = []
    for k, row in enumerate(squat.keypoints):
        u = engine.push(row if np.isfinite(row[:, :2]).any() else None, k / squat.fps, squat.skeleton)
        if u.new_rep is not None:
            reps.append(u.new_rep)
    assert len(reps) >= 10
    return ref, reps


def fill(store: HistoryStore, reps, label="squat - front") -> int:
    sid = store.start_session("squat_front_air.mp4", label, "squat", "front", "app")
    for rep in reps:
        store.add_rep(sid, rep, label)
    store.end_session(sid)
    return sid


def test_sessions_survive_a_restart(tmp_path, squat_reps):
    _, reps = squat_reps
    store = HistoryStore(tmp_path / "h.db")
    sid = fill(store, reps)
    store.close()
    again = HistoryStore(tmp_path / "h.db")
    (session,) = again.sessions()
    assert (session.id, session.move, session.reps) == (sid, "squat", len(reps))
    assert session.best == pytest.approx(max(r.score for r in reps))
    back = again.reps(sid)
    assert [r.score for r in back] == pytest.approx([r.score for r in reps])
    assert set(back[0].parts) == set(PARTS)
    assert again.sessions("squat") and not again.sessions("push-up")
    assert again.daily_progress("squat")[0][3] == len(reps)


def test_a_killed_stream_keeps_every_reported_rep(tmp_path, pose_cache):
    squat = pose_cache.get("squat_front_air")
    lib = tmp_path / "lib"
    Library(lib).save(make_reference(squat.slice(60, 120), "squat", "front"))
    long_take = tmp_path / "long.npy"
    np.save(long_take, np.concatenate([squat.keypoints] * 30))  # ~15 minutes of squats: killed long before
    db = tmp_path / "h.db"
    child = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "stream", str(long_take), "--reference", "squat",
         "--library", str(lib), "--save", "--history", str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    announced = 0
    for line in child.stdout:
        if '"event": "rep"' in line:
            announced += 1
            if announced == 5:
                os.kill(child.pid, signal.SIGKILL)  # mid-session, no chance to clean up
                break
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    store = HistoryStore(db)
    assert store.check() == "ok"
    (session,) = store.sessions()
    assert session.ended_at is None and session.reps >= announced
    for rep in store.reps(session.id):  # every stored rep is whole: six parts each
        assert set(rep.parts) == set(PARTS) and rep.score >= 65


def test_export_writes_csv_json_and_a_plot_of_the_session(tmp_path, squat_reps):
    _, reps = squat_reps
    store = HistoryStore(tmp_path / "h.db")
    sid = fill(store, reps)
    paths = export_session(store, sid, tmp_path / "out")
    csv_path, json_path, png_path = paths
    rows = list(csv.DictReader(csv_path.open()))
    assert len(rows) == len(reps)
    assert float(rows[0]["score"]) == pytest.approx(reps[0].score, abs=0.05)
    assert set(PARTS) <= set(rows[0])
    data = json.loads(json_path.read_text())
    assert data["session"]["id"] == sid and len(data["reps"]) == len(reps)
    assert data["reps"][-1]["score"] == pytest.approx(reps[-1].score)
    image = cv2.imread(str(png_path))
    assert image is not None and image.shape[0] > 300 and image.std() > 10


def test_not_a_history_database_is_refused_by_name(tmp_path):
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(PoseCoachError, match="other.db"):
        HistoryStore(other)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 200)
    with pytest.raises(PoseCoachError, match="junk.db"):
        HistoryStore(junk)


def test_history_cli_lists_sessions_as_json(tmp_path, squat_reps):
    _, reps = squat_reps
    store = HistoryStore(tmp_path / "h.db")
    fill(store, reps[:3])
    store.close()
    cmd = [sys.executable, str(ROOT / "main.py"), "history", "--json", "--history", str(tmp_path / "h.db")]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    assert data["sessions"][0]["reps"] == 3 and data["sessions"][0]["move"] == "squat"


def test_render_writes_an_annotated_video_with_the_source_frame_count(tmp_path, pose_cache):
    punch = pose_cache.get("punch_side")
    lib = tmp_path / "lib"
    Library(lib).save(make_reference(punch.slice(8, 96), "punch", "side"))
    out = tmp_path / "annotated.mp4"
    run = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "render", str(TESTDATA / "punch_side.mp4"), "--reference", "punch",
         "--library", str(lib), "--out", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-1500:]
    cap = cv2.VideoCapture(str(out))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 103
    frames = []
    while (got := cap.read())[0]:
        frames.append(got[1])
    assert len(frames) == 103
    last = frames[60]
    greenish = (last[..., 1] > 180) & (last[..., 0] < 110) & (last[..., 2] < 110)
    assert greenish.sum() > 300, "no green trails burned in"
    assert not list(tmp_path.glob(".*partial*"))


def test_history_view_shows_sessions_and_exports(qtbot, tmp_path, squat_reps, monkeypatch):
    from ui.history_view import HistoryView

    _, reps = squat_reps
    store = HistoryStore(tmp_path / "h.db")
    fill(store, reps)
    fill(store, reps[:4])
    view = HistoryView(store)
    qtbot.addWidget(view)
    view.show()
    assert view.table.rowCount() == 2
    assert view.move_box.findText("squat") > 0
    assert view.next_label.text().startswith(("work on next", "no corrections"))
    assert view.figure.axes[0].lines, "no progress line drawn"
    view.ask_folder = lambda: str(tmp_path / "export")
    view.table.selectRow(1)
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *a, **k: None))
    view.export_selected()
    assert sorted(p.suffix for p in (tmp_path / "export").iterdir()) == [".csv", ".json", ".png"]
