"""Rows the blocked program alone does not settle: non-finite input, and sums that cancel.

The blocked program (:mod:`symcheck.kernels._lowering`) evaluates the stable forms, which the
engine proved equal to the textbook forms *for real numbers*. Two kinds of rows need more, and an
:class:`~symcheck.kernels.Output` says which:

* **Boundary rows.** NaN and ±inf are not real numbers, so the proofs say nothing about them, and
  a library chooses a convention (SciPy's ``logsumexp`` of all ``-inf`` is ``-inf``; its
  ``softmax`` of a row holding ``+inf`` is NaN). ``Output.boundary`` states it as a formula, the
  definition as written, evaluated in IEEE arithmetic by the whole-array printer. It is used for
  the rows whose pivot (the row maximum) is not finite, which the blocked program reports through
  a hidden output, and in kernels without a pivot for the elements whose arguments are not finite.
  A ``-inf`` logit under a finite maximum is an ordinary masked class, left to the stable form.
* **Cancelling rows.** An output marked ``double_word`` is a sum whose terms may cancel, such as
  ``(e_k - y_k) - y_k R`` (``ŷ_k - y_k``): its rounding errors are those of its terms, magnified by
  ``κ = Σ|t_i| / |Σ t_i|``, which no ordering of working-precision operations avoids when the
  inputs are exact. The blocked program also computes, per row, ``Σ_k (Σ_i |t_i| - |Σ_i t_i|)``,
  which is exactly 0 when no sum cancels (rounding is monotonic) and positive when one does; those
  rows are evaluated again in double-word arithmetic (:mod:`symcheck.kernels._dd`; float64 for
  float32 work) and rounded once. Rows that do not cancel keep the blocked result bit for bit.

The module also holds the whole-array programs: the reference printing of a spec (used by
``Kernel.reference`` and for boundary rows) and the double-word program.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import sympy as sp
from sympy.printing.printer import Printer

from symcheck.kernels._emit import CompiledProgram, compile_source
from symcheck.kernels._lowering import _negated
from symcheck.kernels._printer import ArrayPrinter, IndexBook, Slot, UnsupportedExpression, print_array
from symcheck.kernels._spec import ClassArray, Elementwise, KernelSpec, Output, Parameter, Pivot, Shared, argument_key

__all__ = ["EdgePlan", "argument_names", "compile_double_word", "compile_whole_array", "plan_edges"]


# -- the plan: hidden outputs of the blocked program ------------------------------------------------
@dataclass(frozen=True)
class EdgePlan:
    """What the blocked program computes besides the spec's outputs, and what it is for.

    ``program`` is the spec the blocked program is generated from: the spec's outputs followed by
    the hidden ones. ``pivots`` are the positions of the hidden pivot values (one per row),
    ``cancellations`` pairs each double-word output with the position of its cancellation measure,
    and ``boundary`` is the spec whose outputs are the boundary forms of ``boundary_outputs``.
    """

    program: KernelSpec
    pivots: tuple[int, ...] = ()
    cancellations: tuple[tuple[int, int], ...] = ()
    boundary: KernelSpec | None = None
    boundary_outputs: tuple[int, ...] = ()

    @property
    def trivial(self) -> bool:
        return not self.cancellations and self.boundary is None


def _outermost_sum(output: Output) -> sp.Add:
    expression = output.expression
    if expression.is_Add:
        return expression
    sums = [factor for factor in expression.args if factor.is_Add] if expression.is_Mul else []
    if len(sums) != 1:
        raise UnsupportedExpression(
            f"a double-word output must be a sum, or a sum times other factors: {output.name} is {expression}"
        )
    return sums[0]


def cancellation(output: Output, bound: sp.Symbol) -> sp.Expr:
    """``Σ_indices (Σ_i |t_i| - |Σ_i t_i|)`` over the terms ``t_i`` of the output's outermost sum."""
    total = _outermost_sum(output)
    magnitudes = [sp.Abs(_negated(term) if _negated(term) is not None else term, evaluate=False) for term in total.args]
    spread = magnitudes[0]
    for magnitude in magnitudes[1:]:
        spread = sp.Add(spread, magnitude, evaluate=False)
    measure = sp.Add(spread, -sp.Abs(total, evaluate=False), evaluate=False)
    for index in reversed(output.indices):
        measure = sp.Sum(measure, (index, 1, bound))
    return measure


