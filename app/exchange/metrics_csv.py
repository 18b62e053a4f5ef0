"""Metric time series as `timestamp,metric,value[,unit]` rows, to replay rollback triggers.

Reading is all or nothing: a row that is silently dropped or misread could decide whether a
trigger fires, so every problem is collected (up to MAX_PROBLEMS) and nothing is returned.
Timestamps must carry a zone, since "10:00" in a monitoring export is as often UTC as local.
A value may be given in a unit the metric converts from without ambiguity: seconds for a
metric in milliseconds, a 0–1 ratio for a metric in percent.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from app.exchange.errors import BadInput, Problem
from app.runbooks.triggers import Sample

HEADER = ("timestamp", "metric", "value")
UNIT_COLUMN = "unit"
MAX_PROBLEMS = 20
CONVERSIONS: dict[tuple[str, str], int] = {("ms", "s"): 1000, ("%", "ratio"): 100}
"""(metric's unit, unit given) → factor that turns the given value into the metric's unit."""


def read_metrics(path: Path, known: Mapping[str, str]) -> list[Sample]:
    """Samples in file order, times in UTC; `known` maps each metric name to its unit."""
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BadInput([Problem(name, 0, "", f"cannot read the file ({exc.strerror})")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput([Problem(name, 0, "", f"is not UTF-8 text (byte {exc.start})")]) from None
    return parse_metrics(text, known, name)


def parse_metrics(text: str, known: Mapping[str, str], name: str = "<metrics>") -> list[Sample]:
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, [cell.strip() for cell in row]))
    except csv.Error as exc:
        raise BadInput([Problem(name, reader.line_num, "", f"is not valid CSV ({exc})")]) from None
    if not rows or (len(rows) == 1 and _is_header(rows[0][1])):
        raise BadInput([Problem(name, 1, "", "no samples")])
    line, header = rows[0]
    if not _is_header(header):
        expected = ",".join(HEADER)
        raise BadInput(
            [
                Problem(
                    name,
                    line,
                    "header",
                    f"expected '{expected}' (or '{expected},{UNIT_COLUMN}'),"
                    f" found '{','.join(header)}'",
                )
            ]
        )

    width = len(header)
    samples: list[Sample] = []
    problems: list[Problem] = []
    for line, cells in rows[1:]:
        if len(cells) != width:
            columns = ",".join(header).lower()
            message = f"expected {width} fields ({columns}), found {len(cells)}"
            found = [Problem(name, line, "", message)]
        else:
            sample, found = _sample(cells, known, name, line)
            if sample is not None:
                samples.append(sample)
        problems.extend(found)
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise BadInput(problems[:MAX_PROBLEMS])
    return samples


def _is_header(cells: list[str]) -> bool:
    lowered = tuple(c.lower() for c in cells)
    return lowered in (HEADER, (*HEADER, UNIT_COLUMN))


def _sample(
    cells: list[str], known: Mapping[str, str], name: str, line: int
) -> tuple[Sample | None, list[Problem]]:
    stamp, metric, number = cells[:3]
    given_unit = cells[3] if len(cells) > 3 else ""
    problems: list[Problem] = []

    def problem(field: str, message: str) -> None:
        problems.append(Problem(name, line, field, message))

    at: datetime | None = None
    try:
        at = datetime.fromisoformat(stamp)
    except ValueError:
        problem("timestamp", f"'{stamp}' is not an ISO 8601 time (e.g. 2026-01-01T10:00:00Z)")
    else:
        if at.tzinfo is None or at.utcoffset() is None:
            problem("timestamp", f"'{stamp}' has no time zone (add Z or +01:00)")
            at = None

    unit = known.get(metric)
    if unit is None:
        names = ", ".join(sorted(known))
        problem("metric", f"unknown metric '{metric}' (known: {names})")

    try:
        value: float | None = float(number)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value):
        problem("value", f"'{number}' is not a number")
        value = None

    if given_unit and unit is not None and given_unit != unit:
        if (unit, given_unit) in CONVERSIONS and value is not None:
            # In decimal, so "0.123" seconds is 123 ms rather than 123.00000000000001.
            value = float(Decimal(number) * CONVERSIONS[unit, given_unit])
            if not math.isfinite(value):
                problem("value", f"'{number}' {given_unit} is too large")
        elif (unit, given_unit) not in CONVERSIONS:
            alternatives = [g for (m, g) in CONVERSIONS if m == unit]
            also = f" or {alternatives[0]}" if alternatives else ""
            problem("unit", f"unknown unit '{given_unit}' for {metric} (use {unit}{also})")

    if problems or at is None or value is None:
        return None, problems
    return Sample(at.astimezone(UTC), metric, value), []
