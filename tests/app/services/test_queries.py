"""The read side the views page through: filtering, sorting and paging in SQL."""

from __future__ import annotations

from app.services import queries
from app.services.queries import WorkloadFilter
from tests.factories import make_workload


def test_filter_sort_and_page(seeded) -> None:
    for n, (bv, size, tier) in enumerate(
        [(1, 8, "low"), (20, 1, "high"), (5, 5, "medium"), (13, 2, "high")]
    ):
        make_workload(
            seeded,
            f"PAY-{n}",
            business_value=bv,
            size=size,
            risk_tier=tier,
            title=f"Checkout step {n}",
        )
    make_workload(seeded, "MOB-1", team="Mobile", title="Offline mode")
    with seeded.db.read() as s:
        everything = WorkloadFilter()
        assert queries.count_workloads(s, everything) == 5
        by_wsjf = queries.workload_page(s, everything, "wsjf", descending=True)
        assert [r.key for r in by_wsjf][:2] == ["PAY-1", "PAY-3"]
        assert by_wsjf[0].wsjf == 25.0
        high = WorkloadFilter(risk_tier="high")
        assert {r.key for r in queries.workload_page(s, high)} == {"PAY-1", "PAY-3"}
        mobile = WorkloadFilter(team=queries.choices(s, "team")[0].uuid)
        assert [r.key for r in queries.workload_page(s, mobile)] == ["MOB-1"]
        assert queries.count_workloads(s, WorkloadFilter(text="CHECKOUT")) == 4
        page = queries.workload_page(s, everything, "key", offset=2, limit=2)
        assert [r.key for r in page] == ["PAY-1", "PAY-2"]


def test_keys_sort_as_people_read_them(seeded) -> None:
    for key in ("PAY-10", "PAY-9", "PAY-100", "MOB-2"):
        make_workload(seeded, key)
    with seeded.db.read() as s:
        rows = queries.workload_page(s, WorkloadFilter(), "key")
        assert [r.key for r in rows] == ["MOB-2", "PAY-9", "PAY-10", "PAY-100"]
        desc = queries.workload_page(s, WorkloadFilter(), "key", descending=True)
        assert desc[0].key == "PAY-100"


def test_team_and_component_rows_count_what_they_own(seeded) -> None:
    make_workload(seeded, "PAY-1", components=[seeded.component])
    with seeded.db.read() as s:
        teams = {t.name: t for t in queries.team_rows(s)}
        assert (teams["Payments"].people, teams["Payments"].components) == (4, 1)
        assert teams["Payments"].open_workloads == 1
        assert queries.team_rows(s, "mob")[0].name == "Mobile"
        (comp,) = queries.component_rows(s)
        assert comp.data_classes == "PII, financial" and comp.team == "Payments"
        assert queries.component_rows(s, kind="database") == []
