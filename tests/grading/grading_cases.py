"""Shared helpers for the grading tests: a small homework key and a sheet written to a temporary directory.

A key in these tests is a fixed header (the homework's name and a notation like ml-theory's) followed by
the ``[[part]]`` tables a test is about, so each test shows only the question it grades. The sheet is
graded by :func:`symcheck.grading.grade_submission`, as any student's sheet is: the grader finds its
claims by itself.
"""

from __future__ import annotations

from pathlib import Path

from symcheck.grading import grade_submission
from symcheck.sheet import ClaimResult, GradeReport

HEADER = r"""
[homework]
name = "case"
title = "A test homework"

[notation]
functions = ['\sigma', 'L', 'BCE', 'softmax']
indexed = ['y', '\hat{y}', 'z', 'x', 'p']
layered = ['z', 'W', 'a', 'b']
kronecker = '\delta'
calls = { '\sigma' = { function = "sigmoid" } }
roles = { labels = "y", predictions = '\hat{y}', logits = "z" }
"""


def write_case(
    directory: Path, sheet: str, parts: str, *, header: str = HEADER, name: str = "sheet.md"
) -> tuple[Path, Path]:
    """A sheet (``sheet.md``) and a homework key (``key.toml``) in ``directory``."""
    sheet_path = directory / name
    key_path = directory / "key.toml"
    sheet_path.write_text(sheet, encoding="utf-8")
    key_path.write_text(header + parts, encoding="utf-8")
    return sheet_path, key_path


def grade_case(directory: Path, sheet: str, parts: str, *, header: str = HEADER, timeout: float = 5.0) -> GradeReport:
    sheet_path, key_path = write_case(directory, sheet, parts, header=header)
    return grade_submission(key_path, sheet_path, timeout=timeout)


def graded(report: GradeReport) -> list[ClaimResult]:
    """The claims that got a verdict (not those "not graded")."""
    return [claim for claim in report.claims if claim.verdict != "not graded"]


def only_claim(report: GradeReport) -> ClaimResult:
    """The one claim of the report that got a verdict."""
    (claim,) = graded(report)
    return claim


def claim_of(report: GradeReport, written: str) -> ClaimResult:
    """The claim whose text is exactly ``written`` (one of them, the first, when a text occurs twice)."""
    found = [claim for claim in report.claims if claim.written == written]
    assert found, f"no claim {written!r} in {[claim.written for claim in report.claims]}"
    return found[0]
