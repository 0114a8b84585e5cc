"""How grading results are written: exact values with their rounding, evidence, and the backing derivation.

Every grader prints through these helpers, so a correct value reads the same in every claim
(``\\log(10) \\approx 2.3026``), and the evidence for a verdict always says whether it is a proof
or a probabilistic acceptance.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import mpmath
import sympy as sp

from symcheck.grading._numbers import decimal_text, numeric_value
from symcheck.printing import latex
from symcheck.results import Verdict
from symcheck.sheet import ClaimVerdict

__all__ = [
    "as_float",
    "evidence",
    "exact_form",
    "method_of",
    "present",
    "verdict_of",
    "with_subject",
]


def as_float(value: Any) -> float | None:
    """The float of a number-valued expression (or mpmath number), None for anything else."""
    if value is None:
        return None
    number = value if isinstance(value, mpmath.mpf) else numeric_value(value)
    return None if number is None else float(number)


def present(value: sp.Basic) -> str:
    """LaTeX of a value as a reader should see it: numbers exact and rounded, formulas as they are."""
    if isinstance(value, sp.Basic) and not value.free_symbols:
        number = numeric_value(value)
        exact = exact_form(value)
        if number is None:
            return latex(exact)
        rounded = decimal_text(number, 4)
        if isinstance(exact, sp.Rational) and Fraction(rounded) == Fraction(exact.p, exact.q):
            return rounded  # a short decimal is shown as itself, not as 2303/1000 ≈ 2.3030
        return rf"{latex(exact)} \approx {rounded}"
    return latex(value)


def exact_form(value: sp.Basic) -> sp.Basic:
    """Carry out a library number's unevaluated arithmetic, keeping a mean as (sum)/n."""
    if isinstance(value, sp.Mul):
        sums = [factor for factor in value.args if isinstance(factor, sp.Add)]
        rest = [factor for factor in value.args if not isinstance(factor, sp.Add)]
        if len(sums) == 1 and len(rest) == 1 and isinstance(rest[0], sp.Rational) and rest[0].p == 1:
            terms = [term.doit() for term in sums[0].args]
            return sp.Mul(sp.Add(*terms, evaluate=False), rest[0], evaluate=False)
    try:
        return value.doit()
    except (TypeError, ValueError, AttributeError):
        return value


def with_subject(subject: sp.Basic | None, body: str) -> str:
    """``subject = body`` (the quantity a correct value is the value of), or the body alone."""
    return body if subject is None else f"{latex(subject)} = {body}"


def method_of(verdict: Verdict) -> str:
    """How a verdict was reached, saying so when it is a probabilistic acceptance rather than a proof."""
    if verdict.holds is True and verdict.confidence is not None and verdict.confidence < 1:
        return f"{verdict.method}, not a proof: {verdict.detail}"
    return verdict.method


def evidence(verdict: Verdict) -> str:
    """What decided a comparison: the method, and the counterexample where there is one."""
    text = method_of(verdict)
    if verdict.counterexample is not None:
        text += f": {verdict.counterexample}"
        if verdict.detail.startswith("on the instance"):
            text += f" ({verdict.detail.split(':')[0]})"
    return text


def verdict_of(verdict: Verdict) -> ClaimVerdict:
    """The claim verdict of an engine verdict: proved or accepted, refuted, or undecided."""
    return {True: "correct", False: "wrong", None: "undecided"}[verdict.holds]  # type: ignore[return-value]
