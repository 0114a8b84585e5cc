"""What grading finds on a sheet before judging it: chains of formulas, shapes, conditions, unreadable formulas.

These records live only while one sheet is graded; the report (:mod:`symcheck.sheet`) keeps strings.
Offsets index the submission's text, so every claim can quote its text verbatim and give its place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from symcheck.grading._parts import Place

__all__ = ["Chain", "Condition", "Item", "Shape", "Term", "Unreadable"]


@dataclass(frozen=True)
class Term:
    """One term of a chain: its value (in the key's names), its text, and where that text stands."""

    value: sp.Basic
    text: str
    start: int
    end: int
    summands: tuple[sp.Basic, ...] | None = None
    boxed: bool = False


@dataclass(frozen=True)
class Condition:
    """A case a formula is written under: ``i = k``, ``i ≠ k`` (indices), ``w < 0`` (a sign), or one-hot."""

    kind: str
    """``equal``, ``distinct``, ``sign``, ``range``, ``one_hot``, ``value`` (a name set to a number: *if
    $y_i = 1$*) or ``assumption`` (*when $0 < \\alpha\\lambda < 1$*)."""
    first: sp.Basic | None = None
    second: sp.Basic | None = None
    sign: str | None = None


@dataclass
class Item:
    """Something found on a sheet, in a part, to be graded or reported as not graded."""

    place: Place
    start: int
    end: int
    formulas: tuple[int, ...]
    """The indices of the submission's formulas it comes from."""
    conditions: tuple[Condition, ...] = ()

    @property
    def part(self) -> str | None:
        return self.place.part


@dataclass
class Chain(Item):
    """``t0 R1 t1 R2 t2 …``, possibly continued across displays (``= σ(z)(1 − σ(z)) =`` then ``ŷ(1 − ŷ)``)."""

    terms: list[Term] = field(default_factory=list)
    relations: list[str] = field(default_factory=list)
    leading: str | None = None
    trailing: str | None = None


@dataclass
class Shape(Item):
    """``W^{[1]} \\in \\mathbb{R}^{D_a \\times D_x}``, ``b^1 = D_a \\times 1`` or a lone ``D_a \\times 1``."""

    subject: sp.Basic | None = None
    subject_text: str = ""
    dimensions: tuple[sp.Basic, ...] = ()
    text: str = ""


@dataclass
class Unreadable(Item):
    """A formula the reader refused, with its message and the file place of the problem."""

    text: str = ""
    message: str = ""
    line: int | None = None
    column: int | None = None
    reason: str = "unreadable"
