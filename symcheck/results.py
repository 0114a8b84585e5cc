"""Plain data that the checking layer produces: verdicts, step and check results, reports.

These objects hold only strings, numbers and tuples, never SymPy objects, so that they serialise to
JSON exactly as they print, travel between processes, and can be rendered by any output format
without re-deriving anything. ``to_dict`` gives the stable JSON shape read by other tools.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from symcheck.display import Displayable

__all__ = [
    "CheckResult",
    "Counterexample",
    "DerivationReport",
    "Status",
    "StepResult",
    "Verdict",
    "VerifyReport",
]

Status = Literal["verified", "probed", "failed", "undecided", "given"]
"""``probed``: not refuted, and agreeing at every planned probe point, but not proved (see :class:`Verdict`)."""

_MARK = {"verified": "✓", "probed": "~", "failed": "✗", "undecided": "?", "given": "·"}
_RANK = {"failed": 0, "undecided": 1, "probed": 2, "verified": 3}


@dataclass(frozen=True)
class Counterexample:
    """A point where two sides differ (or a relation fails), with both values as evaluated there.

    ``point`` maps each symbol's printed name to the exact value used (``"3/2"``, ``"K=3"`` style
    strings), so that anyone can substitute it back and see the failure independently.
    """

    point: tuple[tuple[str, str], ...]
    lhs: str
    rhs: str
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"point": dict(self.point), "lhs": self.lhs, "rhs": self.rhs, "note": self.note}

    def __str__(self) -> str:
        where = ", ".join(f"{name} = {value}" for name, value in self.point) or "(no free symbols)"
        return f"at {where}: {self.lhs} ≠ {self.rhs}" + (f" ({self.note})" if self.note else "")


@dataclass(frozen=True)
class Verdict:
    """The answer to "are these equal / does this hold?".

    ``holds`` is True only for a proof (``method`` names it: structural, normal form, case split,
    simplify, minimal polynomial, ball arithmetic, polynomial identity at enough points, ...), False
    for a refutation (``counterexample`` says where, or ``detail`` gives the exact difference) and
    None otherwise. Agreement at every planned probe point is not a proof: it is ``holds=None``
    with ``probable=True``, ``method="numeric probe"`` and the heuristic ``confidence``, and
    reads "probably equal". ``detail`` also says where an identity holds only where both sides
    are defined ("for x ≠ 1").
    """

    holds: bool | None
    method: str
    detail: str = ""
    confidence: float | None = None
    """1.0 for a proof; for a probable verdict, the heuristic chance that probing would have refuted a
    false claim; None otherwise."""
    counterexample: Counterexample | None = None
    seconds: float = 0.0
    probable: bool = False
    """Undecided, but every planned probe point agreed: "probably equal" (never set with a proof)."""

    @property
    def proved(self) -> bool:
        """True for a proof, which is what ``holds is True`` means."""
        return self.holds is True

    @property
    def status(self) -> Status:
        if self.holds is None and self.probable:
            return "probed"
        return {True: "verified", False: "failed", None: "undecided"}[self.holds]

    def __bool__(self) -> bool:
        return self.holds is True

    def as_dict(self) -> dict[str, Any]:
        return {
            "holds": self.holds,
            "method": self.method,
            "detail": self.detail,
            "confidence": self.confidence,
            "probable": self.probable,
            "counterexample": self.counterexample.as_dict() if self.counterexample else None,
            "seconds": round(self.seconds, 4),
        }

    def __str__(self) -> str:
        text = f"{self.status} by {self.method}"
        if self.confidence is not None and self.confidence < 1:
            text += f" (confidence 1 − {1 - self.confidence:.1e})"  # 0.99999994 must not read as 1
        if self.counterexample is not None:
            text += f"; {self.counterexample}"
        elif self.detail:
            text += f"; {self.detail}"
        return text


@dataclass(frozen=True)
class StepResult:
    """How one step fared: the statement as LaTeX, what it was compared with, and the verdict."""

    index: int
    latex: str
    justification: str
    status: Status
    method: str
    rule: str | None = None
    label: str | None = None
    compared_with: str | None = None
    """LaTeX of the other side the step was checked against (None for premises and relations)."""
    counterexample: Counterexample | None = None
    detail: str = ""
    seconds: float = 0.0
    confidence: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "number": self.index + 1,
            "latex": self.latex,
            "justification": self.justification,
            "rule": self.rule,
            "label": self.label,
            "status": self.status,
            "method": self.method,
            "compared_with": self.compared_with,
            "counterexample": self.counterexample.as_dict() if self.counterexample else None,
            "confidence": self.confidence,
            "detail": self.detail,
            "seconds": round(self.seconds, 4),
        }


@dataclass(frozen=True)
class CheckResult:
    """A numeric check: its kind, verdict, the largest error seen and the tolerance it was held to."""

    kind: str
    status: Status
    max_error: float | None
    tolerance: float | None = None
    points: int = 0
    description: str = ""
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "status": self.status,
            "max_error": self.max_error,
            "tolerance": self.tolerance,
            "points": self.points,
            "description": self.description,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class DerivationReport(Displayable):
    """The verification of one derivation. ``status`` is the worst of its steps, result and checks."""

    name: str
    title: str
    status: Status
    general_k: bool
    """Kept for compatibility: ``bool(general_sizes)``."""
    seconds: float
    steps: tuple[StepResult, ...]
    checks: tuple[CheckResult, ...]
    result_latex: str = ""
    result: StepResult | None = None
    topic: str = ""
    summary: str = ""
    error: str = ""
    """Set when the derivation could not even be built (its builder raised)."""
    general_sizes: tuple[str, ...] = ()
    """The symbolic sizes (``("n", "d")``, ``("K",)``) the derivation is proved for, every value of
    each: set only when every step and the result were proved, none merely probed."""

    @property
    def proved(self) -> bool:
        """Verified with every step proved (a ``probed`` derivation is not)."""
        return self.status == "verified"

    @property
    def first_failure(self) -> StepResult | None:
        for step in self.steps:
            if step.status == "failed":
                return step
        if self.result is not None and self.result.status == "failed":
            return self.result
        return None

    def as_dict(self) -> dict[str, Any]:
        failure = self.first_failure
        return {
            "name": self.name,
            "title": self.title,
            "topic": self.topic,
            "status": self.status,
            "general_k": self.general_k,
            "general_sizes": list(self.general_sizes),
            "seconds": round(self.seconds, 4),
            "result": self.result.as_dict() if self.result else None,
            "result_latex": self.result_latex,
            "first_failure": failure.index if failure is not None else None,
            "error": self.error or None,
            "steps": [step.as_dict() for step in self.steps],
            "checks": [check.as_dict() for check in self.checks],
        }

    def to_text(self, verbose: bool = False) -> str:
        line = f"{_MARK[self.status]} {self.name:<40} {self.status:<9} {self.seconds:6.2f}s"
        if self.general_sizes:
            line += f"  [general {', '.join(self.general_sizes)}]"
        lines = [line]
        if self.error:
            lines.append(f"    error: {self.error}")
        failure = self.first_failure
        for step in self.steps:
            if verbose or step is failure or step.status in ("undecided", "probed"):
                # numbered from 1, as the published sheets number them
                lines.append(f"    step {step.index + 1}: {_MARK[step.status]} {step.latex}  ({step.method})")
                if step.compared_with and step.status not in ("verified", "given"):
                    lines.append(f"      compared with: {step.compared_with}")  # the other side of the check
                if step.counterexample is not None:
                    lines.append(f"      counterexample {step.counterexample}")
                elif step.detail and step.status != "verified":
                    lines.append(f"      {step.detail}")
        if self.result is not None and (verbose or self.result.status != "verified"):
            lines.append(f"    result: {_MARK[self.result.status]} {self.result.latex}  ({self.result.method})")
            if self.result.compared_with and self.result.status != "verified":
                lines.append(f"      compared with: {self.result.compared_with}")
            if self.result.counterexample is not None:
                lines.append(f"      counterexample {self.result.counterexample}")
        for check in self.checks:
            if verbose or check.status != "verified":
                error = "n/a" if check.max_error is None else f"{check.max_error:.2e}"
                lines.append(f"    check {check.kind}: {_MARK[check.status]} max error {error} {check.detail}")
        return "\n".join(lines)


@dataclass(frozen=True)
class VerifyReport(Displayable):
    """The verification of several derivations, as printed by ``symcheck verify``."""

    derivations: tuple[DerivationReport, ...]
    seconds: float
    summary: dict[str, int] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        counts = {"verified": 0, "probed": 0, "failed": 0, "undecided": 0}
        for report in self.derivations:
            counts[report.status] = counts.get(report.status, 0) + 1
        return counts

    @property
    def ok(self) -> bool:
        """Nothing failed or undecided (a derivation with probed steps passes; see :attr:`proved`)."""
        return all(report.status in ("verified", "probed") for report in self.derivations) and bool(self.derivations)

    @property
    def proved(self) -> bool:
        """Every derivation verified with every step proved: what ``symcheck verify --strict`` asks."""
        return all(report.status == "verified" for report in self.derivations) and bool(self.derivations)

    def counts_line(self) -> str:
        counts = self.counts
        probed = f", {counts['probed']} probed (not proved)" if counts["probed"] else ""
        return (
            f"{counts['verified']} verified{probed}, {counts['failed']} failed, {counts['undecided']} undecided "
            f"in {self.seconds:.2f}s"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "derivations": [report.as_dict() for report in self.derivations],
            "summary": {**self.counts, "seconds": round(self.seconds, 4)},
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False)

    def to_text(self, verbose: bool = False) -> str:
        lines = [report.to_text(verbose) for report in self.derivations]
        lines.append(self.counts_line())
        return "\n".join(lines)
