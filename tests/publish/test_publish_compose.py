"""The document model: what a solution sheet says, decided once for every format."""

from __future__ import annotations

import dataclasses

import publish_cases as cases
import pytest

from symcheck.errors import BuildError
from symcheck.printing import latex_statement
from symcheck.publish._compose import (
    compose_derivation,
    compose_reference,
    compose_solutions,
    part_order,
    shown_derivations,
)
from symcheck.publish._document import (
    ClaimCard,
    DerivationBlock,
    DisplayMath,
    Document,
    InlineMath,
    Link,
    Paragraph,
    Table,
    Written,
)
from symcheck.results import VerifyReport


def _cards(document: Document) -> list[ClaimCard]:
    return [block for section in document.sections for block in section.blocks if isinstance(block, ClaimCard)]


def _shown(inlines: tuple) -> str:  # type: ignore[type-arg]
    """Inline content as a reader would spell it: text as is, formulas as their LaTeX."""
    return "".join(
        inline.math.latex if isinstance(inline, InlineMath) else getattr(inline, "text", "") for inline in inlines
    )


def _derivations(document: Document) -> list[tuple[str, DerivationBlock]]:
    return [
        (section.heading, block)
        for section in document.sections
        for block in section.blocks
        if isinstance(block, DerivationBlock)
    ]


def test_parts_in_natural_order_and_claims_in_sheet_order(demo_document: Document) -> None:
    assert [section.heading for section in demo_document.sections] == ["Part 1(a)", "Part 1(b)", "Part 10(a)"]
    assert [card.heading for card in _cards(demo_document)] == [
        "Claim a-value",
        "Claim a-bound",
        "Claim b-derivative",
        "Claim 10a-slope",
    ]


def test_part_order_is_natural() -> None:
    parts = ["2(c)", "10(a)", "1(d)", "", "1(a)", "2", "1(a) contd."]
    assert sorted(parts, key=part_order) == ["1(a)", "1(a) contd.", "1(d)", "2", "2(c)", "10(a)", ""]


def test_a_derivation_is_shown_once_under_the_first_part_that_uses_it(demo_document: Document) -> None:
    shown = _derivations(demo_document)
    assert [(heading, block.name) for heading, block in shown] == [("Part 1(b)", "demo.sigmoid_derivative")]
    later = next(card for card in _cards(demo_document) if card.heading == "Claim 10a-slope")
    link = later.fields[-1].blocks[0]
    assert isinstance(link, Paragraph) and isinstance(link.inlines[-1], Link)
    assert link.inlines[-1].anchor == shown[0][1].anchor
    assert link.inlines[-1].text == "shown under Part 1(b)"
    assert "demo.sigmoid_derivative" not in _shown(link.inlines), "a registry name is for the JSON, not the prose"


def test_shown_derivations_follow_the_parts() -> None:
    report = cases.seed_like_report()
    assert shown_derivations(report) == ["bce.likelihood", "mlp.shapes", "softmax.jacobian", "softmax.max_shift"]


def test_a_claim_card_holds_every_field_of_the_claim(demo_document: Document) -> None:
    card = next(card for card in _cards(demo_document) if card.heading == "Claim a-value")
    assert (card.verdict.word, card.verdict.mark, card.verdict.tone) == ("wrong", "✗", "bad")
    labels = [field.label for field in card.fields]
    assert labels == [
        "Question",
        "As written (sheet.md, line 1)",
        "Value of the claim",
        "Expected",
        "Correction",
        "Diagnosis",
    ]
    written = card.fields[1].blocks[0]
    assert isinstance(written, Written) and written.source == "σ(0) = 0.6" and written.show_source
    assert written.shown == (DisplayMath(written.shown[0].math),) and written.shown[0].math.latex == "σ(0) = 0.6"
    bound = next(card for card in _cards(demo_document) if card.heading == "Claim a-bound")
    links = next(field for field in bound.fields if field.label == "Links of the chain").blocks[0]
    assert isinstance(links, Table) and len(links.rows) == 3
    slope = next(card for card in _cards(demo_document) if card.heading == "Claim 10a-slope")
    readings = next(field for field in slope.fields if field.label == "Readings of the question").blocks[0]
    assert isinstance(readings, Table)
    assert [_shown(row[0]) for row in readings.rows] == [r"slope of \sigma", r"slope of \sigma'"]


