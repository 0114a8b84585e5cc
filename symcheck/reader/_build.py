"""Turn the syntax tree into SymPy objects, directly: no string is ever handed to SymPy.

The builder resolves names (the table's object, Euler's ``e``, an integer index, or a real symbol),
reads decimals as the exact rationals written (``2.303`` is 2303/1000), infers the index of a
``\\sum`` written without one, keeps derivatives unevaluated, and refuses any power whose exact
value would be too large to compute *before* SymPy starts computing it (``2^{2^{99}}``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import fields
from typing import Any, NoReturn

import sympy

from symcheck.objects import MatrixSum, Row, VectorDerivative
from symcheck.reader import _syntax as syntax
from symcheck.reader._build_literals import (
    build_extremum,
    build_items,
    build_matrix,
    build_prime,
    described_vector,
    entry_vector,
)
from symcheck.reader._build_matrices import (
    IDENTITY_SIZE,
    as_matrix,
    elementwise,
    is_declared_matrix,
    is_matrix,
    matrix_norm,
    matrix_power,
    matrix_product,
    matrix_quotient,
    matrix_sum,
    transpose,
)
from symcheck.reader._errors import LatexSyntaxError, Origin
from symcheck.reader._limits import MAX_NUMBER_BITS
from symcheck.reader._notation import Notation

__all__ = ["Builder", "index_names"]

_BUILTINS: dict[str, Callable[..., sympy.Basic]] = {
    "ln": sympy.log,
    "exp": sympy.exp,
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "tanh": sympy.tanh,
    "arcsin": sympy.asin,
    "arccos": sympy.acos,
    "arctan": sympy.atan,
    "max": sympy.Max,
    "min": sympy.Min,
}
_CONSTANTS = {"pi": sympy.pi, "infty": sympy.oo}
_SYMPY_FAILURES = (TypeError, ValueError, ArithmeticError, NotImplementedError, IndexError, KeyError)
"""What SymPy raises when asked to build something meaningless (``Sum`` over a relation, …)."""


def index_names(nodes: Iterable[syntax.Node], *, every_name: bool = False) -> frozenset[str]:
    """Names used as indices anywhere in ``nodes``: in an indexed subscript, or as a sum's index.

    Collected before anything is built, so that one name is one Symbol throughout a formula. With
    ``every_name`` every name counts (the dimensions of a shape are all positive integers).
    """
    found: set[str] = set()
    stack: list[tuple[syntax.Node, bool]] = [(node, every_name) for node in nodes]
    while stack:
        node, in_index = stack.pop()
        if isinstance(node, syntax.Name):
            if in_index:
                found.add(node.name)
            continue
        if isinstance(node, syntax.BigOperator) and node.index is not None:
            found.add(node.index.name)
        for field in fields(node):
            inside = (
                in_index
                or isinstance(node, syntax.Kronecker)
                or (isinstance(node, syntax.Indexed) and field.name == "indices")
            )
            for child in _children(getattr(node, field.name)):
                stack.append((child, inside))
    return frozenset(found)


def _children(value: Any) -> Iterable[syntax.Node]:
    """The nodes in a field: a node, or nodes inside (nested) tuples such as a derivative's variables."""
    if isinstance(value, syntax.Node):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _children(item)


def _bits(number: sympy.Rational) -> float:
    """log2 of the larger of numerator and denominator: 0 for 0 and ±1, at least 1 otherwise."""
    return max(math.log2(abs(int(number.p)) or 1), math.log2(int(number.q)))


def _numeric_bits(value: sympy.Basic) -> float:
    r"""An upper bound on the bits of the exact numbers SymPy multiplies when ``value`` is a factor.

    The numbers of a term are its rational coefficient and its powers of rationals (``\sqrt{3}``);
    a sum distributes a factor over its terms, so it counts as its largest term. Cheap: it looks
    only at the top two levels, which is where SymPy combines numbers.
    """
    largest = 0.0
    for term in sympy.Add.make_args(value):
        size = 0.0
        for factor in sympy.Mul.make_args(term):
            if isinstance(factor, sympy.Rational):
                size += _bits(factor)
            elif (
                isinstance(factor, sympy.Pow)
                and isinstance(factor.base, sympy.Rational)
                and isinstance(factor.exp, sympy.Rational)
            ):
                size += _bits(factor.base) * float(abs(factor.exp))
        largest = max(largest, size)
    return largest


