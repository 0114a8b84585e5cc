"""Least squares and ridge regression, proved for a symbolic number of samples n and features d.

The loss is L(w) = (1/2n) ‖Xw − y‖² with X ∈ ℝ^{n×d} (rows x_iᵀ), y ∈ ℝ^n, w ∈ ℝ^d. Every result is
stated twice, in matrix form (``MatrixSymbol`` objects of symbolic shapes n × d, d × 1, n × 1) and in
index form (entries ``X[i, j]``, sums over i = 1..n and l = 1..d, the entry meant by its free
indices: j for a gradient, (j, k) for a Hessian). x_iᵀw is written ``Sum(X[i, l]*w[l], (l, 1, d))``.
The steps are proved for every n and d by symcheck's matrix/index engine (:mod:`symcheck.matrices`)
and checked against NumPy finite differences and on explicit small instances.

Importable results (SymPy objects):

* :data:`loss_matrix`, :data:`loss_entry` — (1/2n)(Xw − y)ᵀ(Xw − y) (1 × 1) and (1/2n) Σ_i (x_iᵀw − y_i)²
* :data:`gradient_matrix`, :data:`gradient_entry` — (1/n) Xᵀ(Xw − y) and (1/n) Σ_i (x_iᵀw − y_i) X_ij
* :data:`hessian_matrix`, :data:`hessian_entry` — (1/n) XᵀX and (1/n) Σ_i X_ij X_ik
* :data:`psd_quadratic_form` — vᵀXᵀXv = (Xv)ᵀ(Xv) = Σ_i (x_iᵀv)² ≥ 0, why the Hessian is PSD
* :data:`normal_equations` — XᵀX w = Xᵀy (an unevaluated equation of d × 1 matrices)
* :data:`ols_solution` — (XᵀX)⁻¹Xᵀy, for XᵀX invertible
* :data:`ridge_loss_entry`, :data:`ridge_gradient_matrix`, :data:`ridge_gradient_entry` — L + (λ/2)‖w‖²,
  (1/n)Xᵀ(Xw − y) + λw and its entry
* :data:`ridge_matrix`, :data:`ridge_solution` — XᵀX + nλI and (XᵀX + nλI)⁻¹Xᵀy (the 1/2n convention)
* :data:`ridge_quadratic_form` — vᵀ(XᵀX + nλI)v = ‖Xv‖² + nλ‖v‖² > 0 for v ≠ 0: positive definite

Symbols: :data:`n`, :data:`d` (sizes), :data:`i` (sample index), :data:`j`, :data:`k`, :data:`l`
(feature indices); :data:`X`, :data:`w`, :data:`y`, :data:`v` (IndexedBase, index form) and
:data:`X_matrix`, :data:`w_vector`, :data:`y_vector`, :data:`v_vector` (MatrixSymbol, matrix form);
:data:`lam` (λ > 0). The data of a particular homework are not here: they belong to its key.

>>> import symcheck
>>> from derivations import linear_regression as lr
>>> lr.gradient_matrix
1/n*X.T*(X*w - y)
>>> symcheck.equivalent(lr.gradient_entry, lr.gradient_matrix).holds
True
>>> symcheck.equivalent(lr.hessian_matrix, lr.X_matrix * lr.X_matrix.T / lr.n).detail
'shapes differ: (1/n) Xᵀ X is d × d but (1/n) X Xᵀ is n × n'
"""

from __future__ import annotations

import numpy as np
import sympy as sp

import symcheck
from derivations.notation import eq
from symcheck import Derivation, FiniteDifference, Instances, Reference, Step, assume

__all__ = [
    "X",
    "X_matrix",
    "d",
    "gradient_entry",
    "gradient_matrix",
    "hessian_entry",
    "hessian_matrix",
    "i",
    "j",
    "k",
    "l",
    "lam",
    "loss_entry",
    "loss_matrix",
    "n",
    "normal_equations",
    "ols_solution",
    "psd_quadratic_form",
    "ridge_gradient_entry",
    "ridge_gradient_matrix",
    "ridge_loss_entry",
    "ridge_matrix",
    "ridge_quadratic_form",
    "ridge_solution",
    "v",
    "v_vector",
    "w",
    "w_vector",
    "y",
    "y_vector",
]

