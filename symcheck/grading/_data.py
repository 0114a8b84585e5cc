"""A question's data put into a formula: ``y = [1, 0, 0]`` and ``ŷ = [0.1, 0.2, 0.7]`` into ``−Σ y_i log ŷ_i``,
or ``X = [[1, 0], [0, 1], [1, 1]]`` into ``(XᵀX)⁻¹Xᵀy``.

Data are given by name (the key's names) and are exact (a TOML ``0.1`` is 1/10). A number replaces
the name and every entry of it; a list gives the entries of an indexed name. A sum over the entries
of a listed name is written out over the data, whatever its written limits say when they are
symbolic (``\\sum_{i=0}^{n}`` over three entries is the sum of the three); with number limits the
sum runs over the entries it names, from index 0 if it starts at 0 and from 1 otherwise. A list of rows is
a matrix: it replaces a matrix of that name (and a list, a vector declared as a matrix), and the matrix
algebra is then carried out (products, inverses, rows x_i). An entry the data do not have is a
:class:`DataError`, never a guess.
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


def _matrix_entry(node: sp.Indexed, rows: list[list[sp.Rational]]) -> sp.Basic:
    if len(node.indices) != 2:
        return node
    row, column = (int(index) for index in node.indices)
    if not (1 <= row <= len(rows) and 1 <= column <= len(rows[0])):
        raise DataError(f"{node} is not in the data ({node.base} is {len(rows)} × {len(rows[0])})")
    return rows[row - 1][column - 1]


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


def _is_list(value: Any) -> bool:
    return isinstance(value, (list, tuple))


def _is_rows(value: Any) -> bool:
    return _is_list(value) and bool(value) and all(_is_list(row) for row in value)


def _matrices(expr: sp.Basic, scalars: dict, vectors: dict, rows: dict) -> sp.Basic:
    """Declared matrices and vectors (``MatrixSymbol``) replaced by the data's explicit ones, and the
    algebra carried out; sizes named in the data (n, d) go into the shapes first."""
    symbols = {atom: scalars[str(atom)] for atom in expr.free_symbols if str(atom) in scalars}
    if symbols:
        expr = expr.xreplace(symbols)
    explicit: dict[sp.Basic, sp.Basic] = {}
    for atom in expr.atoms(sp.MatrixSymbol):
        name = str(atom.name)
        if name in rows:
            explicit[atom] = sp.ImmutableMatrix(rows[name])
        elif name in vectors:
            values = vectors[name]
            shape = (len(values), 1) if atom.shape[1] == 1 else (1, len(values))
            explicit[atom] = sp.ImmutableMatrix(*shape, values)
    if not explicit:
        return expr
    for atom, value in explicit.items():
        if all(size.is_Integer for size in atom.shape) and tuple(atom.shape) != value.shape:
            raise DataError(
                f"{atom.name} is {atom.shape[0]} × {atom.shape[1]} here, but the data give it {value.shape}"
            )
    expr = expr.xreplace(explicit)
    return _carried_out(expr)


def _carried_out(expr: sp.Basic) -> sp.Basic:
    """The matrix algebra of explicit matrices done (``doit``), down to an explicit matrix where it can be."""
    if isinstance(expr, sp.MatrixExpr) and not expr.free_symbols:
        from symcheck.grading._explicit import with_explicit_constants

        try:
            done = with_explicit_constants(expr).doit()
        except (TypeError, ValueError, AttributeError, NotImplementedError, ZeroDivisionError) as error:
            raise DataError(f"the data make {expr} impossible to compute: {error}") from None
        if isinstance(done, sp.MatrixBase):
            return sp.ImmutableMatrix(done)
        return done
    if not expr.args or not expr.has(sp.MatrixExpr):
        return expr
    return expr.func(*(_carried_out(argument) for argument in expr.args))


def _at_the_data(expr: sp.Basic, names: set[str]) -> sp.Basic:
    """A derivative with respect to a name the data give (``∂L/∂w_1`` where w = 0) taken at the data, not with
    respect to a number: its variables become dummies, evaluated at the data's point (``Subs``)."""

    def frozen(node: sp.Derivative) -> sp.Basic:
        variables = [variable for variable, _ in node.variable_count]
        given = [v for v in variables if str(v.base if isinstance(v, sp.Indexed) else v) in names]
        if not given:
            return node
        dummies = {variable: sp.Dummy(str(variable)) for variable in given}
        inner = sp.Derivative(node.expr.xreplace(dummies), *((dummies.get(v, v), c) for v, c in node.variable_count))
        return sp.Subs(inner, tuple(dummies.values()), tuple(dummies))

    return expr.replace(lambda node: isinstance(node, sp.Derivative), frozen)


def apply_data(expr: Any, data: Iterable[tuple[str, Any]]) -> Any:
    """``expr`` with the data substituted (see the module docstring)."""
    if not isinstance(expr, sp.Basic):
        return expr
    pairs = list(data)
    if not pairs:
        return expr
    scalars = {name: exact(value) for name, value in pairs if not _is_list(value)}
    vectors = {
        name: [exact(item) for item in value] for name, value in pairs if _is_list(value) and not _is_rows(value)
    }
    rows = {name: [[exact(item) for item in row] for row in value] for name, value in pairs if _is_rows(value)}
    if expr.has(sp.Derivative):
        expr = _at_the_data(expr, {name for name, _ in pairs})
    if expr.has(sp.MatrixSymbol):
        expr = _matrices(expr, scalars, vectors, rows)
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
    if rows:
        expr = expr.replace(
            lambda node: (
                isinstance(node, sp.Indexed)
                and str(node.base) in rows
                and all(index.is_Integer for index in node.indices)
            ),
            lambda node: _matrix_entry(node, rows[str(node.base)]),
        )
    return expr