def _sum_bits(terms: list[sympy.Basic]) -> float:
    """An upper bound on the bits of the exact sum of ``terms``: a common denominator, plus carries."""
    denominators: set[int] = set()
    largest = 0.0
    for term in terms:
        for part in sympy.Add.make_args(term):
            coefficient = part.as_coeff_Mul()[0] if isinstance(part, sympy.Expr) else sympy.S.One
            if isinstance(coefficient, sympy.Rational) and coefficient.q != 1:
                denominators.add(int(coefficient.q))
        largest = max(largest, _numeric_bits(term))
    return largest + sum(q.bit_length() for q in denominators) + len(terms).bit_length()


def _whole_number(node: syntax.Node) -> int | None:
    """The value of a literal whole number greater than 1 (``3``), else None."""
    if isinstance(node, syntax.Number) and node.text.isdigit() and int(node.text) > 1:
        return int(node.text)
    return None


def _divided_by_whole_number(node: syntax.Node) -> tuple[syntax.Node, int] | None:
    r"""``\frac{a}{n}`` or ``a / n`` with n a literal whole number: (the node of a, n); else None."""
    if isinstance(node, syntax.Quotient):
        divisor = _whole_number(node.denominator)
        return None if divisor is None else (node.numerator, divisor)
    if isinstance(node, syntax.Product) and len(node.factors) >= 2 and isinstance(node.factors[-1], syntax.Reciprocal):
        divisor = _whole_number(node.factors[-1].operand)
        if divisor is None or any(isinstance(factor, syntax.Reciprocal) for factor in node.factors[:-1]):
            return None
        rest = node.factors[:-1]
        numerator = rest[0] if len(rest) == 1 else syntax.Product(rest[0].start, rest[-1].end, tuple(rest))
        return numerator, divisor
    return None


def _names_itself(function: str, argument: Any) -> bool:
    return isinstance(argument, sympy.Basic) and any(str(atom) == function for atom in argument.free_symbols)


