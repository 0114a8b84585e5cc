"""Checking one statement of a derivation: an identity, a relation, a shape, or an expression equal to
what it follows from; and the plain-data result of a checked step.

Every check takes a :class:`~symcheck.budget.Deadline` and passes it down unchanged to
:func:`symcheck.equivalent` or :func:`symcheck.holds`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import sympy as sp

from symcheck.budget import Deadline
from symcheck.definitions import expand_definitions
from symcheck.equivalence import DEFAULT_TIMEOUT, equivalent
from symcheck.errors import SymcheckError
from symcheck.model import Assumptions, ShapeIs, Step
from symcheck.relations import holds
from symcheck.results import StepResult, Verdict

__all__ = ["check_statement", "is_relation", "step_result", "value_of"]


# --------------------------------------------------------------------------- printing


def _latex(statement: Any) -> str:
    """LaTeX of a statement through symcheck's printers (ŷ, σ, δ_ik, layer superscripts)."""
    from symcheck.printing import latex_statement

    return latex_statement(statement)


# --------------------------------------------------------------------------- statements


def is_relation(statement: Any) -> bool:
    return isinstance(statement, (sp.And, sp.Contains)) or (
        isinstance(statement, sp.Rel) and not isinstance(statement, (sp.Equality, sp.Unequality))
    )


def _same_dimension(first: sp.Basic, second: sp.Basic) -> bool:
    return first == second or sp.simplify(first - second) == 0


def _validate_shapes(matrix: sp.Basic) -> str | None:
    """The first dimension mismatch in a matrix expression, or None.

    SymPy raises ShapeError only when it can tell two dimensions apart; ``D_a`` and ``D_x`` are
    two symbols it cannot, so ``W(D_x × D_a) X(D_x × m)`` passes unchecked. Symbolic dimensions
    must match exactly here: two different symbols are two different sizes.
    """
    if not isinstance(matrix, sp.MatrixExpr) or isinstance(matrix, sp.MatrixSymbol):
        return None
    for argument in matrix.args:
        problem = _validate_shapes(argument)
        if problem:
            return problem
    matrices = [argument for argument in matrix.args if isinstance(argument, sp.MatrixExpr)]
    if isinstance(matrix, sp.MatMul):
        for left, right in pairwise(matrices):
            if not _same_dimension(left.shape[1], right.shape[0]):
                return (
                    f"{left} is {left.shape[0]} × {left.shape[1]} but {right} is {right.shape[0]} × "
                    f"{right.shape[1]}: {left.shape[1]} ≠ {right.shape[0]} in the product"
                )
    elif isinstance(matrix, (sp.MatAdd, sp.HadamardProduct)):
        first = matrices[0]
        for other in matrices[1:]:
            if not all(_same_dimension(a, b) for a, b in zip(first.shape, other.shape, strict=True)):
                kind = "sum" if isinstance(matrix, sp.MatAdd) else "elementwise product"
                return (
                    f"{first} is {first.shape[0]} × {first.shape[1]} but {other} is {other.shape[0]} × "
                    f"{other.shape[1]} in the {kind}"
                )
    return None


def _check_shape(statement: ShapeIs) -> Verdict:
    from sympy.matrices.exceptions import ShapeError

    started = time.perf_counter()
    try:
        matrix = statement.expression()
    except ShapeError as error:
        return Verdict(False, "shape algebra", f"{statement.text or 'the expression'} is ill-formed: {error}")
    problem = _validate_shapes(matrix)
    if problem is not None:
        return Verdict(False, "shape algebra", problem, seconds=time.perf_counter() - started)
    shape = tuple(matrix.shape)
    claimed = tuple(statement.shape)
    same = len(shape) == len(claimed) and all(_same_dimension(a, b) for a, b in zip(shape, claimed, strict=True))
    detail = f"shape {shape[0]} × {shape[1]}" + ("" if same else f", not {claimed[0]} × {claimed[1]}")
    return Verdict(
        same, "shape algebra", detail, confidence=1.0 if same else None, seconds=time.perf_counter() - started
    )


def _expand_relation(statement: sp.Basic, definitions: Sequence) -> sp.Basic:
    """Substitute definitions into a relation without letting SymPy evaluate it to True/False.

    (``Le(z_i − β, 0)`` with ``z_i = β − u_i`` and ``u_i >= 0`` would collapse to ``True``, which
    would hide the claim instead of checking it.)
    """
    if isinstance(statement, sp.And):
        return sp.And(*(_expand_relation(part, definitions) for part in statement.args), evaluate=False)
    if isinstance(statement, sp.Contains):
        element, interval = statement.args
        return sp.Contains(expand_definitions(element, definitions), interval, evaluate=False)
    if isinstance(statement, sp.Rel):
        return type(statement)(
            expand_definitions(statement.lhs, definitions),
            expand_definitions(statement.rhs, definitions),
            evaluate=False,
        )
    return statement


def check_statement(
    statement: Any,
    reference: sp.Basic | None,
    *,
    assumptions: Assumptions,
    definitions: Sequence = (),
    timeout: float | Deadline | None = DEFAULT_TIMEOUT,
) -> Verdict:
    """Check one statement: an identity, a relation, a shape, or an expression equal to ``reference``.

    ``timeout`` is a number of seconds or a :class:`~symcheck.budget.Deadline`, passed down as it is.
    """
    if isinstance(statement, ShapeIs):
        return _check_shape(statement)
    if isinstance(statement, sp.Equality):
        return equivalent(
            expand_definitions(statement.lhs, definitions),
            expand_definitions(statement.rhs, definitions),
            assumptions=assumptions,
            timeout=timeout,
        )
    if is_relation(statement) or statement in (sp.true, sp.false):
        return holds(_expand_relation(statement, definitions), assumptions=assumptions, timeout=timeout)
    expanded = expand_definitions(statement, definitions)
    if reference is None:
        raise SymcheckError("an expression step needs a previous step (or `against`) to be compared with")
    return equivalent(expanded, expand_definitions(reference, definitions), assumptions=assumptions, timeout=timeout)


def value_of(statement: Any) -> sp.Basic | None:
    """What the next step is compared with: an expression itself, or an equation's right-hand side."""
    if isinstance(statement, sp.Equality):
        return statement.rhs
    if isinstance(statement, sp.Basic) and not is_relation(statement):
        return statement
    return None


def step_result(
    index: int, step: Step, verdict: Verdict | None, compared_with: sp.Basic | None, latex: bool = True
) -> StepResult:
    if not latex and (verdict is None or verdict.status == "verified"):
        # text output never shows a passing step: skip printing it (a tenth of the verification)
        return StepResult(
            index=index,
            latex="",
            justification=step.justification,
            status="given" if verdict is None else verdict.status,
            method="premise" if verdict is None else verdict.method,
            rule=step.rule,
            label=step.label,
            seconds=0.0 if verdict is None else verdict.seconds,
            confidence=None if verdict is None else verdict.confidence,
        )
    if verdict is None:
        return StepResult(
            index=index,
            latex=_latex(step.statement),
            justification=step.justification,
            status="given",
            method="premise",
            rule=step.rule,
            label=step.label,
        )
    return StepResult(
        index=index,
        latex=_latex(step.statement),
        justification=step.justification,
        status=verdict.status,
        method=verdict.method,
        rule=step.rule,
        label=step.label,
        compared_with=_latex(compared_with) if compared_with is not None else None,
        counterexample=verdict.counterexample,
        detail=verdict.detail,
        seconds=verdict.seconds,
        confidence=verdict.confidence,
    )
