"""A complete LaTeX document (amsmath) for a :class:`~symcheck.publish._document.Document`.

The file compiles with plain pdflatex: it is pure ASCII (every other character of the text is
written as a LaTeX command, so no ``inputenc`` or font setup can fail on it), it uses only
packages of every TeX distribution (amsmath, amssymb, xcolor, geometry, longtable, hyperref,
lmodern), and
it loads lmodern with T1 so pdflatex uses Type 1 fonts; without lmodern T1 text comes out as
bitmap fonts. Formulas are the LaTeX of the reports, which the document composer validated.

Person-written text is escaped character by character; nothing from a sheet reaches the file as
LaTeX source, so ``\\input`` or ``\\write18`` in a sheet is printed, never run.
"""

from __future__ import annotations

import re
import unicodedata

from symcheck.printing import LATEX_PACKAGES, greek_name
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
from symcheck.publish._layout import Page, column_shares
from symcheck.publish._renderer import DocumentRenderer
from symcheck.publish._theme import TONE_COLOURS

__all__ = ["latex_text", "render_latex"]

_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    '"': r"\textquotedbl{}",
    "'": r"\textquotesingle{}",
    "`": r"\textasciigrave{}",
    "-": "-{}",
}
"""ASCII characters that LaTeX would read as syntax or ligatures (``--``, ``''``), as commands."""

_LATEX_GREEK_CAPITALS = frozenset(
    ("Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega")
)
"""The capitals LaTeX has commands for; the others look like Latin letters and have none."""
_MATH_SYMBOLS = {
    "±": r"\pm",
    "·": r"\cdot",
    "×": r"\times",
    "÷": r"\div",
    "−": "-",
    "∂": r"\partial",
    "∈": r"\in",
    "∉": r"\notin",
    "∘": r"\circ",
    "≈": r"\approx",
    "≠": r"\neq",
    "≤": r"\leq",
    "≥": r"\geq",
    "⊙": r"\odot",
    "‖": r"\|",
    "′": r"{}^{\prime}",
    "″": r"{}^{\prime\prime}",
    "←": r"\leftarrow",
    "→": r"\rightarrow",
    "⇒": r"\Rightarrow",
    "⇔": r"\Leftrightarrow",
    "↦": r"\mapsto",
    "∑": r"\sum",
    "∏": r"\prod",
    "∫": r"\int",
    "∞": r"\infty",
    "∇": r"\nabla",
    "√": r"\surd",
    "∀": r"\forall",
    "∃": r"\exists",
    "≡": r"\equiv",
    "≔": r":=",
    "∝": r"\propto",
    "⊤": r"\top",
    "ℝ": r"\mathbb{R}",
    "ℕ": r"\mathbb{N}",
    "ℤ": r"\mathbb{Z}",
    "𝟙": r"\mathbf{1}",
    "✓": r"\checkmark",
    "✗": r"\times",
    "∗": r"\ast",
    "⟨": r"\langle",
    "⟩": r"\rangle",
    "∩": r"\cap",
    "∪": r"\cup",
    "⊂": r"\subset",
    "⊆": r"\subseteq",
    "ε": r"\varepsilon",
    "ϵ": r"\epsilon",
    "φ": r"\varphi",
    "ϕ": r"\phi",
    "ℓ": r"\ell",
    "°": r"^{\circ}",
    "½": r"\tfrac{1}{2}",
    "¼": r"\tfrac{1}{4}",
    "¾": r"\tfrac{3}{4}",
}
_TEXT_SYMBOLS = {
    "—": "---",
    "–": "--",
    "…": r"\ldots{}",
    "“": "``",
    "”": "''",
    "‘": "`",
    "’": "'",
    "\u00a0": "~",
    "•": r"\textbullet{}",
    "§": r"\S{}",
    "¶": r"\P{}",
    "©": r"\copyright{}",
    "ß": r"\ss{}",
    "æ": r"\ae{}",
    "Æ": r"\AE{}",
    "ø": r"\o{}",
    "Ø": r"\O{}",
    "œ": r"\oe{}",
    "Œ": r"\OE{}",
    "å": r"\aa{}",
    "Å": r"\AA{}",
    "ł": r"\l{}",
    "Ł": r"\L{}",
    "ı": r"\i{}",
    "\t": " ",
}
_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ᵀⁿ", "0123456789+-Tn", strict=True))
_SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋", "0123456789+-", strict=True))
_ACCENTS = {
    "\u0300": "`",
    "\u0301": "'",
    "\u0302": "^",
    "\u0303": "~",
    "\u0304": "=",
    "\u0306": "u",
    "\u0307": ".",
    "\u0308": '"',
    "\u030a": "r",
    "\u030b": "H",
    "\u030c": "v",
    "\u0327": "c",
    "\u0328": "k",
}


