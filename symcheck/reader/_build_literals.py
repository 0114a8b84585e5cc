r"""The builder's explicit matrices and vectors, primes and extrema (parsed by :mod:`symcheck.reader._parser_matrices`).

``(p_1, \dots, p_n)`` is the vector p; ``(p_1(1 - p_1), \dots, p_n(1 - p_n))`` is the vector of the entries
p_i(1 − p_i), i = 1..n, built entry by entry as p ∘ (1 − p); a list whose first and last items are not the
same expression at two indices is refused, never guessed.
"""

from __future__ import annotations

from typing import Any

import sympy

from symcheck.objects import DescribedMatrix, Extremum
from symcheck.reader import _syntax as syntax
from symcheck.reader._build_matrices import as_matrix, elementwise, is_matrix, matrix_product, matrix_sum

__all__ = ["build_extremum", "build_items", "build_matrix", "build_prime", "entry_vector"]


def build_matrix(builder: Any, node: syntax.MatrixLiteral) -> sympy.Basic:
    if any(isinstance(cell, syntax.Elided) for row in node.rows for cell in row):
        # a matrix written with ⋯, ⋮, ⋱: its general entries from the 2 × 2 block it starts with, or not read
        return _described(builder, node) or sympy.Function("matrix_with_dots")()
    rows = [[builder.build(cell) for cell in row] for row in node.rows]
    for row, cells in zip(node.rows, rows, strict=True):
        for cell, value in zip(row, cells, strict=True):
            if is_matrix(value):
                builder._error("a matrix inside a matrix is not read", cell.start)
    return sympy.ImmutableMatrix(rows)


def _described(builder: Any, node: syntax.MatrixLiteral) -> sympy.Basic | None:
    rows = node.rows
    if len(rows) < 2 or len(rows[0]) < 2 or len(rows[1]) < 2:
        return None
    block = [[rows[r][c] for c in range(2)] for r in range(2)]
    if any(isinstance(cell, syntax.Elided) for row in block for cell in row):
        return None
    (e11, e12), (e21, e22) = [[builder.build(cell) for cell in row] for row in block]
    a = sympy.Dummy("a", integer=True, positive=True)
    b = sympy.Dummy("b", integer=True, positive=True)
    diagonal = _at_indices(e11, {1: a})
    off = _at_indices(e12, {1: a, 2: b})
    if diagonal is None or off is None:
        return None
    if diagonal.xreplace({a: 2}) != e22 or off.xreplace({a: 2, b: 1}) != e21:
        return None  # the entries written do not follow one pattern: not read as a general matrix
    return DescribedMatrix(sympy.Lambda(a, diagonal), sympy.Lambda((a, b), off))


def _at_indices(entry: sympy.Basic, indices: dict[int, sympy.Basic]) -> sympy.Basic | None:
    """``entry`` with its whole-number indices 1, 2 made the general ones (ŷ_1 ŷ_2 → ŷ_a ŷ_b); None if it has none."""
    found = [node for node in entry.atoms(sympy.Indexed) if all(index.is_Integer for index in node.indices)]
    if not found or any(int(index) not in indices for node in found for index in node.indices):
        return None
    return entry.xreplace({node: node.base[tuple(indices[int(i)] for i in node.indices)] for node in found})


def build_items(builder: Any, node: syntax.Items) -> sympy.Basic:
    """``(a, b, c)``: a column vector; with ``\\dots``, the vector its first and last items describe."""
    elided = [position for position, item in enumerate(node.items) if isinstance(item, syntax.Elided)]
    if not elided:
        values = [builder.build(item) for item in node.items]
        for item, value in zip(node.items, values, strict=True):
            if is_matrix(value):
                builder._error("a vector inside a list is not read", item.start)
        return sympy.ImmutableMatrix([[value] for value in values])
    return described_vector(builder, node.items, node.start)


