"""Shapes of matrix expressions, names matched across notations, and the free indices of index forms."""

from __future__ import annotations

import itertools
from typing import Any

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from symcheck.model import Assumptions
from symcheck.objects import MatrixSum, Row

__all__ = [
    "ShapeMismatch",
    "describe",
    "free_indices",
    "ill_formed",
    "shape_diagnosis",
    "shape_of",
    "shape_text",
]


class ShapeMismatch(ValueError):
    """A matrix expression that cannot be formed: a product, sum or inverse of incompatible shapes."""


class _Unsupported(Exception):
    """Something this package does not model (it then leaves the claim undecided)."""


def _is_matrix(expr: Any) -> bool:
    return isinstance(expr, sp.MatrixExpr)


def _name(atom: sp.Basic) -> str:
    if isinstance(atom, sp.IndexedBase):
        return str(atom.label)
    return str(getattr(atom, "name", atom))


def _named(*exprs: sp.Basic) -> tuple[list[sp.Basic], dict[str, sp.IndexedBase]]:
    """The expressions with symbols and IndexedBases matched by name (the reader's X is the library's X).

    Of the variants of one name, the one carrying the most SymPy assumptions is kept (so the
    library's objects are left as they are, and rebuilding them is avoided); the IndexedBase
    chosen for each name is returned too, for the entries of MatrixSymbols of that name.
    """
    symbols: dict[str, sp.Symbol] = {}
    bases: dict[str, sp.IndexedBase] = {}
    for expr in exprs:
        for symbol in sorted(expr.atoms(sp.Symbol), key=lambda s: (-len(s.assumptions0), str(s))):
            symbols.setdefault(symbol.name, symbol)
        found = {node.base for node in expr.atoms(sp.Indexed)}
        for base in sorted(found, key=lambda b: (-len(b.label.assumptions0), str(b))):
            bases.setdefault(_name(base), base)
    mapping: dict[sp.Basic, sp.Basic] = {}
    for expr in exprs:
        for node in expr.atoms(sp.Indexed):
            if bases[_name(node.base)] != node.base:
                mapping[node.base] = bases[_name(node.base)]
    labels = {base.label for base in bases.values()}
    for expr in exprs:
        for symbol in expr.atoms(sp.Symbol):
            if symbols[symbol.name] != symbol and symbol not in labels:
                mapping[symbol] = symbols[symbol.name]
    if not mapping:
        return list(exprs), bases
    # bases first: a label Symbol replaced on its own would leave the base half-renamed
    first = {key: value for key, value in mapping.items() if isinstance(key, sp.IndexedBase)}
    rest = {key: value for key, value in mapping.items() if not isinstance(key, sp.IndexedBase)}
    return [expr.xreplace(first).xreplace(rest) if first or rest else expr for expr in exprs], bases


def _plain_names(*exprs: sp.Basic) -> list[sp.Basic]:
    """The expressions with symbols and IndexedBases matched by name (see :func:`_named`)."""
    return _named(*exprs)[0]


def _same_dimension(first: sp.Basic, second: sp.Basic) -> bool:
    return first == second or sp.expand(first - second) == 0


def shape_text(shape: tuple[sp.Basic, sp.Basic] | None) -> str:
    """``n × d``; a scalar (1 × 1) reads ``1 × 1 (a scalar)``."""
    if shape is None:
        return "of unknown shape"
    rows, cols = shape
    text = f"{sp.sstr(rows)} × {sp.sstr(cols)}"
    return text + (" (a scalar)" if rows == 1 and cols == 1 else "")


def _matrix_shape(expr: sp.MatrixExpr) -> tuple[sp.Basic, sp.Basic]:
    """The shape of a matrix expression, checking every product, sum and inverse inside it."""
    if isinstance(expr, sp.MatrixSymbol) or not expr.args:
        return tuple(expr.shape)
    if isinstance(expr, sp.Transpose):
        rows, cols = _matrix_shape(expr.arg)
        return cols, rows
    if isinstance(expr, sp.MatMul):
        matrices = [argument for argument in expr.args if _is_matrix(argument)]
        shapes = [_matrix_shape(argument) for argument in matrices]
        for (left, left_shape), (right, right_shape) in itertools.pairwise(zip(matrices, shapes, strict=True)):
            if not _same_dimension(left_shape[1], right_shape[0]):
                raise ShapeMismatch(
                    f"{describe(left)} is {shape_text(left_shape)} and {describe(right)} is {shape_text(right_shape)}: "
                    f"{sp.sstr(left_shape[1])} ≠ {sp.sstr(right_shape[0])}, so they cannot be multiplied"
                )
        return shapes[0][0], shapes[-1][1]
    if isinstance(expr, (sp.MatAdd, sp.HadamardProduct)):
        matrices = [argument for argument in expr.args if _is_matrix(argument)]
        shapes = [_matrix_shape(argument) for argument in matrices]
        for other, other_shape in zip(matrices[1:], shapes[1:], strict=True):
            if not all(_same_dimension(a, b) for a, b in zip(shapes[0], other_shape, strict=True)):
                kind = "added" if isinstance(expr, sp.MatAdd) else "multiplied entry by entry"
                raise ShapeMismatch(
                    f"{describe(matrices[0])} is {shape_text(shapes[0])} and {describe(other)} is "
                    f"{shape_text(other_shape)}: they cannot be {kind}"
                )
        return shapes[0]
    if isinstance(expr, (sp.Inverse, sp.MatPow)):
        rows, cols = _matrix_shape(expr.args[0])
        if not _same_dimension(rows, cols):
            raise ShapeMismatch(
                f"{describe(expr.args[0])} is {shape_text((rows, cols))}: only a square matrix has an inverse or powers"
            )
        return rows, cols
    if isinstance(expr, sp.DiagMatrix):
        rows, cols = _matrix_shape(expr.args[0])
        if rows != 1 and cols != 1:
            raise ShapeMismatch(f"diag takes a vector, and {describe(expr.args[0])} is {shape_text((rows, cols))}")
        return tuple(expr.shape)
    if isinstance(expr, ElementwiseApplyFunction):
        return _matrix_shape(expr.expr)
    for argument in expr.args:
        if _is_matrix(argument):
            _matrix_shape(argument)
    return tuple(expr.shape)


