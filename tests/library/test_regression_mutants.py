"""The regression derivations refuse the classic mistakes, each at the step where it is made.

A dropped 1/n, XXᵀ written for XᵀX, a sign flip in p − y and a missing square in tanh′ are put into
otherwise correct derivations; verification must fail exactly there (status ``failed``, not
undecided), with a counterexample or a shape diagnosis. The unmutated derivations verify.
(tests/library/test_mutants.py also mutates every step of these derivations mechanically.)
"""

from __future__ import annotations

from dataclasses import replace

import pytest
import sympy as sp

from derivations import linear_regression as lr
from derivations import logistic_regression as lg
from derivations.notation import eq
from symcheck import registry
from symcheck.verify import verify

Xt = sp.Transpose(lr.X_matrix)
residual = sp.MatAdd(sp.MatMul(lr.X_matrix, lr.w_vector), sp.MatMul(-1, lr.y_vector))
p_minus_y = sp.MatAdd(lg.p_vector, sp.MatMul(-1, lg.y_vector))
y_minus_p = sp.MatAdd(lg.y_vector, sp.MatMul(-1, lg.p_vector))
logit = lr.xw(lr.i)
i, j, n = lr.i, lr.j, lr.n
s, label = sp.symbols("s y", real=True)
bce_of_logit = -(label * sp.log(lg.sigma(s)) + (1 - label) * sp.log(1 - lg.sigma(s)))


def _mutated(name: str, index: int, statement: sp.Basic):
    derivation = registry.build(name)
    steps = list(derivation.steps)
    if index == len(steps):
        return replace(derivation, result=statement)
    steps[index] = replace(steps[index], statement=statement)
    return replace(derivation, steps=tuple(steps))


MUTANTS = [
    # a dropped 1/n
    (
        "1/n dropped in the matrix gradient",
        "linear_regression.gradient",
        3,
        eq(sp.MatMul(Xt, residual), lr.gradient_entry),
    ),
    (
        "1/n dropped in the index gradient",
        "linear_regression.gradient",
        2,
        sp.Sum((logit - lr.y[i]) * lr.X[i, j], (i, 1, n)),
    ),
    ("1/n dropped in the Hessian", "linear_regression.hessian", 1, eq(sp.MatMul(Xt, lr.X_matrix), lr.hessian_entry)),
    (
        "1/n dropped in the logistic gradient",
        "logistic_regression.gradient",
        5,
        eq(sp.MatMul(Xt, p_minus_y), lg.logistic_gradient_entry_p),
    ),
    # XXᵀ where XᵀX belongs
    (
        "X Xᵀ for Xᵀ X in the Hessian",
        "linear_regression.hessian",
        1,
        eq(sp.MatMul(1 / n, lr.X_matrix, Xt), lr.hessian_entry),
    ),
    (
        "X Xᵀ for Xᵀ X in the normal equations",
        "linear_regression.normal_equations",
        1,
        eq(sp.MatMul(lr.X_matrix, Xt, lr.ols_solution), sp.Sum(lr.X[i, j] * lr.y[i], (i, 1, n))),
    ),
    (
        "X Xᵀ for Xᵀ X in the ridge matrix",
        "linear_regression.ridge",
        3,
        eq(
            sp.MatMul(
                sp.MatAdd(sp.MatMul(lr.X_matrix, Xt), sp.MatMul(n * lr.lam, sp.Identity(lr.d))), lr.ridge_solution
            ),
            sp.Sum(lr.X[i, j] * lr.y[i], (i, 1, n)),
        ),
    ),
    # a sign flip in p − y
    (
        "y − σ for σ − y per logit",
        "logistic_regression.gradient",
        0,
        eq(sp.Derivative(bce_of_logit, s), label - lg.sigma(s)),
    ),
    (
        "y_i − p_i for p_i − y_i per sample",
        "logistic_regression.gradient",
        2,
        eq(sp.Derivative(lg.sample_loss, lr.w[j]), (lr.y[i] - lg.sigma(logit)) * lr.X[i, j]),
    ),
    (
        "y − p for p − y in the index gradient",
        "logistic_regression.gradient",
        3,
        eq(
            sp.Derivative(lg.loss_entry, lr.w[j]),
            sp.Sum((lr.y[i] - lg.sigma(logit)) * lr.X[i, j], (i, 1, n)) / n,
        ),
    ),
    (
        "y − p for p − y in the matrix gradient",
        "logistic_regression.gradient",
        5,
        eq(sp.MatMul(1 / n, Xt, y_minus_p), lg.logistic_gradient_entry_p),
    ),
    # a missing square in tanh′
    (
        "1 − tanh for 1 − tanh²",
        "logistic_regression.tanh",
        4,
        eq(1 - (2 * lg.sigma(2 * lg.z) - 1) ** 2, 1 - lg.tanh_name(lg.z)),
    ),
    (
        "1 − tanh for 1 − tanh² in the result",
        "logistic_regression.tanh",
        5,
        eq(sp.Derivative(lg.tanh_name(lg.z), lg.z), 1 - lg.tanh_name(lg.z)),
    ),
    (
        "(2σ(2z) − 1) for its square",
        "logistic_regression.tanh",
        3,
        eq(lg.tanh_derivative_sigmoid, 1 - (2 * lg.sigma(2 * lg.z) - 1)),
    ),
]


@pytest.fixture(scope="module", autouse=True)
def _registered() -> None:
    registry.load_entry_points()


@pytest.mark.parametrize(("name", "derivation", "index", "statement"), MUTANTS, ids=[row[0] for row in MUTANTS])
def test_the_mistake_is_refused_at_its_step(name: str, derivation: str, index: int, statement: sp.Basic) -> None:
    report = verify(_mutated(derivation, index, statement), numeric=False, timeout=10)
    failure = report.first_failure
    assert failure is not None, f"{name}: accepted"
    assert failure.index == index, f"{name}: reported at step {failure.index}, not {index}"
    assert failure.status == "failed", f"{name}: {failure.status} ({failure.method})"
    if failure.method == "shape":
        assert "×" in failure.detail, failure.detail
    else:
        assert failure.counterexample is not None, f"{name}: refused without a counterexample ({failure.method})"


def test_shape_mistakes_name_the_shapes() -> None:
    statement = eq(sp.MatMul(1 / n, lr.X_matrix, Xt), lr.hessian_entry)
    failure = verify(_mutated("linear_regression.hessian", 1, statement), numeric=False).first_failure
    assert failure.method == "shape" and "n × n" in failure.detail and "1..d" in failure.detail


@pytest.mark.parametrize("derivation", sorted({row[1] for row in MUTANTS}))
def test_the_unmutated_derivations_verify(derivation: str) -> None:
    report = verify(registry.build(derivation), numeric=False)
    assert report.status == "verified", report.to_text(verbose=True)
