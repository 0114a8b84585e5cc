"""Differences at or between the breakpoints of Piecewise, Abs, Max/Min, floor/ceiling, sign, Heaviside."""

from __future__ import annotations

import sympy as sp

from corpus import Case

x, y = sp.symbols("x y", real=True)
R = sp.Rational
K = "breakpoints"
n = sp.Symbol("n", integer=True, positive=True)
i = sp.Symbol("i", integer=True, positive=True)
s = sp.IndexedBase("s", real=True)

CASES = [
    # sums of piecewise terms: each term is its own number (s_i is not one symbol for every i)
    Case(
        K,
        "Σ_{i=1}^{2} (−1)^i |s_i| vs 0",
        sp.Sum((-1) ** i * sp.Abs(s[i]), (i, 1, 2)),
        sp.Integer(0),
        False,
        "|s_2| − |s_1| = 1 at s = (0, 1); it would be 0 if every s_i were the same t",
        ({}, {s[1]: 0, s[2]: 1}),
    ),
    Case(
        K,
        "Σ_i |s_i| vs |Σ_i s_i|",
        sp.Sum(sp.Abs(s[i]), (i, 1, n)),
        sp.Abs(sp.Sum(s[i], (i, 1, n))),
        False,
        "n = 2, s = (1, −1): 2 against 0",
        ({n: 2}, {s[1]: 1, s[2]: -1}),
    ),
    Case(
        K,
        "Σ_i (|s_i| + s_i)/2 vs Σ_i Max(s_i, 0)",
        sp.Sum((sp.Abs(s[i]) + s[i]) / 2, (i, 1, n)),
        sp.Sum(sp.Max(s[i], 0), (i, 1, n)),
        True,
        "term by term: (|t| + t)/2 is t for t ≥ 0 and 0 for t < 0",
        points=(({n: 3}, {s[1]: R(1, 3), s[2]: R(-7, 5), s[3]: R(5, 2)}),),
    ),
    Case(K, "Max(0, x − 1000) vs 0", sp.Max(0, x - 1000), sp.Integer(0), False, "x − 1000 > 0 for x > 1000", {x: 1001}),
    Case(
        K,
        "Piecewise that differs only on 5 < x < 5.001",
        sp.Piecewise((x, x < 5), (x + 1, x < R(5001, 1000)), (x, True)),
        x,
        False,
        "at x = 5.0005 the middle branch adds 1",
        {x: R(10001, 2000)},
    ),
    Case(K, "|x − 1000| vs 1000 − x", sp.Abs(x - 1000), 1000 - x, False, "they differ for every x > 1000", {x: 2000}),
    Case(
        K,
        "floor(x + 10⁻⁹) vs floor(x)",
        sp.floor(x + R(1, 10**9)),
        sp.floor(x),
        False,
        "at x = 1 − 10⁻¹⁰: floor(1 − 10⁻¹⁰ + 10⁻⁹) = 1, floor(1 − 10⁻¹⁰) = 0",
        {x: 1 - R(1, 10**10)},
    ),
    Case(K, "sign(x)² vs 1", sp.sign(x) ** 2, sp.Integer(1), False, "sign(0)² = 0", {x: 0}),
    Case(
        K,
        "Heaviside(x) vs Piecewise((1, x ≥ 0), (0, True))",
        sp.Heaviside(x),
        sp.Piecewise((1, x >= 0), (0, True)),
        False,
        "SymPy's Heaviside(0) is 1/2",
        {x: 0},
    ),
    Case(K, "Min(x, 7) vs x", sp.Min(x, 7), x, False, "for x > 7 the minimum is 7", {x: 8}),
    Case(K, "ceiling(x) vs floor(x) + 1", sp.ceiling(x), sp.floor(x) + 1, False, "equal off the integers", {x: 3}),
    Case(K, "Max(x, y) vs x", sp.Max(x, y), x, False, "y > x", {x: 0, y: 1}),
    Case(
        K,
        "Piecewise((x², x < −3), (x, True)) vs x",
        sp.Piecewise((x**2, x < -3), (x, True)),
        x,
        False,
        "x² ≠ x for x < −3",
        {x: -4},
    ),
    Case(
        K,
        "Heaviside(x − 2)(x − 2) vs Max(0, x − 3)",
        sp.Heaviside(x - 2) * (x - 2),
        sp.Max(0, x - 3),
        False,
        "on 2 < x < 3 the left is x − 2 > 0, the right 0",
        {x: R(5, 2)},
    ),
    Case(
        K,
        "|x − 10⁶| vs |x + 10⁶| − 2·10⁶ (equal only far out)",
        sp.Abs(x - 10**6),
        sp.Abs(x + 10**6) - 2 * 10**6,
        False,
        "equal for x ≥ 10⁶ only; at 0 they are 10⁶ and −10⁶",
        {x: 0},
    ),
    Case(
        K,
        "Piecewise differing on a tiny interval near 10⁶",
        sp.Piecewise((0, (x > 10**6) & (x < 10**6 + R(1, 10**6))), (x, True)),
        x,
        False,
        "at x = 10⁶ + 10⁻⁷ the first branch gives 0",
        {x: 10**6 + R(1, 10**7)},
    ),
    # identities
    Case(
        K,
        "|x − 1| + |x + 1| vs Max(2, 2|x|)",
        sp.Abs(x - 1) + sp.Abs(x + 1),
        sp.Max(2, 2 * sp.Abs(x)),
        True,
        "both are 2 on [−1, 1] and 2|x| outside",
    ),
    Case(
        K,
        "Piecewise((x − 1, x ≥ 1), (1 − x, True)) vs |x − 1|",
        sp.Piecewise((x - 1, x >= 1), (1 - x, True)),
        sp.Abs(x - 1),
        True,
        "the definition of |x − 1|",
    ),
    Case(K, "Max(x, 3) + Min(x, 3) vs x + 3", sp.Max(x, 3) + sp.Min(x, 3), x + 3, True, "max + min = sum"),
    Case(
        K,
        "Heaviside(x − 2)(x − 2) vs Max(0, x − 2)",
        sp.Heaviside(x - 2) * (x - 2),
        sp.Max(0, x - 2),
        True,
        "both are 0 for x ≤ 2 (at x = 2 the factor x − 2 is 0) and x − 2 beyond",
    ),
    Case(K, "|x| sign(x) vs x", sp.Abs(x) * sp.sign(x), x, True, "|x| sign x = x for x ≠ 0, and 0 = 0"),
    Case(K, "Max(x, −x) vs |x|", sp.Max(x, -x), sp.Abs(x), True, "the larger of ±x is |x|"),
    Case(K, "(x + |x|)/2 vs Max(x, 0)", (x + sp.Abs(x)) / 2, sp.Max(x, 0), True, "x for x ≥ 0, 0 below"),
    Case(K, "Min(x, y) + Max(x, y) vs x + y", sp.Min(x, y) + sp.Max(x, y), x + y, True, "max + min = sum"),
    Case(
        K,
        "Piecewise((−1, x < 0), (0, Eq(x, 0)), (1, True)) vs sign(x)",
        sp.Piecewise((-1, x < 0), (0, sp.Eq(x, 0)), (1, True)),
        sp.sign(x),
        True,
        "the definition of sign",
    ),
    Case(
        K,
        "|x − 2| − |x − 5| vs a clamped line",
        sp.Abs(x - 2) - sp.Abs(x - 5),
        sp.Piecewise((-3, x <= 2), (2 * x - 7, x <= 5), (3, True)),
        True,
        "−3 left of 2, 2x − 7 between, 3 right of 5",
    ),
    Case(K, "Max(x, y) vs (x + y + |x − y|)/2", sp.Max(x, y), (x + y + sp.Abs(x - y)) / 2, True, "by cases x ≥ y"),
    Case(K, "Heaviside(x) + Heaviside(−x) vs 1", sp.Heaviside(x) + sp.Heaviside(-x), sp.Integer(1), True, "½ + ½ at 0"),
    Case(K, "ceiling(x) vs −floor(−x)", sp.ceiling(x), -sp.floor(-x), True, "the definition of ceiling"),
    Case(
        K,
        "floor(2x) vs floor(x) + floor(x + 1/2) (Hermite)",
        sp.floor(2 * x),
        sp.floor(x) + sp.floor(x + R(1, 2)),
        True,
        "Hermite's identity for n = 2: split on the fractional part of x at 1/2",
    ),
    Case(
        K,
        "Max(|x|, |y|)² vs Max(x², y²)",
        sp.Max(sp.Abs(x), sp.Abs(y)) ** 2,
        sp.Max(x**2, y**2),
        True,
        "squaring is increasing on [0, ∞)",
    ),
    Case(
        K,
        "Max(0, x) − Max(0, −x) vs x",
        sp.Max(0, x) - sp.Max(0, -x),
        x,
        True,
        "positive part minus negative part",
    ),
]
