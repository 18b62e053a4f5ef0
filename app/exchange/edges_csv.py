"""Edge lists as `caller,callee` rows (the caller depends on the callee), e.g. a service call
graph extracted from manifests. Parsing is strict and complete before anything is imported."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from app.exchange.errors import BadInput, Problem

MAX_NAME = 120
HEADER = ["caller", "callee"]


@dataclass
class EdgeList:
    edges: list[tuple[int, str, str]] = field(default_factory=list)  # (line, caller, callee)
    duplicates: list[tuple[int, str, str, int]] = field(default_factory=list)  # + first line
    self_loops: list[tuple[int, str]] = field(default_factory=list)

    @property
    def names(self) -> dict[str, int]:
        """Every name with the line it first appears on."""
        seen: dict[str, int] = {}
        for line, a, b in self.edges:
            seen.setdefault(a, line)
            seen.setdefault(b, line)
        return seen


def read_edges(path: Path) -> EdgeList:
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BadInput([Problem(name, 0, "", f"cannot read the file ({exc.strerror})")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput([Problem(name, 0, "", f"is not UTF-8 text (byte {exc.start})")]) from None
    return parse_edges(text, name)


def parse_edges(text: str, name: str = "<edges>") -> EdgeList:
    result, problems = EdgeList(), []
    first_seen: dict[tuple[str, str], int] = {}
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            line = reader.line_num
            if not row or all(not cell.strip() for cell in row):
                continue
            if line == 1 and [c.strip().lower() for c in row] == HEADER:
                continue
            if len(row) != 2:
                problems.append(
                    Problem(name, line, "", f"expected 2 fields (caller,callee), found {len(row)}")
                )
                continue
            caller, callee = (cell.strip() for cell in row)
            bad = [
                Problem(name, line, fname, msg)
                for fname, value in (("caller", caller), ("callee", callee))
                if (msg := _name_problem(value))
            ]
            if bad:
                problems += bad
                continue
            if caller == callee:
                result.self_loops.append((line, caller))
                continue
            if (caller, callee) in first_seen:
                result.duplicates.append((line, caller, callee, first_seen[(caller, callee)]))
                continue
            first_seen[(caller, callee)] = line
            result.edges.append((line, caller, callee))
    except csv.Error as exc:
        problems.append(Problem(name, reader.line_num, "", f"not valid CSV ({exc})"))
    if problems:
        raise BadInput(problems)
    if not result.edges and not result.self_loops and not result.duplicates:
        raise BadInput([Problem(name, 0, "", "holds no caller,callee rows")])
    return result


def _name_problem(value: str) -> str:
    if not value:
        return "is empty"
    if len(value) > MAX_NAME:
        return f"is {len(value)} characters long; at most {MAX_NAME} allowed"
    if any(ord(c) < 32 for c in value):
        return "contains control characters"
    return ""
