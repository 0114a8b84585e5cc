r"""What a student reads about each claim: the verdict in words, the correct value, and the mistake, if any.

The prose speaks the question's language, never the engine's: no method names, no registry ids, no
``lhs``/``rhs``, no proof inequalities. Those go to the claim's ``evidence`` (JSON only). Numbers have
one format: the student's own as written, and the correct value to 6 significant digits. A point where
a wrong formula departs from the right one is shown in the question's own notation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import mpmath
import sympy as sp

from symcheck.grading._judge import Judgement
from symcheck.grading._mistakes import Diagnosis
from symcheck.grading._numbers import decimal_text, latex_significant, numeric_value, precision_of
from symcheck.grading._present import exact_form
from symcheck.grading._spec import Quantity
from symcheck.printing import latex
from symcheck.results import Counterexample
from symcheck.sheet import ClaimResult

if TYPE_CHECKING:
    from symcheck.grading._items import Shape, Term
    from symcheck.grading._match import Match

__all__ = ["Wording", "number", "present_value"]

DIGITS = 6
"""Significant digits of a correct value as the report shows it."""


def number(value: mpmath.mpf | float) -> str:
    """A correct value to 6 significant digits, as LaTeX (``2.30259``, ``9.08 \\times 10^{-5}``)."""
    return latex_significant(value, DIGITS)


def present_value(value: sp.Basic) -> str:
    """LaTeX of a correct value: a number as its exact form ≈ 6 digits (or just the digits), a formula as is."""
    if isinstance(value, sp.Basic) and not value.free_symbols:
        numeric = numeric_value(value)
        exact = exact_form(value)
        if numeric is None:
            return latex(exact)
        shown = number(numeric)
        if isinstance(exact, sp.Rational) or exact.is_Integer:
            return shown
        return rf"{latex(exact)} \approx {shown}"
    return latex(value)


_INDEXED = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\[([^\]]+)\]$")


def _name_latex(name: str) -> str:
    found = _INDEXED.match(name.strip())
    if found is not None:
        indices = [sp.Symbol(part.strip()) for part in found.group(2).split(",")]
        return latex(sp.IndexedBase(found.group(1))[tuple(indices)])
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name.strip()):
        return latex(sp.Symbol(name.strip()))
    return name


def _value_text(text: str) -> str:
    try:
        value = sp.Rational(text)
    except (TypeError, ValueError):
        return text
    return decimal_text(value, 0) if value.is_Integer else number(mpmath.mpf(value.p) / value.q)


def point_text(counterexample: Counterexample) -> str:
    """Where two formulas differ, in the question's notation: ``$\\hat{y}_{k} = 0.3$, $K = 3$``."""
    shown = []
    for name, value in counterexample.point:
        if "=" in value and not name:
            shown.append(f"${value}$")
            continue
        shown.append(f"${_name_latex(name)} = {_value_text(value)}$")
    return ", ".join(shown)


def _values_text(counterexample: Counterexample) -> tuple[str, str]:
    def one(text: str) -> str:
        try:
            return number(mpmath.mpf(sp.Rational(text).p) / sp.Rational(text).q)
        except (TypeError, ValueError, ZeroDivisionError):
            return text

    return one(counterexample.lhs), one(counterexample.rhs)


def _names_typeset(text: str, expression: sp.Basic | None) -> str:
    """The engine's plain names in a sentence (``yhat``, ``X``) typeset as the sheet's maths (ŷ, X)."""
    if not isinstance(expression, sp.Basic):
        return text
    names = {str(atom.name): atom for atom in expression.atoms(sp.MatrixSymbol)}
    names.update({str(atom): atom for atom in expression.atoms(sp.Symbol) if not atom.is_integer})
    for name in sorted(names, key=len, reverse=True):
        shown = latex(sp.Symbol(name))
        if shown != name:
            text = re.sub(rf"(?<![A-Za-z$\\]){re.escape(name)}(?![A-Za-z])", lambda _, shown=shown: f"${shown}$", text)
    return text


