"""Whole-array NumPy printing of indexed general-K expressions, and the index bookkeeping it shares.

A derivation states ``softmax(z)_i = exp(z_i) / Σ_{j=1}^{K} exp(z_j)`` with ``K`` symbolic.
:class:`ArrayPrinter` prints such an expression as NumPy code over whole arrays: every class index
in scope is given an axis ("slot"), ``z[i]`` becomes the array ``z`` with its class axis on the
slot of ``i``, ``Sum(·, (j, 1, K))`` a ``keepdims`` reduction over the slot of ``j``, and
``KroneckerDelta(i, k)`` a comparison of two ``arange(K)`` broadcast along the slots of ``i`` and
``k``. Broadcasting does the rest, so the printed code never mentions a particular ``K``: it is
the same text for every ``K`` and builds in milliseconds, where ``lambdify`` over ``K`` explicit
symbols writes megabytes of source for ``K = 1000``.

Slots are reused: the bound index of a sum takes the lowest slot that no other index free in
its summand occupies, so ``softmax`` needs one class axis and the Jacobian ``ŷ_i (δ_ik - ŷ_k)``
two, however the sums inside are nested.

Arrays are laid out as ``(N, K, ..., K)``: a batch axis of rows, then one axis per slot, with
size 1 along slots an array does not depend on.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count
from typing import TYPE_CHECKING, Any, ClassVar

import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from symcheck.errors import SymcheckError
from symcheck.kernels._spec import (
    ClassArray,
    Elementwise,
    KernelSpec,
    Parameter,
    Pivot,
    RowIndex,
    Shared,
    argument_key,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["ArrayPrinter", "UnsupportedExpression", "print_array"]


class UnsupportedExpression(SymcheckError):
    """An expression the kernel generator cannot turn into array code (and says why)."""


@dataclass(frozen=True)
class Slot:
    """The class axis an index is laid along (0 is the first class axis after the batch axis)."""

    number: int


Meaning = Slot | Pivot | RowIndex
Scope = dict[sp.Symbol, Meaning]


def sanitize(name: str, prefix: str = "") -> str:
    """A Python identifier made from a SymPy name: letters, digits and underscores only."""
    cleaned = "".join(character if character.isalnum() or character == "_" else "_" for character in name)
    if not cleaned or not (cleaned[0].isalpha() or cleaned[0] == "_"):
        cleaned = "_" + cleaned
    return prefix + cleaned


class IndexBook:
    """What every symbol of a spec means to the generated code: which array, index or parameter.

    Shared by the whole-array printer and the blocked lowering so both read a spec identically.
    """

    def __init__(self, spec: KernelSpec) -> None:
        self.spec = spec
        self.bound = spec.bound
        self.class_arrays: dict[sp.IndexedBase, ClassArray] = {}
        self.row_indices: dict[sp.Symbol, RowIndex] = {}
        self.elementwise: dict[sp.Symbol, Elementwise] = {}
        self.parameters: dict[sp.Symbol, Parameter] = {}
        self.shared: dict[sp.IndexedBase, Shared] = {}
        self.count = spec.samples.count if spec.samples is not None else None
        """The number of rows, in a spec over the samples (printed ``N``)."""
        for argument in spec.arguments:
            if isinstance(argument, ClassArray):
                self.class_arrays[argument.base] = argument
            elif isinstance(argument, RowIndex):
                self.row_indices[argument.symbol] = argument
            elif isinstance(argument, Elementwise):
                self.elementwise[argument.symbol] = argument
            elif isinstance(argument, Shared):
                self.shared[argument.base] = argument
            elif isinstance(argument, Parameter):
                self.parameters[argument.symbol] = argument
            else:
                raise UnsupportedExpression(f"{argument.name} is a sample array outside a spec over the samples")
        self.pivots: dict[sp.Symbol, Pivot] = {pivot.index: pivot for pivot in spec.pivots}
        for pivot in spec.pivots:
            if pivot.base not in self.class_arrays:
                raise UnsupportedExpression(
                    f"pivot {pivot.index} maximises {pivot.base}, which is not a class-array argument"
                )
        self.definitions: dict[sp.IndexedBase, sp.Lambda] = dict(spec.definitions)
        self.names: dict[Any, str] = {}
        used: set[str] = set()
        for argument in spec.arguments:
            name = sanitize(argument.name, "arg_")
            while name in used:
                name += "_"
            used.add(name)
            self.names[argument_key(argument)] = name

    def base_scope(self) -> Scope:
        scope: Scope = dict(self.pivots)
        scope.update(self.row_indices)
        return scope

    def check_limits(self, expr: sp.Sum) -> tuple[sp.Symbol, sp.Expr]:
        if len(expr.limits) != 1:
            raise UnsupportedExpression(f"write nested sums one index at a time: {expr}")
        index, lower, upper = expr.limits[0]
        if lower != 1 or self.bound is None or upper != self.bound:
            raise UnsupportedExpression(
                f"a sum must run over all classes, 1..{self.bound}; found {index} from {lower} to {upper} in {expr}"
            )
        return index, expr.function

    def sum_slot(self, summand: sp.Expr, index: sp.Symbol, scope: Mapping[sp.Symbol, Meaning]) -> int:
        """The lowest slot not taken by another index free in ``summand``."""
        taken = {
            meaning.number
            for symbol, meaning in scope.items()
            if isinstance(meaning, Slot) and symbol != index and symbol in summand.free_symbols
        }
        return next(number for number in count() if number not in taken)

    def definition_scope(self, expr: sp.Indexed, scope: Mapping[sp.Symbol, Meaning]) -> tuple[sp.Expr, Scope]:
        """The body of the definition ``expr`` names, and the scope to read it in."""
        definition = self.definitions[expr.base]
        (variable,) = definition.variables
        (index,) = expr.indices
        inner = self.base_scope()
        inner[variable] = self.meaning(index, scope)
        return definition.expr, inner

    def meaning(self, index: sp.Basic, scope: Mapping[sp.Symbol, Meaning]) -> Meaning:
        if isinstance(index, sp.Symbol) and index in scope:
            return scope[index]
        raise UnsupportedExpression(
            f"index {index} is neither a class index in scope, a pivot nor a row-index argument"
        )

    def slots_needed(self, expr: sp.Basic, scope: Mapping[sp.Symbol, Meaning]) -> int:
        """How many class axes printing ``expr`` in ``scope`` uses (the largest slot number + 1)."""
        largest = max((m.number for m in scope.values() if isinstance(m, Slot)), default=-1)
        return max(largest + 1, self._deepest(expr, dict(scope)))

    def _deepest(self, expr: sp.Basic, scope: Scope) -> int:
        if isinstance(expr, sp.Sum):
            index, summand = self.check_limits(expr)
            inner = dict(scope)
            inner[index] = Slot(self.sum_slot(summand, index, scope))
            return max(inner[index].number + 1, self._deepest(summand, inner))
        if isinstance(expr, sp.Indexed) and expr.base in self.definitions:
            body, inner = self.definition_scope(expr, scope)
            own = max((m.number + 1 for m in inner.values() if isinstance(m, Slot)), default=0)
            return max(own, self._deepest(body, inner))
        return max((self._deepest(argument, scope) for argument in expr.args), default=0)


class ArrayPrinter(NumPyPrinter):
    """Prints an indexed general-K expression as one whole-array NumPy expression.

    Arrays are named by :class:`IndexBook` (``arg_logits``, ...) and laid out ``(N, K, ..., K)``
    with ``slots`` class axes. With the setting ``complex_safe=True`` the functions that are not
    analytic (``Abs``, ``Max``, ``Min``, comparisons, the pivot's argmax) are printed as their local
    analytic continuation, decided on real parts, so that the printed code can be differentiated
    by the complex step: ``|u|`` becomes ``u·sign(Re u)`` and the pivot is the argmax of ``Re z``.
    """

    _default_settings: ClassVar[dict[str, Any]] = {**NumPyPrinter._default_settings, "complex_safe": False}

    def __init__(self, book: IndexBook, slots: int, settings: dict[str, Any] | None = None) -> None:
        super().__init__(settings)
        self.book = book
        self.slots = slots
        self.scope: Scope = book.base_scope()

    # -- helpers ---------------------------------------------------------------------------------
    def _np(self, name: str) -> str:
        return self._module_format("numpy." + name)

    def _expand(self, text: str, class_slot: int | None) -> str:
        """Index an ``(N,)`` or ``(N, K)`` array so that it broadcasts in the ``(N, slots...)`` layout."""
        parts = [":"] + [":" if slot == class_slot else "None" for slot in range(self.slots)]
        if all(part == ":" for part in parts[1:]):
            return text  # already (N,) with no class axes, or (N, K) with one
        return f"{text}[{', '.join(parts)}]"

    def _real(self, text: str) -> str:
        return f"{self._np('real')}({text})" if self._settings["complex_safe"] else text

    def _pivot_position(self, pivot: Pivot) -> str:
        """The 0-based argmax of each row, shape ``(N, 1)``."""
        array = self.book.names[pivot.base]
        return f"{self._np('argmax')}({self._real(array)}, axis=1, keepdims=True)"

    def _row_position(self, meaning: Pivot | RowIndex) -> str:
        """A per-row class position as an ``(N,)`` integer array."""
        if isinstance(meaning, Pivot):
            return f"{self._pivot_position(meaning)}[:, 0]"
        return self.book.names[meaning.symbol]

    def _with_scope(self, scope: Scope, expr: sp.Basic) -> str:
        saved = self.scope
        self.scope = scope
        try:
            return self._print(expr)
        finally:
            self.scope = saved

    # -- leaves ----------------------------------------------------------------------------------
    def _print_Indexed(self, expr: sp.Indexed) -> str:
        if expr.base in self.book.definitions:
            body, inner = self.book.definition_scope(expr, self.scope)
            return f"({self._with_scope(inner, body)})"
        if expr.base in self.book.shared:
            meaning = self.book.meaning(expr.indices[0], self.scope)
            if not isinstance(meaning, Slot):
                raise UnsupportedExpression(f"a shared vector is indexed by a class index: {expr}")
            return self._expand(f"{self.book.names[expr.base]}[None, :]", meaning.number)
        if expr.base not in self.book.class_arrays:
            raise UnsupportedExpression(f"{expr.base} is not a class-array argument or a definition")
        (index,) = expr.indices
        meaning = self.book.meaning(index, self.scope)
        array = self.book.names[expr.base]
        if isinstance(meaning, Slot):
            return self._expand(array, meaning.number)
        gathered = f"{self._np('take_along_axis')}({array}, {self._row_position(meaning)}[:, None], axis=1)[:, 0]"
        return self._expand(gathered, None)

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        if expr in self.book.parameters:
            return self.book.names[expr]
        if expr in self.book.elementwise:
            return self._expand(self.book.names[expr], None)
        if expr == self.book.bound:
            return "K"
        if expr == self.book.count:
            return "N"
        meaning = self.scope.get(expr)
        if isinstance(meaning, Slot):
            return self._expand(f"{self._np('arange')}(K)[None, :]", meaning.number)
        if meaning is not None:
            return self._expand(self._row_position(meaning), None)
        raise UnsupportedExpression(f"symbol {expr} is not an argument, a parameter or an index in scope")

    def _print_KroneckerDelta(self, expr: sp.KroneckerDelta) -> str:
        sides = []
        for index in expr.args:
            meaning = self.book.meaning(index, self.scope)
            if isinstance(meaning, Slot):
                sides.append(self._expand(f"{self._np('arange')}(K)[None, :]", meaning.number))
            else:
                sides.append(self._expand(self._row_position(meaning), None))
        return f"{self._np('equal')}({sides[0]}, {sides[1]})"

    # -- reductions ------------------------------------------------------------------------------
    def _print_Sum(self, expr: sp.Sum) -> str:
        index, summand = self.book.check_limits(expr)
        inner = dict(self.scope)
        slot = self.book.sum_slot(summand, index, self.scope)
        inner[index] = Slot(slot)
        body = self._with_scope(inner, summand)
        if index not in summand.free_symbols:
            return f"(K*{body})"
        return f"{self._np('sum')}({body}, axis={slot + 1}, keepdims=True)"

    def _print_RowSum(self, expr: sp.Function) -> str:
        return f"{self._np('sum')}({self._print(expr.args[0])}, axis=0, keepdims=True)"

    # -- functions that are not analytic ---------------------------------------------------------
    def _print_Abs(self, expr: sp.Abs) -> str:
        inner = self._print(expr.args[0])
        if self._settings["complex_safe"]:
            return f"({inner}*{self._np('sign')}({self._np('real')}({inner})))"
        return f"{self._np('absolute')}({inner})"

    def _extremum(self, expr: sp.Basic, ufunc: str, keep_left: str) -> str:
        printed = [self._print(argument) for argument in expr.args]
        text = printed[0]
        for other in printed[1:]:
            if self._settings["complex_safe"]:
                text = (
                    f"{self._np('where')}({self._np('real')}({text}) {keep_left} {self._np('real')}({other}), "
                    f"{text}, {other})"
                )
            else:
                text = f"{self._np(ufunc)}({text}, {other})"
        return text

    def _print_Max(self, expr: sp.Max) -> str:
        return self._extremum(expr, "maximum", ">=")

    def _print_Min(self, expr: sp.Min) -> str:
        return self._extremum(expr, "minimum", "<=")

    def _print_Relational(self, expr: sp.core.relational.Relational) -> str:
        if self._settings["complex_safe"] and expr.rel_op in ("<", "<=", ">", ">="):
            left = self._real(self._print(expr.lhs))
            right = self._real(self._print(expr.rhs))
            names = {"<": "less", "<=": "less_equal", ">": "greater", ">=": "greater_equal"}
            return f"{self._np(names[expr.rel_op])}({left}, {right})"
        return super()._print_Relational(expr)

    def _print_Piecewise(self, expr: sp.Piecewise) -> str:
        pieces = list(expr.args)
        if pieces[-1].cond != sp.true:
            raise UnsupportedExpression(f"a Piecewise needs a final 'True' piece to be total: {expr}")
        text = self._print(pieces[-1].expr)
        for piece in reversed(pieces[:-1]):
            text = f"{self._np('where')}({self._print(piece.cond)}, {self._print(piece.expr)}, {text})"
        return text

    def _print_Weighted(self, expr: sp.Function) -> str:
        weight, value = (self._print(argument) for argument in expr.args)
        return f"{self._np('where')}({self._np('equal')}({weight}, 0), 0.0, ({weight})*({value}))"

    def emptyPrinter(self, expr: Any) -> str:
        raise UnsupportedExpression(f"the kernel generator cannot print {type(expr).__name__}: {expr}")

    def _print_Function(self, expr: sp.Function) -> str:
        raise UnsupportedExpression(f"no NumPy function is known for {expr.func}: {expr}")


def slots_needed(spec: KernelSpec) -> int:
    """The number of class axes a block needs for ``spec`` (outputs, sums and definitions)."""
    book = IndexBook(spec)
    needed = 0
    for output in spec.outputs:
        scope: dict[sp.Symbol, Meaning] = book.base_scope()
        for number, index in enumerate(output.indices):
            scope[index] = Slot(number)
        needed = max(needed, book.slots_needed(output.expression, scope))
    for _base, definition in spec.definitions:
        (variable,) = definition.variables
        scope = book.base_scope()
        scope[variable] = Slot(0)
        needed = max(needed, book.slots_needed(definition.expr, scope))
    has_class_arrays = any(isinstance(argument, ClassArray) for argument in spec.arguments)
    return max(needed, 1) if has_class_arrays else needed


def print_array(
    expr: sp.Expr,
    spec: KernelSpec,
    indices: tuple[sp.Symbol, ...] = (),
    *,
    complex_safe: bool = False,
) -> str:
    """``expr`` as a whole-array NumPy expression over the arguments of ``spec``.

    The free class ``indices`` are laid along axes ``1, 2, ...`` after the batch axis, in order;
    the result broadcasts to ``(N, K, ..., K)``. Sums left over from other slots have size 1.

    >>> import sympy as sp
    >>> from symcheck.kernels import ClassArray, KernelSpec, Output
    >>> K = sp.Symbol("K", integer=True, positive=True)
    >>> i, j = sp.symbols("i j", integer=True, positive=True)
    >>> z = sp.IndexedBase("z", real=True)
    >>> softmax = sp.exp(z[i]) / sp.Sum(sp.exp(z[j]), (j, 1, K))
    >>> spec = KernelSpec("softmax", (ClassArray(z, "logits"),), (Output("p", softmax, (i,)),), bound=K)
    >>> print_array(softmax, spec, (i,))
    'numpy.exp(arg_logits)/numpy.sum(numpy.exp(arg_logits), axis=1, keepdims=True)'
    """
    book = IndexBook(spec)
    scope = book.base_scope()
    for number, index in enumerate(indices):
        scope[index] = Slot(number)
    printer = ArrayPrinter(book, book.slots_needed(expr, scope), {"complex_safe": complex_safe})
    printer.scope = scope
    return printer.doprint(expr)
