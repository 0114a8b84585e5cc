"""Wall time of ``symcheck verify`` over the whole registered library, in cold processes.

The bar (issue 2/3): 2.0 s wall or less, cold process, median of three, on the 2-core machine.
Each run is a fresh ``python -m symcheck verify`` subprocess, so imports and the library's
construction are included. It also reports the single-process time, to show the parallel speedup,
and ``--json``, which prints every step as LaTeX (text output prints only failing steps).

    python benchmarks/verify_speed.py [--runs 3] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import BYTECODE_NOTE, ROOT, compile_bytecode, machine, write_section


def cold_run(*arguments: str) -> tuple[float, str]:
    """Wall time of one ``python -m symcheck verify`` in a fresh process, and what it printed."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "symcheck", "verify", *arguments],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"symcheck verify failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return elapsed, result.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    arguments = parser.parse_args(argv)
    compile_bytecode()
    # interleaved, so that a drift in the machine's speed (a shared VM) affects every mode alike
    parallel, serial, with_json = [], [], []
    for _ in range(arguments.runs):
        parallel.append(cold_run()[0])
        serial.append(cold_run("--jobs", "1")[0])
        with_json.append(cold_run("--json"))
    summary = json.loads(with_json[-1][1])["summary"]
    median, median_serial = statistics.median(parallel), statistics.median(serial)
    median_json = statistics.median(elapsed for elapsed, _ in with_json)
    runs, runs_serial = ", ".join(f"{t:.2f}" for t in parallel), ", ".join(f"{t:.2f}" for t in serial)
    runs_json = ", ".join(f"{elapsed:.2f}" for elapsed, _ in with_json)
    lines = [
        "## `symcheck verify`: the whole library in a cold process",
        "",
        f"Command: `python benchmarks/verify_speed.py --runs {arguments.runs}` ({machine()}; {BYTECODE_NOTE}).",
        "",
        "| run | median wall (s) | all runs (s) |",
        "| --- | --- | --- |",
        f"| `symcheck verify` (2 processes, the default) | **{median:.2f}** | {runs} |",
        f"| `symcheck verify --jobs 1` | {median_serial:.2f} | {runs_serial} |",
        f"| `symcheck verify --json` (every step printed as LaTeX) | {median_json:.2f} | {runs_json} |",
        "",
        f"{summary['verified']} derivations verified, {summary['failed']} failed, {summary['undecided']} undecided; "
        f"bar: 2.0 s wall → {'met' if median <= 2.0 else 'NOT met'}.",
    ]
    text = "\n".join(lines)
    print(text)
    if not arguments.no_write:
        write_section("verify", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
