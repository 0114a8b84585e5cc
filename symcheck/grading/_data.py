"""A question's data put into a formula: ``y = [1, 0, 0]`` and ``ŷ = [0.1, 0.2, 0.7]`` into ``−Σ y_i log ŷ_i``.

Data are given by name (the key's names) and are exact (a TOML ``0.1`` is 1/10). A number replaces
the name and every entry of it; a list gives the entries of an indexed name. A sum over the entries
of a listed name is written out over the data, whatever its written limits say when they are
symbolic (``\\sum_{i=0}^{n}`` over three entries is the sum of the three); with number limits the
sum runs over the entries it names, from index 0 if it starts at 0 and from 1 otherwise. An entry the
data do not have is a :class:`DataError`, never a guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Any

import sympy as sp

__all__ = ["MAX_TERMS", "DataError", "apply_data", "exact"]

MAX_TERMS = 1000
"""Longest sum written out when data make its limits concrete (a hostile key cannot ask for 10^9)."""


class DataError(ValueError):
    """The data cannot be put into the formula (an entry out of range, a sum too long)."""


def exact(value: Any) -> sp.Rational:
    fraction = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    return sp.Rational(fraction.numerator, fraction.denominator)


def _vector_names(node: sp.Basic, vectors: dict[str, list[sp.Rational]]) -> set[str]:
    return {str(entry.base) for entry in node.atoms(sp.Indexed) if str(entry.base) in vectors}


def _written_out(node: sp.Basic, vectors: dict[str, list[sp.Rational]]) -> sp.Basic:
    """A sum or product over the data's entries, written out term by term."""
    if len(node.limits) != 1:
        return node
    index, lower, upper = node.limits[0]
    used = _vector_names(node.function, vectors)
    if used and not (lower.is_Integer and upper.is_Integer):
        length = len(vectors[next(iter(used))])
        origin = 0 if lower == 0 else 1
        lower, upper = sp.Integer(origin), sp.Integer(origin + length - 1)
    elif not (lower.is_Integer and upper.is_Integer):
        return node
    count = int(upper) - int(lower) + 1
    if count > MAX_TERMS:
        raise DataError(f"{node} would have {count} terms; at most {MAX_TERMS} are written out")
    origin = 0 if lower == 0 else 1
    terms = [
        _entries(node.function.xreplace({index: sp.Integer(value)}), vectors, origin)
        for value in range(int(lower), int(upper) + 1)
    ]
    if isinstance(node, sp.Sum):
        return sp.Add(*terms, evaluate=False)
    return sp.Mul(*terms, evaluate=False)


def _entries(expr: sp.Basic, vectors: dict[str, list[sp.Rational]], origin: int) -> sp.Basic:
    def entry(node: sp.Indexed) -> sp.Basic:
        values = vectors[str(node.base)]
        if len(node.indices) != 1 or not node.indices[0].is_Integer:
            return node
        position = int(node.indices[0]) - origin
        if not 0 <= position < len(values):
            first = origin
            raise DataError(f"{node} is not in the data ({node.base} has entries {first}..{first + len(values) - 1})")
        return values[position]

    return expr.replace(lambda node: isinstance(node, sp.Indexed) and str(node.base) in vectors, entry)


def apply_data(expr: Any, data: Iterable[tuple[str, Any]]) -> Any:
    """``expr`` with the data substituted (see the module docstring)."""
    if not isinstance(expr, sp.Basic):
        return expr
    pairs = list(data)
    if not pairs:
        return expr
    scalars = {name: exact(value) for name, value in pairs if not isinstance(value, list)}
    vectors = {name: [exact(item) for item in value] for name, value in pairs if isinstance(value, list)}
    if scalars:
        expr = expr.replace(
            lambda node: isinstance(node, sp.Indexed) and str(node.base) in scalars,
            lambda node: scalars[str(node.base)],
        )
        expr = expr.xreplace({atom: scalars[str(atom)] for atom in expr.atoms(sp.Symbol) if str(atom) in scalars})
    with sp.evaluate(False):  # a mean stays (t1 + t2 + t3)/3, as the catalogue of mistakes needs it
        expr = expr.replace(
            lambda node: isinstance(node, (sp.Sum, sp.Product)), lambda node: _written_out(node, vectors)
        )
    if vectors:
        expr = _entries(expr, vectors, 1)
    return expr
