"""Scheduling conflicts of planned deployments and rollout waves, fast enough for a live drag.

A `ConflictChecker` is built once for the calendar's slots, windows, freezes, dependency edges,
waves and overrides, then asked many times: `check` for what the calendar shows, `what_if` on
every mouse move while slots are dragged, and `next_free` for "move to the next free time".
Slots are indexed by (environment, component) and by owner in start order, so a question about
one slot touches only its neighbours; window and freeze occurrences are expanded in fixed
32-day chunks the first time a question reaches them and kept, so a drag never re-expands.

Decisions the rules take:

- Intervals are half-open: a slot ending at 10:00 and one starting at 10:00 do not overlap.
- A slot is inside the allowed windows when occurrences of the windows that apply to its
  environment cover it without a gap; back-to-back occurrences count as one stretch, so a
  daily all-day window never rejects a deployment across midnight.
- One conflict per pair: a slot that meets a daily freeze on two nights gets one freeze
  conflict, naming the first night.
- A provider must have finished before its consumer starts: a consumer slot starting before
  the provider slot's end conflicts, which is exactly what moving it to the provider's end cures.
- Waves of one release are compared by consecutive distinct positions; every wave at one
  position waits for every wave at the previous position to end and bake.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta

from app.planning.recurrence import LocalSchedule, Occurrence, occurrences
from app.planning.schedule import (
    BLOCKING,
    COMPONENT_OVERLAP,
    HARD_FREEZE,
    NO_OWNER,
    OUTSIDE_WINDOW,
    OWNER_DOUBLE_BOOKED,
    PROVIDER_AFTER_CONSUMER,
    SOFT_FREEZE,
    WARNING,
    WAVE_BAKE,
    Conflict,
    Freeze,
    Override,
    Slot,
    WaveSpan,
    Window,
)

ONE_SIDED = frozenset({PROVIDER_AFTER_CONSUMER, WAVE_BAKE})
"""Kinds reported on one side only; `what_if` also returns these when the other side moved."""

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_CHUNK = timedelta(days=32)
_NEVER = datetime.max.replace(tzinfo=UTC)
_Needs = tuple[frozenset[tuple[str, str]], frozenset[str]]
"""The (consumer, provider) edges leaving a component set, and the providers they reach."""
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def when(instant: datetime) -> str:
    """Reads "Dec 28 22:00 UTC"; months are spelled out here so no locale can translate them."""
    utc = instant.astimezone(UTC)
    return f"{_MONTHS[utc.month - 1]} {utc.day} {utc.hour:02d}:{utc.minute:02d} UTC"


def span(start: datetime, end: datetime) -> str:
    """Reads "Dec 28 22:00 – Dec 29 02:00 UTC", or "Dec 28 22:00 – 23:30 UTC" within a day."""
    first, last = start.astimezone(UTC), end.astimezone(UTC)
    head = when(first).removesuffix(" UTC")
    same_day = first.date() == last.date()
    tail = f"{last.hour:02d}:{last.minute:02d}" if same_day else when(last).removesuffix(" UTC")
    return f"{head} – {tail} UTC"


class _Timeline:
    """Occurrences of one schedule, expanded chunk by chunk on first use and kept in start order."""

    def __init__(self, schedule: LocalSchedule) -> None:
        self.schedule = schedule
        self._chunks: set[int] = set()
        self._seen: set[tuple[datetime, datetime]] = set()
        self._items: list[Occurrence] = []
        self._starts: list[datetime] = []
        self._longest = timedelta(0)

    def _load(self, first: int, last: int) -> None:
        if first == last and first in self._chunks:
            return
        missing = [c for c in range(first, last + 1) if c not in self._chunks]
        if not missing:
            return
        runs: list[list[int]] = []
        for chunk in missing:
            if runs and runs[-1][1] == chunk - 1:
                runs[-1][1] = chunk
            else:
                runs.append([chunk, chunk])
        for low, high in runs:
            found = occurrences(self.schedule, _EPOCH + low * _CHUNK, _EPOCH + (high + 1) * _CHUNK)
            for occ in found:
                if (occ.start, occ.end) not in self._seen:
                    self._seen.add((occ.start, occ.end))
                    self._items.append(occ)
                    self._longest = max(self._longest, occ.end - occ.start)
            self._chunks.update(range(low, high + 1))
        self._items.sort(key=lambda o: (o.start, o.end))
        self._starts = [o.start for o in self._items]

    def overlapping(self, start: datetime, end: datetime) -> list[Occurrence]:
        """Occurrences meeting [start, end), earliest first."""
        first = (start - _EPOCH) // _CHUNK
        self._load(first, max(first, (end - _EPOCH - timedelta.resolution) // _CHUNK))
        index = bisect_left(self._starts, start - self._longest)
        found = []
        while index < len(self._items) and self._starts[index] < end:
            if self._items[index].end > start:
                found.append(self._items[index])
            index += 1
        return found

    def first_start_after(self, instant: datetime, limit: datetime) -> Occurrence | None:
        """The first occurrence starting in (instant, limit], loading only as far as needed."""
        chunk = (instant - _EPOCH) // _CHUNK
        last = (limit - _EPOCH) // _CHUNK
        while chunk <= last:
            self._load(chunk, chunk)
            index = bisect_right(self._starts, instant)
            if index < len(self._items) and self._starts[index] < _EPOCH + (chunk + 1) * _CHUNK:
                found = self._items[index]
                return found if found.start <= limit else None
            chunk += 1
        return None


class _Index:
    """Slots in start order; overlap queries bisect past everything that ended long ago."""

    def __init__(self, slots: Iterable[Slot]) -> None:
        self.slots = sorted(slots, key=lambda s: (s.start, s.key))
        self.starts = [s.start for s in self.slots]
        self.longest = max((s.end - s.start for s in self.slots), default=timedelta(0))

    def overlapping(self, start: datetime, end: datetime) -> Iterator[Slot]:
        index = bisect_left(self.starts, start - self.longest)
        while index < len(self.slots) and self.starts[index] < end:
            slot = self.slots[index]
            if slot.end > start:
                yield slot
            index += 1


_EMPTY = _Index(())


class _World:
    """The checker's slots with some replaced by moved ones, without rebuilding any index."""

    def __init__(self, checker: ConflictChecker, moved: Iterable[Slot] = ()) -> None:
        self.checker = checker
        self.extra: dict[str, Slot] = {s.key: s for s in moved}
        self.hidden = frozenset(self.extra)
        self._by_component: dict[tuple[str, str], list[Slot]] = defaultdict(list)
        self._by_owner: dict[str, list[Slot]] = defaultdict(list)
        for slot in self.extra.values():
            for component in slot.components:
                self._by_component[(slot.environment, component)].append(slot)
            if slot.owner is not None:
                self._by_owner[slot.owner].append(slot)
        self._groups: dict[tuple[str, str], list[Slot]] = {}
        self._group_components: dict[tuple[str, str], dict[str, list[Slot]]] = {}

    def clashes(self, slot: Slot, start: datetime, end: datetime) -> list[tuple[str, Slot]]:
        """(kind, other) for every slot sharing a component or the owner during [start, end)."""
        base, hidden, key = self.checker, self.hidden, slot.key
        found: dict[tuple[str, str], Slot] = {}
        for component in slot.components:
            where = (slot.environment, component)
            for other in base._by_component.get(where, _EMPTY).overlapping(start, end):
                if other.key != key and other.key not in hidden:
                    found[(COMPONENT_OVERLAP, other.key)] = other
            for other in self._by_component.get(where, ()):
                if other.key != key and other.start < end and start < other.end:
                    found[(COMPONENT_OVERLAP, other.key)] = other
        if slot.owner is not None:
            for other in base._by_owner.get(slot.owner, _EMPTY).overlapping(start, end):
                if other.key != key and other.key not in hidden:
                    found[(OWNER_DOUBLE_BOOKED, other.key)] = other
            for other in self._by_owner.get(slot.owner, ()):
                if other.key != key and other.start < end and start < other.end:
                    found[(OWNER_DOUBLE_BOOKED, other.key)] = other
        return [(kind, other) for (kind, _), other in found.items()]

    def group_by_component(self, release: str, environment: str) -> dict[str, list[Slot]]:
        """The slots of one release and environment by component: finding a consumer's
        providers then costs what it finds, not the size of the release."""
        where = (release, environment)
        found = self._group_components.get(where)
        if found is None:
            found = defaultdict(list)
            for slot in self.group(release, environment):
                for component in slot.components:
                    found[component].append(slot)
            self._group_components[where] = found
        return found

    def group(self, release: str, environment: str) -> list[Slot]:
        """Slots of one release going to one environment."""
        where = (release, environment)
        found = self._groups.get(where)
        if found is None:
            found = [s for s in self.checker._by_group.get(where, ()) if s.key not in self.hidden]
            found.extend(
                s
                for s in self.extra.values()
                if s.release == release and s.environment == environment
            )
            self._groups[where] = found
        return found


