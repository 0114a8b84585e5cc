"""Case splits: proving ``difference == 0`` piece by piece, each piece normalised again.

* ``i = k`` / ``i ≠ k`` for a Kronecker delta of two free indices;
* the intervals between the rational breakpoints of one symbol, each Abs/Max/Piecewise of it
  resolved to the branch it takes there (:func:`symcheck.breakpoints.interval_cases`);
* ``x > r``, ``x < r``, ``x = r`` at a linear breakpoint (``x = r ± t`` with ``t > 0``);
* the sign of a real symbol (in Abs/Max/Piecewise, or under a root or a logarithm);
* on the real domain, the *natural domain*: a case where some part of either side is never real
  (``log(−t)``, ``(−t)^k`` for non-integer k) or undefined (a division by 0) is not one where the
  two sides are compared, and ``(negative)^k`` is real only for an integer ``k``.

Every split covers its domain (the cases' union is everything), so a proof in each case is a proof.
"""

from __future__ import annotations

import sympy as sp

from symcheck.breakpoints import interval_cases, linear_roots
from symcheck.budget import BudgetExceeded, Deadline, time_limit
from symcheck.normalize import Context, delta_cases, helper_symbol, normal_form, rational_zero, sign_cases

__all__ = ["case_split"]


def _breakpoint_cases(expr: sp.Basic) -> list[sp.Basic] | None:
    """Split at the first linear breakpoint ``x = r`` of an Abs, Max/Min, sign, Heaviside or Piecewise."""
    for symbol, root in linear_roots(expr):
        beyond = helper_symbol(f"beyond_{symbol}", positive=True)
        return [expr.xreplace({symbol: root + beyond}), expr.xreplace({symbol: root - beyond}), _at(expr, symbol, root)]
    return None


def _interval_cases(expr: sp.Basic) -> list[sp.Basic] | None:
    """The pieces of the line between the rational breakpoints of one symbol, and the breakpoints."""
    found = interval_cases(expr)
    return None if found is None else found[1]


def _vacuous(case: sp.Basic, real: bool) -> bool:
    """A case where the two sides are never compared: a part is undefined, or (on the real domain) a
    part is never real: an explicit i, the log of a negative number, a root of a negative number."""
    if case.has(sp.zoo, sp.nan):
        return True
    if not real:
        return False
    if case.has(sp.I) or case.is_extended_real is False:
        return True
    for node in sp.preorder_traversal(case):
        if isinstance(node, sp.log) and node.args[0].is_extended_negative:
            return True
        if node.is_Pow and node.args[0].is_extended_negative:
            exponent = node.args[1]
            if exponent.is_Rational and not exponent.is_Integer:
                return True
    return False


def _at(expr: sp.Basic, symbol: sp.Symbol, value: sp.Basic) -> sp.Basic:
    """``expr`` at ``symbol = value``, or NaN (a vacuous case) where a logarithm or a denominator
    vanishes there: SymPy would otherwise evaluate ``log(0^x)/log(0)`` to 0."""
    for node in sp.preorder_traversal(expr):
        argument = None
        if isinstance(node, sp.log) or (node.is_Pow and node.args[1].is_negative):
            argument = node.args[0]
        if argument is not None and symbol in argument.free_symbols and argument.subs(symbol, value) == 0:
            return sp.nan
    return expr.subs(symbol, value)


def _branch_roots(expr: sp.Basic) -> list[tuple[sp.Symbol, sp.Expr]]:
    """Linear breakpoints of the bases of non-integer powers and of the arguments of logarithms."""
    found = []
    for node in sp.preorder_traversal(expr):
        argument = None
        if (node.is_Pow and not node.args[1].is_integer) or (isinstance(node, sp.log) and len(node.args) == 1):
            argument = node.args[0]
        if argument is None or argument.is_number:
            continue
        for factor in sp.Mul.make_args(sp.factor(argument)):
            base = factor.args[0] if factor.is_Pow and factor.args[1].is_Integer else factor
            for symbol in sorted(base.free_symbols, key=str):
                if not (isinstance(symbol, sp.Symbol) and symbol.is_extended_real):
                    continue
                if symbol.is_nonnegative or symbol.is_nonpositive:
                    continue
                slope = sp.expand(base).coeff(symbol, 1)
                rest = sp.expand(base - slope * symbol)
                if slope.is_number and slope.is_nonzero and symbol not in rest.free_symbols and rest.is_extended_real:
                    found.append((symbol, -rest / slope))
    return list(dict.fromkeys(found))


