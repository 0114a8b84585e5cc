"""Typst source for a :class:`~symcheck.publish._document.Document`, and its PDF through the ``typst`` package.

The PDF is the default embedded output: the ``typst`` wheel compiles offline in milliseconds with
TeX-quality math, and needs nothing outside pip. Only Typst's standard library is used (``@preview``
packages need the network). The document is reproducible byte for byte: no date
(``#set document(date: none)``) and only the fonts embedded in the typst wheel (system fonts are
ignored, so another machine's fonts cannot change the PDF).

Everything written by a person goes into the source as a Typst string literal (``#"…";``), never
as markup, so no sheet text can be read as Typst code.

Step statements are printed by :func:`symcheck.printing.typst_statement` from their SymPy
objects; formulas that exist only as LaTeX in a report are translated from their validated MathML
(:mod:`symcheck.publish._typst_math`).
"""

from __future__ import annotations

from symcheck.errors import BuildError
from symcheck.publish._document import (
    ClaimCard,
    Code,
    DerivationBlock,
    DisplayMath,
    Document,
    Field,
    InlineMath,
    Link,
    Math,
    Paragraph,
    Section,
    StepItem,
    Strong,
    Table,
    Text,
    Verbatim,
    Verdict,
    Written,
)
from symcheck.publish._layout import Page, column_shares
from symcheck.publish._mathml import checked_mathml
from symcheck.publish._renderer import DocumentRenderer
from symcheck.publish._theme import TONE_COLOURS
from symcheck.publish._typst_math import TypstMathError, mathml_to_typst

__all__ = ["compile_pdf", "render_typst", "typst_math"]

_PREAMBLE = """\
#set document(title: {title}, date: none)
#set page(paper: "a4", margin: (x: 2cm, y: 2cm), numbering: "1 / 1")
#set text(font: "New Computer Modern", size: 10.5pt, lang: "{language}")
#set par(justify: false)
#show math.equation: set text(font: "New Computer Modern Math")
// a display formula wider than its line is scaled down to it, instead of running off the page
#show math.equation.where(block: true): it => layout(size => {{
  let natural = measure(it).width
  if natural > size.width {{ scale(size.width / natural * 100%, reflow: true, it) }} else {{ it }}
}})
#show raw: set text(font: "DejaVu Sans Mono", size: 8.5pt)
#show link: set text(fill: rgb("#0B57D0"))
#set table(stroke: 0.5pt + luma(180), inset: 4pt)
#show heading.where(level: 1): set text(size: 17pt)
#show heading.where(level: 2): set block(above: 1.6em, below: 0.8em)
#let badge(colour, body) = box(
  fill: rgb(colour), inset: (x: 3.5pt, y: 2pt), outset: (y: 1pt), radius: 2pt,
  text(fill: white, weight: "bold", size: 8.5pt, body),
)
#let card(colour, body) = block(
  width: 100%, breakable: true, stroke: (left: 2.5pt + rgb(colour)), inset: (left: 9pt, y: 5pt), body,
)
#let fieldname(body) = text(weight: "bold", size: 9.5pt, body)
#let meta(body) = text(size: 9pt, fill: luma(90), body)
#let source(body) = block(above: 0.4em, below: 0.8em, text(size: 8pt, fill: luma(90))[Source: #raw(body)])
"""


