"""What a kernel computes, as plain frozen data: its arguments, outputs, names and proved rewrites.

A :class:`KernelSpec` is to the kernel generator what a :class:`~symcheck.model.Derivation` is to
the verifier: a description in SymPy terms, with no NumPy in it. Index conventions are those of
the derivations: class indices run over ``1..K`` with ``K`` symbolic, so the same spec generates
the same code for every ``K``; the generated code maps index ``1`` to array position ``0``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from symcheck.kernels._rewrite import Rewrite

if TYPE_CHECKING:
    from sympy import Basic, Expr, IndexedBase, Lambda, Symbol

__all__ = [
    "Argument",
    "ClassArray",
    "Elementwise",
    "KernelSpec",
    "Output",
    "Parameter",
    "Pivot",
    "RowIndex",
    "SampleArray",
    "Samples",
    "Shared",
]


@dataclass(frozen=True)
class ClassArray:
    """An IndexedBase such as ``z`` whose entries ``z[j]`` are the last axis of an array ``(..., K)``.

    In a spec with :class:`Samples`, its entries are written ``X[i, j]`` with ``i`` the sample
    index: row ``i`` of an ``(n, K)`` array, as a design matrix is indexed.
    """

    base: IndexedBase
    name: str
    """What the caller calls it (``"logits"``), for error messages."""


@dataclass(frozen=True)
class RowIndex:
    """An index symbol such as ``l`` (a class label in ``1..K``) given as one integer per row ``(...)``.

    The array holds positions ``0..K-1``, as NumPy users write labels; ``z[l]`` gathers along the
    class axis and ``KroneckerDelta(i, l)`` compares positions.
    """

    symbol: Symbol
    name: str


@dataclass(frozen=True)
class Elementwise:
    """A scalar symbol given as an array of any shape, for kernels with no class axis (``σ(t)``)."""

    symbol: Symbol
    name: str


@dataclass(frozen=True)
class Parameter:
    """A scalar symbol given as one Python number per call (the batch size a mean divides by)."""

    symbol: Symbol
    name: str


@dataclass(frozen=True)
class Shared:
    """An IndexedBase such as ``w`` whose entries ``w[l]`` run along the class axis, one array ``(K,)``
    shared by every row (the weights of a linear model: ``Σ_l X[i, l]·w[l]``)."""

    base: IndexedBase
    name: str


@dataclass(frozen=True)
class SampleArray:
    """An IndexedBase such as ``y`` whose entries ``y[i]`` are one number per sample (row), in a spec
    with :class:`Samples`: an array of the batch shape of the class arrays."""

    base: IndexedBase
    name: str


Argument = ClassArray | RowIndex | Elementwise | Parameter | Shared | SampleArray


@dataclass(frozen=True)
class Samples:
    """The index of the rows of the batch and their number, as a derivation writes them (``i``, ``n``).

    With it, outputs are written in the derivation's own index form: ``X[i, j]`` and ``y[i]`` are
    entries of row ``i``, ``n`` is the number of rows, and an output ``c·Sum(f, (i, 1, n))`` (with
    ``c`` free of ``i``) is one value summed over every row of the batch, the sum accumulated block
    by block without rounding error and scaled by ``c`` once at the end.
    """

    index: Symbol
    count: Symbol


@dataclass(frozen=True)
class Pivot:
    """An index symbol that stands for an argmax: ``index := the first j maximising base[j]``.

    A stable form written with a pivot, such as ``exp(z[i] - z[a])``, is proved for *every* ``a``
    in ``1..K`` (the pivot is an ordinary index to the prover), and the generator then chooses the
    argmax, which is what makes it stable. ``base[index]`` is computed as the row maximum.
    """

    index: Symbol
    base: IndexedBase


@dataclass(frozen=True)
class Output:
    """One array the kernel returns: ``expression`` over the free class ``indices``, in that order.

    No index gives one value per row, ``(i,)`` a vector ``(..., K)`` and ``(i, k)`` a matrix
    ``(..., K, K)`` whose entry ``[..., i, k]`` is the expression. Nested ``Add`` built with
    ``evaluate=False`` is evaluated in the order written, which the stable forms rely on
    (``(e_k - y_k) - y_k R`` is exact where ``e_k - y_k - y_k R`` in another order is not).
    """

    name: str
    expression: Expr
    indices: tuple[Symbol, ...] = ()
    double_word: bool = False
    """The expression is a sum whose terms may cancel (``ŷ_k - y_k``): rows where they do are
    evaluated again in double-word arithmetic and rounded once (see :mod:`symcheck.kernels._edges`)."""
    boundary: Expr | None = None
    """The value for rows whose pivot (or, without a pivot, whose elementwise argument) is not
    finite, where the proved stable form says nothing: the definition as written, evaluated in IEEE
    arithmetic. None leaves those rows to the stable form."""


@dataclass(frozen=True)
class KernelSpec:
    """A kernel: arguments, outputs, and the rewrites and definitions that make its outputs stable.

    * ``bound`` is the symbolic number of classes (``K``); every ``Sum`` in an output runs ``1..K``.
    * ``rewrites`` are the identities the outputs rely on; each is proved by the engine before
      any code is generated (see :func:`~symcheck.kernels.verify_rewrite`).
    * ``definitions`` give names that outputs use for stable subexpressions, e.g.
      ``yhat = Lambda(i, <stable softmax>)``: the generator computes ``yhat`` once and reuses it
      along any class axis, so the Jacobian's ``yhat[i]`` and ``yhat[k]`` are one array.
    * ``licence`` names the registered derivations whose results the outputs are.
    """

    name: str
    arguments: tuple[Argument, ...]
    outputs: tuple[Output, ...]
    bound: Symbol | None = None
    rewrites: tuple[Rewrite, ...] = ()
    definitions: tuple[tuple[IndexedBase, Lambda], ...] = ()
    pivots: tuple[Pivot, ...] = ()
    licence: tuple[str, ...] = ()
    description: str = ""
    derivative_of: tuple[str, str] | None = None
    """``(kernel name, argument name)``: this kernel's first output is the derivative of that
    kernel's first output with respect to that argument (what the derivative checks compare)."""
    samples: Samples | None = None
    """The sample index and count when the outputs are written over the rows (see :class:`Samples`)."""

    def argument(self, name: str) -> Argument:
        for argument in self.arguments:
            if argument.name == name:
                return argument
        raise KeyError(f"kernel {self.name!r} has no argument {name!r}")

    def output(self, name: str) -> Output:
        for output in self.outputs:
            if output.name == name:
                return output
        raise KeyError(f"kernel {self.name!r} has no output {name!r}")

    @property
    def class_rank(self) -> int:
        """How many class axes the largest output has (0 elementwise, 1 vector, 2 matrix)."""
        return max((len(output.indices) for output in self.outputs), default=0)

    def symbols(self) -> dict[Basic, Argument]:
        """Each argument keyed by the SymPy object that stands for it in the expressions."""
        found: dict[Basic, Argument] = {}
        for argument in self.arguments:
            found[argument_key(argument)] = argument
        return found


def argument_key(argument: Argument) -> Basic:
    """The SymPy object that stands for ``argument`` in expressions (its IndexedBase or symbol)."""
    return argument.base if isinstance(argument, ClassArray | Shared | SampleArray) else argument.symbol
