"""Jupyter displays for derivations and reports, from the same document model as the published files.

IPython shows an object with its ``_repr_html_`` / ``_repr_latex_`` methods. The data classes
(:class:`~symcheck.model.Derivation`, :class:`~symcheck.results.DerivationReport`,
:class:`~symcheck.results.VerifyReport`, :class:`~symcheck.sheet.GradeReport`) live in the data
layer, which must not import publishing: their two methods ask :mod:`symcheck.display`, and
:func:`register_display` (announced in the ``symcheck.display`` entry-point group) registers the
renderers below there.

``_repr_html_`` is the HTML renderer's fragment mode (MathML, styles scoped to the fragment).
``_repr_latex_`` is math-mode LaTeX, the only LaTeX Jupyter renders (with MathJax): one row per
line of the document, text in ``\\text{}``. Neither verifies anything: a Derivation shows its steps
without verdicts; verify it and display the report to see them.
"""

from __future__ import annotations

from collections.abc import Iterable

from symcheck.errors import SymcheckError
from symcheck.publish._document import (
    ClaimCard,
    DerivationBlock,
    DisplayMath,
    Document,
    Field,
    Inline,
    InlineMath,
    Paragraph,
    Section,
    StepItem,
    Table,
    Text,
    Verbatim,
    Verdict,
    Written,
)
from symcheck.publish._renderer import DocumentRenderer

__all__ = ["document_for", "register_display", "repr_html", "repr_latex"]


def document_for(value: object) -> Document | None:
    """The document that displays ``value``, or None for a type without one."""
    from symcheck.model import Derivation
    from symcheck.publish import _compose as compose
    from symcheck.results import DerivationReport, VerifyReport
    from symcheck.sheet import GradeReport

    if isinstance(value, Derivation):
        return compose.compose_derivation(value)
    if isinstance(value, DerivationReport):
        return compose.compose_derivation_report(value)
    if isinstance(value, VerifyReport):
        return compose.compose_verify_report(value)
    if isinstance(value, GradeReport):
        return compose.compose_grade_report(value)
    return None


def repr_html(value: object) -> str | None:
    """An HTML fragment for ``value``; None (IPython then falls back to text) when it cannot be shown."""
    from symcheck.publish._html import render_html

    try:
        document = document_for(value)
        return None if document is None else render_html(document, fragment=True)
    except SymcheckError:
        return None


def repr_latex(value: object) -> str | None:
    """Math-mode LaTeX for ``value`` (``$\\displaystyle\\begin{array}{l} … \\end{array}$``), or None."""
    try:
        document = document_for(value)
        return None if document is None else _MathSummary().render(document)
    except SymcheckError:
        return None


_ROW = r" \\ "
"""Rows of the summary's array; a block prints as one or more rows."""


class _MathSummary(DocumentRenderer):
    """The document as rows of one math-mode array: what MathJax in Jupyter can typeset."""

    def render(self, document: Document) -> str:
        rows = [rf"\underline{{{self.text(document.title)}}}"] if document.title else []
        rows.extend(self.body(document))
        return r"$\displaystyle\begin{array}{l}" + _ROW.join(row for row in rows if row) + r"\end{array}$"

    @staticmethod
    def text(text: str) -> str:
        from symcheck.printing import latex_text

        return latex_text(text) if text else ""

    def _print_Section(self, section: Section) -> str:
        rows = [rf"\underline{{{self.text(section.heading)}}}"] if section.heading else []
        rows.extend(self.print(block) for block in section.blocks)
        return _ROW.join(rows)

    def inlines(self, inlines: Iterable[Inline]) -> str:
        return " ".join(part for part in (self.print(inline) for inline in inlines) if part)

    def _print_Text(self, node: Text) -> str:
        return self.text(node.text)

    _print_Strong = _print_Code = _print_Link = _print_Text

    def _print_InlineMath(self, node: InlineMath) -> str:
        return node.math.latex

    def _print_Verdict(self, verdict: Verdict) -> str:
        return self.text(f"{verdict.mark} {verdict.word}")

    def _print_Paragraph(self, node: Paragraph) -> str:
        return self.inlines(node.inlines)

    def _print_DisplayMath(self, node: DisplayMath) -> str:
        return r"\qquad " + node.math.latex

    def _print_Verbatim(self, node: Verbatim) -> str:
        return _ROW.join(r"\qquad " + self.text(line) for line in node.text.splitlines() if line.strip())

    def _print_Table(self, table: Table) -> str:
        rows = [r"\quad ".join(self.text(name) for name in table.header)]
        rows.extend(r"\quad ".join(self.inlines(cell) for cell in row) for row in table.rows)
        return _ROW.join(rows)

    def _print_Field(self, field: Field) -> str:
        return _ROW.join([self.text(field.label + ":"), *(self.print(block) for block in field.blocks)])

    def _print_ClaimCard(self, card: ClaimCard) -> str:
        heading = f"{self.text(card.heading)} \\quad {self.print(card.verdict)}"
        return _ROW.join([heading, *(self.print(field) for field in card.fields)])

    def _print_StepItem(self, step: StepItem) -> str:
        head = [step.title]
        if step.verdict is not None:
            head.append(f"{step.verdict.mark} {step.verdict.word}")
        first = self.text(" · ".join(head))
        if step.justification:
            first += self.text(" · ") + self.inlines(step.justification)
        rows = [first, r"\qquad " + step.math.latex]
        return _ROW.join([*rows, *(self.print(note) for note in step.notes)])

    def _print_DerivationBlock(self, block: DerivationBlock) -> str:
        return _ROW.join([self.inlines(block.heading), *(part for part in self.derivation_parts(block) if part)])

    def _print_Written(self, node: Written) -> str:
        if not node.shown:
            return _ROW.join([self.text(node.note), self._print_Verbatim(Verbatim(node.source))])
        return _ROW.join(self.print(block) for block in node.shown)


def register_display() -> None:
    """Register the HTML and LaTeX renderers for the data classes' Jupyter displays."""
    from symcheck import display

    display.register("html", repr_html)
    display.register("latex", repr_latex)
