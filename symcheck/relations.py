"""``holds(relation)``: does an inequality (or an interval membership) hold on the whole domain?

Equalities go to :func:`symcheck.equivalence.equivalent`. Inequalities climb a ladder like it:

1. numbers are decided by evaluation at 50 digits (exact zero by cancellation);
2. SymPy's sign assumptions on the difference, after declared domains become SymPy assumptions and
   each probability ``p`` in (0, 1) is written ``t/(1 + t)`` with ``t > 0`` (so ``1 − p > 0`` is
   visible);
3. interval arithmetic (:mod:`symcheck.bounds`), which knows finite sums over symbolic K;
4. a case split on the sign of a real symbol in ``Abs``/``Max``;
5. probing, which refutes with a counterexample, at random points, breakpoints, and where the
   relation is tight: the origin, each symbol at 0 and the rational zeros of the factors of the
   difference (``x² > 0`` fails at x = 0); agreement everywhere it looked is only "probably holds"
   (``holds=None``, ``probable=True``), never a proof.
"""

from __future__ import annotations

import time
from dataclasses import replace

import sympy as sp

from symcheck.balls import constant_sign
from symcheck.bounds import proves_nonnegative
from symcheck.budget import BudgetExceeded, Deadline, time_limit
from symcheck.equivalence import DEFAULT_TIMEOUT, equivalent
from symcheck.errors import UnsupportedStatement
from symcheck.model import Assumptions, Domain
from symcheck.normalize import (
    Context,
    helper_symbol,
    normal_form,
    rational_zero,
    sign_cases,
    with_declared_assumptions,
)
from symcheck.probe import probe
from symcheck.results import Verdict

__all__ = ["holds"]

_ORIENTATION = {
    sp.GreaterThan: (">=", False),
    sp.StrictGreaterThan: (">", True),
    sp.LessThan: ("<=", False),
    sp.StrictLessThan: ("<", True),
}


def holds(
    statement: sp.Basic,
    *,
    assumptions: Assumptions | None = None,
    timeout: float | Deadline | None = DEFAULT_TIMEOUT,
) -> Verdict:
    """Whether ``statement`` holds at every point allowed by ``assumptions``.

    ``statement`` is a relation (``Ge``, ``Gt``, ``Le``, ``Lt``, ``Eq``) built with
    ``evaluate=False``, a ``Contains(expr, Interval(a, b))``, or an ``And`` of those.

    >>> import sympy as sp
    >>> z = sp.Symbol("z", real=True)
    >>> s = 1 / (1 + sp.exp(-z))
    >>> holds(sp.Gt(s * (1 - s), 0, evaluate=False)).holds
    True
    """
    started = time.perf_counter()
    assumptions = assumptions or Assumptions()
    if statement in (sp.true, sp.false):
        raise UnsupportedStatement(
            f"the relation was already evaluated to {statement} when it was built; "
            "build it with evaluate=False (e.g. sp.Le(a, b, evaluate=False)) so it can be checked"
        )
    if isinstance(statement, sp.And):
        deadline = Deadline.of(timeout)
        verdicts = [holds(part, assumptions=assumptions, timeout=deadline) for part in statement.args]
        for verdict in sorted(verdicts, key=lambda v: (v.holds is not False, v.probable)):
            if verdict.holds is not True:
                return replace(verdict, seconds=time.perf_counter() - started)
        methods = ", ".join(sorted({verdict.method for verdict in verdicts}))
        return Verdict(True, methods, confidence=1.0, seconds=time.perf_counter() - started)
    if isinstance(statement, sp.Contains):
        element, interval = statement.args
        if not isinstance(interval, sp.Interval):
            raise UnsupportedStatement(f"membership is checked in intervals only, not in {interval}")
        lower = (sp.StrictGreaterThan if interval.left_open else sp.GreaterThan)(
            element, interval.start, evaluate=False
        )
        upper = (sp.StrictLessThan if interval.right_open else sp.LessThan)(element, interval.end, evaluate=False)
        parts = [part for part, bound in ((lower, interval.start), (upper, interval.end)) if bound.is_finite]
        return holds(sp.And(*parts, evaluate=False), assumptions=assumptions, timeout=timeout)
    if isinstance(statement, sp.Equality):
        return equivalent(statement.lhs, statement.rhs, assumptions=assumptions, timeout=timeout)
    if type(statement) not in _ORIENTATION:
        raise UnsupportedStatement(f"holds() checks relations; got {type(statement).__name__}: {statement}")
    relation, strict = _ORIENTATION[type(statement)]
    deadline = Deadline.of(timeout)
    try:
        with time_limit(deadline.remaining()):
            verdict = _inequality(statement.lhs, statement.rhs, relation, strict, assumptions, deadline)
    except BudgetExceeded:
        verdict = Verdict(None, "timeout", f"not decided within {time.perf_counter() - started:.2g} s")
    return replace(verdict, seconds=time.perf_counter() - started)


