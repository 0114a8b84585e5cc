"""Verifying one derivation: its chain of steps, its declared result, and the report assembled from them.

Each step is checked against what it claims to follow from (the previous step's value, or the step
named by ``against``), after the derivation's definitions are substituted, with a fresh budget
(:class:`~symcheck.budget.Deadline`) of ``timeout`` seconds. A step that is only probed (agreeing
at every probe point, not proved) makes the derivation ``probed``: not failed, not proved.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from symcheck.budget import Deadline
from symcheck.equivalence import DEFAULT_TIMEOUT
from symcheck.errors import SymcheckError
from symcheck.model import Assumptions, Derivation, ShapeIs, Step
from symcheck.results import CheckResult, DerivationReport, Status, StepResult, Verdict
from symcheck.verify._numeric import run_check
from symcheck.verify._statements import check_statement, is_relation, step_result, value_of

__all__ = ["StepsOutcome", "assemble", "general_sizes", "verify", "verify_steps", "worst"]


def _memo_check(
    memo: dict[tuple, Verdict],
    statement: Any,
    reference: sp.Basic | None,
    assumptions: Assumptions,
    definitions: Sequence,
    timeout: float | None,
) -> Verdict:
    """Check a statement once per derivation: a declared result often repeats its last step."""
    key = (statement, reference, assumptions)
    try:
        cached = memo.get(key)
    except TypeError:  # an unhashable statement (a ShapeIs holding a lambda is hashable; be safe)
        cached, key = None, None
    if cached is not None:
        return cached
    verdict = check_statement(
        statement, reference, assumptions=assumptions, definitions=definitions, timeout=Deadline(timeout)
    )
    if key is not None:
        memo[key] = verdict
    return verdict


_RANK: dict[str, int] = {"failed": 0, "undecided": 1, "probed": 2, "verified": 3}


def worst(statuses: Iterable[Status]) -> Status:
    """The worst status: failed, then undecided, then probed (not proved), then verified; premises aside."""
    ranked = [status for status in statuses if status != "given"]
    return min(ranked, key=_RANK.__getitem__, default="verified")  # type: ignore[return-value]


def general_sizes(derivation: Derivation, status: Status, all_proved: bool) -> tuple[str, ...]:
    """The symbolic sizes (K; n and d) a verified derivation is proved for, from its assumptions' bounds."""
    if status != "verified" or not all_proved:
        return ()
    return tuple(str(bound) for bound in derivation.assumptions.symbolic_bounds)


@dataclass(frozen=True)
class StepsOutcome:
    """The checked chain of one derivation: step results, the result, and whether all are proofs."""

    steps: tuple[StepResult, ...]
    result: StepResult
    all_proved: bool
    seconds: float


def verify_steps(derivation: Derivation, timeout: float | None, latex: bool = True) -> StepsOutcome:
    started = time.perf_counter()
    memo: dict[tuple, Verdict] = {}
    values: dict[str, sp.Basic] = {}
    previous: sp.Basic | None = None
    step_results: list[StepResult] = []
    proofs: list[Verdict] = []
    for index, step in enumerate(derivation.steps):
        assumptions = derivation.assumptions.merged(step.assumptions)
        if step.against is not None and step.against not in values:
            raise SymcheckError(f"{derivation.name}: step {index} refers to unknown label {step.against!r}")
        reference = values[step.against] if step.against is not None else previous
        # a chain starts from a premise; equations, relations and shapes are claims in their own right
        self_contained = isinstance(step.statement, (sp.Equality, ShapeIs)) or is_relation(step.statement)
        premise = step.given or (index == 0 and step.against is None and not self_contained)
        if premise:
            step_results.append(step_result(index, step, None, None, latex))
        else:
            verdict = _memo_check(memo, step.statement, reference, assumptions, derivation.definitions, timeout)
            proofs.append(verdict)
            step_results.append(step_result(index, step, verdict, None if self_contained else reference, latex))
        value = value_of(step.statement) if not isinstance(step.statement, ShapeIs) else None
        if value is not None:
            previous = value
        if step.label is not None and value is not None:
            values[step.label] = value

    result_verdict = _memo_check(
        memo, derivation.result, previous, derivation.assumptions, derivation.definitions, timeout
    )
    proofs.append(result_verdict)
    result_step = Step(derivation.result, "the declared result", label="result")
    result = step_result(len(derivation.steps), result_step, result_verdict, None, latex)
    return StepsOutcome(
        tuple(step_results), result, all(verdict.proved for verdict in proofs), time.perf_counter() - started
    )


def assemble(
    derivation: Derivation, outcome: StepsOutcome, checks: list[CheckResult], seconds: float
) -> DerivationReport:
    status = worst([*(step.status for step in outcome.steps), outcome.result.status, *(c.status for c in checks)])
    sizes = general_sizes(derivation, status, outcome.all_proved)
    return DerivationReport(
        name=derivation.name,
        title=derivation.title,
        status=status,
        general_k=bool(sizes),
        general_sizes=sizes,
        seconds=seconds,
        steps=outcome.steps,
        checks=tuple(checks),
        result_latex=outcome.result.latex,
        result=outcome.result,
        topic=derivation.topic,
        summary=derivation.summary,
    )


def verify(
    derivation: Derivation,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    numeric: bool = True,
    seed: int = 7,
    latex: bool = True,
) -> DerivationReport:
    """Verify every step, the declared result and the numeric checks of ``derivation``.

    ``general_sizes`` names the symbolic sizes (K; n, d) the derivation is proved for, when every step
    and the result were *proved* (not merely probed); ``general_k`` is ``bool(general_sizes)``. Each
    step and each numeric check has its own budget of ``timeout`` seconds. With ``latex=False`` the steps that
    pass carry no LaTeX (text output, which shows only failures, does not need it).
    """
    started = time.perf_counter()
    outcome = verify_steps(derivation, timeout, latex)
    checks = [run_check(check, derivation, Deadline(timeout), seed) for check in derivation.checks] if numeric else []
    return assemble(derivation, outcome, checks, time.perf_counter() - started)