@dataclass(frozen=True)
class Wording:
    """Fills in a claim's words: ``expected``, ``correction``, ``diagnosis``, ``explanation``, ``evidence``."""

    def _backing(self, judged: Judgement) -> tuple[str | None, str]:
        backing = judged.valued.backing if judged.valued is not None else None
        if backing is None:
            return None, ""
        return backing.name, f" (derived in the reference: “{backing.title}”)"

    def expected(self, subject: Term | None, judged: Judgement, match: Match) -> str:
        body = present_value(judged.valued.value) if judged.valued is not None else ""
        if subject is not None:
            return f"{latex(subject.value)} = {body}"
        return body

    def departs(self, judged: Judgement, written: str = "") -> str:
        """Where a wrong answer departs from the right one, in words."""
        if judged.departure:
            return judged.departure
        if judged.student_value is not None and judged.correct_value is not None:
            shown = f"${written.strip()}$" if written.strip() else f"${number(judged.student_value)}$"
            return f"it gives {shown} where the answer is ${number(judged.correct_value)}$"
        counterexample = getattr(judged, "counterexample", None)
        if counterexample is not None:
            yours, right = _values_text(counterexample)
            return f"at {point_text(counterexample)} it gives ${yours}$ where the answer gives ${right}$"
        return "the two are not equal"

    def value(
        self,
        base: ClaimResult,
        match: Match,
        subject: Term | None,
        term: Term,
        judged: Judgement,
        diagnosis: Diagnosis | None,
        *,
        carried: bool = False,
    ) -> ClaimResult:
        expected = self.expected(subject, judged, match)
        derivation, pointer = self._backing(judged)
        correct = float(judged.correct_value) if judged.correct_value is not None else None
        student = float(judged.student_value) if judged.student_value is not None else None
        result = replace(
            base,
            expected=expected,
            value=correct,
            student_value=student,
            statement=match.quantity.name,
            derivation=derivation,
            evidence=judged.evidence,
            kind="value",
        )
        reading = (
            f" (read as {judged.valued.name})" if judged.valued is not None and len(match.quantity.values) > 1 else ""
        )
        if judged.verdict == "correct":
            return replace(result, explanation=f"Right: ${expected}${reading}.{pointer}")
        if judged.verdict == "undecided":
            return replace(result, explanation=f"Not decided: whether this equals ${expected}$ could not be settled.")
        sentence = self._diagnosis(judged, diagnosis, term.text)
        mistake = "rounding" if judged.rounding else (diagnosis.key if diagnosis is not None else None)
        if mistake is None and judged.evidence.startswith("shape"):
            mistake = "shape"
        result = replace(result, mistake=mistake or "other")
        explanation = f"{sentence} The correct value is ${expected}$."
        if carried:
            explanation += " It follows the line before, so the mistake is in an earlier line."
        return replace(result, correction=expected, diagnosis=sentence, explanation=explanation + pointer)

    def _diagnosis(self, judged: Judgement, diagnosis: Diagnosis | None, written: str) -> str:
        if judged.rounding and judged.correct_value is not None:
            places = precision_of(written).places or 0
            right = decimal_text(judged.correct_value, places)
            return (
                f"Rounded wrongly: ${written.strip()}$ should read ${right}$ "
                f"(the value is ${number(judged.correct_value)}$)."
            )
        if diagnosis is not None and diagnosis.key is not None:
            return diagnosis.sentence
        if judged.evidence.startswith("shape"):
            shapes = judged.evidence.split(":", 1)[1].strip() if ":" in judged.evidence else judged.evidence
            return f"A shape mismatch: {_names_typeset(shapes, judged.student)}."
        return f"Not the expected value: {self.departs(judged, written)}."

    def step(self, base: ClaimResult, judged: Judgement, left: Term, right: Term, unknown: bool) -> ClaimResult:
        result = replace(base, evidence=judged.evidence, kind="step")
        if base.verdict == "correct":
            return replace(result, explanation="This step holds.")
        if base.verdict == "wrong" and judged.reversed is not None:
            turned = f"{left.text.strip()} {judged.reversed} {right.text.strip()}"
            sentence = f"A reversed inequality: it is ${turned}$ that holds."
            return replace(result, correction=turned, diagnosis=sentence, explanation=sentence, mistake="reversed")
        if base.verdict == "wrong":
            sentence = f"This step does not hold: {self.departs(judged, right.text)}."
            return replace(result, diagnosis=sentence, explanation=sentence)
        if unknown:
            reason = "the step looks false, but it uses names the question does not define, so it is not judged"
            return replace(result, explanation=f"Not decided: {reason}.")
        return replace(result, explanation="Not decided: whether this step holds could not be settled.")

    def given(self, base: ClaimResult, subject: sp.Basic, correct: sp.Basic) -> ClaimResult:
        expected = f"{latex(subject)} = {latex(correct)}"
        if base.verdict == "correct":
            return replace(base, expected=expected, kind="given", explanation="The question's data, restated.")
        sentence = f"The question gives ${expected}$."
        return replace(
            base,
            mistake="data",
            expected=expected,
            correction=expected,
            kind="given",
            diagnosis=sentence,
            explanation=sentence,
        )

    def shape(
        self,
        base: ClaimResult,
        quantity: Quantity,
        item: Shape,
        correct: tuple[sp.Basic, ...],
        diagnosis: Diagnosis | None,
        *,
        batch: bool,
        recognised: bool = False,
    ) -> ClaimResult:
        shown = r" \times ".join(latex(size) for size in correct)
        name = quantity.name.removeprefix("the shape of ")
        for_batch = " for a batch" if batch else ""
        result = replace(base, expected=shown, kind="shape", statement=quantity.name, derivation=quantity.derivation)
        if base.verdict == "correct":
            how = "the shape of " + name if recognised else name
            return replace(result, explanation=f"Right: {how}{for_batch} is ${shown}$.")
        sentence = diagnosis.sentence if diagnosis is not None else f"The shape of {name} is ${shown}$."
        result = replace(result, mistake=diagnosis.key if diagnosis is not None else "other")
        return replace(
            result,
            correction=shown,
            diagnosis=sentence,
            explanation=f"{sentence} The shape of {name}{for_batch} is ${shown}$.",
        )

    def expression_shape(
        self, base: ClaimResult, item: Shape, correct: tuple[sp.Basic, ...], diagnosis: Diagnosis | None
    ) -> ClaimResult:
        """The shape of a matrix expression (``\\frac{1}{n}X^\\top X \\in \\mathbb{R}^{d \\times d}``), from its
        factors."""
        shown = r" \times ".join(latex(size) for size in correct)
        subject = f"${item.subject_text}$"
        result = replace(base, expected=shown, kind="shape", statement=f"the shape of {subject}")
        if base.verdict == "correct":
            return replace(result, explanation=f"Right: {subject} is ${shown}$.")
        sentence = diagnosis.sentence if diagnosis is not None else f"{subject} is ${shown}$."
        return replace(
            result,
            mistake=diagnosis.key if diagnosis is not None else "other",
            correction=shown,
            diagnosis=sentence,
            explanation=f"{sentence} Its factors make {subject} ${shown}$.",
        )

    def conditional(
        self, base: ClaimResult, quantity: Quantity, of: set[str], given: set[str], swapped: bool
    ) -> ClaimResult:
        def names(items: tuple[str, ...] | set[str]) -> str:
            return ", ".join(sorted(items))

        correct = rf"P\left({names(quantity.of)} \mid {names(quantity.given)}\right)"
        result = replace(base, expected=correct, kind="conditional", statement=quantity.name)
        if base.verdict == "correct":
            return replace(result, explanation=f"Right: it is ${correct}$.")
        result = replace(result, mistake="swapped_conditioning" if swapped else "other")
        if swapped:
            sentence = (
                f"Swapped conditioning: this is the probability of ${names(of)}$ given ${names(given)}$; "
                f"the likelihood of a classifier is the probability of the labels given the inputs, ${correct}$."
            )
        else:
            sentence = f"Not the expected probability: it should be ${correct}$."
        return replace(result, correction=correct, diagnosis=sentence, explanation=sentence)
