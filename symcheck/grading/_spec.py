"""The homework key as plain data: parts, quantities, statements, notation, and the values they name.

A key (TOML, one per homework) is read by :mod:`symcheck.grading._homework` into these frozen
records. They say what a question asks and what its correct answers are *as computations* (a value
of the library, a shape, a relation to decide), never whether a student is right.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from symcheck.grading._places import Place

__all__ = [
    "Alternative",
    "CallMeaning",
    "Check",
    "Homework",
    "NotationSpec",
    "PartSpec",
    "Quantity",
    "QuestionSpec",
    "Statement",
    "ValueSpec",
]


@dataclass(frozen=True)
class ValueSpec:
    """One value the key refers to: where it comes from, and how to take the part that is meant.

    ``source`` is one of ``library`` (an export of a library module that registers derivations),
    ``derivation`` (a registered derivation's result or step), ``sympy`` (SymPy syntax, read without
    executing anything), ``latex`` (read with the homework's notation) or ``number`` (exact).
    """

    source: str
    text: str
    item: str | int | None = None
    side: str | None = None
    step: str | int | None = None
    select: str | None = None
    where: tuple[tuple[str, str], ...] = ()
    names: tuple[tuple[str, ValueSpec], ...] = ()
    data: tuple[tuple[str, Any], ...] = ()
    place: Place | None = None

    def describe(self) -> str:
        """How the key wrote it, for messages (``library bce.mean_bce``)."""
        text = f"{self.source} {self.text}"
        if self.item is not None:
            text += f"[{self.item!r}]"
        if self.step is not None:
            text += f", step {self.step!r}"
        if self.side:
            text += f", {self.side}"
        return text


@dataclass(frozen=True)
class Alternative:
    """One acceptable reading of a quantity (1(d): the mean BCE, or one 3-class cross-entropy)."""

    name: str
    value: ValueSpec
    derivation: str | None = None


@dataclass(frozen=True)
class CallMeaning:
    """What a call on a sheet stands for: ``p(x_i)`` is the entry p_i (``indexed``); ``BCE(y_k, …)`` is the
    quantity ``quantity`` at the index k its first argument carries; ``function`` gives F a meaning."""

    name: str
    indexed: str | None = None
    quantity: str | None = None
    function: str | None = None


@dataclass(frozen=True)
class NotationSpec:
    """How sheets write a scope (the homework, a question, a part): the reader's table and the synonyms."""

    functions: tuple[str, ...] = ()
    indexed: tuple[str, ...] = ()
    layered: tuple[str, ...] = ()
    integers: tuple[str, ...] | None = None
    kronecker: str | None = None
    sum_range: tuple[int | str, int | str] | None = None
    names: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Each name as the key writes it, with the other spellings a sheet may use for it."""
    calls: tuple[CallMeaning, ...] = ()
    vectors: tuple[tuple[str, str], ...] = ()
    """Names that stand for whole vectors when written bare, with their length (``\\hat{y}`` of length K)."""
    roles: tuple[tuple[str, str], ...] = ()
    """Which names are the labels, the predictions and the logits, for the catalogue of mistakes."""
    matrices: tuple[tuple[str, tuple[int | str, int | str]], ...] = ()
    """Names that are matrices, with their shape (``X = ["n", "d"]``)."""
    identity: str | None = None
    """The name of the identity matrix (``I``), whose size comes from the matrices beside it."""
    rows: tuple[tuple[str, str], ...] = ()
    """Names of a matrix's rows (``x = "X"``: x_i is the i-th row of X as a column vector, x_{ij} its entry)."""
    domains: tuple[tuple[str, str], ...] = ()
    """Where names live (``y = "unit_interval"``, ``\\hat{y} = "simplex"``): assumptions for proofs, and the
    points a counterexample may take, so that it stays inside the question (a label in [0, 1])."""

    def merged(self, other: NotationSpec) -> NotationSpec:
        """These settings extended (lists, names, calls) or overridden (ranges) by a narrower scope's."""
        names = dict(self.names)
        for name, spellings in other.names:
            names[name] = tuple(dict.fromkeys((*names.get(name, ()), *spellings)))
        calls = {call.name: call for call in self.calls}
        calls.update({call.name: call for call in other.calls})
        return NotationSpec(
            functions=tuple(dict.fromkeys((*self.functions, *other.functions))),
            indexed=tuple(dict.fromkeys((*self.indexed, *other.indexed))),
            layered=tuple(dict.fromkeys((*self.layered, *other.layered))),
            integers=other.integers if other.integers is not None else self.integers,
            kronecker=other.kronecker or self.kronecker,
            sum_range=other.sum_range or self.sum_range,
            names=tuple(names.items()),
            calls=tuple(calls.values()),
            vectors=tuple({**dict(self.vectors), **dict(other.vectors)}.items()),
            roles=tuple({**dict(self.roles), **dict(other.roles)}.items()),
            domains=tuple({**dict(self.domains), **dict(other.domains)}.items()),
            matrices=tuple({**dict(self.matrices), **dict(other.matrices)}.items()),
            identity=other.identity or self.identity,
            rows=tuple({**dict(self.rows), **dict(other.rows)}.items()),
        )


@dataclass(frozen=True)
class Check:
    """The computation that decides a statement in words: ``kind`` and its values.

    ``identity`` (left = right; ``objective``: a monotone transform of one being the other is loose,
    not wrong), ``relation`` (a relation that must hold), ``linearity`` (an expression is linear in a
    variable), ``overflow`` (an expression overflows IEEE doubles at a point), ``derivation`` (a
    registered derivation's result, or one of its steps, holds).
    """

    kind: str
    values: tuple[tuple[str, ValueSpec], ...] = ()
    variable: str | None = None
    at: tuple[tuple[str, Any], ...] = ()
    objective: bool = False
    derivation: str | None = None
    step: str | int | None = None
    assume: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def value(self, name: str) -> ValueSpec | None:
        return dict(self.values).get(name)


@dataclass(frozen=True)
class Quantity:
    """Something a student may state in a part: what it is about, and its correct value(s) or shape."""

    id: str
    part: str
    name: str
    about: tuple[str, ...]
    kind: str = "value"
    values: tuple[Alternative, ...] = ()
    indices: tuple[str, ...] = ()
    distinct: tuple[tuple[str, str], ...] = ()
    shape: tuple[int | str, ...] | None = None
    batch_shape: tuple[int | str, ...] | None = None
    of: tuple[str, ...] = ()
    given: tuple[str, ...] = ()
    entrywise: bool = False
    entry_of: bool = False
    """The value is a whole vector and the quantity is its entry ``indices[0]`` (w_1 of the w of 1(e))."""
    derivation: str | None = None
    place: Place | None = None


@dataclass(frozen=True)
class Statement:
    """A statement in words that counts, or a known misconception, with the check that decides it."""

    id: str
    part: str
    claim: str
    match: tuple[tuple[str, ...], ...]
    check: Check
    misconception: str | None = None
    derivation: str | None = None
    formula: str | None = None
    """The statement as a relation a sheet may write (``z_i - \\beta \\le 0``): such a formula is judged by the
    check."""
    place: Place | None = None


@dataclass(frozen=True)
class PartSpec:
    """One part of the homework (``1(d)``): its question, points, data, notation, quantities and statements."""

    part: str
    question_number: str
    letter: str
    points: float
    question: str = ""
    data: tuple[tuple[str, Any], ...] = ()
    notation: NotationSpec = field(default_factory=NotationSpec)
    quantities: tuple[Quantity, ...] = ()
    statements: tuple[Statement, ...] = ()
    answer: str | None = None
    """The quantity a lone boxed result of this part is taken to be (2(c): ∂ŷ_k/∂z_i)."""
    one_hot: str | None = None
    """The label named here is one-hot in this part: ``∂L/∂z_k = ŷ_k − 1`` for its true class k."""
    batch: str | None = None
    """The batch size's name: a shape that mentions it is a batch shape."""
    define: tuple[tuple[str, ValueSpec], ...] = ()
    """Names the part gives a meaning (``L`` is the cross-entropy loss), so that ``∂L/∂ŷ · ∂ŷ/∂z`` can be worked out."""
    solves: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """The unknowns the part solves for, each with the quantities that are its answer (``w`` = the least-squares
    solution): an equation in an unknown (``XᵀXw = Xᵀy``, ``2w_1 + w_2 = 3``) is a condition the answer must
    satisfy, not an identity."""
    place: Place | None = None


@dataclass(frozen=True)
class QuestionSpec:
    number: str
    title: str = ""
    notation: NotationSpec = field(default_factory=NotationSpec)


@dataclass(frozen=True)
class Homework:
    """A whole key: the homework's name, its notation, questions and parts, and the files beside it."""

    path: Path
    name: str
    title: str
    notation: NotationSpec
    questions: tuple[QuestionSpec, ...]
    parts: tuple[PartSpec, ...]
    questions_file: Path | None = None
    sheet: Path | None = None
    class_folder: Path | None = None
    digest: str = ""
    """The key file's content hash: what a value resolved from the key depends on (caches are keyed by it)."""

    @property
    def letters(self) -> str:
        return "".join(sorted({part.letter for part in self.parts}))

    def part(self, name: str) -> PartSpec | None:
        for part in self.parts:
            if part.part == name:
                return part
        return None

    def question(self, number: str) -> QuestionSpec | None:
        for question in self.questions:
            if question.number == number:
                return question
        return None

    def notation_of(self, part: PartSpec) -> NotationSpec:
        """The notation in force in ``part``: the homework's, its question's, then its own."""
        question = self.question(part.question_number)
        notation = self.notation
        if question is not None:
            notation = notation.merged(question.notation)
        return notation.merged(part.notation)

    def quantity(self, identifier: str) -> Quantity | None:
        for part in self.parts:
            for quantity in part.quantities:
                if quantity.id == identifier:
                    return quantity
        return None

    @property
    def points(self) -> float:
        return sum(part.points for part in self.parts)
