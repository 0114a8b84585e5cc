r"""Matrix algebra for the builder: transposes, norms, ``diag``, the identity, and products and sums of matrices.

A name the table declares a matrix or vector (``X`` of shape n × d, ``\hat{y}`` of length K) becomes a
``MatrixSymbol`` where the formula does matrix algebra; what a sheet means by the shorthand of vectors is
read as it is meant: ``\hat{y}(1 - \hat{y})`` of two column vectors is their elementwise product (their
matrix product cannot be formed), ``y / \hat{y}`` is elementwise, ``\log \hat{y}`` and ``\sigma(Xw)`` apply
entry by entry, and ``1 - \hat{y}`` subtracts from a vector of ones. Products and sums are built without
SymPy's shape check, so that a product that cannot be formed (``X y``) is a claim the grader can call wrong
with the shapes named, not a formula it cannot read.
"""

from __future__ import annotations

from typing import Any

import sympy
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

__all__ = [
    "IDENTITY_SIZE",
    "as_matrix",
    "elementwise",
    "is_declared_matrix",
    "is_matrix",
    "matrix_norm",
    "matrix_power",
    "matrix_product",
    "matrix_quotient",
    "matrix_sum",
    "settle_identity",
    "transpose",
]

IDENTITY_SIZE = sympy.Symbol("_identity_size", integer=True, positive=True)
"""The size of an identity until the matrices beside it tell it (``X^T X + \\lambda I``)."""


def is_matrix(value: Any) -> bool:
    return isinstance(value, sympy.MatrixExpr)


def is_declared_matrix(value: Any, notation: Any) -> bool:
    """A name declared as a matrix with more than one row and column (X, not a vector): written beside
    other factors it multiplies as a matrix, in the order written."""
    declared = _declared(value, notation)
    return declared is not None and declared.shape[0] != 1 and declared.shape[1] != 1


def _size(value: Any, builder: Any) -> sympy.Basic:
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, sympy.Basic):
        return value
    return sympy.Symbol(str(value), integer=True, positive=True)


def _declared(value: Any, notation: Any) -> sympy.MatrixExpr | None:
    if isinstance(value, (sympy.IndexedBase, sympy.Symbol)):
        name = str(value.label if isinstance(value, sympy.IndexedBase) else value)
        shape = notation.matrices.get(name)
        if shape is not None:
            rows, cols = (_size(size, None) for size in shape)
            return sympy.MatrixSymbol(name, rows, cols)
    return None


def as_matrix(value: sympy.Basic, notation: Any, builder: Any = None) -> sympy.MatrixExpr | None:
    """``value`` as a matrix: itself if it is one, a declared name's ``MatrixSymbol`` (also inside a scalar
    multiple such as ``-y`` or ``\\lambda w``), else None."""
    if is_matrix(value):
        return value
    declared = _declared(value, notation)
    if declared is not None:
        return declared
    if isinstance(value, sympy.Mul):
        factors = [as_matrix(factor, notation) or factor for factor in value.args]
        matrices = [factor for factor in factors if is_matrix(factor)]
        if len(matrices) == 1 and not any(isinstance(f, sympy.Indexed) for f in factors):
            scalars = [factor for factor in factors if not is_matrix(factor)]
            return sympy.MatMul(*scalars, matrices[0], evaluate=False)
    if isinstance(value, sympy.Add):  # p - y of two vectors, beside a matrix: a difference of vectors
        terms = [as_matrix(term, notation) or term for term in value.args]
        if any(is_matrix(term) for term in terms) and not any(
            isinstance(node, sympy.Indexed) for node in value.atoms(sympy.Indexed)
        ):
            return matrix_sum(terms, notation)
    return None


def settle_identity(terms: list[Any]) -> list[Any]:
    """An identity of unknown size takes the size of a square matrix (or the rows of a matrix) beside it."""
    sizes = [term.shape[0] for term in terms if is_matrix(term) and not term.has(IDENTITY_SIZE)]
    if not sizes:
        return terms
    return [term.xreplace({IDENTITY_SIZE: sizes[0]}) if is_matrix(term) else term for term in terms]


