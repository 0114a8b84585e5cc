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


def restrictions(expr: sp.Basic, real: bool = True) -> set[sp.Basic]:
    """The conditions ``expr`` needs to be defined that its symbols' assumptions do not already give."""
    found: set[sp.Basic] = set()
    for node in sp.preorder_traversal(expr):
        condition: sp.Basic | None = None
        if node.is_Pow:
            base, exponent = node.args
            if exponent.is_negative:
                condition = sp.Ne(sp.factor(base), 0, evaluate=False)
            elif real and exponent.is_Rational and not exponent.is_integer and int(exponent.q) % 2 == 0:
                condition = sp.Ge(base, 0, evaluate=False)
        elif real and isinstance(node, sp.log) and len(node.args) == 1:
            condition = sp.Gt(node.args[0], 0, evaluate=False)
        if condition is not None and node.free_symbols and not _proved(condition):
            found.add(condition)
    return found


def _describe(condition: sp.Basic) -> str:
    """``x ≠ 1`` for ``Ne((x − 1)(x + 1)... , 0)`` in one symbol, else the condition as written."""
    if isinstance(condition, sp.Ne):
        expression = condition.lhs
        symbols = list(expression.free_symbols)
        if len(symbols) == 1 and expression.is_polynomial(symbols[0]):
            try:
                roots = sp.Poly(expression, symbols[0]).real_roots()
            except (sp.PolynomialError, NotImplementedError):
                roots = None
            if roots is not None and roots:
                values = ", ".join(sp.sstr(root) for root in dict.fromkeys(roots))
                return f"{symbols[0]} ≠ {values}"
            if roots is not None:
                return ""  # never zero on the reals
        return f"{sp.sstr(expression)} ≠ 0"
    symbol = ">" if isinstance(condition, sp.Gt) else "≥"
    return f"{sp.sstr(condition.lhs)} {symbol} 0"


def domain_note(left: sp.Basic, right: sp.Basic) -> str:
    """``"for x ≠ 1"``: the conditions one side needs and the other does not, or "" when they need the same.

    An identity proved between the two then holds where both are defined, and this says where that is.
    """
    real = not (left.has(sp.I) or right.has(sp.I))
    try:
        first, second = restrictions(left, real), restrictions(right, real)
    except (TypeError, ValueError, sp.PolynomialError):
        return ""
    differing = sorted(first ^ second, key=sp.default_sort_key)
    if not differing:
        return ""
    described = [text for text in (_describe(condition) for condition in differing[:MAX_CONDITIONS]) if text]
    if not described:
        return ""
    more = " …" if len(differing) > MAX_CONDITIONS else ""
    return "where both sides are defined: for " + ", ".join(described) + more
