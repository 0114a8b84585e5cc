"""Closed-form constants: tiny nonzero differences that a threshold calls 0, and exact identities."""

from __future__ import annotations

import sympy as sp

from corpus import Case

x = sp.Symbol("x", real=True)
R = sp.Rational
K = "constants"
third = {x: R(1, 3)}

CASES = [
    Case(K, "x + e^{−10⁴} vs x", x + sp.exp(-(10**4)), x, False, "e^{−10⁴} ≈ 10^{−4343} > 0", third),
    Case(K, "x + tanh(1000) vs x + 1", x + sp.tanh(1000), x + 1, False, "tanh 1000 = 1 − 2/(e²⁰⁰⁰ + 1)", third),
    Case(
        K,
        "e^{π√163} vs 640320³ + 744",
        sp.exp(sp.pi * sp.sqrt(163)),
        sp.Integer(640320) ** 3 + 744,
        False,
        "Ramanujan's constant is not an integer (short by ≈ 7.5·10⁻¹³)",
    ),
    Case(K, "erf(10) vs 1", sp.erf(10), sp.Integer(1), False, "1 − erf 10 ≈ 2·10⁻⁴⁵"),
    Case(
        K,
        "(√2 + √3)² vs 5 + 2√6 + 10⁻¹⁰⁰",
        (sp.sqrt(2) + sp.sqrt(3)) ** 2,
        5 + 2 * sp.sqrt(6) + R(1, 10**100),
        False,
        "by exactly 10⁻¹⁰⁰",
    ),
    Case(
        K,
        "atan(1/2) + atan(1/3) vs π/4 + 10⁻³⁰",
        sp.atan(R(1, 2)) + sp.atan(R(1, 3)),
        sp.pi / 4 + R(1, 10**30),
        False,
        "atan ½ + atan ⅓ = π/4 exactly",
    ),
    Case(
        K,
        "log 2 + log 3 vs log 6 + e^{−1000}",
        sp.log(2) + sp.log(3),
        sp.log(6) + sp.exp(-1000),
        False,
        "log 2 + log 3 = log 6",
    ),
    Case(K, "π vs 355/113", sp.pi, R(355, 113), False, "355/113 − π ≈ 2.7·10⁻⁷"),
    Case(
        K,
        "cos(π/5) vs (1 + √5)/4 + 10⁻⁸⁰",
        sp.cos(sp.pi / 5),
        (1 + sp.sqrt(5)) / 4 + R(1, 10**80),
        False,
        "cos(π/5) = (1 + √5)/4",
    ),
    # identities
    Case(K, "atan(1/2) + atan(1/3) vs π/4", sp.atan(R(1, 2)) + sp.atan(R(1, 3)), sp.pi / 4, True, "tan addition"),
    Case(
        K,
        "Machin: 4 atan(1/5) − atan(1/239) vs π/4",
        4 * sp.atan(R(1, 5)) - sp.atan(R(1, 239)),
        sp.pi / 4,
        True,
        "(5 + i)⁴(239 − i) = 114244(1 + i)",
    ),
    Case(K, "√2 + √3 vs √(5 + 2√6)", sp.sqrt(2) + sp.sqrt(3), sp.sqrt(5 + 2 * sp.sqrt(6)), True, "square both"),
    Case(K, "cos(π/5) vs (1 + √5)/4", sp.cos(sp.pi / 5), (1 + sp.sqrt(5)) / 4, True, "the golden ratio over 2"),
    Case(K, "log 8 vs 3 log 2", sp.log(8), 3 * sp.log(2), True, "8 = 2³"),
    Case(
        K,
        "e^{iπ/3} vs 1/2 + i√3/2",
        sp.exp(sp.I * sp.pi / 3),
        R(1, 2) + sp.I * sp.sqrt(3) / 2,
        True,
        "Euler's formula",
    ),
    Case(
        K,
        "tanh(1000) vs 1 − 2/(e²⁰⁰⁰ + 1)",
        sp.tanh(1000),
        1 - 2 / (sp.exp(2000) + 1),
        True,
        "tanh a = (e²ᵃ − 1)/(e²ᵃ + 1)",
    ),
    Case(
        K,
        "cos(2π/17) (Gauss)",
        sp.cos(2 * sp.pi / 17),
        (-1 + sp.sqrt(17) + sp.sqrt(34 - 2 * sp.sqrt(17))) / 16
        + 2 * sp.sqrt(17 + 3 * sp.sqrt(17) - sp.sqrt(34 - 2 * sp.sqrt(17)) - 2 * sp.sqrt(34 + 2 * sp.sqrt(17))) / 16,
        True,
        "Gauss's construction of the 17-gon",
    ),
    Case(
        K,
        "atan x + atan(1/x) vs π/2 sign x",
        sp.atan(x) + sp.atan(1 / x),
        sp.pi / 2 * sp.sign(x),
        True,
        "d/dx = 0 on each half-line; the value at ±1 is ±π/2",
    ),
    Case(K, "x + log 6 vs x + log 2 + log 3", x + sp.log(6), x + sp.log(2) + sp.log(3), True, "log of a product"),
]
