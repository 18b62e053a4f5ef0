"""A runbook diff as a page a reviewer reads before signing: one line per change, marked
+ added, − removed, ↕ moved, ~ changed, with colour as the second cue; prose fields show
their changed lines beneath, marked the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtGui import QColor, QPalette

from app.runbooks.diff import FIELD_WORDS, Change
from ui.theme import mixed, palette_kind

MARKS = {"added": "+", "removed": "−", "moved": "↕", "changed": "~"}
COLOURS = {"added": "#2e7d32", "removed": "#c62828", "moved": "#1f5fbf", "changed": "#b26a00"}
DARK_COLOURS = {"added": "#81c784", "removed": "#ef9a9a", "moved": "#90caf9", "changed": "#ffcc80"}


def _field(change: Change) -> str:
    return FIELD_WORDS.get(change.field, change.field)


def change_text(change: Change) -> str:
    """The change in words, without its mark."""
    subject = change.subject[:1].upper() + change.subject[1:]
    if change.kind == "added":
        return f"{subject} added at {change.after}"
    if change.kind == "removed":
        return f"{subject} removed from {change.before}"
    if change.kind == "moved":
        return f"{subject} moved from {change.before} to {change.after}"
    if change.text_diff:
        return f"{subject}: {_field(change)} changed"
    before, after = change.before or "(empty)", change.after or "(empty)"
    return f"{subject}: {_field(change)} {before} → {after}"


def diff_html(changes: Sequence[Change], palette: QPalette, heading: str) -> str:
    base, text, dark, high = palette_kind(palette)
    colours = DARK_COLOURS if dark or high else COLOURS
    mono = "font-family: monospace;"
    out = [f"<h3>{escape(heading)}</h3>"]
    if not changes:
        out.append("<p>No differences.</p>")
        return "".join(out)
    counts: dict[str, int] = {}
    for c in changes:
        counts[c.kind] = counts.get(c.kind, 0) + 1
    summary = " · ".join(f"{MARKS[k]} {n} {k}" for k, n in counts.items())
    out.append(f"<p>{escape(summary)}</p>")
    for c in changes:
        colour = colours.get(c.kind, text.name())
        mark = MARKS.get(c.kind, "•")
        out.append(
            f'<p style="margin: 4px 0;"><span style="color:{colour}; font-weight:bold; {mono}">'
            f"{escape(mark)}</span>&nbsp;{escape(change_text(c))}</p>"
        )
        if c.text_diff:
            out.append(_text_diff(c.text_diff, colours, base, text, high))
    return "".join(out)


def _text_diff(
    lines: Sequence[str], colours: dict[str, str], base: QColor, text: QColor, high: bool
) -> str:
    rows = []
    for line in lines:
        if line.startswith("+"):
            kind, mark, body = "added", "+", line[1:]
        elif line.startswith("-"):
            kind, mark, body = "removed", "−", line[1:]
        elif line.startswith("@@"):
            rows.append(f'<tr><td colspan="2" style="color:{text.name()};">⋯</td></tr>')
            continue
        else:
            kind, mark, body = "", " ", line[1:] if line.startswith(" ") else line
        colour = colours.get(kind, text.name())
        fill = "" if high or not kind else f" background:{mixed(base, colour, 0.14).name()};"
        rows.append(
            f'<tr><td style="color:{colour}; font-weight:bold;">{escape(mark)}</td>'
            f'<td style="font-family: monospace; white-space: pre-wrap;{fill}">'
            f"{escape(body) or '&nbsp;'}</td></tr>"
        )
    return (
        '<table style="margin-left: 24px;" cellspacing="0" cellpadding="2">'
        + "".join(rows)
        + "</table>"
    )
