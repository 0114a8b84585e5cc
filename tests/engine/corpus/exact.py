"""Differences that are already known exactly (a normal form leaves a nonzero number), and big polynomials."""

from __future__ import annotations

import sympy as sp

from corpus import Case

x, y = sp.symbols("x y", real=True)
R = sp.Rational
K = "exact known differences"
third = {x: R(1, 3), y: R(2, 7)}

CASES = [
    Case(
        K,
        "(x + 10²⁰)² − 10⁴⁰ − 2·10²⁰x vs x² + 1",
        (x + 10**20) ** 2 - 10**40 - 2 * 10**20 * x,
        x**2 + 1,
        False,
        "the left is x² exactly: they differ by −1",
        third,
    ),
    Case(
        K,
        "expand((x + 1)¹⁰⁰⁰) + x⁵⁰⁰ vs (x + 1)¹⁰⁰⁰",
        sp.expand((x + 1) ** 1000) + x**500,
        (x + 1) ** 1000,
        False,
        "they differ by x⁵⁰⁰",
        third,
    ),
    Case(
        K,
        "(x + y)³ vs its expansion + 10⁻¹²",
        (x + y) ** 3,
        x**3 + 3 * x**2 * y + 3 * x * y**2 + y**3 + R(1, 10**12),
        False,
        "by exactly 10⁻¹²",
        third,
    ),
    Case(K, "(x − 1)(x + 1) vs x² − 1 + 10⁻¹⁵", (x - 1) * (x + 1), x**2 - 1 + R(1, 10**15), False, "10⁻¹⁵", third),
    Case(
        K,
        "(x + 1)⁶⁰ vs its expansion but one coefficient",
        (x + 1) ** 60,
        sp.expand((x + 1) ** 60) + x**30,
        False,
        "by x³⁰",
        third,
    ),
    Case(
        K,
        "(10¹⁵ + x)/(10¹⁵) vs 1 + x·10⁻¹⁵ + 10⁻³⁰",
        (10**15 + x) / 10**15,
        1 + x / 10**15 + R(1, 10**30),
        False,
        "by exactly 10⁻³⁰",
        third,
    ),
    # identities
    Case(
        K,
        "(x + 10²⁰)² − 10⁴⁰ − 2·10²⁰x vs x²",
        (x + 10**20) ** 2 - 10**40 - 2 * 10**20 * x,
        x**2,
        True,
        "expand the square",
    ),
    Case(
        K, "expand((x + 1)³⁰⁰) vs (x + 1)³⁰⁰", sp.expand((x + 1) ** 300), (x + 1) ** 300, True, "the binomial theorem"
    ),
    Case(
        K,
        "(x − y)(x + y)(x² + y²) vs x⁴ − y⁴",
        (x - y) * (x + y) * (x**2 + y**2),
        x**4 - y**4,
        True,
        "difference of squares twice",
    ),
    Case(
        K,
        "(x³ − 1)/(x − 1) vs x² + x + 1",
        (x**3 - 1) / (x - 1),
        x**2 + x + 1,
        True,
        "polynomial division; the left is undefined at x = 1",
    ),
]
