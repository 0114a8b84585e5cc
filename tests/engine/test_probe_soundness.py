"""Probing refutes only with a resolved counterexample, and the proofs behind sums term by term are sound.

* A cancellation inside the terms of a sum (``1 − σ(s_i)`` at s_i = 10⁵) is measured as it is
  outside one, so the probe raises its precision or skips the point, never refutes through it (the
  kernels agent's report: ``1.67e-466901`` against ``9.54e-197629`` was taken for a difference).
* Nested sums too long at a drawn size skip that point; they do not end probing as "unsupported".
* An inequality is probed where it is tight: at 0, at the origin, at the zeros of a factor.
* Generalising an entry to a symbol never crosses a summation index (``Σ_i (−1)^i |s_i|`` is not 0).
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy as sp

from symcheck import equivalent, holds
from symcheck.budget import Deadline
from symcheck.cases import case_split, sums_termwise
from symcheck.model import Assumptions
from symcheck.mpeval import TooLong, evaluate, evaluate_with_range
from symcheck.normalize import Context
from symcheck.probe import probe

n = sp.Symbol("n", integer=True, positive=True)
i, j, k, m = sp.symbols("i j k m", integer=True, positive=True)
x = sp.Symbol("x", real=True)
s, X, w = (sp.IndexedBase(name, real=True) for name in ("s", "X", "w"))


def _sigma(t: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-t))


def test_a_cancellation_inside_the_terms_of_a_sum_is_measured() -> None:
    tail = sp.Sum(1 - _sigma(s[i]), (i, 1, 2))  # 1 − σ(10⁵) = e^{−10⁵}/(1 + e^{−10⁵}): 43430 digits lost
    point = {n: mpmath.mpf(2), (s, (1,)): mpmath.mpf(10**5), (s, (2,)): mpmath.mpf(-1)}
    _, digits = evaluate_with_range(tail, point)
    assert digits > 43_000
    _, plain = evaluate_with_range(sp.Sum(_sigma(s[i]), (i, 1, 2)), {**point, (s, (1,)): mpmath.mpf(3)})
    assert plain < 100  # nothing cancels, nothing is spread at s = (3, −1)


def test_point_values_are_exact_at_any_precision() -> None:
    third = sp.Rational(1, 3)
    assert evaluate(x + third, {x: Fraction(-1, 3)}, dps=50) == 0  # a double −1/3 would leave 10⁻¹⁷
    value, _ = evaluate_with_range(-((x + third) ** 4) * sp.exp(-x), {x: Fraction(-1, 3)})
    assert value == 0


def test_an_exact_cancellation_is_not_a_loss_of_digits() -> None:
    # 1 − z at z = 1 is exactly 0 (both exact), so √(1 − z) needs no climb to thousands of digits
    value, digits = evaluate_with_range(sp.sqrt(1 - x) * sp.exp(x) + sp.log(x + 2), {x: Fraction(1)})
    with mpmath.workdps(30):
        assert digits < 30 and abs(value - mpmath.log(3)) < mpmath.mpf(10) ** -25
    value, _ = evaluate_with_range((x - 1) ** 2 * sp.exp(x), {x: Fraction(1)})
    assert value == 0
    # an inexact cancellation is still measured: e^x − e^x·(1 + 10⁻⁴⁰) loses 40 digits
    _, digits = evaluate_with_range(sp.exp(x) - sp.exp(x) * (1 + sp.Rational(1, 10**40)), {x: Fraction(1, 3)})
    assert digits >= 40


def test_the_spread_of_the_terms_of_a_sum_is_measured() -> None:
    total = sp.Sum(s[i], (i, 1, 2))
    _, digits = evaluate_with_range(total, {(s, (1,)): mpmath.mpf(1), (s, (2,)): mpmath.mpf(10) ** -50})
    assert digits >= 50


def test_the_logistic_weights_in_a_sum_are_never_refuted() -> None:
    naive = sp.Sum(_sigma(s[i]) * (1 - _sigma(s[i])) * X[i, j] * X[i, k], (i, 1, n)) / n
    tail = sp.exp(-sp.Abs(s[i]))
    stable = sp.Sum(tail / (1 + tail) ** 2 * X[i, j] * X[i, k], (i, 1, n)) / n
    outcome = probe(naive, stable, Assumptions(), Deadline.of(60))
    assert outcome.counterexample is None and outcome.agreed >= 8
    assert outcome.skipped_undefined >= 1  # the points at logits of 10⁶ and 10⁹ are skipped, unresolved
    verdict = equivalent(naive, stable, timeout=20)
    assert verdict.holds is True and "term by term" in verdict.method


def test_a_real_difference_in_such_a_sum_is_still_refuted() -> None:
    naive = sp.Sum(_sigma(s[i]) * (1 - _sigma(s[i])), (i, 1, n))
    wrong = sp.Sum(sp.exp(-sp.Abs(s[i])) / (1 + sp.exp(-sp.Abs(s[i]))), (i, 1, n))
    verdict = equivalent(naive, wrong)
    assert verdict.holds is False and verdict.counterexample is not None


def test_nested_sums_too_long_skip_the_point() -> None:
    inner = sp.Sum(X[i, m] * w[m], (m, 1, n))
    outer = sp.Sum(sp.exp(inner), (i, 1, n))
    values: dict = {n: mpmath.mpf(100)}

    def draw(atom: sp.Indexed) -> mpmath.mpf:
        return mpmath.mpf(1) / 7

    with pytest.raises(TooLong):
        evaluate(outer, values, on_missing=draw)
    assert evaluate(outer, {n: mpmath.mpf(3)}, on_missing=draw) == pytest.approx(3 * float(mpmath.exp(3 / 49)))
    outcome = probe(outer, sp.Sum(sp.exp(inner), (i, 1, n)) + 0 * n, Assumptions(), Deadline.of(60))
    assert outcome.unsupported is None


def test_a_sum_with_its_index_shadowed_inside_evaluates_each_index() -> None:
    # Σ_i (i + Σ_i i): the inner i is its own; the outer i comes back after it
    expr = sp.Sum(i + sp.Sum(i, (i, 1, 3)), (i, 1, 2))
    assert evaluate(expr, {}) == (1 + 6) + (2 + 6)


@pytest.mark.parametrize(
    ("statement", "where"),
    [
        (sp.Gt(x**2, 0, evaluate=False), "x = 0"),
        (sp.Gt((x - 1) ** 2 * sp.exp(x), 0, evaluate=False), "x = 1"),
        (sp.Lt(-((x + sp.Rational(1, 3)) ** 4) * sp.exp(-x), 0, evaluate=False), "x = -1/3"),
    ],
)
def test_a_strict_inequality_is_refuted_where_it_is_tight(statement: sp.Rel, where: str) -> None:
    verdict = holds(statement)
    assert verdict.holds is False and where in str(verdict.counterexample)


def test_non_strict_inequalities_that_are_tight_still_hold() -> None:
    for statement in (sp.Ge(x**2, 0, evaluate=False), sp.Ge((x - 1) ** 2 * sp.exp(x), 0, evaluate=False)):
        assert holds(statement).holds is True
    probable = holds(sp.Ge(sp.exp(x) * (x - 1) ** 2 + sp.sin(x) ** 2, 0, evaluate=False))
    assert probable.holds is not False


def test_an_entry_is_never_generalised_across_its_summation_index() -> None:
    alternating = sp.Sum((-1) ** i * sp.Abs(s[i]), (i, 1, 2))  # |s_2| − |s_1|, not Σ (−1)^i |t| = 0
    deadline = Deadline.of(10)
    assert case_split(alternating, Context(), deadline) is None
    assert sums_termwise(alternating, Context(), deadline) is None
    assert equivalent(alternating, 0).holds is False


def test_sums_term_by_term_need_equal_summands() -> None:
    deadline = Deadline.of(10)
    relu = sp.Sum((sp.Abs(s[i]) + s[i]) / 2, (i, 1, n)) - sp.Sum(sp.Max(s[i], 0), (i, 1, n))
    assert sums_termwise(relu, Context(), deadline) is not None
    shifted = sp.Sum(sp.Abs(s[i]), (i, 1, n)) - sp.Sum(sp.Abs(s[i + 1]), (i, 1, n))
    assert sums_termwise(shifted, Context(), deadline) is None
    different_ranges = sp.Sum(sp.Abs(s[i]), (i, 1, n)) - sp.Sum(sp.Abs(s[i]), (i, 2, n + 1))
    assert sums_termwise(different_ranges, Context(), deadline) is None


def test_entries_of_an_undeclared_base_are_drawn_real_when_both_sides_are_analytic() -> None:
    """(1 + ŷ_a)ŷ_a against ŷ_a − ŷ_a² with ŷ undeclared (so complex): a polynomial that differs anywhere differs at
    real points, so the counterexample is real (readable by a student) instead of every complex point skipped."""
    yhat = sp.IndexedBase("yhat")
    K = sp.Symbol("K", integer=True, positive=True)
    a = sp.Symbol("a", integer=True, positive=True)
    from symcheck.model import IndexRange

    assumptions = Assumptions(indices=(IndexRange(a, sp.Integer(1), K),))
    outcome = probe((1 + yhat[a]) * yhat[a], yhat[a] - yhat[a] ** 2, assumptions, Deadline.of(10))
    assert outcome.counterexample is not None
    assert all("j" not in value for _, value in outcome.counterexample.point)  # no complex value shown
    verdict = equivalent((1 + yhat[a]) * yhat[a], yhat[a] - yhat[a] ** 2, assumptions=assumptions)
    assert verdict.holds is False


def test_entries_stay_complex_where_a_branch_could_decide() -> None:
    """√(ŷ_1²) against ŷ_1 is not analytic: undeclared entries keep complex semantics and no real-only refutation."""
    yhat = sp.IndexedBase("yhat")
    outcome = probe(sp.sqrt(yhat[1] ** 2), yhat[1], Assumptions(), Deadline.of(10))
    assert outcome.counterexample is None or any("j" in value for _, value in outcome.counterexample.point)


def test_a_quadratic_form_written_in_indices_is_proved_a_square() -> None:
    """Σ_i p_i(1 − p_i) Σ_{k,l} X_ik X_il v_k v_l ≥ 0: the double sum is (Σ_k X_ik v_k)², so interval arithmetic
    proves it (it used to spend its whole budget probing sums of a million terms)."""
    from symcheck.model import Domain
    from symcheck.relations import squares_of_sums

    d = sp.Symbol("d", integer=True, positive=True)
    p, v = sp.IndexedBase("p"), sp.IndexedBase("v")
    form = sp.Sum(X[i, k] * X[i, m] * v[k] * v[m], (k, 1, d), (m, 1, d))
    assert squares_of_sums(form) == sp.Sum(X[i, k] * v[k], (k, 1, d)) ** 2
    statement = sp.Sum((1 - p[i]) * p[i] * form, (i, 1, n)) >= 0
    verdict = holds(statement, assumptions=Assumptions(domains=((p, Domain.UNIT_INTERVAL),)), timeout=5)
    assert verdict.holds is True and verdict.method == "interval arithmetic"
    crossed = sp.Sum(X[i, k] * X[i, m] * v[k] * w[m], (k, 1, d), (m, 1, d))  # a_k b_l with b ≠ a: no square
    assert squares_of_sums(crossed) == crossed
    assert holds(sp.Sum(crossed, (i, 1, n)) >= 0, timeout=2).holds is not True