class Builder:
    """Build the SymPy object of a node; names in ``integers`` become positive integer symbols."""

    def __init__(self, notation: Notation, source: str, origin: Origin | None, integers: frozenset[str]) -> None:
        self.notation = notation
        self.source = source
        self.origin = origin
        self.integers = integers | notation.integers
        self._default_range: tuple[sympy.Basic, sympy.Basic] | None = None

    def build(self, node: syntax.Node) -> sympy.Basic:
        handler = _HANDLERS.get(type(node))
        if handler is None:
            self._error(f"cannot read this here ({type(node).__name__})", node.start)
        try:
            return handler(self, node)
        except LatexSyntaxError:
            raise
        except _SYMPY_FAILURES as failure:
            self._error(f"cannot build this expression: {failure}", node.start)

    # ----------------------------------------------------------------- names

    def symbol(self, name: str) -> sympy.Basic:
        notation = self.notation
        found = notation.symbols.get(name)
        if found is not None:
            return found
        if name == notation.identity:
            return sympy.Identity(IDENTITY_SIZE)
        sized = self._sized_identity(name)
        if sized is not None:
            return sized
        if name == "ones" and name not in notation.declared:  # \mathbf{1}, its size told by what it meets
            return sympy.OneMatrix(IDENTITY_SIZE, 1)
        if name in notation.matrices and name not in notation.indexed and name not in self.integers:
            return as_matrix(sympy.Symbol(name), notation)  # a matrix such as X is never a scalar
        if name in self.integers and name not in notation.integers and name in notation.indexed:
            return sympy.Symbol(name, integer=True, positive=True)  # an indexed name used as an index here
        if name in notation.indexed:
            return self._indexed_base(name)
        if name == "e" and name not in notation.declared:
            return sympy.E
        if name in self.integers:
            return sympy.Symbol(name, integer=True, positive=True)
        return sympy.Symbol(name, real=True) if notation.real else sympy.Symbol(name)

    def _sized_identity(self, name: str) -> sympy.Basic | None:
        """``I_d``, ``\\mathbf{I}_{n}``, ``I_2``: the identity with its size written as a subscript."""
        identity = self.notation.identity
        if not identity or not name.startswith(identity + "_") or name in self.notation.declared:
            return None
        size = name[len(identity) + 1 :].strip("{}")
        if size.isdigit() and 0 < int(size) <= 64:
            return sympy.Identity(int(size))
        if size in self.integers or size in self.notation.integers:
            return sympy.Identity(self.symbol(size))
        return None

    def _indexed_base(self, name: str) -> sympy.IndexedBase:
        found = self.notation.symbols.get(name)
        if isinstance(found, sympy.IndexedBase):
            return found
        if isinstance(found, sympy.Symbol):
            return sympy.IndexedBase(found)
        if found is not None:
            raise TypeError(f"{name} is declared as {found!r}, which cannot be indexed")
        return sympy.IndexedBase(name, real=True) if self.notation.real else sympy.IndexedBase(name)

    def _name(self, node: syntax.Name) -> sympy.Basic:
        if node.vector and not (node.name in self.integers and node.name not in self.notation.integers):
            return self._indexed_base(node.name)
        return self.symbol(node.name)

    def _constant(self, node: syntax.Constant) -> sympy.Basic:
        found = self.notation.symbols.get(node.name)
        return _CONSTANTS[node.name] if found is None else found

    def _indexed(self, node: syntax.Indexed) -> sympy.Basic:
        indices = tuple(self.build(index) for index in node.indices)
        matrix = self.notation.rows.get(node.base)
        if matrix is not None:  # x_i: the i-th row of X as a column vector; x_{ij}: the entry X_ij
            declared = as_matrix(sympy.Symbol(matrix), self.notation)
            if len(indices) == 1 and declared is not None:
                return Row(declared, indices[0])
            if len(indices) == 2:
                return self._indexed_base(matrix)[indices]
        base = self._indexed_base(node.base)
        return base[indices if len(indices) > 1 else indices[0]]

    def _kronecker(self, node: syntax.Kronecker) -> sympy.Basic:
        return sympy.KroneckerDelta(self.build(node.first), self.build(node.second))

    # ----------------------------------------------------------------- arithmetic

    def summands(self, node: syntax.Node) -> tuple[sympy.Basic, ...] | None:
        r"""The terms of a sum as written, a division by a whole number kept apart; None for anything else.

        ``2.3026 + \frac{0.2231}{3} + 1.2041`` gives ``(2.3026, 0.2231·(1/3), 1.2041)``, the middle
        one an unevaluated product: built as one value, the sum is just 13429/3750, and a grader
        could no longer see that the 1/3 was written under one term only.
        """
        if not isinstance(node, syntax.Sum):
            return None
        return tuple(self._summand(term) for term in node.terms)

    def _summand(self, node: syntax.Node) -> sympy.Basic:
        sign, inner = ([sympy.S.NegativeOne], node.operand) if isinstance(node, syntax.Negative) else ([], node)
        divided = _divided_by_whole_number(inner)
        if divided is None:
            return self.build(node)
        numerator, divisor = divided
        return sympy.Mul(*sign, self.build(numerator), sympy.Rational(1, divisor), evaluate=False)

    def _number(self, node: syntax.Number) -> sympy.Basic:
        whole, _, fraction = node.text.partition(".")
        return sympy.Rational(int(whole + fraction), 10 ** len(fraction))

    def _sum(self, node: syntax.Sum) -> sympy.Basic:
        terms = [self.build(term) for term in node.terms]
        if any(is_matrix(term) for term in terms):
            return matrix_sum(terms, self.notation)
        self._check_size(_sum_bits(terms), node)
        return sympy.Add(*terms)

    def _negative(self, node: syntax.Negative) -> sympy.Basic:
        return -self.build(node.operand)

    def _product(self, node: syntax.Product) -> sympy.Basic:
        factors = [self.build(factor) for factor in node.factors]
        if any(is_matrix(factor) or is_declared_matrix(factor, self.notation) for factor in factors):
            return self._matrix_product(node.factors, factors)
        self._check_size(sum(_numeric_bits(factor) for factor in factors), node)
        return sympy.Mul(*factors)

    def _matrix_product(self, nodes: tuple[syntax.Node, ...], factors: list[sympy.Basic]) -> sympy.Basic:
        """A product with matrices; a ``/ b`` factor (a Reciprocal) divides what stands before it."""
        kept: list[sympy.Basic] = []
        for node, factor in zip(nodes, factors, strict=True):
            if isinstance(node, syntax.Reciprocal) and is_matrix(factor):
                kept = [
                    matrix_quotient(
                        matrix_product(kept, self.notation) if kept else 1, self.build(node.operand), self.notation
                    )
                ]
            else:
                kept.append(factor)
        return matrix_product(kept, self.notation) if len(kept) > 1 else kept[0]

    def _quotient(self, node: syntax.Quotient) -> sympy.Basic:
        top, bottom = self.build(node.numerator), self.build(node.denominator)
        if is_matrix(top) or is_matrix(bottom):
            return matrix_quotient(top, bottom, self.notation)
        numerator = top
        denominator = self._power(bottom, sympy.S.NegativeOne, node)
        self._check_size(_numeric_bits(numerator) + _numeric_bits(denominator), node)
        return numerator * denominator

    def _reciprocal(self, node: syntax.Reciprocal) -> sympy.Basic:
        return self._power(self.build(node.operand), sympy.S.NegativeOne, node)

    def _power_node(self, node: syntax.Power) -> sympy.Basic:
        return self._power(self.build(node.base), self.build(node.exponent), node)

    def _root(self, node: syntax.Root) -> sympy.Basic:
        radicand = self.build(node.radicand)
        if node.degree is None:
            return self._power(radicand, sympy.S.Half, node)
        degree = self.build(node.degree)
        return self._power(radicand, self._power(degree, sympy.S.NegativeOne, node), node)

    def _absolute(self, node: syntax.Absolute) -> sympy.Basic:
        return sympy.Abs(self.build(node.operand))

    def _power(self, base: sympy.Basic, exponent: sympy.Basic, node: syntax.Node) -> sympy.Basic:
        """``base**exponent``, refused when SymPy would compute an exact number of more than MAX bits.

        SymPy evaluates a rational power of a number at once (and distributes a power over a
        product's numeric factor), so ``2^{2^{99}}`` or ``(2x)^{10^{99}}`` would never return.
        """
        if is_matrix(base):
            return matrix_power(base, exponent)
        if is_declared_matrix(base, self.notation):  # S^{1/2}, (X^T X)^{-1}: powers of a matrix, never of a number
            return matrix_power(as_matrix(base, self.notation), exponent)
        if isinstance(exponent, sympy.Rational) and not isinstance(base, sympy.Add):
            size = _numeric_bits(base)
            if size and abs(exponent) > MAX_NUMBER_BITS:  # each number has at least 1 bit
                self._check_size(math.inf, node)
            self._check_size(size * float(abs(exponent)), node)
        return sympy.Pow(base, exponent)

    def _check_size(self, bits: float, node: syntax.Node) -> None:
        if bits > MAX_NUMBER_BITS:
            self._error(f"the exact value here would have more than {MAX_NUMBER_BITS} bits", node.start)

    # ----------------------------------------------------------------- functions

    def _call(self, node: syntax.Call) -> sympy.Basic:
        if node.function == "diag" and any(isinstance(argument, syntax.Elided) for argument in node.arguments):
            return sympy.DiagMatrix(described_vector(self, node.arguments, node.start))
        if any(isinstance(argument, syntax.Elided) for argument in node.arguments):
            self._error(f"{node.function} of a list with \\dots is not read", node.start)
        arguments = [self.build(argument) for argument in node.arguments]
        if not node.builtin and len(arguments) == 1 and _names_itself(node.function, arguments[0]):
            # σ(1 − σ): the function's own name alone inside its brackets, the shorthand of σ·(1 − σ)
            return self.symbol(node.function) * arguments[0]
        if node.function == "diag" and len(arguments) == 1:
            vector = as_matrix(arguments[0], self.notation) or self._entries_vector(arguments[0])
            if vector is not None:
                return sympy.DiagMatrix(vector)
        if len(arguments) == 1 and is_matrix(arguments[0]) and node.function not in ("diag", "tr", "trace", "det"):
            return self._elementwise_call(node, arguments[0])
        if node.function in ("tr", "trace", "Tr") and len(arguments) == 1 and is_matrix(arguments[0]):
            return sympy.Trace(arguments[0])
        if node.function == "det" and len(arguments) == 1 and is_matrix(arguments[0]):
            return sympy.Determinant(arguments[0])
        if node.builtin:
            if node.function in ("log", "ln"):
                base = None
                if node.log_base is not None:
                    base = self.build(node.log_base)
                elif node.function == "log":
                    base = self.notation.log_base
                return sympy.log(arguments[0]) if base is None else sympy.log(arguments[0], base)
            if node.function == "sqrt":
                return self._power(arguments[0], sympy.S.Half, node)
            return _BUILTINS[node.function](*arguments)
        function = self.notation.functions.get(node.function)
        if function is None:  # \operatorname{f} names a function the table need not declare
            function = sympy.Function(node.function)
        value = function(*arguments)
        if not isinstance(value, sympy.Basic):
            raise TypeError(f"the table's function {node.function} returned {type(value).__name__}, not a SymPy object")
        return value

    def _entries_vector(self, entry: sympy.Basic) -> sympy.Basic | None:
        """``diag(p_i(1 - p_i))``: the vector of the entries at the one index the argument has."""
        indices = {index for node in entry.atoms(sympy.Indexed) for index in node.indices}
        if len(indices) != 1 or not isinstance(next(iter(indices)), sympy.Symbol):
            return None
        return entry_vector(entry, next(iter(indices)), self.notation)

    def _elementwise_call(self, node: syntax.Call, argument: sympy.MatrixExpr) -> sympy.Basic:
        """A scalar function of a matrix applies to each entry (``\\log \\hat{y}``, ``\\sigma(Xw)``)."""
        if node.builtin:
            function = sympy.log if node.function in ("log", "ln") else _BUILTINS.get(node.function)
            if function is None:
                self._error(f"{node.function} of a matrix is not read", node.start)
            return elementwise(function, argument)
        function = self.notation.functions.get(node.function) or sympy.Function(node.function)
        return elementwise(function, argument)

    def _transpose(self, node: syntax.Transpose) -> sympy.Basic:
        value = self.build(node.operand)
        if isinstance(node.operand, syntax.Items):
            return value  # (a, b, c)^T: a list written in a line and transposed is the column it means
        transposed = transpose(value, self.notation)
        if transposed is None:
            self._error(f"the shape of {value} is not known, so its transpose cannot be read", node.start)
        return transposed

    def _norm(self, node: syntax.Norm) -> sympy.Basic:
        return matrix_norm(self.build(node.operand), self.notation, self.default_range())

    def _interval(self, node: syntax.Interval) -> sympy.Basic:
        return sympy.Interval(
            self.build(node.lower), self.build(node.upper), left_open=node.left_open, right_open=node.right_open
        )

    def _equation(self, node: syntax.Equation) -> sympy.Basic:
        return sympy.Eq(self.build(node.left), self.build(node.right), evaluate=False)

    # ----------------------------------------------------------------- calculus

    def _derivative(self, node: syntax.Derivative) -> sympy.Basic:
        expression = self.build(node.expression)
        variables = []
        for variable_node, order in node.variables:
            variable = self.build(variable_node)
            if isinstance(variable, (sympy.IndexedBase, sympy.MatrixSymbol)):
                if len(node.variables) != 1 or order != 1:
                    self._error(
                        f"a derivative with respect to the whole vector {variable} must be of first order alone",
                        variable_node.start,
                    )
                return VectorDerivative(expression, variable)
            variables.append((variable, order))
        return sympy.Derivative(expression, *variables, evaluate=False)

    def _gradient(self, node: syntax.Gradient) -> sympy.Basic:
        expression = self.build(node.expression)
        if node.variable is None:
            value = VectorDerivative(expression)
            return VectorDerivative(value) if node.order == 2 else value
        variable = self.build(node.variable)
        if isinstance(variable, (sympy.IndexedBase, sympy.MatrixSymbol)):
            value = VectorDerivative(expression, variable)
            return VectorDerivative(value, variable) if node.order == 2 else value
        if not isinstance(variable, (sympy.Symbol, sympy.Indexed)):
            self._error("∇ is taken with respect to a name", node.variable.start)
        return sympy.Derivative(expression, (variable, node.order), evaluate=False)

    def _differential(self, node: syntax.Differential) -> NoReturn:
        self._error("∂ on its own: write a derivative, \\frac{\\partial L}{\\partial z} or ∂L/∂z", node.start)

    def _big_operator(self, node: syntax.BigOperator) -> sympy.Basic:
        body = self.build(node.body)
        kind = node.kind
        index = self._inferred_index(body, node) if node.index is None else self.symbol(node.index.name)
        if node.lower is None or node.upper is None:
            lower, upper = self.default_range()
            upper = self._declared_extent(body, index) or upper
        else:
            lower, upper = self.build(node.lower), self.build(node.upper)
        if is_matrix(body):
            if kind != "sum" or node.excluded is not None:
                self._error("only a plain sum of matrices or vectors is read", node.start)
            return MatrixSum(body, (index, lower, upper))
        operator = sympy.Sum if kind == "sum" else sympy.Product
        whole = operator(body, (index, lower, upper))
        if node.excluded is None:
            return whole
        left_out = body.xreplace({index: self.build(node.excluded)})
        return whole - left_out if kind == "sum" else whole / left_out

    def _declared_extent(self, body: sympy.Basic, index: sympy.Basic) -> sympy.Basic | None:
        """The size a sum's index runs to when the sheet writes no limits, from the declared shapes of what it
        indexes (``\\sum_j x_{ij} v_j`` runs over the d features); None when they do not agree or say nothing."""
        sizes: set[sympy.Basic] = set()
        matrices = self.notation.matrices
        for entry in body.atoms(sympy.Indexed):
            name = self.notation.rows.get(str(entry.base)) or str(entry.base)
            shape = matrices.get(name)
            if shape is None:
                continue
            for position, value in enumerate(entry.indices):
                if value == index:
                    dimension = shape[position] if len(entry.indices) == 2 else shape[0]
                    sizes.add(self._limit(dimension) if not isinstance(dimension, int) else sympy.Integer(dimension))
        return sizes.pop() if len(sizes) == 1 else None

    def _inferred_index(self, body: sympy.Basic, node: syntax.BigOperator) -> sympy.Basic:
        """The one index subscripted in ``body`` and free in it; anything else is refused, not guessed."""
        candidates: set[sympy.Basic] = set()
        for entry in body.atoms(sympy.Indexed):
            for index in entry.indices:
                candidates |= index.free_symbols
        for delta in body.atoms(sympy.KroneckerDelta):
            for index in delta.args:
                candidates |= index.free_symbols
        candidates &= body.free_symbols
        if len(candidates) == 1:
            return candidates.pop()
        written = f"\\{node.kind}"
        if not candidates:
            self._error(
                f"cannot tell which index {written} runs over (nothing in it is subscripted with one): "
                f"write {written}_{{i=1}}^{{K}}",
                node.start,
            )
        names = ", ".join(sorted(str(candidate) for candidate in candidates))
        self._error(f"{written} could run over any of {names}: write {written}_{{i=1}}^{{K}}", node.start)

    def default_range(self) -> tuple[sympy.Basic, sympy.Basic]:
        """The table's limits for a sum written without them, read once per builder."""
        if self._default_range is None:
            self._default_range = (
                self._limit(self.notation.default_sum_range[0]),
                self._limit(self.notation.default_sum_range[1]),
            )
        return self._default_range

    def _limit(self, value: Any) -> sympy.Basic:
        if isinstance(value, bool):
            raise TypeError("a sum limit cannot be a bool")
        if isinstance(value, int):
            return sympy.Integer(value)
        if isinstance(value, sympy.Basic):
            return value
        if isinstance(value, str):
            from symcheck.reader._parser import Parser
            from symcheck.reader._tokens import tokenize

            chain = Parser(value, tokenize(value), self.notation).parse_chain()
            if len(chain.terms) != 1 or chain.leading or chain.trailing:
                raise ValueError(f"default_sum_range entry {value!r} is not one expression")
            return Builder(self.notation, value, None, self.integers).build(chain.terms[0])
        raise TypeError(f"default_sum_range entries are ints, names or SymPy objects, not {value!r}")

    def _boxed_chain(self, node: syntax.BoxedChain) -> NoReturn:
        self._error("a boxed relation can only stand as a whole term of a chain", node.start)

    def _error(self, message: str, offset: int) -> NoReturn:
        raise LatexSyntaxError(message, source=self.source, offset=offset, origin=self.origin)


