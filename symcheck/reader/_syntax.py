"""The syntax tree between the parser and the builder.

The parser decides what was *written* (this name is indexed, that one is called, this fraction is a
derivative); the builder decides what it *means* in SymPy (which Symbol, with which assumptions,
summed over which index). Keeping a small tree between them is what lets the builder look at a whole
chain before creating any symbol: a letter used as a subscript anywhere in it is an integer index
everywhere in it, so ``\\sum_i i\\, y_i`` has one ``i``, not a real one and an integer one.

Every node records ``start``/``end``, offsets into the source, so the builder's errors point at
the place too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Absolute",
    "BigOperator",
    "BoxedChain",
    "Call",
    "ChainSyntax",
    "Constant",
    "Derivative",
    "Differential",
    "Elided",
    "Equation",
    "Extremum",
    "Gradient",
    "Indexed",
    "Interval",
    "Items",
    "Kronecker",
    "MatrixLiteral",
    "Name",
    "Negative",
    "Node",
    "Norm",
    "Number",
    "Power",
    "Prime",
    "Product",
    "Quotient",
    "Reciprocal",
    "Root",
    "Sum",
    "Transpose",
]


@dataclass(frozen=True, slots=True)
class Node:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Number(Node):
    """A decimal literal exactly as written (``2.303``, ``.5``, ``10``)."""

    text: str


@dataclass(frozen=True, slots=True)
class Constant(Node):
    """``\\pi`` or ``\\infty`` (a table may still declare the name as something else)."""

    name: str


@dataclass(frozen=True, slots=True)
class Name(Node):
    """A name: a symbol, Euler's ``e``, or (``vector``) a whole indexed name written without an index.

    ``name`` is canonical (``yhat``, ``W1``, ``w_new``)."""

    name: str
    vector: bool = False


@dataclass(frozen=True, slots=True)
class Indexed(Node):
    """An entry of an indexed name: ``y_{0,c}`` is ``Indexed("y", (0, c))``."""

    base: str
    indices: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Kronecker(Node):
    first: Node
    second: Node


@dataclass(frozen=True, slots=True)
class Sum(Node):
    terms: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Negative(Node):
    operand: Node


@dataclass(frozen=True, slots=True)
class Product(Node):
    factors: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Quotient(Node):
    numerator: Node
    denominator: Node


@dataclass(frozen=True, slots=True)
class Reciprocal(Node):
    """``/ b`` as one factor of a term, so ``a/b/c/…`` stays one flat product, not a deep tree."""

    operand: Node


@dataclass(frozen=True, slots=True)
class Power(Node):
    base: Node
    exponent: Node


@dataclass(frozen=True, slots=True)
class Root(Node):
    radicand: Node
    degree: Node | None


@dataclass(frozen=True, slots=True)
class Absolute(Node):
    operand: Node


@dataclass(frozen=True, slots=True)
class Call(Node):
    """A function applied to arguments. ``builtin`` functions are SymPy's; others are the table's."""

    function: str
    builtin: bool
    arguments: tuple[Node, ...]
    log_base: Node | None = None


@dataclass(frozen=True, slots=True)
class Equation(Node):
    """``name = value`` as an argument of a call (``\\text{Leaky ReLU}(z, \\alpha=0.01)``)."""

    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class BigOperator(Node):
    """``\\sum`` or ``\\prod``. ``index`` is None when the sheet writes none and the builder must infer it."""

    kind: str
    body: Node
    index: Name | None
    lower: Node | None
    upper: Node | None
    excluded: Node | None = None
    """``\\sum_{k \\neq i}``: the value of the index left out of the default range."""


@dataclass(frozen=True, slots=True)
class Derivative(Node):
    """∂ⁿexpression/∂v₁…∂vₖ, unevaluated: ``variables`` pairs each variable with its order."""

    expression: Node
    variables: tuple[tuple[Node, int], ...]


@dataclass(frozen=True, slots=True)
class Transpose(Node):
    """``A^T``, ``A^\\top``, ``A^{\\intercal}``: the transpose of a matrix or vector."""

    operand: Node


@dataclass(frozen=True, slots=True)
class Norm(Node):
    """``\\|v\\|``, ``\\lVert v \\rVert``, ``||v||`` (the Euclidean norm; ``_2`` may be written)."""

    operand: Node


@dataclass(frozen=True, slots=True)
class Interval(Node):
    """``(0, 1]``, ``[0, 1]``, ``(-\\infty, 0]`` after ``\\in``: the interval a value is said to lie in."""

    lower: Node
    upper: Node
    left_open: bool
    right_open: bool


@dataclass(frozen=True, slots=True)
class Gradient(Node):
    """``\\nabla_v f`` (``variable`` None for a bare ``\\nabla f``); ``order`` 2 for ``\\nabla^2_v f``."""

    expression: Node
    variable: Node | None
    order: int = 1


@dataclass(frozen=True, slots=True)
class Differential(Node):
    """``\\partial x`` on its own; meaningful only as half of ``\\partial L / \\partial z`` (else an error)."""

    operand: Node | None
    order: int


@dataclass(frozen=True, slots=True)
class BoxedChain(Node):
    """``\\boxed{a = b}``: a boxed relation, which is only meaningful as a whole term of a chain."""

    terms: tuple[Node, ...]
    relations: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]


@dataclass
class ChainSyntax:
    """``leading? term (relation term)* trailing?`` with each term's span in the source."""

    terms: list[Node] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    relations: list[str] = field(default_factory=list)
    leading: str | None = None
    trailing: str | None = None
    leading_offset: int = 0
    trailing_offset: int = 0


@dataclass(frozen=True, slots=True)
class MatrixLiteral(Node):
    """``\\begin{pmatrix} 2 & 1 \\\\ 1 & 2 \\end{pmatrix}`` (also bmatrix, array, ...): its rows of cells."""

    rows: tuple[tuple[Node, ...], ...]


@dataclass(frozen=True, slots=True)
class Elided(Node):
    """``\\dots`` in a list: the items between the one before and the one after (``p_1, \\dots, p_n``)."""


@dataclass(frozen=True, slots=True)
class Items(Node):
    """``(a, b, c)`` outside a call: a vector of its items, one of which may be :class:`Elided`."""

    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Prime(Node):
    """``f'(x)``, ``\\sigma^{\\prime}(2z)``, ``\\tanh''(z)``: the ``order``-th derivative of f at ``argument``."""

    function: str
    builtin: bool
    order: int
    argument: Node


@dataclass(frozen=True, slots=True)
class Extremum(Node):
    """``\\max_z f`` or ``\\min_{w} L(w)``: the largest (smallest) value of ``body`` over ``variable``."""

    kind: str
    variable: Node
    body: Node
