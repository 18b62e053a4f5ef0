"""Edge lists: strict parsing, every problem named by file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.exchange.edges_csv import parse_edges, read_edges
from app.exchange.errors import BadInput


def test_header_duplicates_and_self_dependencies_are_reported() -> None:
    text = "caller,callee\nweb,api\napi,db\nweb,api\ncache,cache\n\n"
    edges = parse_edges(text, "e.csv")
    assert edges.edges == [(2, "web", "api"), (3, "api", "db")]
    assert edges.duplicates == [(4, "web", "api", 2)]
    assert edges.self_loops == [(5, "cache")]
    assert edges.names == {"web": 2, "api": 2, "db": 3}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("web,api\nweb\n", "e.csv:2: expected 2 fields (caller,callee), found 1"),
        ("web,api,extra\n", "e.csv:1: expected 2 fields"),
        ("web,\n", "e.csv:1: callee: is empty"),
        (",api\n", "e.csv:1: caller: is empty"),
        ('web,"a\x01b"\n', "e.csv:1: callee: contains control characters"),
        ("caller,callee\n", "e.csv: holds no caller,callee rows"),
    ],
)
def test_malformed_rows_are_named(text: str, message: str) -> None:
    with pytest.raises(BadInput) as info:
        parse_edges(text, "e.csv")
    assert str(info.value.problems[0]).startswith(message)


def test_all_problems_are_collected_not_just_the_first() -> None:
    with pytest.raises(BadInput) as info:
        parse_edges("a,b\nc\nd,e,f\n,x\n,\n", "e.csv")
    assert [(p.line, p.field) for p in info.value.problems] == [(2, ""), (3, ""), (4, "caller")]
    assert "(and 2 more)" in str(info.value)


def test_file_that_is_not_text(tmp_path: Path) -> None:
    path = tmp_path / "edges.csv"
    path.write_bytes(b"web,api\n\xff\xfe,x\n")
    with pytest.raises(BadInput, match="is not UTF-8 text"):
        read_edges(path)
    with pytest.raises(BadInput, match="cannot read the file"):
        read_edges(tmp_path / "missing.csv")
