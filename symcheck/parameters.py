"""Identities in an integer parameter, proved by a degree bound and enough exact instances.

A difference that is a polynomial of degree at most d in an integer parameter K, and is 0 at d + 1
values of K, is 0 for every K: a nonzero polynomial of degree d has at most d roots. The degree is
bounded from the expression's structure: K has degree 1, sums add and products multiply degrees,
a power by a constant n multiplies by n, ``binomial(a, m)`` for a constant m has degree m·deg a,
and a finite sum ``Σ_{j=lo}^{hi} f`` whose body is a polynomial of total degree t in (j, K) has
degree at most (t + 1)·max(deg lo, deg hi, 1) (Faulhaber, under SymPy's convention for sums with
reversed limits). Anything else (a factorial, a delta, K in an exponent, an indexed entry that
depends on j) has no bound, and then there is no proof here: probing K far beyond the instances
can only make the identity probable.
"""

from __future__ import annotations

import sympy as sp

from symcheck.mpeval import karr_range

__all__ = ["MAX_DEGREE", "degree_bound", "instance", "integer_parameters"]

MAX_DEGREE = 40


def integer_parameters(expr: sp.Basic, bounds: tuple[sp.Basic, ...] = ()) -> list[sp.Symbol]:
    """The free integer symbols of ``expr`` (declared sizes such as K first)."""
    free = [symbol for symbol in expr.free_symbols if isinstance(symbol, sp.Symbol)]
    chosen = [symbol for symbol in bounds if symbol in free]
    chosen += sorted((symbol for symbol in free if symbol.is_integer and symbol not in chosen), key=str)
    return chosen


def degree_bound(expr: sp.Basic, variables: frozenset[sp.Symbol]) -> int | None:
    """An upper bound on the total degree of ``expr`` in ``variables``, or None if it is not a polynomial."""
    if not (expr.free_symbols & variables):
        return 0 if not expr.has(sp.Sum, sp.Product) or _free_of_sums(expr, variables) else None
    if expr in variables:
        return 1
    if expr.is_Add:
        degrees = [degree_bound(term, variables) for term in expr.args]
        return None if None in degrees else max(degrees)  # type: ignore[type-var]
    if expr.is_Mul:
        total = 0
        for factor in expr.args:
            degree = degree_bound(factor, variables)
            if degree is None:
                return None
            total += degree
        return total if total <= MAX_DEGREE * 4 else None
    if expr.is_Pow:
        base, exponent = expr.args
        if exponent.is_Integer and int(exponent) >= 0:
            degree = degree_bound(base, variables)
            return None if degree is None else degree * int(exponent)
        return None
    if isinstance(expr, sp.binomial):
        top, bottom = expr.args
        if bottom.is_Integer and int(bottom) >= 0 and not (bottom.free_symbols & variables):
            degree = degree_bound(top, variables)
            return None if degree is None else degree * int(bottom)
        return None
    if isinstance(expr, sp.Sum) and len(expr.limits) == 1:
        variable, lower, upper = expr.limits[0]
        body = degree_bound(expr.function, variables | {variable})
        low, high = degree_bound(lower, variables), degree_bound(upper, variables)
        if body is None or low is None or high is None:
            return None
        return (body + 1) * max(low, high, 1)
    if isinstance(expr, sp.Sum):
        inner = sp.Sum(expr.function, *expr.limits[:-1])
        return degree_bound(sp.Sum(inner, expr.limits[-1]), variables)
    return None


def _free_of_sums(expr: sp.Basic, variables: frozenset[sp.Symbol]) -> bool:
    return all(not (node.free_symbols & variables) for node in expr.atoms(sp.Sum, sp.Product))


def instance(expr: sp.Basic, parameter: sp.Symbol, value: int) -> sp.Basic:
    """``expr`` at ``parameter = value`` with every sum of integer limits written out (Karr's convention)."""
    substituted = expr.xreplace({parameter: sp.Integer(value)})

    def write(node: sp.Sum) -> sp.Basic:
        body = node.function
        for variable, lower, upper in node.limits:
            if not (lower.is_Integer and upper.is_Integer) or abs(int(upper) - int(lower)) > 2000:
                return node
            body = sp.Add(
                *(sign * body.xreplace({variable: sp.Integer(at)}) for at, sign in karr_range(int(lower), int(upper)))
            )
        return body

    return substituted.replace(lambda node: isinstance(node, sp.Sum), write)