def test_a_correction_equal_to_the_expected_form_and_a_restated_diagnosis_are_shown_once() -> None:
    report = cases.demo_grade_report()
    claim = report.claims[1]
    assert claim.id == "a-value" and claim.diagnosis and claim.correction != claim.expected
    same = dataclasses.replace(
        claim,
        correction=claim.expected,
        explanation=f"Read literally. {claim.diagnosis} The value is 0.5.",
    )
    report = dataclasses.replace(report, claims=(report.claims[0], same, *report.claims[2:]))
    derivation = cases.demo_derivation()
    document = compose_solutions(report, {derivation.name: derivation}, {derivation.name: cases.demo_report()})
    card = next(card for card in _cards(document) if card.heading == "Claim a-value")
    labels = [field.label for field in card.fields]
    assert labels.count("Correction") == 1 and "Expected" not in labels, labels
    explanation = next(field for field in card.fields if field.label == "Explanation").blocks[0]
    assert isinstance(explanation, Paragraph)
    shown = "".join(getattr(inline, "text", "") for inline in explanation.inlines)
    assert claim.diagnosis not in shown and "Read literally." in shown and "The value is 0.5." in shown


def test_steps_carry_the_reports_latex_and_the_derivations_statement(demo_document: Document) -> None:
    derivation = cases.demo_derivation()
    report = cases.demo_report()
    ((_, block),) = _derivations(demo_document)
    assert [step.math.latex for step in block.steps] == [step.latex for step in report.steps]
    assert [step.math.statement for step in block.steps] == [step.statement for step in derivation.steps]
    assert [step.verdict.word for step in block.steps] == ["given", "verified", "failed"]
    failed = block.steps[2]
    assert [note.label for note in failed.notes] == ["Compared with", "Counterexample"]
    assert "x = 1/2" in _shown(failed.notes[1].blocks[0].inlines)
    assert block.result is not None and block.result.verdict.word == "undecided"
    assert block.checks is not None and block.checks.rows[0][3][0].math.latex == r"3.2 \times 10^{-11}"


def test_a_claim_naming_an_unknown_derivation_is_an_error_at_its_place() -> None:
    report = cases.demo_grade_report()
    with pytest.raises(BuildError, match=r"sheet\.md:3:1: claim b-derivative.*'demo\.sigmoid_derivative'"):
        compose_solutions(report, {}, {})


def test_broken_latex_from_a_report_is_an_error_naming_the_claim() -> None:
    report = cases.demo_grade_report()
    broken = dataclasses.replace(report.claims[1], expected=r"\frac{1}{")
    report = dataclasses.replace(report, claims=(report.claims[0], broken, *report.claims[2:]))
    derivation = cases.demo_derivation()
    with pytest.raises(BuildError, match=r"sheet\.md:1:4: claim a-value, expected: .*unbalanced"):
        compose_solutions(report, {derivation.name: derivation}, {derivation.name: cases.demo_report()})


def test_an_unknown_command_is_refused_not_shown_as_text() -> None:
    report = cases.demo_grade_report()
    bad = dataclasses.replace(report.claims[1], correction=r"\sigma(0) = \halve")
    report = dataclasses.replace(report, claims=(report.claims[0], bad, *report.claims[2:]))
    derivation = cases.demo_derivation()
    with pytest.raises(BuildError, match=r"claim a-value, correction: .*\\halve"):
        compose_solutions(report, {derivation.name: derivation}, {derivation.name: cases.demo_report()})


def test_a_report_that_does_not_match_its_derivation_is_refused() -> None:
    derivation = cases.demo_derivation()
    short = dataclasses.replace(cases.demo_report(), steps=cases.demo_report().steps[:2])
    with pytest.raises(BuildError, match="2 steps but the derivation has 3"):
        compose_solutions(cases.demo_grade_report(), {derivation.name: derivation}, {derivation.name: short})


def test_reference_groups_derivations_by_topic_with_an_overview() -> None:
    report = cases.demo_report()
    other = dataclasses.replace(report, name="other.thing", topic="other", status="verified", general_k=True)
    document = compose_reference(VerifyReport((report, other), 0.0), {}, "Reference")
    assert [section.heading for section in document.sections] == ["Topic: demo", "Topic: other"]
    overview = next(block for block in document.intro if isinstance(block, Table))
    assert [row[2][0].word for row in overview.rows] == ["failed", "verified"]
    assert [row[3][0].text for row in overview.rows] == ["no", "yes"]


def test_an_unverified_derivation_shows_its_steps_without_verdicts() -> None:
    document = compose_derivation(cases.demo_derivation())
    ((_, block),) = _derivations(document)
    assert block.verdict is None
    assert all(step.verdict is None for step in block.steps)
    assert _shown(block.steps[0].meta) == "definition · given"
    assert block.result is not None
    expected = r"\sigma'(x) = \sigma(x) (1 - \sigma(x))"
    assert block.result.math.latex == latex_statement(cases.demo_derivation().result) == expected
