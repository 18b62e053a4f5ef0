"""The picked card in full: who, how big, why it ranks where it does (WSJF and its inputs),
its risk tier with the approval path and the sign-offs still missing, its dependencies and
dependents with the releases they sit in, whether it may enter production (every missing
gate in words), and its flags spelled out."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.planning.plan import PlanItem
from ui.views.capacity.board import CLASS_WORDS, Board, path_of
from ui.views.capacity.paint import bar_words

STATUS_WORDS = {"backlog": "in the backlog", "planned": "planned", "in_progress": "in progress"}
MAX_LINKS = 12


class CardDetails(QWidget):
    """One rich-text label in a scroll area: a word-wrapped label is the one widget whose
    height a scroll area follows reliably, so a long title never squeezes the rest."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("capacityDetails")
        self.heading = ""
        """The picked card's key and title ("" when nothing is picked)."""
        self.body = QLabel(self)
        self.body.setObjectName("detailsBody")
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.body.setContentsMargins(4, 4, 4, 4)
        scroll = QScrollArea(self)
        scroll.setWidget(self.body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.item: PlanItem | None = None
        self.show_item(None, None)

    def body_text(self) -> str:
        """The details as plain text (tests and screen readers)."""
        doc = self.body.text().replace("<br>", "\n").replace("</tr>", "\n")
        while "<" in doc and ">" in doc:
            start = doc.index("<")
            doc = doc[:start] + doc[doc.index(">", start) + 1 :]
        return html.unescape(doc)

    def show_item(self, board: Board | None, item: PlanItem | None) -> None:
        self.item = item
        if board is None or item is None:
            self.heading = ""
            self.body.setText(
                _head("Nothing selected", "Click a card, or move to one with the arrow keys.")
            )
            return
        team = next((t.name for t in board.snapshot.teams if t.id == item.team), "")
        self.heading = f"{item.key} — {item.title}"
        status = STATUS_WORDS.get(item.status, item.status.replace("_", " "))
        place = board.release_name(item.release) if item.release is not None else ""
        where = f"{team} · {status}{' in ' + place if place else ''}"
        self.body.setText(_head(self.heading, where) + _table(_rows(board, item)))


def _head(title: str, where: str) -> str:
    """Bold and a size up, in the label's own font: presentation mode scales both."""
    return (
        f"<p style='margin:0'><b><span style='font-size:large'>{html.escape(title)}"
        f"</span></b><br>{html.escape(where)}</p>"
    )


def _rows(board: Board, item: PlanItem) -> list[tuple[str, str]]:
    e = html.escape
    rows = [
        ("Size", f"{item.size} points"),
        (
            "WSJF",
            f"{item.wsjf:.2f} = cost of delay {item.cost_of_delay} ÷ size {item.size}"
            " (cost of delay = business value + time criticality + risk reduction)",
        ),
        ("Class", e(CLASS_WORDS.get(item.change_class, item.change_class))),
    ]
    path = path_of(item.risk_tier, item.change_class, item.regulated, item.stateful)
    tier = f"{item.risk_tier.capitalize()}"
    if path is not None:
        roles = ", ".join(path.roles) or "no sign-off"
        tier += f" — {e(path.name)}: {e(roles)}; gates: {e(', '.join(path.gates))}"
    rows.append(("Risk tier", tier))
    if item.missing_approvals:
        rows.append(("Sign-off due", "<b>" + e(", ".join(item.missing_approvals)) + "</b>"))
    rows.append(("Production gates", _gates(board, item)))
    if item.must_ship_by is not None:
        rows.append(("Must ship by", f"{item.must_ship_by:%a %d %b %Y}"))
    if item.release is not None:
        lane, column = board.lane_of(item.team), board.column_of(item.release)
        load = board.load(lane, column) if lane is not None and column is not None else None
        if load is not None:
            rows.append(("Team load", f"{bar_words(load)} — limit: {e(load.limit_basis)}"))
    late = {d.id for d in board.blocked_by(item)}
    deps = [board.items[i] for i in item.depends_on if i in board.items]
    if deps:
        rows.append(("Depends on", _links(board, deps, late)))
    needed = [board.items[i] for i in board.dependents.get(item.id, ()) if i in board.items]
    if needed:
        rows.append(("Needed by", _links(board, needed, set())))
    for flag in board.flags(item):
        if flag.kind != "gates":  # spelled out in full above
            rows.append((flag.label, e(flag.detail)))
    return rows


def _gates(board: Board, item: PlanItem) -> str:
    if item.release is None:
        return "checked once it is planned into a release"
    verdict = board.gates.get(item.id)
    if verdict is None:
        return "not checked yet: read when the board next loads"
    if verdict.allowed:
        return "✔ may be promoted"
    n = len(verdict.missing)
    missing = "".join(f"<br>• {html.escape(m)}" for m in verdict.missing)
    return f"<b>✖ blocked: {n} missing</b>{missing}"


def _links(board: Board, items: list[PlanItem], late: set[int]) -> str:
    parts = []
    for dep in items[:MAX_LINKS]:
        where = html.escape(board.release_name(dep.release))
        mark = " — <b>BLOCKED: ships later</b>" if dep.id in late else ""
        parts.append(f"{html.escape(dep.key)} ({where}){mark}")
    if len(items) > MAX_LINKS:
        parts.append(f"… and {len(items) - MAX_LINKS} more")
    return "<br>".join(parts)


def _table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(
        f"<tr><td style='padding-right:10px; vertical-align:top'><b>{html.escape(k)}</b></td>"
        f"<td style='vertical-align:top'>{v}</td></tr>"
        for k, v in rows
    )
    return f"<table cellspacing='0' cellpadding='2'>{cells}</table>"
