"""The board's content pieces, drawn and explained: a workload card, a release column's
header, a team's lane label and the "+N more" line, and what hovering each of them says.

A card reads top to bottom as a coordinator scans it: key and size/WSJF, the title, risk tier
and change class, then the flags as boxed words and the approval path in a few words. Sizes
come from the fonts, so presentation mode's larger type grows every card alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPen

from app.planning.move_check import day
from app.planning.plan import PlanItem, PlanRelease, PlanTeam
from ui.views.capacity.board import CLASS_WORDS, Board, Flag, approval_line
from ui.views.capacity.layout import BAR, CARD, HEADER, LANE, LESS, MORE, Metrics
from ui.views.capacity.paint import (
    CLASS_HUES,
    FLAG_HUES,
    Colours,
    Fonts,
    badge,
    bar_words,
    line_h,
    octagon,
    text_in,
    tier_mark,
)

if TYPE_CHECKING:
    from ui.views.capacity.canvas import BoardCanvas

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
"""Spelled out, as `move_check.day` does, so no locale translates half a header."""
RIGHT = Qt.AlignmentFlag.AlignRight


def metrics_for(fonts: Fonts, board: Board | None) -> Metrics:
    """Every size on the board from the type in use."""
    bold, normal, small = line_h(fonts.bold), line_h(fonts.normal), line_h(fonts.small)
    card_h = bold + normal + 2 * small + 10
    em = QFontMetricsF(fonts.normal).averageCharWidth()
    freezes = board is not None and any(c.release and c.release.freezes for c in board.columns)
    header_h = 10 + bold + small * (3 if freezes else 2) + 4
    more_h = small + 6
    return Metrics(
        card_h=card_h,
        label_w=max(150.0, em * 19),
        min_col_w=max(190.0, em * 27),
        header_h=header_h,
        bar_h=small + 14,
        more_h=more_h,
        min_lane_h=12 + bold + 2 * small + more_h,
    )


def card(
    p: QPainter,
    rect: QRectF,
    item: PlanItem,
    flags: tuple[Flag, ...],
    c: Colours,
    fonts: Fonts,
) -> None:
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    hue = c.hue(CLASS_HUES.get(item.change_class, "#5f6b7a"))
    p.setPen(QPen(hue if c.high_contrast else c.card_edge, c.line))
    p.setBrush(c.card)
    p.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
    p.fillRect(QRectF(rect.left() + 1, rect.top() + 1, 4, rect.height() - 2), hue)
    left, right = rect.left() + 10, rect.right() - 6
    y = rect.top() + 4
    h = line_h(fonts.bold)
    key_w = min(QFontMetricsF(fonts.bold).horizontalAdvance(item.key), (right - left) * 0.62)
    text_in(p, QRectF(left, y, key_w + 1, h), item.key, c.text, fonts.bold)
    room = QRectF(left + key_w + 6, y, right - left - key_w - 6, h)
    text_in(p, room, numbers(item, fonts, room.width()), c.muted, fonts.small, RIGHT)
    y += h
    h = line_h(fonts.normal)
    text_in(p, QRectF(left, y, right - left, h), item.title, c.text, fonts.normal)
    y += h
    h = line_h(fonts.small)
    tier_mark(p, QRectF(left, y + 1, h - 2, h - 2), item.risk_tier)
    kind = f"{item.risk_tier} risk · {CLASS_WORDS.get(item.change_class, item.change_class)}"
    text_in(p, QRectF(left + h + 2, y, right - left - h - 2, h), kind, c.muted, fonts.small)
    y += h + 1
    row = QRectF(left, y, right - left, h)
    x = left
    for shown, flag in enumerate(flags):
        if flag.kind == "blocked" and x + h < right:
            octagon(p, QPointF(x + h / 2 - 1, row.center().y()), h - 3)
            x += h + 1
        after = badge(p, x, row, flag.label, c.hue(FLAG_HUES[flag.kind]), c, fonts.small_bold)
        if after == x:  # no room left: say how many did not fit, and leave the path out
            rest = f"+{len(flags) - shown}"
            text_in(p, QRectF(x, y, right - x, h), rest, c.text, fonts.small_bold)
            p.restore()
            return
        x = after
    text_in(p, QRectF(x + 2, y, right - x - 2, h), approval_line(item), c.muted, fonts.small)
    p.restore()


def numbers(item: PlanItem, fonts: Fonts, width: float) -> str:
    """Size and WSJF, in as many words as fit beside the key (the key always comes first)."""
    metrics = QFontMetricsF(fonts.small)
    for text in (
        f"{item.size} pt · WSJF {item.wsjf:.1f}",
        f"{item.size} pt · W {item.wsjf:.1f}",
        f"{item.size}p · {item.wsjf:.1f}",
    ):
        if metrics.horizontalAdvance(text) <= width:
            return text
    return f"{item.size}p"


def more_line(p: QPainter, rect: QRectF, hidden: int, c: Colours, fonts: Fonts) -> None:
    """The "+N more" link: underlined, like every other link."""
    face = QFont(fonts.small_bold)
    face.setUnderline(True)
    text_in(p, rect, f"+{hidden:,} more — show", c.highlight if c.high_contrast else c.text, face)


def header(
    p: QPainter,
    rect: QRectF,
    board: Board,
    column: int,
    c: Colours,
    fonts: Fonts,
    now: datetime | None,
) -> None:
    p.fillRect(rect, c.header)
    p.setPen(QPen(c.rule, 1.0))
    p.drawLine(QPointF(rect.right() - 0.5, rect.top()), QPointF(rect.right() - 0.5, rect.bottom()))
    x, w = rect.left() + 8, rect.width() - 14
    y = rect.top() + 6
    release = board.columns[column].release
    h = line_h(fonts.bold)
    text_in(p, QRectF(x, y, w, h), board.columns[column].title, c.text, fonts.bold)
    y += h
    h = line_h(fonts.small)
    text_in(p, QRectF(x, y, w, h), when_line(release, now), c.muted, fonts.small)
    y += h
    text_in(p, QRectF(x, y, w, h), totals_line(board, column), c.text, fonts.small)
    y += h
    if release is not None and release.freezes:
        at = x
        for note in release.freezes:
            word = "HARD freeze" if note.hard else "soft freeze"
            words = f"{word}{' (overridden)' if note.overridden else ''} · {note.name}"
            hue = c.hue("#c0392b" if note.hard else "#c27c0e")
            after = badge(p, at, QRectF(x, y, w, h), words, hue, c, fonts.small)
            if after == at:  # too wide for a box: the words alone, elided
                text_in(p, QRectF(at, y, x + w - at, h), words, c.text, fonts.small)
                break
            at = after


def when_line(release: PlanRelease | None, now: datetime | None) -> str:
    if release is None:
        return "not planned · highest WSJF first"
    text = day(release.starts, now)
    if release.code_freeze is not None:
        frozen = release.code_freeze
        text += f" · code freeze {frozen.day} {MONTHS[frozen.month - 1]}"
    return text


def totals_line(board: Board, column: int) -> str:
    if board.columns[column].release is None:
        items = [i for lane in range(len(board.teams)) for i in board.cell(lane, column)]
        points = sum(i.size for i in items)
        return f"{len(items):,} waiting · {points:,} points"
    done, limit = board.team_load(column)
    over = f" · {done - limit:,} over" if done > limit else ""
    return f"Σ {done:,}/{limit:,} points{over}"


def lane_label(
    p: QPainter,
    rect: QRectF,
    team: PlanTeam,
    c: Colours,
    fonts: Fonts,
    less: QRectF | None,
) -> None:
    p.fillRect(rect, c.header)
    p.setPen(QPen(c.rule, 1.0))
    p.drawLine(QPointF(rect.right() - 0.5, rect.top()), QPointF(rect.right() - 0.5, rect.bottom()))
    x, w = rect.left() + 8, rect.width() - 14
    y = rect.top() + 6
    h = line_h(fonts.bold)
    text_in(p, QRectF(x, y, w, h), team.name, c.text, fonts.bold)
    y += h
    h = line_h(fonts.small)
    text_in(p, QRectF(x, y, w, h), f"{team.capacity} points / release", c.muted, fonts.small)
    y += h
    limits = []
    if team.cap is not None:
        limits.append(f"cap {team.cap}")
    if team.max_share_percent is not None:
        limits.append(f"≤ {team.max_share_percent}% share")
    if limits:
        text_in(p, QRectF(x, y, w, h), " · ".join(limits), c.muted, fonts.small)
    if less is not None:
        face = QFont(fonts.small_bold)
        face.setUnderline(True)
        text_in(p, less.adjusted(2, 0, 0, 0), "Show fewer", c.text, face)


# -------------------------------------------------------------------------- tooltips
def tip_at(canvas: BoardCanvas, pos: QPointF) -> str:
    grid, board = canvas.grid, canvas.board
    if grid is None or board is None:
        return ""
    hit = grid.hit(*canvas.to_board(pos))
    if hit is None:
        return ""
    if hit.kind == CARD:
        return card_tip(board, board.cell(hit.lane, hit.column)[hit.index])
    if hit.kind == BAR:
        return bar_tip(board, hit.lane, hit.column)
    if hit.kind == MORE:
        hidden = grid.hidden(hit.lane, hit.column)
        step = min(hidden, grid.m.expand_step)
        return f"{hidden:,} more cards with lower WSJF; click to show {step} more in this lane"
    if hit.kind in (LANE, LESS):
        return lane_tip(board.teams[hit.lane])
    if hit.kind == HEADER:
        return header_tip(board, hit.column)
    return ""


def card_tip(board: Board, item: PlanItem) -> str:
    lines = [
        f"{item.key} — {item.title}",
        f"{item.size} points · WSJF {item.wsjf:.2f} (cost of delay {item.cost_of_delay})",
        f"{item.risk_tier.capitalize()} risk · {CLASS_WORDS.get(item.change_class, '')}",
    ]
    path = approval_line(item)
    if path:
        lines.append(f"Approval path: {path}")
    if item.missing_approvals:
        lines.append(f"Sign-off still needed: {', '.join(item.missing_approvals)}")
    lines += [flag.detail for flag in board.flags(item)]
    return "\n".join(lines)


def bar_tip(board: Board, lane: int, column: int) -> str:
    team, load = board.teams[lane], board.load(lane, column)
    name = board.columns[column].title
    if load is None:
        items = board.cell(lane, column)
        points = sum(i.size for i in items)
        return f"{team.name}: {len(items):,} workloads waiting, {points:,} points"
    return (
        f"{team.name} in {name}: {bar_words(load)}\n"
        f"Committed {load.committed} points against a limit of {load.limit}\n"
        f"Limit: {load.limit_basis}"
    )


def lane_tip(team: PlanTeam) -> str:
    lines = [team.name, f"Capacity: {team.basis}"]
    if team.cap is not None:
        lines.append(f"Cap: {team.cap} points per release")
    if team.max_share_percent is not None:
        lines.append(f"At most {team.max_share_percent}% of a release's capacity")
    return "\n".join(lines)


def header_tip(board: Board, column: int) -> str:
    release = board.columns[column].release
    if release is None:
        return "Backlog: work not planned into a release, highest WSJF first"
    now = board.snapshot.now
    lines = [release.name, f"Deployment window starts {day(release.starts, now)}"]
    if release.code_freeze is not None:
        lines.append(f"Code freeze {day(release.code_freeze, now)}")
    for note in release.freezes:
        kind = "Hard freeze (blocks)" if note.hard else "Soft freeze (warns)"
        extra = " — an approved override lets it through" if note.overridden else ""
        lines.append(f"{kind}: {note.name}{extra}")
    return "\n".join(lines)
