"""Split a LaTeX math string into tokens, each with its place in the string.

The tokenizer settles everything that is lexical, so the parser never looks at characters: spacing
commands disappear (remembered as ``space_before``/``wide_space_before`` on the next token), ``\\left``
and ``\\right`` disappear (``\\left( x \\right)`` is ``( x )``), the raw argument of ``\\text{…}`` and
friends becomes one ``text`` token, unicode math characters become the commands they stand for, and
every character that LaTeX math does not use is an error at its offset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NoReturn

from symcheck.reader._errors import LatexSyntaxError, Origin
from symcheck.reader._limits import MAX_NUMBER_DIGITS
from symcheck.reader._vocabulary import (
    COMBINING_ACCENTS,
    DROPPED_COMMANDS,
    PRECOMPOSED,
    SPACING,
    TEXT_COMMANDS,
    UNICODE,
    WIDE_SPACING,
)

__all__ = ["Token", "tokenize"]

_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")
"""ASCII digits only: ``¹`` or ``٣`` are other characters, refused, not numbers."""
_SCIENTIFIC_TAIL = re.compile(r"[eE][+-]?[0-9]")
_COMMAND_NAME = re.compile(r"[A-Za-z]+")
_SINGLE_CHARS = frozenset("+-*/=<>()[]{}^_,|!'&:;.")
_TWO_CHAR_RELATIONS = frozenset({"==", "!=", "<=", ">=", ":="})
_ESCAPED_DELIMITERS = {"{": "lbrace", "}": "rbrace"}
_ENVIRONMENT_NAME = re.compile(r"\{([A-Za-z]+\*?)\}")


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical unit.

    ``kind`` is one of ``number``, ``letter``, ``command`` (``text`` is the name without the
    backslash; ``\\\\`` is the command ``\\``), ``char`` (one of ``+-*/=<>()[]{}^_,|!'&:;.``, a
    two-character relation such as ``<=``, or ``lbrace``/``rbrace`` for ``\\{``/``\\}``), ``text``
    (the raw argument of ``\\text``, ``\\mathrm`` or ``\\operatorname``; ``style`` says which),
    ``begin`` or ``end`` (an environment; ``text`` is its name). ``start``/``end`` are offsets into
    the string that was read, so errors and spans point at what the user wrote.
    """

    kind: str
    text: str
    start: int
    end: int
    space_before: bool = False
    wide_space_before: bool = False
    style: str = ""

    def is_char(self, *chars: str) -> bool:
        return self.kind == "char" and self.text in chars

    def is_command(self, *names: str) -> bool:
        return self.kind == "command" and self.text in names


