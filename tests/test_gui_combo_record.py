"""A long take recorded in the app is cut into a combination on the Record dialog's preview, corrected, saved."""

from __future__ import annotations

import numpy as np

from core.app.paths import starter_library_dir
from core.library import cut_edits
from core.library.combination import CombinationStore
from core.library.recording import RecordedTake
from core.library.reference_library import Library
from core.library.starter import CATALOGUE
from core.match.combo_scenario import build

from .conftest import TESTDATA

TRAIN = TESTDATA / "muaythai" / "train"


def test_cut_edits_keep_cuts_ordered_and_apart():
    cuts = [(10, 40), (60, 90)]
    assert cut_edits.split(cuts, 25) == [(10, 25), (25, 40), (60, 90)]
    assert cut_edits.split(cuts, 11) == cuts  # too near an edge
    assert cut_edits.merge_next(cuts, 0) == [(10, 90)]
    assert cut_edits.remove(cuts, 1) == [(10, 40)]
    assert cut_edits.move_edge(cuts, 1, True, 20, 100) == [(10, 40), (40, 90)]  # stops at the neighbour
    assert cut_edits.move_edge(cuts, 1, False, 200, 100) == [(10, 40), (60, 100)]  # and at the take's end
    assert cut_edits.nearest_edge(cuts, 58, 3) == (1, True) and cut_edits.nearest_edge(cuts, 50, 3) is None
    # The dialog's trim: a cut outside is left out, one across it is cut to it, one cut too short is dropped.
    assert cut_edits.within(cuts, ["a", "b"], 30, 100) == ([(30, 40), (60, 90)], ["a", "b"])
    assert cut_edits.within(cuts, ["a", "b"], 50, 100) == ([(60, 90)], ["b"])
    assert cut_edits.within(cuts, ["a", "b"], 38, 100) == ([(60, 90)], ["b"])


def test_a_kata_take_is_cut_corrected_named_and_saved_as_a_combination(qtbot, tmp_path, monkeypatch):
    from ui.record_dialog import RecordDialog

    refs = {r.move: r for r in Library(starter_library_dir()).load()}
    by_stem = {t.stem: refs[t.move] for t in CATALOGUE}
    stems = ["straight_left", "hook_body_right", "front_kick_left", "straight_right"]
    scenario = build(TRAIN, by_stem, [stems])  # one run of four techniques by other people, as one take
    seq = scenario.stream.sequence()
    take = RecordedTake(seq, (b"",) * len(seq), np.arange(len(seq)) / seq.fps)
    lib = Library(tmp_path / "lib")
    dialog = RecordDialog(take, lib)
    qtbot.addWidget(dialog)
    cuts = dialog.combo_cuts
    assert not cuts.strip.isVisibleTo(dialog)
    cuts.enabled.setChecked(True)
    assert len(cuts.strip.cuts) == 4 and cuts.technique_names() == ["1", "2", "3", "4"]
    first = cuts.strip.cuts[0]
    cuts.strip.set_cuts(cut_edits.split(cuts.strip.cuts, (first[0] + first[1]) // 2))  # a wrong split ...
    assert len(cuts.strip.cuts) == 5 and len(cuts.technique_names()) == 5
    cuts.strip.set_cuts(cut_edits.merge_next(cuts.strip.cuts, 0))  # ... merged again
    cuts.names.setText("jab, body hook, teep, cross")
    dialog.name.setText("Kata 1")
    dialog.view.setCurrentText("side")
    dialog.end.setValue(cuts.strip.cuts[2][1] + 2)  # trimmed after the teep: the cross is left out ...
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    three = CombinationStore(lib.folder).find("kata 1")
    assert three is not None and [t.move for t in three.techniques] == ["jab", "body hook", "teep"]
    dialog = RecordDialog(take, lib)  # ... and the whole take again, saved over it
    qtbot.addWidget(dialog)
    cuts = dialog.combo_cuts
    cuts.enabled.setChecked(True)
    cuts.names.setText("jab, body hook, teep, cross")
    dialog.name.setText("Kata 1")
    dialog.view.setCurrentText("side")
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)  # "Replace?" yes
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    combo = CombinationStore(lib.folder).find("kata 1")
    assert combo is not None and [t.move for t in combo.techniques] == ["jab", "body hook", "teep", "cross"]
    assert dialog.saved_combination is not None and dialog.saved_combination.label == combo.label
