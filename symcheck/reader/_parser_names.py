"""The parser's names: letters, words, accents and fonts, scripts, layer labels, indices and calls.

A mixin of :class:`symcheck.reader._parser.Parser`: it uses the parser's token plumbing and is never used alone.
Whether a name is called (``\\sigma(z)``) or multiplied (``y_k(1-y_k)``) is decided by the symbol table,
never by the look of the input; so are indexed subscripts and layer superscripts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

from symcheck.reader._limits import MAX_DEPTH
from symcheck.reader._syntax import Call, Indexed, Kronecker, Name, Node, Power, Transpose
from symcheck.reader._tokens import Token
from symcheck.reader._vocabulary import ACCENTS, BUILTIN_FUNCTIONS, CONSTANTS, FONTS, GREEK

if TYPE_CHECKING:
    from symcheck.reader._parser import _Range

__all__ = ["NamesMixin", "describe"]


def describe(token: Token) -> str:
    if token.kind == "command":
        return "'\\\\'" if token.text == "\\" else f"'\\{token.text}'"
    if token.kind == "text":
        return f"'\\text{{{token.text}}}'"
    if token.kind in ("begin", "end"):
        return f"'\\{token.kind}{{{token.text}}}'"
    return f"'{_SHOWN.get(token.text, token.text)}'"


_SHOWN = {"lbrace": "\\{", "rbrace": "\\}"}


@dataclass
class _Head:
    """The written head of a name, before its scripts are interpreted."""

    name: str
    builtin: bool = False
    operator: bool = False
    """Written with ``\\operatorname``: always a function."""
    word: bool = False
    """A multi-letter name (``BCE``, ``\\text{softmax}``)."""
    subscript: tuple[Token, _Range] | None = None
    superscript: tuple[Token, _Range] | None = None


class NamesMixin:
    """Names, their scripts and the calls of declared functions."""

    def _name_or_call(self) -> tuple[Node, bool]:
        first = self._peek()
        head = self._name_head()
        if head.builtin:
            return self._builtin(head.name, first)
        if head.name in self.notation.functions and (order := self._primes()):
            return self._prime_call(first, head.name, False, order), False
        subscript, superscript = self._scripts(head)
        full, power = self._canonical_name(head.name, superscript)
        end = self.tokens[self.position - 1].end
        node: Node
        if subscript is not None:
            operator, script = subscript
            if self.notation.kronecker is not None and full == self.notation.kronecker:
                indices = self._indices(script)
                if len(indices) != 2:
                    self._error(f"the Kronecker delta {full} takes two indices", operator.start)
                node = Kronecker(first.start, end, indices[0], indices[1])
            elif self._word_subscript(script):  # w_{ridge}, w_{LS}: a label of the name, not indices r·i·d·g·e
                node = Name(first.start, end, full + self._subscript_suffix(script))
            elif self.notation.is_indexed(head.name, full) or self.notation.is_indexed(full.removesuffix("star"), full):
                node = Indexed(first.start, end, full, self._indices(script))
            elif full == head.name and head.name in self.notation.layered and self._layer_subscript(script):
                node = Name(first.start, end, full + self.tokens[script[0]].text)  # W_1 is the layer-1 W, like W^{[1]}
            else:
                node = Name(first.start, end, full + self._subscript_suffix(script))
        else:
            node = Name(first.start, end, full, vector=self.notation.is_indexed(head.name, full))
        labelled = (  # L_\\lambda(w), L_{ridge}(w): a labelled version of a declared function, called
            isinstance(node, Name) and node.name != head.name and head.name in self.notation.functions
        )
        if isinstance(node, Name) and (
            head.operator or node.name in self.notation.functions or (labelled and self._peek().is_char("("))
        ):
            if self._peek().is_char("("):
                if power is not None:
                    self._error(
                        f"a power before the arguments is ambiguous: write {node.name}(…)^{{…}}",
                        power[0].start,
                    )
                arguments = self._arguments()
                return Call(first.start, self.tokens[self.position - 1].end, node.name, False, arguments), False
            if head.operator:
                argument = self._bare_argument(first, f"\\operatorname{{{head.name}}}")
                return Call(first.start, argument.end, node.name, False, (argument,)), False
        elif head.word and self._peek().is_char("("):
            self._undeclared_call(head.name, first)
        if power is None:
            return node, False
        if self._is_transpose(power[1]):
            return Transpose(first.start, end, node), True
        exponent = self._within(*power[1], self._expression)
        return Power(first.start, end, node, exponent), True

    def _is_transpose(self, script: _Range) -> bool:
        """A superscript that marks a transpose: ``T``, ``\\top``, ``\\intercal``, ``\\mathsf{T}``, ``\\mathrm{T}``."""
        tokens = [token for token in self.tokens[script[0] : script[1]] if not token.is_char("{", "}")]
        if len(tokens) == 2 and tokens[0].is_command("mathsf", "mathbf", "mathit") and tokens[1].text == "T":
            return True
        if len(tokens) != 1:
            return False
        token = tokens[0]
        return (
            (token.kind == "letter" and token.text == "T")
            or token.is_command("top", "intercal")
            or (token.kind == "text" and token.text.strip() == "T")
        )

    def _layer_subscript(self, script: _Range) -> bool:
        """A lone whole number as the subscript of a layered name that is not indexed: a layer (``W_2``)."""
        tokens = self.tokens[script[0] : script[1]]
        return len(tokens) == 1 and tokens[0].kind == "number" and tokens[0].text.isdigit()

    def _name_head(self) -> _Head:
        token = self._advance()
        if token.kind == "letter":
            return self._letter_head(token)
        if token.kind == "text":
            return self._text_head(token)
        if token.kind == "command":
            if token.text in GREEK or token.text in self.notation.declared:
                return _Head(token.text)
            if self.whole_words and token.text in CONSTANTS:  # a table may declare \pi as a name
                return _Head(token.text)
            if token.text in ACCENTS or token.text in FONTS:
                inner = self._accent_argument(token)
                suffix = ACCENTS.get(token.text, "")
                return _Head(inner.name + suffix, subscript=inner.subscript, superscript=inner.superscript)
        self._error(f"expected a name, found {describe(token)}", token.start)

    def _letter_head(self, token: Token) -> _Head:
        if token.style == "upright":
            return _Head(token.text)
        index = self.position - 1
        run = self._letter_run(index)
        if len(run) > 1:
            word = "".join(letter.text for letter in run)
            declared = word in self.notation.words
            if self.whole_words or declared or word in BUILTIN_FUNCTIONS:
                self.position = index + len(run)
                if word in BUILTIN_FUNCTIONS and not declared:
                    return _Head(word, builtin=True)
                return _Head(word, word=True)
            after = self.tokens[index + len(run)] if index + len(run) < self.limit else None
            if after is not None and after.is_char("("):
                self._undeclared_call(word, token)
        return _Head(token.text)

    def _letter_run(self, index: int) -> list[Token]:
        """The letters written together from ``index``, if a run of letters starts there."""
        tokens = self.tokens
        previous = tokens[index - 1] if index > 0 else None
        if (
            previous is not None
            and previous.kind == "letter"
            and not previous.style
            and previous.end == tokens[index].start
        ):
            return [tokens[index]]
        run = [tokens[index]]
        position = index + 1
        while position < self.limit:
            token = tokens[position]
            if token.kind != "letter" or token.style or token.start != run[-1].end:
                break
            run.append(token)
            position += 1
        return run

    def _text_head(self, token: Token) -> _Head:
        name = "".join(token.text.split())
        declared = name in self.notation.declared
        if token.style == "operatorname":
            if name in BUILTIN_FUNCTIONS and not declared:
                return _Head(name, builtin=True)
            return _Head(name, operator=True, word=True)
        if name in BUILTIN_FUNCTIONS and not declared:
            return _Head(name, builtin=True)
        if declared or self.whole_words:
            return _Head(name, word=True)
        if not (name.isascii() and name.isidentifier()):
            self._error(f"cannot read {describe(token)} as a name", token.start)
        if name != token.text.strip():
            self._error(
                f"{describe(token)} is prose, not a name (declare it in the SymbolTable if it names something)",
                token.start,
            )
        return _Head(name, word=len(name) > 1)

    def _undeclared_call(self, name: str, token: Token) -> NoReturn:
        self._error(
            f"'{name}(' : {name} is not a declared function; declare it in the SymbolTable's functions, "
            "or write the product with \\cdot",
            token.start,
        )

    def _accent_argument(self, accent: Token) -> _Head:
        """The name under ``\\hat``, ``\\mathbf`` …: ``\\hat y``, ``\\hat{y}``, ``\\hat{y_k}``."""
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                self._error(f"nested more than {MAX_DEPTH} levels deep", accent.start)
            token = self._peek()
            if token.is_char("{"):
                close = self.partner[self.position]
                begin = self.position + 1
                self.position = close + 1

                def inner() -> _Head:
                    head = self._name_head()
                    if head.builtin:
                        self._error(f"{describe(accent)} over a function", accent.start)
                    head.subscript, head.superscript = self._scripts(head)
                    return head

                return self._within(begin, close, inner)
            if token.kind == "letter" or token.is_command(*GREEK):
                self._advance()
                return _Head(token.text)
            self._error(f"expected a letter after {describe(accent)}", token.start)
        finally:
            self.depth -= 1

    def _scripts(self, head: _Head) -> tuple[tuple[Token, _Range] | None, tuple[Token, _Range] | None]:
        """The subscript and superscript of a name, as token ranges, in either order, each at most once."""
        subscript, superscript = head.subscript, head.superscript
        while self._peek().is_char("_", "^"):
            operator = self._advance()
            if operator.text == "_":
                if subscript is not None:
                    self._error("double subscript", operator.start)
                subscript = (operator, self._script_range(operator))
            else:
                if superscript is not None:
                    self._error("double superscript: write brackets, as in (x^{a})^{b}", operator.start)
                superscript = (operator, self._script_range(operator))
        return subscript, superscript

    def _canonical_name(
        self, base: str, superscript: tuple[Token, _Range] | None
    ) -> tuple[str, tuple[Token, _Range] | None]:
        """The name with its layer label (``W^{[1]}`` is ``W1``), and the superscript left as a power."""
        if superscript is None:
            return base, None
        operator, script = superscript
        marks = [token for token in self.tokens[script[0] : script[1]] if not token.is_char("{", "}")]
        if marks and all(token.is_char("*") or token.is_command("ast", "star") for token in marks):
            return base + "star" * len(marks), None  # w^* is the name w* (an optimum), not a power
        label, bracketed = self._layer_label(script)
        if label is not None and base in self.notation.layered:
            return base + label, None
        if bracketed:
            self._error(
                f"a bracketed superscript on {base} looks like a layer label: declare {base!r} as layered "
                "in the SymbolTable, or write a power without brackets",
                operator.start,
            )
        return base, superscript

    def _layer_label(self, script: _Range) -> tuple[str | None, bool]:
        """``[2]``, ``(2)``, ``[l]`` (bracketed) or ``2`` (bare digits): the label, and whether bracketed."""
        tokens = self.tokens[script[0] : script[1]]
        if len(tokens) == 1 and tokens[0].kind == "number" and tokens[0].text.isdigit():
            return tokens[0].text, False
        if len(tokens) == 3 and (
            (tokens[0].is_char("[") and tokens[2].is_char("]")) or (tokens[0].is_char("(") and tokens[2].is_char(")"))
        ):
            middle = tokens[1]
            if (middle.kind == "number" and middle.text.isdigit()) or middle.kind == "letter":
                return middle.text, True
        return None, False

    def _indices(self, script: _Range) -> tuple[Node, ...]:
        """The indices of ``y_{0,c}``; ``W_{ij}`` (letters side by side) is two indices, not a product."""
        tokens = self.tokens[script[0] : script[1]]
        if len(tokens) > 1 and all(token.kind == "letter" and not token.style for token in tokens):
            return tuple(Name(token.start, token.end, token.text) for token in tokens)

        def index_list() -> tuple[Node, ...]:
            indices = [self._expression()]
            while self._peek().is_char(","):
                self._advance()
                indices.append(self._expression())
            return tuple(indices)

        return self._within(*script, index_list)

    def _word_subscript(self, script: _Range) -> bool:
        """A subscript that is a word, not indices: two or more letters with a capital (``LS``), or three or
        more of which one is not an index name (``ridge``, ``new``); ``ij`` and ``jk`` stay indices."""
        tokens = [token for token in self.tokens[script[0] : script[1]] if not token.is_char("{", "}")]
        if len(tokens) < 2 or not all(token.kind == "letter" for token in tokens):
            return False
        letters = [token.text for token in tokens]
        if any(letter.isupper() for letter in letters):
            return True
        return len(letters) >= 3 and any(letter not in self.notation.integers for letter in letters)

    def _subscript_suffix(self, script: _Range) -> str:
        """A subscript that is part of a name: ``D_a`` is ``D_a``, ``w_{\\text{new}}`` is ``w_new``."""
        parts: list[str] = []
        for token in self.tokens[script[0] : script[1]]:
            if token.kind in ("letter", "number") or token.is_command(*GREEK):
                parts.append(token.text)
            elif token.kind == "text":
                parts.append("".join(token.text.split()))
            elif token.is_char(",", "+", "-"):
                parts.append(token.text)
            elif not token.is_char("{", "}"):
                self._error(f"cannot read {describe(token)} in the subscript of a name", token.start)
        text = "".join(parts)
        return f"_{text}" if text.isascii() and text.isalnum() else f"_{{{text}}}"
