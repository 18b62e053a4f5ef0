"""A runbook as an A4 PDF to print and tick off by hand during a rollback.

Runs headless from the CLI, so it uses fpdf2 rather than Qt, with the DejaVu fonts that ship
with matplotlib for any script a step title may be written in. Every page carries the title,
subject and version, so a loose page is still recognisable; a step's header never sits alone
at the foot of a page; a go/no-go checkpoint is a thick-bordered box with the words spelled
out, so it survives a black-and-white printer. The file is written whole or not at all.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos
from fpdf.fonts import TTFFont
from fpdf.util import Padding

from app.exchange.runbook_markdown import CHECKPOINT, owner_text, totals
from app.runbooks.body import RunbookBody, Step
from app.runbooks.validate import trigger_text

MARGIN = 18.0
TOP = 24.0
"""Content starts below the running header."""
SANS = "DejaVu"
MONO = "DejaVuMono"
GREY_TEXT = 90
LINE = 5.0
STEP_INDENT = 8.0
KEEP_WITH_HEADER = 2 * LINE
"""Body height that must fit under a step's header, or the step starts on the next page."""
BODY_SIZE = 10
CODE_SIZE = 9
CODE_FILL = 238

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*(.*?)(?:\s+#+)?\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")
_ORDERED = re.compile(r"^(\s*)(\d{1,9})[.)]\s+(.*)$")
_QUOTE = re.compile(r"^\s{0,3}>\s?(.*)$")
_TASK = re.compile(r"^\[([ xX])\]\s+")
_INLINE = re.compile(
    r"\\([\\`*_\[\]#+\-.!>|~])"
    r"|`([^`]+)`"
    r"|\*\*(.+?)\*\*|__(.+?)__"
    r"|(?<![\w*])\*(?![\s*])(.+?)(?<![\s*])\*(?![\w*])"
    r"|(?<![\w_])_(?![\s_])(.+?)(?<![\s_])_(?![\w_])"
    r"|\[([^\]]+)\]\(([^)\s]+)\)"
)


@lru_cache(maxsize=1)
def font_files() -> dict[tuple[str, str], Path]:
    """(family, style) → TTF file; matplotlib is only imported when a PDF is written."""
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    names = {
        (SANS, ""): "DejaVuSans.ttf",
        (SANS, "B"): "DejaVuSans-Bold.ttf",
        (SANS, "I"): "DejaVuSans-Oblique.ttf",
        (SANS, "BI"): "DejaVuSans-BoldOblique.ttf",
        (MONO, ""): "DejaVuSansMono.ttf",
        (MONO, "B"): "DejaVuSansMono-Bold.ttf",
    }
    return {key: folder / name for key, name in names.items()}


class _RunbookPDF(FPDF):
    def __init__(self, title: str, subject: str, revision: int) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.running_title, self.running_subject, self.revision = title, subject, revision
        for (family, style), path in font_files().items():
            self.add_font(family, style, str(path))
        self.set_margins(MARGIN, TOP, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)
        self.alias_nb_pages()
        self.set_title(title)

    def header(self) -> None:
        width = self.w - 2 * MARGIN
        self.set_font(SANS, "", 8)
        self.set_text_color(GREY_TEXT)
        subject_w = min(self.get_string_width(self.running_subject) + 2, width / 2)
        self.set_xy(MARGIN, 10)
        self.set_font(SANS, "B", 8)
        title = _fit(self, self.running_title, width - subject_w - 4)
        self.cell(width - subject_w, 5, title)
        self.set_font(SANS, "", 8)
        subject = _fit(self, self.running_subject, subject_w)
        self.cell(subject_w, 5, subject, align="R")
        self.set_draw_color(160)
        self.set_line_width(0.2)
        self.line(MARGIN, 16, self.w - MARGIN, 16)
        self.set_text_color(0)
        self.set_y(TOP)

    def close_fonts(self) -> None:
        """fpdf2 closes only the fonts a finished document used; the rest stay open."""
        for font in self.fonts.values():
            if isinstance(font, TTFFont):
                font.close()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(SANS, "", 8)
        self.set_text_color(GREY_TEXT)
        self.cell(0, 5, f"Version {self.revision} · page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0)


def write_pdf(
    path: Path,
    body: RunbookBody,
    *,
    subject: str,
    revision: int,
    status: str,
    approvals: Sequence[str],
    people: Mapping[str, str] | None = None,
) -> None:
    """Arguments as for `runbook_markdown.to_markdown`. The document is built in memory and
    renamed into place, so a failure leaves any earlier file at `path` untouched."""
    title = " ".join(body.title.split()) or "Untitled runbook"
    pdf = _RunbookPDF(title, " ".join(subject.split()), revision)
    try:
        _lay_out(pdf, body, f"{subject}\nVersion {revision} · {status}", approvals, people or {})
        data = bytes(pdf.output())
    finally:
        pdf.close_fonts()

    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # as if opened normally: mkstemp makes it private
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _lay_out(
    pdf: _RunbookPDF,
    body: RunbookBody,
    identity: str,
    approvals: Sequence[str],
    people: Mapping[str, str],
) -> None:
    pdf.add_page()
    text = MarkdownWriter(pdf)
    pdf.set_font(SANS, "B", 18)
    _lines(pdf, 8, pdf.running_title)
    pdf.set_font(SANS, "", 11)
    _lines(pdf, 6, identity)
    pdf.ln(2)
    _heading(pdf, "Approvals")
    for line in approvals or ["none yet"]:
        text.bullet_line(line)
    if body.summary.strip():
        _heading(pdf, "Summary")
        text.block(body.summary)
    _heading(pdf, "Rollback triggers")
    for line in [trigger_text(t) for t in body.triggers] or ["none defined"]:
        text.bullet_line(line)
    pdf.ln(2)
    pdf.set_font(SANS, "B", 10)
    _lines(pdf, 6, totals(body))
    _heading(pdf, "Steps")
    for number, step in enumerate(body.steps, 1):
        _step(pdf, text, number, step, people)


def _lines(pdf: FPDF, line: float, text: str) -> None:
    pdf.multi_cell(0, line, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading(pdf: FPDF, label: str) -> None:
    if pdf.will_page_break(8 + KEEP_WITH_HEADER):
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font(SANS, "B", 12)
    pdf.cell(0, 7, label, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(SANS, "", 10)


def _step(
    pdf: FPDF, text: MarkdownWriter, number: int, step: Step, people: Mapping[str, str]
) -> None:
    width = pdf.w - 2 * MARGIN
    heading = f"{number}. {' '.join(step.title.split()) or '(no title)'}"
    pdf.set_font(SANS, "B", 11)
    heading_h = _height(pdf, width - STEP_INDENT, 6, heading)
    if pdf.will_page_break(3 + heading_h + LINE + KEEP_WITH_HEADER):
        pdf.add_page()
    pdf.ln(3)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.35)
    pdf.rect(MARGIN, pdf.get_y() + 0.8, 4.5, 4.5)
    pdf.set_x(MARGIN + STEP_INDENT)
    pdf.multi_cell(width - STEP_INDENT, 6, heading, align="L", new_x=XPos.LMARGIN)

    with text.indented(STEP_INDENT):
        pdf.set_font(SANS, "", 9)
        pdf.set_text_color(GREY_TEXT)
        minutes = f"{step.expected_minutes} minute" + ("" if step.expected_minutes == 1 else "s")
        owner = f"Owner: {owner_text(step, people)} · Expected: {minutes}"
        _lines(pdf, LINE, owner)
        pdf.set_text_color(0)
        pdf.ln(1)
        if step.instructions.strip():
            text.block(step.instructions)
        if step.command.strip():
            text.code(step.command.strip("\n"))
        verification = " ".join(step.verification.split())
        if step.checkpoint:
            _checkpoint(pdf, verification or "(no verification given)")
        elif verification:
            pdf.ln(1)
            text.paragraph(f"**Verify:** {_escape(verification)}")


def _checkpoint(pdf: FPDF, verification: str) -> None:
    inner = pdf.w - pdf.l_margin - pdf.r_margin - 6
    pdf.set_font(SANS, "", 10)
    body_h = _height(pdf, inner, LINE, f"Stop unless: {verification}")
    height = 3 + 6 + body_h + 3
    if pdf.will_page_break(height + 2):
        pdf.add_page()
    pdf.ln(2)
    x, y = pdf.l_margin, pdf.get_y()
    pdf.set_line_width(0.9)
    pdf.set_draw_color(0)
    pdf.rect(x, y, inner + 6, height)
    pdf.set_line_width(0.2)
    pdf.set_xy(x + 3, y + 3)
    pdf.set_font(SANS, "B", 11)
    pdf.cell(inner, 6, f"■ {CHECKPOINT}", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(SANS, "", 10)
    pdf.multi_cell(inner, LINE, f"Stop unless: {verification}", align="L")
    pdf.set_xy(pdf.l_margin, y + height + 1)


class MarkdownWriter:
    """Step Markdown drawn as a reader expects it, not as source: headings in bold, bullets
    and numbered items with hanging indents, fenced code in monospace on grey, and inline
    **bold**, *italic* and `code`. fpdf2's own markdown flag only knows bold and italic and
    treats "--" as underline, which would mangle command-line flags."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf

    @contextmanager
    def indented(self, dx: float) -> Iterator[None]:
        """Moves the left margin, so text wrapped by fpdf (or carried over a page break)
        stays under its bullet."""
        before = self.pdf.l_margin
        self.pdf.set_left_margin(before + dx)
        self.pdf.set_x(before + dx)
        try:
            yield
        finally:
            self.pdf.set_left_margin(before)
            self.pdf.set_x(before)

    def block(self, markdown: str) -> None:
        paragraph: list[str] = []
        lines = markdown.replace("\t", "    ").splitlines()
        index = 0

        def flush() -> None:
            if paragraph:
                self.paragraph(" ".join(paragraph))
                paragraph.clear()

        while index < len(lines):
            raw = lines[index]
            index += 1
            fence = _FENCE.match(raw)
            if fence:
                flush()
                code: list[str] = []
                while index < len(lines) and not lines[index].strip().startswith(fence[1]):
                    code.append(lines[index])
                    index += 1
                index += 1
                self.code("\n".join(code))
                continue
            if not raw.strip() or _RULE.match(raw):
                flush()
                self.pdf.ln(1.5)
                continue
            heading = _HEADING.match(raw) if raw.lstrip().startswith("#") else None
            bullet, ordered, quote = _BULLET.match(raw), _ORDERED.match(raw), _QUOTE.match(raw)
            if not (heading or bullet or ordered or quote):
                paragraph.append(raw.strip())
                continue
            flush()
            if heading and heading[1]:
                self.pdf.ln(1)
                self.paragraph(heading[1], style="B")
            elif bullet:
                self.item("•", bullet[2], level=len(bullet[1]) // 2)
            elif ordered:
                self.item(f"{ordered[2]}.", ordered[3], level=len(ordered[1]) // 2)
            elif quote:
                with self.indented(4):
                    self.paragraph(quote[1], style="I")
        flush()

    def paragraph(self, text: str, style: str = "") -> None:
        self.pdf.set_x(self.pdf.l_margin)
        self.inline(text, style)
        self.pdf.ln(LINE)

    def item(self, marker: str, text: str, level: int = 0) -> None:
        task = _TASK.match(text)
        if task:
            marker = "☐" if task[1] == " " else "☑"
            text = text[task.end() :]
        pdf, width = self.pdf, 6.0
        base = pdf.l_margin + 5 * min(level, 4)
        with self.indented(base - pdf.l_margin + width):
            pdf.set_font(SANS, "", BODY_SIZE)
            pdf.set_x(base)
            pdf.cell(width, LINE, marker)
            self.inline(text)
            pdf.ln(LINE)

    def bullet_line(self, text: str) -> None:
        """A plain bullet whose text is not Markdown (approvals, triggers)."""
        self.item("•", _escape(text))

    def code(self, text: str) -> None:
        pdf = self.pdf
        pdf.ln(1)
        pdf.set_font(MONO, "", CODE_SIZE)
        pdf.set_fill_color(CODE_FILL)
        code, padding = text.replace("\t", "    ") or " ", Padding(1.5, 2, 1.5, 2)
        pdf.multi_cell(0, 4.5, code, 0, "L", True, padding=padding, new_x=XPos.LMARGIN)
        pdf.ln(1.5)

    def inline(self, text: str, style: str = "") -> None:
        for font_style, is_code, segment in _segments(text, style):
            if is_code:
                self.pdf.set_font(MONO, "B" if "B" in font_style else "", BODY_SIZE - 0.5)
            else:
                self.pdf.set_font(SANS, font_style, BODY_SIZE)
            self.pdf.write(LINE, segment)
        self.pdf.set_font(SANS, "", BODY_SIZE)


def _segments(text: str, style: str) -> Iterator[tuple[str, bool, str]]:
    """(font style, is code, text) runs of one line of inline Markdown."""
    at = 0
    for m in _INLINE.finditer(text):
        if m.start() > at:
            yield style, False, text[at : m.start()]
        at = m.end()
        if m[1] is not None:
            yield style, False, m[1]
        elif m[2] is not None:
            yield style, True, m[2]
        elif m[3] is not None or m[4] is not None:
            yield from _segments(m[3] or m[4] or "", "".join(sorted(set(style + "B"))))
        elif m[5] is not None or m[6] is not None:
            yield from _segments(m[5] or m[6] or "", "".join(sorted(set(style + "I"))))
        else:
            yield style, False, f"{m[7]} ({m[8]})"
    if at < len(text):
        yield style, False, text[at:]


def _escape(text: str) -> str:
    """Plain text made safe to pass through the inline Markdown reader unchanged."""
    return re.sub(r"([\\`*_\[\]])", r"\\\1", text)


def _height(pdf: FPDF, width: float, line: float, text: str) -> float:
    """How tall `multi_cell` would make the text in the current font."""
    result = pdf.multi_cell(width, line, text, dry_run=True, output=MethodReturnValue.HEIGHT)
    return float(result) if isinstance(result, int | float) else line


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """Shortened with an ellipsis so the running header stays on one line."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"
