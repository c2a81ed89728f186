"""A combination in the window: listed in the library, followed on a video, shown on the sequence bar."""

from __future__ import annotations

from core.app.paths import open_library
from core.library.combination import CombinationStore, compose
from core.match.combo_engine import ComboEngine

from .conftest import TESTDATA


def test_a_combination_is_chosen_followed_and_shown_on_the_sequence_bar(make_window, qtbot, tmp_path):
    lib = open_library(tmp_path / "lib")
    moves = [lib.find(name)[0] for name in ("jab", "jab", "cross")]  # a double jab: punch_side's man jabs
    CombinationStore(lib.folder).save(compose("Boxing 1", "side", moves))
    from core.app.history import HistoryStore

    window = make_window(lib, HistoryStore(tmp_path / "history.sqlite3"))
    tree = window.library_list
    assert tree.topLevelItem(1).text(0) == "Combinations"
    assert not window.sequence_bar.isVisible()  # nothing chosen: no bar
    tree.choose(tree.find_label("combination: Boxing 1 - side"))
    assert isinstance(window.session.engine, ComboEngine)
    assert [r.move for r in window.session.references] == [m.move for m in moves]
    said = []
    window.voice.say = lambda cue: said.append(cue) if cue is not None else None  # what the coach would say
    with qtbot.waitSignal(window.source_ended, timeout=90_000):
        window.open_source(str(TESTDATA / "punch_side.mp4"))  # one man, one punch: a run begins
    window._refresh_text()
    window.voice._tick()
    # the run the video ended is said once, with its score and what was skipped
    runs_said = [c.text for c in said if c.kind == "run"]
    assert len(runs_said) == 1 and runs_said[0].startswith("Combination: ") and "Skipped" in runs_said[0], said
    bar = window.sequence_bar
    assert bar.isVisible() and bar.progress is not None
    assert bar.progress.labels == tuple(m.label for m in moves)
    assert window.rep_list.count() >= 1  # each technique done is listed with its score
    image = bar.grab().toImage()
    assert image.height() == bar.height()
    # The bar is painted: the expected technique's yellow is on it.
    yellow = sum(
        1 for x in range(0, image.width(), 4) for y in range(0, image.height(), 4)
        if (c := image.pixelColor(x, y)).red() > 200 and c.green() > 180 and c.blue() < 120
    )  # fmt: skip
    assert yellow > 20
    from core.app.history_combo import runs  # the run the video ended is stored with its techniques

    (session,) = window.history.sessions()
    assert session.move == "combination: Boxing 1 - side" and session.reference is None  # as `stream --save`
    stored = runs(window.history, session.id)
    assert stored and stored[-1]["combination"] == "Boxing 1 - side" and stored[-1]["techniques"]
    from ui.presentation import toggle_presentation

    present = toggle_presentation(window)  # the coach's full screen names the technique due, as the bar does
    assert present is not None and present.headline(0) == f"Now: {bar.progress.current.rsplit(' - ', 1)[0]}"
    toggle_presentation(window)
    tree.choose(tree.find_label("Jab / straight, left - side"))  # a move again: the bar goes away
    window._refresh_text()
    assert not window.sequence_bar.isVisible()
    assert toggle_presentation(window).headline(3) == "Reps 3"
    toggle_presentation(window)


def test_a_combination_is_composed_in_the_window_and_chosen(make_window, tmp_path):
    lib = open_library(tmp_path / "lib")
    window = make_window(lib)

    def fill(dialog):
        for label in ("Cross / straight, right - side", "Jab / straight, left - side", "Low kick, right - side"):
            dialog.library.setCurrentRow([m.label for m in dialog.moves].index(label))
            dialog.add()
        dialog.sequence.setCurrentRow(1)
        dialog.shift(-1)  # the jab first
        dialog.sequence.setCurrentRow(2)
        dialog.remove()  # no kick after all
        dialog.name.setText("One two")
        dialog.save()
        return dialog.result()

    window.exec_dialog = fill
    window.library_list.compose_requested.emit()  # what the library's right-click menu sends
    combo = CombinationStore(lib.folder).find("one two")
    assert combo is not None and combo.labels == ["Jab / straight, left - side", "Cross / straight, right - side"]
    assert window.library_list.current_label() == "combination: One two - side"
    assert isinstance(window.session.engine, ComboEngine)
