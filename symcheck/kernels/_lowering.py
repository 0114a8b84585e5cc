"""Lowering a spec's outputs to straight-line in-place NumPy statements over one block of rows.

The whole-array printing of :mod:`symcheck.kernels._printer` is correct but makes NumPy allocate
a temporary for every operation and sweep the whole batch once per operation; with ``N·K`` in the
tens of millions that is memory traffic, page faults and, for small ``K``, the slow last-axis
reductions of NumPy. The lowering keeps the meaning and changes the evaluation:

* each SymPy node becomes one ufunc call with ``out=`` (three-address code), structurally equal
  subexpressions are computed once (the memo is keyed by structure *and* by what each free index
  means), and a value that varies along one class axis only is computed along the first and
  viewed along its own, so ``ŷ_i`` and ``ŷ_k`` in the Jacobian are one array;
* the statements run over blocks of rows small enough to stay in cache, and buffers are reused
  by liveness (:mod:`symcheck.kernels._emit`), so the batch is read once and written once;
* the layout of a block is chosen for the reductions: for small ``K`` the block is transposed to
  ``(K, rows)`` so that a class reduction is ``K - 1`` contiguous vector operations instead of
  ``rows`` tiny ones;
* terms that touch one class per row are not materialised: ``δ(k, l)·w`` (a one-hot label) is
  added at position ``l`` only, and a sum with the factor ``1 - δ(j, a)`` leaves out position
  ``a`` by zeroing it for the reduction (never by subtracting it afterwards, which would cancel).

Two lowering rules are about floating point rather than algebra, and both are exact identities:

* ``exp(P - Q)`` with ``Q`` the row maximum is computed without rounding ``P - Q`` first
  (as ``exp(P)/exp(Q)`` where that is safe, else with the rounding error recovered by TwoSum; see
  :mod:`symcheck.kernels._runtime`). Rounding ``z_i - max z`` otherwise costs up to
  ``|z_i - max z|/2`` ulp in every softmax entry (about 10 ulp at ``|z| ≈ 20``, as SciPy shows).
  The sum ``R = Σ_{j≠a} exp(z_j - z_a)`` alone divides by ``exp(z_a)`` once per row.
* the pivot ``a`` (an argmax) is the *first* maximal position, so a sum with the factor
  ``1 - δ(j, a)`` leaves out exactly one term, even with ties.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.printer import Printer

from symcheck.kernels._batch import Accumulation, lower_batch, shared_dot
from symcheck.kernels._printer import IndexBook, Meaning, Scope, Slot, UnsupportedExpression
from symcheck.kernels._spec import ClassArray, KernelSpec, Pivot, RowIndex, argument_key

__all__ = ["Layout", "Lowered", "Reg", "Stmt", "lower"]

_UFUNC_NAMES: dict[str, str] = {
    name: target.split(".", 1)[1]
    for name, target in NumPyPrinter().known_functions.items()
    if isinstance(target, str)
    and target.startswith("numpy.")
    and isinstance(getattr(np, target.split(".", 1)[1], None), np.ufunc)
}
"""SymPy function name -> NumPy ufunc name, taken from SymPy's own NumPy printer (exp, log1p, ...)."""


@dataclass(eq=False)
class Reg:
    """A value in the lowered program: a buffer, a view of one, an input block or a constant.

    ``slots`` are the class axes it varies along; ``rowwise`` is False for values that are the
    same for every row (``arange(K)``, the identity), which are computed once, before the loop.
    """

    name: str
    kind: str  # "float" (the working dtype), "bool", "intp", "uint8" or "scalar" (a Python number)
    slots: frozenset[int]
    rowwise: bool = True
    text: str | None = None
    """Fixed code for the value (literals, parameters, input views); None for computed values."""
    alias_of: Reg | None = None
    """For a view: the register whose buffer it looks at (liveness extends to it)."""
    writable: bool = True
    """False for views of the caller's input arrays, which are never used as ``out=``."""

    @property
    def root(self) -> Reg:
        return self.alias_of.root if self.alias_of is not None else self


