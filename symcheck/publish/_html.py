"""One self-contained HTML file per document: MathML, inline CSS, no scripts, no network.

Formulas are MathML converted from the document's LaTeX by :func:`symcheck.printing.mathml`,
which refuses input latex2mathml would silently mangle. Browsers stretch brackets, matrices and
cases only with an OpenType MATH font; without one Chromium draws them at text size. The style
sheet therefore names a stack of such fonts (STIX Two Math, Latin Modern Math, Cambria Math, DejaVu
Math TeX Gyre, Noto Sans Math) before the generic ``math`` family.

Every piece of text is escaped; a Content-Security-Policy forbids scripts and any fetch, so the
page works offline and no sheet text can run in it. The same renderer gives Jupyter's
``_repr_html_`` a fragment (``fragment=True``) whose styles only apply inside it.
"""

from __future__ import annotations

import re
from html import escape

from symcheck.publish._document import (
    ClaimCard,
    Code,
    DerivationBlock,
    DisplayMath,
    Document,
    Field,
    InlineMath,
    Link,
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
from symcheck.publish._mathml import checked_mathml, inline_pieces
from symcheck.publish._renderer import DocumentRenderer
from symcheck.publish._theme import TONE_COLOURS

__all__ = ["MATH_FONTS", "render_html"]

MATH_FONTS = '"STIX Two Math", "Latin Modern Math", "Cambria Math", "DejaVu Math TeX Gyre", "Noto Sans Math", math'
"""OpenType MATH fonts, best first; Debian's fonts-dejavu-extra provides DejaVu Math TeX Gyre."""

_TONES = "\n".join(
    f".symcheck .badge.{tone} {{ background: #{colour}; }}\n.symcheck .card.{tone} {{ border-left-color: #{colour}; }}"
    for tone, colour in TONE_COLOURS.items()
)

STYLE = f"""\
.symcheck {{ font-family: "Latin Modern Roman", "STIX Two Text", Cambria, "DejaVu Serif", Georgia, serif;
  color: #1F2328; background: #FFFFFF; line-height: 1.5; max-width: 54rem; margin: 0 auto; padding: 1.5rem;
  overflow-wrap: break-word; }}
.symcheck math {{ font-family: {MATH_FONTS}; font-size: 1.08em; }}
.symcheck .display {{ overflow-x: auto; overflow-y: hidden; max-width: 100%; margin: 0.5em 0; padding: 0.15em 0; }}
.symcheck .display > math {{ margin: 0; }}
.symcheck .wide {{ display: inline-block; max-width: 100%; overflow-x: auto; overflow-y: hidden;
  vertical-align: middle; }}
.symcheck mtd[columnalign="left"] {{ text-align: left; }}
.symcheck menclose[notation="box"] {{ border: 1px solid currentColor; padding: 0.15em 0.3em; }}
.symcheck h1 {{ font-size: 1.8rem; margin: 0 0 0.6rem; }}
.symcheck h2 {{ font-size: 1.4rem; border-bottom: 1px solid #D0D7DE; margin-top: 2.2rem; }}
.symcheck h3 {{ font-size: 1.15rem; margin: 1.6rem 0 0.3rem; }}
.symcheck .badge {{ display: inline-block; color: #FFFFFF; border-radius: 3px; padding: 0 0.45em;
  font: bold 0.85rem/1.55 system-ui, "DejaVu Sans", sans-serif; white-space: nowrap; vertical-align: baseline; }}
.symcheck .card {{ border-left: 4px solid #57606A; padding: 0.2rem 0 0.4rem 1rem; margin: 1.4rem 0; }}
.symcheck .card-title {{ font-size: 1.1rem; font-weight: bold; margin-right: 0.5em; }}
.symcheck .field {{ margin: 0.45rem 0; }}
.symcheck .field-label {{ font-weight: bold; font-size: 0.95rem; }}
.symcheck .field > p, .symcheck .step > p {{ margin: 0.2rem 0; }}
.symcheck pre.written {{ background: #F6F8FA; border: 1px solid #D0D7DE; border-radius: 4px; padding: 0.5rem 0.7rem;
  white-space: pre-wrap; overflow-wrap: anywhere; margin: 0.25rem 0;
  font: 0.88rem/1.45 "DejaVu Sans Mono", ui-monospace, monospace; }}
.symcheck code {{ font: 0.9em "DejaVu Sans Mono", ui-monospace, monospace; background: #F6F8FA; padding: 0 0.2em; }}
.symcheck .written {{ margin: 0.25rem 0; }}
.symcheck .written > p {{ margin: 0.2rem 0; font-style: italic; }}
.symcheck .written code.source {{ display: block; white-space: pre-wrap; padding: 0.4rem 0.6rem; margin: 0.2rem 0;
  border: 1px solid #D0D7DE; border-radius: 4px; font-size: 0.85rem; line-height: 1.45; }}
.symcheck details.source {{ margin: 0 0 0.3rem; }}
.symcheck details.source > summary {{ cursor: pointer; color: #57606A; font-size: 0.85rem; width: max-content; }}
.symcheck .note {{ color: #57606A; font-size: 0.9rem; margin: 0.2rem 0; }}
.symcheck .step {{ margin: 1rem 0; }}
.symcheck .step-head {{ font-weight: bold; margin-right: 0.4em; }}
.symcheck .meta {{ color: #57606A; font-size: 0.9rem; margin-left: 0.4em; }}
.symcheck .table {{ max-width: 100%; overflow-x: auto; margin: 0.6rem 0; }}
.symcheck table {{ border-collapse: collapse; }}
.symcheck th, .symcheck td {{ border: 1px solid #D0D7DE; padding: 0.25rem 0.55rem; text-align: left;
  vertical-align: middle; }}
.symcheck th {{ background: #F6F8FA; }}
.symcheck a {{ color: #0B57D0; }}
{_TONES}
@media (max-width: 40rem) {{ .symcheck {{ padding: 0.75rem; }} .symcheck .card {{ padding-left: 0.6rem; }}
  .symcheck th, .symcheck td {{ padding: 0.2rem 0.3rem; }} .symcheck h1 {{ font-size: 1.45rem; }} }}
@media print {{ .symcheck {{ max-width: none; padding: 0; }} .symcheck .badge {{ print-color-adjust: exact; }} }}
"""

_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


_WIDE = 40
"""LaTeX characters past which a piece of inline math gets a scrolling box of its own."""
_TRAILING_OPERATOR = re.compile(r"<mo>([^<]*)</mo>((?:</mrow>)*</math>)$")
_BREAK_AFTER = re.compile(r"(?<=\w)([._/])(?=\w)")


def _text(text: str) -> str:
    return escape(text, quote=True)


def _display(latex: str) -> str:
    """Display math in a box of the line's width that scrolls what does not fit (a browser does not
    scroll a ``<math>`` element itself)."""
    return f'<div class="display">{checked_mathml(latex, display=True)}</div>'


class _HtmlRenderer(DocumentRenderer):
    def render(self, document: Document, *, fragment: bool) -> str:
        body = [f"<h1>{_text(document.title)}</h1>"] if document.title else []
        main = '<div class="symcheck">\n' + "\n".join([*body, *self.body(document)]) + "\n</div>"
        if fragment:
            return f"<style>\n{STYLE}</style>\n{main}\n"
        return (
            "<!DOCTYPE html>\n"
            f'<html lang="{_text(document.language)}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">\n'
            '<meta name="generator" content="symcheck">\n'
            f"<title>{_text(document.title)}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n"
            f"{main}\n</body>\n</html>\n"
        )

    def _print_Section(self, section: Section) -> str:
        heading = f'<h2 id="{section.anchor}">{_text(section.heading)}</h2>\n' if section.heading else ""
        blocks = "\n".join(self.print(block) for block in section.blocks)
        return f"<section>\n{heading}{blocks}\n</section>"

    # --- inline -------------------------------------------------------------------------------

    def _print_Text(self, node: Text) -> str:
        return _text(node.text)

    def _print_Strong(self, node: Strong) -> str:
        return f"<strong>{_text(node.text)}</strong>"

    def _print_Code(self, node: Code) -> str:
        """Monospace text that may break after the ``.``, ``_`` and ``/`` of a long name (``<wbr>``)."""
        return "<code>" + _BREAK_AFTER.sub(r"\1<wbr>", _text(node.text)) + "</code>"

    def _print_InlineMath(self, node: InlineMath) -> str:
        """Inline math, in pieces a line may break between (after a relation, as TeX breaks).

        A piece still long (a matrix written out in a diagnosis) may be wider than a phone's screen and
        cannot break: it sits in a box of at most the line's width that scrolls what does not fit.
        """
        sources = inline_pieces(node.math.latex)
        pieces = [checked_mathml(piece, display=False) for piece in sources]
        # a piece ends with the relation it was cut after: the space between the pieces stands for its own
        pieces = [*(_TRAILING_OPERATOR.sub(r'<mo rspace="0">\1</mo>\2', piece) for piece in pieces[:-1]), pieces[-1]]
        return " ".join(
            f'<span class="wide">{piece}</span>' if len(source) > _WIDE else piece
            for source, piece in zip(sources, pieces, strict=True)
        )

    def _print_Link(self, node: Link) -> str:
        return f'<a href="#{node.anchor}">{_text(node.text)}</a>'

    def _print_Verdict(self, verdict: Verdict) -> str:
        return f'<span class="badge {verdict.tone}">{_text(verdict.mark)} {_text(verdict.word)}</span>'

    # --- blocks -------------------------------------------------------------------------------

    def _print_Paragraph(self, node: Paragraph) -> str:
        return f"<p>{self.inlines(node.inlines)}</p>"

    def _print_DisplayMath(self, node: DisplayMath) -> str:
        return _display(node.math.latex)

    def _print_Verbatim(self, node: Verbatim) -> str:
        return f'<pre class="written">{_text(node.text)}</pre>'

    def _print_Written(self, node: Written) -> str:
        """The answer typeset, its source one click away; or, not typeset, the source and why."""
        source = f'<code class="source">{_text(node.source)}</code>'
        if not node.shown:
            return f'<div class="written">\n<p class="note">{_text(node.note)}</p>\n{source}\n</div>'
        parts = [self.print(block) for block in node.shown]
        if node.show_source:
            parts.append(f'<details class="source"><summary>source</summary>{source}</details>')
        return '<div class="written">\n' + "\n".join(parts) + "\n</div>"

    def _print_Table(self, table: Table) -> str:
        """A table in a box of the page's width: its cells wrap, and what still does not fit scrolls in the box."""
        header = "".join(f"<th>{_text(name)}</th>" for name in table.header)
        rows = "\n".join(
            "<tr>" + "".join(f"<td>{self.inlines(cell)}</td>" for cell in row) + "</tr>" for row in table.rows
        )
        return (
            f'<div class="table"><table>\n<thead><tr>{header}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table></div>'
        )

    def _print_Field(self, field: Field) -> str:
        blocks = "\n".join(self.print(block) for block in field.blocks)
        return f'<div class="field"><div class="field-label">{_text(field.label)}</div>\n{blocks}\n</div>'

    def _print_ClaimCard(self, card: ClaimCard) -> str:
        fields = "\n".join(self.print(field) for field in card.fields)
        return (
            f'<article class="card {card.verdict.tone}" id="{card.anchor}">\n'
            f'<div><span class="card-title">{_text(card.heading)}</span>{self.print(card.verdict)}</div>\n'
            f"{fields}\n</article>"
        )

    def _print_StepItem(self, step: StepItem) -> str:
        head = f'<span class="step-head">{_text(step.title)}</span>'
        if step.verdict is not None:
            head += self.print(step.verdict)
        if step.meta:
            head += f'<span class="meta">{self.inlines(step.meta)}</span>'
        parts = [f"<div>{head}</div>", _display(step.math.latex)]
        if step.justification:
            parts.append(f"<p>{self.inlines(step.justification)}</p>")
        parts.extend(self.print(note) for note in step.notes)
        return '<div class="step">\n' + "\n".join(parts) + "\n</div>"

    def _print_DerivationBlock(self, block: DerivationBlock) -> str:
        tone = block.verdict.tone if block.verdict is not None else "neutral"
        head = f"<code>{_text(block.name)}</code>"
        if block.verdict is not None:
            head += " " + self.print(block.verdict)
        heading = f'<h3 id="{block.anchor}">{self.inlines(block.heading)}</h3>'
        parts = [heading, f"<p>{head}</p>", *self.derivation_parts(block)]
        return f'<div class="derivation {tone}">\n' + "\n".join(parts) + "\n</div>"


def render_html(document: Document, *, fragment: bool = False) -> str:
    """A complete offline HTML page for ``document``, or with ``fragment`` a ``<div>`` with its own styles."""
    return _HtmlRenderer().render(document, fragment=fragment)
