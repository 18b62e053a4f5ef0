"""Approval paths: which sign-offs and which gates each tier and change class asks for."""

from __future__ import annotations

import pytest

from app.policy.approval_paths import ApprovalPath, missing_roles, path_for


def test_configuration_at_low_risk_is_a_pre_approved_standard_change() -> None:
    p = path_for("low", "configuration")
    assert (p.name, p.roles, p.gates) == ("standard change", (), ("tests",))
    assert p.summary.startswith("Pre-approved")


def test_other_low_risk_changes_need_a_peer_review() -> None:
    for change_class in ("feature", "bug_fix", "tech_debt", "compliance"):
        p = path_for("low", change_class)
        assert (p.name, p.roles, p.gates) == (
            "normal change, low risk",
            (),
            ("tests", "peer review"),
        )


def test_configuration_above_low_risk_is_not_standard() -> None:
    assert path_for("medium", "configuration").name == "normal change"
    assert path_for("high", "configuration").name == "CAB"


def test_medium_needs_an_approver_and_a_restore_when_stateful() -> None:
    p = path_for("medium", "feature")
    assert (p.name, p.roles, p.gates) == ("normal change", ("approver",), ("tests", "peer review"))
    stateful = path_for("medium", "feature", stateful=True)
    assert stateful.gates == ("tests", "peer review", "restore validated")
    assert "restore validated" in stateful.summary


def test_high_goes_to_the_cab() -> None:
    p = path_for("high", "feature")
    assert p.name == "CAB"
    assert p.roles == ("approver", "operations")
    assert p.gates == ("tests", "peer review", "chaos experiment", "canary analysis")
    full = path_for("high", "compliance", regulated=True, stateful=True)
    assert full.roles == ("approver", "operations", "security")
    assert full.gates == (
        "tests",
        "peer review",
        "chaos experiment",
        "canary analysis",
        "restore validated",
    )
    assert "approver, operations and security" in full.summary


@pytest.mark.parametrize("tier", ["low", "medium", "high"])
def test_emergency_is_an_exception_at_any_tier(tier: str) -> None:
    p = path_for(tier, "emergency")
    assert (p.name, p.roles, p.gates) == ("emergency exception", ("approver",), ("tests",))
    assert "bypasses the train as an independent release" in p.summary
    assert "none of the train's capacity" in p.summary
    assert "reviewed after the fact" in p.summary


def test_a_regulated_stateful_emergency() -> None:
    p = path_for("high", "emergency", regulated=True, stateful=True)
    assert p.roles == ("approver", "security")
    assert p.gates == ("tests", "peer review", "restore validated")


def test_regulated_data_adds_a_peer_review_wherever_it_is_missing() -> None:
    assert path_for("low", "configuration", regulated=True).gates == ("tests", "peer review")
    assert path_for("low", "feature", regulated=True).gates == ("tests", "peer review")
    assert path_for("medium", "feature", regulated=True).gates == ("tests", "peer review")
    assert path_for("medium", "feature", regulated=True).roles == ("approver",)


def test_stateful_does_not_burden_the_low_paths() -> None:
    assert path_for("low", "configuration", stateful=True).gates == ("tests",)
    assert path_for("low", "feature", stateful=True).gates == ("tests", "peer review")


def test_unknown_tier_or_class_is_refused() -> None:
    with pytest.raises(ValueError):
        path_for("critical", "feature")
    with pytest.raises(ValueError):
        path_for("low", "hotfix")


def test_summary_is_one_sentence_naming_the_sign_off() -> None:
    assert path_for("low", "feature").summary == (
        "Low-risk change; no sign-off; needs tests and peer review before production."
    )
    assert "sign-off by approver;" in path_for("medium", "bug_fix").summary


def test_missing_roles_in_the_path_order() -> None:
    cab = path_for("high", "feature", regulated=True)
    assert missing_roles(cab, []) == ("approver", "operations", "security")
    assert missing_roles(cab, ["security", "viewer"]) == ("approver", "operations")
    assert missing_roles(cab, iter(["operations", "approver", "security"])) == ()
    assert missing_roles(path_for("low", "configuration"), []) == ()
    assert missing_roles(ApprovalPath("x", ("a", "b"), (), ""), ("b",)) == ("a",)