@dataclass(eq=False)
class Stmt:
    """``target = template.format(out=<target's buffer>, *<argument texts>)``.

    ``inplace`` says the operation is elementwise, so its output may share memory with an
    argument that dies here; ``fresh`` says the operation allocates its own result (``np.where``,
    ``take_along_axis``), so the target is bound to it rather than given a buffer.
    """

    target: Reg
    template: str
    args: tuple[Reg, ...]
    inplace: bool = True
    fresh: bool = False
    prologue: bool = False
    """Computed once before the block loop (a constant such as ``arange(K)``)."""
    scratch: tuple[Reg, ...] = ()
    """Registers the operation overwrites freely; they get buffers that are free at this point."""
    effect: bool = False
    """The operation returns nothing (it adds to an accumulator); the target is a placeholder."""


@dataclass(frozen=True)
class Layout:
    """How a block of rows is laid out: ``(K.., rows)`` transposed, or ``(rows, K..)``.

    ``slots`` is the number of class axes. Constants have size 1 along the rows.
    """

    transposed: bool
    slots: int

    def axis(self, slot: int) -> int:
        return slot if self.transposed else slot + 1

    @property
    def row_axis(self) -> int:
        return self.slots if self.transposed else 0

    def shape(self, slots: frozenset[int], rows: str = "B") -> str:
        dims = ["K" if slot in slots else "1" for slot in range(self.slots)]
        dims = [*dims, rows] if self.transposed else [rows, *dims]
        return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"

    def constant_shape(self, slots: frozenset[int]) -> str:
        return self.shape(slots, rows="1")

    def tail(self, name: str) -> str:
        """Rebinding a buffer to its first ``n`` rows, for the last, shorter block."""
        index = [":"] * (self.slots + 1)
        index[self.row_axis] = ":n"
        return f"{name} = {name}[{', '.join(index)}]"


@dataclass
class Lowered:
    """The lowered program: statements in order and the register holding each output."""

    layout: Layout
    statements: list[Stmt] = field(default_factory=list)
    outputs: list[tuple[str, Reg, tuple[int, ...]]] = field(default_factory=list)
    inputs: dict[str, Reg] = field(default_factory=dict)
    accumulations: list[Accumulation] = field(default_factory=list)
    """Outputs summed over the rows (:mod:`symcheck.kernels._batch`), written after the last block."""


def _negated(term: sp.Expr) -> sp.Expr | None:
    """``u`` if ``term`` is ``-u`` (a Mul with coefficient -1 or a negative number), else None."""
    if term.is_Number and term.is_negative:
        return -term
    if term.is_Mul and term.args[0] == -1:
        rest = term.args[1:]
        return rest[0] if len(rest) == 1 else sp.Mul(*rest, evaluate=False)
    return None