n, d = sp.symbols("n d", integer=True, positive=True)
"""The number of samples n and of features d, symbolic: results proved with them hold for every size."""
i = sp.Symbol("i", integer=True, positive=True)
"""The sample index, 1..n."""
j, k, l = sp.symbols("j k l", integer=True, positive=True)  # noqa: E741 (l: the index of the sum)
"""Feature indices, 1..d: j and k are the free indices of gradient and Hessian entries, l is summed."""

X = sp.IndexedBase("X", real=True)
"""The design matrix in index form: X[i, j] is feature j of sample i (x_i is row i)."""
w = sp.IndexedBase("w", real=True)
y = sp.IndexedBase("y", real=True)
v = sp.IndexedBase("v", real=True)
"""Any direction in ℝ^d (for the quadratic forms of the Hessians)."""
lam = sp.Symbol("lambda", positive=True)
"""The ridge strength λ > 0."""

X_matrix = sp.MatrixSymbol("X", n, d)
w_vector = sp.MatrixSymbol("w", d, 1)
y_vector = sp.MatrixSymbol("y", n, 1)
v_vector = sp.MatrixSymbol("v", d, 1)
_Xt = sp.Transpose(X_matrix)


def _matmul(*factors: sp.Basic) -> sp.MatMul:
    # built directly: the * and - operators run doit, whose ask loads SymPy's SAT assumption system
    return sp.MatMul(*factors)


def _minus(matrix: sp.Basic) -> sp.MatMul:
    return sp.MatMul(-1, matrix)


def xw(row: sp.Basic, vector: sp.IndexedBase = w) -> sp.Expr:
    """x_rowᵀ w = Σ_l X[row, l] w[l]."""
    return sp.Sum(X[row, l] * vector[l], (l, 1, d))


_residual_vector = sp.MatAdd(_matmul(X_matrix, w_vector), _minus(y_vector))
_residual = xw(i) - y[i]

loss_entry = sp.Sum(_residual**2, (i, 1, n)) / (2 * n)
"""L = (1/2n) Σ_i (x_iᵀw − y_i)²."""
loss_matrix = _matmul(1 / (2 * n), sp.Transpose(_residual_vector), _residual_vector)
"""L = (1/2n)(Xw − y)ᵀ(Xw − y), a 1 × 1 matrix expression."""

gradient_entry = sp.Sum(_residual * X[i, j], (i, 1, n)) / n
"""∂L/∂w_j = (1/n) Σ_i (x_iᵀw − y_i) X_ij."""
gradient_matrix = _matmul(1 / n, _Xt, _residual_vector)
"""∇L = (1/n) Xᵀ(Xw − y), a d × 1 matrix expression."""

hessian_entry = sp.Sum(X[i, j] * X[i, k], (i, 1, n)) / n
"""∂²L/∂w_j∂w_k = (1/n) Σ_i X_ij X_ik."""
hessian_matrix = _matmul(1 / n, _Xt, X_matrix)
"""∇²L = (1/n) XᵀX, d × d and independent of w."""

_Xv = _matmul(X_matrix, v_vector)
_squares = sp.Sum(xw(i, v) ** 2, (i, 1, n))
psd_quadratic_form = eq(_matmul(sp.Transpose(v_vector), _Xt, X_matrix, v_vector), _squares)
"""vᵀXᵀXv = Σ_i (x_iᵀv)² = ‖Xv‖² ≥ 0 (1 × 1 matrix = scalar)."""

_Xty = sp.Sum(X[i, j] * y[i], (i, 1, n))
"""(Xᵀy)_j = Σ_i X_ij y_i."""
normal_equations = eq(_matmul(_Xt, X_matrix, w_vector), _matmul(_Xt, y_vector))
"""XᵀX w = Xᵀ y: the gradient is zero exactly there."""
ols_solution = _matmul(sp.Inverse(_matmul(_Xt, X_matrix)), _Xt, y_vector)
"""w* = (XᵀX)⁻¹ Xᵀ y, when XᵀX is invertible (X of rank d)."""

