"""Child: generate one demo dataset and report how long the generation itself took.

Runs in its own process so the parent's memory stays small and the child's peak RSS is the
generator's own.

    python -m tests.bench.generate_child --db URL --scale large [--seed 7]
"""

from __future__ import annotations

import argparse
import sys
import time

from tests.bench.procs import emit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--scale", default="large")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    from app.db import open_database
    from app.demo import generate

    db = open_database(args.db, create=True)
    last = [-1]

    def progress(message: str, fraction: float) -> None:
        if int(fraction * 10) != last[0]:
            last[0] = int(fraction * 10)
            print(f"    {fraction:4.0%} {message}", file=sys.stderr, flush=True)

    start = time.perf_counter()
    counts = generate(db, scale=args.scale, seed=args.seed, progress=progress)
    seconds = time.perf_counter() - start
    db.dispose()  # checkpoints the WAL, so the file size is the whole database
    emit({"seconds": seconds, "counts": counts, "rows": sum(counts.values())})
    return 0


if __name__ == "__main__":
    sys.exit(main())
