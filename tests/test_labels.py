"""One 'move - view' parser and one score colour ramp, used by the library, the history, the seed import,
the window, the overlay and the body figure alike."""

from __future__ import annotations

from core.app.history import HistoryStore
from core.library.labels import format_label, label_matches, move_of, parse_label
from core.library.references import Reference
from core.library.seed_import import split_label
from core.score.score_colours import NO_SCORE_RGB, score_bgr, score_rgb


def test_a_label_round_trips_even_when_the_move_has_a_dash():
    for move, view in (("squat", "front"), ("jab - cross", "side"), ("front kick", "left")):
        assert parse_label(format_label(move, view)) == (move, view)
    assert parse_label("squat") == ("squat", None)
    assert parse_label(" - front") == ("- front", None)  # no move before the separator: not a label
    assert move_of("jab - cross - side") == "jab - cross" and move_of(None) is None and move_of("") is None


def test_every_module_reads_labels_the_same_way(tmp_path):
    ref = Reference("jab - cross", "side", None, "coco17", 30.0, {})  # type: ignore[arg-type]
    assert ref.label == "jab - cross - side"
    assert split_label(ref.label) == ("jab - cross", "side")
    assert split_label("punch") == ("punch", "unknown")
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        sid = store.start_session("take.mp4", ref.label, origin="cli")
        assert store.session(sid).move == "jab - cross"


def test_a_reference_is_found_by_its_label_or_its_move():
    assert label_matches("jab - cross - side", "Jab - Cross")
    assert label_matches("jab - cross - side", "jab - cross  - side")
    assert label_matches("squat - front", "squat")
    assert not label_matches("squat - front", "front")
    assert not label_matches("squat - front", "squat - side")


def test_one_colour_ramp_from_red_through_yellow_to_green():
    assert score_rgb(0) == score_rgb(40) == (255, 0, 0)
    assert score_rgb(65) == (255, 255, 0)
    assert score_rgb(90) == score_rgb(100) == (0, 255, 0)
    assert score_rgb(None) == score_rgb(float("nan")) == NO_SCORE_RGB
    greens = [score_rgb(s)[1] for s in range(40, 66)]
    reds = [score_rgb(s)[0] for s in range(65, 91)]
    assert greens == sorted(greens) and reds == sorted(reds, reverse=True)
    assert score_bgr(50) == score_rgb(50)[::-1]


def test_the_overlay_and_the_body_figure_draw_the_ramp(qtbot):
    import numpy as np

    from core.view.overlay import draw_hud
    from ui.body_figure import score_qcolor

    img = np.zeros((720, 1280, 3), np.uint8)
    draw_hud(img, 95.0, 3, [])
    drawn = {tuple(int(c) for c in px) for px in img[:100, :200].reshape(-1, 3)}
    assert score_bgr(95.0) in drawn  # the score digits, in the ramp's green
    assert score_qcolor(30.0).getRgb()[:3] == score_rgb(30.0)
    assert score_qcolor(None).getRgb()[:3] == NO_SCORE_RGB
