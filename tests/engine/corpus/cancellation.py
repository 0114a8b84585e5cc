"""Cancellation at large magnitudes: identities whose sides cancel catastrophically far from 0 (a probe
at 10⁹ must raise its precision or stay silent, never refute), and pairs that differ only there."""

from __future__ import annotations

import sympy as sp

from corpus import Case

x = sp.Symbol("x", real=True)
p = sp.Symbol("p", positive=True)
R = sp.Rational
K = "cancellation"

# the logistic Hessian's weights σ(s_i)(1 − σ(s_i)) against their stable form e^{−|s_i|}/(1 + e^{−|s_i|})²,
# in a sum over the rows: at logits of 10⁶ the naive form's 1 − σ cancels to nothing at any precision a
# probe can afford (the kernels agent's report: 1.67e-466901 "≠" 9.54e-197629 was a false refutation)
n = sp.Symbol("n", integer=True, positive=True)
i, j, k, m = sp.symbols("i j k m", integer=True, positive=True)
X, w, s = (sp.IndexedBase(name, real=True) for name in ("X", "w", "s"))


def _sigma(t: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-t))


def _weights(logit: sp.Expr, stable: bool, squared: bool = True) -> sp.Expr:
    if not stable:
        return sp.Sum(_sigma(logit) * (1 - _sigma(logit)) * X[i, j] * X[i, k], (i, 1, n)) / n
    tail = sp.exp(-sp.Abs(logit))
    return sp.Sum(tail / (1 + tail) ** (2 if squared else 1) * X[i, j] * X[i, k], (i, 1, n)) / n


_ROW = sp.Sum(X[i, m] * w[m], (m, 1, n))
_ENTRIES = {X[1, 1]: R(1, 3), X[1, 2]: R(-7, 5), X[2, 1]: R(5, 2), X[2, 2]: R(11, 4)}

CASES = [
    Case(K, "cosh² − sinh² vs 1", sp.cosh(x) ** 2 - sp.sinh(x) ** 2, sp.Integer(1), True, "the hyperbolic identity"),
    Case(
        K,
        "√(x² + 1) − x vs 1/(√(x² + 1) + x)",
        sp.sqrt(x**2 + 1) - x,
        1 / (sp.sqrt(x**2 + 1) + x),
        True,
        "multiply by the conjugate",
    ),
    Case(
        K,
        "log(1 + eˣ) − x vs log(1 + e⁻ˣ)",
        sp.log(1 + sp.exp(x)) - x,
        sp.log(1 + sp.exp(-x)),
        True,
        "log(1 + eˣ) = x + log(e⁻ˣ + 1)",
    ),
    Case(K, "eˣ e⁻ˣ vs 1", sp.exp(x) * sp.exp(-x), sp.Integer(1), True, "eˣ⁻ˣ"),
    Case(
        K,
        "tanh x vs (1 − e⁻²ˣ)/(1 + e⁻²ˣ)",
        sp.tanh(x),
        (1 - sp.exp(-2 * x)) / (1 + sp.exp(-2 * x)),
        True,
        "divide numerator and denominator by eˣ",
    ),
    Case(
        K,
        "(p + 1)³ − p³ vs 3p² + 3p + 1",
        (p + 1) ** 3 - p**3,
        3 * p**2 + 3 * p + 1,
        True,
        "the binomial expansion",
    ),
    Case(
        K,
        "Σ_i σ(s_i)(1 − σ(s_i)) X_ij X_ik / n vs Σ_i e^{−|s_i|}/(1 + e^{−|s_i|})² X_ij X_ik / n",
        _weights(s[i], stable=False),
        _weights(s[i], stable=True),
        True,
        "term by term: σ(s)(1 − σ(s)) = e^{−s}/(1 + e^{−s})², which is even in s, so it is e^{−|s|}/(1 + e^{−|s|})²",
        points=(
            ({n: 2, j: 1, k: 2}, {**_ENTRIES, s[1]: R(1, 3), s[2]: R(-7, 5)}),
            ({n: 2, j: 2, k: 2}, {**_ENTRIES, s[1]: R(-5, 2), s[2]: 40}),
        ),
    ),
    Case(
        K,
        "the same with s_i = Σ_m X_im w_m (logits of a linear model)",
        _weights(_ROW, stable=False),
        _weights(_ROW, stable=True),
        True,
        "term by term, as above, with the inner sum for s",
        points=(({n: 2, j: 1, k: 2}, {**_ENTRIES, w[1]: R(1, 2), w[2]: R(-2, 3)}),),
    ),
    # pairs that differ
    Case(
        K,
        "Σ_i σ(s_i)(1 − σ(s_i)) X_ij X_ik / n vs Σ_i e^{−|s_i|}/(1 + e^{−|s_i|}) X_ij X_ik / n (square lost)",
        _weights(s[i], stable=False),
        _weights(s[i], stable=True, squared=False),
        False,
        "at n = 1, s_1 = 0: 1/4 X₁ⱼX₁ₖ against 1/2 X₁ⱼX₁ₖ",
        ({n: 1, j: 1, k: 1}, {s[1]: 0, X[1, 1]: 1}),
    ),
    Case(
        K,
        "√(x² + 1) − x vs 1/(2x) (only asymptotically equal)",
        sp.sqrt(x**2 + 1) - x,
        1 / (2 * x),
        False,
        "at x = 1: √2 − 1 ≈ 0.414 vs 0.5",
        {x: 1},
    ),
    Case(
        K,
        "log(1 + eˣ) vs x (only asymptotically equal)",
        sp.log(1 + sp.exp(x)),
        x,
        False,
        "log(1 + e⁰) = log 2 ≠ 0",
        {x: 0},
    ),
    Case(
        K,
        "cosh² − sinh² vs 1 + e^{−x²}",
        sp.cosh(x) ** 2 - sp.sinh(x) ** 2,
        1 + sp.exp(-(x**2)),
        False,
        "e^{−x²} > 0",
        {x: R(1, 3)},
    ),
]