def ill_formed(expr: sp.Basic) -> str | None:
    """Why a matrix expression cannot be formed (``Xw`` with w n × 1, say), or None when it can."""
    if not _is_matrix(expr):
        return None
    try:
        _matrix_shape(_plain_names(expr)[0])
    except ShapeMismatch as error:
        return str(error)
    return None


def shape_of(
    expr: sp.Basic, *, indices: tuple[sp.Symbol, ...] | None = None, assumptions: Assumptions | None = None
) -> tuple[sp.Basic, sp.Basic] | None:
    """The shape (rows, cols) of a matrix expression, or of the entry an index form describes.

    A matrix expression that cannot be formed raises :class:`ShapeMismatch` (see :func:`ill_formed`).
    An index form with no free index is 1 × 1, with one a column, with two a matrix; the extent of a
    free index comes from ``assumptions`` (``indices={j: (1, d)}``) or from the sums it is used with
    (``X[i, j]`` next to ``Sum(X[i, k] ..., (k, 1, d))`` runs over 1..d); None where it is unknown.
    """
    if _is_matrix(expr):
        return _matrix_shape(_plain_names(expr)[0])
    free = tuple(indices) if indices is not None else free_indices(expr)
    if len(free) > 2:
        return None
    extents = _free_extents(expr, free, assumptions)
    dims = [extents.get(index, (None, None))[1] for index in free]
    if any(dim is None for dim in dims):
        return None
    return (dims[0] if dims else sp.Integer(1)), (dims[1] if len(dims) == 2 else sp.Integer(1))


def shape_diagnosis(claimed: sp.Basic, expected: sp.Basic, *, assumptions: Assumptions | None = None) -> str | None:
    """A sentence saying why ``claimed`` has the wrong shape where ``expected`` belongs, or None.

    >>> import sympy as sp
    >>> n, d = sp.symbols("n d", integer=True, positive=True)
    >>> X = sp.MatrixSymbol("X", n, d)
    >>> shape_diagnosis(sp.MatMul(X, X.T), sp.MatMul(X.T, X))
    'X Xᵀ is n × n where d × d belongs (Xᵀ X)'
    """
    problem = ill_formed(claimed)
    if problem is not None:
        return f"{describe(claimed)} cannot be formed: {problem}"
    try:
        got = shape_of(claimed, assumptions=assumptions)
        want = shape_of(expected, assumptions=assumptions)
    except ShapeMismatch:
        return None
    if got is None or want is None or _same_shape(got, want):
        return None
    return f"{describe(claimed)} is {shape_text(got)} where {shape_text(want)} belongs ({describe(expected)})"


def _same_shape(first: tuple, second: tuple) -> bool:
    return all(_same_dimension(a, b) for a, b in zip(first, second, strict=True))


