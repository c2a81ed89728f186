"""Review in the main window (UI thread): the W key ("watch") and the rep list open the review of a kept rep.

One call from the main window (install_review); the reps come from the practice session's buffer
(core.view.rep_takes), the pictures from core.view.compare.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QListWidgetItem

from .practice_panel import REP_INDEX_ROLE
from .review_view import ReviewDialog
from .toolbar import toolbar_action

if TYPE_CHECKING:
    from .main_window import MainWindow


def install_review(window: MainWindow) -> None:
    """Sets window.act_review (W: the worst kept rep) and opens a rep double-clicked in the rep list."""
    tip = "Replay the worst rep beside the coach, slowed down (W); double-click a rep for that one"
    window.act_review = toolbar_action(window, "Review", "W", lambda: open_review(window), tip)
    window.rep_list.itemActivated.connect(lambda item: _open_item(window, item))
    window.source_ended.connect(lambda: _offer(window))


def open_review(window: MainWindow, index: int | None = None) -> ReviewDialog:
    """The review window on rep `index` (a kept one), else on the worst kept rep."""
    takes = window.session.rep_takes.takes()
    first = window.session.rep_takes.find(index) if index is not None else window.session.rep_takes.worst()
    old = getattr(window, "review_dialog", None)
    if old is not None:
        old.close()
        old.deleteLater()  # with its coach frames; a closed review is not reopened
    dialog = ReviewDialog(takes, first, window)
    window.review_dialog = dialog
    dialog.show()
    dialog.raise_()  # above the full-screen presentation when opened from there
    dialog.activateWindow()
    return dialog


def _open_item(window: MainWindow, item: QListWidgetItem) -> None:
    index = item.data(REP_INDEX_ROLE)
    if isinstance(index, int):  # a counted rep's line (not a hold, not another side's rep)
        if window.session.rep_takes.find(index) is None:
            window.statusBar().showMessage(f"Rep #{index} is no longer kept (only the last reps are)", 6000)
            return
        open_review(window, index)


def _offer(window: MainWindow) -> None:
    if window.session.rep_takes.worst() is not None:
        window.statusBar().showMessage("Press W to replay the worst rep beside the coach, slowed down", 15000)
