"""Session export: the CSV, JSON and progress plot hold exactly what the history holds."""

from __future__ import annotations

import csv
import json

import cv2
import pytest

from core.app.cli import main as cli_main
from core.app.errors import PoseCoachError
from core.app.history import HistoryStore
from core.pose.skeleton import PARTS
from core.view.report import export_session


def test_export_writes_csv_json_and_a_plot_of_the_session(tmp_path, squat_reps):
    _, reps = squat_reps
    store = HistoryStore(tmp_path / "h.db")
    sid = store.start_session("squat_front_air.mp4", "squat - front", "squat", "front", "app")
    for rep in reps:
        store.add_rep(sid, rep)
    store.end_session(sid)

    csv_path, json_path, png_path = export_session(store, sid, tmp_path / "out")
    assert (csv_path.name, json_path.name, png_path.name) == (
        f"session-{sid}.csv", f"session-{sid}.json", f"progress-squat-{sid}.png",
    )  # fmt: skip

    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    assert len(rows) == len(reps)
    assert list(rows[0])[:6] == ["index", "reference", "start", "end", "score", "tempo"]
    assert set(PARTS) <= set(rows[0]) and "feedback" in rows[0]
    for row, rep in zip(rows, reps, strict=True):
        assert int(row["index"]) == rep.index
        assert float(row["score"]) == pytest.approx(rep.score, abs=0.05)
        assert float(row["tempo"]) == pytest.approx(rep.tempo, abs=5e-4)
        for part in PARTS:
            value = rep.parts.get(part)
            assert (row[part] == "") if value is None else float(row[part]) == pytest.approx(value, abs=0.05)
        assert row["feedback"] == "; ".join(f.message for f in rep.feedback)

    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["format"] == "posecoach-session" and data["version"] == 1
    assert data["session"]["id"] == sid and data["session"]["reps"] == len(reps)
    assert [r["score"] for r in data["reps"]] == pytest.approx([r.score for r in reps])
    assert data["reps"][0]["parts"] == pytest.approx({p: reps[0].parts.get(p) for p in PARTS})
    assert [f["part"] for f in data["reps"][-1]["feedback"]] == [f.part for f in reps[-1].feedback]

    image = cv2.imread(str(png_path))
    assert image is not None and image.shape[0] >= 600 and image.shape[1] >= 700
    assert image.std() > 10, "the plot is blank"
    bars = (image[..., 1] > 140) & (image[..., 0] < 90) & (image[..., 2] < 90)  # the green rep bars
    assert bars.sum() > 5000
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")], "temporary files left behind"


def test_export_of_an_unknown_session_says_which(tmp_path, capsys):
    store = HistoryStore(tmp_path / "h.db")
    with pytest.raises(PoseCoachError, match="no session 42"):
        export_session(store, 42, tmp_path / "out")
    store.close()
    assert cli_main(["export", "42", "--out", str(tmp_path / "out"), "--history", str(tmp_path / "h.db")]) == 2
    assert "error: no session 42" in capsys.readouterr().err