def describe(expr: sp.Basic) -> str:
    """A short plain-text reading of a matrix expression: ``(1/n) Xᵀ (X w − y)``."""
    if not _is_matrix(expr):
        return sp.sstr(expr)

    def wrapped(argument: sp.Basic) -> str:
        text = describe(argument)
        return text if isinstance(argument, sp.MatrixSymbol) else f"({text})"

    if isinstance(expr, Row):
        return f"{describe(expr.matrix).lower()}_{sp.sstr(expr.index)}"
    if isinstance(expr, MatrixSum):
        return f"Σ_{sp.sstr(expr.limits[0])} {wrapped(expr.function)}"
    if isinstance(expr, sp.MatrixSymbol):
        return str(expr.name)
    if isinstance(expr, sp.Transpose):
        return f"{wrapped(expr.arg)}ᵀ"
    if isinstance(expr, sp.Inverse):
        return f"{wrapped(expr.arg)}⁻¹"
    if isinstance(expr, sp.Identity):
        return "I"
    if isinstance(expr, sp.ZeroMatrix):
        return "0"
    if isinstance(expr, sp.DiagMatrix):
        return f"diag({describe(expr.args[0])})"
    if isinstance(expr, ElementwiseApplyFunction):
        function = expr.function
        name = function.expr.func.__name__ if isinstance(function, sp.Lambda) else str(function)
        return f"{name}({describe(expr.expr)})"
    if isinstance(expr, sp.MatMul):
        scalars = sp.Mul(*(a for a in expr.args if not _is_matrix(a)))
        factors = [a for a in expr.args if _is_matrix(a)]
        plain = (sp.MatrixSymbol, sp.Transpose, sp.Inverse, sp.Identity, sp.ZeroMatrix, sp.DiagMatrix)
        parts = [describe(a) if isinstance(a, plain) else f"({describe(a)})" for a in factors]
        if scalars == -1:
            return "−" + " ".join(parts)
        return " ".join(([] if scalars == 1 else [f"({sp.sstr(scalars)})"]) + parts)
    if isinstance(expr, sp.MatAdd):
        text = describe(expr.args[0])
        for argument in expr.args[1:]:
            part = describe(argument)
            text += f" − {part[1:]}" if part.startswith("−") else f" + {part}"
        return text
    if isinstance(expr, sp.HadamardProduct):
        return " ⊙ ".join(f"({describe(a)})" for a in expr.args)
    return sp.sstr(expr)


# --------------------------------------------------------------------------- free indices and their ranges


def free_indices(expr: sp.Basic) -> tuple[sp.Symbol, ...]:
    """The free indices of an index form, in alphabetical order of their names (the matching order).

    A free index is a symbol used as an index (of an ``Indexed`` entry or a Kronecker delta) and
    not summed over; the sizes (sum bounds) are not indices.
    """
    if _is_matrix(expr) or not isinstance(expr, sp.Basic):
        return ()
    free = expr.free_symbols
    used: set[sp.Basic] = set()
    bounds: set[sp.Basic] = set()
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Indexed):
            for index in node.indices:
                used |= index.free_symbols
        elif isinstance(node, sp.KroneckerDelta):
            used |= node.free_symbols
        elif isinstance(node, sp.Sum):
            for _, lower, upper in node.limits:
                bounds |= lower.free_symbols | upper.free_symbols
        elif isinstance(node, sp.Derivative):
            # SymPy leaves the index of ∂/∂w_j out of the derivative's free symbols
            free = free | set().union(*(variable.free_symbols for variable in node.variables))
    return tuple(sorted((used & free) - bounds, key=lambda symbol: symbol.name))


def _base_extents(expr: sp.Basic) -> dict[tuple[str, int], tuple[sp.Basic, sp.Basic]]:
    """(base name, position) → (lower, upper), read off the sums each position is summed over."""
    extents: dict[tuple[str, int], tuple[sp.Basic, sp.Basic]] = {}

    def visit(node: sp.Basic, bound: dict[sp.Basic, tuple[sp.Basic, sp.Basic]]) -> None:
        if isinstance(node, sp.Sum):
            inner = dict(bound)
            for variable, lower, upper in node.limits:
                inner[variable] = (lower, upper)
            visit(node.function, inner)
            return
        if isinstance(node, sp.Indexed):
            for position, index in enumerate(node.indices):
                if index in bound:
                    extents.setdefault((_name(node.base), position), bound[index])
            return
        for argument in node.args:
            visit(argument, bound)

    visit(expr, {})
    return extents


def _free_extents(
    expr: sp.Basic,
    free: tuple[sp.Symbol, ...],
    assumptions: Assumptions | None,
    known: dict[tuple[str, int], tuple[sp.Basic, sp.Basic]] | None = None,
) -> dict[sp.Symbol, tuple[sp.Basic, sp.Basic]]:
    """The range of each free index: declared in the assumptions, or inferred from how it is used."""
    extents = dict(known or {})
    for key, value in _base_extents(expr).items():
        extents.setdefault(key, value)
    ranges: dict[sp.Symbol, tuple[sp.Basic, sp.Basic]] = {}
    for index in free:
        declared = next(
            (r for r in (assumptions.indices if assumptions else ()) if getattr(r.index, "name", None) == index.name),
            None,
        )
        if declared is not None:
            ranges[index] = (declared.lower, declared.upper)
            continue
        for node in expr.atoms(sp.Indexed):
            for position, used in enumerate(node.indices):
                if used == index and (_name(node.base), position) in extents:
                    ranges[index] = extents[(_name(node.base), position)]
                    break
            if index in ranges:
                break
    return ranges


def _matrix_extents(*exprs: sp.Basic) -> dict[tuple[str, int], tuple[sp.Basic, sp.Basic]]:
    """(name, position) → (1, size) for the MatrixSymbols of matrix expressions (a vector: one position)."""
    extents = {}
    for expr in exprs:
        if not _is_matrix(expr):
            continue
        for symbol in expr.atoms(sp.MatrixSymbol):
            rows, cols = symbol.shape
            dims = [dim for dim in (rows, cols) if dim != 1] if (rows == 1 or cols == 1) else [rows, cols]
            for position, dim in enumerate(dims):
                extents[(str(symbol.name), position)] = (sp.Integer(1), dim)
    return extents
