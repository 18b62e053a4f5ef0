"""Contract and library rules."""

from __future__ import annotations

from datetime import date

from app.planning.contracts import ContractInfo, contract_findings, library_skew

TODAY = date(2026, 6, 1)


def test_consumer_on_a_deprecated_version_sees_time_left() -> None:
    c = ContractInfo(
        "payments-api",
        "payments",
        "v1",
        frozenset({"web", "mobile"}),
        deprecated_on=date(2026, 5, 1),
        sunset_on=date(2026, 7, 1),
    )
    found = contract_findings([c], TODAY)
    assert [(f.consumer, f.kind, f.days_left) for f in found] == [
        ("mobile", "deprecated", 30),
        ("web", "deprecated", 30),
    ]
    assert "30 days before sunset on 2026-07-01" in found[0].message


def test_past_sunset_and_not_yet_deprecated() -> None:
    gone = ContractInfo("a", "a", "v1", frozenset({"x"}), date(2026, 1, 1), date(2026, 3, 1))
    fine = ContractInfo("b", "b", "v1", frozenset({"y"}), date(2026, 9, 1), date(2026, 12, 1))
    (f,) = contract_findings([gone, fine], TODAY)
    assert f.kind == "sunset" and f.days_left == -92


def test_breaking_change_needs_its_consumers_in_the_release() -> None:
    c = ContractInfo(
        "orders-api",
        "orders",
        "v2",
        frozenset({"web", "mobile"}),
        backward_compatible=False,
        changed_in="2026.12",
    )
    found = contract_findings([c], TODAY, release="2026.12", changing=frozenset({"web"}))
    assert [(f.kind, f.consumer) for f in found] == [("unsynchronised", "mobile")]
    compatible = ContractInfo(
        "orders-api", "orders", "v2", frozenset({"mobile"}), changed_in="2026.12"
    )
    assert contract_findings([compatible], TODAY, release="2026.12") == []


def test_library_skew_proposes_moving_to_the_newest_version() -> None:
    usages = [
        ("web", "ui-kit", "1.10.0"),
        ("admin", "ui-kit", "1.9.2"),
        ("mobile", "ui-kit", "1.10.0"),
        ("api", "logging", "2.0"),
    ]
    (skew,) = library_skew(usages)
    assert skew.library == "ui-kit" and skew.target == "1.10.0"
    assert skew.upgrades == (("admin", "1.9.2", "1.10.0"),)
    assert "admin 1.9.2 → 1.10.0" in skew.describe()