class _Lowering(Printer):
    """SymPy's printer dispatch (``_print_Sum``, ``_print_exp``, ...) used to emit statements.

    Each ``_print_*`` method appends the statements that compute its node and returns the
    :class:`Reg` that holds the value, instead of returning a string.
    """

    printmethod = "_symcheck_lowering"

    def __init__(
        self,
        book: IndexBook,
        layout: Layout,
        *,
        compensated: bool = True,
        needs_position: frozenset[Pivot] = frozenset(),
        elementwise_exp: frozenset[Pivot] = frozenset(),
    ) -> None:
        super().__init__()
        self.book = book
        self.layout = layout
        self.compensated = compensated
        self.needs_position = needs_position
        """Pivots whose positions are used (in a delta or a masked sum), not only their values."""
        self.elementwise_exp = elementwise_exp
        """Pivots whose ``exp(base_j - base_a)`` is needed entry by entry, outside the sum R."""
        self.program = Lowered(layout)
        self.scope: Scope = book.base_scope()
        self._memo: dict[Any, Reg] = {}
        self._counter = 0
        self._pivot_values: dict[Pivot, Reg] = {}
        self._pivot_positions: dict[Pivot, Reg] = {}

    # -- registers and statements ----------------------------------------------------------------
    def _new(self, kind: str, slots: frozenset[int], *, rowwise: bool = True, text: str | None = None) -> Reg:
        self._counter += 1
        return Reg(f"r{self._counter}", kind, slots, rowwise=rowwise, text=text)

    def _emit(
        self,
        template: str,
        args: tuple[Reg, ...],
        *,
        kind: str = "float",
        slots: frozenset[int] | None = None,
        inplace: bool = True,
        fresh: bool = False,
    ) -> Reg:
        if slots is None:
            slots = frozenset().union(*(arg.slots for arg in args)) if args else frozenset()
        rowwise = any(arg.rowwise for arg in args)
        target = self._new(kind, slots, rowwise=rowwise)
        target.writable = rowwise  # constants computed before the loop are never overwritten
        self.program.statements.append(Stmt(target, template, args, inplace=inplace, fresh=fresh, prologue=not rowwise))
        return target

    def _scalar(self, text: str) -> Reg:
        return self._new("scalar", frozenset(), rowwise=False, text=text)

    def _effect(self, template: str, args: tuple[Reg, ...], target: Reg) -> None:
        self.program.statements.append(Stmt(target, template, args, inplace=False, effect=True))

    def _shared_input(self, base: sp.IndexedBase) -> Reg:
        """A shared vector ``(K,)`` as the caller passed it (the same for every block)."""
        return self._new("float", frozenset({0}), rowwise=False, text=self.book.names[base])

    def _ufunc(self, name: str, *args: Reg, kind: str = "float") -> Reg:
        placeholders = ", ".join(f"{{{position}}}" for position in range(len(args)))
        if all(arg.kind == "scalar" for arg in args):
            return self._scalar(f"np.{name}({placeholders.format(*(arg.text for arg in args))})")
        return self._emit(f"np.{name}({placeholders}, out={{out}})", args, kind=kind)

    def _view(self, base: Reg, template: str, slots: frozenset[int]) -> Reg:
        view = self._new(base.kind, slots, rowwise=base.rowwise)
        view.alias_of = base
        view.text = template
        view.writable = False
        return view

    def _move(self, reg: Reg, source: int, target: int) -> Reg:
        """``reg`` (varying along slot ``source`` only) viewed along slot ``target``."""
        if source == target or source not in reg.slots:
            return reg
        return self._view(
            reg,
            f"np.moveaxis({{0}}, {self.layout.axis(source)}, {self.layout.axis(target)})",
            frozenset({target}),
        )

    # -- dispatch with memo ------------------------------------------------------------------------
    def _key(self, expr: sp.Basic, scope: Scope) -> Any:
        if isinstance(expr, sp.Symbol) and expr in scope:
            return ("index", scope[expr])
        if isinstance(expr, sp.Sum):
            index, summand = self.book.check_limits(expr)
            inner = dict(scope)
            inner[index] = Slot(self.book.sum_slot(summand, index, scope))
            return ("Sum", inner[index], self._key(summand, inner))
        if not expr.args:
            return expr
        return (type(expr), tuple(self._key(argument, scope) for argument in expr.args))

    def _print(self, expr: Any, **kwargs: Any) -> Reg:  # type: ignore[override]
        slots = {
            meaning.number
            for symbol in getattr(expr, "free_symbols", ())
            if isinstance(meaning := self.scope.get(symbol), Slot)
        }
        if len(slots) == 1 and (slot := next(iter(slots))) != 0:
            # A value along one class axis is computed along the first and viewed along its own,
            # so exp(z_k - z_a) and exp(z_i - z_a) in the Jacobian are one array.
            moved = {
                symbol: Slot(0) if isinstance(meaning, Slot) and meaning.number == slot else meaning
                for symbol, meaning in self.scope.items()
                if not (isinstance(meaning, Slot) and meaning.number == 0)
            }
            return self._move(self._in_scope(moved, expr), 0, slot)
        key = self._key(expr, self.scope)
        found = self._memo.get(key)
        if found is None:
            found = super()._print(expr, **kwargs)
            self._memo[key] = found
        return found

    def _in_scope(self, scope: Scope, expr: sp.Basic) -> Reg:
        saved = self.scope
        self.scope = scope
        try:
            return self._print(expr)
        finally:
            self.scope = saved

    def emptyPrinter(self, expr: Any) -> Reg:
        raise UnsupportedExpression(f"the kernel generator cannot lower {type(expr).__name__}: {expr}")

    # -- leaves ------------------------------------------------------------------------------------
    def _print_Number(self, expr: sp.Number) -> Reg:
        return self._scalar(repr(float(expr)))

    def _print_NumberSymbol(self, expr: sp.NumberSymbol) -> Reg:
        return self._scalar(repr(float(expr)))

    def _print_Symbol(self, expr: sp.Symbol) -> Reg:
        book = self.book
        if expr in book.parameters:
            return self._scalar(book.names[expr])
        if expr == book.bound:
            return self._scalar("K")
        if expr == book.count:
            return self._scalar("N")
        if expr in book.elementwise:
            return self.program.inputs[book.names[expr]]
        meaning = self.scope.get(expr)
        if isinstance(meaning, Slot):
            return self._move(self._iota(), 0, meaning.number)
        if meaning is not None:
            return self._position(meaning)
        raise UnsupportedExpression(f"symbol {expr} is not an argument, a parameter or an index in scope")

    def _iota(self) -> Reg:
        """``arange(K)`` along slot 0, computed once."""
        key = ("iota",)
        if key not in self._memo:
            reg = self._new("intp", frozenset({0}), rowwise=False)
            reg.writable = False
            self.program.statements.append(
                Stmt(
                    reg,
                    f"np.arange(K).reshape{self.layout.constant_shape(frozenset({0}))}",
                    (),
                    fresh=True,
                    prologue=True,
                )
            )
            self._memo[key] = reg
        return self._memo[key]

    def _class_input(self, base: sp.IndexedBase, slot: int) -> Reg:
        return self._move(self.program.inputs[self.book.names[base]], 0, slot)

    def _position(self, meaning: Pivot | RowIndex) -> Reg:
        """The per-row class position of a pivot (argmax) or a row-index argument."""
        if isinstance(meaning, RowIndex):
            return self.program.inputs[self.book.names[meaning.symbol]]
        if meaning in self._pivot_positions:
            return self._pivot_positions[meaning]
        values = self._class_input(meaning.base, 0)
        axis = self.layout.axis(0)
        if self.layout.transposed:
            # np.argmax along a non-last axis copies; instead weight the maximal positions by
            # K - j (uint8, so K <= 255 in this layout) and take the largest: the first argmax.
            largest = self._pivot_value(meaning)
            equal = self._emit("np.equal({0}, {1}, out={out})", (values, largest), kind="bool")
            weights = self._new("uint8", frozenset({0}), rowwise=False)
            weights.writable = False
            self.program.statements.append(
                Stmt(
                    weights,
                    f"(K - np.arange(K, dtype=np.uint8)).reshape{self.layout.constant_shape(frozenset({0}))}",
                    (),
                    fresh=True,
                    prologue=True,
                )
            )
            weighted = self._emit("np.multiply({0}.view(np.uint8), {1}, out={out})", (equal, weights), kind="uint8")
            best = self._emit(
                f"np.maximum.reduce({{0}}, axis={axis}, keepdims=True, out={{out}})",
                (weighted,),
                kind="uint8",
                slots=frozenset(),
                inplace=False,
            )
            # A row of NaN has no maximal position: clip so that gathers stay in range.
            position = self._emit("np.subtract(K, {0}, out={out})", (best,), kind="intp")
            position = self._emit("np.minimum({0}, K - 1, out={out})", (position,), kind="intp")
        else:
            position = self._emit(
                f"np.argmax({{0}}, axis={axis}, keepdims=True, out={{out}})",
                (values,),
                kind="intp",
                slots=frozenset(),
                inplace=False,
            )
        self._pivot_positions[meaning] = position
        return position

    def _pivot_value(self, pivot: Pivot) -> Reg:
        """``base[pivot]``: the row maximum, computed once.

        In the row-major layout, when the position is needed anyway, the maximum is gathered at
        the argmax instead of being reduced a second time.
        """
        if pivot not in self._pivot_values and not self.layout.transposed and pivot in self.needs_position:
            values = self._class_input(pivot.base, 0)
            position = self._position(pivot)
            self._pivot_values[pivot] = self._emit(
                f"_take({{0}}, {{1}}, {self.layout.axis(0)})", (values, position), slots=frozenset(), fresh=True
            )
        if pivot not in self._pivot_values:
            values = self._class_input(pivot.base, 0)
            self._pivot_values[pivot] = self._emit(
                f"np.maximum.reduce({{0}}, axis={self.layout.axis(0)}, keepdims=True, out={{out}})",
                (values,),
                slots=frozenset(),
                inplace=False,
            )
        return self._pivot_values[pivot]

    def _print_Indexed(self, expr: sp.Indexed) -> Reg:
        book = self.book
        (index,) = expr.indices
        meaning = book.meaning(index, self.scope)
        if expr.base in book.shared and isinstance(meaning, Slot):
            shape = self.layout.constant_shape(frozenset({0}))
            vector = self._view(self._shared_input(expr.base), "{0}.reshape" + shape, frozenset({0}))
            return self._move(vector, 0, meaning.number)
        if expr.base in book.definitions:
            definition = book.definitions[expr.base]
            (variable,) = definition.variables
            inner = book.base_scope()
            inner[variable] = Slot(0) if isinstance(meaning, Slot) else meaning
            value = self._in_scope(inner, definition.expr)
            return self._move(value, 0, meaning.number) if isinstance(meaning, Slot) else value
        if expr.base not in book.class_arrays:
            raise UnsupportedExpression(f"{expr.base} is not a class-array argument or a definition")
        if isinstance(meaning, Slot):
            return self._class_input(expr.base, meaning.number)
        if isinstance(meaning, Pivot) and meaning.base == expr.base:
            return self._pivot_value(meaning)
        values = self._class_input(expr.base, 0)
        position = self._position(meaning)
        return self._emit(
            f"_take({{0}}, {{1}}, {self.layout.axis(0)})", (values, position), slots=frozenset(), fresh=True
        )

    def _print_KroneckerDelta(self, expr: sp.KroneckerDelta, negate: bool = False) -> Reg:
        sides = []
        for index in expr.args:
            meaning = self.book.meaning(index, self.scope)
            sides.append(
                self._move(self._iota(), 0, meaning.number) if isinstance(meaning, Slot) else self._position(meaning)
            )
        return self._ufunc("not_equal" if negate else "equal", *sides, kind="bool")

    # -- arithmetic ------------------------------------------------------------------------------
    def _sparse_term(self, term: sp.Expr) -> tuple[Meaning, sp.Symbol, sp.Expr] | None:
        """``(position, class index, w)`` if ``term`` is ``δ(k, p)·w`` with ``p`` one position per row
        and ``w`` free of ``k``: a term that is nonzero at a single class of each row."""
        factors = list(term.args) if term.is_Mul else [term]
        deltas = [factor for factor in factors if isinstance(factor, sp.KroneckerDelta)]
        if len(deltas) != 1:
            return None
        meanings = [self.scope.get(index) for index in deltas[0].args]
        slots = [index for index, meaning in zip(deltas[0].args, meanings, strict=True) if isinstance(meaning, Slot)]
        others = [meaning for meaning in meanings if isinstance(meaning, Pivot | RowIndex)]
        if len(slots) != 1 or len(others) != 1:
            return None
        weight = sp.Mul(*[factor for factor in factors if factor is not deltas[0]])
        if slots[0] in weight.free_symbols:
            return None
        return others[0], slots[0], weight

    def _print_Add(self, expr: sp.Add) -> Reg:
        terms = list(expr.args)
        if len(terms) == 2:
            # 1 - δ(p, q) is the mask "p != q"; a common factor of masked sums.
            for one, other in (terms, terms[::-1]):
                negated = _negated(other)
                if one == 1 and isinstance(negated, sp.KroneckerDelta):
                    return self._print_KroneckerDelta(negated, negate=True)
            if _negated(terms[0]) is not None and _negated(terms[1]) is None:
                terms = terms[::-1]  # b - a rather than (-a) + b: one operation, same rounding
        signed = [(False, term) if _negated(term) is None else (True, _negated(term)) for term in terms]
        negative, first = signed[0]
        total = self._print(first)
        if negative:
            total = self._ufunc("negative", total)
        for negative, term in signed[1:]:
            sparse = self._sparse_term(term)
            slot = self.scope[sparse[1]].number if sparse is not None else None
            if sparse is not None and slot in total.slots:
                # δ(k, p)·w touches one class per row: add it there instead of materialising it.
                meaning, _index, weight = sparse
                position = self._position(meaning)
                amount = self._print(weight)
                sign = "-1.0" if negative else "1.0"
                total = self._emit(
                    f"_plus_at({{0}}, {{1}}, {{2}}, {{out}}, {self.layout.axis(slot)}, {sign})",
                    (total, position, amount),
                    slots=total.slots,
                )
                continue
            total = self._ufunc("subtract" if negative else "add", total, self._print(term))
        return total

    def _print_Mul(self, expr: sp.Mul) -> Reg:
        coefficient, factors = expr.as_coeff_mul()
        numerator: list[sp.Expr] = []
        denominator: list[sp.Expr] = []
        for factor in factors:
            if factor.is_Pow and factor.exp.is_Number and factor.exp.is_negative:
                denominator.append(factor.base if factor.exp == -1 else sp.Pow(factor.base, -factor.exp))
            else:
                numerator.append(factor)
        value: Reg | None = None
        for factor in numerator:
            reg = self._print(factor)
            value = reg if value is None else self._ufunc("multiply", value, reg)
        if denominator:
            below: Reg | None = None
            for factor in denominator:
                reg = self._print(factor)
                below = reg if below is None else self._ufunc("multiply", below, reg)
            top = value if value is not None else self._print(sp.Float(1.0))
            if coefficient not in (1, -1) and value is None:
                top = self._print(coefficient)
                coefficient = sp.Integer(1)
            value = self._ufunc("divide", top, below)
        if value is None:
            return self._print(coefficient)
        if coefficient == -1:
            return self._ufunc("negative", value)
        if coefficient != 1:
            return self._ufunc("multiply", value, self._print(coefficient))
        return value

    def _print_Pow(self, expr: sp.Pow) -> Reg:
        base = self._print(expr.base)
        exponent = expr.exp
        if exponent == 2:
            return self._ufunc("square", base)
        if exponent == sp.Rational(1, 2):
            return self._ufunc("sqrt", base)
        if exponent == -1:
            return self._ufunc("divide", self._print(sp.Float(1.0)), base)
        return self._ufunc("power", base, self._print(exponent))

    # -- functions -------------------------------------------------------------------------------
    def _exact_leaf(self, expr: sp.Expr) -> bool:
        """Inputs and pivot values: numbers that are exactly what the caller passed."""
        if isinstance(expr, sp.Symbol):
            return expr in self.book.elementwise
        return isinstance(expr, sp.Indexed) and expr.base in self.book.class_arrays

    def _print_exp(self, expr: sp.exp) -> Reg:
        argument = expr.args[0]
        if self.compensated and argument.is_Add and len(argument.args) == 2:
            first, second = argument.args
            if _negated(first) is not None:
                first, second = second, first
            subtrahend = _negated(second)
            if (
                _negated(first) is None
                and subtrahend is not None
                and self._exact_leaf(first)
                and isinstance(subtrahend, sp.Indexed)
                and isinstance(self.scope.get(subtrahend.indices[0]), Pivot)
            ):
                return self._compensated_exp(argument, first, subtrahend)
        return self._ufunc("exp", self._print(argument))

    def _compensated_exp(self, difference: sp.Expr, minuend: sp.Expr, subtrahend: sp.Expr) -> Reg:
        """``exp(P - Q)`` without the error of rounding ``P - Q`` (see :mod:`._runtime`)."""
        p = self._print(minuend)
        q = self._print(subtrahend)
        slots = p.slots | q.slots
        scratch = (self._new("float", slots), self._new("float", slots))
        target = self._emit(
            f"_exp_shifted({{0}}, {{1}}, {{out}}, {{2}}, {{3}}, {self.layout.axis(0)}, {self.layout.row_axis})",
            (p, q, *scratch),
            slots=slots,
            inplace=False,
        )
        self.program.statements[-1].scratch = scratch
        self.program.statements[-1].args = (p, q)
        return target

    def _print_Function(self, expr: sp.Function) -> Reg:
        name = _UFUNC_NAMES.get(type(expr).__name__)
        if name is None:
            raise UnsupportedExpression(f"no NumPy ufunc is known for {expr.func} (in {expr})")
        return self._ufunc(name, *(self._print(argument) for argument in expr.args))

    def _print_Abs(self, expr: sp.Abs) -> Reg:
        return self._ufunc("absolute", self._print(expr.args[0]))

    def _print_Weighted(self, expr: sp.Function) -> Reg:
        """``w·x``, and 0 where ``w = 0`` (see :class:`~symcheck.kernels.Weighted`)."""
        weight, value = (self._print(argument) for argument in expr.args)
        product = self._ufunc("multiply", weight, value)
        zero = self._ufunc("equal", weight, self._scalar("0.0"), kind="bool")
        return self._emit("np.where({0}, 0.0, {1})", (zero, product), fresh=True)

    def _print_sign(self, expr: sp.sign) -> Reg:
        return self._ufunc("sign", self._print(expr.args[0]))

    def _extremum(self, expr: sp.Basic, ufunc: str) -> Reg:
        regs = [self._print(argument) for argument in expr.args]
        value = regs[0]
        for other in regs[1:]:
            value = self._ufunc(ufunc, value, other)
        return value

    def _print_Max(self, expr: sp.Max) -> Reg:
        return self._extremum(expr, "maximum")

    def _print_Min(self, expr: sp.Min) -> Reg:
        return self._extremum(expr, "minimum")

    def _print_Relational(self, expr: sp.core.relational.Relational) -> Reg:
        names = {
            "==": "equal",
            "!=": "not_equal",
            "<": "less",
            "<=": "less_equal",
            ">": "greater",
            ">=": "greater_equal",
        }
        if expr.rel_op not in names:
            raise UnsupportedExpression(f"cannot lower the relation {expr}")
        return self._ufunc(names[expr.rel_op], self._print(expr.lhs), self._print(expr.rhs), kind="bool")

    def _print_Piecewise(self, expr: sp.Piecewise) -> Reg:
        pieces = list(expr.args)
        if pieces[-1].cond != sp.true:
            raise UnsupportedExpression(f"a Piecewise needs a final 'True' piece to be total: {expr}")
        value = self._print(pieces[-1].expr)
        for piece in reversed(pieces[:-1]):
            condition = self._print(piece.cond)
            chosen = self._print(piece.expr)
            value = self._emit("np.where({0}, {1}, {2})", (condition, chosen, value), fresh=True)
        return value

    # -- reductions ------------------------------------------------------------------------------
    def _masked(self, summand: sp.Expr, index: sp.Symbol, scope: Scope) -> tuple[Pivot | RowIndex, sp.Expr] | None:
        """``(p, x)`` if ``summand`` is ``(1 - δ(index, p))·x``: a sum that leaves out one class."""
        if not summand.is_Mul:
            return None
        for factor in summand.args:
            if factor.is_Add and len(factor.args) == 2 and 1 in factor.args:
                other = factor.args[0] if factor.args[1] == 1 else factor.args[1]
                delta = _negated(other)
                if isinstance(delta, sp.KroneckerDelta) and index in delta.args:
                    (partner,) = [argument for argument in delta.args if argument != index] or [index]
                    meaning = scope.get(partner)
                    if isinstance(meaning, Pivot | RowIndex):
                        rest = sp.Mul(*[f for f in summand.args if f is not factor])
                        return meaning, rest
        return None

    def _print_Sum(self, expr: sp.Sum) -> Reg:
        index, summand = self.book.check_limits(expr)
        slot = self.book.sum_slot(summand, index, self.scope)
        inner = dict(self.scope)
        inner[index] = Slot(slot)
        axis = self.layout.axis(slot)
        dot = shared_dot(self, summand, index, slot)
        if dot is not None:
            return dot
        masked = self._masked(summand, index, inner)
        if masked is not None and slot == 0:
            meaning, rest = masked
            position = self._position(meaning)
            exponent = rest.args[0] if isinstance(rest, sp.exp) else None
            if (
                isinstance(meaning, Pivot)
                and meaning not in self.elementwise_exp
                and exponent is not None
                and exponent == meaning.base[index] - meaning.base[meaning.index]
            ):
                # R = Σ_{j≠a} exp(z_j - z_a), without materialising exp(z_j - z_a) for the output
                values = self._class_input(meaning.base, 0)
                largest = self._pivot_value(meaning)
                scratch = tuple(self._new("float", frozenset({0})) for _ in range(3))
                target = self._emit(
                    f"_rest_of_exp({{0}}, {{1}}, {{2}}, {{out}}, {{3}}, {{4}}, {{5}}, {axis}, {self.layout.row_axis})",
                    (values, largest, position),
                    slots=frozenset(),
                    inplace=False,
                )
                self.program.statements[-1].scratch = scratch
                return target
            body = self._in_scope(inner, rest)
            if body.text is None and body.alias_of is None and body.rowwise and 0 in body.slots:
                return self._emit(
                    f"_sum_except({{0}}, {{1}}, {{out}}, {axis})",
                    (body, position),
                    slots=body.slots - {0},
                    inplace=False,
                )
        body = self._in_scope(inner, summand)
        if slot not in body.slots:
            return self._ufunc("multiply", body, self._scalar("K"))
        return self._emit(
            f"_class_sum({{0}}, {axis}, {{out}})",
            (body,),
            slots=body.slots - {slot},
            inplace=False,
        )


