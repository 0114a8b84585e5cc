"""GitHub-flavoured Markdown for a :class:`~symcheck.publish._document.Document`, with math GitHub renders.

Display math is written in ```` ```math ```` fences and inline math as ``$`…`$``, not between bare
``$$`` / ``$``. GitHub runs Markdown over the inside of ``$$ … $$`` before MathJax sees it: a
backslash before punctuation is eaten (``\\{`` → ``{``, ``\\\\`` → ``\\``, ``\\,`` → ``,``), and
``}_{`` … ``_{`` pairs become emphasis (github/markup#1547, #1575, #1746; mathjax/MathJax#2953:
``\\hat{A}_{1,2} = B_{1,2}`` fails on GitHub). Our formulas are full of exactly that
(``\\hat{y}_{i} (\\delta_{i k} - \\hat{y}_{k})``). Escaping for Markdown would fix GitHub and break
every renderer that treats ``$$`` literally, while both fenced and backtick-delimited math are
documented by GitHub to pass the LaTeX through untouched (GitLab and VS Code read them too).

Text is escaped for CommonMark; verdicts carry their mark and word, plus a coloured circle, since
GitHub strips colour from Markdown.
"""

from __future__ import annotations

import re

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
from symcheck.publish._renderer import DocumentRenderer

__all__ = ["markdown_text", "render_markdown"]

_TONE_SIGNS = {"good": "🟢", "bad": "🔴", "warn": "🟠", "unknown": "🟣", "neutral": "⚪"}
_ESCAPED = re.compile(r"([\\`*_\[\]<>|$~&])")
"""Characters with a meaning anywhere in a line: escapes, code, emphasis, links, HTML, tables, math,
strikethrough, entities. (Parentheses and braces mean nothing once brackets are escaped.)"""
_BLOCK_START = re.compile(r"^(\s*)([-+=#]|\d{1,9}[.)](?=\s|$))")
"""What turns the start of a line into a list item, a rule, a setext underline or a heading."""


def markdown_text(text: str) -> str:
    """Text that CommonMark and GitHub show as written: characters with a meaning are backslash-escaped.

    Line breaks become spaces, and a run that would start a line as a list item, a rule or a
    heading (``- ``, ``1. ``, ``#``, ``===``) has that character escaped too.
    """
    escaped = _ESCAPED.sub(r"\\\1", " ".join(text.splitlines()))
    return _BLOCK_START.sub(lambda match: match[1] + match[2][:-1] + "\\" + match[2][-1], escaped)


