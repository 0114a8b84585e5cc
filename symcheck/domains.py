"""Where an expression is defined, and what an identity between two expressions leaves out.

``(x² − 1)/(x − 1)`` and ``x + 1`` are equal where both are defined: everywhere but x = 1. A
verdict that says only "True" hides that; this module lists the conditions each side needs
(denominators nonzero, arguments of logarithms positive, radicands of even roots nonnegative, on
the real domain) that are not already implied by the declared assumptions, and words the ones that
one side needs and the other does not: "for x ≠ 1", "for x > 0".
"""

from __future__ import annotations

import sympy as sp

__all__ = ["domain_note", "restrictions"]

MAX_CONDITIONS = 6


def _proved(condition: sp.Basic) -> bool:
    if condition is sp.true:
        return True
    if isinstance(condition, sp.Ne):
        difference = condition.lhs - condition.rhs
        return bool(difference.is_nonzero) or bool(sp.factor(difference).is_nonzero)
    if isinstance(condition, (sp.Gt, sp.Ge)):
        difference = condition.lhs - condition.rhs
        fact = difference.is_positive if isinstance(condition, sp.Gt) else difference.is_nonnegative
        return bool(fact)
    return False


def restrictions(expr: sp.Basic, real: bool = True, proved: bool = True) -> set[sp.Basic]:
    """The conditions ``expr`` needs to be defined (with ``proved``, only those its symbols' assumptions
    do not already give)."""
    found: set[sp.Basic] = set()
    for node in sp.preorder_traversal(expr):
        condition: sp.Basic | None = None
        if node.is_Pow:
            base, exponent = node.args
            if (exponent.is_Number and exponent < 0) or (
                not exponent.is_Number and exponent.could_extract_minus_sign()
            ):
                condition = sp.Ne(-base if base.could_extract_minus_sign() else base, 0, evaluate=False)
            elif real and exponent.is_Rational and not exponent.is_integer and int(exponent.q) % 2 == 0:
                condition = sp.Ge(base, 0, evaluate=False)
        elif real and isinstance(node, sp.log) and len(node.args) == 1:
            condition = sp.Gt(node.args[0], 0, evaluate=False)
        if condition is not None and node.free_symbols:
            found.add(condition)
    free = expr.free_symbols
    found = {condition for condition in found if condition.free_symbols <= free}  # not a summation index
    if proved:
        found = {condition for condition in found if not _proved(condition)}
    return found


def _excluded_points(condition: sp.Basic) -> tuple[sp.Symbol, set[sp.Basic]] | None:
    """``(x, {1, 2})`` for ``Ne(p(x), 0)`` with a polynomial p in one symbol (its real roots)."""
    if not isinstance(condition, sp.Ne):
        return None
    expression = condition.lhs
    symbols = list(expression.free_symbols)
    if len(symbols) != 1 or not expression.is_polynomial(symbols[0]):
        return None
    try:
        return symbols[0], set(sp.Poly(expression, symbols[0]).real_roots())
    except (sp.PolynomialError, NotImplementedError):
        return None


def _split(conditions: set[sp.Basic]) -> tuple[dict[sp.Symbol, set[sp.Basic]], set[sp.Basic]]:
    points: dict[sp.Symbol, set[sp.Basic]] = {}
    others: set[sp.Basic] = set()
    for condition in conditions:
        excluded = _excluded_points(condition)
        if excluded is None:
            others.add(condition)
        else:
            points.setdefault(excluded[0], set()).update(excluded[1])
    return points, others


def _describe(condition: sp.Basic) -> str:
    if isinstance(condition, sp.Ne):
        return f"{sp.sstr(sp.factor(condition.lhs))} ≠ 0"
    symbol = ">" if isinstance(condition, sp.Gt) else "≥"
    return f"{sp.sstr(condition.lhs)} {symbol} 0"


def domain_note(left: sp.Basic, right: sp.Basic) -> str:
    """``"for x ≠ 1"``: the conditions one side needs and the other does not, or "" when they need the same.

    An identity proved between the two then holds where both are defined, and this says where that is.
    """
    real = not (left.has(sp.I) or right.has(sp.I))
    try:
        first = restrictions(left, real, proved=False)
        second = restrictions(right, real, proved=False)
        if first == second:
            return ""
        first_points, first_others = _split(first)
        second_points, second_others = _split(second)
        described = []
        for symbol in sorted(set(first_points) | set(second_points), key=str):
            excluded = first_points.get(symbol, set()) ^ second_points.get(symbol, set())
            if excluded:
                described.append(
                    f"{symbol} ≠ " + ", ".join(sp.sstr(v) for v in sorted(excluded, key=sp.default_sort_key))
                )
        others = sorted((c for c in first_others ^ second_others if not _proved(c)), key=sp.default_sort_key)
        described += [_describe(condition) for condition in others[:MAX_CONDITIONS]]
    except (TypeError, ValueError, sp.PolynomialError):
        return ""
    if not described:
        return ""
    return "where both sides are defined: for " + ", ".join(described)
