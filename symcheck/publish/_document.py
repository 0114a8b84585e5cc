"""The format-neutral document every output format is printed from.

A solution sheet or a library reference is composed once (:mod:`symcheck.publish._compose`) into
these frozen dataclasses, and each renderer (LaTeX, HTML, Typst, Markdown, Jupyter) only walks
them. Everything a reader sees is decided here: the words ("Expected", "verified"), the numbers
as they are formatted, the order of parts, which derivation is shown where. A renderer decides
only how things look, so the formats cannot drift apart in what they say.

Formulas are :class:`Math` values: the LaTeX that the reports carry and, where there is one, the
SymPy statement it was printed from, so the Typst renderer prints the object with the Typst
printer instead of translating LaTeX.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "Block",
    "ClaimCard",
    "Code",
    "DerivationBlock",
    "DisplayMath",
    "Document",
    "Field",
    "Inline",
    "InlineMath",
    "Link",
    "Math",
    "Paragraph",
    "Section",
    "StepItem",
    "Strong",
    "Table",
    "Text",
    "Verbatim",
    "Verdict",
    "Written",
]

Tone = Literal["good", "bad", "warn", "unknown", "neutral"]
"""How a verdict is coloured: the renderers map tones to colours, never statuses to colours."""


@dataclass(frozen=True)
class Math:
    """A formula: the LaTeX body (no ``$``) and, when known, the SymPy statement it prints.

    ``latex`` is what the LaTeX, HTML (MathML) and Markdown outputs show. ``statement`` (a SymPy
    object or :class:`~symcheck.model.ShapeIs`) lets the Typst output use the Typst printer; when it
    is None (LaTeX that only exists in a report, such as a grader's correction) Typst is converted
    from the validated MathML of ``latex``.
    """

    latex: str
    statement: object | None = None


@dataclass(frozen=True)
class Verdict:
    """A verdict as shown: its status word, a mark that does not rely on colour, and a tone."""

    word: str
    mark: str
    tone: Tone


# --------------------------------------------------------------------------- inline content


@dataclass(frozen=True)
class Text:
    """Plain text written by someone (an author, a student, a grader): always escaped."""

    text: str


@dataclass(frozen=True)
class Strong:
    text: str


@dataclass(frozen=True)
class Code:
    """Text shown exactly as written, in a monospace face (a claim id, a derivation's name)."""

    text: str


@dataclass(frozen=True)
class InlineMath:
    math: Math


@dataclass(frozen=True)
class Link:
    """A reference to an anchor of the same document (``text`` is what the reader sees)."""

    text: str
    anchor: str


Inline = Text | Strong | Code | InlineMath | Link | Verdict


# --------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Paragraph:
    inlines: tuple[Inline, ...]


@dataclass(frozen=True)
class DisplayMath:
    math: Math


@dataclass(frozen=True)
class Verbatim:
    """A block of text kept exactly as written, line breaks and all (a student's claim)."""

    text: str


@dataclass(frozen=True)
class Written:
    """A student's answer: typeset (``shown``), beside the text it was typeset from (``source``).

    ``shown`` holds a display formula, or a paragraph for an answer in words; it is empty when the
    text could not be typeset (OCR debris, LaTeX that some format cannot print), and ``note`` then
    says so. ``show_source`` is False when the source would only repeat what is shown (words
    without formulas). Renderers put the source one click away where they can (HTML, Markdown)
    and in small type under the typeset answer on paper.
    """

    source: str
    shown: tuple[Block, ...]
    note: str = ""
    show_source: bool = True


@dataclass(frozen=True)
class Table:
    """A small table; each cell is a run of inline content."""

    header: tuple[str, ...]
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]


@dataclass(frozen=True)
class Field:
    """A labelled part of a card: "Expected", "Correction", "Diagnosis", ..."""

    label: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class ClaimCard:
    """One graded claim: its heading, its verdict, and the labelled fields that explain it."""

    anchor: str
    heading: str
    verdict: Verdict
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class StepItem:
    """One step of a derivation: the statement, why it follows, and how it was checked.

    ``verdict`` is None when the derivation is shown without having been verified (in Jupyter).
    ``notes`` hold what a failed or undecided step needs: what it was compared with, where it fails.
    """

    title: str
    """What the step is called: "Step 3", "Result"."""
    math: Math
    justification: tuple[Inline, ...]
    """Why the step follows, its formulas typeset."""
    meta: tuple[Inline, ...]
    """The rule it applies and how it was checked, in small print."""
    verdict: Verdict | None
    notes: tuple[Field, ...] = ()


@dataclass(frozen=True)
class DerivationBlock:
    """A derivation in full: summary, definitions, steps, declared result and numeric checks."""

    anchor: str
    heading: tuple[Inline, ...]
    """The derivation's title, its formulas typeset."""
    name: str
    verdict: Verdict | None
    intro: tuple[Block, ...]
    steps: tuple[StepItem, ...]
    result: StepItem | None
    checks: Table | None


Block = Paragraph | DisplayMath | Verbatim | Written | Table | ClaimCard | DerivationBlock


@dataclass(frozen=True)
class Section:
    anchor: str
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    """A whole solution sheet or reference: a title, an overview, then its sections in order."""

    title: str
    intro: tuple[Block, ...]
    sections: tuple[Section, ...]
    language: str = "en"

    def formulas(self) -> list[Math]:
        """Every formula of the document, in reading order (what renderers validate up front)."""
        found: list[Math] = []
        for block in self.intro:
            _collect(block, found)
        for section in self.sections:
            for block in section.blocks:
                _collect(block, found)
        return found


def _collect(node: object, found: list[Math]) -> None:
    if isinstance(node, Math):
        found.append(node)
    elif isinstance(node, (DisplayMath, InlineMath)):
        found.append(node.math)
    elif isinstance(node, Paragraph):
        for inline in node.inlines:
            _collect(inline, found)
    elif isinstance(node, Table):
        for row in node.rows:
            for cell in row:
                for inline in cell:
                    _collect(inline, found)
    elif isinstance(node, Field):
        for block in node.blocks:
            _collect(block, found)
    elif isinstance(node, Written):
        for block in node.shown:
            _collect(block, found)
    elif isinstance(node, ClaimCard):
        for field in node.fields:
            _collect(field, found)
    elif isinstance(node, StepItem):
        found.append(node.math)
        for inline in (*node.justification, *node.meta):
            _collect(inline, found)
        for note in node.notes:
            _collect(note, found)
    elif isinstance(node, DerivationBlock):
        for inline in node.heading:
            _collect(inline, found)
        for block in node.intro:
            _collect(block, found)
        for step in node.steps:
            _collect(step, found)
        if node.result is not None:
            _collect(node.result, found)
        if node.checks is not None:
            _collect(node.checks, found)
