"""ReleaseDesk benchmarks, one command:  python -m tests.bench  [--db-dir DIR] [--runs 5]

Measures, in one run and against baselines taken in the same run:

(a) generating the large demo dataset (DESIGN.md section 8) on SQLite: seconds, rows per
    second, file size and the generator's peak memory (and on PostgreSQL with --pg-url);
(b) process start to first painted Workloads window on the small and the large database,
    as a ratio to a bare PySide6 QMainWindow started the same way (median and min of
    --runs runs each, interleaved so drift hits all three alike), with each run's peak RSS.
    The clock starts just before the child is spawned and stops when the child prints
    `first-paint` on stdout: ReleaseDesk does that (RELEASEDESK_FIRST_PAINT_MARK=1) once
    its main window has painted the requested view with its data, the bare window once it
    has painted. The child then finishes its screenshot; its peak RSS covers the whole run.
    Like an installed application, the children find their bytecode already compiled: they
    run with PYTHONDONTWRITEBYTECODE unset and a private PYTHONPYCACHEPREFIX, after one
    uncounted warm-up run of each command that fills it;
(c) paging through all 100,000 workloads in a table view over the paged model: time per
    step (the worst step is the stall a user feels), rows held at the end, RSS growth.

The generated databases live in a temporary folder for the run; pass --db-dir to keep and
reuse them between runs (generation is then timed only when the file is missing). Children
run offscreen with private settings folders. Override the GUI command with --gui-cmd, a
template with {python}, {db} and {png}; it must print the `first-paint` line too.
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

from tests.bench import report
from tests.bench.procs import Sample, child_env, run, run_marked

GUI_CMD = "{python} -m ui.launcher gui --db {db} --view workloads --screenshot {png}"
BARE_CMD = "{python} -m tests.bench.bare_window {png}"
FIRST_PAINT = "first-paint"
GOAL_RATIO = 2.5
GOAL_MB = 400.0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="releasedesk-bench-") as tmp:
        work = Path(tmp)
        db_dir = Path(args.db_dir).expanduser().resolve() if args.db_dir else work
        db_dir.mkdir(parents=True, exist_ok=True)
        env = child_env(work / "home")
        paths: dict[str, Path] = {}
        lines = report.header()
        lines += _generation(args, db_dir, env, paths)
        if not args.skip_gui:
            lines += _startup(args, paths, env, work)
        if not args.skip_scroll:
            lines += _scrolling(args, paths["large"], env)
    print("\n".join(lines))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--db-dir", help="keep the generated databases here and reuse them")
    parser.add_argument("--runs", type=int, default=5, help="start-up runs per case (default 5)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--gui-cmd", default=GUI_CMD, help=f"GUI command template ({GUI_CMD})")
    parser.add_argument("--pg-url", help="also time the large generation on this PostgreSQL")
    parser.add_argument("--scroll-stride", type=int, default=1, help="screens per scroll step")
    parser.add_argument("--skip-gui", action="store_true", help="skip the start-up figures")
    parser.add_argument("--skip-scroll", action="store_true", help="skip the scrolling figures")
    return parser


def _generation(args: argparse.Namespace, db_dir: Path, env: dict[str, str],
                paths: dict[str, Path]) -> list[str]:  # fmt: skip
    rows = []
    for scale in ("small", "large"):
        path = db_dir / f"demo-{scale}-seed{args.seed}.db"
        paths[scale] = path
        if path.exists():
            rows.append(report.generation_row(f"{scale}, SQLite", None, path))
            continue
        _say(f"generating the {scale} demo on SQLite …")
        sample = _generate(f"sqlite:///{path}", scale, args.seed, env)
        rows.append(report.generation_row(f"{scale}, SQLite", sample, path))
    if args.pg_url:
        rows.append(_generate_pg(args, env))
    return report.generation_table(rows)


def _generate(url: str, scale: str, seed: int, env: dict[str, str]) -> Sample:
    cmd = [sys.executable, "-m", "tests.bench.generate_child", "--db", url, "--scale", scale]
    sample = run([*cmd, "--seed", str(seed)], env)
    if not sample.ok:
        raise SystemExit(f"generating the {scale} demo failed: {sample.problem()}")
    return sample


def _generate_pg(args: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = args.pg_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        _say("generating the large demo on PostgreSQL …")
        sep = "&" if "?" in args.pg_url else "?"
        url = f"{args.pg_url}{sep}options=-csearch_path%3D{schema}"
        return report.generation_row("large, PostgreSQL", _generate(url, "large", args.seed, env))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _startup(args: argparse.Namespace, paths: dict[str, Path], env: dict[str, str],
             work: Path) -> list[str]:  # fmt: skip
    cases = {
        "bare": BARE_CMD,
        "small": args.gui_cmd,
        "large": args.gui_cmd,
    }
    env = startup_env(env, work)
    _say("start-up warm-up run (not counted: compiles the bytecode caches) …")
    for name, template in cases.items():
        _start(name, template, paths, env, work / f"{name}-warm-up.png")
    samples: dict[str, list[Sample]] = {name: [] for name in cases}
    for n in range(args.runs):
        _say(f"start-up run {n + 1} of {args.runs} …")
        for name, template in cases.items():
            samples[name].append(_start(name, template, paths, env, work / f"{name}-{n}.png"))
    bare = statistics.median(_painted(s) for s in samples["bare"])
    rows = []
    for name, label in (
        ("bare", "bare QMainWindow (baseline)"),
        ("small", "Workloads view, small database"),
        ("large", "Workloads view, large database"),
    ):
        times = [_painted(s) for s in samples[name]]
        peak = max(s.peak_mb for s in samples[name])
        ended = statistics.median(s.seconds for s in samples[name])
        goal = ""
        if name == "large":
            ratio = statistics.median(times) / bare
            fast = "met" if ratio <= GOAL_RATIO else "MISSED"
            small = "met" if peak < GOAL_MB else "MISSED"
            goal = f"≤ {GOAL_RATIO}× bare: {fast}; < {GOAL_MB:.0f} MB: {small}"
        rows.append((label, statistics.median(times), min(times), bare, ended, peak, goal))
    return report.startup_table(rows, args.runs)


def startup_env(env: dict[str, str], work: Path) -> dict[str, str]:
    """Bytecode cached as for an installed application, and the first-paint line on."""
    env = {**env, "PYTHONPYCACHEPREFIX": str(work / "pycache")}
    env["RELEASEDESK_FIRST_PAINT_MARK"] = "1"
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _start(name: str, template: str, paths: dict[str, Path], env: dict[str, str],
           png: Path) -> Sample:  # fmt: skip
    cmd = template.format(python=sys.executable, db=paths.get(name, ""), png=png)
    sample = run_marked(shlex.split(cmd), env, FIRST_PAINT, timeout=120)
    if not sample.ok or not png.is_file() or png.stat().st_size == 0:
        raise SystemExit(f"{name} start-up failed ({cmd}): {sample.problem()}")
    if sample.marked is None:
        raise SystemExit(f"{name} start-up never printed {FIRST_PAINT!r} ({cmd})")
    return sample


def _painted(sample: Sample) -> float:
    assert sample.marked is not None  # _start refuses a run without the line
    return sample.marked


def _scrolling(args: argparse.Namespace, path: Path, env: dict[str, str]) -> list[str]:
    _say("scrolling the large Workloads list …")
    cmd = [sys.executable, "-m", "tests.bench.scroll_child", "--db", str(path)]
    sample = run([*cmd, "--stride", str(args.scroll_stride)], env, timeout=1800)
    if not sample.ok or not sample.data:
        raise SystemExit(f"the scrolling benchmark failed: {sample.problem()}")
    return report.scroll_table(sample.data, args.scroll_stride)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
