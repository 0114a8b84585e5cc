"""Logistic regression: σ′ = σ(1 − σ), the gradient and the Hessian of the mean BCE, and tanh′.

The model is p_i = σ(x_iᵀw) with σ(t) = 1/(1 + e^{−t}), the loss the mean binary cross-entropy
L(w) = −(1/n) Σ_i [y_i log p_i + (1 − y_i) log(1 − p_i)]. As in :mod:`derivations.linear_regression`
(whose symbols n, d, X, w, y, v, i, j, k, l this module shares), each result is given in matrix form
and in index form, and proved for every n and d. σ is the name :data:`sigma`, whose definition the
checks substitute; tanh likewise is the name :data:`tanh_name`, defined by its exponentials.

Importable results (SymPy objects):

* :data:`sigmoid_derivative` — σ′(z) = σ(z)(1 − σ(z)); :data:`sigmoid_derivative_max` — its maximum 1/4,
  at :data:`sigmoid_derivative_argmax` z = 0
* :data:`sample_loss`, :data:`loss_entry` — the BCE of sample i as a function of w, and the mean loss
* :data:`logit_gradient` — ∂ℓ/∂s = σ(s) − y for one sample with logit s
* :data:`logistic_gradient_sample` — ∂ℓ_i/∂w_j = (σ(x_iᵀw) − y_i) X_ij, i.e. (p_i − y_i) x_i
* :data:`logistic_gradient_entry`, :data:`logistic_gradient_matrix` — (1/n) Σ_i (p_i − y_i) X_ij and
  (1/n) Xᵀ(σ(Xw) − y); :data:`logistic_gradient_matrix_p` — the same as (1/n) Xᵀ(p − y), with p = σ(Xw) a
  MatrixSymbol (n × 1) and :data:`p_vector`, :data:`p` its matrix and index names
* :data:`logistic_hessian_entry`, :data:`logistic_hessian_matrix` — (1/n) Σ_i p_i(1 − p_i) X_ij X_ik and
  (1/n) Xᵀ S X with S = diag(σ(Xw) ⊙ (1 − σ(Xw))); :data:`logistic_hessian_matrix_p` and :data:`S_matrix` —
  (1/n) Xᵀ S X with S = diag(p_i(1 − p_i)) in terms of p
* :data:`convexity_quadratic_form` — vᵀXᵀSXv = Σ_i p_i(1 − p_i)(x_iᵀv)² ≥ 0
* :data:`tanh_identity` — tanh(z) = 2σ(2z) − 1; :data:`tanh_derivative` — tanh′(z) = 1 − tanh(z)² (with
  SymPy's ``tanh``); :data:`tanh_derivative_sigmoid` — 4σ(2z)(1 − σ(2z))

>>> import sympy as sp, symcheck
>>> from derivations import logistic_regression as lg
>>> lg.sigmoid_derivative
(1 - sigma(z))*sigma(z)
>>> sp.diff(sp.tanh(lg.z), lg.z) == lg.tanh_derivative
True
>>> symcheck.equivalent(lg.logistic_gradient_entry_p, lg.logistic_gradient_matrix_p).holds
True
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

import symcheck
from derivations.linear_regression import X, X_matrix, d, i, j, k, l, n, v, v_vector, w, w_vector, xw, y, y_vector
from derivations.notation import eq
from symcheck import Definition, Derivation, FiniteDifference, Reference, Step, assume

__all__ = [
    "S_matrix",
    "convexity_quadratic_form",
    "logistic_gradient_entry",
    "logistic_gradient_entry_p",
    "logistic_gradient_matrix",
    "logistic_gradient_matrix_p",
    "logistic_gradient_sample",
    "logistic_hessian_entry",
    "logistic_hessian_entry_p",
    "logistic_hessian_matrix",
    "logistic_hessian_matrix_p",
    "logit_gradient",
    "loss_entry",
    "p",
    "p_vector",
    "sample_loss",
    "sigma",
    "sigma_definition",
    "sigmoid_derivative",
    "sigmoid_derivative_argmax",
    "sigmoid_derivative_max",
    "tanh_definition",
    "tanh_derivative",
    "tanh_derivative_sigmoid",
    "tanh_identity",
    "tanh_name",
    "z",
]

z = sp.Symbol("z", real=True)
"""A logit (a real number)."""
s = sp.Symbol("s", real=True)
label = sp.Symbol("y", real=True)
"""A binary label 0 or 1 (the formulas hold for any real label)."""
_t = sp.Symbol("t", real=True)

sigma = sp.Function("sigma")
"""σ as a name; :data:`sigma_definition` says what it stands for."""
sigma_definition = Definition(sigma, sp.Lambda(_t, 1 / (1 + sp.exp(-_t))), "σ(t) = 1/(1 + e^{−t})")
tanh_name = sp.Function("tanh")
"""tanh as a name (an undefined function printed tanh), defined by :data:`tanh_definition`."""
tanh_definition = Definition(
    tanh_name, sp.Lambda(_t, (sp.exp(_t) - sp.exp(-_t)) / (sp.exp(_t) + sp.exp(-_t))), "tanh(t) = (eᵗ − e⁻ᵗ)/(eᵗ + e⁻ᵗ)"
)

sigmoid_derivative = sigma(z) * (1 - sigma(z))
"""σ′(z) = σ(z)(1 − σ(z))."""
sigmoid_derivative_max = sp.Rational(1, 4)
"""The largest value of σ′, reached only at z = 0 (where σ = 1/2)."""
sigmoid_derivative_argmax = sp.Integer(0)

p = sp.IndexedBase("p", real=True)
"""p_i = σ(x_iᵀw), the predicted probability of sample i (a name: no definition is attached)."""
p_vector = sp.MatrixSymbol("p", n, 1)
_sigma_of_Xw = ElementwiseApplyFunction(sp.Lambda(_t, sigma(_t)), sp.MatMul(X_matrix, w_vector))
_logit = xw(i)

sample_loss = -(y[i] * sp.log(sigma(_logit)) + (1 - y[i]) * sp.log(1 - sigma(_logit)))
"""ℓ_i(w) = −[y_i log σ(x_iᵀw) + (1 − y_i) log(1 − σ(x_iᵀw))]."""
loss_entry = sp.Sum(sample_loss, (i, 1, n)) / n
"""L(w) = (1/n) Σ_i ℓ_i(w)."""
_scalar_loss = -(label * sp.log(sigma(s)) + (1 - label) * sp.log(1 - sigma(s)))
logit_gradient = sigma(s) - label
"""∂ℓ/∂s = σ(s) − y for one sample whose logit is s."""
logistic_gradient_sample = (sigma(_logit) - y[i]) * X[i, j]
"""∂ℓ_i/∂w_j = (σ(x_iᵀw) − y_i) X_ij: the per-sample gradient (p_i − y_i) x_i."""
logistic_gradient_entry = sp.Sum((sigma(_logit) - y[i]) * X[i, j], (i, 1, n)) / n
"""∂L/∂w_j = (1/n) Σ_i (σ(x_iᵀw) − y_i) X_ij."""
logistic_gradient_entry_p = sp.Sum((p[i] - y[i]) * X[i, j], (i, 1, n)) / n
"""∂L/∂w_j = (1/n) Σ_i (p_i − y_i) X_ij, with p a name."""
logistic_gradient_matrix = sp.MatMul(1 / n, sp.Transpose(X_matrix), sp.MatAdd(_sigma_of_Xw, sp.MatMul(-1, y_vector)))
"""∇L = (1/n) Xᵀ(σ(Xw) − y), d × 1."""
logistic_gradient_matrix_p = sp.MatMul(1 / n, sp.Transpose(X_matrix), sp.MatAdd(p_vector, sp.MatMul(-1, y_vector)))
"""∇L = (1/n) Xᵀ(p − y) with p = σ(Xw)."""

logistic_hessian_entry = sp.Sum(sigma(_logit) * (1 - sigma(_logit)) * X[i, j] * X[i, k], (i, 1, n)) / n
"""∂²L/∂w_j∂w_k = (1/n) Σ_i σ(x_iᵀw)(1 − σ(x_iᵀw)) X_ij X_ik."""
logistic_hessian_entry_p = sp.Sum(p[i] * (1 - p[i]) * X[i, j] * X[i, k], (i, 1, n)) / n
"""The same with p_i = σ(x_iᵀw) as a name."""
_curvature = ElementwiseApplyFunction(sp.Lambda(_t, sigma(_t) * (1 - sigma(_t))), sp.MatMul(X_matrix, w_vector))
logistic_hessian_matrix = sp.MatMul(1 / n, sp.Transpose(X_matrix), sp.DiagMatrix(_curvature), X_matrix)
"""∇²L = (1/n) Xᵀ diag(σ′(Xw)) X, d × d."""
S_matrix = sp.DiagMatrix(sp.HadamardProduct(p_vector, sp.MatAdd(sp.OneMatrix(n, 1), sp.MatMul(-1, p_vector))))
"""S = diag(p_i(1 − p_i)), n × n."""
logistic_hessian_matrix_p = sp.MatMul(1 / n, sp.Transpose(X_matrix), S_matrix, X_matrix)
"""∇²L = (1/n) Xᵀ S X."""
_weighted_squares = sp.Sum(p[i] * (1 - p[i]) * xw(i, v) ** 2, (i, 1, n))
_q = sp.Symbol("q", real=True)
"""A probability in (0, 1), standing for any p_i."""
_c = sp.IndexedBase("c", positive=True)
"""c_i = p_i(1 − p_i) > 0, the weight of sample i in the Hessian."""
convexity_quadratic_form = eq(
    sp.MatMul(sp.Transpose(v_vector), sp.Transpose(X_matrix), S_matrix, X_matrix, v_vector), _weighted_squares
)
"""vᵀXᵀSXv = Σ_i p_i(1 − p_i)(x_iᵀv)² (1 × 1 = scalar), ≥ 0 since 0 < p_i < 1."""

tanh_identity = eq(sp.tanh(z), 2 * sigma(2 * z) - 1)
"""tanh(z) = 2σ(2z) − 1."""
tanh_derivative = 1 - sp.tanh(z) ** 2
"""tanh′(z) = 1 − tanh(z)²."""
tanh_derivative_sigmoid = 4 * sigma(2 * z) * (1 - sigma(2 * z))
"""tanh′(z) = 4σ(2z)(1 − σ(2z)) = 4σ′(2z), at most 1 (at z = 0)."""

_indices = {i: (1, n), j: (1, d), k: (1, d), l: (1, d)}
_data = assume(real=[X, w, y, v], unit_interval=[p], positive=[_c], indices=_indices)
_stable_loss = sp.Sum(sp.log(1 + sp.exp(_logit)) - y[i] * _logit, (i, 1, n)) / n
"""The mean BCE as (1/n) Σ_i [log(1 + e^{s_i}) − y_i s_i] (bce.with_logits): the same function, computed
without log(1 − σ) losing every digit when σ(s_i) rounds to 1."""


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * values))


def _gradient_reference(X: np.ndarray, w: np.ndarray, y: np.ndarray, j: int, **_: object) -> np.ndarray:
    """(1/n) Xᵀ(σ(Xw) − y), entry j, in NumPy (X: points × n × d)."""
    residual = _sigmoid(np.einsum("pnd,pd->pn", X, w)) - y
    return np.einsum("pn,pnd->pd", residual, X)[:, j - 1] / X.shape[1]


def _hessian_reference(X: np.ndarray, w: np.ndarray, j: int, k: int, **_: object) -> np.ndarray:
    probabilities = _sigmoid(np.einsum("pnd,pd->pn", X, w))
    weights = probabilities * (1 - probabilities)
    return np.einsum("pn,pn,pn->p", weights, X[:, :, j - 1], X[:, :, k - 1]) / X.shape[1]


@symcheck.derivation("logistic_regression.sigmoid", topic="logistic_regression")
def sigmoid_derivation() -> Derivation:
    """σ′ = σ(1 − σ), whose largest value is 1/4, at z = 0"""
    steps = (
        Step(
            eq(sp.Derivative(sigma(z), z), sp.exp(-z) / (1 + sp.exp(-z)) ** 2),
            "σ(z) = (1 + e^{−z})^{−1}; the chain rule gives −(1 + e^{−z})^{−2} · (−e^{−z}).",
            rule="chain rule",
        ),
        Step(
            eq(sp.exp(-z) / (1 + sp.exp(-z)) ** 2, sigmoid_derivative),
            "Split as 1/(1 + e^{−z}) · e^{−z}/(1 + e^{−z}), and 1 − σ(z) = e^{−z}/(1 + e^{−z}).",
            rule="algebra",
        ),
        Step(
            eq(sigmoid_derivative_max - sigmoid_derivative, (sigma(z) - sp.Rational(1, 2)) ** 2),
            "Complete the square: 1/4 − σ(1 − σ) = σ² − σ + 1/4 = (σ − 1/2)².",
            rule="complete the square",
        ),
        Step(
            sp.Le(sigmoid_derivative, sigmoid_derivative_max, evaluate=False),
            "A square is ≥ 0, so σ′(z) ≤ 1/4 for every z.",
            rule="bound",
        ),
        Step(
            eq(sigmoid_derivative.subs(z, sigmoid_derivative_argmax), sigmoid_derivative_max),
            "Equality needs σ(z) = 1/2, i.e. e^{−z} = 1, z = 0: σ′(0) = (1/2)(1/2) = 1/4 is the maximum.",
            rule="evaluation",
        ),
    )
    return Derivation(
        name="logistic_regression.sigmoid",
        title="σ′ = σ(1 − σ), whose largest value is 1/4, at z = 0",
        steps=steps,
        result=eq(sp.Derivative(sigma(z), z), sigmoid_derivative),
        assumptions=assume(real=[z]),
        definitions=(sigma_definition,),
        checks=(FiniteDifference(sigma(z), sigmoid_derivative, z, description="σ′ against central differences"),),
        summary="The sigmoid's slope σ(1 − σ) never exceeds 1/4: gradients through a sigmoid shrink at least 4×.",
        topic="logistic_regression",
    )


@symcheck.derivation("logistic_regression.gradient", topic="logistic_regression")
def gradient() -> Derivation:
    """The logistic-regression gradient: (p_i − y_i) x_i per sample, (1/n) Xᵀ(p − y) in matrix form"""
    steps = (
        Step(
            eq(sp.Derivative(_scalar_loss, s), logit_gradient),
            "For one sample with logit s: ∂/∂s of −[y log σ(s) + (1 − y) log(1 − σ(s))] is "
            "−[y(1 − σ) − (1 − y)σ] = σ(s) − y, using σ′ = σ(1 − σ).",
            rule="chain rule",
        ),
        Step(
            eq(sp.Derivative(_logit, w[j]), X[i, j]),
            "The logit of sample i is s_i = x_iᵀw = Σ_l X_il w_l; only the term l = j depends on w_j.",
            rule="derivative",
        ),
        Step(
            eq(sp.Derivative(sample_loss, w[j]), logistic_gradient_sample),
            "Chain rule through s_i: ∂ℓ_i/∂w_j = (σ(s_i) − y_i) · X_ij. Over j this is the per-sample gradient "
            "(p_i − y_i) x_i, with p_i = σ(x_iᵀw).",
            rule="chain rule",
        ),
        Step(
            eq(sp.Derivative(loss_entry, w[j]), logistic_gradient_entry),
            "L is the mean of the ℓ_i, so its gradient is the mean of the per-sample gradients.",
            rule="linearity",
        ),
        Step(
            eq(logistic_gradient_matrix, logistic_gradient_entry),
            "Σ_i X_ij r_i is entry j of Xᵀr with r = σ(Xw) − y (σ applied entry by entry).",
            rule="index to matrix form",
        ),
        Step(
            eq(logistic_gradient_matrix_p, logistic_gradient_entry_p),
            "Writing p = σ(Xw): ∇L = (1/n) Xᵀ(p − y), the same form as least squares with p in place of Xw.",
            rule="notation",
        ),
    )
    return Derivation(
        name="logistic_regression.gradient",
        title="The logistic-regression gradient: (p_i − y_i) x_i per sample, (1/n) Xᵀ(p − y) in matrix form",
        steps=steps,
        result=eq(sp.Derivative(loss_entry, w[j]), logistic_gradient_matrix),
        assumptions=_data,
        definitions=(sigma_definition,),
        checks=(
            FiniteDifference(
                _stable_loss,
                logistic_gradient_entry,
                w[j],
                large=False,
                description="∂L/∂w_j against central differences of the mean BCE (as log(1 + e^s) − ys)",
            ),
            Reference(logistic_gradient_entry, _gradient_reference, description="against (1/n) Xᵀ(σ(Xw) − y) in NumPy"),
        ),
        summary="The gradient of the mean BCE is prediction minus label, mapped back by Xᵀ and averaged.",
        topic="logistic_regression",
    )


@symcheck.derivation("logistic_regression.hessian", topic="logistic_regression")
def hessian() -> Derivation:
    """The Hessian (1/n) XᵀSX with S = diag(p_i(1 − p_i)) is positive semidefinite: the loss is convex"""
    steps = (
        Step(
            eq(sp.Derivative(logistic_gradient_entry, w[k]), logistic_hessian_entry),
            "Differentiate (1/n) Σ_i (σ(s_i) − y_i) X_ij by w_k: σ′(s_i) = σ(s_i)(1 − σ(s_i)) and ∂s_i/∂w_k = X_ik.",
            rule="chain rule",
        ),
        Step(
            eq(logistic_hessian_matrix, logistic_hessian_entry),
            "Σ_i X_ij c_i X_ik is entry (j, k) of Xᵀ diag(c) X, with c_i = σ′(x_iᵀw).",
            rule="index to matrix form",
        ),
        Step(
            eq(logistic_hessian_matrix_p, logistic_hessian_entry_p),
            "With p = σ(Xw): ∇²L = (1/n) Xᵀ S X, S = diag(p_i(1 − p_i)).",
            rule="notation",
        ),
        Step(
            convexity_quadratic_form,
            "For any v: vᵀXᵀSXv = Σ_i p_i(1 − p_i)(x_iᵀv)², since (Xv)_i = x_iᵀv and S is diagonal.",
            rule="quadratic form",
        ),
        Step(
            sp.Gt(_q * (1 - _q), 0, evaluate=False),
            "Each p_i = σ(x_iᵀw) lies in (0, 1) (σ maps ℝ into (0, 1)), so its weight p_i(1 − p_i) is > 0.",
            rule="sign",
            assumptions=assume(unit_interval=[_q]),
        ),
        Step(
            sp.Ge(sp.Sum(_c[i] * xw(i, v) ** 2, (i, 1, n)), 0, evaluate=False),
            "With c_i = p_i(1 − p_i) > 0 every term c_i (x_iᵀv)² is ≥ 0: vᵀ(∇²L)v ≥ 0 for every v, the Hessian "
            "is positive semidefinite at every w, and L is convex.",
            rule="sum of nonnegative terms",
        ),
    )
    return Derivation(
        name="logistic_regression.hessian",
        title="The Hessian (1/n) XᵀSX with S = diag(p_i(1 − p_i)) is positive semidefinite: the loss is convex",
        steps=steps,
        result=eq(sp.Derivative(logistic_gradient_entry, w[k]), logistic_hessian_matrix),
        assumptions=_data,
        definitions=(sigma_definition,),
        checks=(
            FiniteDifference(
                logistic_gradient_entry,
                logistic_hessian_entry,
                w[k],
                large=False,
                description="∂²L/∂w_j∂w_k against central differences of the gradient",
            ),
            Reference(logistic_hessian_entry, _hessian_reference, description="against (1/n) XᵀSX in NumPy"),
        ),
        summary="The curvature weights each sample by p_i(1 − p_i) > 0: never negative, so no bad local minima.",
        topic="logistic_regression",
    )


@symcheck.derivation("logistic_regression.tanh", topic="logistic_regression")
def tanh_derivation() -> Derivation:
    """tanh′ = 1 − tanh², from tanh(z) = 2σ(2z) − 1"""
    tanh_z = tanh_name(z)
    steps = (
        Step(
            eq(tanh_z, (sp.exp(z) - sp.exp(-z)) / (sp.exp(z) + sp.exp(-z))),
            "The definition of tanh.",
            rule="definition",
            given=True,
        ),
        Step(
            eq((sp.exp(z) - sp.exp(-z)) / (sp.exp(z) + sp.exp(-z)), 2 * sigma(2 * z) - 1),
            "Multiply above and below by e^{−z}: (1 − e^{−2z})/(1 + e^{−2z}) = 2/(1 + e^{−2z}) − 1 = 2σ(2z) − 1.",
            rule="algebra",
        ),
        Step(
            eq(sp.Derivative(2 * sigma(2 * z) - 1, z), tanh_derivative_sigmoid),
            "Chain rule: 2 · σ′(2z) · 2 = 4σ(2z)(1 − σ(2z)).",
            rule="chain rule",
        ),
        Step(
            eq(tanh_derivative_sigmoid, 1 - (2 * sigma(2 * z) - 1) ** 2),
            "1 − (2σ − 1)² = 1 − 4σ² + 4σ − 1 = 4σ(1 − σ).",
            rule="algebra",
        ),
        Step(
            eq(1 - (2 * sigma(2 * z) - 1) ** 2, 1 - tanh_z**2),
            "2σ(2z) − 1 = tanh(z), so tanh′(z) = 1 − tanh(z)², at most 1 (at z = 0).",
            rule="substitution",
        ),
    )
    return Derivation(
        name="logistic_regression.tanh",
        title="tanh′ = 1 − tanh², from tanh(z) = 2σ(2z) − 1",
        steps=steps,
        result=eq(sp.Derivative(tanh_z, z), 1 - tanh_z**2),
        assumptions=assume(real=[z]),
        definitions=(sigma_definition, tanh_definition),
        checks=(FiniteDifference(sp.tanh(z), tanh_derivative, z, description="tanh′ against central differences"),),
        summary="tanh is a shifted, rescaled sigmoid; its slope 1 − tanh² is 4σ′(2z), at most 1.",
        topic="logistic_regression",
    )
