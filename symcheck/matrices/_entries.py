"""Entries of matrix expressions in index form: products become sums, transposes swap indices."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from symcheck.matrices._canonical import _canonical
from symcheck.matrices._shapes import ShapeMismatch, _is_matrix, _matrix_shape, _Unsupported, describe, shape_text
from symcheck.objects import MatrixSum, Row

__all__ = ["to_index_form"]


@dataclass(frozen=True)
class _Leaf:
    """One factor of a product after transposes have been pushed down to it."""

    matrix: sp.MatrixExpr
    transposed: bool

    @property
    def shape(self) -> tuple[sp.Basic, sp.Basic]:
        rows, cols = _matrix_shape(self.matrix)
        return (cols, rows) if self.transposed else (rows, cols)


def _flatten_product(matrix: sp.MatMul) -> tuple[sp.Expr, list[sp.MatrixExpr]]:
    """The scalar and the matrix factors of a product, nested products opened: A (A⁻¹ B) is A A⁻¹ B."""
    scalar: sp.Expr = sp.Integer(1)
    factors: list[sp.MatrixExpr] = []
    for argument in matrix.args:
        if isinstance(argument, sp.MatMul):
            inner_scalar, inner = _flatten_product(argument)
            scalar *= inner_scalar
            factors.extend(inner)
        elif _is_matrix(argument):
            factors.append(argument)
        else:
            scalar *= argument
    return scalar, factors


def _is_inverse(matrix: sp.Basic) -> bool:
    return isinstance(matrix, sp.Inverse) or (isinstance(matrix, sp.MatPow) and matrix.args[1] == -1)


_ENTRIES: dict[tuple, tuple[sp.Expr, dict]] = {}


class _Entries:
    """Entries of matrix expressions in index form.

    ``canonical`` names each inverse by the canonical form of its argument (for proofs); otherwise
    an inverse reads ``(Xᵀ X)⁻¹[j, k]``. ``inverses`` records what each inverse entry stands for, so
    refutation can compute it at explicit sizes.
    """

    def __init__(self, canonical: bool, bases: dict[str, sp.IndexedBase] | None = None) -> None:
        self.canonical = canonical
        self.bases = bases or {}
        self.inverses: dict[sp.IndexedBase, tuple[sp.MatrixExpr, bool]] = {}
        self._keys: dict[tuple[sp.MatrixExpr, bool], sp.Basic] = {}

    # ---- keys: the canonical entry of a matrix, for recognising A next to A⁻¹
    def key(self, matrix: sp.MatrixExpr, transposed: bool) -> sp.Basic:
        cached = self._keys.get((matrix, transposed))
        if cached is None:
            rows, cols = _matrix_shape(matrix)
            row, col = _ROW, _COL
            ranges = {
                row: (sp.Integer(1), cols if transposed else rows),
                col: (sp.Integer(1), rows if transposed else cols),
            }
            entry = self.entry(matrix, *((col, row) if transposed else (row, col)))
            cached = _canonical(entry, ranges)
            self._keys[(matrix, transposed)] = cached
        return cached

    def _run_key(self, leaves: list[_Leaf]) -> sp.Basic | None:
        if len(leaves) == 1:
            return self.key(leaves[0].matrix, leaves[0].transposed)
        try:
            product = sp.MatMul(*(sp.Transpose(leaf.matrix) if leaf.transposed else leaf.matrix for leaf in leaves))
            return self.key(product, False)
        except (ShapeMismatch, ValueError):
            return None

    # ---- products as sums of monomials of leaves
    def monomials(self, matrix: sp.MatrixExpr, transposed: bool = False) -> list[tuple[sp.Expr, list[_Leaf]]]:
        if isinstance(matrix, sp.Transpose):
            return self.monomials(matrix.arg, not transposed)
        if isinstance(matrix, sp.MatAdd):
            return [m for argument in matrix.args for m in self.monomials(argument, transposed)]
        if isinstance(matrix, sp.ZeroMatrix):
            return []
        if isinstance(matrix, sp.MatPow) and matrix.args[1].is_Integer and matrix.args[1] > 0:
            return self.monomials(sp.MatMul(*([matrix.args[0]] * int(matrix.args[1]))), transposed)
        if isinstance(matrix, sp.MatMul):
            scalar, factors = _flatten_product(matrix)
            if transposed:
                factors.reverse()
            factors = self._cancel_raw(factors, transposed)
            result: list[tuple[sp.Expr, list[_Leaf]]] = [(scalar, [])]
            for factor in factors:
                parts = self.monomials(factor, transposed)
                result = [(c1 * c2, l1 + l2) for c1, l1 in result for c2, l2 in parts]
            return [(coefficient, self._cancel_runs(leaves)) for coefficient, leaves in result]
        if isinstance(matrix, sp.MatPow) and matrix.args[1] != -1:
            raise _Unsupported(f"the power {describe(matrix)}")
        return [(sp.Integer(1), [_Leaf(matrix, transposed)])]

    def _cancel_raw(self, factors: list[sp.MatrixExpr], transposed: bool) -> list[sp.MatrixExpr]:
        """A A⁻¹ and A⁻¹ A next to each other, as written (before A is multiplied out), cancel."""
        position = 0
        while position < len(factors) - 1:
            first, second = factors[position], factors[position + 1]
            for inverse, other in ((first, second), (second, first)):
                if (
                    _is_inverse(inverse)
                    and not _is_inverse(other)
                    and self.key(inverse.args[0], transposed) == self.key(other, transposed)
                ):
                    del factors[position : position + 2]
                    position = max(position - 1, 0)
                    break
            else:
                position += 1
        return factors

    def _cancel_runs(self, leaves: list[_Leaf]) -> list[_Leaf]:
        """After multiplying out: a run of factors equal to A next to A⁻¹ cancels (Xᵀ X (Xᵀ X)⁻¹)."""
        while (span := self._cancelling_span(leaves)) is not None:
            leaves = leaves[: span[0]] + leaves[span[1] :]
        return leaves

    def _cancelling_span(self, leaves: list[_Leaf]) -> tuple[int, int] | None:
        """Positions [low, high) of an inverse and the run of up to 3 factors beside it that it cancels."""
        for position, leaf in enumerate(leaves):
            if not _is_inverse(leaf.matrix):
                continue
            target = self.key(leaf.matrix.args[0], leaf.transposed)
            for length in (1, 2, 3):
                for start in (position - length, position + 1):
                    run = leaves[start : start + length] if start >= 0 else []
                    if (
                        len(run) == length
                        and not any(_is_inverse(r.matrix) for r in run)
                        and self._run_key(run) == target
                    ):
                        return min(start, position), max(start + length, position + 1)
        return None

    # ---- entries
    def entry(self, matrix: sp.MatrixExpr, row: sp.Basic, col: sp.Basic) -> sp.Expr:
        """Entry (row, col) of ``matrix``; a dimension of size 1 takes the index 1.

        Remembered per process (with the inverses it names): the same matrix in a derivation's step
        and in its result then gives the same expression, whose canonical form is remembered too.
        """
        key = (matrix, row, col, self.canonical, tuple(sorted(self.bases.items())))
        cached = _ENTRIES.get(key)
        if cached is None:
            total = []
            for coefficient, leaves in self.monomials(matrix):
                total.append(coefficient * self._chain(leaves, row, col, _matrix_shape(matrix)))
            expression = sp.Add(*total)
            # every inverse the entry holds, not only those new to this instance: another instance that finds
            # the entry here must know them all, or it would sample an inverse's entries as free numbers
            used = {node.base for node in expression.atoms(sp.Indexed)}
            named = {base: meaning for base, meaning in self.inverses.items() if base in used}
            cached = (expression, named)
            if len(_ENTRIES) >= 256:
                _ENTRIES.clear()
            _ENTRIES[key] = cached
        self.inverses.update(cached[1])
        return cached[0]

    def _chain(self, leaves: list[_Leaf], row: sp.Basic, col: sp.Basic, shape: tuple) -> sp.Expr:
        if not leaves:  # everything cancelled: the identity of the product's size
            return sp.KroneckerDelta(row, col) if shape[0] != 1 else sp.Integer(1)
        indices = [row]
        limits = []
        for leaf in leaves[:-1]:
            dim = leaf.shape[1]
            if dim == 1:
                indices.append(sp.Integer(1))
            else:
                dummy = sp.Dummy("k", integer=True, positive=True)
                indices.append(dummy)
                limits.append((dummy, sp.Integer(1), dim))
        indices.append(col)
        body = sp.Mul(*(self._leaf(leaf, a, b) for leaf, a, b in zip(leaves, indices, indices[1:], strict=False)))
        return sp.Sum(body, *limits) if limits else body

    def _leaf(self, leaf: _Leaf, row: sp.Basic, col: sp.Basic) -> sp.Expr:
        matrix = leaf.matrix
        if leaf.transposed:
            row, col = col, row
        if isinstance(matrix, sp.MatrixSymbol):
            rows, cols = matrix.shape
            base = self.bases.get(str(matrix.name)) or sp.IndexedBase(sp.Symbol(str(matrix.name)))
            if rows == 1 and cols == 1:
                return sp.Symbol(str(matrix.name))
            if cols == 1:
                return base[row]
            if rows == 1:
                return base[col]
            return base[row, col]
        if isinstance(matrix, Row):
            return self.entry(matrix.matrix, matrix.index, row)
        if isinstance(matrix, MatrixSum):
            index, lower, upper = matrix.limits
            fresh = sp.Dummy(str(index), integer=True, positive=True)
            return sp.Sum(self.entry(matrix.function.xreplace({index: fresh}), row, col), (fresh, lower, upper))
        if isinstance(matrix, sp.Identity):
            return sp.KroneckerDelta(row, col)
        if isinstance(matrix, sp.OneMatrix):
            return sp.Integer(1)
        if _is_inverse(matrix):
            return self._inverse(matrix.args[0], row, col)
        if isinstance(matrix, sp.DiagMatrix):
            vector = matrix.args[0]
            at = (row, 1) if _matrix_shape(vector)[1] == 1 else (1, row)
            return sp.KroneckerDelta(row, col) * self.entry(vector, *at)
        if isinstance(matrix, sp.DiagonalMatrix):
            return sp.KroneckerDelta(row, col) * self.entry(matrix.args[0], row, row)
        if isinstance(matrix, sp.DiagonalOf):
            return self.entry(matrix.args[0], row, row)
        if isinstance(matrix, sp.HadamardProduct):
            return sp.Mul(*(self.entry(argument, row, col) for argument in matrix.args))
        if isinstance(matrix, sp.HadamardPower):
            return self.entry(matrix.args[0], row, col) ** matrix.args[1]
        if isinstance(matrix, ElementwiseApplyFunction):
            return matrix.function(self.entry(matrix.expr, row, col))
        if isinstance(matrix, (sp.MatAdd, sp.MatMul, sp.Transpose, sp.MatPow)):
            return self.entry(matrix, row, col)
        raise _Unsupported(f"{type(matrix).__name__} ({describe(matrix)})")

    def _inverse(self, argument: sp.MatrixExpr, row: sp.Basic, col: sp.Basic) -> sp.Expr:
        if not self.canonical:
            base = sp.IndexedBase(sp.Symbol(f"({describe(argument)})⁻¹"))
            self.inverses[base] = (argument, False)
            return base[row, col]
        straight, flipped = self.key(argument, False), self.key(argument, True)
        use_flipped = sp.default_sort_key(flipped) < sp.default_sort_key(straight)
        key = flipped if use_flipped else straight
        base = sp.IndexedBase(sp.Symbol(f"inv⟦{sp.sstr(key)}⟧"))
        self.inverses[base] = (argument, use_flipped)
        if straight == flipped:
            # A symmetric: so is A⁻¹, and its entry is written symmetrically in the two indices
            return (base[row, col] + base[col, row]) / 2
        # A⁻¹[r, c] = ((Aᵀ)⁻¹)[c, r]
        return base[col, row] if use_flipped else base[row, col]


_ROW = sp.Symbol("symcheck·row", integer=True, positive=True)
_COL = sp.Symbol("symcheck·col", integer=True, positive=True)


def _index_symbols(shape: tuple[sp.Basic, sp.Basic], row: sp.Basic, col: sp.Basic) -> tuple[sp.Basic, sp.Basic]:
    """The indices an entry is taken at: a dimension of size 1 takes the index 1."""
    rows, cols = shape
    if rows == 1 and cols != 1:
        return sp.Integer(1), row
    return (sp.Integer(1) if rows == 1 else row), (sp.Integer(1) if cols == 1 else col)


def to_index_form(expr: sp.MatrixExpr, indices: tuple[sp.Symbol, ...] | None = None) -> sp.Expr:
    """The entry of a matrix expression in index form, 1-based, with symbolic bounds.

    ``indices`` are the free indices of the entry: two for a matrix (row, column), one for a vector
    (n × 1 or 1 × n), none for a 1 × 1 expression; by default ``i, j`` (or ``i`` for a vector).
    Sums get readable dummies (i over n, k over d, ...). An inverse stays an opaque entry,
    ``(Xᵀ X)⁻¹[j, k]``.

    >>> import sympy as sp
    >>> n, d = sp.symbols("n d", integer=True, positive=True)
    >>> X, w = sp.MatrixSymbol("X", n, d), sp.MatrixSymbol("w", d, 1)
    >>> j = sp.Symbol("j", integer=True, positive=True)
    >>> to_index_form(sp.MatMul(X.T, X, w), (j,))
    Sum(X[i, j]*X[i, k]*w[k], (i, 1, n), (k, 1, d))
    """
    if not _is_matrix(expr):
        raise TypeError(f"to_index_form() takes a matrix expression, not {type(expr).__name__}")
    shape = _matrix_shape(expr)
    wanted = sum(1 for dim in shape if dim != 1)
    if indices is None:
        indices = tuple(sp.Symbol(name, integer=True, positive=True) for name in ("i", "j")[:wanted])
    indices = tuple(indices)
    if len(indices) != wanted:
        raise ValueError(
            f"{describe(expr)} is {shape_text(shape)}: its entry takes {wanted} indices, not {len(indices)}"
        )
    padded = (*indices, sp.Integer(1), sp.Integer(1))
    row, col = _index_symbols(shape, padded[0], padded[1] if wanted == 2 else padded[0])
    entry = _Entries(canonical=False).entry(expr, row, col)
    return _readable(entry, {symbol.name for symbol in entry.free_symbols})


_POOLS = {"n": "iabce", "d": "klmpq"}


def _readable(expr: sp.Basic, taken: set[str]) -> sp.Basic:
    """Dummies renamed for reading: i, a, b, ... over n; k, l, m, ... over d; a, b, ... otherwise."""

    def visit(node: sp.Basic, used: frozenset[str]) -> sp.Basic:
        if isinstance(node, sp.Sum):
            body = node.function
            limits = []
            inner = set(used)
            for variable, lower, upper in node.limits:
                pool = _POOLS.get(str(upper), "abcefgh") + "abcefghrstuv"
                name = next(letter for letter in pool if letter not in inner)
                inner.add(name)
                symbol = sp.Symbol(name, integer=True, positive=True)
                body = body.xreplace({variable: symbol})
                limits.append((symbol, lower, upper))
            return sp.Sum(visit(body, frozenset(inner)), *limits)
        if not node.args or node.is_Atom:
            return node
        new = [visit(argument, used) for argument in node.args]
        return node.func(*new) if any(a is not b for a, b in zip(new, node.args, strict=True)) else node

    return visit(expr, frozenset(taken))