def plan_edges(spec: KernelSpec) -> EdgePlan:
    """The hidden outputs ``spec`` needs, and the boundary spec of its outputs that have one."""
    hidden: list[Output] = []
    count = len(spec.outputs)
    cancellations = []
    for number, output in enumerate(spec.outputs):
        if output.double_word:
            if spec.bound is None and output.indices:
                raise UnsupportedExpression(f"output {output.name} has class indices but the spec has no bound")
            cancellations.append((number, count + len(hidden)))
            hidden.append(Output(f"cancellation_{output.name}", cancellation(output, spec.bound)))
    with_boundary = tuple(number for number, output in enumerate(spec.outputs) if output.boundary is not None)
    if with_boundary and not spec.pivots and not any(isinstance(a, Elementwise) for a in spec.arguments):
        raise UnsupportedExpression(
            f"kernel {spec.name!r} has boundary forms but neither a pivot nor elementwise arguments, "
            "so no row could be told to take them"
        )
    pivots = []
    if with_boundary:
        for pivot in spec.pivots:
            pivots.append(count + len(hidden))
            hidden.append(Output(f"pivot_{pivot.index}", pivot.base[pivot.index]))
    boundary = None
    if with_boundary:
        outputs = tuple(
            Output(spec.outputs[number].name, spec.outputs[number].boundary, spec.outputs[number].indices)
            for number in with_boundary
        )
        boundary = replace(spec, name=f"{spec.name} boundary", outputs=outputs, rewrites=())
    program = replace(spec, outputs=spec.outputs + tuple(hidden)) if hidden else spec
    return EdgePlan(program, tuple(pivots), tuple(cancellations), boundary, with_boundary)


# -- which rows ------------------------------------------------------------------------------------------
def boundary_rows(plan: EdgePlan, spec: KernelSpec, arrays: list[Any], outputs: list[np.ndarray]) -> np.ndarray:
    """Rows (or elements) whose pivot, or whose elementwise argument, is not finite."""
    if plan.pivots:
        values = [outputs[number] for number in plan.pivots]
    else:
        pairs = zip(spec.arguments, arrays, strict=True)
        values = [array for argument, array in pairs if isinstance(argument, Elementwise)]
    bad = None
    for value in values:
        with np.errstate(over="ignore", invalid="ignore"):
            if np.isfinite(np.add.reduce(value, axis=None)):  # one pass, no mask: the common case
                continue
        finite = np.isfinite(value)
        if not finite.all():  # (a finite sum can overflow)
            bad = ~finite if bad is None else bad | ~finite
    return np.zeros(0, dtype=np.intp) if bad is None else np.flatnonzero(bad)


def cancelling_rows(measure: np.ndarray, excluded: np.ndarray) -> np.ndarray:
    """Rows whose cancellation measure is positive and finite, outside ``excluded``."""
    rows = np.flatnonzero((measure > 0) & (measure < np.inf))
    return np.setdiff1d(rows, excluded, assume_unique=True) if excluded.size else rows


def gather(spec: KernelSpec, arrays: list[Any], rows: np.ndarray) -> list[Any]:
    """The prepared arguments restricted to ``rows`` (parameters unchanged)."""
    pairs = zip(spec.arguments, arrays, strict=True)
    return [value if isinstance(argument, Parameter | Shared) else value[rows] for argument, value in pairs]


# -- whole-array programs ----------------------------------------------------------------------------
def argument_names(spec: KernelSpec) -> tuple[list[str], str | None, str]:
    """The generated names of the arguments, of the first class array and of the first row array."""
    book = IndexBook(spec)
    names = []
    class_argument = None
    row_argument = None
    for argument in spec.arguments:
        key = argument_key(argument)
        names.append(book.names[key])
        if isinstance(argument, ClassArray) and class_argument is None:
            class_argument = book.names[key]
        if isinstance(argument, ClassArray | Elementwise) and row_argument is None:
            row_argument = book.names[key]
    if row_argument is None:
        raise ValueError(f"kernel {spec.name!r} has no array argument")
    return names, class_argument, row_argument