def _column(value: sympy.MatrixExpr) -> bool:
    return value.shape[1] == 1 and value.shape[0] != 1


def matrix_sum(terms: list[Any], notation: Any) -> sympy.Basic:
    """A sum with matrices in it: declared names as matrices, a scalar added to a vector as that many ones."""
    converted = [as_matrix(term, notation) or term for term in terms]
    converted = settle_identity(converted)
    matrices = [term for term in converted if is_matrix(term)]
    shape = matrices[0].shape
    summands = []
    for term in converted:
        if is_matrix(term):
            summands.append(term)
        elif term != 0:
            summands.append(sympy.MatMul(term, sympy.OneMatrix(*shape), evaluate=False))
    return sympy.MatAdd(*summands, evaluate=False) if len(summands) > 1 else summands[0]


def matrix_product(factors: list[Any], notation: Any) -> sympy.Basic:
    """A product with matrices in it: scalars out front; two column vectors side by side multiply entrywise."""
    converted = settle_identity([as_matrix(factor, notation) or factor for factor in factors])
    scalars = [factor for factor in converted if not is_matrix(factor)]
    matrices = [factor for factor in converted if is_matrix(factor)]
    merged: list[sympy.MatrixExpr] = []
    for matrix in matrices:
        if merged and _column(merged[-1]) and _column(matrix) and merged[-1].shape == matrix.shape:
            merged[-1] = sympy.HadamardProduct(merged[-1], matrix)
        else:
            merged.append(matrix)
    if len(merged) == 1 and not scalars:
        return merged[0]
    return sympy.MatMul(*scalars, *merged, evaluate=False)


def matrix_quotient(numerator: Any, denominator: Any, notation: Any) -> sympy.Basic:
    """``a / b`` with a matrix in it: by a scalar, or entrywise by a vector (``y / \\hat{y}``)."""
    top = as_matrix(numerator, notation) or numerator
    bottom = as_matrix(denominator, notation) or denominator
    if not is_matrix(bottom):
        return sympy.MatMul(sympy.Pow(bottom, -1), top, evaluate=False)
    reciprocal = sympy.HadamardPower(bottom, -1)
    if is_matrix(top):
        return sympy.HadamardProduct(top, reciprocal)
    return sympy.MatMul(top, reciprocal, evaluate=False) if top != 1 else reciprocal


def matrix_power(base: sympy.MatrixExpr, exponent: Any) -> sympy.Basic:
    """``A^{-1}`` is the inverse; a vector squared (``\\hat{y}^2``) is entrywise."""
    if exponent == -1:
        return sympy.Inverse(base)
    if _column(base):
        return sympy.HadamardPower(base, exponent)
    return sympy.MatPow(base, exponent)


def transpose(value: Any, notation: Any) -> sympy.Basic | None:
    """The transpose of a matrix (a scalar is its own); None when ``value`` is a vector of unknown shape."""
    matrix = as_matrix(value, notation)
    if matrix is not None:
        return sympy.Transpose(matrix)
    if isinstance(value, sympy.IndexedBase):
        return None
    return value


def matrix_norm(value: Any, notation: Any, default_range: tuple[Any, Any]) -> sympy.Basic:
    """The Euclidean norm: of a matrix or vector, √tr(vᵀv); of a vector without a shape, √Σ_k v_k²; else |v|."""
    matrix = as_matrix(value, notation)
    if matrix is not None:
        return sympy.sqrt(sympy.Trace(sympy.MatMul(sympy.Transpose(matrix), matrix, evaluate=False)))
    if isinstance(value, sympy.IndexedBase):
        k = sympy.Dummy("k", integer=True, positive=True)
        return sympy.sqrt(sympy.Sum(value[k] ** 2, (k, *default_range)))
    return sympy.Abs(value)


def elementwise(function: Any, argument: sympy.MatrixExpr) -> sympy.Basic:
    """A scalar function applied to each entry of a matrix (``\\log \\hat{y}``, ``\\sigma(Xw)``)."""
    t = sympy.Dummy("t")
    return ElementwiseApplyFunction(sympy.Lambda(t, function(t)), argument)