class _Tokenizer:
    def __init__(self, source: str, begin: int, stop: int, origin: Origin | None) -> None:
        self.source = source
        self.position = begin
        self.stop = stop
        self.origin = origin
        self.tokens: list[Token] = []
        self.space = False
        self.wide_space = False
        self.delimiter_start: int | None = None
        """Where a ``\\left``/``\\bigl`` before the next token began: that token's span starts there."""

    def error(self, message: str, offset: int) -> NoReturn:
        raise LatexSyntaxError(message, source=self.source, offset=offset, origin=self.origin)

    def emit(self, kind: str, text: str, start: int, end: int, style: str = "") -> None:
        if self.delimiter_start is not None:
            start, self.delimiter_start = self.delimiter_start, None
        self.tokens.append(Token(kind, text, start, end, self.space, self.wide_space, style))
        self.space = False
        self.wide_space = False

    def run(self) -> list[Token]:
        source, stop = self.source, self.stop
        while self.position < stop:
            char = source[self.position]
            if char in " \t\r\n~":
                self.space = True
                self.position += 1
            elif char == "\\":
                self.command()
            elif "0" <= char <= "9" or (
                char == "." and self.position + 1 < stop and "0" <= source[self.position + 1] <= "9"
            ):
                self.number()
            elif "a" <= char <= "z" or "A" <= char <= "Z":
                self.letter(char, self.position, self.position + 1)
            elif char in _SINGLE_CHARS:
                pair = source[self.position : self.position + 2]
                if pair in _TWO_CHAR_RELATIONS and self.position + 2 <= stop:
                    self.emit("char", pair, self.position, self.position + 2)
                    self.position += 2
                else:
                    self.emit("char", char, self.position, self.position + 1)
                    self.position += 1
            else:
                self.unicode(char)
        return self.tokens

    def number(self) -> None:
        start = self.position
        match = _NUMBER.match(self.source, start, self.stop)
        assert match is not None  # the caller saw a digit, or a '.' before a digit
        text = match.group()
        if len(text) - text.count(".") > MAX_NUMBER_DIGITS:
            self.error(f"number with more than {MAX_NUMBER_DIGITS} digits", start)
        if _SCIENTIFIC_TAIL.match(self.source, match.end(), self.stop):
            self.error(
                f"'{text}e…' looks like scientific notation, which LaTeX does not have "
                "(e is Euler's number): write 10^{…}, or put an operator before e",
                start,
            )
        self.emit("number", text, start, match.end())
        self.position = match.end()

    def letter(self, char: str, start: int, end: int) -> None:
        """A letter, with a combining accent after it (y + U+0302 is ŷ) read as the accent command first."""
        mark = self.source[end] if end < self.stop else ""
        if mark in COMBINING_ACCENTS:
            self.emit("command", COMBINING_ACCENTS[mark], start, end + 1)
            self.emit("letter", char, start, end + 1)
            self.position = end + 1
        else:
            self.emit("letter", char, start, end)
            self.position = end

    def unicode(self, char: str) -> None:
        start = self.position
        if char in PRECOMPOSED:
            accent, letter = PRECOMPOSED[char]
            self.emit("command", accent, start, start + 1)
            self.emit("letter", letter, start, start + 1)
            self.position += 1
            return
        if char not in UNICODE:
            shown = f"{char!r} " if char.isprintable() else ""
            self.error(f"unexpected character {shown}(U+{ord(char):04X})", start)
        kind, text = UNICODE[char]
        self.position += 1
        if kind == "space":
            self.space = True
        else:
            self.emit(kind, text, start, start + 1)

    def command(self) -> None:
        source, start = self.source, self.position
        if start + 1 >= self.stop:
            self.error("a backslash ends the input", start)
        following = source[start + 1]
        match = _COMMAND_NAME.match(source, start + 1, self.stop)
        if match is None:
            self.symbol_command(following, start)
            return
        name, end = match.group(), match.end()
        self.position = end
        if name in SPACING:
            self.space = True
        elif name in WIDE_SPACING:
            self.space = self.wide_space = True
        elif name in ("hspace", "hskip"):
            self.space = self.wide_space = True
            self.braced(name, start)  # \hspace{1cm}: the length is skipped
        elif name in DROPPED_COMMANDS:
            self.sized_delimiter(name, start)
        elif name in TEXT_COMMANDS:
            self.text_argument(name, start)
        elif name in ("begin", "end"):
            environment = _ENVIRONMENT_NAME.match(source, end, self.stop)
            if environment is None:
                self.error(f"\\{name} needs an environment name in braces", start)
            self.emit(name, environment.group(1), start, environment.end())
            self.position = environment.end()
        else:
            self.emit("command", name, start, end)

    def symbol_command(self, following: str, start: int) -> None:
        """``\\\\``, ``\\,`` and the like: a backslash and one non-letter character."""
        self.position = start + 2
        if following in SPACING:
            self.space = True
        elif following == "\\":
            self.emit("command", "\\", start, start + 2)
        elif following in _ESCAPED_DELIMITERS:
            self.emit("char", _ESCAPED_DELIMITERS[following], start, start + 2)
        elif following == "|":
            self.emit("command", "|", start, start + 2)
        else:
            self.error(f"unexpected '\\{following}'", start)

    def sized_delimiter(self, name: str, start: int) -> None:
        """``\\left``, ``\\bigl`` …: dropped; the delimiter after them is read as written."""
        while self.position < self.stop and self.source[self.position] in " \t\r\n":
            self.position += 1
        if name in ("left", "right", "middle") and self.source.startswith(".", self.position):
            self.error(f"\\{name}. (an invisible delimiter) is not supported", start)
        if self.position >= self.stop:
            self.error(f"\\{name} must be followed by a delimiter", start)
        if self.delimiter_start is None:
            self.delimiter_start = start

    def braced(self, name: str, start: int) -> tuple[int, int]:
        """The offsets of the inside of the braced argument that follows ``\\name``."""
        position = self.position
        while position < self.stop and self.source[position] in " \t\r\n":
            position += 1
        if position >= self.stop or self.source[position] != "{":
            self.error(f"\\{name} needs a braced argument", start)
        depth, index = 0, position
        while index < self.stop:
            char = self.source[index]
            if char == "\\":
                index += 2  # an escaped character, such as \{, never opens or closes
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    self.position = index + 1
                    return position + 1, index
            index += 1
        self.error(f"the argument of \\{name} opened here is never closed", position)

    def text_argument(self, name: str, start: int) -> None:
        inner, close = self.braced(name, start)
        content = self.source[inner:close]
        style = TEXT_COMMANDS[name]
        stripped = content.strip()
        if not stripped:
            self.error(f"\\{name}{{}} is empty", start)
        if style == "mathrm" and len(stripped) == 1 and stripped.isascii() and stripped.isalpha():
            self.emit("letter", stripped, start, self.position, style="upright")
        else:
            self.emit("text", content, start, self.position, style=style)


def tokenize(source: str, begin: int = 0, stop: int | None = None, origin: Origin | None = None) -> list[Token]:
    """The tokens of ``source[begin:stop]``, with offsets into ``source``."""
    return _Tokenizer(source, begin, len(source) if stop is None else stop, origin).run()