def _header(spec: KernelSpec, name: str) -> list[str]:
    arguments, class_argument, row_argument = argument_names(spec)
    return [
        f"def {name}({', '.join(arguments)}):",
        f"    N = {row_argument}.shape[0]",
        f"    K = {class_argument}.shape[1]" if class_argument else "    K = 1",
    ]


def _shaped(spec: KernelSpec, output: Output, variable: str, class_arrays: bool) -> list[str]:
    """Lines reshaping ``variable`` (broadcastable, up to ``slots`` class axes) to ``(N, K, ...)``."""
    book = IndexBook(spec)
    scope = book.base_scope()
    scope.update({index: Slot(position) for position, index in enumerate(output.indices)})
    slots = max(book.slots_needed(output.expression, scope), 1 if class_arrays else 0)
    extra = ", ".join([":"] * (1 + len(output.indices)) + ["0"] * (slots - len(output.indices)))
    rows = "1" if spec.samples is not None else "N"  # a sum over the rows is one row
    shape = ", ".join([rows] + ["K"] * len(output.indices))
    lines = [
        f"    {variable} = numpy.asarray({variable})",
        f"    {variable} = numpy.broadcast_to({variable}.reshape("
        f"{variable}.shape + (1,) * ({slots + 1} - {variable}.ndim))[{extra}], ({shape},))",
    ]
    if spec.samples is not None and output.indices:
        lines.append(f"    {variable} = {variable}[0]")
    return lines


def compile_whole_array(spec: KernelSpec, complex_safe: bool) -> CompiledProgram:
    """``def reference(...)``: every output of ``spec`` as one whole-array expression."""
    lines = _header(spec, "reference")
    class_arrays = any(isinstance(argument, ClassArray) for argument in spec.arguments)
    results = []
    for number, output in enumerate(spec.outputs):
        text = print_array(output.expression, spec, output.indices, complex_safe=complex_safe)
        lines.append(f"    value_{number} = {text}")
        lines.extend(_shaped(spec, output, f"value_{number}", class_arrays))
        results.append(f"value_{number}.copy()")
    lines.append(f"    return ({', '.join(results)},)")
    return compile_source("\n".join(lines) + "\n", "reference", f"{spec.name} reference")


def compile_double_word(spec: KernelSpec, output: Output) -> CompiledProgram:
    """``def double_word(...)``: ``output`` evaluated in double-word arithmetic, rounded once."""
    book = IndexBook(spec)
    scope = book.base_scope()
    scope.update({index: Slot(position) for position, index in enumerate(output.indices)})
    class_arrays = any(isinstance(argument, ClassArray) for argument in spec.arguments)
    slots = max(book.slots_needed(output.expression, scope), 1 if class_arrays else 0)
    printer = _DoubleWordPrinter(book, slots)
    printer.scope = scope
    printer.root = output.expression
    value = printer._print(output.expression)
    lines = _header(spec, "double_word")
    lines.extend(f"    {line}" for line in printer.lines)
    lines.append(f"    value = _dd.result({value})")
    lines.extend(_shaped(spec, output, "value", class_arrays))
    lines.append("    return value")
    return compile_source("\n".join(lines) + "\n", "double_word", f"{spec.name} {output.name} double word")


def _structure(book: IndexBook, expr: sp.Basic, scope: dict) -> Any:
    """A key equal for equal subexpressions whose free indices mean the same (see ``_lowering``)."""
    if isinstance(expr, sp.Symbol) and expr in scope:
        return ("index", scope[expr])
    if isinstance(expr, sp.Sum):
        index, summand = book.check_limits(expr)
        inner = dict(scope)
        inner[index] = Slot(book.sum_slot(summand, index, scope))
        return ("Sum", inner[index], _structure(book, summand, inner))
    if not expr.args:
        return expr
    return (type(expr), tuple(_structure(book, argument, scope) for argument in expr.args))


