"""Planning a deployment sized by history, and the planned-vs-actual variance behind it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domain import Deployment
from app.services import crud
from app.services.catalog import ENVIRONMENT
from app.services.deployments import default_length, plan_deployment, variance_report
from app.services.errors import ValidationError
from app.services.workloads import WORKLOAD
from tests.factories import Org, workload_values

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _history(org: Org, actual_minutes: list[int], planned: int = 30) -> None:
    """Finished production rollouts of PAY-1 (payments-api) over the last weeks."""
    with org.db.transaction() as s:
        env = {"name": "production", "position": 1, "is_production": True}
        prod = crud.create(s, org.admin, ENVIRONMENT, env)
        env = {"name": "dev", "position": 0, "is_production": False}
        crud.create(s, org.admin, ENVIRONMENT, env)
        pay = crud.create(
            s, org.coordinator, WORKLOAD, workload_values("PAY-1", components=[org.component])
        )
        crud.create(s, org.coordinator, WORKLOAD, workload_values("PAY-2"))
        for n, minutes in enumerate(actual_minutes):
            start = NOW - timedelta(days=7 * (n + 1))
            s.add(
                Deployment(
                    workload_id=pay.id,
                    environment_id=prod.id,
                    owner_id=org.coordinator.person_id,
                    planned_start=start,
                    planned_end=start + timedelta(minutes=planned),
                    actual_start=start,
                    actual_end=start + timedelta(minutes=minutes),
                    result="succeeded",
                )
            )


def test_variance_compares_planned_with_actual_per_team_and_component(seeded: Org) -> None:
    _history(seeded, [30, 40, 50, 60, 70])
    with seeded.db.read() as s:
        teams, components = variance_report(s, NOW)
    team = teams["Payments"]
    assert team.count == 5
    assert team.median_planned == 30
    assert team.median_actual == 50
    assert team.median_overrun == 20
    assert team.p80_overrun == pytest.approx(32)  # inclusive quantiles of 0..40
    assert [v.count for v in components.values()] == [5]


def test_a_new_deployment_is_as_long_as_history_says(seeded: Org) -> None:
    _history(seeded, [44, 46, 52, 58])
    start = NOW + timedelta(days=3)
    with seeded.db.read() as s:
        minutes, basis = default_length(s, "PAY-2", NOW)
    assert minutes == 50  # median actual 49, rounded up to 5 minutes
    assert "4 deployments" in basis
    with seeded.db.transaction() as s:
        dep, why = plan_deployment(
            s, seeded.coordinator, "PAY-2", "production", start, owner="coordinator"
        )
        assert dep.planned_end - dep.planned_start == timedelta(minutes=50)
        assert why == basis


def test_without_history_the_stated_default_applies(seeded: Org) -> None:
    _history(seeded, [])
    with seeded.db.read() as s:
        minutes, basis = default_length(s, "PAY-2", NOW)
    assert (minutes, basis.startswith("no history")) == (60, True)


def test_production_needs_a_deployment_owner_and_nothing_is_saved(seeded: Org) -> None:
    _history(seeded, [30])
    with pytest.raises(ValidationError) as caught:
        with seeded.db.transaction() as s:
            plan_deployment(s, seeded.coordinator, "PAY-2", "production", NOW, minutes=30)
    assert [e.field for e in caught.value.errors] == ["owner"]
    with seeded.db.transaction() as s:
        dep, _ = plan_deployment(s, seeded.coordinator, "PAY-2", "dev", NOW, minutes=30)
        assert dep.owner is None
