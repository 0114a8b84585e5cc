"""Chains of relations (``a = b = c ≈ d``) and the aligned blocks that spread one over several lines.

A sheet writes its working as a chain, and a grader judges it link by link, each link at the
precision it was written with; so a :class:`Chain` keeps, beside each term's SymPy value, the span of
text the term was read from.

In ``aligned`` (and ``align``, ``split``) the cells of each row pair up as ``left & right``; a row
whose left cell is empty continues the chain of its column (``L &= a \\\\ &= b``), a row with a left
cell starts a new equation. In ``gathered`` (and ``gather``, ``multline``) a row continues the chain
when it starts with a relation. ``&``, ``\\\\`` and spacing are otherwise ignored, except that a
``\\quad`` between two complete terms outside brackets separates two items
(``\\Theta = \\boxed{A} \\quad \\boxed{B}`` holds ``Θ = A`` and ``B``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from symcheck.reader._errors import LatexSyntaxError, Origin
from symcheck.reader._parser_matrices import MATRIX_ENVIRONMENTS
from symcheck.reader._tokens import Token
from symcheck.reader._vocabulary import ALIGNED_ENVIRONMENTS, CHAIN_ENVIRONMENTS, MULTIPLY, RELATIONS

if TYPE_CHECKING:
    from sympy import Basic

__all__ = ["Chain", "split_chains"]


@dataclass(frozen=True)
class Chain:
    """``terms[0] relations[0] terms[1] relations[1] …`` as read from ``source``.

    ``relations`` are ``"="``, ``"≈"``, ``"<"``, ``"≤"``, ``">"``, ``"≥"``, ``"≠"`` or ``"←"``;
    ``spans[i]`` is the (start, end) offset of ``terms[i]``'s text in ``source`` (the string that
    was read, not the file), so ``source[start:end]`` is exactly what the sheet wrote, digits and all.
    A formula may begin or end with a dangling relation when a chain is continued across displays
    (``= \\sigma(z)(1 - \\sigma(z)) =``): those are ``leading_relation`` and ``trailing_relation``.
    """

    terms: tuple[Basic, ...]
    relations: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]
    source: str = ""
    leading_relation: str | None = None
    trailing_relation: str | None = None
    summands: tuple[tuple[Basic, ...] | None, ...] = ()
    """For each term that is a sum, its terms as written (a division by a whole number kept
    unevaluated, ``a·(1/3)``); None for a term that is not a sum. See ``Builder.summands``."""

    def written(self, index: int) -> str:
        """The text of term ``index`` as it stands in the source."""
        start, end = self.spans[index]
        return self.source[start:end]

    @property
    def links(self) -> tuple[tuple[Basic, str, Basic], ...]:
        """Each ``(left, relation, right)`` link of the chain, in order."""
        return tuple(zip(self.terms, self.relations, self.terms[1:], strict=False))


def _split(tokens: list[Token], separator: Callable[[Token], bool]) -> list[list[Token]]:
    """Split at separators outside braces (a separator inside braces is left for the parser to refuse)."""
    parts: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.is_char("{") or (token.kind == "begin" and token.text in MATRIX_ENVIRONMENTS):
            depth += 1
        elif token.is_char("}") or (token.kind == "end" and token.text in MATRIX_ENVIRONMENTS):
            depth -= 1
        if depth == 0 and separator(token):
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def _continues_row(left: list[Token], right: list[Token]) -> bool:
    """Whether an aligned row continues the chain of its column: its left cell is empty and its right cell goes
    on with a relation or an operator (``&= b``, ``&\\quad + c``) or holds no relation of its own. A row
    ``& \\frac{\\partial L}{\\partial w_2} = 0`` (``&`` only aligning it to the left) is a new equation."""
    if left:
        return False
    cells = right  # spacing (\\quad) is gone already, kept on the next token
    if not cells or _starts_with_relation(cells) or (cells[0].kind == "char" and cells[0].text in "+-*/"):
        return True
    if cells[0].kind == "command" and cells[0].text in ("cdot", "times", "pm", "mp"):
        return True
    return not any(token.kind in ("char", "command") and token.text in RELATIONS for token in cells)


def _starts_with_relation(tokens: list[Token]) -> bool:
    return bool(tokens) and tokens[0].kind in ("char", "command") and tokens[0].text in RELATIONS


_OPENERS = frozenset({"(", "[", "{", "lbrace"})
_CLOSERS = frozenset({")", "]", "}", "rbrace"})
_JOINERS = frozenset({"+", "-", "*", "/", ",", "^", "_", "="})
"""Characters next to which a wide space cannot separate two items: ``a \\quad + b`` continues."""


def _joins(token: Token) -> bool:
    if token.kind == "char":
        return token.text in _JOINERS or token.text in RELATIONS
    return token.kind == "command" and (token.text in RELATIONS or token.text in MULTIPLY)


def _split_at_wide_spaces(tokens: list[Token]) -> list[list[Token]]:
    r"""Separate items set apart by ``\quad`` at the top level: ``\Theta = \boxed{A} \quad \boxed{B}``.

    A wide space between two operands is never a product (the parser refuses that reading), so
    between complete terms outside any bracket it separates items, as a column of aligned does; so does
    a comma before a wide space (``p_k = …, \qquad \frac{\partial p_k}{\partial s_k} = …``).
    """
    pieces: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        previous = pieces[-1][-1] if pieces[-1] else None
        if depth == 0 and token.wide_space_before and previous is not None and previous.is_char(",", ";"):
            pieces[-1].pop()  # ``a = b, \qquad c = d``: the comma ends the first item
            pieces.append([])
        elif (
            depth == 0
            and token.wide_space_before
            and previous is not None
            and not _joins(previous)
            and not (previous.kind == "char" and previous.text in _OPENERS)
            and not _joins(token)
            and not (token.kind == "char" and token.text in _CLOSERS)
        ):
            pieces.append([])
        if token.kind == "char" and token.text in _OPENERS:
            depth += 1
        elif token.kind == "char" and token.text in _CLOSERS:
            depth = max(0, depth - 1)
        pieces[-1].append(token)
    return [piece for piece in pieces if piece]


IMPLICATIONS = frozenset(
    {
        "Rightarrow",
        "Longrightarrow",
        "implies",
        "iff",
        "Leftrightarrow",
        "Longleftrightarrow",
        "Leftarrow",
        "Longleftarrow",
        "impliedby",
        "therefore",
    }
)
"""Arrows between two statements (``a = 0 \\iff b = c``): each side is a chain of its own."""


def _split_at_implications(tokens: list[Token]) -> list[list[Token]]:
    pieces: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.kind == "char" and token.text in _OPENERS:
            depth += 1
        elif token.kind == "char" and token.text in _CLOSERS:
            depth = max(0, depth - 1)
        if depth == 0 and token.kind == "command" and token.text in IMPLICATIONS:
            pieces.append([])
        else:
            pieces[-1].append(token)
    return [piece for piece in pieces if piece]


def split_chains(tokens: list[Token], source: str, origin: Origin | None) -> list[list[Token]]:
    """The token lists of the chains in a formula: the rows and columns of an aligned or gathered
    block, the two sides of an implication (⇒, ⟺), and items set apart by a wide space; otherwise the
    one chain of the formula."""
    return [
        piece
        for chain in _environment_chains(tokens, source, origin)
        for part in _split_at_implications(chain)
        for piece in _split_at_wide_spaces(part)
    ]


def _environment_chains(tokens: list[Token], source: str, origin: Origin | None) -> list[list[Token]]:
    if not tokens or tokens[0].kind != "begin" or tokens[0].text in MATRIX_ENVIRONMENTS:
        return [tokens]
    first, last = tokens[0], tokens[-1]
    environment = first.text
    if environment not in CHAIN_ENVIRONMENTS:
        raise LatexSyntaxError(
            f"\\begin{{{environment}}} is not supported", source=source, offset=first.start, origin=origin
        )
    if last.kind != "end" or last.text != environment:
        raise LatexSyntaxError(
            f"\\begin{{{environment}}} must enclose the whole formula and end with \\end{{{environment}}}",
            source=source,
            offset=first.start,
            origin=origin,
        )
    aligned = environment in ALIGNED_ENVIRONMENTS
    chains: list[list[Token]] = []
    open_chains: dict[int, list[Token]] = {}
    for row in _split(tokens[1:-1], lambda token: token.is_command("\\")):
        cells = _split(row, lambda token: token.is_char("&"))
        if not aligned and len(cells) > 1:
            ampersand = next(token for token in row if token.is_char("&"))
            raise LatexSyntaxError(
                f"'&' in {environment}: use aligned to align", source=source, offset=ampersand.start, origin=origin
            )
        for column in range(0, len(cells), 2):
            left = cells[column]
            right = cells[column + 1] if column + 1 < len(cells) else []
            piece = left + right
            if not piece:
                continue
            continues = _continues_row(left, right) if aligned else _starts_with_relation(piece)
            if continues and column in open_chains:
                open_chains[column].extend(piece)
            else:
                open_chains[column] = list(piece)
                chains.append(open_chains[column])
    return chains
