"""MathML for published documents: :func:`symcheck.printing.mathml`, converted once per formula.

A formula is validated when the document is composed (so a bad one is reported with the claim it
belongs to) and converted again when the HTML is printed and when Typst is derived from it; the
cache makes that one conversion. latex2mathml is only imported when the first formula is converted.
"""

from __future__ import annotations

import re
from functools import lru_cache

from symcheck.errors import SymcheckError

__all__ = ["checked_mathml", "inline_pieces"]


def checked_mathml(latex_source: str, *, display: bool, operator_spacing: bool = True) -> str:
    """The validated MathML of ``latex_source`` (raises :class:`~symcheck.printing.MathMLError`).

    The HTML wants TeX's spaces around named operators as ``<mspace>``; the translation to Typst
    does not (Typst spaces ``op("log")`` itself), so it asks with ``operator_spacing=False``.
    """
    spaced, unspaced = _forms(latex_source, display)
    return spaced if operator_spacing else unspaced


@lru_cache(maxsize=4096)
def _forms(latex_source: str, display: bool) -> tuple[str, str]:
    from symcheck.printing.mathml import mathml_forms

    return mathml_forms(latex_source, display=display)


_TOKEN = re.compile(r"\\(?:[A-Za-z]+|.)|.", re.DOTALL)
_RELATIONS = frozenset(
    (
        *("=", "<", ">", r"\approx", r"\neq", r"\ne", r"\leq", r"\le", r"\geq", r"\ge", r"\equiv", r"\sim"),
        *(r"\to", r"\rightarrow", r"\leftarrow", r"\Rightarrow", r"\mapsto", r"\in"),
    )
)
_OPENING = frozenset(("{", "(", "[", r"\left", r"\begin", r"\{", r"\langle"))
_CLOSING = frozenset(("}", ")", "]", r"\right", r"\end", r"\}", r"\rangle"))
_BINARY = frozenset(("+", "-", r"\pm", r"\cdot", r"\times"))
_LONG = 24
"""Inline formulas longer than this many characters of source are cut into pieces a line can break between."""


@lru_cache(maxsize=4096)
def inline_pieces(latex_source: str) -> tuple[str, ...]:
    """``latex_source`` cut after each relation at its top level (``a = b`` → ``a =``, ``b``), and a
    piece that is still long after each binary ``+`` and ``−``.

    A browser never breaks a line inside a ``<math>`` element, so a long inline formula would run
    off a phone's screen; TeX breaks inline math after a relation or a binary operator, and so may
    the HTML, printed as one ``<math>`` per piece. Short formulas, and any whose pieces would not
    each be valid (the cut is only made outside braces, ``\\left…\\right`` and environments),
    stay whole.
    """
    if len(latex_source) <= _LONG:
        return (latex_source,)
    pieces: list[str] = []
    for piece in _cut(latex_source, _RELATIONS, _LONG // 2):
        pieces.extend(_cut(piece, _BINARY, _LONG) if len(piece) > 2 * _LONG else (piece,))
    if len(pieces) < 2:
        return (latex_source,)
    try:
        for piece in pieces:
            checked_mathml(piece, display=False)
    except SymcheckError:
        return (latex_source,)
    return tuple(pieces)


def _cut(latex_source: str, after: frozenset[str], shortest: int) -> list[str]:
    """``latex_source`` cut after each token of ``after`` outside every bracket that follows an
    operand, where the piece so far is at least ``shortest`` characters long."""
    pieces: list[str] = []
    depth = 0
    start = 0
    previous = ""
    for token in _TOKEN.finditer(latex_source):
        text = token.group()
        if text.isspace():
            continue
        if text in _OPENING:
            depth += 1
        elif text in _CLOSING:
            depth -= 1
        elif (
            depth == 0
            and text in after
            and previous
            and previous not in _RELATIONS | _BINARY
            and token.end() - start >= shortest
        ):
            pieces.append(latex_source[start : token.end()].strip())
            start = token.end()
        previous = text
    pieces.append(latex_source[start:].strip())
    return [piece for piece in pieces if piece]
