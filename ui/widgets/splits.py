"""Splitter sizes given as shares, so a screen opens in proportion on any window size."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter


def share(splitter: QSplitter, first: float) -> None:
    """The first pane takes `first` of the splitter's length, the second the rest."""
    whole = (
        splitter.width()
        if splitter.orientation() == Qt.Orientation.Horizontal
        else (splitter.height())
    )
    part = int(whole * first)
    splitter.setSizes([part, whole - part])
