"""Practice history: survives restarts and kills, refuses foreign files, migrates, records `stream --save`."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading

import numpy as np
import pytest

from core.app.cli import main as cli_main
from core.app.errors import PoseCoachError
from core.app.history import HistoryStore
from core.app.history_schema import APP_ID, SCHEMA_VERSION
from core.app.paths import default_history_path
from core.library.reference_library import Library
from core.library.references import make_reference
from core.pose.skeleton import PARTS

from .conftest import ROOT


def fill(store: HistoryStore, reps, label: str = "squat - front") -> int:
    sid = store.start_session("squat_front_air.mp4", label, "squat", "front", "app")
    for rep in reps:
        store.add_rep(sid, rep)
    store.end_session(sid)
    return sid


def test_sessions_and_reps_survive_a_restart(tmp_path, squat_reps):
    _, reps = squat_reps
    store = HistoryStore(tmp_path / "h.db")
    sid = fill(store, reps)
    store.close()

    again = HistoryStore(tmp_path / "h.db")
    (session,) = again.sessions()
    assert (session.id, session.reference, session.move, session.view) == (sid, "squat - front", "squat", "front")
    assert session.reps == len(reps) and session.ended_at is not None
    assert session.best == pytest.approx(max(r.score for r in reps))
    assert session.mean == pytest.approx(np.mean([r.score for r in reps]))
    back = again.reps(sid)
    assert [r.index for r in back] == [r.index for r in reps]
    assert [r.score for r in back] == pytest.approx([r.score for r in reps])
    assert [r.tempo for r in back] == pytest.approx([r.tempo for r in reps])
    for stored, rep in zip(back, reps, strict=True):
        assert stored.parts == pytest.approx({p: rep.parts.get(p) for p in PARTS}, nan_ok=True)
        assert [f["message"] for f in stored.feedback] == [f.message for f in rep.feedback]
    assert again.sessions("squat") and not again.sessions("push-up")
    (day,) = again.daily_progress("squat")
    assert day[1:] == pytest.approx((max(r.score for r in reps), np.mean([r.score for r in reps]), len(reps)))


def test_weakest_parts_count_corrections_per_body_part(tmp_path, squat_reps):
    _, reps = squat_reps
    store = HistoryStore(tmp_path / "h.db")
    fill(store, reps)
    expected: dict[str, int] = {}
    for rep in reps:
        for item in rep.feedback:
            if item.part in PARTS:  # "body" and "tempo" advice name no part to train
                expected[item.part] = expected.get(item.part, 0) + 1
    weakest = store.weakest_parts("squat")
    assert dict(weakest) == expected
    assert [n for _, n in weakest] == sorted(expected.values(), reverse=True)
    assert store.weakest_parts("push-up") == []


def test_a_killed_stream_keeps_every_reported_rep(tmp_path, pose_cache):
    squat = pose_cache.get("squat_front_air")
    lib = tmp_path / "lib"
    Library(lib).save(make_reference(squat.slice(60, 120), "squat", "front"))
    long_take = tmp_path / "long.npy"
    np.save(long_take, np.concatenate([squat.keypoints] * 30))  # ~15 minutes of squats: killed long before the end
    db = tmp_path / "h.db"
    child = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "stream", str(long_take), "--reference", "squat",
         "--library", str(lib), "--quiet", "--save", "--history", str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    announced = []
    assert child.stdout is not None
    for line in child.stdout:
        event = json.loads(line)
        if event.get("event") == "rep":
            announced.append(event)
            if len(announced) == 5:
                os.kill(child.pid, signal.SIGKILL)  # mid-session: no cleanup, no end_session
                break
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    store = HistoryStore(db)
    assert store.check() == "ok"
    (session,) = store.sessions()
    assert session.ended_at is None, "the session never ended"
    stored = store.reps(session.id)
    assert len(stored) >= len(announced)  # a rep is committed before it is printed
    for rep, event in zip(stored[: len(announced)], announced, strict=True):
        assert rep.index == event["index"] and round(rep.score, 1) == event["score"]
        assert set(rep.parts) == set(PARTS)
    # the file is still a working history: the next session goes in beside the interrupted one
    sid = store.start_session("next", "squat - front")
    store.end_session(sid)
    assert len(store.sessions()) == 2


def test_stream_save_with_auto_detect_stores_each_reps_move(tmp_path, pose_cache, capsys):
    squat, punch = pose_cache.get("squat_front_air"), pose_cache.get("punch_side")
    lib = Library(tmp_path / "lib")
    lib.save(make_reference(squat.slice(60, 120), "squat", "front"))
    lib.save(make_reference(punch.slice(8, 96), "punch", "side"))
    take = tmp_path / "squats.npy"
    np.save(take, squat.keypoints)
    db = tmp_path / "h.db"
    code = cli_main(["stream", str(take), "--library", str(lib.folder), "--quiet", "--save", "--history", str(db)])
    assert code == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    squat_reps = [e for e in events if e.get("event") == "rep" and e["reference"] == "squat - front"]
    assert len(squat_reps) >= 10

    store = HistoryStore(db)
    (session,) = store.sessions()
    assert session.reference is None and session.origin == "cli" and session.ended_at is not None
    (in_squat,) = store.sessions("squat")
    assert in_squat.reps == len(squat_reps)
    assert "squat" in store.moves()
    assert all(r.reference in ("squat - front", "punch - side") for r in store.reps(session.id))


def test_a_file_that_is_not_a_history_is_refused_by_name(tmp_path):
    other = tmp_path / "invoices.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(PoseCoachError, match=r"invoices\.db: .*not a PoseCoach history"):
        HistoryStore(other)
    junk = tmp_path / "notes.db"
    junk.write_bytes(b"not a database at all\n" * 200)
    with pytest.raises(PoseCoachError, match=r"notes\.db: not a PoseCoach history database"):
        HistoryStore(junk)
    assert junk.read_bytes() == b"not a database at all\n" * 200, "a refused file is left untouched"
    with pytest.raises(PoseCoachError, match="is a folder"):
        HistoryStore(tmp_path)


def test_the_cli_reports_a_bad_history_file_in_one_sentence(tmp_path, capsys):
    junk = tmp_path / "notes.db"
    junk.write_text("hello " * 500)
    assert cli_main(["history", "--history", str(junk)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "notes.db" in err and "Traceback" not in err


def test_schema_is_versioned_and_a_newer_file_is_refused(tmp_path):
    path = tmp_path / "h.db"
    HistoryStore(path).close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA application_id").fetchone()[0] == APP_ID
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(PoseCoachError, match="newer PoseCoach"):
        HistoryStore(path)


def test_several_writers_can_create_the_same_new_history_at_once(tmp_path):
    # The app and `stream --save` may open a history that does not exist yet at the same moment.
    for trial in range(5):
        path = tmp_path / f"h{trial}.db"
        barrier = threading.Barrier(6)
        errors: list[Exception] = []
        ids: list[int] = []

        def open_and_write(path=path, barrier=barrier, errors=errors, ids=ids) -> None:
            barrier.wait()
            try:
                store = HistoryStore(path)
                ids.append(store.start_session("cam", "squat - front"))
                store.close()
            except Exception as exc:  # noqa: BLE001 - collected for the assertion
                errors.append(exc)

        threads = [threading.Thread(target=open_and_write) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert sorted(ids) == [1, 2, 3, 4, 5, 6]


def test_default_path_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("POSECOACH_HISTORY", str(tmp_path / "mine.sqlite3"))
    assert default_history_path() == tmp_path / "mine.sqlite3"
    monkeypatch.delenv("POSECOACH_HISTORY")
    monkeypatch.delenv("POSECOACH_DATA_DIR", raising=False)  # conftest keeps tests out of the real one
    if sys.platform.startswith("linux"):
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
        assert default_history_path() == tmp_path / "data" / "posecoach" / "history.sqlite3"
        monkeypatch.delenv("XDG_DATA_HOME")
        assert default_history_path().parts[-4:] == (".local", "share", "posecoach", "history.sqlite3")


def test_history_cli_lists_sessions_as_json(tmp_path, squat_reps, monkeypatch):
    _, reps = squat_reps
    db = tmp_path / "h.db"
    store = HistoryStore(db)
    fill(store, reps[:3])
    store.close()
    monkeypatch.setenv("POSECOACH_HISTORY", str(tmp_path / "elsewhere.db"))  # --history wins over the variable
    out = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "history", "--json", "--history", str(db)],
        capture_output=True, text=True, check=True, env=os.environ.copy(),
    )  # fmt: skip
    data = json.loads(out.stdout)
    (session,) = data["sessions"]
    assert {"id", "source", "reference", "move", "view", "started_at", "ended_at", "reps", "best", "mean"} <= set(
        session
    )
    assert session["reps"] == 3 and session["move"] == "squat"
    assert session["best"] == pytest.approx(max(r.score for r in reps[:3]))
    assert isinstance(data["weakest_parts"], list)
    assert not (tmp_path / "elsewhere.db").exists()


def test_history_view_shows_the_sessions_and_exports_the_selected_one(qtbot, tmp_path, squat_reps, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from ui.history_view import HistoryView

    _, reps = squat_reps
    store = HistoryStore(tmp_path / "h.db")
    first = fill(store, reps)
    second = fill(store, reps[:4])
    view = HistoryView(store)
    qtbot.addWidget(view)
    view.show()
    assert view.table.rowCount() == 2
    rows = {view.table.item(r, 0).text(): view.table.item(r, 3).text() for r in range(2)}
    assert rows == {str(first): str(len(reps)), str(second): "4"}
    assert view.move_box.findText("squat") > 0
    part = store.weakest_parts("squat")[0][0].replace("_", " ")
    assert view.next_label.text().startswith(f"work on next: {part}")
    assert view.figure.axes[0].lines, "no progress line drawn"

    view.move_box.setCurrentIndex(view.move_box.findText("squat"))
    assert view.table.rowCount() == 2
    store.start_session("cam", "push-up - front")  # Refresh picks up what happened meanwhile
    view.move_box.setCurrentIndex(0)
    view.refresh()
    assert view.table.rowCount() == 3

    view.ask_folder = lambda: str(tmp_path / "export")
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *a, **k: None))
    row = next(r for r in range(view.table.rowCount()) if view.table.item(r, 0).text() == str(second))
    view.table.selectRow(row)
    view.export_selected()
    names = sorted(p.name for p in (tmp_path / "export").iterdir())
    assert names == [f"progress-squat-{second}.png", f"session-{second}.csv", f"session-{second}.json"]


def test_a_practice_that_counted_nothing_leaves_no_session(tmp_path, squat_reps):
    """Looking through references while a video plays starts and ends a practice per reference: only the
    practices that counted reps stay in the history."""
    import dataclasses

    from core.app.practice_history import PracticeHistory
    from core.library.references import HoldSpec

    ref, reps = squat_reps
    store = HistoryStore(tmp_path / "h.db")
    history = PracticeHistory(store)
    for reference in (None, ref, None):  # auto-detect, the squat, auto-detect again: only the squat counts
        history.begin("squat_front_air.mp4", reference, move=None if reference else "auto")
        if reference is not None:
            for rep in reps[:3]:
                history.add_rep(rep, ref.label)
        history.end()
    sessions = store.sessions()
    assert [(s.reference, s.reps) for s in sessions] == [(ref.label, 3)]
    assert sessions[0].ended_at is not None
    # a hold counts no reps (holds are not stored as reps): its practice keeps its session
    hold = dataclasses.replace(ref, move="squat hold", hold=HoldSpec(10, 20, 5.0))
    history.begin("squat_front_air.mp4", hold)
    history.end()
    assert [s.reference for s in store.sessions()] == [hold.label, ref.label]
    # `stream --save` and other callers keep their empty sessions unless they ask
    kept = store.start_session("clip.mp4", ref.label)
    store.end_session(kept)
    assert len(store.sessions()) == 3
