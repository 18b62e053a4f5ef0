"""Child processes timed from spawn to exit (or to a line they print), with each child's own
peak memory.

`os.wait4` returns the resource usage of exactly the child waited for, so peak RSS is per
run rather than the running maximum `RUSAGE_CHILDREN` would give across all children.
Output goes to files, not pipes, so a chatty child can never block on a full pipe; the one
exception, `run_marked`, reads its pipe continuously until the child closes it.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
MARK = "BENCH "
"""Prefix of the one stdout line on which a benchmark child reports its figures as JSON."""


@dataclass
class Sample:
    seconds: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str
    data: dict[str, Any] = field(default_factory=dict)
    marked: float | None = None
    """Seconds from just before spawning to the marker line (`run_marked`), if it came."""

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def problem(self) -> str:
        tail = (self.stderr.strip() or self.stdout.strip()).splitlines()[-3:]
        return f"exit {self.returncode}: " + " | ".join(tail)


def child_env(home: Path) -> dict[str, str]:
    """Offscreen Qt and private settings/data folders: never the user's own."""
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        RELEASEDESK_SETTINGS_DIR=str(home / "settings"),
        RELEASEDESK_USER="bench",
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")])),
    )
    env.pop("RELEASEDESK_DB", None)
    return env


def run(cmd: list[str], env: dict[str, str], timeout: float = 900.0) -> Sample:
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=err)
        status, usage = _wait(proc, timeout)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    code = os.waitstatus_to_exitcode(status)
    return Sample(seconds, _peak_mb(usage), code, stdout, stderr, _report(stdout))


def run_marked(cmd: list[str], env: dict[str, str], mark: str, timeout: float) -> Sample:
    """`run`, also timing the moment the child prints the line `mark` on stdout.

    The clock starts just before the spawn; the child then runs to its end as usual, so the
    peak RSS covers the whole run.
    """
    with tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=err)
        deadline = time.monotonic() + timeout
        stdout, marked = _read_marked(proc, mark.encode(), start, deadline)
        status, usage = _wait(proc, max(0.0, deadline - time.monotonic()))
        seconds = time.perf_counter() - start
        err.seek(0)
        stderr = err.read()
    code = os.waitstatus_to_exitcode(status)
    text = stdout.decode(errors="replace")
    return Sample(seconds, _peak_mb(usage), code, text, stderr, _report(text), marked)


def _read_marked(
    proc: subprocess.Popen[bytes], mark: bytes, start: float, deadline: float
) -> tuple[bytes, float | None]:
    """All of the child's stdout, and when its line `mark` arrived (None if it never did)."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    data = b""
    marked: float | None = None
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                proc.kill()
                break
            if not selector.select(left):
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            data += chunk
            if marked is None and mark in data.split(b"\n")[:-1]:
                marked = time.perf_counter() - start
    proc.stdout.close()
    return data, marked


def _peak_mb(usage: Any) -> float:
    return usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / 2**20


def _wait(proc: subprocess.Popen[bytes], timeout: float) -> tuple[int, Any]:
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return status, usage
        if time.monotonic() > deadline:
            proc.kill()
        time.sleep(0.002)


def _report(stdout: str) -> dict[str, Any]:
    for line in reversed(stdout.splitlines()):
        if line.startswith(MARK):
            data: dict[str, Any] = json.loads(line[len(MARK) :])
            return data
    return {}


def emit(data: dict[str, Any]) -> None:
    """Called in a child: hand figures to the parent."""
    print(MARK + json.dumps(data), flush=True)


def rss_mb() -> float:
    """Current resident set size of this process (Linux; 0 where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
