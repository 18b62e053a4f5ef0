"""Metric series files: strict, all-or-nothing, every problem named by line and field."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.exchange.errors import BadInput, Problem
from app.exchange.metrics_csv import MAX_PROBLEMS, read_metrics
from app.runbooks.body import METRIC_UNITS
from app.runbooks.triggers import Sample

KNOWN = {**METRIC_UNITS, "queue_depth": "jobs"}


def write(tmp_path: Path, text: str, *, raw: bytes | None = None) -> Path:
    path = tmp_path / "metrics.csv"
    path.write_bytes(raw if raw is not None else text.encode())
    return path


def problems_of(tmp_path: Path, text: str) -> list[Problem]:
    with pytest.raises(BadInput) as info:
        read_metrics(write(tmp_path, text), KNOWN)
    return info.value.problems


def test_reads_samples_in_utc(tmp_path: Path) -> None:
    text = (
        "timestamp,metric,value\n"
        "2026-11-02T02:00:00Z,error_rate,0.4\n"
        "\n"
        "2026-11-02T03:01:00+01:00,queue_depth,12\n"
    )
    assert read_metrics(write(tmp_path, text), KNOWN) == [
        Sample(datetime(2026, 11, 2, 2, 0, tzinfo=UTC), "error_rate", 0.4),
        Sample(datetime(2026, 11, 2, 2, 1, tzinfo=UTC), "queue_depth", 12.0),
    ]
    assert read_metrics(write(tmp_path, text), KNOWN)[1].at.tzinfo is UTC


def test_bom_crlf_and_blank_lines_are_accepted(tmp_path: Path) -> None:
    raw = "timestamp,metric,value\r\n\r\n2026-11-02T02:00:00Z,availability,99.95\r\n"
    samples = read_metrics(write(tmp_path, "", raw=b"\xef\xbb\xbf" + raw.encode()), KNOWN)
    assert [(s.metric, s.value) for s in samples] == [("availability", 99.95)]


def test_unit_column_converts_seconds_and_ratios(tmp_path: Path) -> None:
    text = (
        "timestamp,metric,value,unit\n"
        "2026-11-02T02:00:00Z,latency_p99,0.123,s\n"
        "2026-11-02T02:00:00Z,latency_p99,450,ms\n"
        "2026-11-02T02:00:00Z,error_rate,0.07,ratio\n"
        "2026-11-02T02:00:00Z,error_rate,2.5,\n"
        "2026-11-02T02:00:00Z,queue_depth,3,jobs\n"
    )
    samples = read_metrics(write(tmp_path, text), KNOWN)
    assert [s.value for s in samples] == [123.0, 450.0, 7.0, 2.5, 3.0]


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ("2026-11-02T02:00,error_rate,1,", "timestamp", "has no time zone (add Z or +01:00)"),
        ("yesterday,error_rate,1,", "timestamp", "is not an ISO 8601 time"),
        ("2026-11-02T02:00Z,cpu,1,", "metric", "unknown metric 'cpu' (known: availability,"),
        ("2026-11-02T02:00Z,error_rate,high,", "value", "'high' is not a number"),
        ("2026-11-02T02:00Z,error_rate,nan,", "value", "'nan' is not a number"),
        ("2026-11-02T02:00Z,error_rate,inf,", "value", "'inf' is not a number"),
        ("2026-11-02T02:00Z,error_rate,1,ms", "unit", "unknown unit 'ms' for error_rate"),
        ("2026-11-02T02:00Z,latency_p99,1,%", "unit", "unknown unit '%' for latency_p99"),
        ("2026-11-02T02:00Z,queue_depth,1,s", "unit", "unknown unit 's' for queue_depth"),
        ("2026-11-02T02:00Z,error_rate", "", "expected 4 fields"),
    ],
)
def test_bad_rows_are_named(tmp_path: Path, row: str, field: str, message: str) -> None:
    found = problems_of(
        tmp_path, f"timestamp,metric,value,unit\n2026-11-02T02:00Z,error_rate,1,%\n{row}\n"
    )
    assert len(found) == 1
    assert (found[0].file, found[0].line, found[0].field) == ("metrics.csv", 3, field)
    assert message in found[0].message


def test_naive_timestamp_reads_as_the_product_says(tmp_path: Path) -> None:
    (found,) = problems_of(tmp_path, "timestamp,metric,value\n2026-01-01T10:00,error_rate,1\n")
    assert str(found) == (
        "metrics.csv:2: timestamp: '2026-01-01T10:00' has no time zone (add Z or +01:00)"
    )


def test_every_problem_is_collected_and_nothing_is_returned(tmp_path: Path) -> None:
    text = (
        "timestamp,metric,value\n"
        "2026-11-02T02:00Z,error_rate,1\n"
        "2026-11-02T02:01,cpu,x\n"
        "2026-11-02T02:02Z,error_rate\n"
        "2026-11-02T02:03Z,error_rate,2\n"
    )
    found = problems_of(tmp_path, text)
    assert [(p.line, p.field) for p in found] == [
        (3, "timestamp"),
        (3, "metric"),
        (3, "value"),
        (4, ""),
    ]


def test_problems_stop_at_the_limit(tmp_path: Path) -> None:
    rows = "".join(f"2026-11-02T02:{n:02d}Z,error_rate,bad\n" for n in range(50))
    found = problems_of(tmp_path, "timestamp,metric,value\n" + rows)
    assert len(found) == MAX_PROBLEMS
    assert found[-1].line == MAX_PROBLEMS + 1


@pytest.mark.parametrize(
    "text", ["", "\n\n", "timestamp,metric,value\n", "\ufefftimestamp,metric,value,unit\r\n"]
)
def test_no_samples(tmp_path: Path, text: str) -> None:
    assert problems_of(tmp_path, text) == [Problem("metrics.csv", 1, "", "no samples")]


@pytest.mark.parametrize(
    "header", ["time,metric,value", "2026-11-02T02:00Z,error_rate,1", "timestamp,value,metric"]
)
def test_missing_or_wrong_header(tmp_path: Path, header: str) -> None:
    (found,) = problems_of(tmp_path, f"{header}\n2026-11-02T02:01Z,error_rate,1\n")
    assert (found.line, found.field) == (1, "header")
    assert "expected 'timestamp,metric,value'" in found.message


def test_header_case_and_spaces_are_forgiven(tmp_path: Path) -> None:
    text = "Timestamp, Metric, Value\n2026-11-02T02:00Z, error_rate, 1\n"
    assert read_metrics(write(tmp_path, text), KNOWN)[0].value == 1.0


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="cannot read the file"):
        read_metrics(tmp_path / "missing.csv", KNOWN)
    with pytest.raises(BadInput, match="is not UTF-8 text"):
        read_metrics(write(tmp_path, "", raw=b"timestamp,metric,value\n\xff\n"), KNOWN)
