"""Case splits: proving ``difference == 0`` piece by piece, each piece normalised again.

* ``i = k`` / ``i ≠ k`` for a Kronecker delta of two free indices;
* the intervals between the rational breakpoints of one symbol, each Abs/Max/Piecewise of it
  resolved to the branch it takes there (:func:`symcheck.breakpoints.interval_cases`);
* ``x > r``, ``x < r``, ``x = r`` at a linear breakpoint (``x = r ± t`` with ``t > 0``);
* the sign of a real symbol (in Abs/Max/Piecewise, or under a root or a logarithm), and of a real
  entry ``s[i]`` or inner sum ``Σ_l X[i, l] w[l]`` inside an Abs, generalised to a real symbol first;
* on the real domain, the *natural domain*: a case where some part of either side is never real
  (``log(−t)``, ``(−t)^k`` for non-integer k) or undefined (a division by 0) is not one where the
  two sides are compared, and ``(negative)^k`` is real only for an integer ``k``.

Every split covers its domain (the cases' union is everything), so a proof in each case is a proof.

:func:`sums_termwise` proves a difference of finite sums over one range by proving the difference of
their summands for every integer value of the index (the summands equal, so are the sums).
"""

from __future__ import annotations

import sympy as sp

from symcheck.breakpoints import interval_cases, linear_roots
from symcheck.budget import BudgetExceeded, Deadline, time_limit
from symcheck.normalize import (
    Context,
    delta_cases,
    helper_symbol,
    is_real,
    normal_form,
    rational_zero,
    sign_cases,
)

__all__ = ["case_split", "sums_termwise"]


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


def _generalised(expr: sp.Basic, context: Context) -> sp.Basic | None:
    """``expr`` with each real entry ``s[i]`` or sum inside an Abs, sign, Heaviside, Max or Min as a real symbol.

    If the result is 0 for every real value of the new symbols, ``expr`` is 0 (each stands for a real
    number, wherever it occurs); occurrences in another form only keep their original variables.
    Each new symbol is a name not yet in ``expr``, so two different quantities never become one; and
    an argument with a summation index in it is left alone (``Σ_i (−1)^i |s_i|`` is not ``Σ_i (−1)^i |t|``:
    its terms are different numbers), which :func:`sums_termwise` handles by freeing the index first.
    """
    taken = {symbol.name for symbol in expr.free_symbols if isinstance(symbol, sp.Symbol)}
    bound = {limit[0] for node in expr.atoms(sp.Sum, sp.Product) for limit in node.limits}
    replacements: dict[sp.Basic, sp.Symbol] = {}
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.Abs, sp.sign, sp.Heaviside)):
            arguments = node.args[:1]
        elif isinstance(node, (sp.Max, sp.Min)):
            arguments = node.args
        else:
            continue
        for argument in arguments:
            if (
                isinstance(argument, (sp.Indexed, sp.Sum))
                and argument not in replacements
                and not argument.free_symbols & bound
                and (argument.is_extended_real or is_real(argument, context))
            ):
                number = len(replacements)
                while (symbol := helper_symbol(f"value_{number}", real=True)).name in taken:
                    number += 1
                taken.add(symbol.name)
                replacements[argument] = symbol
    return expr.xreplace(replacements) if replacements else None


def _generalised_sign_cases(expr: sp.Basic, context: Context) -> list[sp.Basic] | None:
    general = _generalised(expr, context)
    return None if general is None else sign_cases(general)


_SPLITTERS = (
    ("i = k", lambda e, context, real: delta_cases(e, context)),
    ("intervals", lambda e, context, real: _interval_cases(e)),
    ("breakpoints", lambda e, context, real: _breakpoint_cases(e)),
    ("signs", lambda e, context, real: sign_cases(e)),
    ("signs", lambda e, context, real: sign_cases(e, branches=True)),
    ("signs", lambda e, context, real: _generalised_sign_cases(e, context) if real else None),
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


# --------------------------------------------------------------------------- sums, term by term


def _linear_in_sums(expr: sp.Basic) -> tuple[list[tuple[sp.Basic, sp.Sum]], sp.Basic] | None:
    """``expr`` as ``Σ_k c_k S_k + R``: (coefficient, sum) pairs and the rest without sums, or None.

    None when a sum occurs other than linearly (in a power, a function, a product of two sums).
    """
    if isinstance(expr, sp.Sum):
        return [(sp.S.One, expr)], sp.S.Zero
    if not expr.has(sp.Sum):
        return [], expr
    if expr.is_Add:
        pairs, rest = [], sp.S.Zero
        for term in expr.args:
            found = _linear_in_sums(term)
            if found is None:
                return None
            pairs.extend(found[0])
            rest += found[1]
        return pairs, rest
    if expr.is_Mul:
        with_sums = [factor for factor in expr.args if factor.has(sp.Sum)]
        if len(with_sums) != 1:
            return None
        coefficient = sp.Mul(*(factor for factor in expr.args if factor is not with_sums[0]))
        found = _linear_in_sums(with_sums[0])
        if found is None:
            return None
        return [(coefficient * c, total) for c, total in found[0]], coefficient * found[1]
    return None


def _summands(pairs: list[tuple[sp.Basic, sp.Sum]]) -> dict[tuple, sp.Basic] | None:
    """The summands of sums over the same ranges added up, each index renamed to one integer symbol."""
    merged: dict[tuple, sp.Basic] = {}
    for coefficient, total in pairs:
        renaming: dict[sp.Basic, sp.Symbol] = {}
        ranges = []
        for position, (variable, lower, upper) in enumerate(total.limits):
            renaming[variable] = helper_symbol(f"term_{position}", integer=True)
            ranges.append((lower.xreplace(renaming), upper.xreplace(renaming)))
        if set(renaming) & coefficient.free_symbols:
            return None
        key = tuple(ranges)
        merged[key] = merged.get(key, sp.S.Zero) + coefficient * total.function.xreplace(renaming)
    return merged


def sums_termwise(difference: sp.Basic, context: Context, deadline: Deadline, real: bool = True) -> str | None:
    """Prove ``Σ_i f(i) − Σ_i g(i) = 0`` (and linear combinations of sums) from ``f(i) = g(i)``.

    The sums over one range are merged into one sum of the combined summand, which is proved 0 for
    every integer value of the index (the range is not assumed, so a reversed range is covered too),
    by the normal form or a case split. Returns the method, or None.
    """
    found = _linear_in_sums(difference)
    if found is None or not found[0] or not rational_zero(found[1]):
        return None
    summands = _summands(found[0])
    if summands is None:
        return None
    used: list[str] = []
    try:
        with time_limit(deadline.share(0.5, floor=0.05)):
            for summand in summands.values():
                normal = normal_form(summand, context)
                if rational_zero(normal):
                    continue
                inner = _split(_generalised(normal, context) or normal, context, deadline, real, 0)
                if inner is None:
                    return None
                used.extend(inner)
    except BudgetExceeded:
        if deadline.expired():
            raise
        return None
    cases = " and ".join(dict.fromkeys(used))
    return "summands equal term by term" + (f" (case split on {cases})" if cases else "")
