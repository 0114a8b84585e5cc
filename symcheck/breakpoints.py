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

from symcheck.mpeval import NotRational, Undefined, exact

__all__ = ["Critical", "breakpoints", "critical_expressions", "interval_cases", "linear_roots", "probe_values"]

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


_PIECEWISE = (sp.Abs, sp.sign, sp.Heaviside, sp.Max, sp.Min, sp.Piecewise)


def interval_cases(expr: sp.Basic) -> tuple[sp.Symbol, list[sp.Basic]] | None:
    """``expr`` on each piece of the line cut at the breakpoints of one real symbol, piecewise parts resolved.

    For a symbol ``x`` whose critical expressions all have rational roots b₁ < … < bₙ, every
    critical expression keeps one sign on each open interval between them (and beyond them), so each
    Abs, sign, Heaviside, Max/Min or Piecewise of ``x`` alone is one of its branches there: the one
    it takes at the interval's midpoint, found exactly. The cases are ``expr`` with those branches
    (one per interval, ``x`` left free) and ``expr`` at each ``x = bᵢ``. If every case is 0 as an
    expression, ``expr`` is 0 for every real ``x``.
    """
    criticals = critical_expressions(expr)
    for symbol in sorted({s for c in criticals for s in c.expression.free_symbols}, key=str):
        if not (isinstance(symbol, sp.Symbol) and symbol.is_extended_real):
            continue
        own = [c for c in criticals if symbol in c.expression.free_symbols]
        if any(c.integers or c.expression.free_symbols != {symbol} for c in own):
            continue
        roots = _rational_roots([c.expression for c in own], symbol)
        if not roots:
            continue
        cases = []
        for _, _, sample in _samples(roots):
            resolved = _resolve(expr, symbol, sample)
            if resolved is None:
                break
            cases.append(resolved)
        else:
            cases.extend(expr.subs(symbol, sp.Rational(root.numerator, root.denominator)) for root in roots)
            return symbol, cases
    return None


def _polynomial_roots(expression: sp.Expr, symbol: sp.Symbol) -> list[Fraction] | None:
    numerator, _ = sp.fraction(sp.together(expression))
    try:
        polynomial = sp.Poly(numerator, symbol)
    except sp.PolynomialError:
        return None
    if polynomial.degree() > MAX_DEGREE or not all(c.is_Rational for c in polynomial.all_coeffs()):
        return None
    roots = []
    for root in polynomial.real_roots():
        if not root.is_Rational:
            return None
        roots.append(Fraction(int(root.p), int(root.q)))
    return roots


def _samples(roots: list[Fraction]) -> list[tuple[Fraction | None, Fraction | None, Fraction]]:
    """(low, high, midpoint) of each open interval the sorted ``roots`` cut the line into."""
    if not roots:
        return [(None, None, Fraction(0))]
    edges: list[Fraction | None] = [None, *roots, None]
    pieces = []
    for low, high in pairwise(edges):
        if low is None and high is None:
            middle = Fraction(0)
        elif low is None:
            middle = high - 1  # type: ignore[operator]
        elif high is None:
            middle = low + 1
        else:
            middle = (low + high) / 2
        pieces.append((low, high, middle))
    return pieces


def _rational_roots(expressions: list[sp.Expr], symbol: sp.Symbol) -> list[Fraction] | None:
    """Every rational breakpoint of ``expressions`` in ``symbol``, nested ones (|2 − 2|x||) included.

    Polynomial critical expressions are solved directly; one holding an Abs or Max itself is solved
    on each interval of the breakpoints found so far, with its own piecewise parts resolved there.
    """
    roots: set[Fraction] = set()
    nested = []
    for expression in expressions:
        if expression.has(*_PIECEWISE):
            nested.append(expression)
            continue
        found = _polynomial_roots(expression, symbol)
        if found is None:
            return None
        roots.update(found)
    for _ in range(3):
        added: set[Fraction] = set()
        for low, high, middle in _samples(sorted(roots)):
            for expression in nested:
                resolved = _resolve(expression, symbol, middle)
                if resolved is None or resolved.has(*_PIECEWISE):
                    return None
                found = _polynomial_roots(resolved, symbol)
                if found is None:
                    return None
                added.update(r for r in found if (low is None or r > low) and (high is None or r < high))
        if added <= roots:
            break
        roots |= added
    return sorted(roots)


def _resolve(expr: sp.Basic, symbol: sp.Symbol, sample: Fraction) -> sp.Basic | None:
    """``expr`` with each piecewise node in ``symbol`` alone replaced by its branch at ``symbol = sample``."""
    failed = False

    def sign_at(expression: sp.Basic) -> int:
        value = exact(expression, {symbol: sample})
        return (value > 0) - (value < 0)

    def branch(node: sp.Basic) -> sp.Basic:
        nonlocal failed
        try:
            if isinstance(node, sp.Abs):
                return node.args[0] if sign_at(node.args[0]) >= 0 else -node.args[0]
            if isinstance(node, sp.sign):
                return sp.Integer(sign_at(node.args[0]))
            if isinstance(node, sp.Heaviside):
                return sp.Integer(int(sign_at(node.args[0]) > 0))
            if isinstance(node, (sp.Max, sp.Min)):
                values = [(exact(argument, {symbol: sample}), argument) for argument in node.args]
                chosen = max(values, key=lambda pair: pair[0]) if isinstance(node, sp.Max) else min(values)
                return chosen[1]
            if isinstance(node, sp.Piecewise):
                for piece, condition in node.args:
                    if exact(sp.Piecewise((1, condition), (0, True)), {symbol: sample}) == 1:
                        return piece
        except (NotRational, Undefined, TypeError):
            pass
        failed = True
        return node

    resolved = expr.replace(
        lambda node: isinstance(node, _PIECEWISE) and node.free_symbols == {symbol},
        branch,
    )
    return None if failed else resolved
