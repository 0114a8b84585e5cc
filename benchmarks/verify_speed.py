"""Wall time of ``symcheck verify`` over the whole registered library, in cold processes.

The bar (issue 2/3, kept by issue 11): 2.0 s wall or less, cold process, median, on the 2-core
machine. Each run is a fresh ``python -m symcheck verify`` subprocess, so imports and the library's
construction are included. It also reports the single-process time, to show the parallel speedup,
and ``--json``, which prints every step as LaTeX (text output prints only failing steps). The
machine is shared, so the CPU seconds of each run (the process and its workers) are reported too:
they do not grow when other processes take the cores.

    python benchmarks/verify_speed.py [--runs 3] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import BYTECODE_NOTE, ROOT, compile_bytecode, machine, write_section


def cold_run(*arguments: str) -> tuple[float, str, float]:
    """Wall time of one ``python -m symcheck verify`` in a fresh process, what it printed, its CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "symcheck", "verify", *arguments],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode != 0:
        raise SystemExit(f"symcheck verify failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return elapsed, result.stdout, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    arguments = parser.parse_args(argv)
    compile_bytecode()
    # interleaved, so that a drift in the machine's speed (a shared VM) affects every mode alike
    parallel, serial, with_json = [], [], []
    for _ in range(arguments.runs):
        parallel.append(cold_run())
        serial.append(cold_run("--jobs", "1"))
        with_json.append(cold_run("--json"))
    summary = json.loads(with_json[-1][1])["summary"]
    strict = subprocess.run(
        [sys.executable, "-m", "symcheck", "verify", "--strict"], capture_output=True, cwd=ROOT, check=False
    )

    def median(runs: list, position: int = 0) -> float:
        return statistics.median(run[position] for run in runs)

    def listed(runs: list) -> str:
        return ", ".join(f"{run[0]:.2f}" for run in runs)

    load = os.getloadavg()[0]
    wall = median(parallel)
    lines = [
        "## `symcheck verify`: the whole library in a cold process",
        "",
        f"Command: `python benchmarks/verify_speed.py --runs {arguments.runs}` ({machine()}; {BYTECODE_NOTE}). "
        f"The machine is shared: its 1-minute load average was {load:.1f} at the end (2 cores), which "
        "inflates wall times; CPU seconds (the process and its workers) do not grow with it.",
        "",
        "| run | median wall (s) | all runs (s) | median CPU (s) |",
        "| --- | --- | --- | --- |",
        f"| `symcheck verify` (2 processes, the default) | **{wall:.2f}** | {listed(parallel)} | "
        f"{median(parallel, 2):.2f} |",
        f"| `symcheck verify --jobs 1` | {median(serial):.2f} | {listed(serial)} | {median(serial, 2):.2f} |",
        f"| `symcheck verify --json` (every step printed as LaTeX) | {median(with_json):.2f} | "
        f"{listed(with_json)} | {median(with_json, 2):.2f} |",
        "",
        f"{summary['verified']} derivations verified (every step proved), {summary.get('probed', 0)} only probed, "
        f"{summary['failed']} failed, {summary['undecided']} undecided; `symcheck verify --strict` exits "
        f"{strict.returncode}; bar: 2.0 s wall → {'met' if wall <= 2.0 else 'NOT met'}.",
    ]
    text = "\n".join(lines)
    print(text)
    if not arguments.no_write:
        write_section("verify", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
