"""Deployment windows, freeze periods, rollout waves and freeze overrides for the demo.

Each train gets a production change window around its release window in its own zone, so
almost every planned rollout fits, and the ones pushed a day by a failed wave do not (real
conflicts to resolve). The freezes are the ones every organisation has: a hard year-end
freeze, a soft quarter-end close for the money teams, a hard peak-season freeze for the
customer-facing teams, and a one-off data-centre move that lands on an upcoming Data Train
release, with an approved override for it and a pending one for the next. Upcoming train
releases roll out in canary waves; one release's second wave starts before the canary has
baked, so that rule is visible too.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.demo.releases import PERIOD, WEEKDAYS, train_rules
from app.demo.vocabulary import TRAINS
from app.demo.world import Uuids, World, entity
from app.domain.enums import Role

WINDOW_BEFORE = timedelta(hours=1)
WINDOW_LENGTH = timedelta(hours=7)
WAVES = (("Canary 5 %", 5, 45, 60), ("Early 25 %", 25, 60, 30), ("Everyone 100 %", 100, 45, 0))
"""Name, traffic share, minutes, bake minutes."""
WAVE_RELEASES = 8
"""Upcoming releases per train that have their waves planned."""


def _local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def _number(world: World, table: str, rows: list[dict[str, Any]]) -> None:
    for row, row_id in zip(rows, world.ids(table, len(rows)), strict=True):
        row["id"] = row_id


class Scheduling:
    def __init__(self, world: World) -> None:
        self.world = world
        self.windows: list[dict[str, Any]] = []
        self.freezes: list[dict[str, Any]] = []
        self.freeze_teams: list[dict[str, int]] = []
        self.freeze_components: list[dict[str, int]] = []
        self.waves: list[dict[str, Any]] = []
        self.wave_components: list[dict[str, int]] = []
        self.overrides: list[dict[str, Any]] = []
        self._build()

    def _build(self) -> None:
        self._windows()
        self._freezes()
        self._waves()

    def _windows(self) -> None:
        world = self.world
        uuids = Uuids(world.rng("window-uuids"))
        production = [(env_id, name) for env_id, name, prod in world.environments if prod]
        for (name, _prefix, zone, _rule, _d), (*_, weekday, hour, _s) in zip(
            train_rules(world), TRAINS, strict=False
        ):
            first = (
                world.anchor_day + timedelta(days=7 + weekday) - PERIOD * (world.scale.past_periods)
            )
            start = datetime(first.year, first.month, first.day, hour) - WINDOW_BEFORE
            for env_id, env_name in production:
                self.windows.append(
                    entity(
                        0, uuids(), world.origin,
                        name=f"{name} change window ({env_name})",
                        environment_id=env_id,
                        timezone=zone,
                        starts_local=start,
                        ends_local=start + WINDOW_LENGTH,
                        all_day=False,
                        rrule=f"FREQ=WEEKLY;INTERVAL=2;BYDAY={WEEKDAYS[weekday]}",
                        exdates=[],
                        external_uid=None,
                        description=f"Production rollouts of the {name}",
                    )
                )  # fmt: skip
        first = world.anchor_day - timedelta(days=14 * world.scale.past_periods)
        first += timedelta(days=(2 - first.weekday()) % 7)
        for env_id, env_name in production:
            self.windows.append(
                entity(
                    0, uuids(), world.origin,
                    name=f"Independent release window ({env_name})",
                    environment_id=env_id,
                    timezone="Europe/Berlin",
                    starts_local=datetime(first.year, first.month, first.day, 13),
                    ends_local=datetime(first.year, first.month, first.day, 19),
                    all_day=False,
                    rrule="FREQ=WEEKLY;BYDAY=WE",
                    exdates=[],
                    external_uid=None,
                    description="Emergency patches and independently deployed components",
                )
            )  # fmt: skip
        _number(world, "deployment_window", self.windows)

    def _freeze(self, uuids: Uuids, **values: Any) -> int:
        row = entity(0, uuids(), self.world.origin, external_uid=None, exdates=[], **values)
        self.freezes.append(row)
        return len(self.freezes) - 1

    def _freezes(self) -> None:
        world = self.world
        uuids = Uuids(world.rng("freeze-uuids"))
        year = world.origin.year
        self._freeze(
            uuids, name="Year-end change freeze", hard=True, timezone="UTC", all_day=True,
            starts_local=datetime(year, 12, 21), ends_local=datetime(year + 1, 1, 3),
            rrule="FREQ=YEARLY", reason="Reduced staffing and peak trading over the holidays",
        )  # fmt: skip
        close = self._freeze(
            uuids, name="Quarter-end close", hard=False, timezone="Europe/London", all_day=True,
            starts_local=datetime(year, 3, 29), ends_local=datetime(year, 4, 1),
            rrule="FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-3",
            reason="Finance closes the books; ledger and billing changes need a second look",
        )  # fmt: skip
        peak = self._freeze(
            uuids, name="Peak season", hard=True, timezone="America/New_York", all_day=True,
            starts_local=datetime(year, 11, 26), ends_local=datetime(year, 12, 1),
            rrule="FREQ=YEARLY;BYMONTH=11;BYDAY=4TH",
            reason="Black Friday to Cyber Monday: customer-facing traffic at its yearly high",
        )  # fmt: skip
        migration = self._data_centre_move(uuids)
        _number(world, "freeze_period", self.freezes)
        for team in world.teams:
            if "f" in team.domain.data:
                self.freeze_teams.append(
                    {"freeze_id": self.freezes[close]["id"], "team_id": team.id}
                )
        for comp in world.components:
            if comp.kind in ("web", "mobile"):
                self.freeze_components.append(
                    {"freeze_id": self.freezes[peak]["id"], "component_id": comp.id}
                )
        if migration is not None:
            freeze_index, release_index, team_index = migration
            for comp_index in world.teams[team_index].components:
                self.freeze_components.append(
                    {
                        "freeze_id": self.freezes[freeze_index]["id"],
                        "component_id": world.components[comp_index].id,
                    }
                )
            self._overrides(self.freezes[freeze_index]["id"], release_index)

    def _data_centre_move(self, uuids: Uuids) -> tuple[int, int, int] | None:
        """A one-off hard freeze on the first upcoming release of the last train."""
        world = self.world
        train = len(world.train_ids) - 1
        upcoming = [i for i, r in enumerate(world.releases) if r.train == train and r.period >= 1]
        teams = [i for i, t in enumerate(world.teams) if t.train == train and t.components]
        if not upcoming or not teams:
            return None
        release = world.releases[upcoming[0]]
        zone = TRAINS[train][2]
        start = _local(release.start, zone).replace(minute=0) - timedelta(hours=2)
        index = self._freeze(
            uuids, name="Data-centre move", hard=True, timezone=zone, all_day=False,
            starts_local=start, ends_local=start + timedelta(hours=10), rrule="",
            reason="Storage arrays move between halls; stateful services stay put",
        )  # fmt: skip
        return index, upcoming[0], teams[0]

    def _overrides(self, freeze_id: int, release_index: int) -> None:
        world = self.world
        uuids = Uuids(world.rng("override-uuids"))
        coordinators = world.people_with(Role.COORDINATOR)
        approvers = [i for i in world.people_with(Role.APPROVER) if i not in coordinators[:1]]
        if not coordinators or not approvers:
            return
        release = world.releases[release_index]
        requester = world.people[coordinators[0]].id
        self.overrides.append(
            entity(
                0, uuids(), world.anchor - timedelta(days=2),
                freeze_id=freeze_id, release_id=release.id, deployment_id=None,
                justification="Stateless services only; the storage move does not touch them",
                expires_at=release.end + timedelta(days=1),
                requested_by_id=requester, status="approved",
                decided_by_id=world.people[approvers[0]].id,
                decided_at=world.anchor - timedelta(days=1),
                decision_reason="Agreed with the storage team: no stateful component ships",
            )
        )  # fmt: skip
        later = [
            r for r in world.releases if r.train == release.train and r.period == release.period + 1
        ]
        if later:
            self.overrides.append(
                entity(
                    0, uuids(), world.anchor - timedelta(hours=6),
                    freeze_id=freeze_id, release_id=later[0].id, deployment_id=None,
                    justification="Hotfix for the ledger export must not wait for the next train",
                    expires_at=later[0].end + timedelta(days=1),
                    requested_by_id=requester, status="requested",
                    decided_by_id=None, decided_at=None, decision_reason="",
                )
            )  # fmt: skip
        _number(world, "freeze_override", self.overrides)

    def _waves(self) -> None:
        world = self.world
        uuids = Uuids(world.rng("wave-uuids"))
        by_train: dict[int, int] = {}
        rushed = True
        for release in sorted(world.releases, key=lambda r: r.start):
            if release.train is None or release.period < 0:
                continue
            seen = by_train.get(release.train, 0)
            if seen >= WAVE_RELEASES:
                continue
            by_train[release.train] = seen + 1
            teams = [t for t in world.teams if t.train == release.train]
            comps = [world.components[c].id for t in teams for c in t.components]
            start = release.start
            for position, (name, share, minutes, bake) in enumerate(WAVES, 1):
                if rushed and position == 2 and release.period >= 1:
                    start -= timedelta(minutes=40)  # the canary has not baked: a conflict
                    rushed = False
                end = start + timedelta(minutes=minutes)
                row = entity(
                    0, uuids(), world.anchor - timedelta(days=3),
                    release_id=release.id, position=position, name=name,
                    starts_at=start, ends_at=end, traffic_percent=share, bake_minutes=bake,
                )  # fmt: skip
                self.waves.append(row)
                share_of = comps[: max(1, len(comps) * share // 100)] if comps else []
                self.wave_components.extend({"wave": len(self.waves) - 1, "c": c} for c in share_of)
                start = end + timedelta(minutes=bake)
        _number(world, "wave", self.waves)
        self.wave_components = [
            {"wave_id": self.waves[link["wave"]]["id"], "component_id": link["c"]}
            for link in self.wave_components
        ]

    def rows(self) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        yield "deployment_window", self.windows
        yield "freeze_period", self.freezes
        yield "freeze_team", self.freeze_teams
        yield "freeze_component", self.freeze_components
        yield "freeze_override", self.overrides
        yield "wave", self.waves
        yield "wave_component", self.wave_components