def _unicode(char: str) -> str:
    """One non-ASCII character as LaTeX that pdflatex sets without any Unicode support."""
    if char in _TEXT_SYMBOLS:
        return _TEXT_SYMBOLS[char]
    if char in _SUPERSCRIPTS:
        return rf"\textsuperscript{{{_SUPERSCRIPTS[char]}}}"
    if char in _SUBSCRIPTS:
        return rf"\textsubscript{{{_SUBSCRIPTS[char]}}}"
    if char in _MATH_SYMBOLS:
        return rf"\ensuremath{{{_MATH_SYMBOLS[char]}}}"
    greek = greek_name(char)
    if greek == "omicron":
        return "o"
    if greek is not None and (greek.islower() or greek in _LATEX_GREEK_CAPITALS):
        return rf"\ensuremath{{\{greek}}}"
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if base.isascii() and base.isalpha() and marks and all(mark in _ACCENTS for mark in marks):
        text = "\\i" if base == "i" else base
        for mark in marks:
            text = f"\\{_ACCENTS[mark]}{{{text}}}"
        return text
    if marks and greek_name(base) is not None:
        return _unicode(base)
    return rf"\texttt{{[U+{ord(char):04X}]}}"


_IDENTIFIER_JOINT = re.compile(r"\\_|(?<=[a-z])\.(?=[a-z])")


def _breakable(text: str) -> str:
    """LaTeX text in which a dotted or underscored name (``cross_entropy.gradient``) may break
    after its ``.`` and ``_``: TeX does not hyphenate it, so in a narrow column it would overflow."""
    return _IDENTIFIER_JOINT.sub(lambda match: match.group() + "\\allowbreak{}", text)


_RAGGED = ">{\\raggedright\\arraybackslash}"
"""Wrapped columns are set ragged right: justified text in a narrow column stretches its spaces."""
_SMALL_PRINT = Page(text_width_pt=481.0, character_pt=5.0, column_pt=13.0)
"""A table in ``\\small`` on A4 with 2 cm margins; two ``\\tabcolsep`` of 6 pt and a rule per column."""


def latex_text(text: str) -> str:
    """Person-written text as LaTeX text: ASCII only, every special character a command."""
    out = []
    for char in text:
        if char in _SPECIALS:
            out.append(_SPECIALS[char])
        elif char in "\n\r":
            out.append(" ")  # a line break could start a paragraph or a table cell, where LaTeX refuses one
        elif char.isascii():
            out.append(char if char.isprintable() else " ")
        else:
            out.append(_unicode(char))
    return "".join(out)


_BREAK_AFTER = frozenset("\\{}()[]=+-,;^_/|")
"""Where a long line of written LaTeX may break: a formula copied from a sheet has few spaces."""


def _verbatim_line(line: str) -> str:
    """A line of written text in typewriter, every space kept, breakable after LaTeX's punctuation."""
    pieces = []
    for char in line:
        piece = "\\ " if char == " " else latex_text(char)
        pieces.append(piece + "\\allowbreak{}" if char in _BREAK_AFTER else piece)
    return "".join(pieces)


_MATH_UNICODE = re.compile(r"[^\x00-\x7f]")


