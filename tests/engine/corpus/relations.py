"""Relations (checked with symcheck.holds): false claims with a witness, and true ones."""

from __future__ import annotations

import sympy as sp

from corpus import Case
from symcheck import assume

x, y = sp.symbols("x y", real=True)
n = sp.Symbol("n", integer=True, positive=True)
i = sp.Symbol("i", integer=True, positive=True)
v = sp.IndexedBase("v", real=True)
s_xx, lam, s_xy = sp.symbols("S_xx lambda S_xy", positive=True)
R = sp.Rational
K = "relations"
sigma = 1 / (1 + sp.exp(-x))

CASES = [
    Case(
        K,
        "ridge mutant |S_xy|/(S_xx + λ)² ≤ |S_xy|/S_xx",
        sp.Le(sp.Abs(s_xy) / (s_xx + lam) ** 2, sp.Abs(s_xy) / s_xx, evaluate=False),
        None,
        False,
        "false at S_xx = 1/4, λ = 1/10, S_xy = 1: 1/0.1225 > 4",
        {s_xx: R(1, 4), lam: R(1, 10), s_xy: 1},
        assume(positive=[s_xx, lam, s_xy]),
        relation=True,
    ),
    Case(K, "x² ≥ x", sp.Ge(x**2, x, evaluate=False), None, False, "x = 1/2", {x: R(1, 2)}, relation=True),
    Case(
        K,
        "eˣ ≥ 1 + x + x²/2",
        sp.Ge(sp.exp(x), 1 + x + x**2 / 2, evaluate=False),
        None,
        False,
        "x = −1: 0.37 < 0.5",
        {x: -1},
        relation=True,
    ),
    Case(
        K,
        "Max(0, x − 1000) ≤ 0",
        sp.Le(sp.Max(0, x - 1000), 0, evaluate=False),
        None,
        False,
        "x = 1001",
        {x: 1001},
        relation=True,
    ),
    Case(
        K,
        "tanh(1000) < 1 is true, ≥ 1 false",
        sp.Ge(sp.tanh(1000), 1, evaluate=False),
        None,
        False,
        "tanh < 1",
        {},
        relation=True,
    ),
    # strict inequalities that fail only where the two sides meet: at 0, or at a root of a factor
    Case(K, "x² > 0", sp.Gt(x**2, 0, evaluate=False), None, False, "x = 0", {x: 0}, relation=True),
    Case(
        K,
        "(x − 1)² eˣ > 0",
        sp.Gt((x - 1) ** 2 * sp.exp(x), 0, evaluate=False),
        None,
        False,
        "x = 1, the root of the factor (x − 1)²",
        {x: 1},
        relation=True,
    ),
    Case(
        K,
        "x² + y² > 0",
        sp.Gt(x**2 + y**2, 0, evaluate=False),
        None,
        False,
        "x = y = 0 (only there)",
        {x: 0, y: 0},
        relation=True,
    ),
    Case(
        K,
        "λ Σ_i v_i² > 0 (interval arithmetic once took (0, ∞) × [0, ∞) for (0, ∞))",
        sp.Gt(lam * sp.Sum(v[i] ** 2, (i, 1, n)), 0, evaluate=False),
        None,
        False,
        "v = 0: λ · 0 = 0",
        ({lam: 1, n: 2}, {v[1]: 0, v[2]: 0}),
        assume(positive=[lam]),
        relation=True,
    ),
    # true relations
    Case(K, "x² ≥ 0", sp.Ge(x**2, 0, evaluate=False), None, True, "a square", relation=True),
    Case(
        K,
        "(x − 1)² eˣ ≥ 0",
        sp.Ge((x - 1) ** 2 * sp.exp(x), 0, evaluate=False),
        None,
        True,
        "a square times a positive number",
        relation=True,
    ),
    Case(
        K,
        "λ Σ_i v_i² ≥ 0",
        sp.Ge(lam * sp.Sum(v[i] ** 2, (i, 1, n)), 0, evaluate=False),
        None,
        True,
        "a positive number times a sum of squares",
        assumptions=assume(positive=[lam]),
        relation=True,
        points=(({lam: R(1, 3), n: 2}, {v[1]: R(-7, 5), v[2]: 0}), ({lam: 2, n: 1}, {v[1]: 0})),
    ),
    Case(K, "x² + 1 > 0", sp.Gt(x**2 + 1, 0, evaluate=False), None, True, "a square plus one", relation=True),
    Case(K, "σ(1 − σ) > 0", sp.Gt(sigma * (1 - sigma), 0, evaluate=False), None, True, "σ ∈ (0, 1)", relation=True),
    Case(
        K,
        "ridge: |S_xy|/(S_xx + λ) ≤ |S_xy|/S_xx",
        sp.Le(sp.Abs(s_xy) / (s_xx + lam), sp.Abs(s_xy) / s_xx, evaluate=False),
        None,
        True,
        "a larger positive denominator",
        assumptions=assume(positive=[s_xx, lam, s_xy]),
        relation=True,
    ),
    Case(K, "tanh(1000) < 1", sp.Lt(sp.tanh(1000), 1, evaluate=False), None, True, "by 2/(e²⁰⁰⁰ + 1)", relation=True),
]