ridge_loss_entry = loss_entry + lam / 2 * sp.Sum(w[l] ** 2, (l, 1, d))
"""L_λ = (1/2n) Σ_i (x_iᵀw − y_i)² + (λ/2) Σ_l w_l²."""
ridge_gradient_entry = gradient_entry + lam * w[j]
"""∂L_λ/∂w_j = (1/n) Σ_i (x_iᵀw − y_i) X_ij + λ w_j."""
ridge_gradient_matrix = sp.MatAdd(gradient_matrix, _matmul(lam, w_vector))
"""∇L_λ = (1/n) Xᵀ(Xw − y) + λ w."""
ridge_matrix = sp.MatAdd(_matmul(_Xt, X_matrix), _matmul(n * lam, sp.Identity(d)))
"""XᵀX + nλI (d × d), positive definite for λ > 0."""
ridge_solution = _matmul(sp.Inverse(ridge_matrix), _Xt, y_vector)
"""w*_λ = (XᵀX + nλI)⁻¹ Xᵀ y: the 1/2n in the loss puts the factor n next to λ."""
_norm_v = sp.Symbol("s", positive=True)
"""s = ‖v‖² = Σ_l v_l², positive because v ≠ 0."""
ridge_quadratic_form = eq(
    _matmul(sp.Transpose(v_vector), ridge_matrix, v_vector),
    _squares + n * lam * sp.Sum(v[l] ** 2, (l, 1, d)),
)
"""vᵀ(XᵀX + nλI)v = Σ_i (x_iᵀv)² + nλ Σ_l v_l²."""

_indices = {i: (1, n), j: (1, d), k: (1, d), l: (1, d)}
_data = assume(real=[X, w, y, v], positive=[lam], indices=_indices)


def _gradient_reference(X: np.ndarray, w: np.ndarray, y: np.ndarray, j: int, **_: object) -> np.ndarray:
    """(1/n) Xᵀ(Xw − y), entry j, computed by NumPy for each point (X: points × n × d)."""
    residual = np.einsum("pnd,pd->pn", X, w) - y
    return np.einsum("pn,pnd->pd", residual, X)[:, j - 1] / X.shape[1]


def _ridge_reference(X: np.ndarray, w: np.ndarray, y: np.ndarray, j: int, **values: object) -> np.ndarray:
    lam_values = np.asarray(values["lambda"])
    return _gradient_reference(X, w, y, j) + lam_values * w[:, j - 1]


def _hessian_reference(X: np.ndarray, j: int, k: int, **_: object) -> np.ndarray:
    return np.einsum("pn,pn->p", X[:, :, j - 1], X[:, :, k - 1]) / X.shape[1]


def _at_size(statement: sp.Basic, samples: int, features: int) -> sp.Basic:
    """The statement at explicit sizes (n ≠ d), its sums then written out by the Instances check."""
    return statement.xreplace({n: sp.Integer(samples), d: sp.Integer(features)})


@symcheck.derivation("linear_regression.gradient", topic="linear_regression")
def gradient() -> Derivation:
    """The least-squares gradient (1/n) Xᵀ(Xw − y), for any n and d"""
    derivative = sp.Derivative(loss_entry, w[j])
    steps = (
        Step(
            eq(loss_matrix, loss_entry),
            "‖Xw − y‖² = (Xw − y)ᵀ(Xw − y) = Σ_i (x_iᵀw − y_i)²: entry i of Xw is x_iᵀw = Σ_l X_il w_l.",
            rule="matrix to index form",
        ),
        Step(
            eq(derivative, sp.Sum(2 * _residual * X[i, j], (i, 1, n)) / (2 * n)),
            "Chain rule on each square: ∂(x_iᵀw − y_i)²/∂w_j = 2(x_iᵀw − y_i) ∂(Σ_l X_il w_l)/∂w_j, and only "
            "the term l = j depends on w_j, with coefficient X_ij.",
            rule="chain rule",
        ),
        Step(gradient_entry, "The 2 of the square cancels the 1/2 of the loss.", rule="algebra"),
        Step(
            eq(gradient_matrix, gradient_entry),
            "Σ_i X_ij r_i is entry j of Xᵀr: with r = Xw − y, the gradient is (1/n) Xᵀ(Xw − y), d × 1 like w.",
            rule="index to matrix form",
        ),
    )
    return Derivation(
        name="linear_regression.gradient",
        title="The least-squares gradient (1/n) Xᵀ(Xw − y), for any n and d",
        steps=steps,
        result=eq(derivative, gradient_matrix),
        assumptions=_data,
        checks=(
            FiniteDifference(loss_entry, gradient_entry, w[j], description="∂L/∂w_j against central differences"),
            Reference(gradient_entry, _gradient_reference, description="against (1/n) Xᵀ(Xw − y) in NumPy"),
            Instances(
                _at_size(eq(derivative, gradient_entry), 3, 2),
                values=(3,),
                description="n = 3 samples, d = 2 features, sums written out",
            ),
        ),
        summary="The gradient of the mean squared residual is the residual Xw − y mapped back by Xᵀ, over n.",
        topic="linear_regression",
    )


