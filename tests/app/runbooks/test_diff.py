"""Diffs between versions: steps followed by id, moves only when not explained by edits."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from app.runbooks.body import ERROR_RATE, RunbookBody, Step, Trigger
from app.runbooks.diff import Change, diff, render


def step(sid: str, **changes: object) -> Step:
    base = Step(id=sid, title=f"Step {sid}", owner="ada", expected_minutes=5)
    return dataclasses.replace(base, **changes)


def body(*steps: Step, triggers: tuple[Trigger, ...] = (), **changes: object) -> RunbookBody:
    return dataclasses.replace(RunbookBody("Roll back", "", steps, triggers), **changes)


def kinds(changes: list[Change]) -> list[tuple[str, str]]:
    return [(c.kind, c.subject) for c in changes]


def test_identical_bodies_have_no_differences() -> None:
    same = body(step("a"), step("b"))
    assert diff(same, same) == []
    assert render([]) == "No differences."


def test_field_changes_are_shown_as_display_strings() -> None:
    old = body(step("a", title="Drain traffic", expected_minutes=5))
    new = body(
        step(
            "a",
            title="Drain traffic",
            expected_minutes=10,
            checkpoint=True,
            owner="operations",
            owner_is_role=True,
        )
    )
    changes = diff(old, new)
    assert [(c.field, c.before, c.after) for c in changes] == [
        ("owner", "ada", "role: operations"),
        ("expected_minutes", "5 min", "10 min"),
        ("checkpoint", "no", "yes"),
    ]
    assert {c.kind for c in changes} == {"changed"}
    assert render(changes).splitlines()[1] == (
        "Step 'Drain traffic': expected minutes 5 min → 10 min"
    )


def test_renamed_step_is_a_change_not_a_removal() -> None:
    changes = diff(body(step("a", title="Old")), body(step("a", title="New")))
    assert [(c.kind, c.subject, c.field, c.before, c.after) for c in changes] == [
        ("changed", "step 'New'", "title", "Old", "New")
    ]


def test_insertions_and_deletions_do_not_count_as_moves() -> None:
    old = body(step("a"), step("b"), step("c"), step("d"))
    new = body(step("x"), step("a"), step("c"), step("d"), step("y"))
    assert kinds(diff(old, new)) == [
        ("added", "step 'Step x'"),
        ("added", "step 'Step y'"),
        ("removed", "step 'Step b'"),
    ]
    lines = render(diff(old, new)).splitlines()
    assert lines[0] == "Step 'Step x': added at position 1"
    assert lines[2] == "Step 'Step b': removed from position 2"


def test_a_moved_step_reports_old_and_new_positions() -> None:
    old = body(*(step(s) for s in "abcde"))
    new = body(*(step(s) for s in "abdec"))
    changes = diff(old, new)
    assert [(c.kind, c.subject, c.before, c.after) for c in changes] == [
        ("moved", "step 'Step c'", "position 3", "position 5")
    ]
    assert render(changes) == "Step 'Step c': moved from position 3 to position 5"


def test_prose_fields_carry_a_unified_diff_without_file_headers() -> None:
    old = body(step("a", instructions="Open the console.\nScale to 0.\nWait."), summary="Use it.")
    new = body(step("a", instructions="Open the console.\nScale to 2.\nWait."), summary="Use it!")
    changes = diff(old, new)
    assert [c.field for c in changes] == ["summary", "instructions"]
    instructions = changes[1].text_diff
    assert not any(line.startswith(("---", "+++")) for line in instructions)
    assert instructions[0].startswith("@@")
    assert "-Scale to 0." in instructions and "+Scale to 2." in instructions
    text = render(changes)
    assert "Step 'Step a': instructions changed:" in text
    assert "    +Scale to 2." in text


def test_single_line_command_is_shown_before_and_after() -> None:
    changes = diff(body(step("a", command="undo --to 3")), body(step("a", command="undo --to 4")))
    assert changes[0].text_diff == ()
    assert render(changes) == "Step 'Step a': command undo --to 3 → undo --to 4"


def test_empty_values_read_as_empty() -> None:
    changes = diff(body(step("a")), body(step("a", verification="queue is empty")))
    assert render(changes) == "Step 'Step a': verification (empty) → queue is empty"


def test_trigger_changes_and_additions() -> None:
    error = Trigger("t1", ERROR_RATE, ">", 1.0, "%", 5, 1)
    stricter = dataclasses.replace(error, threshold=0.5, consecutive=3)
    custom = Trigger("t2", "custom", ">", 200.0, "jobs", 10, 2, "queue_depth")
    changes = diff(body(triggers=(error,)), body(triggers=(stricter, custom)))
    assert [(c.kind, c.subject, c.field, c.before, c.after) for c in changes] == [
        (
            "changed",
            "trigger 'error rate above 0.5 % over 5 min, 3 evaluations in a row'",
            "threshold",
            "1",
            "0.5",
        ),
        (
            "changed",
            "trigger 'error rate above 0.5 % over 5 min, 3 evaluations in a row'",
            "consecutive",
            "1",
            "3",
        ),
        (
            "added",
            "trigger 'queue_depth above 200 jobs over 10 min, 2 evaluations in a row'",
            "",
            "",
            "position 2",
        ),
    ]


def test_tiny_threshold_changes_are_not_hidden_by_rounding() -> None:
    a = Trigger("t1", ERROR_RATE, ">", 1.0, "%")
    b = dataclasses.replace(a, threshold=1.0000001)
    (change,) = diff(body(triggers=(a,)), body(triggers=(b,)))
    assert change.before != change.after


def test_runbook_title_change() -> None:
    changes = diff(body(title="Old"), body(title="New"))
    assert render(changes) == "Runbook: title Old → New"


def test_duplicate_ids_still_diff() -> None:
    old = body(step("a", title="one"), step("a", title="two"))
    new = body(step("a", title="one"))
    assert kinds(diff(old, new)) == [("removed", "step 'two'")]


@given(
    st.lists(st.sampled_from("abcdefgh"), unique=True, max_size=8),
    st.lists(st.sampled_from("abcdefgh"), unique=True, max_size=8),
)
def test_every_id_is_accounted_for(old_ids: list[str], new_ids: list[str]) -> None:
    changes = diff(body(*map(step, old_ids)), body(*map(step, new_ids)))
    by_kind = {k: {c.subject for c in changes if c.kind == k} for k in ("added", "removed")}
    assert by_kind["added"] == {f"step 'Step {s}'" for s in set(new_ids) - set(old_ids)}
    assert by_kind["removed"] == {f"step 'Step {s}'" for s in set(old_ids) - set(new_ids)}
    moved = [c for c in changes if c.kind == "moved"]
    shared_old = [s for s in old_ids if s in new_ids]
    shared_new = [s for s in new_ids if s in old_ids]
    # Unmoved steps keep their relative order, and nothing moves when the order is kept.
    kept = [s for s in shared_new if f"step 'Step {s}'" not in {c.subject for c in moved}]
    assert kept == [s for s in shared_old if s in kept]
    assert (shared_old == shared_new) == (not moved)
