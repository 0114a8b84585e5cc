"""Matrix and index notation: ``Xᵀ(Xw − y)`` and ``Σ_i (x_iᵀw − y_i) x_ij`` are the same claim.

Two notations meet here, both with symbolic sizes (n samples, d features):

* **matrix form**: ``MatrixSymbol`` objects (X: n × d, w: d × 1, ...) under ``MatAdd``, ``MatMul``
  (scalars included), ``Transpose``, ``Inverse``, ``Identity``, ``ZeroMatrix``, ``DiagMatrix``,
  ``HadamardProduct`` and ``ElementwiseApplyFunction``. A 1 × 1 expression (vᵀXᵀXv) is a scalar.
* **index form**: entries ``X[i, j]``, ``w[j]``, sums ``Sum(..., (i, 1, n))`` and free indices for
  the entry meant (j for a gradient entry, (j, k) for a Hessian entry); ``Trace(A)`` is Σ_a A[a, a];
  derivatives by entries (``Derivative(L, w[j])``) are carried out.

:func:`to_index_form` writes the entry of a matrix expression in index form. :func:`equivalent_matrices`
decides whether two sides (either notation, in any mix) are the same matrix:

1. **shapes** first: a shape that differs (XXᵀ, n × n, where XᵀX, d × d, belongs) or a product that
   cannot be formed is a wrong claim (``holds=False``) whose detail names both shapes; never an
   exception.
2. **proof for every size**: both sides become index forms with the same free indices; products
   turn into sums over fresh dummies, transposes swap indices, diag and the identity become
   Kronecker deltas, and an inverse is an opaque entry named by the canonical form of its argument
   (so (XᵀX)⁻¹ and (XᵀX)ᵀ⁻¹ are one object, and A⁻¹A cancels). The difference is expanded into
   terms Σ_{dummies} (product), deltas are sifted within their ranges, the dummies of each term
   are renamed canonically, and the terms sharing their sums are added and cancelled as rational
   functions. Every rewrite is an identity for all n and d, so a zero difference is a proof.
3. **refutation at explicit sizes**: small distinct sizes (d = 2, n = 3, ...) and random exact
   rational entries; a confirmed difference is a counterexample (sizes, entry, inputs, both values).
4. otherwise undecided (``holds=None``), never a guess.

**How free indices are matched.** An index form's free indices (symbols used as indices and not
summed over, :func:`free_indices`) are matched with the rows and columns of a matrix side in
alphabetical order of their names (so for ``H[j, k]``, j is the row and k the column), unless
``indices=(row, col)`` names them; a vector (n × 1 or 1 × n) takes one free index, a 1 × 1 matrix
none; an index form that is the number 0 is the zero matrix of any shape ("= 0"). Two index forms
are compared as functions of all the free indices of either side, matched by name (``X[i, j]``
and ``X[i, k]`` are different claims): to compare an entry written with k against one written
with j, compare it with the matrix form, or rename. The extent of a free index comes from the
matrix side, the ``assumptions`` (``indices={j: (1, d)}``) or the sums it is used with. Symbols
and IndexedBase/MatrixSymbol names are matched by name, whatever their SymPy assumptions: the X
of a reader and the X of the library are the same matrix. An undefined function named ``sigma``
is the logistic sigmoid when sampled.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from symcheck.budget import BudgetExceeded, Deadline, time_limit
from symcheck.matrices._canonical import _proved_zero, canonical_index_form
from symcheck.matrices._entries import _COL, _ROW, _Entries, _index_symbols, to_index_form
from symcheck.matrices._refute import _Refuter
from symcheck.matrices._shapes import (
    ShapeMismatch,
    _free_extents,
    _is_matrix,
    _matrix_extents,
    _matrix_shape,
    _named,
    _same_dimension,
    _same_shape,
    _Unsupported,
    describe,
    free_indices,
    ill_formed,
    shape_diagnosis,
    shape_of,
    shape_text,
)
from symcheck.model import Assumptions, Domain
from symcheck.results import Verdict

__all__ = [
    "ShapeMismatch",
    "canonical_index_form",
    "describe",
    "equivalent_matrices",
    "free_indices",
    "handles",
    "ill_formed",
    "is_index_form",
    "shape_diagnosis",
    "shape_of",
    "shape_text",
    "to_index_form",
]

_SPECIAL = (sp.Piecewise, sp.Max, sp.Min, sp.Abs, sp.Product, sp.Integral, sp.Heaviside, sp.sign)
"""Index forms holding these are left to the scalar ladder (case splits, bounds)."""
_UNMODELLED = (Domain.SIMPLEX, Domain.ONE_HOT, Domain.COMPLEX)


# --------------------------------------------------------------------------- recognising the notations


def is_index_form(expr: Any) -> bool:
    """A scalar expression with nested sums (a sum inside a sum, or one sum over several indices).

    Single sums are left to the scalar ladder of :func:`symcheck.equivalent`, which handles them
    (and Kronecker deltas, simplex labels, case splits) on its own.
    """
    if not isinstance(expr, sp.Expr) or _is_matrix(expr):
        return False
    found = _kinds(expr)
    if found & {"special", "matrix"}:
        return False
    return bool(found & {"trace", "nested"})  # tr(A) is the sum of A's diagonal


def _kinds(expr: sp.Basic) -> set[str]:
    """What an expression holds ("special", "matrix", "trace", "sum", "nested"), each distinct
    subexpression visited once (a large expression often shares its subtrees: SymPy's ``has``
    would walk them again at every occurrence)."""
    found: set[str] = set()
    seen: set[sp.Basic] = set()
    stack = [(expr, False)]
    while stack:
        node, inside_sum = stack.pop()
        if (node, inside_sum) in seen or node.is_Atom:
            continue
        seen.add((node, inside_sum))
        if isinstance(node, _SPECIAL):
            found.add("special")
        elif isinstance(node, sp.Trace):
            found.add("trace")
            continue
        elif isinstance(node, MatrixElement):
            continue  # X[i, j] of a MatrixSymbol: an entry, read as X_ij
        elif isinstance(node, sp.MatrixExpr):
            found.add("matrix")
        elif isinstance(node, sp.Sum):
            found.add("nested" if inside_sum or len(node.limits) > 1 else "sum")
            stack.extend((argument, True) for argument in node.args)
            continue
        stack.extend((argument, inside_sum) for argument in node.args)
    return found


def handles(left: Any, right: Any, assumptions: Assumptions | None = None) -> bool:
    """Whether :func:`equivalent_matrices` should decide ``left`` against ``right`` (cheap to ask).

    Matrix expressions always; index forms with nested sums unless the assumptions declare what
    this package does not model (probability vectors, pinned entries, distinct indices), which the
    scalar ladder of :func:`symcheck.equivalent` handles.
    """
    if isinstance(left, sp.MatrixBase) or isinstance(right, sp.MatrixBase):
        return False  # explicit matrices are compared entry by entry by symcheck.equivalent itself
    if _is_matrix(left) or _is_matrix(right):
        return True
    if assumptions is not None and _unmodelled(assumptions):
        return False
    return is_index_form(left) or is_index_form(right)


def _unmodelled(assumptions: Assumptions) -> bool:
    return bool(
        any(domain in _UNMODELLED for _, domain in assumptions.domains) or assumptions.pinned or assumptions.distinct
    )


# --------------------------------------------------------------------------- the decision


@dataclass(frozen=True)
class _Side:
    expr: sp.Basic
    matrix: bool
    shape: tuple[sp.Basic, sp.Basic] | None
    free: tuple[sp.Symbol, ...] = ()


def _as_deadline(deadline: Deadline | float | None) -> Deadline:
    return deadline if isinstance(deadline, Deadline) else Deadline(deadline)


def equivalent_matrices(
    left: sp.Basic,
    right: sp.Basic,
    assumptions: Assumptions | None = None,
    deadline: Deadline | float | None = None,
    *,
    indices: tuple[sp.Symbol, ...] | None = None,
    seed: int = 20261126,
) -> Verdict:
    """Decide whether two matrix or index-form expressions are the same matrix (see the module doc).

    ``deadline`` is a :class:`~symcheck.budget.Deadline` or a number of seconds (None: no limit).
    ``indices`` names the free indices of an index-form side as (row, column); without it they are
    matched in alphabetical order of their names. Returns True only for a proof valid for every
    size, False with a shape diagnosis or a counterexample, None otherwise.

    >>> import sympy as sp
    >>> n, d = sp.symbols("n d", integer=True, positive=True)
    >>> X = sp.MatrixSymbol("X", n, d)
    >>> v = equivalent_matrices(sp.MatMul(X, X.T), sp.MatMul(X.T, X))
    >>> v.holds, v.detail
    (False, 'shapes differ: X Xᵀ is n × n but Xᵀ X is d × d')
    """
    started = time.perf_counter()
    deadline = _as_deadline(deadline)
    assumptions = assumptions or Assumptions()
    left, right = _as_sympy(left), _as_sympy(right)  # strings are refused before anything is tried
    # index forms alone may still go to the scalar ladder after this: they take half the budget
    budget = deadline.remaining() if _is_matrix(left) or _is_matrix(right) else deadline.share(0.5)
    try:
        with time_limit(budget):
            verdict = _decide(left, right, assumptions, indices, seed)
    except BudgetExceeded:
        verdict = Verdict(None, "timeout", "matrix equivalence not decided in time")
    except _Unsupported as error:
        verdict = Verdict(None, "unsupported", f"matrix/index form: {error}")
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, NotImplementedError) as error:
        # SymPy refusing an object on the way: not decided here (symcheck.equivalent falls through)
        verdict = Verdict(None, "unsupported", f"matrix/index form: {type(error).__name__}: {error}")
    except RecursionError:
        verdict = Verdict(None, "too deep", "the expression is too deeply nested to analyse")
    return replace(verdict, seconds=time.perf_counter() - started)


def _as_sympy(value: Any) -> sp.Basic:
    """SymPy objects and Python integers only: a string would have to be parsed, which runs code."""
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return sp.Integer(value)
    raise TypeError(f"equivalent_matrices() takes SymPy expressions, not {type(value).__name__}")


def _side(expr: sp.Basic, indices: tuple | None) -> _Side | Verdict:
    if _is_matrix(expr):
        try:
            return _Side(expr, True, _matrix_shape(expr))
        except ShapeMismatch as error:
            return Verdict(False, "shape", f"{describe(expr)} cannot be formed: {error}", confidence=None)
    free = tuple(indices) if indices is not None else free_indices(expr)
    return _Side(expr, False, None, free)


def _decide(left: sp.Basic, right: sp.Basic, assumptions: Assumptions, indices: tuple | None, seed: int) -> Verdict:
    named, bases = _named(left, right, *(indices or ()))
    left, right = named[:2]
    if indices is not None:
        indices = tuple(named[2:])
    if left == right:
        return Verdict(True, "structural", confidence=1.0)
    sides = [_side(left, indices), _side(right, indices)]
    for side in sides:
        if isinstance(side, Verdict):
            return side
    first, second = sides
    matched = _match(first, second, assumptions)
    if isinstance(matched, Verdict):
        return matched
    free, dims = matched
    ranges = {symbol: (sp.Integer(1), dim) for symbol, dim in zip(free, dims, strict=True) if dim is not None}
    entries = _Entries(canonical=True, bases=bases)
    forms = [_entry_form(side, entries, free) for side in (first, second)]
    if _proved_zero(forms[0], forms[1], ranges):
        sizes = ", ".join(sorted(str(s) for s in _size_symbols(forms, dims, entries)))
        return Verdict(True, "index normal form", f"equal for every size ({sizes})" if sizes else "", confidence=1.0)
    if _unmodelled(assumptions):
        return Verdict(None, "undecided", "not proved; the declared domains are not sampled here")
    refuter = _Refuter(entries, assumptions, seed)
    shown = next((side.free for side in (first, second) if not side.matrix), ("row", "column")[: len(free)])
    sizes = sorted(_size_symbols(forms, dims, entries), key=str)
    counterexample = refuter.refute(forms[0], forms[1], free, dims, sizes, shown)
    if counterexample is not None:
        return Verdict(False, "explicit sizes", "an entry where the two sides differ", counterexample=counterexample)
    return Verdict(None, "undecided", "no proof for every size and no counterexample at small sizes")


def _match(first: _Side, second: _Side, assumptions: Assumptions) -> tuple[tuple, tuple] | Verdict:
    """The free indices (canonical symbols) and their extents, or a verdict on mismatched shapes."""
    known = _matrix_extents(first.expr, second.expr)
    unknown = [side for side in (first, second) if side.matrix and _unknown_size(side.shape)]
    if unknown:
        return Verdict(
            None, "undecided", f"the size of {describe(unknown[0].expr)} is not known ({shape_text(unknown[0].shape)})"
        )
    if first.matrix and second.matrix:
        if not _same_shape(first.shape, second.shape):
            return Verdict(
                False,
                "shape",
                f"shapes differ: {describe(first.expr)} is {shape_text(first.shape)} but {describe(second.expr)} "
                f"is {shape_text(second.shape)}",
            )
        return _matrix_indices(first.shape)
    if not first.matrix and not second.matrix:
        # two index forms: the same claim for every value of every free index of either side
        free = tuple(sorted(set(first.free) | set(second.free), key=lambda symbol: symbol.name))
        extents = _free_extents(first.expr + second.expr, free, assumptions, known)
        return free, tuple(extents.get(index, (None, None))[1] for index in free)
    matrix, index = (first, second) if first.matrix else (second, first)
    return _match_mixed(matrix, index, assumptions, known)


def _unknown_size(shape: tuple) -> bool:
    """A dimension the reader could not tell (a name starting with ``_``, as the size of a ones vector ``𝟏``
    whose length nothing fixes): shapes cannot be compared on it."""
    return any(str(symbol).startswith("_") for size in shape for symbol in getattr(size, "free_symbols", ()))


def _matrix_indices(shape: tuple) -> tuple[tuple, tuple]:
    rows, cols = shape
    dims = [dim for dim in (rows, cols) if dim != 1]
    return (_ROW, _COL)[: len(dims)], tuple(dims)


def _match_mixed(matrix: _Side, index: _Side, assumptions: Assumptions, known: dict) -> tuple[tuple, tuple] | Verdict:
    free, dims = _matrix_indices(matrix.shape)
    if index.expr == 0:
        return free, dims  # "= 0" for a zero matrix or vector of any shape
    if len(index.free) != len(free):
        names = ", ".join(map(str, index.free)) or "none"
        kind = {0: "a scalar", 1: "a vector entry", 2: "a matrix entry"}.get(len(index.free), "an array entry")
        return Verdict(
            False,
            "shape",
            f"shapes differ: the index form has {len(index.free)} free indices ({names}), {kind}, but "
            f"{describe(matrix.expr)} is {shape_text(matrix.shape)}",
        )
    declared = _free_extents(index.expr, index.free, assumptions, known)
    for symbol, dim in zip(index.free, dims, strict=True):
        extent = declared.get(symbol)
        if extent is not None and not _same_dimension(extent[1], dim):
            return Verdict(
                False,
                "shape",
                f"shapes differ: the free index {symbol} runs over 1..{sp.sstr(extent[1])} but "
                f"{describe(matrix.expr)} is {shape_text(matrix.shape)}",
            )
    # the matrix's entry is taken at the index form's own free indices: the index side is used as
    # written (a derivation's steps then share their derivatives and canonical forms)
    return index.free, dims


def _entry_form(side: _Side, entries: _Entries, free: tuple) -> sp.Basic:
    if side.matrix:
        row = free[0] if free else sp.Integer(1)
        col = free[1] if len(free) == 2 else row
        return entries.entry(side.expr, *_index_symbols(side.shape, row, col))
    # against a matrix, the free indices become its row and column; between index forms they stay
    shared = set(side.free) <= set(free)
    expr = side.expr if shared else side.expr.xreplace(dict(zip(side.free, free, strict=True)))
    if expr.has(sp.Trace):
        expr = expr.replace(lambda node: isinstance(node, sp.Trace), lambda node: _trace(node.arg, entries))
    return expr.replace(
        lambda node: isinstance(node, MatrixElement),
        lambda node: sp.IndexedBase(sp.Symbol(str(node.parent)))[node.i + 1, node.j + 1],
    )


def _trace(matrix: sp.MatrixExpr, entries: _Entries) -> sp.Expr:
    """tr(A) = Σ_a A[a, a] (A square)."""
    rows, cols = _matrix_shape(matrix)
    if not _same_dimension(rows, cols):
        raise _Unsupported(f"the trace of {describe(matrix)}, which is {shape_text((rows, cols))}")
    if rows == 1:
        return entries.entry(matrix, sp.Integer(1), sp.Integer(1))
    index = sp.Dummy("a", integer=True, positive=True)
    return sp.Sum(entries.entry(matrix, index, index), (index, sp.Integer(1), rows))


def _size_symbols(forms: list[sp.Basic], dims: tuple, entries: _Entries) -> set[sp.Symbol]:
    """The symbolic sizes: free symbols of sum bounds, of the extents, and of inverted matrices."""
    sizes: set[sp.Symbol] = set()
    for form in forms:
        for node in sp.preorder_traversal(form):
            if isinstance(node, sp.Sum):
                for _, lower, upper in node.limits:
                    sizes |= lower.free_symbols | upper.free_symbols
    for dim in dims:
        if dim is not None:
            sizes |= dim.free_symbols
    for argument, _ in entries.inverses.values():
        for symbol in argument.atoms(sp.MatrixSymbol, sp.Identity, sp.ZeroMatrix, sp.OneMatrix):
            for dim in symbol.shape:
                sizes |= dim.free_symbols
    return sizes
