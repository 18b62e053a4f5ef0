"""API contract and shared-library rules: deprecated consumers, unsynchronised breaking
changes, and library version skew with the upgrades that would align it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from packaging.version import InvalidVersion, Version


@dataclass(frozen=True)
class ContractInfo:
    provider: str
    name: str
    api_version: str
    consumers: frozenset[str]
    deprecated_on: date | None = None
    sunset_on: date | None = None
    backward_compatible: bool = True
    changed_in: str | None = None  # release name


@dataclass(frozen=True)
class ContractFinding:
    kind: str  # "deprecated" | "sunset" | "unsynchronised"
    provider: str
    contract: str
    consumer: str
    days_left: int | None
    message: str


def contract_findings(
    contracts: Iterable[ContractInfo],
    today: date,
    release: str | None = None,
    changing: frozenset[str] = frozenset(),
) -> list[ContractFinding]:
    """Consumers on deprecated or sunset versions; and, for `release`, breaking contract
    changes whose consumers are not deploying with it (`changing` = components changed)."""
    found: list[ContractFinding] = []
    for c in contracts:
        label = f"{c.name} {c.api_version}"
        if c.deprecated_on is not None and c.deprecated_on <= today:
            for consumer in sorted(c.consumers):
                left = None if c.sunset_on is None else (c.sunset_on - today).days
                if left is not None and left < 0:
                    kind, text = "sunset", f"past its sunset on {c.sunset_on} ({-left} days ago)"
                elif left is not None:
                    kind, text = "deprecated", f"{left} days before sunset on {c.sunset_on}"
                else:
                    kind, text = "deprecated", "deprecated, no sunset date set"
                found.append(
                    ContractFinding(
                        kind,
                        c.provider,
                        label,
                        consumer,
                        left,
                        f"{consumer} still uses {label} of {c.provider}: {text}",
                    )
                )
        if release is not None and c.changed_in == release and not c.backward_compatible:
            for consumer in sorted(c.consumers - changing):
                found.append(
                    ContractFinding(
                        "unsynchronised",
                        c.provider,
                        label,
                        consumer,
                        None,
                        f"{label} of {c.provider} changes incompatibly in {release}, but "
                        f"{consumer} has no workload in it: deploy them together or keep "
                        "a compatible version",
                    )
                )
    return found


@dataclass(frozen=True)
class LibrarySkew:
    library: str
    versions: Mapping[str, str]  # component -> version
    target: str
    upgrades: tuple[tuple[str, str, str], ...]  # (component, from, to)

    def describe(self) -> str:
        moves = "; ".join(f"{c} {a} → {b}" for c, a, b in self.upgrades)
        return f"{self.library}: {len(set(self.versions.values()))} versions in use ({moves})"


def library_skew(usages: Iterable[tuple[str, str, str]]) -> list[LibrarySkew]:
    """`usages` are (component, library, version). A library used in more than one version
    is skewed; aligning means moving every component to the newest version in use."""
    by_lib: dict[str, dict[str, str]] = {}
    for component, library, version in usages:
        by_lib.setdefault(library, {})[component] = version
    skews = []
    for library, versions in sorted(by_lib.items()):
        if len(set(versions.values())) < 2:
            continue
        target = max(versions.values(), key=_version_key)
        upgrades = tuple(
            (comp, ver, target) for comp, ver in sorted(versions.items()) if ver != target
        )
        skews.append(LibrarySkew(library, dict(sorted(versions.items())), target, upgrades))
    return skews


def _version_key(text: str) -> tuple[int, Version | str]:
    try:
        return (1, Version(text))
    except InvalidVersion:
        return (0, text)
