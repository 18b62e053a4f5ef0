"""Promotion gates as pure rules: each rule of app.policy.gates, and runbook approval."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from app.policy.gates import (
    Evidence,
    GateSubject,
    RunbookStatus,
    Target,
    Verdict,
    check,
    runbook_approval,
)

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
STAGING = Target("staging", False, "dev")
PROD = Target("production", True, "staging")
APPROVED = (RunbookStatus("Payments rollback (version 1)", True),)


def ev(
    kind: str,
    passed: bool = True,
    *,
    days: float = 1,
    env: str | None = None,
    artifact: str | None = None,
    by: str = "",
) -> Evidence:
    """Evidence performed `days` before NOW; tests land in staging unless told otherwise."""
    if env is None and kind == "tests":
        env = "staging"
    return Evidence(kind, passed, NOW - timedelta(days=days), env, artifact, by)


def subject(**over: Any) -> GateSubject:
    base = GateSubject("PAY-1", "low", "feature", stateful=False, regulated=False)
    return dataclasses.replace(base, **over)


def verdict(subj: GateSubject, target: Target, evidence: list[Evidence], **kw: Any) -> Verdict:
    return check(subj, target, evidence, now=NOW, **kw)


def gates_missing(v: Verdict) -> list[str]:
    return [m.split(":", 1)[0] for m in v.missing]


# --- tests in the previous environment -------------------------------------------------


def test_entering_an_environment_needs_a_passing_test_in_the_one_before() -> None:
    none = verdict(subject(), STAGING, [])
    assert not none.allowed
    assert none.missing == ("tests: no test result recorded in dev",)
    passed = verdict(subject(), STAGING, [ev("tests", env="dev", by="Cora")])
    assert passed.allowed
    assert passed.satisfied == ("tests: passed 2026-05-31 by Cora in dev",)


def test_tests_recorded_in_another_environment_do_not_count() -> None:
    v = verdict(subject(), STAGING, [ev("tests", env="staging"), ev("tests", env="production")])
    assert v.missing == ("tests: no test result recorded in dev",)


def test_the_first_environment_needs_no_earlier_tests() -> None:
    assert verdict(subject(), Target("dev", False, None), []).allowed


def test_a_failed_re_run_after_a_pass_blocks_latest_wins() -> None:
    rerun = [ev("tests", True, days=3, env="dev"), ev("tests", False, days=1, env="dev")]
    v = verdict(subject(), STAGING, rerun)
    assert not v.allowed
    assert v.missing == ("tests: the latest test result in dev failed (2026-05-31)",)
    fixed = [ev("tests", False, days=3, env="dev"), ev("tests", True, days=1, env="dev")]
    assert verdict(subject(), STAGING, fixed).allowed


def test_non_production_targets_only_check_tests() -> None:
    everything_missing = subject(
        tier="high",
        change_class="emergency",
        stateful=True,
        regulated=True,
        missing_roles=("approver", "operations", "security"),
        runbooks=(RunbookStatus("Unsigned", False, ("operations sign-off",)),),
    )
    target = dataclasses.replace(STAGING, wave="Wave 2", after_canary="Canary 5 %")
    v = verdict(everything_missing, target, [ev("tests", env="dev")])
    assert v.allowed
    assert v.missing == ()


# --- sign-off and runbooks ---------------------------------------------------------------


def test_every_missing_sign_off_role_is_named() -> None:
    v = verdict(subject(missing_roles=("approver", "operations")), PROD, [ev("tests")])
    assert v.missing == (
        "sign-off: approver has not approved",
        "sign-off: operations has not approved",
    )
    done = verdict(subject(), PROD, [ev("tests")])
    assert done.allowed
    assert "sign-off: complete" in done.satisfied


def test_a_runbook_is_required_above_low_risk_and_for_emergencies() -> None:
    assert verdict(subject(tier="low"), PROD, [ev("tests")]).allowed
    for over, tier in (
        ({"tier": "medium"}, "medium"),
        ({"tier": "high"}, "high"),
        ({"tier": "low", "change_class": "emergency"}, "low"),
    ):
        v = verdict(subject(**over), PROD, [ev("tests"), ev("chaos"), ev("canary", env="x")])
        expected = f"runbook: a {tier}-risk change needs an approved rollback runbook"
        assert expected in v.missing, over
        with_runbook = verdict(
            subject(runbooks=APPROVED, **over),
            PROD,
            [ev("tests"), ev("chaos"), ev("canary", env="x")],
        )
        assert with_runbook.allowed, (over, with_runbook.missing)
        assert "runbook: 'Payments rollback (version 1)' approved" in with_runbook.satisfied


def test_an_unapproved_runbook_is_named_with_what_it_lacks() -> None:
    runbooks = (
        RunbookStatus("Payments rollback (version 2)", False, ("security sign-off",)),
        RunbookStatus("Ledger template (version 1)", True),
    )
    v = verdict(subject(tier="medium", runbooks=runbooks), PROD, [ev("tests")])
    assert v.missing == (
        "runbook: 'Payments rollback (version 2)' is not approved (security sign-off)",
    )
    # even a low-risk change that relies on a runbook waits for its approval
    low = verdict(subject(runbooks=runbooks[:1]), PROD, [ev("tests")])
    assert gates_missing(low) == ["runbook"]


# --- restore validated ---------------------------------------------------------------------


def test_a_stateful_change_needs_a_restore_validated_within_the_max_age() -> None:
    stateful = subject(stateful=True)
    none = verdict(stateful, PROD, [ev("tests")])
    assert none.missing == ("restore validated: no backup-and-restore validation recorded",)
    recent = verdict(stateful, PROD, [ev("tests"), ev("restore", days=29)])
    assert recent.allowed
    assert "restore validated: passed 2026-05-03" in recent.satisfied
    old = verdict(stateful, PROD, [ev("tests"), ev("restore", days=31)])
    assert not old.allowed
    assert old.missing == (
        "restore validated: the last passing restore was 31 days ago (2026-05-01); "
        "it must be within 30 days",
    )
    assert verdict(subject(), PROD, [ev("tests")]).allowed  # stateless: no restore needed


def test_the_restore_max_age_is_the_policy_s() -> None:
    stateful = subject(stateful=True)
    evidence = [ev("tests"), ev("restore", days=10)]
    strict = verdict(stateful, PROD, evidence, restore_max_age_days=7)
    assert "it must be within 7 days" in strict.missing[0]
    assert verdict(stateful, PROD, evidence, restore_max_age_days=14).allowed
    lenient = [ev("tests"), ev("restore", days=45)]
    assert verdict(stateful, PROD, lenient, restore_max_age_days=60).allowed


def test_a_failed_restore_after_a_pass_blocks() -> None:
    evidence = [ev("tests"), ev("restore", days=5), ev("restore", False, days=2)]
    v = verdict(subject(stateful=True), PROD, evidence)
    assert v.missing == (
        "restore validated: the latest backup-and-restore validation failed (2026-05-30)",
    )


# --- chaos, canary, peer review ------------------------------------------------------------


def test_a_chaos_experiment_is_needed_for_high_risk_only() -> None:
    medium = verdict(subject(tier="medium", runbooks=APPROVED), PROD, [ev("tests")])
    assert medium.allowed
    high = subject(tier="high", runbooks=APPROVED)
    canary = ev("canary", env="production")
    v = verdict(high, PROD, [ev("tests"), canary])
    assert v.missing == ("chaos experiment: no chaos experiment recorded",)
    failed = verdict(
        high, PROD, [ev("tests"), canary, ev("chaos", True, days=4), ev("chaos", False)]
    )
    assert gates_missing(failed) == ["chaos experiment"]
    assert verdict(high, PROD, [ev("tests"), canary, ev("chaos")]).allowed


def test_a_wave_after_the_canary_wave_needs_a_passing_canary_in_that_environment() -> None:
    wave2 = dataclasses.replace(
        PROD, wave="Wave 2", after_canary="Canary 5 %", release_has_canary=True
    )
    medium = subject(tier="medium", runbooks=APPROVED)
    none = verdict(medium, wave2, [ev("tests")])
    assert none.missing == (
        "canary analysis: wave 'Wave 2' follows the canary wave 'Canary 5 %' and needs a "
        "passing canary analysis; none is recorded",
    )
    elsewhere = verdict(medium, wave2, [ev("tests"), ev("canary", env="staging")])
    assert gates_missing(elsewhere) == ["canary analysis"]
    failed = verdict(medium, wave2, [ev("tests"), ev("canary", False, env="production")])
    assert "the latest failed (2026-05-31)" in failed.missing[0]
    assert verdict(medium, wave2, [ev("tests"), ev("canary", env="production")]).allowed


def test_the_canary_wave_itself_needs_no_canary_analysis() -> None:
    canary_wave = dataclasses.replace(PROD, wave="Canary 5 %", release_has_canary=True)
    high = subject(tier="high", runbooks=APPROVED)
    v = verdict(high, canary_wave, [ev("tests"), ev("chaos")])
    assert v.allowed, v.missing


def test_high_risk_without_a_canary_wave_needs_a_canary_analysis_anyway() -> None:
    high = subject(tier="high", runbooks=APPROVED)
    v = verdict(high, PROD, [ev("tests"), ev("chaos")])
    assert v.missing == ("canary analysis: no canary analysis recorded",)
    # any environment's canary counts here: the release offers no canary wave to run it in
    assert verdict(high, PROD, [ev("tests"), ev("chaos"), ev("canary", env="staging")]).allowed
    assert verdict(subject(tier="medium", runbooks=APPROVED), PROD, [ev("tests")]).allowed


def test_regulated_data_needs_a_passing_peer_review() -> None:
    regulated = subject(regulated=True)
    assert verdict(regulated, PROD, [ev("tests")]).missing == (
        "peer review: no peer review recorded",
    )
    withdrawn = [ev("tests"), ev("peer_review", days=3), ev("peer_review", False, days=1)]
    assert gates_missing(verdict(regulated, PROD, withdrawn)) == ["peer review"]
    assert verdict(regulated, PROD, [ev("tests"), ev("peer_review")]).allowed
    assert verdict(subject(), PROD, [ev("tests")]).allowed


# --- artifacts -----------------------------------------------------------------------------


def test_evidence_for_another_artifact_does_not_count() -> None:
    regulated = subject(regulated=True)
    other = [ev("tests", artifact="sha256:bbb"), ev("peer_review", artifact="sha256:bbb")]
    v = verdict(regulated, PROD, other, artifact="sha256:aaa")
    assert gates_missing(v) == ["tests", "peer review"]
    same = [ev("tests", artifact="sha256:aaa"), ev("peer_review", artifact="sha256:aaa")]
    assert verdict(regulated, PROD, same, artifact="sha256:aaa").allowed
    unnamed = [ev("tests"), ev("peer_review")]
    assert verdict(regulated, PROD, unnamed, artifact="sha256:aaa").allowed


def test_a_newer_failure_for_another_artifact_does_not_withdraw_this_one_s_pass() -> None:
    evidence = [ev("tests", days=3, artifact="sha256:aaa"), ev("tests", False, artifact="b")]
    assert verdict(subject(), PROD, evidence, artifact="sha256:aaa").allowed
    assert not verdict(subject(), PROD, evidence).allowed  # without an artifact, all count


# --- runbook approval ----------------------------------------------------------------------


def test_operations_and_security_by_two_different_non_authors_approve() -> None:
    ok, lacks = runbook_approval(
        ["Ann Author"], [("operations", "approved", "Olga"), ("security", "approved", "Sam")]
    )
    assert (ok, lacks) == (True, ())


def test_each_missing_role_is_named() -> None:
    assert runbook_approval(["Ann"], []) == (False, ("operations sign-off", "security sign-off"))
    assert runbook_approval(["Ann"], [("operations", "approved", "Olga")]) == (
        False,
        ("security sign-off",),
    )


def test_the_same_person_in_both_roles_is_not_enough() -> None:
    ok, lacks = runbook_approval(
        ["Ann"], [("operations", "approved", "Olga"), ("security", "approved", "Olga")]
    )
    assert not ok
    assert lacks == ("a second person: operations and security signed by the same person",)


def test_an_author_s_approval_does_not_count() -> None:
    ok, lacks = runbook_approval(
        ["Ann", None], [("operations", "approved", "Ann"), ("security", "approved", "Sam")]
    )
    assert (ok, lacks) == (False, ("operations sign-off",))


def test_pending_rejected_and_void_sign_offs_do_not_count() -> None:
    for state in ("pending", "rejected", "void"):
        ok, lacks = runbook_approval(
            ["Ann"], [("operations", state, "Olga"), ("security", "approved", "Sam")]
        )
        assert (ok, lacks) == (False, ("operations sign-off",)), state


# --- property ------------------------------------------------------------------------------

KINDS = ("tests", "peer_review", "restore", "chaos", "canary")
ENVS = (None, "dev", "staging", "production")


Scenario = tuple[GateSubject, Target, list[Evidence], Evidence, str | None]


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    subj = GateSubject(
        "PAY-1",
        draw(st.sampled_from(("low", "medium", "high"))),
        draw(st.sampled_from(("feature", "configuration", "emergency"))),
        draw(st.booleans()),
        draw(st.booleans()),
        draw(st.sampled_from(((), ("approver",)))),
        draw(
            st.lists(
                st.builds(RunbookStatus, st.sampled_from(("A", "B")), st.booleans()), max_size=2
            ).map(tuple)
        ),
    )
    env, prod, previous = draw(
        st.sampled_from(
            (("dev", False, None), ("staging", False, "dev"), ("production", True, "staging"))
        )
    )
    after = draw(st.sampled_from((None, "Canary 5 %")))
    target = Target(env, prod, previous, "Wave 2" if after else None, after, draw(st.booleans()))
    artifacts = st.sampled_from((None, "sha256:aaa", "sha256:bbb"))
    hours = st.integers(min_value=1, max_value=24 * 90)
    existing = draw(
        st.lists(
            st.builds(
                lambda k, p, h, e, a: Evidence(k, p, NOW - timedelta(hours=h), e, a),
                st.sampled_from(KINDS),
                st.booleans(),
                hours,
                st.sampled_from(ENVS),
                artifacts,
            ),
            max_size=8,
        )
    )
    oldest_allowed = min((NOW - e.performed_at for e in existing), default=timedelta(days=90))
    newest_hours = draw(st.integers(0, int(oldest_allowed / timedelta(hours=1)) - 1))
    added = Evidence(
        draw(st.sampled_from(KINDS)),
        True,
        NOW - timedelta(hours=newest_hours),
        draw(st.sampled_from(ENVS)),
        draw(artifacts),
    )
    return subj, target, existing, added, draw(artifacts)


@given(scenarios())
def test_a_new_passing_piece_of_evidence_never_adds_a_missing_reason(case: Scenario) -> None:
    subj, target, existing, added, artifact = case
    before = verdict(subj, target, existing, artifact=artifact)
    after = verdict(subj, target, [*existing, added], artifact=artifact)
    assert not Counter(gates_missing(after)) - Counter(gates_missing(before))
    assert len(after.missing) <= len(before.missing)
    assert after.allowed or not before.allowed
