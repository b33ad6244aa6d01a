"""Run every benchmark under bench/ (``make bench``) and print their figures.

Each ``bench_*.py`` is a standalone script that prints ``name: value unit``
lines. Pass names to run only some: ``python bench/run.py calendar units``.
Set ``BENCH_DATABASE_URL=postgres://…`` to have the scripts that support it
measure PostgreSQL too.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        scripts = [s for s in scripts if any(name in s.stem for name in argv)]
    failed = 0
    for script in scripts:
        print(f"## {script.stem}", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], check=False)
        print(f"({script.stem} took {time.perf_counter() - started:.1f} s)\n", flush=True)
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
