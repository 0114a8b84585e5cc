"""Progress of a class being graded, on stderr: a bar on a terminal, a plain line per sheet otherwise.

A terminal gets one line redrawn in place (``grading [#######-----] 37/100  12 s  alice``); a log (CI,
a pipe, a file) gets one line per sheet as it is graded, which reads well and never fills a log with
carriage returns; ``--quiet`` prints nothing.
"""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO

from symcheck.grading._class import SheetOutcome

__all__ = ["ClassProgress"]

_WIDTH = 24


def _points(value: float) -> str:
    return f"{round(value, 2):g}"


def outcome_line(outcome: SheetOutcome) -> str:
    """``alice: 18 of 20 points, 2 wrong`` or ``bob: error: bob.md:1: …``."""
    if outcome.report is None:
        return f"{outcome.student}: {outcome.status}"
    earned, available = outcome.report.score
    wrong = outcome.wrong
    cached = " (unchanged, from the cache)" if outcome.cached else ""
    return f"{outcome.student}: {_points(earned)} of {_points(available)} points, {wrong} wrong{cached}"


class ClassProgress:
    """The ``progress`` callback of :func:`~symcheck.grading.grade_class`; :meth:`close` ends the bar's line."""

    def __init__(self, *, quiet: bool, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.bar = not quiet and _is_terminal(self.stream)
        self.started = time.perf_counter()
        self._drawn = False
        # one column short of the terminal's width, so that the line never wraps (``\r`` returns within it)
        self.columns = max(20, min(100, shutil.get_terminal_size((101, 24)).columns - 1))

    def __call__(self, done: int, total: int, outcome: SheetOutcome) -> None:
        if self.quiet:
            return
        if not self.bar:
            self.stream.write(f"[{done}/{total}] {outcome_line(outcome)}\n")
            self.stream.flush()
            return
        filled = round(_WIDTH * done / max(total, 1))
        elapsed = time.perf_counter() - self.started
        line = f"grading [{'#' * filled}{'-' * (_WIDTH - filled)}] {done}/{total}  {elapsed:.0f} s  {outcome.student}"
        self.stream.write("\r" + line[: self.columns].ljust(self.columns))
        self.stream.flush()
        self._drawn = True
        if outcome.report is None:  # an error stays visible above the bar
            self.stream.write(f"\r{' ' * self.columns}\r{outcome_line(outcome)}\n")
            self._drawn = False

    def close(self) -> None:
        if self._drawn:
            self.stream.write(f"\r{' ' * self.columns}\r")
            self.stream.flush()
            self._drawn = False


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
