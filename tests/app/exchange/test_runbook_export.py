"""Runbooks on paper: Markdown and PDF hold everything needed to run the rollback."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fpdf import FPDF

from app.exchange.runbook_markdown import fence, to_markdown, totals
from app.exchange.runbook_pdf import write_pdf
from app.runbooks.body import ERROR_RATE, RunbookBody, Step, Trigger, preset

PEOPLE = {"ada": "Ada Lovelace", "grace": "Grace Hopper"}
APPROVALS = ["operations: Ada Lovelace, 2026-11-02", "security: Grace Hopper, 2026-11-03"]
INSTRUCTIONS = (
    "## Before you start\n"
    "Check the **dashboard** and the `payments-api` pods.\n"
    "- Scale down the *canary* deployment\n"
    "- Pass --force only if told to\n"
    "1. Open the console\n"
    "2. Run the command below\n"
    "\n"
    "```\n"
    "kubectl get pods -n payments\n"
    "```\n"
    "Then wait for the queue to drain; this sentence is long enough to wrap onto a second "
    "line in the PDF so hanging indents are exercised."
)


def runbook(n_steps: int = 12, title: str = "Payments API rollback") -> RunbookBody:
    steps = []
    for n in range(1, n_steps + 1):
        steps.append(
            Step(
                id=f"s{n}",
                title=f"Drain traffic from pool {n}",
                instructions=INSTRUCTIONS if n % 2 else "Wait for the dashboards to settle.",
                command=f"kubectl rollout undo deployment/payments-api --to-revision={40 + n}"
                if n % 3 == 1
                else "",
                owner="ada" if n % 2 else "operations",
                owner_is_role=not n % 2,
                expected_minutes=[5, 10, 5, 10, 5, 5, 10, 5, 10, 15, 5, 10][(n - 1) % 12],
                verification=f"error rate below 1 % after step {n}",
                checkpoint=n in (4, 8, 12),
            )
        )
    triggers = (
        preset("Error rate above 1 % over 5 minutes"),
        Trigger("t2", "custom", ">", 200.0, "jobs", 10, 2, "queue_depth"),
    )
    return RunbookBody(
        title, "Use when **payments-api** breaches a trigger.", tuple(steps), triggers
    )


def markdown(body: RunbookBody | None = None) -> str:
    return to_markdown(
        body or runbook(),
        subject="Component payments-api",
        revision=3,
        status="approved",
        approvals=APPROVALS,
        people=PEOPLE,
    )


def test_markdown_opens_with_identity_approvals_triggers_and_totals() -> None:
    lines = markdown().splitlines()
    assert lines[:4] == [
        "# Payments API rollback",
        "",
        "Component payments-api  ",
        "Version 3 · approved",
    ]
    assert "- operations: Ada Lovelace, 2026-11-02" in lines
    assert "- security: Grace Hopper, 2026-11-03" in lines
    triggers = lines.index("## Rollback triggers")
    assert lines[triggers + 2 : triggers + 4] == [
        "- error rate above 1 % over 5 min",
        "- queue_depth above 200 jobs over 10 min, 2 evaluations in a row",
    ]
    assert "**12 steps · 95 minutes expected · 3 go/no-go checkpoints**" in lines
    assert lines.index("## Summary") < triggers < lines.index("## Steps")


def test_markdown_step_reads_in_the_order_it_is_done() -> None:
    text = markdown()
    first = text[text.index("### 1. ") : text.index("### 2. ")]
    assert first.splitlines()[:5] == [
        "### 1. Drain traffic from pool 1",
        "",
        "- [ ] done",
        "",
        "**Owner:** Ada Lovelace · **Expected:** 5 minutes",
    ]
    assert INSTRUCTIONS in first
    assert "```\nkubectl rollout undo deployment/payments-api --to-revision=41\n```" in first
    assert first.rstrip().endswith("**Verify:** error rate below 1 % after step 1")
    fourth = text[text.index("### 4. ") : text.index("### 5. ")]
    assert "**Owner:** role: operations" in fourth
    assert "> **GO / NO-GO CHECKPOINT** — stop unless: error rate below 1 % after step 4" in fourth
    assert "**Verify:**" not in fourth


def test_markdown_ends_with_a_sign_off_table() -> None:
    body = RunbookBody("R", steps=(Step("a", "Flip a|b", owner="x", expected_minutes=1),))
    lines = to_markdown(body, subject="Workload PAY-1", revision=1, status="draft", approvals=[])
    tail = "| Step | Done at | Initials |\n|---|---|---|\n| 1. Flip a\\|b |  |  |\n"
    assert lines.endswith(tail)
    assert "- none yet" in lines and "- none defined" in lines


def test_totals_are_singular_when_one() -> None:
    body = RunbookBody("R", steps=(Step("a", "Only", expected_minutes=1),))
    assert totals(body) == "1 step · 1 minute expected · 0 go/no-go checkpoints"


def test_command_fence_outgrows_backticks_in_the_command() -> None:
    assert fence("echo hi") == "```"
    assert fence("echo ```x```") == "````"
    step = Step("a", "Odd", command="printf '````'", owner="x", expected_minutes=1)
    text = to_markdown(
        RunbookBody("R", steps=(step,)), subject="s", revision=1, status="draft", approvals=[]
    )
    assert "`````\nprintf '````'\n`````" in text


def pdf(tmp_path: Path, body: RunbookBody, name: str = "runbook.pdf") -> Path:
    path = tmp_path / name
    write_pdf(
        path,
        body,
        subject="Component payments-api",
        revision=3,
        status="approved",
        approvals=APPROVALS,
        people=PEOPLE,
    )
    return path


def page_count(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def test_pdf_is_written_and_spans_pages(tmp_path: Path) -> None:
    short = pdf(tmp_path, runbook(2), "short.pdf").read_bytes()
    long = pdf(tmp_path, runbook(30), "long.pdf").read_bytes()
    assert short.startswith(b"%PDF") and long.startswith(b"%PDF")
    assert long.rstrip().endswith(b"%%EOF")
    assert page_count(short) == 1
    assert page_count(long) > 3
    assert len(long) > 20_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.pdf", "short.pdf"]


def test_pdf_takes_any_script_and_odd_markdown(tmp_path: Path) -> None:
    body = RunbookBody(
        "Zurück — Überweisungen ✓ 回滚",
        "#\n---\n> quoted\n* [x] done already\n\\*not italic\\*",
        (Step("a", "Ünïcode", "```\nunterminated fence", "a" * 300, "x", False, 1, "ok"),),
        (Trigger("t", ERROR_RATE),),
    )
    assert pdf(tmp_path, body).read_bytes().startswith(b"%PDF")


def test_a_failed_render_leaves_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = pdf(tmp_path, runbook(2))
    before = path.read_bytes()

    def broken(self: FPDF, *args: object, **kwargs: object) -> bytearray:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(FPDF, "output", broken)
    with pytest.raises(RuntimeError):
        pdf(tmp_path, runbook(5))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["runbook.pdf"]


def test_a_failed_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(src: object, dst: object) -> None:
        raise OSError("read-only")

    monkeypatch.setattr("app.exchange.runbook_pdf.os.replace", refuse)
    with pytest.raises(OSError):
        pdf(tmp_path, runbook(2))
    assert list(tmp_path.iterdir()) == []


needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler's pdftotext is not installed"
)


def page_texts(path: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1]


@needs_pdftotext
def test_pdf_text_reads_like_the_runbook(tmp_path: Path) -> None:
    pages = page_texts(pdf(tmp_path, runbook(12)))
    text = "\n".join(pages)
    first = pages[0]
    for expected in (
        "Payments API rollback",
        "Version 3 · approved",
        "operations: Ada Lovelace, 2026-11-02",
        "error rate above 1 % over 5 min",
        "12 steps · 95 minutes expected · 3 go/no-go checkpoints",
    ):
        assert expected in first
    for number, page in enumerate(pages, 1):
        assert f"Version 3 · page {number} of {len(pages)}" in page
        assert "Payments API rollback" in page and "Component payments-api" in page
    assert text.count("GO / NO-GO CHECKPOINT") == 3
    assert "Stop unless: error rate below 1 % after step 8" in text
    assert "Owner: role: operations · Expected: 10 minutes" in text
    assert "Verify: error rate below 1 % after step 1" in text
    assert "--force" in text and "**" not in text and "`" not in text
    assert "Before you start" in text and "## " not in text
    assert "kubectl rollout undo deployment/payments-api --to-revision=41" in text


@needs_pdftotext
def test_a_step_header_never_ends_a_page(tmp_path: Path) -> None:
    pages = page_texts(pdf(tmp_path, runbook(40)))
    for number in range(1, 41):
        (page,) = [p for p in pages if f"{number}. Drain traffic from pool {number}\n" in p]
        after = page.split(f"{number}. Drain traffic from pool {number}\n", 1)[1]
        assert "Owner:" in after.split("\n")[0] or "Owner:" in after.split("\n")[1]
        assert len([line for line in after.splitlines() if line.strip()]) >= 3
