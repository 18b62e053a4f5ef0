"""Validation: each rule is reported once, in a fixed order, with where to look."""

from __future__ import annotations

import dataclasses
import time

import pytest

from app.runbooks.body import (
    AVAILABILITY,
    CUSTOM,
    ERROR_RATE,
    LATENCY_P99,
    PRESETS,
    RunbookBody,
    Step,
    Trigger,
)
from app.runbooks.validate import Issue, blocking, problems, trigger_text


def step(n: int = 1, **changes: object) -> Step:
    base = Step(
        id=f"s{n}",
        title=f"Step {n}",
        owner="ada",
        expected_minutes=5,
        verification="error rate back under 1 %",
    )
    return dataclasses.replace(base, **changes)


def trigger(**changes: object) -> Trigger:
    return dataclasses.replace(Trigger("t1", ERROR_RATE, ">", 1.0, "%", 5, 1), **changes)


def body(*steps: Step, triggers: tuple[Trigger, ...] = (), title: str = "Roll back") -> RunbookBody:
    return RunbookBody(title, "", steps or (step(),), triggers)


def fields(issues: list[Issue]) -> list[tuple[int | None, int | None, str]]:
    return [(i.step, i.trigger, i.field) for i in issues]


def test_a_complete_runbook_has_no_issues() -> None:
    presets = tuple(dataclasses.replace(t, id=f"p{n}") for n, t in enumerate(PRESETS.values()))
    good = body(step(1, checkpoint=True), step(2), triggers=presets)
    assert problems(good) == []
    assert not blocking(problems(good))


def test_empty_runbook_reports_title_and_steps_at_runbook_level() -> None:
    found = problems(RunbookBody("  "))
    assert fields(found) == [(None, None, "title"), (None, None, "steps")]
    assert {i.where for i in found} == {"runbook"}
    assert blocking(found)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": " "}, "title"),
        ({"owner": ""}, "owner"),
        ({"expected_minutes": 0}, "expected_minutes"),
        ({"expected_minutes": -3}, "expected_minutes"),
        ({"checkpoint": True, "verification": ""}, "verification"),
    ],
)
def test_each_step_rule(changes: dict[str, object], field: str) -> None:
    found = problems(body(step(1, **changes), step(2)))
    assert fields(found) == [(0, None, field)]


def test_issue_names_the_step_by_number_and_title() -> None:
    found = problems(body(step(1), step(2), step(3, title="Drain traffic", owner="")))
    assert found[0].where == "step 3 'Drain traffic'"
    assert "owner" in found[0].message or "who" in found[0].message
    untitled = problems(body(step(1, title=""), step(2)))
    assert untitled[0].where == "step 1 (no title)"


def test_last_step_must_verify_the_rollback() -> None:
    found = problems(body(step(1, verification=""), step(2, verification="")))
    # A plain middle step may leave verification empty; the last one may not.
    assert fields(found) == [(1, None, "verification")]
    assert "last step" in found[0].message


def test_last_step_checkpoint_without_verification_is_reported_once() -> None:
    found = problems(body(step(1, checkpoint=True, verification="")))
    assert fields(found) == [(0, None, "verification")]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"metric": "cpu"}, "metric"),
        ({"metric": CUSTOM, "custom_name": "", "unit": "jobs"}, "custom_name"),
        ({"metric": CUSTOM, "custom_name": LATENCY_P99, "unit": "ms"}, "custom_name"),
        ({"metric": CUSTOM, "custom_name": "queue_depth", "unit": " "}, "unit"),
        ({"metric": LATENCY_P99, "unit": "%", "threshold": 500.0}, "unit"),
        ({"comparator": "=="}, "comparator"),
        ({"threshold": 101.0}, "threshold"),
        ({"threshold": -1.0}, "threshold"),
        ({"metric": LATENCY_P99, "unit": "ms", "threshold": -1.0}, "threshold"),
        ({"threshold": float("nan")}, "threshold"),
        ({"window_minutes": 0}, "window_minutes"),
        ({"consecutive": 0}, "consecutive"),
    ],
)
def test_each_trigger_rule(changes: dict[str, object], field: str) -> None:
    found = problems(body(triggers=(trigger(), trigger(id="t2", **changes))))
    assert fields(found) == [(None, 1, field)]
    assert found[0].where.startswith("trigger 2 (")


def test_percent_bound_follows_the_unit_not_the_metric() -> None:
    latency = trigger(metric=LATENCY_P99, unit="ms", threshold=800.0)
    custom_percent = trigger(metric=CUSTOM, custom_name="disk", unit="%", threshold=120.0)
    found = problems(body(triggers=(latency, custom_percent)))
    assert fields(found) == [(None, 1, "threshold")]


def test_order_is_runbook_then_steps_then_triggers() -> None:
    broken = RunbookBody(
        "",
        "",
        (step(1, owner=""), step(2, title="", expected_minutes=0)),
        (trigger(window_minutes=0), trigger(id="t2", comparator="~")),
    )
    assert fields(problems(broken)) == [
        (None, None, "title"),
        (0, None, "owner"),
        (1, None, "title"),
        (1, None, "expected_minutes"),
        (None, 0, "window_minutes"),
        (None, 1, "comparator"),
    ]


def test_trigger_text_matches_describe_and_survives_bad_drafts() -> None:
    for t in PRESETS.values():
        assert trigger_text(t) == t.describe()
    assert trigger_text(trigger(metric="cpu")).startswith("cpu above 1 %")
    assert trigger_text(trigger(metric=CUSTOM, unit="")).startswith("unnamed custom metric")
    assert trigger_text(trigger(metric=AVAILABILITY, comparator="<", threshold=99.9)) == (
        "availability below 99.9 % over 5 min"
    )


def test_blocking_is_any_issue() -> None:
    assert blocking([Issue("runbook", None, None, "title", "x")])
    assert not blocking([])
    assert not blocking(iter(()))


def test_two_hundred_steps_validate_quickly() -> None:
    big = body(
        *(step(n, owner="" if n % 7 == 0 else "ada") for n in range(200)),
        triggers=tuple(trigger(id=f"t{n}") for n in range(20)),
    )
    started = time.perf_counter()
    for _ in range(20):
        found = problems(big)
    assert (time.perf_counter() - started) / 20 < 0.01
    assert len(found) == len(range(0, 200, 7))
