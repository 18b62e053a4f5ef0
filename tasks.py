#!/usr/bin/env python3
"""Set-up and everyday commands, runnable with any Python 3.11+ and nothing else installed.

    python3 tasks.py run     # create .venv, install, open the app (demo data on first start)
    python3 tasks.py test    # create .venv, install, run the whole test suite
    python3 tasks.py lint    # ruff, formatting, mypy on app/, the app-is-Qt-free contract
    python3 tasks.py bench   # the benchmarks in tests/bench (not part of the test suite)

Extra arguments go to the underlying command (`tasks.py test -k audit`, `tasks.py run demo`).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("RELEASEDESK_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_env() -> None:
    """Create the virtual environment and (re)install when pyproject.toml changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - runs under whatever python3 the user has
        sys.exit(f"ReleaseDesk needs Python 3.11 or newer, this is {sys.version.split()[0]}")
    if not PY.exists():
        print(f"creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / ".releasedesk-installed"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    print("installing ReleaseDesk and its dependencies", flush=True)
    pip = [str(PY), "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "install", "--quiet", "-e", f"{ROOT}[dev]"], check=True, cwd=ROOT)
    stamp.write_text(digest)


def run(cmd: list[str], **env: str) -> int:
    return subprocess.run(cmd, cwd=ROOT, env={**os.environ, **env}).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__)
        return 2
    ensure_env()
    return COMMANDS[argv[0]](argv[1:])


def cmd_run(args: list[str]) -> int:
    return run([str(PY), "-m", "ui.launcher", *args])


def cmd_test(args: list[str]) -> int:
    return run([str(PY), "-m", "pytest", *args], QT_QPA_PLATFORM="offscreen")


def cmd_lint(_args: list[str]) -> int:
    steps = [
        [str(BIN / "ruff"), "check", "app", "ui", "tests", "tasks.py"],
        [str(BIN / "ruff"), "format", "--check", "app", "ui", "tests", "tasks.py"],
        [str(BIN / "mypy"), "app"],
        [str(BIN / "lint-imports")],
    ]
    failed = [" ".join(Path(s[0]).name for s in [step]) for step in steps if run(step) != 0]
    if failed:
        print(f"lint failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def cmd_bench(args: list[str]) -> int:
    """Start-up, scrolling and generation; then the dependency matrix, order and calendar ones.
    The generated demo databases are kept in .bench/ and reused by later runs."""
    cache = ROOT / ".bench"
    steps = [
        [str(PY), "-m", "tests.bench", "--db-dir", str(cache), *args],
        [str(PY), "-m", "tests.bench.matrix_paint"],
        [str(PY), "-m", "tests.bench.deps_order", "--db", str(cache / "demo-large-seed7.db")],
        [str(PY), "-m", "tests.bench.calendar", "--dir", str(cache)],
        [str(PY), "-m", "tests.bench.capacity", "--dir", str(cache)],
        [str(PY), "-m", "tests.bench.xlsx", "--dir", str(cache)],
    ]
    return max(run(step, QT_QPA_PLATFORM="offscreen") for step in steps)


COMMANDS = {"run": cmd_run, "test": cmd_test, "lint": cmd_lint, "bench": cmd_bench}

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
