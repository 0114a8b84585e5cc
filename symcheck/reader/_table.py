"""The declared notation of a sheet: which names are functions, indexed, layered, integers, or given objects.

A symbol table is how an answer key says what the student's letters mean, so that the reader never
has to guess: ``y_k(1 - y_k)`` is a product because ``y`` is not declared a function, ``\\sigma(z)``
is a call because ``\\sigma`` is; ``y_k`` is ``y[k]`` because ``y`` is indexed, ``D_a`` is the single
symbol ``D_a`` because ``D`` is not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sympy import Basic

__all__ = ["DEFAULT_INTEGERS", "SymbolTable"]

DEFAULT_INTEGERS = frozenset({"i", "j", "k", "l", "m", "n", "K", "N", "M"})
"""Names read as positive integers even where they are not used as an index (``i \\ne k``, ``K``)."""

FunctionValue = str | Callable[..., "Basic"] | None


def _names(value: Iterable[str] | str) -> frozenset[str]:
    return frozenset({value}) if isinstance(value, str) else frozenset(value)


@dataclass(frozen=True)
class SymbolTable:
    r"""The notation a sheet is read with (frozen, hashable, cheap to build once per answer key).

    Keys are written as on the sheet, in LaTeX (``r"\sigma"``, ``r"\hat{y}"``, ``r"w_{\text{new}}"``,
    ``r"\text{Leaky ReLU}"``) or directly as the library's Python-friendly name (``"sigma"``,
    ``"yhat"``, ``"w_new"``, ``"W1"``); both spellings name the same thing.

    * ``functions``: names that are *calls* when followed by ``(``: a mapping to a function name
      (``"LeakyReLU"``), to a callable (``Function("sigma")``, or a Python function that builds the
      expression, such as a sigmoid), or to ``None`` for ``Function(<canonical name>)``; a plain
      iterable of keys means ``None`` for each. Not followed by ``(``, the name is a symbol
      (``L = …`` beside ``L(y, \hat{y}) = …``). ``\log \ln \exp \sin \cos \tan \sinh \cosh \tanh
      \arcsin \arccos \arctan \max \min \sqrt`` and ``\operatorname{…}`` are always functions.
    * ``symbols``: the SymPy object for a name, overriding the default (a real ``Symbol``). An
      ``IndexedBase`` value makes the name indexed. This is how a key says "on this sheet ``y``
      means ``ŷ``": ``symbols={"y": IndexedBase("yhat", real=True)}``.
    * ``indexed``: names whose subscripts are indices: ``y_k`` is ``y[k]``, ``y_{0,c}`` is
      ``y[0, c]``, ``W_{ij}`` is ``W[i, j]``. Any other name keeps its subscript in its name:
      ``D_a`` is ``Symbol("D_a")``, ``w_{\text{new}}`` is ``Symbol("w_new")``.
    * ``layered``: names whose superscripts ``^{[2]}``, ``^{(2)}`` and bare ``^1``/``^{12}`` are layer
      labels, not powers: ``z^{[2]}_k`` is ``z2[k]`` (``z`` indexed), ``W^1`` is ``W1``.
    * ``integers``: names that are positive integers (indices, counts). A letter used as a subscript
      of an indexed name or as the index of a ``\sum``/``\prod`` is one as well, in that formula.
    * ``kronecker``: the name (e.g. ``r"\delta"``) whose two subscripts make a ``KroneckerDelta``.
    * ``real``: whether the symbols (and indexed bases) created are real; functions are left plain.
    * ``log_base``: ``None`` reads ``\log`` as the natural logarithm, as ML texts do; ``\ln`` is always
      natural and ``\log_b`` always has base b.
    * ``default_sum_range``: the limits of a ``\sum``/``\prod`` written without them. Each is an int,
      a SymPy expression, or a name read with this table (``"K"``). The index of a sum written
      without one (``\sum y_i \log \hat{y}_i``) is the one index subscripted in its summand; when
      there is none, or more than one, the reader refuses rather than pick.

    * ``matrices``: names that are matrices or vectors, with their shape (``{"X": ("n", "d"), "w": ("d", 1)}``;
      sizes are numbers or names). A declared name written bare is a ``MatrixSymbol`` wherever the formula
      does matrix algebra (a transpose, a norm, ``diag``, a product with a matrix); elsewhere an indexed
      name stays indexed (``\hat{y} - y`` read entry by entry). ``identity`` names the identity matrix
      (``I``), whose size comes from the matrices it meets.
    * ``rows``: names of a matrix's rows (``{"x": "X"}``): ``x_i`` is the i-th row of X as a column vector
      (``x_i^\top w`` is Σ_l X_il w_l), ``x_{ij}`` is the entry X_ij.

    ``e`` is Euler's number unless the table declares ``e``; ``\pi`` is π unless it declares ``pi``.
    """

    functions: Mapping[str, FunctionValue] | Iterable[str] = field(default_factory=dict)
    symbols: Mapping[str, Basic] = field(default_factory=dict)
    indexed: Iterable[str] = frozenset()
    layered: Iterable[str] = frozenset()
    integers: Iterable[str] = DEFAULT_INTEGERS
    kronecker: str | None = None
    real: bool = True
    log_base: int | Basic | None = None
    default_sum_range: tuple[Any, Any] = (1, "K")
    matrices: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)
    identity: str | None = None
    rows: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        functions = self.functions
        if not isinstance(functions, Mapping):
            functions = dict.fromkeys(_names(functions))
        object.__setattr__(self, "functions", MappingProxyType(dict(functions)))
        object.__setattr__(self, "symbols", MappingProxyType(dict(self.symbols)))
        object.__setattr__(self, "rows", MappingProxyType(dict(self.rows)))
        object.__setattr__(
            self, "matrices", MappingProxyType({key: tuple(shape) for key, shape in self.matrices.items()})
        )
        for name in ("indexed", "layered", "integers"):
            object.__setattr__(self, name, _names(getattr(self, name)))
        if len(self.default_sum_range) != 2:
            raise ValueError("default_sum_range is (lower, upper)")
        object.__setattr__(self, "default_sum_range", tuple(self.default_sum_range))

    def __hash__(self) -> int:
        return hash(
            (
                tuple(self.functions.items()),  # type: ignore[union-attr]
                tuple(self.symbols.items()),
                self.indexed,
                self.layered,
                self.integers,
                self.kronecker,
                self.real,
                self.log_base,
                self.default_sum_range,
                tuple(self.matrices.items()),
                self.identity,
                tuple(self.rows.items()),
            )
        )