_MATH_ACCENTS = {"\u0302": "hat", "\u0304": "bar", "\u0303": "tilde", "\u0307": "dot"}
_MATH_ACCENTED = re.compile(r"([A-Za-z])([\u0302\u0304\u0303\u0307])")


def _math(latex_source: str) -> str:
    """A formula from a report or a sheet; non-ASCII characters become commands that work in math
    mode (``ŷ`` is ``\\hat{y}`` there, not the text accent ``\\^{y}``)."""
    decomposed = _MATH_ACCENTED.sub(
        lambda match: rf"\{_MATH_ACCENTS[match[2]]}{{{match[1]}}}", unicodedata.normalize("NFD", latex_source)
    )
    return _MATH_UNICODE.sub(lambda match: _unicode(match.group()), unicodedata.normalize("NFC", decomposed))


_PREAMBLE = r"""\documentclass[a4paper,10pt]{{article}}
\usepackage[T1]{{fontenc}}
\usepackage{{lmodern}}
\usepackage{{{packages}}}
\usepackage{{array}}
\usepackage{{longtable}}
\usepackage{{graphicx}}
\usepackage[margin=2cm]{{geometry}}
\usepackage{{xcolor}}
\usepackage[hidelinks,pdfusetitle]{{hyperref}}
\ifdefined\pdftrailerid\pdftrailerid{{}}\fi
{colours}
\newcommand{{\verdict}}[2]{{\colorbox{{#1}}{{\textcolor{{white}}{{\small\bfseries\strut #2}}}}}}
\newcommand{{\fieldlabel}}[1]{{\par\smallskip\noindent\textbf{{#1}}\par\nopagebreak}}
\newsavebox{{\mathbox}}
\newcommand{{\fitmath}}[1]{{\sbox{{\mathbox}}{{$\displaystyle #1$}}%
  \ifdim\wd\mathbox>\linewidth\resizebox{{\linewidth}}{{!}}{{\usebox{{\mathbox}}}}\else\usebox{{\mathbox}}\fi}}
\newcommand{{\meta}}[1]{{{{\small\color{{darkgray}}#1}}}}
\setlength{{\parindent}}{{0pt}}
\setlength{{\parskip}}{{0.4em}}
\setlength{{\fboxsep}}{{1.5pt}}
\setlength{{\LTleft}}{{0pt}}
\title{{{title}}}
\author{{}}
\date{{}}
\begin{{document}}
{{\LARGE\bfseries {title}\par}}
\medskip
"""


