"""Grade one submission against a homework key: find its claims, judge each within a budget, report.

Every formula and every claim-making sentence of the sheet becomes a claim of the report, graded or
"not graded" with the reason, so nothing is dropped in silence; the report's coverage says how many
were graded out of how many. Each item gets its own time budget: one that runs out is *undecided*,
and one that breaks the grader is reported as not graded with the reason, never a stopped run.
"""

from __future__ import annotations

import os
import time
import traceback
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import sympy as sp

from symcheck.budget import BudgetExceeded, time_limit
from symcheck.errors import SourceError, SymcheckError
from symcheck.grading._claims import ClaimMaker
from symcheck.grading._collect import collect
from symcheck.grading._compare import Comparer
from symcheck.grading._homework import load_homework
from symcheck.grading._judge import Judge
from symcheck.grading._match import Matcher
from symcheck.grading._sentences import sentence_claims
from symcheck.grading._slips import Slips, load_slips
from symcheck.grading._spec import Homework
from symcheck.grading._values import Resolver
from symcheck.grading._wording import Wording
from symcheck.reader import read_submission
from symcheck.sheet import ClaimResult, Coverage, GradeReport, PartResult
from symcheck.submission import Submission

__all__ = ["grade_submission", "grade_text"]

_GRACE = 1.0
"""Seconds an item may run past its budget (reading, printing) before it is interrupted."""
_FAILURES = (
    ArithmeticError,
    TypeError,
    ValueError,
    AttributeError,
    NotImplementedError,
    RecursionError,
    IndexError,
    KeyError,
    sp.SympifyError,
)
_SCORED = ("value", "shape", "conditional", "statement", "step")


_CHECKED: set[str] = set()
"""The digests of the keys whose references this process has checked."""


class _Run:
    """One grading run of one sheet: the judge, matcher and claim maker it shares between items."""

    def __init__(self, homework: Homework, submission: Submission, slips: Slips, timeout: float) -> None:
        self.homework = homework
        self.submission = submission
        self.timeout = timeout
        self.collected = collect(homework, submission, slips)
        self.comparer = Comparer()
        resolver = Resolver(str(homework.path))
        self.judge = Judge(homework, resolver, self.comparer, self.collected.tables)
        if homework.digest not in _CHECKED:  # a typo in the key is its error, at its place, before any sheet
            resolver.check_references(homework, self.judge.table)
            _CHECKED.add(homework.digest)
        self.matcher = Matcher(homework, self.collected.tables)
        self.maker = ClaimMaker(homework, submission, self.collected, self.judge, self.matcher, Wording())

    def _guarded(self, start: int, end: int, part: str | None, make) -> list[ClaimResult]:  # type: ignore[no-untyped-def]
        self.comparer.start(self.timeout)
        try:
            with time_limit(self.timeout + _GRACE):
                return make()
        except BudgetExceeded:
            return [
                self._failed(start, end, part, "undecided", f"not decided within the time budget of {self.timeout:g} s")
            ]
        except SourceError:
            raise
        except (SymcheckError, *_FAILURES) as error:
            if os.environ.get("SYMCHECK_DEBUG"):  # for developers: where the grader failed
                traceback.print_exc()
            return [
                self._failed(start, end, part, "not graded", f"the grader could not judge it ({type(error).__name__})")
            ]

    def _failed(self, start: int, end: int, part: str | None, verdict: str, reason: str) -> ClaimResult:
        claim = self.maker._base(None, part, start, end, verdict=verdict, reason=reason)  # type: ignore[arg-type]
        return (
            claim
            if verdict == "not graded"
            else ClaimResult(**{**claim.__dict__, "explanation": f"Not decided: {reason}."})
        )

    def claims(self) -> list[tuple[int, ClaimResult, str]]:
        found: list[tuple[int, ClaimResult, str]] = []
        for item in self.collected.items:
            made = self._guarded(item.start, item.end, item.part, lambda item=item: self.maker.claims(item))
            found.extend((item.start, claim, "formula") for claim in made)
        for start, claim in sentence_claims(self.maker, self._guarded):
            found.append((start, claim, "sentence"))
        found.sort(key=lambda entry: entry[0])
        return found


