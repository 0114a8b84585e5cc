"""The reader's public functions: one LaTeX string in, SymPy objects (or a :class:`LatexSyntaxError`) out."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import NoReturn

import sympy

from symcheck.reader._build import Builder, index_names
from symcheck.reader._chain import Chain, split_chains
from symcheck.reader._errors import LatexSyntaxError, Origin
from symcheck.reader._limits import MAX_INPUT_CHARS
from symcheck.reader._notation import Notation, compile_notation
from symcheck.reader._parser import ChainSyntax, Parser
from symcheck.reader._table import SymbolTable
from symcheck.reader._tokens import Token, tokenize

__all__ = ["read_chain", "read_chains", "read_expression", "read_shape"]

_DEFAULT_TABLE = SymbolTable()
_DELIMITERS = (("$$", "$$"), ("\\[", "\\]"), ("\\(", "\\)"), ("$", "$"))
_RELATIONAL = {
    "=": sympy.Eq,
    "<": sympy.Lt,
    ">": sympy.Gt,
    "≤": sympy.Le,
    "≥": sympy.Ge,
    "≠": sympy.Ne,
    "∈": lambda element, interval, **_: sympy.Contains(element, interval, evaluate=False),
}


def _region(latex: str, origin: Origin | None) -> tuple[int, int]:
    """The offsets of the mathematics in ``latex``, inside one pair of math delimiters if it has them."""
    if not isinstance(latex, str):
        raise TypeError(f"the reader reads a str, not {type(latex).__name__}")
    if len(latex) > MAX_INPUT_CHARS:
        raise LatexSyntaxError(
            f"formula of {len(latex)} characters is longer than the {MAX_INPUT_CHARS} the reader accepts",
            source=latex,
            offset=MAX_INPUT_CHARS,
            origin=origin,
        )
    begin = len(latex) - len(latex.lstrip())
    stop = len(latex.rstrip())
    for opening, closing in _DELIMITERS:
        enclosed = stop - begin >= len(opening) + len(closing)
        if enclosed and latex.startswith(opening, begin) and latex.endswith(closing, 0, stop):
            return begin + len(opening), stop - len(closing)
    return begin, stop


def _tokens(latex: str, origin: Origin | None) -> tuple[list[Token], int]:
    begin, stop = _region(latex, origin)
    tokens = tokenize(latex, begin, stop, origin)
    if not tokens:
        raise LatexSyntaxError("empty formula", source=latex, offset=begin, origin=origin)
    return tokens, stop


def _notation(table: SymbolTable | None) -> Notation:
    table = _DEFAULT_TABLE if table is None else table
    if not isinstance(table, SymbolTable):
        raise TypeError(f"table must be a SymbolTable, not {type(table).__name__}")
    return compile_notation(table)


@contextlib.contextmanager
def _stack_guard(latex: str, origin: Origin | None) -> Iterator[None]:
    """A RecursionError as the reader's error. The depth cap keeps reading far from Python's stack
    limit, so this is a last line of defence for the "only LatexSyntaxError escapes" promise."""
    try:
        yield
    except RecursionError:
        raise LatexSyntaxError("formula nested too deeply to read", source=latex, offset=0, origin=origin) from None


def _chains(latex: str, table: SymbolTable | None, origin: Origin | None) -> list[tuple[ChainSyntax, Chain]]:
    """Each chain of ``latex``, as parsed and as built."""
    notation = _notation(table)
    tokens, stop = _tokens(latex, origin)
    chains = []
    for chain_tokens in split_chains(tokens, latex, origin):
        syntax = Parser(latex, chain_tokens, notation, origin=origin, end_offset=stop).parse_chain()
        chains.append((syntax, _build_chain(syntax, latex, notation, origin)))
    if not chains:
        raise LatexSyntaxError("empty formula", source=latex, offset=tokens[0].start, origin=origin)
    return chains


def _one_chain(latex: str, table: SymbolTable | None, origin: Origin | None) -> tuple[ChainSyntax, Chain]:
    chains = _chains(latex, table, origin)
    if len(chains) > 1:
        raise LatexSyntaxError(
            f"this block holds {len(chains)} separate equations; read them with read_chains",
            source=latex,
            offset=chains[1][0].spans[0][0] if chains[1][0].spans else 0,
            origin=origin,
        )
    return chains[0]


def _build_chain(syntax: ChainSyntax, latex: str, notation: Notation, origin: Origin | None) -> Chain:
    builder = Builder(notation, latex, origin, index_names(syntax.terms))
    return Chain(
        terms=tuple(builder.build(term) for term in syntax.terms),
        relations=tuple(syntax.relations),
        spans=tuple(syntax.spans),
        source=latex,
        leading_relation=syntax.leading,
        trailing_relation=syntax.trailing,
        summands=tuple(builder.summands(term) for term in syntax.terms),
    )


def read_chains(latex: str, table: SymbolTable | None = None, *, origin: Origin | None = None) -> tuple[Chain, ...]:
    r"""Every chain in ``latex``: one per equation of an aligned/gathered block, else exactly one.

    ``\begin{aligned} L &= a \\ &= b & M &= c \end{aligned}`` holds two chains, ``L = a = b`` and
    ``M = c``, in the order they start; ``A \quad B`` holds the items ``A`` and ``B``.
    """
    with _stack_guard(latex, origin):
        return tuple(chain for _, chain in _chains(latex, table, origin))


def read_chain(latex: str, table: SymbolTable | None = None, *, origin: Origin | None = None) -> Chain:
    r"""The chain of relations ``latex`` writes, such as ``-\log 0.1 = +2.303 \approx 2.30``.

    An aligned or gathered block is read as the one chain it continues (``L &= a \\ &= b``); a block
    holding several equations is an error that says so (read it with :func:`read_chains`).
    """
    with _stack_guard(latex, origin):
        return _one_chain(latex, table, origin)[1]


def read_expression(latex: str, table: SymbolTable | None = None, *, origin: Origin | None = None) -> sympy.Basic:
    r"""The SymPy expression ``latex`` writes; ``a = b``, ``a < b`` … give an unevaluated Relational.

    ``≈`` and ``←`` have no SymPy relation, and chains of several relations have no single value:
    both are errors pointing at :func:`read_chain`.
    """
    with _stack_guard(latex, origin):
        syntax, chain = _one_chain(latex, table, origin)

        def refuse(message: str, offset: int) -> NoReturn:
            raise LatexSyntaxError(message, source=latex, offset=offset, origin=origin)

        for relation, offset in ((syntax.leading, syntax.leading_offset), (syntax.trailing, syntax.trailing_offset)):
            if relation is not None:
                refuse(f"a dangling '{relation}': an expression cannot start or end with a relation", offset)
        if not chain.relations:
            return chain.terms[0]
        if len(chain.relations) > 1:
            refuse(
                f"a chain of {len(chain.relations)} relations has no single value; read it with read_chain",
                chain.spans[2][0],
            )
        relation = chain.relations[0]
        if relation not in _RELATIONAL:
            refuse(f"'{relation}' is not a SymPy relation; read it with read_chain", chain.spans[1][0])
        try:
            return _RELATIONAL[relation](chain.terms[0], chain.terms[1], evaluate=False)
        except (TypeError, ValueError) as failure:
            refuse(f"cannot relate these two sides: {failure}", chain.spans[0][0])


def read_shape(
    latex: str, table: SymbolTable | None = None, *, origin: Origin | None = None
) -> tuple[sympy.Basic, ...]:
    r"""The dimensions of a shape such as ``D_a \times D_x`` or ``\mathbb{R}^{K \times 1}``, in order.

    Every name in a shape is a dimension, so it is read as a positive integer symbol (unless the table
    gives the name's object); a number must be a positive whole number.
    """
    with _stack_guard(latex, origin):
        notation = _notation(table)
        tokens, stop = _tokens(latex, origin)
        dimensions = Parser(latex, tokens, notation, origin=origin, end_offset=stop).parse_shape()
        builder = Builder(notation, latex, origin, index_names(dimensions, every_name=True))
        values = []
        for node in dimensions:
            value = builder.build(node)
            if not isinstance(value, sympy.Expr) or value.is_integer is False or value.is_positive is False:
                raise LatexSyntaxError(
                    "a dimension must be a positive whole number", source=latex, offset=node.start, origin=origin
                )
            values.append(value)
        return tuple(values)