def _integer_exponents(expr: sp.Basic) -> sp.Basic:
    """``(negative)^k`` is real only for integer ``k``: on the natural domain a bare exponent k is one."""
    for node in sp.preorder_traversal(expr):
        if node.is_Pow and node.args[0].is_negative:
            exponent = node.args[1]
            if isinstance(exponent, sp.Symbol) and exponent.is_extended_real and exponent.is_integer is None:
                integer = helper_symbol(f"integer_{exponent}", integer=True)
                replaced = expr.xreplace({exponent: integer})
                return _odd_powers_of_minus_one(sp.expand_power_base(replaced, force=False))
    return None


def _odd_powers_of_minus_one(expr: sp.Basic) -> sp.Basic:
    """``(−1)^{c k + d}`` for integers c, d, k as ``(−1)^{(c mod 2) k + (d mod 2)}``."""

    def reduced(node: sp.Pow) -> sp.Basic:
        exponent = sp.expand(node.args[1])
        terms = []
        for term in sp.Add.make_args(exponent):
            coefficient, rest = term.as_coeff_Mul()
            if not (coefficient.is_Integer and rest.is_integer):
                return node
            terms.append((coefficient % 2) * rest)
        return sp.Pow(-1, sp.Add(*terms))

    return expr.replace(lambda node: node.is_Pow and node.args[0] == -1 and node.args[1].is_integer, reduced)


def _natural_cases(expr: sp.Basic) -> list[sp.Basic] | None:
    """On the natural real domain: an integer exponent of a negative base, or a split at a branch point."""
    integer = _integer_exponents(expr)
    if integer is not None:
        return [integer]
    for symbol, root in _branch_roots(expr):
        beyond = helper_symbol(f"beyond_{symbol}", positive=True)
        return [expr.xreplace({symbol: root + beyond}), expr.xreplace({symbol: root - beyond}), _at(expr, symbol, root)]
    return None


_SPLITTERS = (
    ("i = k", lambda e, context, real: delta_cases(e, context)),
    ("intervals", lambda e, context, real: _interval_cases(e)),
    ("breakpoints", lambda e, context, real: _breakpoint_cases(e)),
    ("signs", lambda e, context, real: sign_cases(e)),
    ("signs", lambda e, context, real: sign_cases(e, branches=True)),
    ("the natural domain", lambda e, context, real: _natural_cases(e) if real else None),
)


def case_split(difference: sp.Basic, context: Context, deadline: Deadline, real: bool = True) -> str | None:
    """Prove ``difference == 0`` by splitting into cases, each normalised (and split) again.

    Returns the method ("case split on signs", "case split on intervals and the natural domain", ...)
    or None. ``real`` is the real-domain semantics, where a case with a never-real part is vacuous.
    """
    used = _split(difference, context, deadline, real, 0)
    if used is None:
        return None
    return "case split on " + " and ".join(dict.fromkeys(used))


def _split(difference: sp.Basic, context: Context, deadline: Deadline, real: bool, depth: int) -> list[str] | None:
    if depth > 3:
        return None
    for name, splitter in _SPLITTERS:
        cases = splitter(difference, context, real)
        if cases is None:
            continue
        used = [name]
        try:
            with time_limit(deadline.share(0.3, floor=0.05)):
                for case in cases:
                    if _vacuous(case, real):
                        continue
                    normal = normal_form(case, context)
                    if rational_zero(normal) or _vacuous(normal, real):
                        continue
                    inner = _split(normal, context, deadline, real, depth + 1)
                    if inner is None:
                        break
                    used.extend(inner)
                else:
                    return used
        except BudgetExceeded:
            if deadline.expired():
                raise
            return None
    return None