def _unit_interval_substitution(expr: sp.Basic, assumptions: Assumptions) -> sp.Basic:
    """Write each p in (0, 1) as t/(1 + t) with t > 0, so SymPy sees both p > 0 and 1 − p > 0."""
    mapping = {}
    for symbol, domain in assumptions.domains:
        if domain is Domain.UNIT_INTERVAL and isinstance(symbol, sp.Symbol):
            for present in expr.free_symbols:
                if isinstance(present, sp.Symbol) and present.name == symbol.name:
                    ratio = helper_symbol(f"odds_{symbol.name}", positive=True)
                    mapping[present] = ratio / (1 + ratio)
    return expr.xreplace(mapping) if mapping else expr


def _sign_proved(difference: sp.Basic, strict: bool) -> bool | None:
    """True when SymPy's assumptions show the sign we need, False when they show the opposite."""
    forms = [difference]
    for transform in (sp.factor, lambda e: sp.cancel(sp.together(e))):
        try:
            forms.append(transform(difference))
        except (sp.PolynomialError, TypeError, ValueError):
            continue
    for form in forms:
        if (form.is_positive if strict else form.is_nonnegative) is True:
            return True
        if (form.is_nonpositive if strict else form.is_negative) is True:
            return False
    return None


def squares_of_sums(expr: sp.Basic) -> sp.Basic:
    """``Σ_k Σ_l a_k a_l`` (one summand a product of the same factor at k and at l, over equal ranges) as
    ``(Σ_k a_k)²``: a quadratic form written out in indices, ``Σ_{k,l} x_{ik} x_{il} v_k v_l``, is a square."""

    def gathered(node: sp.Sum) -> sp.Basic:
        if len(node.limits) < 2:
            return node
        (k, low, high), (other, low2, high2) = node.limits[-2], node.limits[-1]
        if (low, high) != (low2, high2):
            return node
        at_k, at_l, rest = [], [], []
        for factor in sp.Mul.make_args(node.function):
            has_k, has_l = factor.has(k), factor.has(other)
            if has_k and has_l:
                return node
            (at_k if has_k else at_l if has_l else rest).append(factor)
        first = sp.Mul(*at_k)
        if not at_k or sp.Mul(*at_l) != first.xreplace({k: other}):
            return node
        square = sp.Mul(*rest) * sp.Sum(first, (k, low, high)) ** 2
        return sp.Sum(square, *node.limits[:-2]) if len(node.limits) > 2 else square

    if not isinstance(expr, sp.Basic) or not expr.has(sp.Sum):
        return expr
    return expr.replace(lambda node: isinstance(node, sp.Sum), gathered)


def _inequality(
    lhs: sp.Basic, rhs: sp.Basic, relation: str, strict: bool, assumptions: Assumptions, deadline: Deadline
) -> Verdict:
    context = Context.from_assumptions(assumptions)
    difference = (lhs - rhs) if relation in (">=", ">") else (rhs - lhs)
    if proves_nonnegative(difference, assumptions, strict):  # before normalising: a square stays a square
        return Verdict(True, "interval arithmetic", confidence=1.0)
    gathered = squares_of_sums(difference)
    if gathered != difference and proves_nonnegative(gathered, assumptions, strict):
        return Verdict(True, "interval arithmetic", "a double sum of a product at k and at l is a square", 1.0)
    normal = normal_form(with_declared_assumptions(difference, assumptions), context, peel=False)

    if not normal.free_symbols:
        if rational_zero(normal):
            return Verdict(not strict, "exact", "both sides are equal", confidence=1.0 if not strict else None)
        shown = constant_sign(normal, deadline)
        if shown is not None and shown.nonzero and shown.sign is not None:
            positive = shown.sign > 0
            return Verdict(
                positive,
                "ball arithmetic",
                f"(the difference of the sides) = {shown.value}, a ball excluding 0 at {shown.bits} bits",
                confidence=1.0 if positive else None,
            )

    prepared = _unit_interval_substitution(normal, assumptions)
    sign = _sign_proved(prepared, strict)
    if sign is True:
        return Verdict(True, "sign of the difference", confidence=1.0)
    if proves_nonnegative(normal, assumptions, strict):
        return Verdict(True, "interval arithmetic", confidence=1.0)
    cases = sign_cases(normal)
    if cases is not None:
        proved = True
        for case in cases:
            case_prepared = _unit_interval_substitution(case, assumptions)
            if _sign_proved(case_prepared, strict) is not True and not proves_nonnegative(case, assumptions, strict):
                proved = False
                break
        if proved:
            return Verdict(True, "case split on signs", confidence=1.0)

    outcome = probe(lhs, rhs, assumptions, deadline, relation=relation)
    if outcome.counterexample is not None:
        return Verdict(
            False, "numeric probe", "a point where the relation fails", counterexample=outcome.counterexample
        )
    if outcome.unsupported:
        return Verdict(None, "unsupported", f"cannot evaluate numerically: {outcome.unsupported}")
    if outcome.interrupted:
        return Verdict(None, "timeout", f"probing did not finish ({outcome.agreed} points held); no proof found")
    if outcome.agreed >= 8:
        return Verdict(
            None,
            "numeric probe",
            f"probably holds: held at {outcome.agreed} points ({outcome.breakpoints} at breakpoints, "
            f"{outcome.zeros} at or beside zeros of the difference); not a proof",
            confidence=outcome.confidence,
            probable=True,
        )
    return Verdict(None, "undecided", f"held at only {outcome.agreed} admissible points; no proof found")