def _input_registers(lowering: _Lowering, spec: KernelSpec) -> None:
    """Registers for each argument's block: transposed copies, views, or per-row index views."""
    layout = lowering.layout
    program = lowering.program
    for argument in spec.arguments:
        name = lowering.book.names[argument_key(argument)]
        if isinstance(argument, ClassArray):
            if layout.transposed:
                reg = lowering._new("float", frozenset({0}))
                expand = ", ".join([":"] + ["None"] * (layout.slots - 1) + [":"])
                program.statements.append(
                    Stmt(reg, f"np.copyto({{out}}, {name}[start:stop].T[{expand}])", (), inplace=False)
                )
            else:
                expand = ", ".join(["start:stop", ":"] + ["None"] * (layout.slots - 1))
                reg = lowering._new("float", frozenset({0}), text=f"{name}[{expand}]")
                reg.writable = False
        elif isinstance(argument, RowIndex):
            parts = ["None"] * layout.slots
            parts = [*parts, "start:stop"] if layout.transposed else ["start:stop", *parts]
            reg = lowering._new("intp", frozenset(), text=f"{name}[{', '.join(parts)}]")
            reg.writable = False
        elif getattr(argument, "symbol", None) in lowering.book.elementwise:
            parts = ["None"] * layout.slots
            parts = [*parts, "start:stop"] if layout.transposed else ["start:stop", *parts]
            reg = lowering._new("float", frozenset(), text=f"{name}[{', '.join(parts)}]")
            reg.writable = False
        else:
            continue
        program.inputs[name] = reg


