"""Inline content composed from reports: prose with its mathematics typeset, numbers, checked formulas.

Every sentence a reader sees (a question, a justification, a diagnosis, a derivation's title) goes
through :func:`prose`, which typesets the formulas in it: LaTeX between ``$`` and the Unicode
shorthand (``∂L/∂z_k = ŷ_k − y_k``) alike (:func:`symcheck.printing.prose.prose_pieces`). A
formula is typeset only when every format can print it (:func:`printable`); otherwise a ``$…$``
formula is shown as its source, in monospace, and the shorthand stays text.

Numbers have one format (:mod:`symcheck.printing.numbers`): 6 significant digits for a correct
value, the digits written for a student's, ``a × 10ⁿ`` typeset as a formula.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from symcheck.errors import BuildError, SymcheckError
from symcheck.printing import MathMLError
from symcheck.printing.latex_commands import refused_command
from symcheck.printing.numbers import (
    CORRECT_DIGITS,
    format_as_written,
    format_number,
    format_student,
    number_latex,
    written_digits,
)
from symcheck.printing.prose import prose_pieces
from symcheck.publish._document import Code, Inline, InlineMath, Math, Text
from symcheck.publish._mathml import checked_mathml
from symcheck.publish._typst_math import mathml_to_typst

__all__ = ["joined", "number", "printable", "prose", "relation_latex", "report_math", "student_number"]

NO_VALUE = "—"


def report_math(latex: str, place: str) -> Math:
    """LaTeX that exists only in a report (a grader's correction): validated here, where its place is known.

    latex2mathml accepts broken input silently, so every formula is checked before any format is
    printed, and the LaTeX document needs every command to be one pdflatex typesets; a bad one
    stops the build with the claim or derivation it belongs to.
    """
    try:
        checked_mathml(latex, display=True)
    except MathMLError as error:
        raise BuildError(f"{place}: {error}") from None
    refused = refused_command(latex)
    if refused is not None:
        raise BuildError(f"{place}: the formula {latex!r} uses {refused}, which the LaTeX sheet cannot typeset")
    return Math(latex)


@lru_cache(maxsize=4096)
def printable(latex: str, *, display: bool = False) -> bool:
    """Whether every format can print ``latex``: valid MathML, translatable to Typst, typeset by pdflatex."""
    if refused_command(latex) is not None:
        return False
    try:
        mathml_to_typst(checked_mathml(latex, display=display, operator_spacing=False))
    except SymcheckError:
        return False
    return True


def prose(text: str) -> tuple[Inline, ...]:
    """A sentence as inline content: text, and its formulas typeset.

    A formula between ``$`` that cannot be printed faithfully in every format (a diagnosis may
    quote the student's LaTeX) is shown as written, in monospace, rather than stopping the build
    or showing garbled math; a formula of the Unicode shorthand that cannot be printed stays text.
    """
    inlines: list[Inline] = []
    for piece in prose_pieces(text):
        if piece.code:
            inlines.append(Code(piece.text))
        elif not piece.math:
            inlines.append(Text(piece.text))
        elif printable(piece.text):
            inlines.append(InlineMath(Math(piece.text)))
        else:
            inlines.append(Code(piece.source) if piece.dollars else Text(piece.source))
    return joined(inlines)


def joined(inlines: Iterable[Inline]) -> tuple[Inline, ...]:
    """Adjacent texts merged into one."""
    merged: list[Inline] = []
    for inline in inlines:
        if isinstance(inline, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text + inline.text)
        elif not (isinstance(inline, Text) and not inline.text):
            merged.append(inline)
    return tuple(merged)


def _as_inline(text: str, latex: str) -> Inline:
    """A number: text when it is a plain decimal, a formula when it has a power of ten."""
    return InlineMath(Math(latex)) if "\\times" in latex else Text(text)


def number(value: float | None, digits: int = CORRECT_DIGITS) -> Inline:
    """A correct value (or an error bound, with ``digits=2``), one way everywhere."""
    if value is None:
        return Text(NO_VALUE)
    return _as_inline(format_number(value, digits), number_latex(value, digits))


def student_number(value: float | None, numeral: str | None = None) -> Inline:
    """A value of the student's: with the digits of ``numeral`` (what was written) when given."""
    if value is None:
        return Text(NO_VALUE)
    if numeral is not None and written_digits(numeral.strip().lstrip("+")) is not None:
        text = format_as_written(value, numeral.strip().lstrip("+"))
        digits = written_digits(numeral.strip().lstrip("+")) or CORRECT_DIGITS
    else:
        text = format_student(value)
        digits = len(text.split("×")[0].replace(".", "").replace("−", "").strip().lstrip("0")) or 1
    return _as_inline(text, number_latex(value, digits))


_RELATIONS = {"=": "=", "≈": r"\approx", "≠": r"\neq", "≤": r"\leq", "≥": r"\geq", "<": "<", ">": ">"}


def relation_latex(relation: str) -> str:
    """A chain link's relation (``=``, ``≈``, ``<=``) as LaTeX."""
    relation = {"<=": "≤", ">=": "≥", "!=": "≠"}.get(relation, relation)
    return _RELATIONS.get(relation, relation)
