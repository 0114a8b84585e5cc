"""A recursive-descent parser from tokens to the syntax tree of :mod:`symcheck.reader._syntax`.

Precedence, loosest first::

    chain        expression (relation expression)*
    expression   [sign] term (('+' | '-') term)*
    term         juxtaposition (('\\cdot' | '\\times' | '*' | '/' | '\\div') [sign] juxtaposition)*
    juxtaposition factor factor*            implicit multiplication binds tighter than \\cdot and /
    factor       primary ('^' script)*      a name reads its own '_' and '^'

Where a written form has two common readings the parser refuses it with an error that says how to
write it unambiguously, rather than pick one: ``a/b c``, ``\\log a b`` (a function applied without
brackets to a factor that is followed by another), ``x 2``, ``A \\quad B``, ``x^12``, ``1e-3``.

Whether a name is called (``\\sigma(z)``) or multiplied (``y_k(1-y_k)``) is decided by the symbol
table, never by the look of the input; so are indexed subscripts and layer superscripts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NoReturn, TypeVar

from symcheck.reader._errors import LatexSyntaxError, Origin
from symcheck.reader._limits import MAX_DEPTH
from symcheck.reader._parser_calculus import CalculusMixin
from symcheck.reader._parser_matrices import ELISIONS, MATRIX_ENVIRONMENTS, MatricesMixin
from symcheck.reader._parser_names import NamesMixin, describe
from symcheck.reader._parser_operators import OperatorsMixin
from symcheck.reader._syntax import (
    Absolute,
    BoxedChain,
    Call,
    ChainSyntax,
    Constant,
    Equation,
    Indexed,
    Interval,
    Name,
    Negative,
    Node,
    Norm,
    Number,
    Power,
    Product,
    Reciprocal,
    Root,
    Sum,
    Transpose,
)
from symcheck.reader._tokens import Token
from symcheck.reader._vocabulary import (
    ACCENTS,
    BUILTIN_FUNCTIONS,
    CHAIN_ENVIRONMENTS,
    CONSTANTS,
    FONTS,
    GREEK,
    MULTIPLY,
    NORM_BARS,
    RELATIONS,
    TRANSPOSES,
    UNSUPPORTED,
)

STARS = frozenset({"ast", "star"})
"""``w^*``, ``w^{\\ast}``: a starred name (the optimum), not a power."""

if TYPE_CHECKING:
    from symcheck.reader._notation import Notation

__all__ = ["ChainSyntax", "Parser"]

_Result = TypeVar("_Result")
_CLOSERS = {"(": ")", "[": "]", "lbrace": "rbrace"}
_SHOWN = {"lbrace": "\\{", "rbrace": "\\}"}
_Range = tuple[int, int]
"""Token indices [begin, end) of a script or argument, read later once its meaning is known."""


class Parser(NamesMixin, CalculusMixin, OperatorsMixin, MatricesMixin):
    """Parse one token list (a formula, or one chain of an aligned block) of ``source``."""

    def __init__(
        self,
        source: str,
        tokens: list[Token],
        notation: Notation,
        *,
        origin: Origin | None = None,
        end_offset: int | None = None,
        whole_words: bool = False,
    ) -> None:
        self.source = source
        self.tokens = tokens
        self.notation = notation
        self.origin = origin
        self.end_offset = len(source) if end_offset is None else end_offset
        self.whole_words = whole_words
        """Read every run of letters as one name (for the table's own keys, such as ``softmax``)."""
        self.position = 0
        self.limit = len(tokens)
        self.depth = 0
        self.open_bars = 0
        self.open_norms = 0
        self.bare_application_end = -1
        self.shape_mode = False
        self.partner = self._match_braces()

    # ----------------------------------------------------------------- entry points

    def parse_chain(self) -> ChainSyntax:
        """A whole formula: terms joined by relations; a relation may dangle at either end."""
        chain = ChainSyntax()
        if self._at_relation():
            chain.leading_offset = self._peek().start
            chain.leading = self._relation()
        self._chain_term(chain)
        while self._at_relation():
            offset = self._peek().start
            relation = self._relation()
            if self._at_end():
                chain.trailing, chain.trailing_offset = relation, offset
                break
            chain.relations.append(relation)
            if relation == "∈" and self._peek().is_char("(", "["):
                interval = self._interval()
                chain.terms.append(interval)
                chain.spans.append((interval.start, interval.end))
                continue
            self._chain_term(chain)
        self._expect_end()
        return chain

    def parse_shape(self) -> list[Node]:
        """``D_a \\times D_x`` (or ``\\mathbb{R}^{D_a \\times D_x}``): the dimensions in order."""
        token = self._peek()
        if token.is_command("mathbb"):
            self._advance()
            field_token = self._peek()
            if field_token.is_char("{"):
                begin, close = self.position + 1, self.partner[self.position]
                self.position = close + 1
                inside = self.tokens[begin:close]
                if len(inside) != 1 or inside[0].text != "R":
                    self._error("only \\mathbb{R}^{…} is read as a shape", field_token.start)
            elif field_token.kind == "letter" and field_token.text == "R":
                self._advance()
            else:
                self._error("only \\mathbb{R}^{…} is read as a shape", field_token.start)
            caret = self._peek()
            if not caret.is_char("^"):
                self._error("expected ^{…} with the dimensions after \\mathbb{R}", caret.start)
            self._advance()
            dimensions = self._within(*self._script_range(caret), self._dimensions)
        else:
            dimensions = self._dimensions()
        self._expect_end()
        return dimensions

    def parse_name_key(self) -> tuple[str, bool]:
        """A key of the symbol table, as its canonical name, and whether it has a subscript."""
        head = self._name_head()
        if head.builtin:
            return head.name, False
        subscript, superscript = self._scripts(head)
        canonical, layer_power = self._canonical_name(head.name, superscript)
        if layer_power is not None:
            self._error("a key of the symbol table is a name, not a power", layer_power[0].start)
        if subscript is not None:
            canonical += self._subscript_suffix(subscript[1])
        self._expect_end()
        return canonical, subscript is not None

    # ----------------------------------------------------------------- chains

    def _chain_term(self, chain: ChainSyntax) -> None:
        first = self.position
        node = self._expression()
        if isinstance(node, BoxedChain):
            chain.terms.extend(node.terms)
            chain.spans.extend(node.spans)
            chain.relations.extend(node.relations)
            return
        chain.terms.append(node)
        chain.spans.append((self.tokens[first].start, self.tokens[self.position - 1].end))

    def _at_relation(self) -> bool:
        token = self._peek()
        return (token.kind == "char" or token.kind == "command") and token.text in RELATIONS

    def _relation(self) -> str:
        return RELATIONS[self._advance().text]

    def _dimensions(self) -> list[Node]:
        self.shape_mode = True
        try:
            dimensions = [self._expression()]
            while self._peek().is_command("times"):
                self._advance()
                dimensions.append(self._expression())
            return dimensions
        finally:
            self.shape_mode = False

    # ----------------------------------------------------------------- arithmetic

    def _expression(self) -> Node:
        first = self._peek()
        negative = self._signs()
        term = self._term()
        terms = [Negative(first.start, term.end, term) if negative else term]
        while self._peek().is_char("+", "-"):
            operator = self._advance()
            negative = (operator.text == "-") != self._signs()
            term = self._term()
            terms.append(Negative(operator.start, term.end, term) if negative else term)
        if len(terms) == 1:
            return terms[0]
        return Sum(terms[0].start, terms[-1].end, tuple(terms))

    def _signs(self) -> bool:
        """Consume unary signs (iteratively: ``- - - x`` costs no stack) and say whether they negate."""
        negative = False
        while self._peek().is_char("+", "-"):
            negative ^= self._advance().text == "-"
        return negative

    def _at_multiplication(self) -> bool:
        token = self._peek()
        if token.is_char("*", "/"):
            return True
        return token.kind == "command" and token.text in MULTIPLY and not (self.shape_mode and token.text == "times")

    def _term(self) -> Node:
        r"""Factors joined by explicit products and quotients, kept flat: ``a \cdot b / c`` is [a, b, 1/c]."""
        first_factors = self._juxtaposition()
        factors: list[Node] = [self._product(first_factors)]
        while self._at_multiplication():
            operator = self._advance()
            sign = self._peek()
            negative = self._signs()
            right_factors = self._juxtaposition()
            if operator.is_char("/") or operator.is_command("div"):
                if len(factors) == 1 and not negative:
                    derivative = self._slash_derivative(first_factors, right_factors, operator)
                    if derivative is not None:
                        factors = [derivative]
                        continue
                if len(right_factors) > 1:
                    self._error(
                        "ambiguous: 'a/b c' may mean (a/b)·c or a/(b c); write \\frac{…}{…}, brackets, or \\cdot",
                        right_factors[1].start,
                    )
                right = right_factors[0]
                if negative:
                    right = Negative(sign.start, right.end, right)
                factors.append(Reciprocal(operator.start, right.end, right))
            else:
                right = self._product(right_factors)
                if negative:
                    right = Negative(sign.start, right.end, right)
                factors.append(right)
        return self._product(factors)

    @staticmethod
    def _product(factors: list[Node]) -> Node:
        if len(factors) == 1:
            return factors[0]
        return Product(factors[0].start, factors[-1].end, tuple(factors))

    def _juxtaposition(self) -> list[Node]:
        factors = [self._factor()]
        while self._starts_factor(self._peek()):
            token = self._peek()
            if token.wide_space_before:
                self._error(
                    "two expressions separated by a wide space (\\quad): they are not one product; "
                    "read them one at a time, or write \\cdot",
                    token.start,
                )
            if token.kind == "number":
                self._error("a number directly after a factor: write an operator such as \\cdot", token.start)
            if self.position == self.bare_application_end and not self._is_function_like(token):
                self._error(
                    "ambiguous argument: '\\log a b' may mean \\log(a)·b or \\log(ab); write brackets",
                    token.start,
                )
            factors.append(self._factor())
        return factors

    def _starts_factor(self, token: Token) -> bool:
        if token.kind in ("number", "letter", "text", "begin"):
            return True
        if token.kind == "char":
            if token.text == "|":
                return self.open_bars == 0 and not self.open_norms
            return token.text in ("(", "[", "{", "lbrace")
        if token.kind == "command":
            if token.text in ("rVert",) or (token.text in ("|", "Vert") and self.open_norms):
                return False  # the closing bar of a norm
            return token.text not in RELATIONS and token.text not in MULTIPLY and token.text != "\\"
        return False

    def _is_function_like(self, token: Token) -> bool:
        """Tokens after which an unbracketed argument has clearly ended: ``\\log x \\log y``."""
        if token.kind == "command":
            return token.text in BUILTIN_FUNCTIONS or token.text in ("sum", "prod")
        return False

    # ----------------------------------------------------------------- factors

    def _factor(self) -> Node:
        token = self._peek()
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                self._error(f"nested more than {MAX_DEPTH} levels deep", token.start)
            node, powered = self._primary()
            return self._postfix(node, powered)
        finally:
            self.depth -= 1

    def _postfix(self, node: Node, powered: bool) -> Node:
        while True:
            token = self._peek()
            if token.is_char("^"):
                if powered:
                    self._error("double superscript: write brackets, as in (x^{a})^{b}", token.start)
                self._advance()
                script = self._script_range(token)
                if self._is_transpose(script):
                    node = Transpose(node.start, self.tokens[script[1] - 1].end, node)
                else:
                    exponent = self._within(*script, self._expression)
                    node = Power(node.start, exponent.end, node, exponent)
                powered = True
            elif token.is_char("_"):
                self._error("a subscript can only follow a name", token.start)
            elif token.is_char("'"):
                if not self._matrix_like(node):
                    self._error("primes (f') are not supported: write the derivative", token.start)
                self._advance()  # X', \\mathbf{w}': the transpose, as econometrics writes it
                node = Transpose(node.start, token.end, node)
                powered = True
            elif token.is_char("!"):
                self._error("factorials are not supported", token.start)
            else:
                return node

    def _matrix_like(self, node: Node) -> bool:
        """Whether a prime after ``node`` is a transpose: a bold name (``\\mathbf{X}'``), a capital letter
        (``X'``), or brackets around a bold name (``(\\mathbf{X}\\mathbf{w} - \\mathbf{y})'``)."""
        text = self.source[node.start : node.end]
        if isinstance(node, Name | Indexed):
            return text.lstrip().startswith(("\\mathbf", "\\boldsymbol", "\\bm")) or (len(text) == 1 and text.isupper())
        return any(command in text for command in ("\\mathbf", "\\boldsymbol", "\\bm{"))

    def _primary(self) -> tuple[Node, bool]:
        token = self._peek()
        kind = token.kind
        if kind == "number":
            self._advance()
            return Number(token.start, token.end, token.text), False
        if kind in ("letter", "text"):
            return self._name_or_call()
        if kind == "command":
            return self._command(token)
        if token.is_char("(", "[", "lbrace"):
            return self._bracketed(), False
        if token.is_char("{"):
            return self._braced(), False
        if token.is_char("|"):
            following = self.tokens[self.position + 1] if self.position + 1 < self.limit else None
            if following is not None and following.is_char("|") and following.start == token.end:
                return self._norm(), False
            return self._absolute(), False
        if kind == "begin":
            if token.text in MATRIX_ENVIRONMENTS:
                return self._matrix_literal(), False
            if token.text in CHAIN_ENVIRONMENTS:
                self._error(f"\\begin{{{token.text}}} is only read around a whole formula", token.start)
            self._error(f"\\begin{{{token.text}}} is not supported", token.start)
        self._error(f"expected an expression, found {self._describe_next(token)}", token.start)

    def _command(self, token: Token) -> tuple[Node, bool]:
        name = token.text
        if name in ("mathbf", "boldsymbol", "bm", "mathbb") and self._ones_vector():
            self.position += 4  # \mathbf{1}: the vector of ones
            return Name(token.start, self.tokens[self.position - 1].end, "ones"), False
        if name in ("mathbf", "boldsymbol", "bm") and self._ones_vector("0"):
            self.position += 4  # \mathbf{0}: the zero vector, 0 of whatever shape it is compared with
            return Number(token.start, self.tokens[self.position - 1].end, "0"), False
        if name == "det":
            return self._determinant(token)
        if name in GREEK or name in ACCENTS or name in FONTS or name in self.notation.declared:
            return self._name_or_call()
        if name in BUILTIN_FUNCTIONS:
            self._advance()
            return self._builtin(name, token)
        if name in ("frac", "dfrac", "tfrac"):
            return self._fraction(), False
        if name in ("sum", "prod"):
            return self._big_operator(), False
        if name == "partial":
            return self._differential(), False
        if name == "nabla":
            return self._gradient(), False
        if name in NORM_BARS:
            return self._norm(), False
        if name == "boxed":
            return self._boxed(), False
        if name in CONSTANTS:
            self._advance()
            return Constant(token.start, token.end, name), False
        if name in UNSUPPORTED:
            self._error(f"{describe(token)}: {UNSUPPORTED[name]}", token.start)
        if name in RELATIONS or name in MULTIPLY:
            self._error(f"expected an expression, found {describe(token)}", token.start)
        self._error(f"unknown command '\\{name}'", token.start)

    def _ones_vector(self, digit: str = "1") -> bool:
        following = self.tokens[self.position + 1 : self.position + 4]
        return (
            len(following) == 3
            and following[0].is_char("{")
            and following[1].kind == "number"
            and following[1].text == digit
            and following[2].is_char("}")
        )

    def _determinant(self, token: Token) -> tuple[Node, bool]:
        """``\\det(A)``, ``\\det A``; ``\\det`` with nothing after it names the determinant spoken of
        (``\\det = 11.25``)."""
        self._advance()
        if not self._starts_factor(self._peek()):
            return Name(token.start, token.end, "det"), False
        bare = not self._peek().is_char("(")
        arguments = (self._bare_argument(token, "\\det"),) if bare else self._arguments()
        return Call(token.start, self.tokens[self.position - 1].end, "det", False, arguments), False

    def _norm(self) -> Node:
        """``\\|v\\|``, ``\\lVert v \\rVert``, ``\\Vert v \\Vert`` or ``||v||``, with an optional ``_2``."""
        opener = self._advance()
        double = opener.is_char("|")
        if double:
            self._advance()
        closer = "|" if double else NORM_BARS[opener.text]
        self.open_norms += 1
        try:
            inner = self._expression()
        finally:
            self.open_norms -= 1
        token = self._peek()
        closes = (token.is_char("|") and double) or token.is_command(closer)
        if not closes:
            self._error(f"the norm opened at {self._where(opener.start)} is never closed", opener.start)
        self._advance()
        if double:
            self._advance()
        end = self.tokens[self.position - 1].end
        if self._peek().is_char("_"):
            operator = self._advance()
            order = self._script_expression(operator)
            if not (isinstance(order, Number) and order.text == "2"):
                self._error("only the Euclidean norm (\\|v\\|_2) is read", operator.start)
            end = order.end
        return Norm(opener.start, end, inner)

    def _interval(self) -> Node:
        """``(0, 1]``, ``[0, 1)``, ``(-\\infty, 0]``: after ``\\in``."""
        opener = self._advance()
        lower = self._expression()
        if not self._peek().is_char(","):
            self._error("an interval is written (a, b], [a, b] …", self._peek().start)
        self._advance()
        upper = self._expression()
        closer = self._advance()
        if not closer.is_char(")", "]"):
            self._error(
                f"expected ')' or ']' to close the interval opened at {self._where(opener.start)}", closer.start
            )
        return Interval(opener.start, closer.end, lower, upper, opener.is_char("("), closer.is_char(")"))

    def _bracketed(self) -> Node:
        opener_index = self.position
        opener = self._advance()
        closer = _CLOSERS[opener.text]
        saved_bars, self.open_bars = self.open_bars, 0
        try:
            inner = self._expression()
            token = self._peek()
            if token.is_char(",") and opener.text in "([" and self._tuple_allowed(opener_index):
                return self._items_rest(opener, inner, closer)
            if token.is_char(","):
                self._error(
                    "a list (a, b, …) is not one value; if the name before it is a function, "
                    "declare it in the SymbolTable's functions",
                    token.start,
                )
            if self._at_relation():
                self._error("a relation inside brackets cannot be read as a value", token.start)
            if not token.is_char(closer):
                self._error(
                    f"expected '{_SHOWN.get(closer, closer)}' to close the "
                    f"'{_SHOWN.get(opener.text, opener.text)}' at {self._where(opener.start)}, "
                    f"found {self._describe_next(token)}",
                    token.start,
                )
            self._advance()
            return inner
        finally:
            self.open_bars = saved_bars

    def _braced(self) -> Node:
        opener = self._peek()
        close = self.partner[self.position]
        if close == self.position + 1:
            self._error("empty braces {}", opener.start)
        begin = self.position + 1
        self.position = close + 1
        inner = self._within(begin, close, self._expression)
        caret = self._peek()
        if isinstance(inner, Sum | Negative) and caret.is_char("^"):
            self._error("'{a+b}^n' is drawn as a+b^n: write (a+b)^{n} or a+b^{n}", caret.start)
        return inner

    def _absolute(self) -> Node:
        opener = self._advance()
        self.open_bars += 1
        try:
            inner = self._expression()
            token = self._peek()
            if not token.is_char("|"):
                self._error(
                    f"the '|' at {self._where(opener.start)} is never closed (found {self._describe_next(token)})",
                    opener.start,
                )
            self._advance()
        finally:
            self.open_bars -= 1
        return Absolute(opener.start, token.end, inner)

    # ----------------------------------------------------------------- scripts and sub-ranges

    def _script_range(self, operator: Token) -> _Range:
        """Consume the argument of ``^`` or ``_``: a braced group, or one character as in LaTeX."""
        token = self._peek()
        if token.is_char("{"):
            close = self.partner[self.position]
            begin = self.position + 1
            if begin == close:
                self._error("empty braces {}", token.start)
            self.position = close + 1
            return begin, close
        if token.kind == "number" and len(token.text) > 1:
            self._error(
                f"LaTeX takes only the first character after '{operator.text}': write {operator.text}{{{token.text}}}",
                token.start,
            )
        if (
            token.kind in ("number", "letter")
            or token.is_char("*")
            or (
                token.kind == "command"
                and (token.text in GREEK or token.text in CONSTANTS or token.text in TRANSPOSES or token.text in STARS)
            )
        ):
            self.position += 1
            return self.position - 1, self.position
        if token.is_char("+", "-"):
            self._error(
                f"without braces LaTeX takes only the sign after '{operator.text}': "
                f"write {operator.text}{{{token.text}…}}",
                token.start,
            )
        self._error(f"expected the argument of '{operator.text}', found {self._describe_next(token)}", token.start)

    def _script_expression(self, operator: Token) -> Node:
        return self._within(*self._script_range(operator), self._expression)

    def _within(self, begin: int, end: int, parse: Callable[[], _Result]) -> _Result:
        """Run ``parse`` on ``tokens[begin:end]`` as if they were the whole input; all must be used."""
        saved = (self.position, self.limit, self.open_bars, self.bare_application_end)
        self.position, self.limit, self.open_bars = begin, end, 0
        try:
            result = parse()
            if self.position < end:
                self._error(f"unexpected {describe(self.tokens[self.position])}", self.tokens[self.position].start)
            return result
        finally:
            self.position, self.limit, self.open_bars, self.bare_application_end = saved

    def _argument_range(self, command: Token) -> _Range:
        """The argument of ``\\frac`` or ``\\sqrt``: a braced group, or a single token."""
        token = self._peek()
        if token.is_char("{"):
            close = self.partner[self.position]
            if close == self.position + 1:
                self._error("empty braces {}", token.start)
            begin = self.position + 1
            self.position = close + 1
            return begin, close
        if token.kind == "letter" or (token.kind == "number" and len(token.text) == 1) or token.is_command(*GREEK):
            self.position += 1
            return self.position - 1, self.position
        self._error(
            f"{describe(command)} needs its arguments in braces, found {self._describe_next(token)}", token.start
        )

    # ----------------------------------------------------------------- functions

    def _builtin(self, name: str, token: Token) -> tuple[Node, bool]:
        if name == "sqrt":
            return self._root(token), False
        if name in ("max", "min") and self._peek().is_char("_"):
            return self._extremum(token, name), False
        order = self._primes()
        if order:
            return self._prime_call(token, name, True, order), False
        log_base: Node | None = None
        power: Node | None = None
        while self._peek().is_char("_", "^"):
            operator = self._advance()
            if operator.text == "_":
                if name != "log" or log_base is not None:
                    self._error(f"a subscript on {name} is not supported", operator.start)
                log_base = self._script_expression(operator)
            else:
                if power is not None:
                    self._error("double superscript", operator.start)
                power = self._script_expression(operator)
                if not (isinstance(power, Number) and power.text.isdigit()):
                    self._error(
                        f"'{name}^{{…}}' is ambiguous (a power or an inverse?): write ({name} x)^{{…}}",
                        operator.start,
                    )
        arguments = self._arguments() if self._peek().is_char("(") else (self._bare_argument(token, name),)
        if name not in ("max", "min") and len(arguments) != 1:
            self._error(f"{name} takes one argument, not {len(arguments)}", token.start)
        if any(isinstance(argument, Equation) for argument in arguments):
            self._error(f"{name} takes no named arguments", token.start)
        end = self.tokens[self.position - 1].end
        node: Node = Call(token.start, end, name, True, arguments, log_base)
        if power is not None:
            node = Power(token.start, end, node, power)
        return node, power is not None

    def _bare_argument(self, token: Token, what: str) -> Node:
        """The argument of a function written without brackets: the next factor (``\\log 0.9``)."""
        following = self._peek()
        if not self._starts_factor(following):
            self._error(f"{what} needs an argument, found {self._describe_next(following)}", following.start)
        argument = self._factor()
        self.bare_application_end = self.position
        return argument

    def _arguments(self) -> tuple[Node, ...]:
        opener = self._advance()
        saved_bars, self.open_bars = self.open_bars, 0
        arguments: list[Node] = []
        try:
            while True:
                token = self._peek()
                if token.kind == "command" and token.text in ELISIONS and arguments:
                    arguments.append(self._item())
                    if self._peek().is_char(","):
                        self._advance()
                    continue
                argument = self._expression()
                if self._peek().is_char("="):
                    self._advance()
                    value = self._expression()
                    argument = Equation(argument.start, value.end, argument, value)
                arguments.append(argument)
                token = self._peek()
                if token.is_char(",", ";"):
                    self._advance()
                    continue
                if token.is_char(")"):
                    self._advance()
                    return tuple(arguments)
                self._error(
                    f"expected ',' or ')' in the arguments opened at {self._where(opener.start)}, "
                    f"found {self._describe_next(token)}",
                    token.start,
                )
        finally:
            self.open_bars = saved_bars

    def _root(self, token: Token) -> Node:
        degree: Node | None = None
        if self._peek().is_char("["):
            opener = self._advance()
            degree = self._expression()
            closer = self._peek()
            if not closer.is_char("]"):
                self._error(f"expected ']' to close the '[' at {self._where(opener.start)}", closer.start)
            self._advance()
        radicand = self._within(*self._argument_range(token), self._expression)
        return Root(token.start, self.tokens[self.position - 1].end, radicand, degree)

    # ----------------------------------------------------------------- plumbing

    def _match_braces(self) -> dict[int, int]:
        stack: list[int] = []
        partner: dict[int, int] = {}
        for index, token in enumerate(self.tokens):
            if token.is_char("{"):
                stack.append(index)
            elif token.is_char("}"):
                if not stack:
                    self._error("'}' without a matching '{'", token.start)
                partner[stack.pop()] = index
        if stack:
            self._error("this '{' is never closed", self.tokens[stack[-1]].start)
        return partner

    def _peek(self) -> Token:
        if self.position < self.limit:
            return self.tokens[self.position]
        return Token("eof", "", self._end_of_range(), self._end_of_range())

    def _end_of_range(self) -> int:
        if self.limit < len(self.tokens):
            return self.tokens[self.limit].start
        return self.end_offset

    def _advance(self) -> Token:
        token = self._peek()
        if token.kind != "eof":
            self.position += 1
        return token

    def _at_end(self) -> bool:
        return self.position >= self.limit

    def _expect_end(self) -> None:
        if self._at_end():
            return
        token = self._peek()
        if token.is_char(".", ",") and self.position + 1 == self.limit:
            self.position += 1  # a full stop or comma after a displayed formula is punctuation
            return
        if token.is_command("\\"):
            self._error("a line break (\\\\) is only read inside aligned or gathered", token.start)
        if token.kind in ("letter", "number") or token.is_char("(", "{", "["):
            self._error(f"unexpected {describe(token)}", token.start)
        self._error(f"unexpected {self._describe_next(token)}", token.start)

    def _describe_next(self, token: Token) -> str:
        if token.kind != "eof":
            return describe(token)
        if self.limit < len(self.tokens):
            return f"the end of the group at {self._where(token.start)}"
        return "the end of the input"

    def _where(self, offset: int) -> str:
        line = self.source.count("\n", 0, offset) + 1
        column = offset - (self.source.rfind("\n", 0, offset) + 1) + 1
        return f"column {column}" if line == 1 else f"line {line}, column {column}"

    def _error(self, message: str, offset: int) -> NoReturn:
        raise LatexSyntaxError(message, source=self.source, offset=offset, origin=self.origin)
