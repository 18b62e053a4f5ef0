"""Showing a service's refusal in a form dialog: each message under the field it concerns,
the rest in the banner above the form, and the cursor in the first field to fix.

Every message starts with ⚠ and the labels bring their own colours (readable on light and
dark palettes), so an error never depends on colour alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from PySide6.QtWidgets import QLabel, QWidget

from app.services.errors import FieldError

ERROR_STYLE = (
    "color: #8c1d18; background: #fde7e9; border-left: 3px solid #b3261e; padding: 3px 6px;"
)


def error_label(parent: QWidget, style: str = ERROR_STYLE) -> QLabel:
    """A hidden, wrapping note that appears once it has something to say."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setStyleSheet(style)
    label.hide()
    return label


def show_banner(banner: QLabel, text: str) -> None:
    banner.setText(f"⚠ {text}")
    banner.show()


def shown_text(label: QLabel) -> str:
    """What the label says while it is on show ("" once cleared or hidden)."""
    return label.text() if not label.isHidden() else ""


def clear_errors(labels: Iterable[QLabel]) -> None:
    for label in labels:
        label.clear()
        label.hide()


def show_field_errors(
    errors: Iterable[FieldError],
    labels: Mapping[str, QLabel],
    editors: Mapping[str, QWidget],
    banner: QLabel,
    *,
    row_of: Callable[[str], str | None] = lambda field: field,
    text_of: Callable[[FieldError], str] = lambda err: err.message,
    elsewhere: Callable[[FieldError], str] = str,
) -> QWidget | None:
    """Put each error under its row's label (several stack up) and focus the first row's
    editor, which is returned; an error without a row on show goes to the banner, worded by
    `elsewhere` since it must name its field there.

    `row_of` maps a service field to the dialog row showing it (None: no row shows it now).
    """
    other: list[str] = []
    first: QWidget | None = None
    for err in errors:
        row = row_of(err.field)
        label = labels.get(row) if row is not None else None
        if row is None or label is None:
            other.append(elsewhere(err))
            continue
        text = f"⚠ {text_of(err)}"
        label.setText(f"{label.text()}\n{text}" if label.text() else text)
        label.show()
        first = first or editors[row]
    if other:
        show_banner(banner, "\n".join(other))
    if first is not None:
        first.setFocus()
    return first