@symcheck.derivation("linear_regression.hessian", topic="linear_regression")
def hessian() -> Derivation:
    """The Hessian (1/n) XᵀX is positive semidefinite, so least squares is convex"""
    steps = (
        Step(
            eq(sp.Derivative(gradient_entry, w[k]), hessian_entry),
            "Differentiate ∂L/∂w_j again: ∂(x_iᵀw − y_i)/∂w_k = X_ik, and X_ij does not depend on w.",
            rule="derivative",
        ),
        Step(
            eq(hessian_matrix, hessian_entry),
            "Σ_i X_ij X_ik is entry (j, k) of XᵀX (d × d): the Hessian does not depend on w.",
            rule="index to matrix form",
        ),
        Step(
            psd_quadratic_form,
            "For any v ∈ ℝ^d, vᵀXᵀXv = Σ_i (x_iᵀv)²: entry i of Xv is x_iᵀv.",
            rule="quadratic form",
        ),
        Step(
            eq(_matmul(sp.Transpose(_Xv), _Xv), _squares),
            "The same number is (Xv)ᵀ(Xv) = ‖Xv‖², since (Xv)ᵀ = vᵀXᵀ: a sum of squares.",
            rule="transpose of a product",
        ),
        Step(
            sp.Ge(_squares, 0, evaluate=False),
            "A sum of squares is ≥ 0: vᵀ(∇²L)v = ‖Xv‖²/n ≥ 0 for every v, so the Hessian is positive "
            "semidefinite and L is convex (strictly when X has rank d).",
            rule="sum of squares",
        ),
    )
    return Derivation(
        name="linear_regression.hessian",
        title="The Hessian (1/n) XᵀX is positive semidefinite, so least squares is convex",
        steps=steps,
        result=eq(sp.Derivative(gradient_entry, w[k]), hessian_matrix),
        assumptions=_data,
        checks=(
            FiniteDifference(gradient_entry, hessian_entry, w[k], description="∂²L/∂w_j∂w_k by differences"),
            Reference(hessian_entry, _hessian_reference, description="against (1/n) XᵀX in NumPy"),
        ),
        summary="The curvature (1/n)XᵀX is the same everywhere and never negative in any direction.",
        topic="linear_regression",
    )


@symcheck.derivation("linear_regression.normal_equations", topic="linear_regression")
def normal_equations_derivation() -> Derivation:
    """Setting the gradient to zero: the normal equations XᵀXw = Xᵀy, solved by (XᵀX)⁻¹Xᵀy"""
    at_solution = _matmul(1 / n, _Xt, sp.MatAdd(_matmul(X_matrix, ols_solution), _minus(y_vector)))
    steps = (
        Step(
            eq(
                _matmul(1 / n, sp.MatAdd(_matmul(_Xt, X_matrix, w_vector), _minus(_matmul(_Xt, y_vector)))),
                gradient_entry,
            ),
            "Distribute Xᵀ in the gradient (linear_regression.gradient): ∇L = (1/n)(XᵀXw − Xᵀy), which is 0 "
            "exactly when XᵀXw = Xᵀy, the normal equations.",
            rule="distributivity",
        ),
        Step(
            eq(_matmul(_Xt, X_matrix, ols_solution), _Xty),
            "With XᵀX invertible (X has rank d), w* = (XᵀX)⁻¹Xᵀy solves them: XᵀX(XᵀX)⁻¹ = I.",
            rule="inverse",
        ),
        Step(
            eq(at_solution, sp.S.Zero),
            "So the gradient vanishes at w*; L is convex (linear_regression.hessian), so w* is a minimiser, "
            "and the only one, because XᵀX is invertible.",
            rule="stationary point",
        ),
    )
    return Derivation(
        name="linear_regression.normal_equations",
        title="Setting the gradient to zero: the normal equations XᵀXw = Xᵀy, solved by (XᵀX)⁻¹Xᵀy",
        steps=steps,
        result=eq(at_solution, sp.S.Zero),
        assumptions=_data,
        checks=(
            FiniteDifference(
                loss_entry,
                sp.Sum(X[i, j] * xw(i), (i, 1, n)) / n - sp.Sum(X[i, j] * y[i], (i, 1, n)) / n,
                w[j],
                description="∂L/∂w_j = ((XᵀXw)_j − (Xᵀy)_j)/n against central differences",
            ),
        ),
        summary="The least-squares solution solves XᵀXw = Xᵀy; it is unique when XᵀX is invertible.",
        topic="linear_regression",
    )


