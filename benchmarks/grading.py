"""Time to grade the seed sheet ``ml-theory``: a cold ``symcheck grade``, and grading inside one process.

The bar (issue 5): grading the seed sheet takes well under a second of CPU, so that ``symcheck build``
can rebuild every format of the sheet in 1.5 s of wall time. Measured here:

* ``symcheck grade ml-theory --json`` in fresh processes (imports, library construction, grading);
* in one process, separately: loading the library, building the derivations the key refers to (a
  build that publishes them builds them anyway), the first grading (SymPy's caches cold) and a
  second grading (warm), as CPU time of the process.

    python benchmarks/grading.py [--runs 5] [--write]

``--write`` records the figures in the ``grading`` section of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import BYTECODE_NOTE, ROOT, compile_bytecode, machine, write_section

_IN_PROCESS = """
import json, time
start = time.process_time()
from symcheck import registry
registry.load_entry_points()
from symcheck.grading import grade_submission, locate_homework
homework = locate_homework("ml-theory")
loaded = time.process_time()
names = {q.derivation for part in homework.parts for q in part.quantities if q.derivation}
names |= {s.derivation for part in homework.parts for s in part.statements if s.derivation}
for name in names:
    registry.build(name)
built = time.process_time()
report = grade_submission(homework, homework.sheet)
first = time.process_time()
grade_submission(homework, homework.sheet)
second = time.process_time()
summary = dict(report.summary)
summary["claims"] = len(report.claims)
print(json.dumps({"load": loaded - start, "build": built - loaded, "cold": first - built,
                  "warm": second - first, "summary": summary}))
"""


def cold_cli() -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "symcheck", "grade", "ml-theory", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        env={**os.environ, "SYMCHECK_CACHE_DIR": ""},  # cold: no report cached by an earlier run
    )
    if result.returncode not in (0, 1):  # 1: the seed sheet has wrong claims
        raise SystemExit(f"symcheck grade failed:\n{result.stderr[-2000:]}")
    return time.perf_counter() - started


def in_process() -> dict:
    result = subprocess.run([sys.executable, "-c", _IN_PROCESS], capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(result.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="record the figures in benchmarks/RESULTS.md")
    arguments = parser.parse_args(argv)
    compile_bytecode()
    walls = [cold_cli() for _ in range(arguments.runs)]
    samples = [in_process() for _ in range(arguments.runs)]

    def median(name: str) -> float:
        return statistics.median(sample[name] for sample in samples)

    summary = samples[0]["summary"]
    lines = [
        "## `symcheck grade ml-theory`: the seed sheet",
        "",
        f"Command: `python benchmarks/grading.py --runs {arguments.runs}` ({machine()}; {BYTECODE_NOTE}); medians.",
        "",
        "| stage | seconds |",
        "| --- | --- |",
        f"| `symcheck grade ml-theory --json`, cold process (wall) | **{statistics.median(walls):.2f}** |",
        f"| load symcheck, SymPy and the library (CPU) | {median('load'):.2f} |",
        f"| build the derivations the key refers to (CPU) | {median('build'):.2f} |",
        f"| grade, first time in the process (CPU) | **{median('cold'):.2f}** |",
        f"| grade again (CPU) | {median('warm'):.2f} |",
        "",
        f"{summary['claims']} claims found on the sheet by the homework key: {summary['correct']} correct, "
        f"{summary['wrong']} wrong, {summary['imprecise']} imprecise, {summary['undecided']} undecided, "
        f"{summary.get('not graded', 0)} not graded (a second grading in one process reuses the verdicts of "
        "the first).",
    ]
    text = "\n".join(lines)
    print(text)
    if arguments.write:
        write_section("grading", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
