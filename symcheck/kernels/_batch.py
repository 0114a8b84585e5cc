"""Lowering sums over the rows of the batch, and dot products with a shared vector, to matrix products.

A spec over the samples (:mod:`symcheck.kernels._samples`) has outputs ``c·RowSum(f)``: one value
(or a vector, or a matrix over the class axis) for the whole batch. Materialising ``f`` row by
row and reducing it would cost a pass over a ``(rows, K, K)`` array for a Hessian; instead the
summand is split into its factors, grouped by the class index each depends on:

* ``f = s·a_j`` (one class index) is ``aᵀ s`` over the block's rows, a matrix-vector product;
* ``f = s·a_j·b_k`` (two) is ``(s·a)ᵀ b``, a matrix product (``aᵀ a``, a symmetric rank-k update,
  when ``s = 1`` and ``b`` is ``a``);
* ``f = s`` (none) is a pairwise sum of the block's rows;

where ``s`` is the product of the factors that depend on no class index (one number per row).
Each block's partial result is added to a double-word accumulator with Knuth's TwoSum, so the
sum over blocks adds no rounding error; ``c`` is applied once, at the end, in double words and
rounded once (:func:`symcheck.kernels._runtime.accumulate`, :func:`finish_sum`).

Inside a row, ``Σ_l X[l]·w[l]`` with ``w`` a :class:`~symcheck.kernels.Shared` vector is one
matrix-vector product of the block with ``w`` instead of a product and a class sum.

A factor that depends on both class indices (``δ(j, k)·s``) cannot be split and is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import sympy as sp

from symcheck.kernels._printer import Slot, UnsupportedExpression
from symcheck.kernels._samples import batch_output
from symcheck.kernels._spec import Output

if TYPE_CHECKING:
    from symcheck.kernels._lowering import Reg, _Lowering

__all__ = ["Accumulation", "lower_batch", "shared_dot"]


@dataclass(frozen=True)
class Accumulation:
    """Output ``number`` is accumulated in ``acc_<number>``/``low_<number>`` and scaled by
    ``numerator / denominator`` (Python expressions of ``N`` and the parameters) at the end."""

    number: int
    rank: int
    numerator: str
    denominator: str


def shared_dot(lowering: _Lowering, summand: sp.Expr, index: sp.Symbol, slot: int) -> Reg | None:
    """``Σ_index X[index]·w[index]`` as ``block @ w``, if ``summand`` is that product (else None)."""
    book = lowering.book
    if not summand.is_Mul or len(summand.args) != 2:
        return None
    shared = [f for f in summand.args if isinstance(f, sp.Indexed) and f.base in book.shared]
    rows = [f for f in summand.args if isinstance(f, sp.Indexed) and f.base in book.class_arrays]
    if len(shared) != 1 or len(rows) != 1 or shared[0].indices != (index,) or rows[0].indices != (index,):
        return None
    block = lowering._class_input(rows[0].base, slot)
    vector = lowering._shared_input(shared[0].base)
    return lowering._emit("_row_dot({0}, {1}, {out})", (block, vector), slots=frozenset(), inplace=False)


def _factors(expr: sp.Expr) -> list[sp.Expr]:
    """The factors of a product, nested unevaluated products flattened."""
    if not expr.is_Mul:
        return [expr]
    return [factor for argument in expr.args for factor in _factors(argument)]


def _scale(lowering: _Lowering, factor: sp.Expr, output: Output) -> str:
    reg = lowering._print(factor)
    if reg.kind != "scalar":
        raise UnsupportedExpression(f"output {output.name}: the factor {factor} of a sum over the rows varies by row")
    return reg.text


def lower_batch(lowering: _Lowering, output: Output, number: int) -> Accumulation:
    """Statements adding each block's part of ``c·RowSum(f)`` to the accumulators of output ``number``."""
    split = batch_output(output.expression)
    if split is None:
        raise UnsupportedExpression(f"output {output.name} is not c·(a sum over the rows): {output.expression}")
    scale, summand = split
    rank = len(output.indices)
    if rank > 2:
        raise UnsupportedExpression(f"output {output.name}: a sum over the rows has at most two class indices")
    scope = lowering.book.base_scope()
    for position, index in enumerate(output.indices):
        scope[index] = Slot(position)
    groups: list[list[sp.Expr]] = [[] for _ in range(rank + 1)]  # [no class index, first, second]
    for factor in _factors(summand):
        along = [position for position, index in enumerate(output.indices) if factor.has(index)]
        if len(along) > 1:
            raise UnsupportedExpression(
                f"output {output.name}: the factor {factor} of a sum over the rows depends on two class indices"
            )
        groups[along[0] + 1 if along else 0].append(factor)
    for position, group in enumerate(groups[1:]):
        if not group:
            raise UnsupportedExpression(f"output {output.name} does not depend on {output.indices[position]}")
    regs = [lowering._in_scope(scope, sp.Mul(*group)) if group else None for group in groups]
    scalar, *along = regs
    if scalar is not None and scalar.kind == "scalar":  # a constant factor: part of the scale
        scale, scalar = scale * sp.Mul(*groups[0]), None
    arguments = tuple(reg for reg in (scalar, *along) if reg is not None)
    placeholders = iter(range(len(arguments)))
    texts = [("{" + str(next(placeholders)) + "}") if reg is not None else "None" for reg in (scalar, *along)]
    texts += ["None"] * (3 - len(texts))
    target = lowering._new("accumulator", frozenset())
    lowering._effect(f"_accumulate(acc_{number}, low_{number}, {', '.join(texts)})", arguments, target)
    numerator, denominator = sp.fraction(sp.factor_terms(scale))
    return Accumulation(number, rank, _scale(lowering, numerator, output), _scale(lowering, denominator, output))
