"""Progress of a class on stderr: a bar redrawn in place on a terminal, a line per sheet in a log, or nothing."""

from __future__ import annotations

import io

from symcheck.cli._progress import ClassProgress
from symcheck.grading._class import SheetOutcome
from symcheck.sheet import GradeReport, PartResult


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _graded(student: str, points: float) -> SheetOutcome:
    report = GradeReport("hw", "Homework", f"{student}.md", (), parts=(PartResult("1(a)", "answered", points, 3.0),))
    return SheetOutcome(student, f"{student}.md", "graded", report)


def _failed(student: str) -> SheetOutcome:
    return SheetOutcome(student, f"{student}.md", f"error: {student}.md:1: not UTF-8", failure="input")


def test_a_log_gets_one_plain_line_per_sheet() -> None:
    stream = io.StringIO()
    progress = ClassProgress(quiet=False, stream=stream)
    progress(1, 2, _graded("alice", 2.5))
    progress(2, 2, _failed("bob"))
    progress.close()
    assert stream.getvalue() == ("[1/2] alice: 2.5 of 3 points, 0 wrong\n[2/2] bob: error: bob.md:1: not UTF-8\n")


def test_a_terminal_gets_a_bar_redrawn_in_place_and_errors_kept_above_it() -> None:
    stream = _Terminal()
    progress = ClassProgress(quiet=False, stream=stream)
    progress(1, 4, _graded("alice", 3.0))
    progress(2, 4, _failed("bob"))
    progress(3, 4, _graded("chen", 1.0))
    drawn = stream.getvalue()
    assert drawn.startswith("\rgrading [######------------------] 1/4 ")
    assert "\rgrading [##################------] 3/4 " in drawn
    assert "\nbob: error" not in drawn and "bob: error: bob.md:1: not UTF-8\n" in drawn
    progress.close()
    assert stream.getvalue().endswith("\r"), "the bar's line is cleared at the end"
    assert "\n[" not in stream.getvalue(), "no per-sheet lines on a terminal"


def test_quiet_prints_nothing() -> None:
    stream = _Terminal()
    progress = ClassProgress(quiet=True, stream=stream)
    progress(1, 1, _graded("alice", 3.0))
    progress.close()
    assert stream.getvalue() == ""
