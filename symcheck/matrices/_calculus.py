"""Derivatives of index forms by entries (∂/∂w_j), carried out by the rules of calculus directly.

SymPy's ``Derivative.doit`` is correct on nested sums but slow there: every node it builds asks
SymPy's assumption system about sums and their free symbols. The rules below build the same
derivative from sums, products, powers and the chain rule through each function's own ``fdiff``:

* ∂ w_a / ∂ w_b = δ_ab (one delta per index), and 0 for any other entry or symbol;
* ∂ Σ_k f / ∂ x = Σ_k ∂f/∂x (the caller makes sure x's index is not the summation index);
* sums, products (Leibniz), powers (constant exponent, or e^{g log f} in general), and
  f(g_1, ..., g_m) by the chain rule Σ_r f_r(g) ∂g_r/∂x.

Anything else (a piecewise function, an unevaluated derivative of an unknown function, a variable
that is not a symbol or an entry) is left to SymPy.
"""

from __future__ import annotations

import sympy as sp

__all__ = ["carry_out"]


class _Fallback(Exception):
    """A node these rules do not cover: SymPy differentiates the whole expression instead."""


def _depends(expr: sp.Basic, variable: sp.Basic) -> bool:
    if isinstance(variable, sp.Indexed):
        return expr.has(variable.base)
    return expr.has(variable)


def _derivative(expr: sp.Basic, variable: sp.Basic) -> sp.Basic:
    if not _depends(expr, variable):
        return sp.S.Zero
    if isinstance(expr, sp.Indexed):
        if not isinstance(variable, sp.Indexed) or expr.base != variable.base:
            raise _Fallback(expr)
        if len(expr.indices) != len(variable.indices):
            raise _Fallback(expr)
        return sp.Mul(*(sp.KroneckerDelta(a, b) for a, b in zip(expr.indices, variable.indices, strict=True)))
    if expr == variable:
        return sp.S.One
    if expr.is_Add:
        return sp.Add(*(_derivative(argument, variable) for argument in expr.args))
    if expr.is_Mul:
        terms = []
        for position, factor in enumerate(expr.args):
            change = _derivative(factor, variable)
            if change != 0:
                terms.append(sp.Mul(*expr.args[:position], change, *expr.args[position + 1 :]))
        return sp.Add(*terms)
    if expr.is_Pow:
        base, exponent = expr.args
        if not _depends(exponent, variable):
            return exponent * base ** (exponent - 1) * _derivative(base, variable)
        return expr * (_derivative(exponent, variable) * sp.log(base) + exponent * _derivative(base, variable) / base)
    if isinstance(expr, sp.Sum):
        bound = set(expr.variables)
        if bound & variable.free_symbols:
            raise _Fallback(expr)
        return sp.Sum(_derivative(expr.function, variable), *expr.limits)
    if isinstance(expr, sp.Function) and not isinstance(expr, (sp.Piecewise, sp.Abs, sp.sign, sp.Heaviside)):
        terms = []
        for position, argument in enumerate(expr.args, start=1):
            change = _derivative(argument, variable)
            if change != 0:
                outer = expr.fdiff(position)
                if outer.has(sp.Derivative, sp.Subs) and not isinstance(expr, sp.core.function.AppliedUndef):
                    raise _Fallback(expr)
                terms.append(outer * change)
        return sp.Add(*terms)
    raise _Fallback(expr)


def carry_out(node: sp.Derivative) -> sp.Basic:
    """The derivative ``node`` carried out (by the rules above, or by SymPy where they do not apply)."""
    expr = node.expr
    try:
        for variable, count in node.variable_count:
            if not isinstance(variable, (sp.Symbol, sp.Indexed)) or not count.is_Integer:
                raise _Fallback(variable)
            for _ in range(int(count)):
                expr = _derivative(expr, variable)
    except _Fallback:
        return node.doit(deep=False)
    return expr
