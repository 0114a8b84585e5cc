"""Domains: identities that hold where both sides are defined (the verdict must say where), and pairs
that differ on part of the real line (roots and powers of negative numbers)."""

from __future__ import annotations

import sympy as sp

from corpus import Case

x, a, b, c = sp.symbols("x a b c", real=True)
p, q = sp.symbols("p q", positive=True)
R = sp.Rational
K = "domains"

CASES = [
    Case(K, "√(x²) vs x", sp.sqrt(x**2), x, False, "√(x²) = |x| = −x for x < 0", {x: -2}),
    Case(
        K,
        "(aᵇ)ᶜ vs aᵇᶜ",
        (a**b) ** c,
        a ** (b * c),
        False,
        "a = −1/2, b = −2, c = −3/2: 1/8 vs −1/8",
        {a: R(-1, 2), b: -2, c: R(-3, 2)},
    ),
    Case(
        K,
        "√(x − 3)√(x − 5) vs √((x − 3)(x − 5))",
        sp.sqrt(x - 3) * sp.sqrt(x - 5),
        sp.sqrt((x - 3) * (x - 5)),
        False,
        "for x < 3 the left is i·i·√… = −√((3 − x)(5 − x)), a real value",
        {x: 0},
    ),
    Case(K, "1/x vs 1/|x|", 1 / x, 1 / sp.Abs(x), False, "x < 0", {x: -1}),
    Case(K, "x/|x| vs 1", x / sp.Abs(x), sp.Integer(1), False, "−1 for x < 0", {x: -1}),
    Case(K, "log(x²) vs 2 log|x| + 1", sp.log(x**2), 2 * sp.log(sp.Abs(x)) + 1, False, "by 1", {x: 2}),
    # identities (where both sides are defined)
    Case(K, "(x² − 1)/(x − 1) vs x + 1", (x**2 - 1) / (x - 1), x + 1, True, "x ≠ 1: cancel x − 1"),
    Case(K, "x/x vs 1", x / sp.Mul(x, 1, evaluate=False), sp.Integer(1), True, "x ≠ 0"),
    Case(K, "(x³ − 8)/(x − 2) vs x² + 2x + 4", (x**3 - 8) / (x - 2), x**2 + 2 * x + 4, True, "x ≠ 2"),
    Case(K, "log(pq) vs log p + log q", sp.log(p * q), sp.log(p) + sp.log(q), True, "p, q > 0"),
    Case(K, "log(x²) vs 2 log|x|", sp.log(x**2), 2 * sp.log(sp.Abs(x)), True, "x ≠ 0: x² = |x|²"),
    Case(K, "√(x²) vs |x|", sp.sqrt(x**2), sp.Abs(x), True, "the principal root of x² is |x|"),
    Case(
        K,
        "eˣ/(1 + eˣ) vs 1/(1 + e⁻ˣ)",
        sp.exp(x) / (1 + sp.exp(x)),
        1 / (1 + sp.exp(-x)),
        True,
        "multiply by e⁻ˣ",
    ),
    Case(
        K,
        "(x² − 4)/(x² − 3x + 2) vs (x + 2)/(x − 1)",
        (x**2 - 4) / (x**2 - 3 * x + 2),
        (x + 2) / (x - 1),
        True,
        "cancel x − 2 (x ≠ 1, 2)",
    ),
]
