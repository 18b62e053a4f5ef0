"""Larger and monospace type that keeps its proportion when presentation mode scales the font.

A widget given its own point size stops following the window's font, so a title set at 1.3×
would stay small on a shared screen. Such widgets are marked with the scale they want and get
their font again from the screen's base font whenever that changes.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QWidget

ACCENT = "runbooksAccent"


def accent(widget: QWidget, scale: float = 1.0, *, bold: bool = False, fixed: bool = False) -> None:
    """Mark `widget` for `apply_accents` ("1.3 bold", "1 fixed") and give it the font now."""
    words = [f"{scale:g}"] + (["bold"] if bold else []) + (["fixed"] if fixed else [])
    widget.setProperty(ACCENT, " ".join(words))
    parent = widget.parentWidget()
    widget.setFont(accent_font(parent.font() if parent is not None else widget.font(), widget))


def accent_font(base: QFont, widget: QWidget) -> QFont:
    words = str(widget.property(ACCENT) or "1").split()
    fixed = "fixed" in words
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont) if fixed else QFont(base)
    size = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
    font.setPointSizeF(size * float(words[0]))
    font.setBold("bold" in words)
    return font


def apply_accents(root: QWidget) -> None:
    base = root.font()
    for widget in root.findChildren(QWidget):
        if widget.property(ACCENT):
            widget.setFont(accent_font(base, widget))