def described_vector(builder: Any, items: tuple[syntax.Node, ...], start: int) -> sympy.Basic:
    """The vector of ``(f(1), …, f(n))``: f(i) for i = 1..n, with f read from the first and last items."""
    elided = [position for position, item in enumerate(items) if isinstance(item, syntax.Elided)]
    if len(elided) != 1 or elided[0] in (0, len(items) - 1):
        builder._error("a list with \\dots is read as (first, …, \\dots, last)", start)
    first, last = builder.build(items[0]), builder.build(items[-1])
    index = sympy.Dummy("i", integer=True, positive=True)
    for start_at in (1, 0):
        general = _generalised(first, start_at, index)
        if general is None:
            continue
        upper = _matching_upper(general, last, index)
        if upper is not None:
            vector = entry_vector(general, index, builder.notation)
            if vector is not None:
                return vector
    builder._error("cannot tell which entries this list stands for: write (f(1), \\dots, f(n)) with the same f", start)


def _generalised(first: sympy.Basic, value: int, index: sympy.Dummy) -> sympy.Basic | None:
    entries = [node for node in first.atoms(sympy.Indexed) if node.indices == (sympy.Integer(value),)]
    if not entries:
        return None
    return first.xreplace({node: node.base[index] for node in entries})


def _matching_upper(general: sympy.Basic, last: sympy.Basic, index: sympy.Dummy) -> sympy.Basic | None:
    found = [node for node in last.atoms(sympy.Indexed) if len(node.indices) == 1]
    for node in found:
        upper = node.indices[0]
        if general.xreplace({index: upper}) == last:
            return upper
    return None


def entry_vector(general: sympy.Basic, index: sympy.Basic, notation: Any) -> sympy.Basic | None:
    """The vector whose entry ``index`` is ``general`` (``p_i(1 - p_i)`` → p ∘ (1 − p)); None if an entry
    uses anything but the entries of declared vectors at ``index``."""

    def whole(expr: sympy.Basic) -> sympy.Basic | None:
        if isinstance(expr, sympy.Indexed):
            if expr.indices != (index,):
                return None
            return as_matrix(expr.base, notation)
        if index not in expr.free_symbols:
            return expr
        if isinstance(expr, sympy.Add):
            terms = [whole(term) for term in expr.args]
            return None if any(term is None for term in terms) else matrix_sum(terms, notation)
        if isinstance(expr, sympy.Mul):
            factors = [whole(factor) for factor in expr.args]
            return None if any(factor is None for factor in factors) else matrix_product(factors, notation)
        if isinstance(expr, sympy.Pow):
            base = whole(expr.base)
            if base is None or index in expr.exp.free_symbols:
                return None
            return sympy.HadamardPower(base, expr.exp) if is_matrix(base) else base**expr.exp
        if isinstance(expr, sympy.Function) and len(expr.args) == 1:
            argument = whole(expr.args[0])
            return None if argument is None else elementwise(expr.func, argument)
        return None

    vector = whole(general)
    return vector if is_matrix(vector) else None


def build_prime(builder: Any, node: syntax.Prime) -> sympy.Basic:
    """``f'(x)``: d f(t)/dt at t = x (a derivative in x when x is a name)."""
    if node.builtin:
        function = sympy.log if node.function in ("log", "ln") else getattr(sympy, node.function, None)
        if function is None:
            builder._error(f"{node.function}′ is not read", node.start)
    else:
        function = builder.notation.functions.get(node.function) or sympy.Function(node.function)
    argument = builder.build(node.argument)
    if is_matrix(argument):
        builder._error(f"{node.function}′ of a vector is not read: write it entry by entry", node.start)
    if isinstance(argument, sympy.Symbol):
        return sympy.Derivative(function(argument), (argument, node.order), evaluate=False)
    t = sympy.Dummy("t", real=True)
    return sympy.Subs(sympy.Derivative(function(t), (t, node.order), evaluate=False), t, argument)


def build_extremum(builder: Any, node: syntax.Extremum) -> sympy.Basic:
    variable = builder.build(node.variable)
    body = builder.build(node.body)
    return Extremum(body, variable, sympy.Integer(1 if node.kind == "max" else -1))
