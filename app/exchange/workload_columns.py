"""The Workloads sheet's columns, and how a tracker's headers map onto workload fields.

One list serves the export (what is written, in order) and the import (what is read back):
that is what makes an exported, untouched sheet re-import as "nothing to change". Columns
marked derived (WSJF, cost of delay, timestamps, the UUID) are written for the reader and
ignored on import.

Header matching ignores case, spaces, punctuation and a "Custom field (...)" wrapper, so a
Jira CSV export ("Issue key", "Summary", "Issue Type", "Custom field (Story Points)",
"Fix Version/s", "Component/s", "Team", "Status", "Assignee", "Due date") maps without
configuration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class SheetColumn:
    header: str
    field: str
    """The workload field (app.services.workloads.WORKLOAD), or "" for a derived column."""
    kind: str = "text"
    """As app.exchange.xlsx_writer.Column.kind."""
    width: float = 14.0


WORKLOAD_COLUMNS: tuple[SheetColumn, ...] = (
    SheetColumn("Key", "key", width=12),
    SheetColumn("Title", "title", width=48),
    SheetColumn("Change class", "change_class", width=14),
    SheetColumn("Team", "team", width=16),
    SheetColumn("Components", "components", width=30),
    SheetColumn("Size", "size", "int", 7),
    SheetColumn("Business value", "business_value", "int", 9),
    SheetColumn("Time criticality", "time_criticality", "int", 9),
    SheetColumn("Risk reduction / opportunity enablement", "risk_reduction", "int", 13),
    SheetColumn("Cost of delay", "", "int", 9),
    SheetColumn("WSJF", "", "float", 8),
    SheetColumn("Risk tier", "risk_tier", width=9),
    SheetColumn("Risk override reason", "risk_override_reason", width=24),
    SheetColumn("Owner", "owner", width=16),
    SheetColumn("Target release", "target_release", width=14),
    SheetColumn("Status", "status", width=12),
    SheetColumn("Change request", "change_request", "link", 16),
    SheetColumn("Must ship by", "must_ship_by", "date", 12),
    SheetColumn("Schema change", "schema_change", "bool", 9),
    SheetColumn("Emergency exception reason", "exception_reason", width=24),
    SheetColumn("Created (UTC)", "", "datetime", 17),
    SheetColumn("Updated (UTC)", "", "datetime", 17),
    SheetColumn("UUID", "", width=38),
)
"""Owner is the person's login and Target release the release's name: both are what the
import looks them up by."""

ALIASES: dict[str, str] = {
    # Jira and other trackers' headers -> workload field
    "issuekey": "key",
    "issue": "key",
    "summary": "title",
    "issuetype": "change_class",
    "type": "change_class",
    "storypoints": "size",
    "storypointestimate": "size",
    "points": "size",
    "fixversions": "target_release",
    "fixversion": "target_release",
    "release": "target_release",
    "components": "components",
    "component": "components",
    "assignee": "owner",
    "duedate": "must_ship_by",
    "due": "must_ship_by",
    "changerequest": "change_request",
}
"""Normalised header -> field; the sheet's own headers are added below."""

ISSUE_TYPES: dict[str, str] = {
    "story": "feature",
    "feature": "feature",
    "epic": "feature",
    "newfeature": "feature",
    "improvement": "feature",
    "task": "feature",
    "subtask": "feature",
    "bug": "bug_fix",
    "defect": "bug_fix",
    "techdebt": "tech_debt",
    "technicaldebt": "tech_debt",
    "chore": "tech_debt",
    "compliance": "compliance",
    "configuration": "configuration",
    "config": "configuration",
    "hotfix": "emergency",
    "emergency": "emergency",
    "incident": "emergency",
}
"""A tracker's issue type -> change class (the class's own values are accepted too)."""

STATUSES: dict[str, str] = {
    "todo": "backlog",
    "open": "backlog",
    "backlog": "backlog",
    "selectedfordevelopment": "planned",
    "planned": "planned",
    "inprogress": "in_progress",
    "inreview": "in_progress",
    "review": "in_progress",
    "done": "deployed",
    "closed": "deployed",
    "resolved": "deployed",
    "deployed": "deployed",
    "released": "deployed",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "wontdo": "cancelled",
    "wontfix": "cancelled",
}


def normalise(header: str) -> str:
    """ "Custom field (Story Points)" -> "storypoints"; "Fix Version/s" -> "fixversions"."""
    text = header.strip().lower()
    wrapped = re.fullmatch(r"custom\s*field\s*\((.*)\)", text)
    if wrapped:
        text = wrapped.group(1)
    return re.sub(r"[^a-z0-9]", "", text)


def field_for(header: str) -> str | None:
    """The workload field a header names, "" for a derived column, None when unknown."""
    key = normalise(header)
    for col in WORKLOAD_COLUMNS:
        if normalise(col.header) == key or normalise(col.field) == key:
            return col.field
    return ALIASES.get(key)
