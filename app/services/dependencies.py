"""API contracts, library usage and feature flags: created and changed like every entity."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.domain import (
    ApiContract,
    Component,
    ComponentDependency,
    ContractConsumer,
    Environment,
    FeatureFlag,
    FlagState,
    LibraryUsage,
    Release,
    Workload,
)
from app.services.crud import EntitySpec
from app.services.errors import FieldError
from app.services.fields import Field


def _sunset_after_deprecation(_s: Session, c: Any, _v: dict[str, Any]) -> list[FieldError]:
    if c.deprecated_on and c.sunset_on and c.sunset_on < c.deprecated_on:
        return [FieldError("sunset_on", "must not be before the deprecation date")]
    return []


def _library_is_a_library(_s: Session, u: Any, _v: dict[str, Any]) -> list[FieldError]:
    errors = []
    if u.library is not None and u.library.kind != "library":
        errors.append(
            FieldError("library", f"{u.library.name} is a {u.library.kind}, not a library")
        )
    if u.library is not None and u.library is u.component:
        errors.append(FieldError("library", "a library does not use itself"))
    return errors


def _flag_guards_one_edge(_s: Session, f: Any, _v: dict[str, Any]) -> list[FieldError]:
    if f.component_dependency is not None and f.workload_dependency is not None:
        return [FieldError("component_dependency", "a flag guards one dependency, not two")]
    return []


API_CONTRACT = EntitySpec(
    ApiContract,
    "api contract",
    [
        Field("provider", "ref", ref=Component),
        Field("name", max_len=120),
        Field("api_version", max_len=40, label="Version"),
        Field("backward_compatible", "bool", label="Backward compatible"),
        Field("changed_in", "ref", required=False, ref=Release, label="Changed in release"),
        Field("deprecated_on", "date", required=False, label="Deprecated on"),
        Field("sunset_on", "date", required=False, label="Sunset on"),
    ],
    checks=[_sunset_after_deprecation],
)

CONTRACT_CONSUMER = EntitySpec(
    ContractConsumer,
    "contract consumer",
    [Field("contract", "ref", ref=ApiContract), Field("consumer", "ref", ref=Component)],
)

LIBRARY_USAGE = EntitySpec(
    LibraryUsage,
    "library usage",
    [
        Field("component", "ref", ref=Component),
        Field("library", "ref", ref=Component),
        Field("library_version", max_len=40, label="Version"),
    ],
    checks=[_library_is_a_library],
)

FEATURE_FLAG = EntitySpec(
    FeatureFlag,
    "feature flag",
    [
        Field("key", max_len=80),
        Field("description", required=False, max_len=500),
        Field("workload", "ref", required=False, ref=Workload, label="Owning workload"),
        Field(
            "component_dependency",
            "ref",
            required=False,
            ref=ComponentDependency,
            label="Decouples component dependency",
        ),
    ],
    unique=["key"],
    checks=[_flag_guards_one_edge],
)

FLAG_STATE = EntitySpec(
    FlagState,
    "flag state",
    [
        Field("flag", "ref", ref=FeatureFlag),
        Field("environment", "ref", ref=Environment),
        Field("enabled", "bool"),
    ],
)