def _code_span(text: str) -> str:
    """Inline code that may itself contain backticks: a longer fence, padded with spaces."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if text.startswith("`") or text.endswith("`") or longest else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def _fence(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


class _MarkdownRenderer(DocumentRenderer):
    def __init__(self) -> None:
        self._in_table = False
        """Inside a GFM table cell, where ``|`` ends the cell even in code and math and must be escaped."""

    def render(self, document: Document) -> str:
        return "\n".join([f"# {markdown_text(document.title)}\n", *self.body(document)]).rstrip("\n") + "\n"

    def _print_Section(self, section: Section) -> str:
        heading = f'<a id="{section.anchor}"></a>\n\n## {markdown_text(section.heading)}\n' if section.heading else ""
        return heading + "\n".join(self.print(block) for block in section.blocks)

    def _cell_safe(self, text: str) -> str:
        return text.replace("|", "\\|") if self._in_table else text

    # --- inline -------------------------------------------------------------------------------

    def _print_Text(self, node: Text) -> str:
        return markdown_text(node.text)

    def _print_Strong(self, node: Strong) -> str:
        """Bold, its surrounding spaces outside the markers (``**Score: **`` is not bold in CommonMark)."""
        core = node.text.strip()
        if not core:
            return markdown_text(node.text)
        before = node.text[: len(node.text) - len(node.text.lstrip())]
        after = node.text[len(node.text.rstrip()) :]
        return f"{markdown_text(before)}**{markdown_text(core)}**{markdown_text(after)}"

    def _print_Code(self, node: Code) -> str:
        return self._cell_safe(_code_span(node.text))

    def _print_InlineMath(self, node: InlineMath) -> str:
        latex = node.math.latex
        if "`" in latex:
            raise BuildError(f"the formula {latex!r} contains a backtick, which inline Markdown math cannot hold")
        return self._cell_safe(f"$`{latex}`$")

    def _print_Link(self, node: Link) -> str:
        return f"[{markdown_text(node.text)}](#{node.anchor})"

    def _print_Verdict(self, verdict: Verdict) -> str:
        return f"{_TONE_SIGNS[verdict.tone]} **{markdown_text(verdict.mark)} {markdown_text(verdict.word)}**"

    # --- blocks -------------------------------------------------------------------------------

    def _print_Paragraph(self, node: Paragraph) -> str:
        return self.inlines(node.inlines) + "\n"

    def _print_DisplayMath(self, node: DisplayMath) -> str:
        return _display(node.math.latex)

    def _print_Verbatim(self, node: Verbatim) -> str:
        fence = _fence(node.text)
        return f"{fence}text\n{node.text}\n{fence}\n"

    def _print_Written(self, node: Written) -> str:
        """The answer typeset, its LaTeX source folded away in a ``<details>`` (GitHub renders it);
        an answer that could not be typeset as a code block, with the note saying so."""
        fence = _fence(node.source)
        if not node.shown:
            return f"*{markdown_text(node.note)}*\n\n{fence}text\n{node.source}\n{fence}\n"
        parts = [self.print(block) for block in node.shown]
        if node.show_source:
            parts.append(f"<details><summary>source</summary>\n\n{fence}latex\n{node.source}\n{fence}\n\n</details>\n")
        return "\n".join(parts)

    def _print_Table(self, table: Table) -> str:
        header = "| " + " | ".join(markdown_text(name) for name in table.header) + " |"
        rule = "|" + "|".join(" --- " for _ in table.header) + "|"
        self._in_table = True
        try:
            rows = ["| " + " | ".join(self.inlines(cell) or " " for cell in row) + " |" for row in table.rows]
        finally:
            self._in_table = False
        return "\n".join([header, rule, *rows]) + "\n"

    def _print_Field(self, field: Field) -> str:
        blocks = "\n".join(self.print(block) for block in field.blocks)
        return f"**{markdown_text(field.label)}**\n\n{blocks}"

    def _print_ClaimCard(self, card: ClaimCard) -> str:
        fields = "\n".join(self.print(field) for field in card.fields)
        heading = f"### {markdown_text(card.heading)} {self.print(card.verdict)}"
        return f'<a id="{card.anchor}"></a>\n\n{heading}\n\n{fields}'

    def _print_StepItem(self, step: StepItem) -> str:
        head = f"**{markdown_text(step.title)}**"
        if step.verdict is not None:
            head += f" {self.print(step.verdict)}"
        if step.meta:
            head += f" *{self.inlines(step.meta)}*"
        parts = [head + "\n", _display(step.math.latex)]
        if step.justification:
            parts.append(self.inlines(step.justification) + "\n")
        parts.extend(self.print(note) for note in step.notes)
        return "\n".join(parts)

    def _print_DerivationBlock(self, block: DerivationBlock) -> str:
        line = _code_span(block.name)
        if block.verdict is not None:
            line += f" {self.print(block.verdict)}"
        heading = f'<a id="{block.anchor}"></a>\n\n### {self.inlines(block.heading)}\n'
        return "\n".join([heading, line + "\n", *self.derivation_parts(block)])


def _display(latex: str) -> str:
    """Display math in a ```` ```math ```` fence (longer if the formula holds backticks)."""
    fence = _fence(latex)
    return f"{fence}math\n{latex}\n{fence}\n"


def render_markdown(document: Document) -> str:
    """The GitHub Markdown of ``document``."""
    return _MarkdownRenderer().render(document)
