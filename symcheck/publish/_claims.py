"""One graded claim as a card: the question, the student's answer typeset, and every field that explains it.

Each field of :class:`~symcheck.sheet.ClaimResult` is rendered by one function here, so a field
added to the report is one more function: ``statement`` → "Question", ``written`` → "As written",
``student_value`` → "Value of the claim", ``expected``/``value`` → "Expected", ``correction``,
``diagnosis``, ``explanation``, ``readings`` → "Readings of the question", ``links`` → "Links of
the chain". The words of ``statement``, ``diagnosis``, ``explanation`` and the details are the
grader's; they are only typeset here (:func:`~symcheck.publish._inline.prose`).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from symcheck.printing.prose import bold_spans, prose_pieces, written_form
from symcheck.publish._document import (
    Block,
    ClaimCard,
    DisplayMath,
    Field,
    Inline,
    InlineMath,
    Math,
    Paragraph,
    Strong,
    Table,
    Text,
    Verdict,
    Written,
)
from symcheck.publish._inline import (
    NO_VALUE,
    joined,
    number,
    printable,
    prose,
    relation_latex,
    report_math,
    student_number,
)
from symcheck.sheet import ClaimResult, LinkResult, Reading

__all__ = ["anchor", "claim_card", "claim_verdict", "place_of", "written_block"]

_CLAIM_VERDICTS = {
    "correct": Verdict("correct", "✓", "good"),
    "wrong": Verdict("wrong", "✗", "bad"),
    "imprecise": Verdict("imprecise", "≈", "warn"),
    "undecided": Verdict("undecided", "?", "unknown"),
    "not graded": Verdict("not graded", "·", "neutral"),
}
NOT_TYPESET = "This could not be typeset, so it is shown exactly as written."


def claim_verdict(verdict: str) -> Verdict:
    """How a claim's verdict is shown; a verdict this version does not know is shown by its name."""
    return _CLAIM_VERDICTS.get(verdict) or Verdict(verdict, "?", "unknown")


def anchor(*parts: str) -> str:
    """A stable, URL- and label-safe anchor: ``derivation-softmax-jacobian``, ``part-1c``."""
    text = "-".join(parts).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "x"


def place_of(claim: ClaimResult) -> str:
    """Where a claim stands, for error messages: ``sheet.md:3:1: claim b-derivative``."""
    return f"{claim.location}: claim {claim.id}" if claim.location else f"claim {claim.id}"


# --------------------------------------------------------------------------- the student's answer


def written_block(written: str) -> Written:
    """The student's answer typeset: a formula as display math, words as a paragraph (their ``$…$``
    formulas typeset, ``**bold**`` as bold). LaTeX that some format cannot print is not typeset."""
    form = written_form(written)
    if form.kind == "math":
        if form.latex and printable(form.latex, display=True):
            return Written(written, (DisplayMath(Math(form.latex)),))
        return Written(written, (), note=NOT_TYPESET)
    inlines: list[Inline] = []
    for text, bold in bold_spans(written.strip()):
        if bold and not any(piece.math for piece in prose_pieces(text)):
            inlines.append(Strong(text))
        else:
            inlines.extend(prose(text))
    has_math = any(isinstance(inline, InlineMath) for inline in inlines)
    return Written(written, (Paragraph(joined(inlines)),), show_source=has_math)


# --------------------------------------------------------------------------- fields


def _sentence(text: str) -> str:
    """A reason as a sentence: capitalised, with a full stop."""
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def _beyond(explanation: str, diagnosis: str) -> str:
    """The explanation without the diagnosis it restates (the report's JSON keeps both whole, each
    readable on its own; a sheet shows the diagnosis just above, so it would read twice)."""
    if diagnosis and diagnosis in explanation:
        explanation = " ".join(explanation.replace(diagnosis, " ").split())
    return explanation


def _expected_fields(claim: ClaimResult, place: str) -> list[Field]:
    """ "Expected" (with its value), and "Correction" unless it is the expected form itself."""
    fields: list[Field] = []
    correction_is_expected = bool(claim.correction) and claim.correction == claim.expected
    if claim.expected:
        blocks: list[Block] = [DisplayMath(report_math(claim.expected, f"{place}, expected"))]
        if claim.value is not None:
            blocks.append(Paragraph((Text("Value: "), number(claim.value))))
        fields.append(Field("Correction" if correction_is_expected else "Expected", tuple(blocks)))
    elif claim.value is not None:
        fields.append(Field("Expected", (Paragraph((number(claim.value),)),)))
    if claim.correction and not correction_is_expected:
        fields.append(Field("Correction", (_formula_or_sentence(claim.correction, f"{place}, correction"),)))
    return fields


