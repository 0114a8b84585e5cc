"""Plain data for graded answer sheets: where a claim stands, how it fared, and the sheet's report.

The answer key (what each claim is compared with) is read by :mod:`symcheck.grading`; this module
only holds the *results* of grading, as strings and numbers, so every output format (JSON, Markdown,
LaTeX, HTML, PDF) prints the same report without re-grading anything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from symcheck.display import Displayable

__all__ = [
    "VERDICTS",
    "ClaimResult",
    "ClaimVerdict",
    "Coverage",
    "GradeReport",
    "LinkResult",
    "PartResult",
    "Reading",
    "SourceLocation",
]

ClaimVerdict = Literal["correct", "wrong", "imprecise", "undecided", "not graded"]
VERDICTS: tuple[str, ...] = ("correct", "wrong", "imprecise", "undecided", "not graded")
"""Every verdict a claim can have, in the order reports count them."""

_MARK = {"correct": "✓", "wrong": "✗", "imprecise": "≈", "undecided": "?", "not graded": "·"}


@dataclass(frozen=True)
class SourceLocation:
    """Where a piece of text stands in a file: 1-based line and column of its first character."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class LinkResult:
    """One link ``left REL right`` of a chain such as ``a = b = c ≈ d``."""

    index: int
    left: str
    right: str
    relation: str
    verdict: ClaimVerdict
    left_value: float | None = None
    right_value: float | None = None
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "left": self.left,
            "right": self.right,
            "relation": self.relation,
            "verdict": self.verdict,
            "left_value": self.left_value,
            "right_value": self.right_value,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Reading:
    """One interpretation of an ambiguous question, with the correct value under it."""

    name: str
    expected: str | None
    value: float | None
    verdict: ClaimVerdict
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "expected": self.expected,
            "value": self.value,
            "verdict": self.verdict,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class ClaimResult:
    """The graded form of one claim on a sheet.

    ``written`` is the claim exactly as it stands in the sheet file. ``expected`` and ``correction``
    are LaTeX; ``value`` is the correct numeric value where the claim is numeric. ``diagnosis`` names
    the mistake when the claim is wrong (or says that no known mistake matches).
    """

    id: str
    part: str
    written: str
    verdict: ClaimVerdict
    expected: str | None = None
    value: float | None = None
    correction: str | None = None
    diagnosis: str | None = None
    readings: tuple[Reading, ...] | None = None
    kind: str = ""
    statement: str = ""
    """What the claim asserts, in words (from the key), for readers of the solution sheet."""
    derivation: str | None = None
    """The library derivation that backs the expected answer, if any."""
    location: SourceLocation | None = None
    links: tuple[LinkResult, ...] = ()
    student_value: float | None = None
    explanation: str = ""
    quantity: str | None = None
    """The id of the key's quantity (or statement) the claim was found to be about, if any."""
    evidence: str = ""
    """How the verdict was reached, in the engine's terms (method, counterexample): for JSON readers."""
    reason: str = ""
    """Why a claim is not graded (unreadable, a name alone, no statement of the key matches …)."""
    mistake: str | None = None
    """The key of the recognised mistake (``sign``, ``rounding``, ``transposed``, a misconception's id)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "part": self.part,
            "written": self.written,
            "verdict": self.verdict,
            "expected": self.expected,
            "value": self.value,
            "correction": self.correction,
            "diagnosis": self.diagnosis,
            "readings": [reading.as_dict() for reading in self.readings] if self.readings is not None else None,
            "kind": self.kind,
            "statement": self.statement,
            "derivation": self.derivation,
            "location": str(self.location) if self.location else None,
            "links": [link.as_dict() for link in self.links],
            "student_value": self.student_value,
            "explanation": self.explanation,
            "quantity": self.quantity,
            "evidence": self.evidence,
            "reason": self.reason,
            "mistake": self.mistake,
        }


@dataclass(frozen=True)
class Coverage:
    """How much of a sheet was graded: formulas and sentences found, and how many of each got a verdict."""

    formulas: int = 0
    formulas_graded: int = 0
    sentences: int = 0
    sentences_graded: int = 0
    not_graded: tuple[tuple[str, int], ...] = ()
    """Why the rest was not graded, with a count for each reason."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "formulas": self.formulas,
            "formulas_graded": self.formulas_graded,
            "sentences": self.sentences,
            "sentences_graded": self.sentences_graded,
            "not_graded": dict(self.not_graded),
        }

    def __str__(self) -> str:
        return (
            f"graded {self.formulas_graded} of {self.formulas} formulas and "
            f"{self.sentences_graded} of {self.sentences} sentences"
        )


@dataclass(frozen=True)
class PartResult:
    """One part of the homework on one sheet: its status and points."""

    part: str
    status: str
    """``answered`` or ``no answer``."""
    points: float
    max_points: float
    counts: tuple[tuple[str, int], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "part": self.part,
            "status": self.status,
            "points": self.points,
            "max_points": self.max_points,
            "counts": dict(self.counts),
        }


@dataclass(frozen=True)
class GradeReport(Displayable):
    """Every claim of one sheet, graded, in the order of the sheet."""

    sheet: str
    title: str
    source: str
    claims: tuple[ClaimResult, ...]
    seconds: float = 0.0
    student: str = ""
    coverage: Coverage | None = None
    parts: tuple[PartResult, ...] = ()
    notes: tuple[str, ...] = ()
    """How the sheet's notation was read where it was ambiguous (``s read as z in 2(b)``)."""

    @property
    def summary(self) -> dict[str, int]:
        counts = {"claims": len(self.claims), **dict.fromkeys(VERDICTS, 0)}
        for claim in self.claims:
            counts[claim.verdict] += 1
        return counts

    @property
    def score(self) -> tuple[float, float]:
        """Points earned and points available, over the parts."""
        return sum(part.points for part in self.parts), sum(part.max_points for part in self.parts)

    def as_dict(self) -> dict[str, Any]:
        earned, available = self.score
        return {
            "sheet": self.sheet,
            "title": self.title,
            "source": self.source,
            "student": self.student,
            "claims": [claim.as_dict() for claim in self.claims],
            "summary": self.summary,
            "coverage": self.coverage.as_dict() if self.coverage is not None else None,
            "parts": [part.as_dict() for part in self.parts],
            "score": {"points": earned, "max_points": available},
            "notes": list(self.notes),
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False)

    def to_text(self) -> str:
        lines = [f"{self.title} ({self.sheet})"]
        for claim in self.claims:
            lines.append(f"{_MARK[claim.verdict]} {claim.id:<14} {claim.part:<6} {claim.verdict:<9} {claim.written}")
            if claim.verdict == "not graded":
                if claim.reason:
                    lines.append(f"      not graded: {claim.reason}")
            elif claim.verdict != "correct":
                if claim.correction:
                    lines.append(f"      correction: {claim.correction}")
                if claim.diagnosis:
                    lines.append(f"      diagnosis: {claim.diagnosis}")
        summary = self.summary
        lines.append(
            f"{summary['correct']} correct, {summary['wrong']} wrong, {summary['imprecise']} imprecise, "
            f"{summary['undecided']} undecided, {summary['not graded']} not graded of {summary['claims']} claims"
        )
        if self.coverage is not None:
            lines.append(f"coverage: {self.coverage}")
        if self.parts:
            earned, available = self.score
            lines.append(f"score: {earned:g} of {available:g} points")
        return "\n".join(lines)
