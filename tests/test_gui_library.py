"""The library column of the window: a first start shows the starter moves and the next step; choosing one
practises it; a starter move can be hidden and shown again; the user's own moves come first."""

from __future__ import annotations

from core.app.paths import open_library
from core.library.references import make_reference
from ui.library_list import AUTO
from ui.reference_chooser import PICK_HINT

from .conftest import TESTDATA


def _headings(tree) -> list[str]:
    return [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]


def test_a_first_start_lists_the_starter_moves_and_says_what_to_do(make_window, qtbot, tmp_path):
    window = make_window(open_library(tmp_path / "lib"))
    tree = window.library_list
    assert _headings(tree) == [AUTO, "Punches", "Kicks"]
    assert tree.choice_count() == 15 and tree.choice_label(1) == "Jab / straight, left - side"
    assert tree.current_label() == "" and window.session.references == []
    assert window.library_panel.hint_label.isVisible() and window.library_panel.hint_label.text() == PICK_HINT

    tree.choose(tree.find_label("Roundhouse kick, right - side"))
    assert [r.move for r in window.session.references] == ["Roundhouse kick, right"]
    assert window.settings.reference == "Roundhouse kick, right - side"
    assert not window.library_panel.hint_label.isVisible()


def test_a_starter_move_is_hidden_from_the_list_and_shown_again(make_window, tmp_path):
    lib = open_library(tmp_path / "lib")
    window = make_window(lib)
    tree = window.library_list
    (kick,) = lib.find("Low kick, left")
    tree.hide_requested.emit(kick)  # what the right-click menu sends
    assert tree.find_label(kick.label) == -1 and tree.choice_count() == 14 and tree.hidden_count == 1
    assert (tmp_path / "lib").is_dir()  # the hidden list lives in the user's folder
    tree.show_hidden_requested.emit()
    assert tree.find_label(kick.label) > 0 and tree.hidden_count == 0


def test_the_users_moves_come_first_and_a_video_is_scored_against_the_chosen_one(
    make_window, qtbot, pose_cache, tmp_path
):
    punch = pose_cache.get("punch_side")
    lib = open_library(tmp_path / "lib")
    lib.save(make_reference(punch.slice(8, 96), "my jab", "side", source=punch.source))
    window = make_window(lib)
    tree = window.library_list
    assert _headings(tree) == [AUTO, "Your moves", "Punches", "Kicks"]
    assert tree.choice_label(1) == "my jab - side"
    tree.choose(1)
    with qtbot.waitSignal(window.source_ended, timeout=90_000):
        window.open_source(str(TESTDATA / "punch_side.mp4"))
    qtbot.waitUntil(lambda: window.rep_scores != [], timeout=10_000)
    assert window.rep_scores[0] > 90


def test_a_hold_still_running_when_the_video_ends_is_listed(make_window, qtbot, pose_cache, tmp_path):
    """punch_side starts and ends in the same stance: a hold of its first second is still held at the end."""
    from core.library.hold_recording import store_hold, take_hold

    punch = pose_cache.get("punch_side")
    lib = open_library(tmp_path / "lib", starter=False)
    ref = store_hold(lib, take_hold(punch.slice(0, 30)), "stance", "side", target_s=2.0)
    window = make_window(lib)
    window.library_list.choose(window.library_list.find_label(ref.label))
    with qtbot.waitSignal(window.source_ended, timeout=90_000):
        window.open_source(str(TESTDATA / "punch_side.mp4"))
    lines = [window.rep_list.item(i).text() for i in range(window.rep_list.count())]
    assert any(line.startswith("hold #") for line in lines), lines
    assert window.video.message.startswith("Video finished: ") and " hold" in window.video.message
    assert "longest" in window.video.message


def test_a_heading_is_never_the_choice_and_arrow_keys_step_over_it(make_window, qtbot, tmp_path):
    from PySide6.QtCore import Qt

    window = make_window(open_library(tmp_path / "lib"))
    tree = window.library_list
    tree.choose(0)  # auto-detect
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_Down)  # the next row is the heading "Punches": on to the jab
    assert tree.current_label() == "Jab / straight, left - side"
    assert [r.move for r in window.session.references] == ["Jab / straight, left"]
    qtbot.keyClick(tree, Qt.Key.Key_Up)  # back over the heading to auto-detect
    assert tree.current_label() == AUTO and len(window.session.references) == 14
    kicks = tree.topLevelItem(2)
    assert kicks.text(0) == "Kicks"
    tree.setCurrentItem(kicks)  # a click on a heading keeps the choice
    assert tree.current_label() == AUTO and len(window.session.references) == 14
