"""The parser's fractions and derivatives: ``\\frac``, ``\\frac{\\partial L}{\\partial z}``, ``dL/dz``, ``\\nabla_z L``.

A mixin of :class:`symcheck.reader._parser.Parser`: it uses the parser's token plumbing and is never used alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from symcheck.reader._errors import LatexSyntaxError
from symcheck.reader._limits import MAX_DERIVATIVE_ORDER
from symcheck.reader._parser_names import describe
from symcheck.reader._syntax import (
    Derivative,
    Differential,
    Gradient,
    Indexed,
    Name,
    Node,
    Number,
    Power,
    Product,
    Quotient,
)
from symcheck.reader._tokens import Token

if TYPE_CHECKING:
    from symcheck.reader._parser import _Range

__all__ = ["CalculusMixin"]


class CalculusMixin:
    """Fractions, derivatives and gradients."""

    def _fraction(self) -> Node:
        command = self._advance()
        token = self._peek()
        if token.kind == "number" and len(token.text) > 1 and token.text[:2].isdigit():
            # \frac12 is 1/2: LaTeX gives each argument one character
            if len(token.text) > 2:
                self._error(f"\\frac{token.text} is ambiguous: write \\frac{{…}}{{…}}", token.start)
            self._advance()
            return Quotient(
                command.start,
                token.end,
                Number(token.start, token.start + 1, token.text[0]),
                Number(token.start + 1, token.end, token.text[1]),
            )
        numerator = self._argument_range(command)
        denominator = self._argument_range(command)
        derivative = self._fraction_derivative(command, numerator, denominator)
        if derivative is not None:
            return derivative
        top = self._within(*numerator, self._expression)
        bottom = self._within(*denominator, self._expression)
        return Quotient(command.start, self.tokens[self.position - 1].end, top, bottom)

    def _is_d(self, script: _Range) -> bool:
        """Whether a range starts with the differential ``d`` (not ``d_1``, a name)."""
        begin, end = script
        token = self.tokens[begin]
        if token.kind != "letter" or token.text != "d":
            return False
        return begin + 1 == end or not self.tokens[begin + 1].is_char("_")

    def _fraction_derivative(self, command: Token, numerator: _Range, denominator: _Range) -> Node | None:
        if self.tokens[numerator[0]].is_command("partial"):
            return self._derivative(command, *self._derivative_parts(command, numerator, denominator, "partial"))
        if self._is_d(numerator) and self._is_d(denominator):
            try:
                parts = self._derivative_parts(command, numerator, denominator, "d")
            except LatexSyntaxError:
                return None  # d was a name after all: \frac{d+1}{d-1}
            return self._derivative(command, *parts)
        return None

    def _derivative_parts(
        self, command: Token, numerator: _Range, denominator: _Range, style: str
    ) -> tuple[Node | None, tuple[tuple[Node, int], ...]]:
        """What is differentiated (None for the operator d/dx) and the variables with their orders."""

        def top() -> tuple[int, Node | None]:
            self._advance()
            order = self._differential_order()
            if self._at_end():
                return order, None
            return order, self._expression()

        order, expression = self._within(*numerator, top)
        variables = self._within(*denominator, lambda: self._differential_variables(style))
        self._check_orders(order, variables, command)
        return expression, variables

    def _derivative(self, command: Token, expression: Node | None, variables: tuple[tuple[Node, int], ...]) -> Node:
        if expression is None:  # d/dx applies to the whole product after it: \frac{d}{dz} \frac{1}{2}(p - y)^2
            following = self._peek()
            if not self._starts_factor(following):
                self._error(
                    f"a derivative operator such as d/dx needs an argument, found {self._describe_next(following)}",
                    following.start,
                )
            factors = self._juxtaposition()
            expression = factors[0] if len(factors) == 1 else Product(factors[0].start, factors[-1].end, tuple(factors))
        return Derivative(command.start, self.tokens[self.position - 1].end, expression, variables)

    def _differential_order(self) -> int:
        if not self._peek().is_char("^"):
            return 1
        caret = self._advance()
        order = self._script_expression(caret)
        if not (isinstance(order, Number) and order.text.isdigit()):
            self._error("the order of a derivative must be a whole number", caret.start)
        value = int(order.text)
        if not 1 <= value <= MAX_DERIVATIVE_ORDER:
            self._error(f"the order of a derivative must be between 1 and {MAX_DERIVATIVE_ORDER}", caret.start)
        return value

    def _differential_variables(self, style: str) -> tuple[tuple[Node, int], ...]:
        variables: list[tuple[Node, int]] = []
        while not self._at_end():
            token = self._advance()
            if not (
                token.is_command("partial") if style == "partial" else token.kind == "letter" and token.text == "d"
            ):
                self._error(
                    f"expected {'∂' if style == 'partial' else 'd'} before each variable, found {describe(token)}",
                    token.start,
                )
            variables.append(self._variable(self._factor()))
        if not variables:
            self._error("a derivative needs a variable", self.tokens[self.position - 1].start)
        return tuple(variables)

    def _variable(self, node: Node) -> tuple[Node, int]:
        """A differentiation variable with its order: ``z_k`` is (z_k, 1), ``x^2`` is (x, 2)."""
        order = 1
        if isinstance(node, Power):
            exponent = node.exponent
            if not (isinstance(exponent, Number) and exponent.text.isdigit()):
                self._error("the order of a derivative must be a whole number", exponent.start)
            order = int(exponent.text)
            if not 1 <= order <= MAX_DERIVATIVE_ORDER:
                self._error(f"the order of a derivative must be between 1 and {MAX_DERIVATIVE_ORDER}", exponent.start)
            node = node.base
        if not isinstance(node, Name | Indexed):
            self._error("can only differentiate with respect to a name", node.start)
        return node, order

    def _check_orders(self, order: int, variables: tuple[tuple[Node, int], ...], command: Token) -> None:
        total = sum(count for _, count in variables)
        if total != order:
            self._error(
                f"the orders do not match: order {order} above, {total} in the variables below",
                command.start,
            )

    def _gradient(self) -> Node:
        """``\\nabla_w L`` (the gradient of the product that follows, with respect to the subscript if written) and
        ``\\nabla^2_w L``, ``\\nabla_w^2 L`` (the Hessian)."""
        command = self._advance()
        variable: Node | None = None
        order = 1
        while self._peek().is_char("_", "^"):
            operator = self._advance()
            script = self._script_expression(operator)
            if operator.text == "_":
                if variable is not None:
                    self._error("double subscript on ∇", operator.start)
                variable = script
            elif isinstance(script, Number) and script.text == "2" and order == 1:
                order = 2
            else:
                self._error("∇ takes the power 2 only (∇² is the Hessian)", operator.start)
        following = self._peek()
        if not self._starts_factor(following):
            self._error(f"∇ needs what it differentiates, found {self._describe_next(following)}", following.start)
        factors = self._juxtaposition()  # ∇_w applies to the whole product after it: ∇_w \frac{λ}{2}\|w\|^2
        expression = factors[0] if len(factors) == 1 else Product(factors[0].start, factors[-1].end, tuple(factors))
        return Gradient(command.start, expression.end, expression, variable, order)

    def _differential(self) -> Node:
        token = self._advance()
        order = self._differential_order()
        operand = self._factor() if self._starts_factor(self._peek()) else None
        end = self.tokens[self.position - 1].end
        return Differential(token.start, end, operand, order)

    def _slash_derivative(self, top: list[Node], bottom: list[Node], slash: Token) -> Node | None:
        """``\\partial L / \\partial z_k`` and ``dL/dz`` written inline."""
        first = top[0]
        if len(top) == 1 and isinstance(first, Differential):
            if not all(isinstance(node, Differential) and node.operand is not None for node in bottom):
                return None
            if first.operand is None:
                self._error("write what is differentiated: ∂L/∂z", first.start)
            variables = tuple(self._variable(node.operand) for node in bottom)  # type: ignore[union-attr]
            self._check_orders(first.order, variables, slash)
            return Derivative(first.start, bottom[-1].end, first.operand, variables)
        if (
            len(top) == 2
            and len(bottom) == 2
            and isinstance(first, Name)
            and first.name == "d"
            and isinstance(bottom[0], Name)
            and bottom[0].name == "d"
        ):
            variable = self._variable(bottom[1])
            self._check_orders(1, (variable,), slash)
            return Derivative(first.start, bottom[-1].end, top[1], (variable,))
        return None