def _formula_or_sentence(text: str, place: str) -> Block:
    """A field that should hold LaTeX but holds a sentence (``The MSE is quadratic in ŷ, not linear``)
    is shown as the sentence it is, its formulas typeset, rather than as italic letters run together."""
    if written_form(text).kind == "prose":
        return Paragraph(prose(text))
    return DisplayMath(report_math(text, place))


def _reading_row(reading: Reading, place: str) -> tuple[tuple[Inline, ...], ...]:
    expected: tuple[Inline, ...] = (
        (InlineMath(report_math(reading.expected, f"{place}, reading {reading.name!r}")),)
        if reading.expected
        else (Text(NO_VALUE),)
    )
    return (
        prose(reading.name),
        expected,
        (number(reading.value),),
        (claim_verdict(reading.verdict),),
        prose(reading.detail),
    )


def _numeral(side: str) -> str | None:
    """A side of a link that is a number as written (``+2.303``), else None."""
    bare = side.strip().lstrip("+").strip()
    return bare if re.fullmatch(r"-?\d+(?:\.\d+)?", bare) else None


def _link_row(link: LinkResult) -> tuple[tuple[Inline, ...], ...]:
    """One link of a chain: numbered from 1, typeset, each side's value in one format."""
    formula = f"{link.left} {relation_latex(link.relation)} {link.right}"
    shown: tuple[Inline, ...] = (
        (InlineMath(Math(formula)),) if printable(formula) else prose(f"${link.left}$ {link.relation} ${link.right}$")
    )
    if link.left_value is None and link.right_value is None:
        values: tuple[Inline, ...] = (Text(NO_VALUE),)
    else:
        left = _side_value(link.left, link.left_value)
        right = _side_value(link.right, link.right_value)
        values = (left, Text(" and "), right)
    return ((Text(str(link.index + 1)),), shown, (claim_verdict(link.verdict),), joined(values), prose(link.detail))


def _side_value(side: str, value: float | None) -> Inline:
    numeral = _numeral(side)
    return student_number(value, numeral) if numeral is not None else number(value)


def claim_card(claim: ClaimResult, derivation_link: tuple[Inline, ...] | None) -> ClaimCard:
    """The card of one claim: every field of the report that has something to say, in reading order."""
    place = place_of(claim)
    fields: list[Field] = []
    if claim.statement:
        fields.append(Field("Question", (Paragraph(prose(claim.statement)),)))
    written_label = "As written"
    if claim.location is not None:
        written_label += f" ({PurePosixPath(claim.location.path).name}, line {claim.location.line})"
    fields.append(Field(written_label, (written_block(claim.written),)))
    if claim.student_value is not None:
        fields.append(Field("Value of the claim", (Paragraph((student_number(claim.student_value),)),)))
    fields.extend(_expected_fields(claim, place))
    if claim.verdict == "not graded" and claim.reason:
        fields.append(Field("Not graded", (Paragraph(prose(_sentence(claim.reason))),)))
    if claim.diagnosis:
        fields.append(Field("Diagnosis", (Paragraph(prose(claim.diagnosis)),)))
    explanation = _beyond(claim.explanation, claim.diagnosis or "")
    if explanation:
        fields.append(Field("Explanation", (Paragraph(prose(explanation)),)))
    if claim.readings:
        rows = tuple(_reading_row(reading, place) for reading in claim.readings)
        table = Table(("Reading", "Expected", "Value", "Verdict", "Detail"), rows)
        fields.append(Field("Readings of the question", (table,)))
    if claim.links:
        rows = tuple(_link_row(link) for link in claim.links)
        fields.append(Field("Links of the chain", (Table(("#", "Link", "Verdict", "Values", "Detail"), rows),)))
    if derivation_link is not None:
        fields.append(Field("Model derivation", (Paragraph(derivation_link),)))
    return ClaimCard(
        anchor=anchor("claim", claim.id),
        heading=f"Claim {claim.id}",
        verdict=claim_verdict(claim.verdict),
        fields=tuple(fields),
    )
