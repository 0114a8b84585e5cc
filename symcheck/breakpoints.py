"""Where piecewise expressions change: the breakpoints of Piecewise, Abs, Max/Min, floor, sign, Heaviside.

Two expressions that differ only near ``x = 1000`` (``Max(0, x − 1000)`` against 0), or only on
``5 < x < 5.001``, or only at ``x = 0`` (``sign(x)²`` against 1), agree at almost every random
point. Their differences hide at the zeros of the *critical expressions*: the argument of an
``Abs``, ``sign`` or ``Heaviside``, the difference of two arguments of a ``Max``/``Min``, the two
sides of a Piecewise condition, and the points where the argument of a ``floor``/``ceiling``
crosses an integer. This module finds them, so that probing visits each breakpoint, both sides of
it and the middle of every interval between two, and so that a case split can prove an identity
piece by piece.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import pairwise

import sympy as sp

__all__ = ["Critical", "breakpoints", "critical_expressions", "linear_roots", "probe_values"]

MAX_DEGREE = 4
"""Critical expressions are solved when their numerator is a polynomial of at most this degree."""


class Critical(tuple):
    """``(expression, crosses_integers)``: where ``expression`` is 0 (or an integer, for floor/ceiling)."""

    __slots__ = ()

    @property
    def expression(self) -> sp.Expr:
        return self[0]

    @property
    def integers(self) -> bool:
        return self[1]


def _relations(condition: sp.Basic) -> list[sp.Rel]:
    if isinstance(condition, sp.Rel):
        return [condition]
    if isinstance(condition, (sp.And, sp.Or, sp.Not)):
        return [relation for argument in condition.args for relation in _relations(argument)]
    return []


def critical_expressions(expr: sp.Basic) -> list[Critical]:
    """Every expression whose zero (or integer crossing) is a breakpoint of ``expr``, without repeats."""
    found: dict[sp.Expr, bool] = {}

    def add(candidate: sp.Basic, integers: bool = False) -> None:
        if isinstance(candidate, sp.Expr) and candidate.free_symbols and not candidate.has(sp.I):
            found[candidate] = found.get(candidate, False) or integers

    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.Abs, sp.sign, sp.Heaviside)):
            add(node.args[0])
        elif isinstance(node, (sp.Max, sp.Min)):
            arguments = list(node.args)
            for position, first in enumerate(arguments):
                for second in arguments[position + 1 :]:
                    add(first - second)
        elif isinstance(node, (sp.floor, sp.ceiling, sp.frac)):
            add(node.args[0], integers=True)
        elif isinstance(node, sp.Piecewise):
            for _, condition in node.args:
                for relation in _relations(condition):
                    add(relation.lhs - relation.rhs)
    return [Critical((expression, integers)) for expression, integers in found.items()]


def _real_roots(polynomial: sp.Poly) -> list[Fraction]:
    """Exact rational roots, and rationals within 10⁻³⁰ (relative) of the irrational ones."""
    roots: list[Fraction] = []
    for root in polynomial.real_roots():
        if root.is_Rational:
            roots.append(Fraction(int(root.p), int(root.q)))
        else:
            approximation = sp.Rational(root.evalf(40))
            roots.append(Fraction(int(approximation.p), int(approximation.q)))
    return roots


def breakpoints(
    criticals: list[Critical], symbol: sp.Symbol, others: dict[sp.Basic, Fraction], near: Fraction
) -> list[Fraction]:
    """The values of ``symbol`` where a critical expression vanishes, the other symbols fixed at ``others``.

    For floor/ceiling arguments, the values where the argument crosses one of the integers nearest
    its value at ``near`` (the point being probed).
    """
    values: set[Fraction] = set()
    substitution = {atom: sp.Rational(value.numerator, value.denominator) for atom, value in others.items()}
    for critical in criticals:
        expression = critical.expression
        if symbol not in expression.free_symbols:
            continue
        univariate = expression.xreplace(substitution)
        if univariate.free_symbols != {symbol}:
            continue
        targets = [sp.S.Zero]
        if critical.integers:
            try:
                centre = univariate.xreplace({symbol: sp.Rational(near.numerator, near.denominator)})
                if not centre.is_number:
                    continue
                middle = int(sp.floor(centre))
            except (TypeError, ValueError):
                continue
            targets = [sp.Integer(middle + offset) for offset in range(-2, 3)]
        for target in targets:
            values.update(_solve(univariate - target, symbol))
    return sorted(values)


def _solve(expression: sp.Expr, symbol: sp.Symbol) -> list[Fraction]:
    numerator, _ = sp.fraction(sp.together(expression))
    try:
        polynomial = sp.Poly(numerator, symbol)
    except sp.PolynomialError:
        return []
    if not (1 <= polynomial.degree() <= MAX_DEGREE) or not polynomial.domain.is_Exact:
        return []
    if not all(coefficient.is_Rational for coefficient in polynomial.all_coeffs()):
        return []
    return _real_roots(polynomial)


def probe_values(points: list[Fraction], limit: int = 40) -> list[Fraction]:
    """Values to probe around sorted breakpoints: each one, both sides of it, every midpoint.

    The offsets are relative (10⁻⁹ and 10⁻³ of the breakpoint's size), so a difference confined to
    a narrow interval next to a breakpoint, or beyond the last one, is visited as well.
    """
    if not points:
        return []
    chosen: list[Fraction] = []
    for first, second in pairwise(points):
        chosen.append((first + second) / 2)
    for point in points:
        size = max(abs(point), Fraction(1))
        chosen.append(point)
        for offset in (size / 10**9, size / 1000, size):
            chosen.extend((point - offset, point + offset))
    unique = list(dict.fromkeys(chosen))
    return unique[:limit]


def linear_roots(expr: sp.Basic) -> list[tuple[sp.Symbol, sp.Expr]]:
    """``(x, r)`` for every critical expression ``a x + b`` linear in a real symbol ``x`` (``r = −b/a``).

    A case split on ``x > r``, ``x < r`` and ``x = r`` then decides each Abs, Max or Piecewise whose
    breakpoint this is. ``a`` must be a nonzero number and ``r`` real, so the three cases cover the line.
    """
    found: list[tuple[sp.Symbol, sp.Expr]] = []
    for critical in critical_expressions(expr):
        if critical.integers:
            continue
        expression = sp.expand(critical.expression)
        for symbol in sorted(expression.free_symbols, key=str):
            if not (isinstance(symbol, sp.Symbol) and symbol.is_extended_real):
                continue
            slope = expression.coeff(symbol, 1)
            if not (slope.is_number and slope.is_nonzero and slope.is_extended_real):
                continue
            rest = sp.expand(expression - slope * symbol)
            if symbol in rest.free_symbols or not rest.is_extended_real:
                continue
            root = -rest / slope
            if root == 0 and not rest.free_symbols:
                continue  # a root at 0 is the split on the symbol's sign, done separately
            found.append((symbol, root))
            break
    return list(dict.fromkeys(found))