def _string(text: str) -> str:
    """A Typst string literal: the only way person-written text enters the source."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _text(text: str) -> str:
    """Text in markup: an embedded string expression, closed by ``;`` so nothing after it continues it."""
    return f"#{_string(text)};" if text else ""


def typst_math(math: Math, *, display: bool) -> str:
    """The Typst body of a formula: the Typst printer for a SymPy statement, else its MathML translated."""
    if math.statement is not None:
        from symcheck.printing import typst_statement

        return typst_statement(math.statement)
    try:
        return mathml_to_typst(checked_mathml(math.latex, display=display, operator_spacing=False))
    except TypstMathError as error:
        raise BuildError(f"cannot print {math.latex!r} for Typst: {error}") from None


_TABLE_PRINT = Page(text_width_pt=469.0, character_pt=5.3, column_pt=9.0)
"""A table in 10.5 pt New Computer Modern on A4 with 2 cm margins, inside a claim card's inset; an
inset of 4 pt on each side of a cell and a rule per column."""


class _TypstRenderer(DocumentRenderer):
    def render(self, document: Document) -> str:
        preamble = _PREAMBLE.format(title=_string(document.title), language=document.language)
        return "\n".join([preamble, f"= {_text(document.title)}\n", *self.body(document)])

    def _print_Section(self, section: Section) -> str:
        heading = f"== {_text(section.heading)} <{section.anchor}>\n" if section.heading else ""
        return heading + "\n".join(self.print(block) for block in section.blocks)

    # --- inline -------------------------------------------------------------------------------

    def _print_Text(self, node: Text) -> str:
        return _text(node.text)

    def _print_Strong(self, node: Strong) -> str:
        return f"#strong({_string(node.text)});"

    def _print_Code(self, node: Code) -> str:
        return f"#raw({_string(node.text)});"

    def _print_InlineMath(self, node: InlineMath) -> str:
        return f"${typst_math(node.math, display=False)}$"

    def _print_Link(self, node: Link) -> str:
        return f"#link(<{node.anchor}>)[{_text(node.text)}]"

    def _print_Verdict(self, verdict: Verdict) -> str:
        return f'#badge("#{TONE_COLOURS[verdict.tone]}", {_string(f"{verdict.mark} {verdict.word}")});'

    # --- blocks -------------------------------------------------------------------------------

    def _print_Paragraph(self, node: Paragraph) -> str:
        return self.inlines(node.inlines) + "\n"

    def _print_DisplayMath(self, node: DisplayMath) -> str:
        return f"$ {typst_math(node.math, display=True)} $\n"

    def _print_Verbatim(self, node: Verbatim) -> str:
        written = f"raw({_string(node.text)}, block: true)"
        return f"#block(width: 100%, fill: luma(245), inset: 6pt, radius: 2pt, {written})\n"

    def _print_Written(self, node: Written) -> str:
        """The answer typeset, its source in small grey type under it; or the source and why it is not typeset."""
        if not node.shown:
            return f"#emph({_string(node.note)})\n\n" + self._print_Verbatim(Verbatim(node.source))
        parts = [self.print(block) for block in node.shown]
        if node.show_source:
            parts.append(f"#source({_string(node.source)})\n")
        return "\n".join(parts)

    def _print_Table(self, table: Table) -> str:
        header = ", ".join(f"[*{_text(name)}*]" for name in table.header)
        cells = ", ".join(f"[{self.inlines(cell)}]" for row in table.rows for cell in row)
        shares = column_shares(table, _TABLE_PRINT)
        columns = ", ".join("auto" if share is None else f"{100 * share:.1f}%" for share in shares)
        return f"#table(columns: ({columns}), align: left + horizon, table.header({header}), {cells})\n"

    def _print_Field(self, field: Field) -> str:
        body = "\n".join(self.print(block) for block in field.blocks)
        return f"#fieldname({_string(field.label)}) \\\n{body}"

    def _print_ClaimCard(self, card: ClaimCard) -> str:
        colour = TONE_COLOURS[card.verdict.tone]
        title = f'#text(weight: "bold", size: 11.5pt)[{_text(card.heading)}] #h(6pt) {self.print(card.verdict)}'
        body = "\n".join([title + "\n", *(self.print(field) for field in card.fields)])
        return f'#card("#{colour}")[\n{body}\n] <{card.anchor}>\n'

    def _print_StepItem(self, step: StepItem) -> str:
        head = f"#strong({_string(step.title)});"
        if step.verdict is not None:
            head += f" #h(4pt) {self.print(step.verdict)}"
        if step.meta:
            head += f" #h(4pt) #meta[{self.inlines(step.meta)}]"
        lines = [head + "\n", f"$ {typst_math(step.math, display=True)} $\n"]
        if step.justification:
            lines.append(self.inlines(step.justification) + "\n")
        lines.extend(self.print(note) for note in step.notes)
        return "#block(width: 100%, breakable: false, above: 1.1em)[\n" + "\n".join(lines) + "]\n"

    def _print_DerivationBlock(self, block: DerivationBlock) -> str:
        line = f"#raw({_string(block.name)})"
        if block.verdict is not None:
            line += f" #h(4pt) {self.print(block.verdict)}"
        heading = f"=== {self.inlines(block.heading)} <{block.anchor}>\n"
        return "\n".join([heading, line + "\n", *self.derivation_parts(block)])


def render_typst(document: Document) -> str:
    """The Typst source of ``document``."""
    return _TypstRenderer().render(document)


def compile_pdf(source: str) -> bytes:
    """Compile Typst source to PDF with the embedded fonts only, so the bytes do not depend on the machine."""
    import typst

    try:
        return typst.compile(source.encode("utf-8"), format="pdf", ignore_system_fonts=True)
    except typst.TypstError as error:  # a bug in the renderer, never in a user's text (that is escaped)
        raise BuildError(f"Typst could not compile the document: {error}") from None
