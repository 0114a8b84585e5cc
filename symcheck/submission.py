"""Plain data for a student's submission as read from its file: parts, formulas and sentences, with places.

A submission is read once (:func:`symcheck.reader.read_submission`) from Markdown with LaTeX (as OCR
tools write it), a LaTeX document, or a Jupyter notebook, into these frozen records. Grading then
works on them alone: every formula and every sentence of the sheet is a :class:`Formula` or a
:class:`Sentence` here, so a report can say how many it graded out of how many, and quote each one
verbatim with its place.

Offsets index :attr:`Submission.text`, the text the sheet's answers were read from: the whole file
for Markdown and LaTeX, the Markdown cells joined by blank lines for a notebook. :meth:`Submission.place`
turns an offset into a place in the *file* (a notebook's cell, line and column).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from symcheck.sheet import SourceLocation

__all__ = ["Block", "Formula", "Heading", "Sentence", "Submission"]


@dataclass(frozen=True)
class Heading:
    """A heading that starts a part: ``Answer 1``, ``(b)``, ``2(c)``, ``Q2 — …``, ``\\item[(a)]``.

    ``question`` and ``letter`` are what the heading names (either may be None: ``(b)`` names no
    question, ``Answer 2`` no letter); ``continued`` marks ``a) contd.``: the part goes on.
    """

    start: int
    end: int
    text: str
    question: str | None
    letter: str | None
    continued: bool = False


@dataclass(frozen=True)
class Formula:
    """One piece of mathematics: its body's offsets and text, and how it was written.

    ``display`` is true for ``$$…$$``, ``\\[…\\]`` and environments; ``line_start`` says whether it is
    the first thing on its line (a formula that opens a line may continue the one above).
    """

    start: int
    end: int
    body: str
    display: bool
    delimiter: str
    heading: int
    """The index of the heading it stands under (−1: before any heading)."""
    line_start: bool = False
    line_end: bool = False


@dataclass(frozen=True)
class Sentence:
    """A sentence of prose (its inline formulas included), as written, with its offsets."""

    start: int
    end: int
    text: str
    heading: int


@dataclass(frozen=True)
class Block:
    """A contiguous piece of :attr:`Submission.text` taken from one place of the file (a notebook cell)."""

    start: int
    end: int
    cell: int | None
    """The 1-based cell number in a notebook; None for a plain file."""
    first_line: int
    """The file line (or the cell's line) of the block's first character, 1-based."""


@dataclass(frozen=True)
class Submission:
    """A student's sheet as read: its text, headings, formulas and sentences, in the order written."""

    path: str
    """How reports name the file (relative where it can be)."""
    student: str
    """The file's stem: the student, for a gradebook."""
    format: str
    """``markdown``, ``latex`` or ``notebook``."""
    text: str
    headings: tuple[Heading, ...]
    formulas: tuple[Formula, ...]
    sentences: tuple[Sentence, ...]
    blocks: tuple[Block, ...]
    line_starts: tuple[int, ...]

    def place(self, offset: int) -> SourceLocation:
        """The file place of ``offset``: line and column (within its cell for a notebook)."""
        starts = [block.start for block in self.blocks]
        index = max(0, bisect.bisect_right(starts, offset) - 1)
        block = self.blocks[index] if self.blocks else Block(0, len(self.text), None, 1)
        line_index = bisect.bisect_right(self.line_starts, offset) - 1
        first_index = bisect.bisect_right(self.line_starts, block.start) - 1
        line = block.first_line + (line_index - first_index)
        column = offset - self.line_starts[line_index] + 1
        path = self.path if block.cell is None else f"{self.path} cell {block.cell}"
        return SourceLocation(path, line, column)

    def line_of(self, offset: int) -> int:
        """The 1-based line of :attr:`text` that holds ``offset``."""
        return bisect.bisect_right(self.line_starts, offset)

    @property
    def empty(self) -> bool:
        """No formula and no sentence: nothing was answered."""
        return not self.formulas and not self.sentences