@symcheck.derivation("linear_regression.ridge", topic="linear_regression")
def ridge() -> Derivation:
    """Ridge: w = (XᵀX + nλI)⁻¹Xᵀy under the 1/2n convention, unique because XᵀX + nλI is positive definite"""
    at_solution = _matmul(1 / n, sp.MatAdd(_matmul(ridge_matrix, ridge_solution), _minus(_matmul(_Xt, y_vector))))
    steps = (
        Step(
            eq(sp.Derivative(ridge_loss_entry, w[j]), ridge_gradient_entry),
            "The least-squares gradient plus ∂/∂w_j (λ/2) Σ_l w_l² = λ w_j (only l = j depends on w_j).",
            rule="derivative",
        ),
        Step(
            eq(ridge_gradient_matrix, ridge_gradient_entry),
            "In matrix form: (1/n) Xᵀ(Xw − y) + λw.",
            rule="index to matrix form",
        ),
        Step(
            eq(
                _matmul(1 / n, sp.MatAdd(_matmul(ridge_matrix, w_vector), _minus(_matmul(_Xt, y_vector)))),
                ridge_gradient_entry,
            ),
            "λw = (1/n)(nλI)w: the gradient is (1/n)((XᵀX + nλI)w − Xᵀy), zero when (XᵀX + nλI)w = Xᵀy.",
            rule="factor out 1/n",
        ),
        Step(
            eq(_matmul(ridge_matrix, ridge_solution), _Xty),
            "w*_λ = (XᵀX + nλI)⁻¹Xᵀy solves it (the matrix is invertible, as shown next).",
            rule="inverse",
        ),
        Step(
            eq(at_solution, sp.S.Zero),
            "So the ridge gradient (1/n)((XᵀX + nλI)w − Xᵀy) vanishes at w = w*_λ.",
            rule="stationary point",
        ),
        Step(
            ridge_quadratic_form,
            "For any v: vᵀ(XᵀX + nλI)v = ‖Xv‖² + nλ‖v‖² = Σ_i (x_iᵀv)² + nλ Σ_l v_l².",
            rule="quadratic form",
        ),
        Step(
            sp.Gt(_squares + n * lam * _norm_v, 0, evaluate=False),
            "For v ≠ 0, s = ‖v‖² > 0 and λ > 0, so the form is > 0: XᵀX + nλI is positive definite, hence "
            "invertible (Av = 0 would give vᵀAv = 0), and the strictly convex L_λ has the unique minimiser w*_λ.",
            rule="positive definite",
            assumptions=assume(positive=[_norm_v]),
        ),
    )
    return Derivation(
        name="linear_regression.ridge",
        title="Ridge: w = (XᵀX + nλI)⁻¹Xᵀy under the 1/2n convention, unique because XᵀX + nλI is positive definite",
        steps=steps,
        result=eq(at_solution, sp.S.Zero),
        assumptions=_data,
        checks=(
            FiniteDifference(
                ridge_loss_entry, ridge_gradient_entry, w[j], description="∂L_λ/∂w_j against central differences"
            ),
            Reference(ridge_gradient_entry, _ridge_reference, description="against (1/n)Xᵀ(Xw − y) + λw in NumPy"),
        ),
        summary="The penalty adds nλI to XᵀX, which makes it positive definite: the ridge solution always exists "
        "and is unique.",
        topic="linear_regression",
    )