class _Leaves(ArrayPrinter):
    """The exact leaves of a double-word program; each pivot's argmax is computed once."""

    def __init__(self, book: IndexBook, slots: int, owner: _DoubleWordPrinter) -> None:
        super().__init__(book, slots)
        self.owner = owner
        self.positions: dict[Pivot, str] = {}

    def _pivot_position(self, pivot: Pivot) -> str:
        if pivot not in self.positions:
            self.positions[pivot] = self.owner._assign(super()._pivot_position(pivot))
        return self.positions[pivot]


class _DoubleWordPrinter(Printer):
    """Straight-line code over whole arrays: each node a call into :mod:`._dd`, each input exact.

    Inputs, parameters, positions and Kronecker deltas are exact numbers and are printed by
    :class:`ArrayPrinter`; sums, products, quotients, ``exp`` and ``Sum`` become double-word
    operations. A factor ``δ(j, a)`` or ``1 - δ(j, a)`` of a product is a mask (``where``), not a
    multiplication. Functions other than ``exp``, ``Abs``, ``Piecewise`` (with comparisons decided on
    the exact difference) and ``Weighted`` are refused.
    """

    printmethod = "_symcheck_double_word"

    def __init__(self, book: IndexBook, slots: int) -> None:
        super().__init__()
        self.book = book
        self.leaves = _Leaves(book, slots, self)
        self.scope: dict = book.base_scope()
        self.root: sp.Basic | None = None
        """The output's expression: its final division is rounded once (``_dd.quotient``)."""
        self.lines: list[str] = []
        self._memo: dict[Any, str] = {}

    def _print(self, expr: Any, **kwargs: Any) -> str:  # type: ignore[override]
        key = _structure(self.book, expr, self.scope)
        found = self._memo.get(key)
        if found is None:
            found = super()._print(expr, **kwargs)
            self._memo[key] = found
        return found

    def _assign(self, text: str) -> str:
        name = f"t{len(self.lines)}"
        self.lines.append(f"{name} = {text}")
        return name

    def _call(self, function: str, *arguments: str) -> str:
        return self._assign(f"_dd.{function}({', '.join(arguments)})")

    def _leaf(self, expr: sp.Basic) -> str:
        self.leaves.scope = self.scope
        return self._assign(self.leaves._print(expr))

    def _in_scope(self, scope: dict, expr: sp.Basic) -> str:
        saved = self.scope
        self.scope = scope
        try:
            return self._print(expr)
        finally:
            self.scope = saved

    def emptyPrinter(self, expr: Any) -> str:
        raise UnsupportedExpression(f"double-word evaluation cannot lower {type(expr).__name__}: {expr}")

    # -- exact leaves ----------------------------------------------------------------------------------
    def _print_Integer(self, expr: sp.Integer) -> str:
        return repr(float(expr))

    def _print_Float(self, expr: sp.Float) -> str:
        return repr(float(expr))

    def _print_Rational(self, expr: sp.Rational) -> str:
        return self._call("divide", repr(float(expr.p)), repr(float(expr.q)))

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        return self._leaf(expr)

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        if expr.base in self.book.definitions:
            body, inner = self.book.definition_scope(expr, self.scope)
            return self._in_scope(inner, body)
        return self._leaf(expr)

    def _print_KroneckerDelta(self, expr: sp.KroneckerDelta) -> str:
        return self._assign(f"1.0*{self._condition(expr)}")

    def _condition(self, factor: sp.Expr) -> str | None:
        """A boolean array for ``δ(p, q)`` or ``1 - δ(p, q)``, else None."""
        self.leaves.scope = self.scope
        if isinstance(factor, sp.KroneckerDelta):
            return self.leaves._print(factor)
        if factor.is_Add and len(factor.args) == 2 and sp.S.One in factor.args:
            other = factor.args[0] if factor.args[1] == 1 else factor.args[1]
            delta = _negated(other)
            if isinstance(delta, sp.KroneckerDelta):
                return f"numpy.logical_not({self.leaves._print(delta)})"
        return None

    # -- arithmetic ----------------------------------------------------------------------------------
    def _print_Add(self, expr: sp.Add) -> str:
        condition = self._condition(expr)
        if condition is not None:
            return self._assign(f"1.0*{condition}")
        value: str | None = None
        for term in expr.args:
            negated = _negated(term)
            printed = self._print(term if negated is None else negated)
            if value is None:
                value = printed if negated is None else self._call("negative", printed)
            else:
                value = self._call("add" if negated is None else "subtract", value, printed)
        return value

    def _print_Mul(self, expr: sp.Mul) -> str:
        coefficient, factors = expr.as_coeff_mul()
        masks, numerator, denominator = [], [], []
        for factor in factors:
            condition = self._condition(factor)
            if condition is not None:
                masks.append(condition)
            elif factor.is_Pow and factor.exp.is_Integer and factor.exp < 0:
                denominator.append(factor.base if factor.exp == -1 else sp.Pow(factor.base, -factor.exp))
            else:
                numerator.append(factor)
        if coefficient.is_Rational and coefficient.q != 1:
            denominator.append(sp.Integer(coefficient.q))
            coefficient = sp.Integer(coefficient.p)
        value = None
        for factor in numerator:
            printed = self._print(factor)
            value = printed if value is None else self._call("multiply", value, printed)
        if coefficient not in (1, -1):
            scale = self._print(coefficient)
            value = scale if value is None else self._call("multiply", value, scale)
        if denominator:
            below = None
            for factor in denominator:
                printed = self._print(factor)
                below = printed if below is None else self._call("multiply", below, printed)
            value = self._call("quotient" if expr is self.root else "divide", value or "1.0", below)
        if coefficient == -1:
            value = self._call("negative", value or "1.0")
        for condition in masks:
            value = self._call("where", condition, value or "1.0", "0.0")
        return value or "1.0"

    def _print_Pow(self, expr: sp.Pow) -> str:
        if expr.exp == -1:
            return self._call("divide", "1.0", self._print(expr.base))
        if expr.exp.is_Integer and expr.exp > 0:
            base = self._print(expr.base)
            value = base
            for _ in range(int(expr.exp) - 1):
                value = self._call("multiply", value, base)
            return value
        raise UnsupportedExpression(f"double-word evaluation has no power {expr.exp}: {expr}")

    def _print_exp(self, expr: sp.exp) -> str:
        return self._call("exp", self._print(expr.args[0]))

    def _print_Abs(self, expr: sp.Abs) -> str:
        return self._call("absolute", self._print(expr.args[0]))

    def _print_Piecewise(self, expr: sp.Piecewise) -> str:
        pieces = list(expr.args)
        if pieces[-1].cond != sp.true:
            raise UnsupportedExpression(f"a Piecewise needs a final 'True' piece to be total: {expr}")
        value = self._print(pieces[-1].expr)
        for piece in reversed(pieces[:-1]):
            condition = self._print(piece.cond)
            value = self._call("where", condition, self._print(piece.expr), value)
        return value

    def _print_Relational(self, expr: sp.core.relational.Relational) -> str:
        names = {"<": "less", "<=": "less_equal", ">": "greater", ">=": "greater_equal"}
        names.update({"==": "equal", "!=": "not_equal"})
        if expr.rel_op not in names:
            raise UnsupportedExpression(f"double-word evaluation cannot compare with {expr.rel_op}: {expr}")
        return self._call("compare", repr(names[expr.rel_op]), self._print(expr.lhs), self._print(expr.rhs))

    def _print_Weighted(self, expr: sp.Function) -> str:
        weight, value = (self._print(argument) for argument in expr.args)
        return self._call("where", f"_dd.is_zero({weight})", "0.0", self._call("multiply", weight, value))

    def _print_Sum(self, expr: sp.Sum) -> str:
        index, summand = self.book.check_limits(expr)
        slot = self.book.sum_slot(summand, index, self.scope)
        inner = dict(self.scope)
        inner[index] = Slot(slot)
        body = self._in_scope(inner, summand)
        if index not in summand.free_symbols:
            return self._call("multiply", body, "float(K)")
        return self._call("sum_along", body, str(slot + 1))

    def _print_Function(self, expr: sp.Function) -> str:
        raise UnsupportedExpression(f"double-word evaluation has no {expr.func}: {expr}")