class ConflictChecker:
    """Conflicts over one set of calendar values; build once per visible range, ask many times.

    Slot and wave keys are unique; a repeated key keeps the last value given.
    """

    def __init__(
        self,
        slots: Iterable[Slot],
        windows: Iterable[Window] = (),
        freezes: Iterable[Freeze] = (),
        edges: Iterable[tuple[str, str]] = (),
        waves: Iterable[WaveSpan] = (),
        overrides: Iterable[Override] = (),
        horizon: timedelta = timedelta(days=90),
    ) -> None:
        self.horizon = horizon
        self._slots: dict[str, Slot] = {s.key: s for s in slots}
        self._all = _Index(self._slots.values())
        by_component: dict[tuple[str, str], list[Slot]] = defaultdict(list)
        by_owner: dict[str, list[Slot]] = defaultdict(list)
        by_group: dict[tuple[str, str], list[Slot]] = defaultdict(list)
        for slot in self._slots.values():
            for component in slot.components:
                by_component[(slot.environment, component)].append(slot)
            if slot.owner is not None:
                by_owner[slot.owner].append(slot)
            if slot.release is not None:
                by_group[(slot.release, slot.environment)].append(slot)
        self._by_component = {k: _Index(v) for k, v in by_component.items()}
        self._by_owner = {k: _Index(v) for k, v in by_owner.items()}
        self._by_group = dict(by_group)

        self._windows = [(w, _Timeline(w.schedule)) for w in sorted(windows, key=lambda w: w.key)]
        self._freezes = [(f, _Timeline(f.schedule)) for f in sorted(freezes, key=lambda f: f.key)]
        self._window_lines: dict[str, list[tuple[Window, _Timeline]]] = {}
        self._overrides: dict[str, list[Override]] = defaultdict(list)
        for override in overrides:
            self._overrides[override.freeze].append(override)
        self._providers: dict[str, set[str]] = defaultdict(set)
        self._consumers: dict[str, set[str]] = defaultdict(set)
        for consumer, provider in edges:
            if consumer != provider:
                self._providers[consumer].add(provider)
                self._consumers[provider].add(consumer)

        self._needs_cache: dict[frozenset[str], _Needs] = {}
        self._waves: dict[str, WaveSpan] = {w.key: w for w in waves}
        self._waves_by_release: dict[str, list[WaveSpan]] = defaultdict(list)
        for wave in self._waves.values():
            self._waves_by_release[wave.release].append(wave)
        self._base = _World(self)
        self._slot_cache: dict[str, list[Conflict]] = {}
        self._with_next_free = True
        self._wave_cache: dict[str, list[Conflict]] | None = None

    # -- public -------------------------------------------------------------------------------

    def check(
        self, after: datetime | None = None, before: datetime | None = None
    ) -> list[Conflict]:
        """Every conflict of every slot and wave meeting [after, before), earliest first."""
        slots: Iterable[Slot] = self._all.slots
        if after is not None:
            slots = self._all.overlapping(after, before if before is not None else _NEVER)
        elif before is not None:
            slots = (s for s in self._all.slots if s.start < before)
        found: list[Conflict] = []
        for slot in slots:
            if slot.key not in self._slot_cache:
                self._slot_cache[slot.key] = self._slot_conflicts(slot, self._base)
            found.extend(self._slot_cache[slot.key])
        if self._wave_cache is None:
            self._wave_cache = defaultdict(list)
            for waves in self._waves_by_release.values():
                for conflict in self._wave_conflicts(waves):
                    self._wave_cache[conflict.subject].append(conflict)
        for wave in self._waves.values():
            if (after is None or wave.end > after) and (before is None or wave.start < before):
                found.extend(self._wave_cache.get(wave.key, ()))
        return _ordered(found)

    def what_if(
        self, moved: Sequence[Slot], waves: Sequence[WaveSpan] = (), *, limit: int | None = None
    ) -> list[Conflict]:
        """Conflicts the moved slots and waves take part in, had they replaced their namesakes.

        That is each conflict whose subject moved, plus the one-sided kinds (provider after
        consumer, wave bake) whose other side moved, so dragging a provider past its consumer
        shows up; the result equals what a fresh checker over the changed calendar reports for
        them. Nothing is expanded or indexed again: the moved slots are compared one by one.

        With `limit` (a preview while dragging) the search stops once that many conflicts are
        found and leaves `next_free` empty: the pointer needs the first reasons and whether
        anything blocks, at once, not every detail of a release of 1,600 rollouts.
        """
        if limit is not None:
            self._with_next_free = False
            try:
                return self._what_if(moved, waves, limit)
            finally:
                self._with_next_free = True
        return self._what_if(moved, waves, None)

    def _what_if(
        self, moved: Sequence[Slot], waves: Sequence[WaveSpan], limit: int | None
    ) -> list[Conflict]:
        world = _World(self, moved)
        moved_keys = world.hidden
        found: list[Conflict] = []
        for slot in world.extra.values():
            found.extend(self._slot_conflicts(slot, world))
            if limit is not None and len(found) >= limit:
                return _ordered(found)[:limit]
        consumers: dict[str, Slot] = {}
        for slot in world.extra.values():
            if slot.release is None:
                continue
            wanted = {c for p in slot.components for c in self._consumers.get(p, ())}
            if not wanted:
                continue
            by_component = world.group_by_component(slot.release, slot.environment)
            for component in wanted:
                for other in by_component.get(component, ()):
                    if other.key not in moved_keys:
                        consumers[other.key] = other
        for consumer in consumers.values():
            found.extend(self._provider_conflicts(consumer, world, moved_keys))

        moved_waves = {w.key: w for w in waves}
        for release in sorted({w.release for w in moved_waves.values()}):
            group = [w for w in self._waves_by_release.get(release, ()) if w.key not in moved_waves]
            group.extend(w for w in moved_waves.values() if w.release == release)
            found.extend(
                c
                for c in self._wave_conflicts(group)
                if c.subject in moved_waves or c.other in moved_waves
            )
        return _ordered(found)[:limit]

    def warm(self, after: datetime, before: datetime) -> None:
        """Expand every window and freeze over the range a drag may reach (the range plus the
        horizon either side), so the first mouse move costs what the later ones do."""
        low, high = after - self.horizon, before + 2 * self.horizon
        for _, line in (*self._windows, *self._freezes):
            line.overlapping(low, high)

    def next_free(self, slot: Slot) -> datetime | None:
        """Earliest start at or after the slot's, same length, with no blocking conflict.

        Blocking here means a hard freeze without an override valid at that start, not fitting
        the allowed windows, sharing a component in the environment, or the owner booked
        elsewhere. Each obstacle says how far the start must at least move (the freeze's end,
        the clashing slot's end, the next window opening), so the search jumps between those
        candidates instead of stepping through time. None when nothing starts within `horizon`.
        """
        return self._next_free(slot, slot.start, self._base)

    # -- rules --------------------------------------------------------------------------------

    def _window_timelines(self, environment: str) -> list[tuple[Window, _Timeline]]:
        lines = self._window_lines.get(environment)
        if lines is None:
            lines = [
                (w, line)
                for w, line in self._windows
                if w.environment is None or w.environment == environment
            ]
            self._window_lines[environment] = lines
        return lines

    def _override(self, freeze: Freeze, slot: Slot, start: datetime) -> Override | None:
        """The longest-lasting override of this freeze for the slot still valid at `start`."""
        valid = [
            o
            for o in self._overrides.get(freeze.key, ())
            if o.subject in (slot.key, slot.release) and o.expires_at > start
        ]
        return max(valid, key=lambda o: o.expires_at, default=None)

    def _covered_until(self, environment: str, start: datetime, end: datetime) -> datetime:
        """How far from `start` the allowed windows reach without a gap (capped near `end`)."""
        pieces = sorted(
            (
                o
                for _, line in self._window_timelines(environment)
                for o in line.overlapping(start, end)
            ),
            key=lambda o: o.start,
        )
        reach = start
        for occ in pieces:
            if occ.start > reach:
                break
            reach = max(reach, occ.end)
        return reach

    def _obstacle(
        self, slot: Slot, start: datetime, end: datetime, world: _World, limit: datetime
    ) -> datetime | None:
        """None when [start, end) is free for the slot, else the earliest start worth trying."""
        bound: datetime | None = None
        for freeze, line in self._freezes:
            if not freeze.hard or not freeze.applies_to(slot):
                continue
            if self._override(freeze, slot, start) is not None:
                continue
            for hit in line.overlapping(start, end):
                bound = hit.end if bound is None else max(bound, hit.end)
        lines = self._window_timelines(slot.environment)
        if lines:
            reach = self._covered_until(slot.environment, start, end)
            if reach < end:
                nexts = (line.first_start_after(reach, limit) for _, line in lines)
                opens = [occ.start for occ in nexts if occ is not None]
                reopen = min(opens, default=_NEVER)
                bound = reopen if bound is None else max(bound, reopen)
        for _, other in world.clashes(slot, start, end):
            bound = other.end if bound is None else max(bound, other.end)
        return bound

    def _next_free(self, slot: Slot, earliest: datetime, world: _World) -> datetime | None:
        length = slot.end - slot.start
        limit = slot.start + self.horizon
        start = max(earliest, slot.start)
        while start <= limit:
            bound = self._obstacle(slot, start, start + length, world, limit)
            if bound is None:
                return start
            start = bound
        return None

    def _slot_conflicts(self, slot: Slot, world: _World) -> list[Conflict]:
        """Every conflict with `slot` as its subject."""
        found: list[Conflict] = []
        free: list[datetime | None] = []

        def next_free() -> datetime | None:
            if not self._with_next_free:
                return None
            if not free:
                free.append(self._next_free(slot, slot.start, world))
            return free[0]

        where = f"{slot.label} ({span(slot.start, slot.end)})"
        for freeze, line in self._freezes:
            if not freeze.applies_to(slot):
                continue
            hits = line.overlapping(slot.start, slot.end)
            if not hits:
                continue
            name = "hard freeze" if freeze.hard else "soft freeze"
            reason = (
                f"{where} overlaps the {name} '{freeze.name}' ({span(hits[0].start, hits[0].end)})"
            )
            severity = WARNING
            override = self._override(freeze, slot, slot.start) if freeze.hard else None
            if override is not None:
                reason += f", override approved until {when(override.expires_at)}"
            elif freeze.hard:
                severity = BLOCKING
            found.append(
                Conflict(
                    HARD_FREEZE if freeze.hard else SOFT_FREEZE,
                    severity,
                    slot.key,
                    slot.label,
                    reason,
                    slot.start,
                    slot.end,
                    freeze.key,
                    next_free() if severity == BLOCKING else None,
                )
            )

        lines = self._window_timelines(slot.environment)
        if lines and self._covered_until(slot.environment, slot.start, slot.end) < slot.end:
            found.append(self._outside_window(slot, lines, where, next_free()))

        clashes: dict[str, list[Slot]] = defaultdict(list)
        for kind, other in sorted(world.clashes(slot, slot.start, slot.end), key=_clash_order):
            clashes[kind].append(other)
        for kind, others in sorted(clashes.items()):
            first = others[0]
            there = f"{first.label} ({span(first.start, first.end)})"
            if kind == COMPONENT_OVERLAP:
                shared = ", ".join(sorted(slot.components & first.components))
                reason = f"{where} overlaps {there} on {shared} in {slot.environment}"
            else:
                reason = f"{slot.owner} is booked for both {where} and {there}"
            if len(others) > 1:
                more = len(others) - 1
                reason += f", and {more} other deployment{'s' if more > 1 else ''}"
            found.append(
                Conflict(
                    kind,
                    BLOCKING,
                    slot.key,
                    slot.label,
                    reason,
                    slot.start,
                    slot.end,
                    first.key,
                    next_free(),
                    {"others": ",".join(o.key for o in others)},
                )
            )

        found.extend(self._provider_conflicts(slot, world))

        if slot.production and slot.owner is None:
            found.append(
                Conflict(
                    NO_OWNER,
                    BLOCKING,
                    slot.key,
                    slot.label,
                    f"{where} goes to production with no owner",
                    slot.start,
                    slot.end,
                )
            )
        return found

    def _outside_window(
        self,
        slot: Slot,
        lines: list[tuple[Window, _Timeline]],
        where: str,
        free: datetime | None,
    ) -> Conflict:
        nearest: tuple[Occurrence, Window] | None = None
        for window, line in lines:
            hits = line.overlapping(slot.start, slot.end)
            occ = hits[0] if hits else line.first_start_after(slot.start, slot.start + self.horizon)
            if occ is not None and (nearest is None or occ.start < nearest[0].start):
                nearest = (occ, window)
        reason = f"{where} is outside every allowed window for {slot.environment}"
        if nearest is None:
            reason += f" and none opens within {self.horizon.days} days"
        else:
            occ, window = nearest
            reason += f"; the nearest is '{window.name}' ({span(occ.start, occ.end)})"
        return Conflict(
            OUTSIDE_WINDOW,
            BLOCKING,
            slot.key,
            slot.label,
            reason,
            slot.start,
            slot.end,
            nearest[1].key if nearest else lines[0][0].key,
            free,
        )

    def _needs(self, components: frozenset[str]) -> _Needs:
        needs = self._needs_cache.get(components)
        if needs is None:
            wanted = frozenset((c, p) for c in components for p in self._providers.get(c, ()))
            needs = self._needs_cache[components] = (wanted, frozenset(p for _, p in wanted))
        return needs

    def _provider_conflicts(
        self, slot: Slot, world: _World, others: frozenset[str] | None = None
    ) -> list[Conflict]:
        """`slot` as a consumer starting before a provider slot of its release has finished.

        With `others`, only the conflicts with those slots are built; where the consumer may
        move to still accounts for every provider it waits for.
        """
        if slot.release is None:
            return []
        wanted, providers = self._needs(slot.components)
        if not wanted:
            return []
        by_component = world.group_by_component(slot.release, slot.environment)
        candidates = {o.key: o for p in providers for o in by_component.get(p, ())}
        late = [o for o in candidates.values() if o.key != slot.key and slot.start < o.end]
        if not late:
            return []
        if others is not None and not any(o.key in others for o in late):
            return []
        late.sort(key=lambda o: o.key)
        free = (
            self._next_free(slot, max(other.end for other in late), world)
            if self._with_next_free
            else None
        )
        first = late[0]
        consumer, provider = min((c, p) for c, p in wanted if p in first.components)
        reason = (
            f"{slot.label} deploys consumer {consumer} at {when(slot.start)}, before "
            f"{first.label} has finished deploying its provider {provider} at {when(first.end)}"
        )
        if len(late) > 1:
            more = len(late) - 1
            reason += f", and {more} other provider deployment{'s' if more > 1 else ''}"
        return [
            Conflict(
                PROVIDER_AFTER_CONSUMER,
                BLOCKING,
                slot.key,
                slot.label,
                reason,
                slot.start,
                slot.end,
                first.key,
                free,
                {"others": ",".join(o.key for o in late)},
            )
        ]

    def _wave_conflicts(self, waves: Sequence[WaveSpan]) -> list[Conflict]:
        """Each wave starting before every wave at the previous position has ended and baked."""
        levels: dict[int, list[WaveSpan]] = defaultdict(list)
        for wave in waves:
            levels[wave.position].append(wave)
        positions = sorted(levels)
        found = []
        for previous, position in zip(positions, positions[1:], strict=False):
            earlier = sorted(levels[previous], key=lambda w: w.key)
            ready = max(w.end + timedelta(minutes=w.bake_minutes) for w in earlier)
            for wave in sorted(levels[position], key=lambda w: w.key):
                for before in earlier:
                    baked = before.end + timedelta(minutes=before.bake_minutes)
                    if wave.start >= baked:
                        continue
                    reason = (
                        f"Wave '{wave.name}' starts {when(wave.start)}, before wave "
                        f"'{before.name}' has ended and baked for {before.bake_minutes} min "
                        f"({when(baked)})"
                    )
                    found.append(
                        Conflict(
                            WAVE_BAKE,
                            BLOCKING,
                            wave.key,
                            wave.name,
                            reason,
                            wave.start,
                            wave.end,
                            before.key,
                            ready,
                        )
                    )
        return found


def _clash_order(item: tuple[str, Slot]) -> tuple[str, str]:
    return item[0], item[1].key


def _ordered(conflicts: Iterable[Conflict]) -> list[Conflict]:
    return sorted(conflicts, key=lambda c: (c.start, c.subject, c.kind, c.other or "", c.end))