def _coverage(submission: Submission, found: list[tuple[int, ClaimResult, str]]) -> Coverage:
    formulas = len(submission.formulas)
    graded_formulas: set[int] = set()
    reasons: Counter[str] = Counter()
    for start, claim, origin in found:
        if origin != "formula":
            continue
        if claim.verdict != "not graded":
            graded_formulas.update(
                index for index, formula in enumerate(submission.formulas) if formula.start <= start < formula.end + 1
            )
        else:
            reasons[_reason_kind(claim.reason)] += 1
    sentences = [claim for _, claim, origin in found if origin == "sentence"]
    sentences_graded = sum(1 for claim in sentences if claim.verdict != "not graded")
    for claim in sentences:
        if claim.verdict == "not graded":
            reasons[_reason_kind(claim.reason)] += 1
    graded = len(graded_formulas) if graded_formulas else 0
    return Coverage(
        formulas=formulas,
        formulas_graded=min(graded, formulas),
        sentences=len(sentences),
        sentences_graded=sentences_graded,
        not_graded=tuple(sorted(reasons.items())),
    )


def _reason_kind(reason: str) -> str:
    for key, label in (
        ("cannot be read", "unreadable"),
        ("a name or a number", "a name alone"),
        ("condition", "a condition"),
        ("defines", "a definition"),
        ("what it is the value of", "no subject"),
        ("no statement", "no statement of the key"),
        ("not one the question asks", "not asked"),
        ("shape with no name", "no subject"),
        ("data restated", "the question's data"),
        ("subject is not one", "unknown subject"),
    ):
        if key in reason:
            return label
    return "other"


def _parts(homework: Homework, claims: Iterable[ClaimResult]) -> tuple[PartResult, ...]:
    by_part: dict[str, list[ClaimResult]] = {}
    for claim in claims:
        by_part.setdefault(claim.part, []).append(claim)
    results = []
    for part in homework.parts:
        mine = by_part.get(part.part, [])
        counts = Counter(claim.verdict for claim in mine)
        scored = [
            claim for claim in mine if claim.kind in _SCORED and claim.verdict in ("correct", "wrong", "imprecise")
        ]
        earned = sum(
            1.0 if claim.verdict == "correct" else 0.5 if claim.verdict == "imprecise" else 0.0 for claim in scored
        )
        points = round(part.points * earned / len(scored), 2) if scored else 0.0
        results.append(
            PartResult(
                part=part.part,
                status="answered" if mine else "no answer",
                points=points,
                max_points=part.points,
                counts=tuple(sorted(counts.items())),
            )
        )
    return tuple(results)


def grade_submission(
    homework: Homework | Path | str, sheet: Path | str, *, timeout: float = 5.0, slips: Path | None = None
) -> GradeReport:
    """Grade one submission file against a homework key (a :class:`Homework` or the path of its key).

    Raises :class:`~symcheck.errors.SourceError` with one clear line for a file that cannot be read
    at all (not UTF-8, a notebook that is not JSON); anything inside the sheet that cannot be read or
    judged is a claim "not graded" with its reason, never an error.
    """
    if timeout <= 0:
        raise SymcheckError("the timeout must be positive")
    started = time.perf_counter()
    key = homework if isinstance(homework, Homework) else load_homework(Path(homework))
    submission = read_submission(Path(sheet), key.letters)
    slip_readings = load_slips(Path(sheet), slips, key)
    return grade_text(key, submission, slip_readings, timeout=timeout, started=started)


def grade_text(
    homework: Homework,
    submission: Submission,
    slips: Slips | None = None,
    *,
    timeout: float = 5.0,
    started: float | None = None,
) -> GradeReport:
    """Grade a submission already read (see :func:`grade_submission`)."""
    started = time.perf_counter() if started is None else started
    run = _Run(homework, submission, slips or Slips(), timeout)
    found = run.claims()
    claims = tuple(claim for _, claim, _ in found)
    return GradeReport(
        sheet=homework.name,
        title=homework.title,
        source=submission.path,
        claims=claims,
        seconds=time.perf_counter() - started,
        student=submission.student,
        coverage=_coverage(submission, found),
        parts=_parts(homework, claims),
        notes=tuple(run.collected.notes),
    )
