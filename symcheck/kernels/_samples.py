"""Specs written over the samples, as a derivation states them, and the row form the generator lowers.

A regression derivation writes its results with the sample index in view: the gradient of least
squares is ``(1/n) Σ_i (Σ_l X[i, l]·w[l] − y[i])·X[i, j]``. A :class:`~symcheck.kernels.KernelSpec`
with :class:`~symcheck.kernels.Samples` ``(i, n)`` takes such an expression as it is, and
:func:`row_form` rewrites it for the generator, which evaluates one block of rows at a time:

* ``X[i, j]`` (a class array) becomes ``X[j]``, the entry of the current row;
* ``y[i]`` (a sample array) becomes a per-row symbol, an elementwise argument;
* ``Sum(f, (i, 1, n))`` becomes ``RowSum(f)``: summed over the rows of the batch;
* ``n`` stays, and is printed as the number of rows.

Nothing else changes, so the row form is the same function of the same arguments: it is a change
of notation, not a rewrite. The sample index may appear nowhere else (a sum over it that does not
run over every row, or an entry of another row, is refused), and an output may hold one
``RowSum``, as a factor: ``c·RowSum(f)`` with ``c`` free of the rows (the ``1/n`` of a mean).
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from symcheck.kernels._functions import RowSum
from symcheck.kernels._printer import UnsupportedExpression
from symcheck.kernels._spec import ClassArray, Elementwise, KernelSpec, SampleArray

__all__ = ["batch_output", "row_form"]


def _rebuild(node: sp.Basic, arguments: list[sp.Basic]) -> sp.Basic:
    """``node`` with new arguments; sums and products keep the order they were written in."""
    if isinstance(node, sp.Add | sp.Mul):
        return node.func(*arguments, evaluate=False)
    return node.func(*arguments)


class _Translation:
    def __init__(self, spec: KernelSpec) -> None:
        samples = spec.samples
        self.index = samples.index
        self.count = samples.count
        self.classes = {argument.base for argument in spec.arguments if isinstance(argument, ClassArray)}
        self.rows: dict[sp.IndexedBase, sp.Symbol] = {
            argument.base: sp.Symbol(f"{argument.base.name}[row]", real=True)  # a name no argument can have
            for argument in spec.arguments
            if isinstance(argument, SampleArray)
        }

    def __call__(self, node: sp.Basic, inside: bool = False) -> sp.Basic:
        if isinstance(node, sp.Sum) and any(limit[0] == self.index for limit in node.limits):
            return self._sum(node, inside)
        if isinstance(node, sp.Indexed):
            return self._entry(node, inside)
        if node == self.index:
            raise UnsupportedExpression(f"the sample index {self.index} appears outside an entry of a row: {node}")
        if not node.args:
            return node
        arguments = [self(argument, inside) for argument in node.args]
        if all(new is old for new, old in zip(arguments, node.args, strict=True)):
            return node
        return _rebuild(node, arguments)

    def _sum(self, node: sp.Sum, inside: bool) -> sp.Basic:
        if len(node.limits) != 1 or tuple(node.limits[0][1:]) != (1, self.count):
            raise UnsupportedExpression(
                f"a sum over the sample index {self.index} must run over every row, 1..{self.count}: {node}"
            )
        if inside:
            raise UnsupportedExpression(f"sums over the rows cannot be nested: {node}")
        return RowSum(self(node.function, inside=True))

    def _entry(self, node: sp.Indexed, inside: bool) -> sp.Basic:
        indices = node.indices
        if node.base in self.rows:
            if indices != (self.index,) or not inside:
                raise UnsupportedExpression(f"{node.base} is one number per sample, written {node.base}[{self.index}]")
            return self.rows[node.base]
        if node.base in self.classes:
            if len(indices) != 2 or indices[0] != self.index or not inside:
                raise UnsupportedExpression(
                    f"{node.base} is a row of the batch per sample, written {node.base}[{self.index}, j] "
                    f"inside a sum over the rows; found {node}"
                )
            return node.base[self(indices[1], inside)]
        if self.index in node.free_symbols:
            raise UnsupportedExpression(f"{node.base} is not indexed by the sample index {self.index}: {node}")
        return node


def row_form(spec: KernelSpec) -> KernelSpec:
    """``spec`` with its outputs written for one row (the identity for a spec without samples)."""
    if spec.samples is None:
        return spec
    translate = _Translation(spec)
    arguments = tuple(
        Elementwise(translate.rows[argument.base], argument.name) if isinstance(argument, SampleArray) else argument
        for argument in spec.arguments
    )
    outputs = []
    for output in spec.outputs:
        expression = translate(output.expression)
        if output.double_word or output.boundary is not None:
            raise UnsupportedExpression(
                f"output {output.name}: a spec over the samples has no double-word or boundary form"
            )
        if batch_output(expression) is None and expression.has(RowSum):
            raise UnsupportedExpression(
                f"output {output.name} must be c·Sum(f, ({spec.samples.index}, 1, {spec.samples.count})) "
                f"with c free of the rows, found {output.expression}"
            )
        if not expression.has(RowSum):
            raise UnsupportedExpression(f"output {output.name} is not summed over the rows: {output.expression}")
        outputs.append(replace(output, expression=expression))
    definitions = tuple((base, sp.Lambda(lam.variables, translate(lam.expr))) for base, lam in spec.definitions)
    return replace(spec, arguments=arguments, outputs=tuple(outputs), definitions=definitions)


def batch_output(expression: sp.Expr) -> tuple[sp.Expr, sp.Expr] | None:
    """``(c, f)`` if ``expression`` is ``c·RowSum(f)`` with ``c`` free of the rows, else None."""
    if isinstance(expression, RowSum):
        return sp.S.One, expression.args[0]
    if not expression.is_Mul:
        return None
    sums = [factor for factor in expression.args if isinstance(factor, RowSum)]
    rest = [factor for factor in expression.args if not isinstance(factor, RowSum)]
    if len(sums) != 1 or any(factor.has(RowSum) for factor in rest):
        return None
    return sp.Mul(*rest), sums[0].args[0]
