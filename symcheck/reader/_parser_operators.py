"""The parser's big operators and boxes: ``\\sum``, ``\\prod`` (with ``k \\neq i`` ranges) and ``\\boxed``.

A mixin of :class:`symcheck.reader._parser.Parser`: it uses the parser's token plumbing and is never used alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from symcheck.reader._syntax import BigOperator, BoxedChain, ChainSyntax, Name, Negative, Node
from symcheck.reader._vocabulary import GREEK, RELATIONS

if TYPE_CHECKING:
    from symcheck.reader._parser import _Range
    from symcheck.reader._tokens import Token

__all__ = ["OperatorsMixin"]


class OperatorsMixin:
    """``\\sum``, ``\\prod`` and ``\\boxed``."""

    def _big_operator(self) -> Node:
        command = self._advance()
        kind = command.text
        lower_script: tuple[Token, _Range] | None = None
        upper_script: tuple[Token, _Range] | None = None
        while self._peek().is_char("_", "^"):
            operator = self._advance()
            if operator.text == "_":
                if lower_script is not None:
                    self._error("double subscript", operator.start)
                lower_script = (operator, self._script_range(operator))
            else:
                if upper_script is not None:
                    self._error("double superscript", operator.start)
                upper_script = (operator, self._script_range(operator))
        index: Name | None = None
        lower: Node | None = None
        upper: Node | None = None
        excluded: Node | None = None
        others: tuple[Name, ...] = ()
        if lower_script is not None:
            index, lower, excluded, others = self._within(*lower_script[1], lambda: self._operator_index(kind))
        if excluded is not None and upper_script is not None:
            self._error(f"\\{kind}_{{k \\neq i}} takes no upper limit", upper_script[0].start)
        if upper_script is not None:
            upper = self._within(*upper_script[1], self._expression)
            if lower is None:
                self._error(f"\\{kind}^{{…}} needs a lower limit: write \\{kind}_{{i=1}}^{{…}}", command.start)
        elif lower is not None and excluded is None:
            self._error(f"\\{kind}_{{…=…}} needs an upper limit: write \\{kind}_{{i=1}}^{{K}}", command.start)
        sign = self._peek()
        negative = self._signs()
        if not self._starts_factor(self._peek()):
            self._error(f"\\{kind} needs something to {'add' if kind == 'sum' else 'multiply'}", self._peek().start)
        body = self._term()
        if negative:
            body = Negative(sign.start, body.end, body)
        if excluded is not None:
            lower = None
        for other in reversed(others):  # \sum_{j,k}: a sum over j of a sum over k, each over its default range
            body = BigOperator(command.start, body.end, kind, body, other, None, None)
        return BigOperator(command.start, body.end, kind, body, index, lower, upper, excluded)

    def _operator_index(self, kind: str) -> tuple[Name, Node | None, Node | None, tuple[Name, ...]]:
        """The index and its lower limit (``i=1``), the index left out (``k \\neq i``: every k but i), or
        several indices over their default ranges (``j,k``)."""
        token = self._peek()
        if not (token.kind == "letter" or token.is_command(*GREEK)):
            self._error(f"cannot read the index of \\{kind}: write \\{kind}_{{i=1}}^{{K}}", token.start)
        self._advance()
        index = Name(token.start, token.end, token.text)
        if self._peek().is_char("="):
            self._advance()
            return index, self._expression(), None, ()
        if self._at_relation() and RELATIONS[self._peek().text] == "≠":
            self._advance()
            return index, None, self._expression(), ()
        others: list[Name] = []
        while self._peek().is_char(",") and not self._at_end():
            self._advance()
            other = self._peek()
            if other.kind != "letter":
                self._error(f"cannot read the indices of \\{kind}: write \\{kind}_{{j,k}}", other.start)
            self._advance()
            others.append(Name(other.start, other.end, other.text))
        if not self._at_end():
            self._error(f"cannot read the index of \\{kind}: write \\{kind}_{{i=1}}^{{K}}", token.start)
        return index, None, None, tuple(others)

    def _boxed(self) -> Node:
        command = self._advance()
        token = self._peek()
        if not token.is_char("{"):
            self._error("\\boxed needs a braced argument", token.start)
        close = self.partner[self.position]
        if close == self.position + 1:
            self._error("empty braces {}", token.start)
        begin = self.position + 1
        self.position = close + 1

        def inside() -> ChainSyntax:
            chain = ChainSyntax()
            self._chain_term(chain)
            while self._at_relation():
                chain.relations.append(self._relation())
                self._chain_term(chain)
            return chain

        chain = self._within(begin, close, inside)
        if not chain.relations:
            return chain.terms[0]
        return BoxedChain(
            command.start, self.tokens[close].end, tuple(chain.terms), tuple(chain.relations), tuple(chain.spans)
        )
