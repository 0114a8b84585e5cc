"""Differences below the 30 digits a probe used to work at, and identities with tiny numbers in them."""

from __future__ import annotations

import sympy as sp

from corpus import Case

x, y = sp.symbols("x y", real=True)
R = sp.Rational
K = "tiny differences"
third = {x: R(1, 3)}

CASES = [
    Case(K, "x + 10⁻³⁰ vs x", x + R(1, 10**30), x, False, "they differ by exactly 10⁻³⁰", third),
    Case(K, "sin(x + 10⁻³⁵) vs sin x", sp.sin(x + R(1, 10**35)), sp.sin(x), False, "≈ 10⁻³⁵ cos x", third),
    Case(K, "eˣ vs eˣ(1 + 10⁻⁴⁰)", sp.exp(x), sp.exp(x) * (1 + R(1, 10**40)), False, "relative 10⁻⁴⁰", third),
    Case(K, "x² vs x² + 10⁻⁵⁰x", x**2, x**2 + x / 10**50, False, "10⁻⁵⁰x ≠ 0 for x ≠ 0", third),
    Case(
        K,
        "log(1 + x²) vs log(1 + x² + 10⁻²⁵)",
        sp.log(1 + x**2),
        sp.log(1 + x**2 + R(1, 10**25)),
        False,
        "≈ 10⁻²⁵/(1 + x²)",
        third,
    ),
    Case(
        K,
        "√(x² + 1) vs √(x² + 1 + 10⁻⁶⁰)",
        sp.sqrt(x**2 + 1),
        sp.sqrt(x**2 + 1 + R(1, 10**60)),
        False,
        "≈ 10⁻⁶⁰/(2√(x² + 1))",
        third,
    ),
    Case(
        K,
        "σ(x) vs σ(x) + 10⁻³³",
        1 / (1 + sp.exp(-x)),
        1 / (1 + sp.exp(-x)) + R(1, 10**33),
        False,
        "10⁻³³",
        third,
    ),
    Case(
        K,
        "sin² + cos² vs 1 + 10⁻⁴⁵",
        sp.sin(x) ** 2 + sp.cos(x) ** 2,
        1 + R(1, 10**45),
        False,
        "sin² + cos² = 1 exactly",
        third,
    ),
    Case(K, "x·10⁻²⁰⁰ vs 0", x / 10**200, sp.Integer(0), False, "nonzero for x ≠ 0", third),
    Case(
        K,
        "exp(x + 10⁻⁸⁰) vs exp(x)",
        sp.exp(x + R(1, 10**80)),
        sp.exp(x),
        False,
        "eˣ(e^{10⁻⁸⁰} − 1) ≈ 10⁻⁸⁰eˣ",
        third,
    ),
    # identities
    Case(K, "(x + 10⁻³⁰) − 10⁻³⁰ vs x", (x + R(1, 10**30)) - R(1, 10**30), x, True, "cancellation"),
    Case(
        K,
        "(x + 10⁻²⁰)² vs x² + 2·10⁻²⁰x + 10⁻⁴⁰",
        (x + R(1, 10**20)) ** 2,
        x**2 + 2 * x / 10**20 + R(1, 10**40),
        True,
        "the binomial square",
    ),
    Case(
        K,
        "sin(x + 10⁻³⁵) by the addition formula",
        sp.sin(x) * sp.cos(R(1, 10**35)) + sp.cos(x) * sp.sin(R(1, 10**35)),
        sp.sin(x + R(1, 10**35)),
        True,
        "sin(a + b) = sin a cos b + cos a sin b",
    ),
    Case(
        K,
        "exp(x) exp(10⁻⁴⁰) vs exp(x + 10⁻⁴⁰)",
        sp.exp(x) * sp.exp(R(1, 10**40)),
        sp.exp(x + R(1, 10**40)),
        True,
        "eᵃeᵇ = eᵃ⁺ᵇ",
    ),
    Case(
        K,
        "log(10⁻³⁰ x²) for x > 0 ... as a sum",
        sp.log(sp.Symbol("p", positive=True) ** 2 / 10**30),
        2 * sp.log(sp.Symbol("p", positive=True)) - 30 * sp.log(10),
        True,
        "log of a product of positives",
    ),
]