class _LatexRenderer(DocumentRenderer):
    def render(self, document: Document) -> str:
        colours = "\n".join(rf"\definecolor{{tone{tone}}}{{HTML}}{{{colour}}}" for tone, colour in TONE_COLOURS.items())
        preamble = _PREAMBLE.format(
            packages=",".join(LATEX_PACKAGES), colours=colours, title=latex_text(document.title)
        )
        return "\n".join([preamble, *self.body(document), "\\end{document}\n"])

    def _print_Section(self, section: Section) -> str:
        heading = ""
        if section.heading:
            heading = f"\\section*{{{latex_text(section.heading)}}}\\hypertarget{{{section.anchor}}}{{}}\n"
        return heading + "\n".join(self.print(block) for block in section.blocks)

    # --- inline -------------------------------------------------------------------------------

    def _print_Text(self, node: Text) -> str:
        return _breakable(latex_text(node.text))

    def _print_Strong(self, node: Strong) -> str:
        return f"\\textbf{{{latex_text(node.text)}}}"

    def _print_Code(self, node: Code) -> str:
        return f"\\texttt{{{_breakable(latex_text(node.text))}}}"

    def _print_InlineMath(self, node: InlineMath) -> str:
        return f"\\({_math(node.math.latex)}\\)"

    def _print_Link(self, node: Link) -> str:
        return f"\\hyperlink{{{node.anchor}}}{{{_breakable(latex_text(node.text))}}}"

    def _print_Verdict(self, verdict: Verdict) -> str:
        return f"\\verdict{{tone{verdict.tone}}}{{{latex_text(verdict.mark)} {latex_text(verdict.word)}}}"

    # --- blocks -------------------------------------------------------------------------------

    def _print_Paragraph(self, node: Paragraph) -> str:
        return self.inlines(node.inlines) + "\n"

    def _print_DisplayMath(self, node: DisplayMath) -> str:
        return f"\\[ \\fitmath{{{_math(node.math.latex)}}} \\]\n"

    def _print_Verbatim(self, node: Verbatim) -> str:
        body = "\\\\\n".join(_verbatim_line(line) or "~" for line in node.text.split("\n"))
        return f"\\begingroup\\par\\smallskip\\leftskip=1.2em\\ttfamily\\small\\raggedright\n{body}\\par\\endgroup\n"

    def _print_Written(self, node: Written) -> str:
        """The answer typeset, its source in small typewriter under it; or the source and why it is not typeset."""
        if not node.shown:
            note = f"\\textit{{{latex_text(node.note)}}}\n"
            return note + self._print_Verbatim(Verbatim(node.source))
        parts = [self.print(block) for block in node.shown]
        if node.show_source:
            lines = "\\\\\n".join(_verbatim_line(line) for line in node.source.split("\n") if line.strip())
            parts.append(f"{{\\footnotesize\\color{{darkgray}}\\raggedright Source: \\texttt{{{lines}}}\\par}}\n")
        return "\n".join(parts)

    def _print_Table(self, table: Table) -> str:
        shares = column_shares(table, _SMALL_PRINT)
        columns = "|".join("l" if share is None else f"{_RAGGED}p{{{share:.3f}\\textwidth}}" for share in shares)
        header = " & ".join(f"\\textbf{{{latex_text(name)}}}" for name in table.header)
        rows = "\n".join(" & ".join(self.inlines(cell) for cell in row) + " \\\\ \\hline" for row in table.rows)
        return (
            "{\\small\\renewcommand{\\arraystretch}{1.25}\n"
            f"\\begin{{longtable}}{{|{columns}|}}\n\\hline\n{header} \\\\ \\hline\n\\endhead\n{rows}\n"
            "\\end{longtable}}\n"
        )

    def _print_Field(self, field: Field) -> str:
        blocks = "\n".join(self.print(block) for block in field.blocks)
        return f"\\fieldlabel{{{latex_text(field.label)}}}\n{blocks}"

    def _print_ClaimCard(self, card: ClaimCard) -> str:
        fields = "\n".join(self.print(field) for field in card.fields)
        return (
            f"\\subsection*{{{latex_text(card.heading)}}}\\hypertarget{{{card.anchor}}}{{}}\n"
            f"{self.print(card.verdict)}\n\n{fields}\n"
        )

    def _print_StepItem(self, step: StepItem) -> str:
        head = f"\\textbf{{{latex_text(step.title)}}}"
        if step.verdict is not None:
            head += f"\\quad {self.print(step.verdict)}"
        if step.meta:
            head += f"\\quad \\meta{{{self.inlines(step.meta)}}}"
        parts = [
            "\\par\\medskip\\noindent " + head + "\\par\\nopagebreak",
            f"\\[ \\fitmath{{{_math(step.math.latex)}}} \\]",
        ]
        if step.justification:
            parts.append(self.inlines(step.justification) + "\n")
        parts.extend(self.print(note) for note in step.notes)
        return "\n".join(parts)

    def _print_DerivationBlock(self, block: DerivationBlock) -> str:
        line = f"\\texttt{{{latex_text(block.name)}}}"
        if block.verdict is not None:
            line += f"\\quad {self.print(block.verdict)}"
        # ragged: a heading's formula cannot be broken, and a justified line would push it into the margin
        heading = f"\\subsection*{{\\raggedright {self.inlines(block.heading)}}}\\hypertarget{{{block.anchor}}}{{}}"
        return "\n".join([heading, line + "\n", *self.derivation_parts(block)])


def render_latex(document: Document) -> str:
    """The complete LaTeX source of ``document``; pure ASCII."""
    return _LatexRenderer().render(document)