_HANDLERS: dict[type, Callable[[Builder, Any], sympy.Basic]] = {
    syntax.Number: Builder._number,
    syntax.Constant: Builder._constant,
    syntax.Name: Builder._name,
    syntax.Indexed: Builder._indexed,
    syntax.Kronecker: Builder._kronecker,
    syntax.Sum: Builder._sum,
    syntax.Negative: Builder._negative,
    syntax.Product: Builder._product,
    syntax.Quotient: Builder._quotient,
    syntax.Reciprocal: Builder._reciprocal,
    syntax.Power: Builder._power_node,
    syntax.Root: Builder._root,
    syntax.Absolute: Builder._absolute,
    syntax.Call: Builder._call,
    syntax.Equation: Builder._equation,
    syntax.Derivative: Builder._derivative,
    syntax.Gradient: Builder._gradient,
    syntax.Transpose: Builder._transpose,
    syntax.Norm: Builder._norm,
    syntax.Interval: Builder._interval,
    syntax.Differential: Builder._differential,
    syntax.BigOperator: Builder._big_operator,
    syntax.BoxedChain: Builder._boxed_chain,
    syntax.MatrixLiteral: build_matrix,
    syntax.Items: build_items,
    syntax.Prime: build_prime,
    syntax.Extremum: build_extremum,
}
