r"""The parser's reading of explicit matrices and vectors, primes and extrema.

* ``\begin{pmatrix} 2 & 1 \\ 1 & 2 \end{pmatrix}`` (``bmatrix``, ``Bmatrix``, ``vmatrix``, ``matrix``,
  ``smallmatrix`` and ``array`` with its column spec) is a matrix of its cells;
* ``(0.1, 0)`` or ``(p_1, \dots, p_n)`` outside a call is a vector of its items; right after a name
  (``BCE(y, \hat{y})`` with BCE not declared a function) it is refused, never read as a product;
* ``\sigma'(z)``, ``\sigma^{\prime}(2z)`` and ``\tanh''(z)`` are derivatives of the function at the argument;
* ``\max_z f`` and ``\min_{w} L`` are the largest and smallest values of f over z.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from symcheck.reader._syntax import Elided, Extremum, Items, MatrixLiteral, Node, Prime, Product

if TYPE_CHECKING:
    from symcheck.reader._tokens import Token

__all__ = ["MATRIX_ENVIRONMENTS", "MatricesMixin"]

MATRIX_ENVIRONMENTS = frozenset(
    {"pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix", "matrix", "smallmatrix", "array"}
)
ELISIONS = frozenset({"dots", "ldots", "cdots"})
_TUPLE_AFTER = frozenset({"=", "+", "-", "*", "/", ",", "(", "[", "&", ":", ";", "<", ">", "<=", ">=", ":="})
"""Characters after which ``(a, b)`` is a vector: a relation, an operator, an opening bracket."""


class MatricesMixin:
    """Explicit matrices and vectors, primes and extrema (see the module docstring)."""

    # ----------------------------------------------------------------- matrices

    def _matrix_literal(self) -> Node:
        opener = self._advance()
        environment = opener.text
        if environment == "array" and self._peek().is_char("{"):
            self.position = self.partner[self.position] + 1  # the column spec {ll}
        rows: list[list[Node]] = [[]]
        while True:
            token = self._peek()
            if token.kind == "end" and token.text == environment:
                self._advance()
                break
            if self._at_end():
                self._error(f"\\begin{{{environment}}} is never closed", opener.start)
            if token.is_command("\\"):
                self._advance()
                rows.append([])
                continue
            if token.is_char("&"):
                self._advance()
                continue
            if token.kind == "command" and token.text in ELISIONS | {"vdots", "ddots"}:
                self._advance()
                rows[-1].append(Elided(token.start, token.end))
                continue
            rows[-1].append(self._expression())
            following = self._peek()
            if not (following.is_char("&") or following.is_command("\\") or following.kind == "end"):
                self._error(
                    f"expected '&', '\\\\' or the end of the matrix, found {self._describe_next(following)}",
                    following.start,
                )
        rows = [row for row in rows if row]
        if not rows or len({len(row) for row in rows}) != 1:
            self._error(f"every row of this {environment} must have the same number of entries", opener.start)
        end = self.tokens[self.position - 1].end
        return MatrixLiteral(opener.start, end, tuple(tuple(row) for row in rows))

    def _tuple_allowed(self, opener_index: int) -> bool:
        """``(a, b)`` is a vector at the start of a term, not right after a name (where it would be a call)."""
        if opener_index == 0:
            return True
        before = self.tokens[opener_index - 1]
        if before.kind == "char":
            return before.text in _TUPLE_AFTER
        if before.kind == "command":
            return before.text in ("cdot", "times", "approx", "in", "le", "leq", "ge", "geq", "ne", "quad", "qquad")
        return before.kind in ("begin",)

    def _items_rest(self, opener: Token, first: Node, closer: str) -> Node:
        """The rest of ``(first, …)`` after its first item: a vector of the items."""
        items = [first]
        while self._peek().is_char(","):
            self._advance()
            items.append(self._item())
        token = self._peek()
        if not token.is_char(closer):
            self._error(f"expected ',' or '{closer}' in the list opened at {self._where(opener.start)}", token.start)
        self._advance()
        return Items(opener.start, token.end, tuple(items))

    def _item(self) -> Node:
        token = self._peek()
        if token.kind == "command" and token.text in ELISIONS:
            self._advance()
            return Elided(token.start, token.end)
        return self._expression()

    def _first_item(self) -> Node:
        """The first item of a list, which may be ``\\dots`` only in a call's arguments (``diag(a, \\dots)``)."""
        return self._item()

    # ----------------------------------------------------------------- primes and extrema

    def _primes(self) -> int:
        """Primes after a function's name: ``'``, ``''``, ``^{\\prime}``, ``^\\prime``, ``^{\\prime\\prime}``."""
        order = 0
        while self._peek().is_char("'"):
            self._advance()
            order += 1
        if order == 0 and self._peek().is_char("^"):
            script = self.position + 1
            tokens = self._script_tokens(script)
            if tokens and all(token.is_command("prime") for token in tokens):
                self.position = self._script_end(script)
                order = len(tokens)
        return order

    def _script_tokens(self, index: int) -> list[Token]:
        if index >= self.limit:
            return []
        token = self.tokens[index]
        if token.is_char("{"):
            return [t for t in self.tokens[index + 1 : self.partner.get(index, index)]]
        return [token]

    def _script_end(self, index: int) -> int:
        token = self.tokens[index]
        return self.partner[index] + 1 if token.is_char("{") else index + 1

    def _prime_call(self, first: Token, function: str, builtin: bool, order: int) -> Node:
        if not self._peek().is_char("("):
            self._error(f"write the argument of {function}′: {function}′(z)", self._peek().start)
        arguments = self._arguments()
        if len(arguments) != 1:
            self._error(f"{function}′ takes one argument", first.start)
        return Prime(first.start, self.tokens[self.position - 1].end, function, builtin, order, arguments[0])

    def _extremum(self, token: Token, kind: str) -> Node:
        operator = self._advance()  # the '_'
        variable = self._script_expression(operator)
        following = self._peek()
        if not self._starts_factor(following):
            self._error(f"\\{kind} needs what it maximises, found {self._describe_next(following)}", following.start)
        factors = self._juxtaposition()
        body = factors[0] if len(factors) == 1 else Product(factors[0].start, factors[-1].end, tuple(factors))
        return Extremum(token.start, body.end, kind, variable, body)
