"""Helpers for engine tests: check a counterexample independently of the engine that produced it."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy as sp

from symcheck.results import Counterexample


def point_values(counterexample: Counterexample, expressions: list[sp.Basic]) -> dict[sp.Basic, sp.Basic]:
    """The counterexample's point as exact SymPy substitutions for the atoms of ``expressions``."""
    atoms: dict[str, sp.Basic] = {}
    for expr in expressions:
        for symbol in expr.free_symbols:
            atoms[str(symbol)] = symbol
        for indexed in expr.atoms(sp.Indexed):
            atoms[str(indexed.base)] = indexed.base
    values: dict[sp.Basic, sp.Basic] = {}
    for name, text in counterexample.point:
        fraction = Fraction(text)
        value = sp.Rational(fraction.numerator, fraction.denominator)
        if "[" in name:
            base, _, index = name.partition("[")
            values[atoms[base][int(index.rstrip("]"))]] = value
        else:
            values[atoms[name]] = value
    return values


def evaluate_at(expr: sp.Basic, values: dict[sp.Basic, sp.Basic]) -> mpmath.mpc:
    """Substitute exactly, write sums out, and evaluate with SymPy's own evalf at 40 digits."""
    scalars = {key: value for key, value in values.items() if not isinstance(key, sp.Indexed)}
    entries = {key: value for key, value in values.items() if isinstance(key, sp.Indexed)}
    concrete = expr.subs(scalars).doit()
    concrete = concrete.xreplace(entries)
    real, imaginary = sp.N(concrete, 40).as_real_imag()
    with mpmath.workdps(40):
        return mpmath.mpc(mpmath.mpf(str(sp.N(real, 40))), mpmath.mpf(str(sp.N(imaginary, 40))))


@pytest.fixture
def independently_differs():
    """Assert that ``left`` and ``right`` really differ at the counterexample, evaluated by SymPy."""

    def check(left: sp.Basic, right: sp.Basic, counterexample: Counterexample) -> None:
        assert counterexample is not None, "a refutation must come with a counterexample"
        values = point_values(counterexample, [left, right])
        first, second = evaluate_at(left, values), evaluate_at(right, values)
        # relative: a counterexample may sit where both values are tiny (0.43^6000 against 0.43^5999)
        assert abs(first - second) > 1e-12 * max(abs(first), abs(second)), (
            f"the counterexample {counterexample} does not separate {left} and {right}: "
            f"both are {first} when SymPy evaluates them independently"
        )
        recorded = mpmath.mpmathify(counterexample.lhs)
        assert abs(recorded - first) <= 1e-9 * abs(first), "the reported lhs value is not the real one"

    return check
