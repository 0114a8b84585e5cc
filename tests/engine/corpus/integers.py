"""Integer parameters: sizes K and integers n where a difference carries ∏(K − m, m = 1..6) or more."""

from __future__ import annotations

import sympy as sp

from corpus import Case
from symcheck import assume

K_ = sp.Symbol("K", integer=True, positive=True)
n = sp.Symbol("n", integer=True)
j = sp.Symbol("j", integer=True, positive=True)
SIZES = assume(indices={j: (1, K_)})
KIND = "integer parameters"


def vanishing(upper: int, lower: int = 1, symbol: sp.Symbol = K_) -> sp.Expr:
    return sp.Mul(*(symbol - m for m in range(lower, upper + 1)))


CASES = [
    Case(
        KIND,
        "Σ j vs K(K + 1)/2 + ∏(K − m, m = 1..6)",
        sp.Sum(j, (j, 1, K_)),
        K_ * (K_ + 1) / 2 + vanishing(6),
        False,
        "the product is 720 at K = 7",
        {K_: 7},
        SIZES,
    ),
    Case(
        KIND,
        "Π j vs K! + ∏(K − m, m = 1..6)",
        sp.Product(j, (j, 1, K_)),
        sp.factorial(K_) + vanishing(6),
        False,
        "720 at K = 7",
        {K_: 7},
        SIZES,
    ),
    Case(
        KIND,
        "δ(K, 7) vs 0",
        sp.KroneckerDelta(K_, 7),
        sp.Integer(0),
        False,
        "1 at K = 7",
        {K_: 7},
        SIZES,
    ),
    Case(
        KIND,
        "Σ j² vs K(K + 1)(2K + 1)/6 + ∏(K − m, m = 1..8)",
        sp.Sum(j**2, (j, 1, K_)),
        K_ * (K_ + 1) * (2 * K_ + 1) / 6 + vanishing(8),
        False,
        "8! at K = 9",
        {K_: 9},
        SIZES,
    ),
    Case(
        KIND,
        "binomial(K, 2) vs K(K − 1)/2 + ∏(K − m, m = 1..7)",
        sp.binomial(K_, 2),
        K_ * (K_ - 1) / 2 + vanishing(7),
        False,
        "7! at K = 8",
        {K_: 8},
        SIZES,
    ),
    Case(
        KIND,
        "n² vs n² + ∏(n − m, m = −5..5)",
        n**2,
        n**2 + vanishing(5, -5, n),
        False,
        "at n = 7 the product is 12!/2",
        {n: 7},
    ),
    Case(
        KIND,
        "Σ δ(j, 3) vs 1 (K ≥ 1)",
        sp.Sum(sp.KroneckerDelta(j, 3), (j, 1, K_)),
        sp.Integer(1),
        False,
        "0 for K = 1, 2",
        {K_: 2},
        SIZES,
    ),
    Case(
        KIND,
        "(K + 1)!/K! vs K + 1 + ∏(K − m, m = 1..10)",
        sp.factorial(K_ + 1) / sp.factorial(K_),
        K_ + 1 + vanishing(10),
        False,
        "10! at K = 11",
        {K_: 12},
        SIZES,
    ),
    # identities
    Case(
        KIND,
        "Σ j vs K(K + 1)/2",
        sp.Sum(j, (j, 1, K_)),
        K_ * (K_ + 1) / 2,
        True,
        "Gauss",
        {},
        SIZES,
        (K_, range(1, 12)),
    ),
    Case(
        KIND,
        "Σ j³ vs (K(K + 1)/2)²",
        sp.Sum(j**3, (j, 1, K_)),
        (K_ * (K_ + 1) / 2) ** 2,
        True,
        "Nicomachus",
        {},
        SIZES,
        (K_, range(1, 12)),
    ),
    Case(
        KIND,
        "Σ (2j − 1) vs K²",
        sp.Sum(2 * j - 1, (j, 1, K_)),
        K_**2,
        True,
        "odd numbers",
        {},
        SIZES,
        (K_, range(1, 12)),
    ),
    Case(
        KIND,
        "binomial(K, 2) vs K(K − 1)/2",
        sp.binomial(K_, 2),
        K_ * (K_ - 1) / 2,
        True,
        "definition",
        {},
        SIZES,
        (K_, range(1, 12)),
    ),
    Case(
        KIND,
        "Σ_{j=1}^{K−1} j vs K(K − 1)/2",
        sp.Sum(j, (j, 1, K_ - 1)),
        K_ * (K_ - 1) / 2,
        True,
        "Gauss to K − 1",
        {},
        SIZES,
        (K_, range(1, 12)),
    ),
    Case(
        KIND,
        "Π j vs K!",
        sp.Product(j, (j, 1, K_)),
        sp.factorial(K_),
        True,
        "definition of K!",
        {},
        SIZES,
        (K_, range(1, 12)),
    ),
    Case(
        KIND,
        "(K + 1)!/K! vs K + 1",
        sp.factorial(K_ + 1) / sp.factorial(K_),
        K_ + 1,
        True,
        "(K + 1)! = (K + 1) K!",
        {},
        SIZES,
        (K_, range(1, 12)),
    ),
    Case(
        KIND,
        "Σ_j (j + K)² vs its closed form",
        sp.Sum((j + K_) ** 2, (j, 1, K_)),
        K_ * (K_ + 1) * (2 * K_ + 1) / 6 + K_**2 * (K_ + 1) + K_**3,
        True,
        "expand and sum term by term",
        {},
        SIZES,
        (K_, range(1, 12)),
    ),
    Case(
        KIND,
        "Σ 1/(j(j + 1)) vs 1 − 1/(K + 1)",
        sp.Sum(1 / (j * (j + 1)), (j, 1, K_)),
        1 - 1 / (K_ + 1),
        True,
        "telescoping: 1/(j(j + 1)) = 1/j − 1/(j + 1)",
        {},
        SIZES,
        (K_, range(1, 12)),
    ),
    Case(
        KIND, "(−1)^{2n} vs 1", (-1) ** (2 * n), sp.Integer(1), True, "an even power of −1", {}, None, (n, range(-6, 7))
    ),
]
