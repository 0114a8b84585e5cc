"""Cancellation at large magnitudes: identities whose sides cancel catastrophically far from 0 (a probe
at 10⁹ must raise its precision or stay silent, never refute), and pairs that differ only there."""

from __future__ import annotations

import sympy as sp

from corpus import Case

x = sp.Symbol("x", real=True)
p = sp.Symbol("p", positive=True)
R = sp.Rational
K = "cancellation"

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
    # pairs that differ
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