def _scan(spec: KernelSpec) -> tuple[frozenset[Pivot], frozenset[Pivot]]:
    """Which pivots need their positions, and which need ``exp(z_j - z_a)`` entry by entry."""
    positions: set[Pivot] = set()
    elementwise: set[Pivot] = set()
    pivots = {pivot.index: pivot for pivot in spec.pivots}

    def is_rest(node: sp.Basic) -> Pivot | None:
        if not isinstance(node, sp.Sum) or len(node.limits) != 1:
            return None
        index = node.limits[0][0]
        for pivot in pivots.values():
            pattern = (1 - sp.KroneckerDelta(index, pivot.index)) * sp.exp(pivot.base[index] - pivot.base[pivot.index])
            if sp.expand(node.function - pattern) == 0:
                return pivot
        return None

    def walk(node: sp.Basic, inside_indexed: bool = False) -> None:
        rest = is_rest(node)
        if rest is not None:
            positions.add(rest)
            return
        if isinstance(node, sp.exp):
            argument = node.args[0]
            for pivot in pivots.values():
                if argument.has(pivot.base[pivot.index]) and argument.is_Add:
                    elementwise.add(pivot)
        if isinstance(node, sp.KroneckerDelta):
            positions.update(pivots[argument] for argument in node.args if argument in pivots)
        if isinstance(node, sp.Symbol) and node in pivots and not inside_indexed:
            positions.add(pivots[node])
        for argument in node.args:
            walk(argument, inside_indexed=isinstance(node, sp.Indexed))

    for output in spec.outputs:
        walk(output.expression)
    for _base, definition in spec.definitions:
        walk(definition.expr)
    return frozenset(positions), frozenset(elementwise)


def lower(spec: KernelSpec, layout: Layout, *, compensated: bool = True) -> Lowered:
    """The statements computing every output of ``spec`` on one block, in ``layout``."""
    book = IndexBook(spec)
    needs_position, elementwise_exp = _scan(spec)
    lowering = _Lowering(
        book, layout, compensated=compensated, needs_position=needs_position, elementwise_exp=elementwise_exp
    )
    _input_registers(lowering, spec)
    for number, output in enumerate(spec.outputs):
        if spec.samples is not None:
            accumulation = lower_batch(lowering, output, number)
            lowering.program.accumulations.append(accumulation)
            placeholder = lowering._new("accumulator", frozenset(), rowwise=False)
            lowering.program.outputs.append((output.name, placeholder, tuple(range(len(output.indices)))))
            continue
        scope = book.base_scope()
        for number, index in enumerate(output.indices):
            scope[index] = Slot(number)
        reg = lowering._in_scope(scope, output.expression)
        lowering.program.outputs.append((output.name, reg, tuple(range(len(output.indices)))))
    return lowering.program
