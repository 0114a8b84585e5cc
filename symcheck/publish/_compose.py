"""Compose the format-neutral :class:`~symcheck.publish._document.Document` from reports and derivations.

This is the only place where publishing decides what a reader is told: the order of parts, the
words for verdicts, how numbers are formatted, which derivation is shown under which part. It
reads the plain-data reports (:class:`~symcheck.sheet.GradeReport`,
:class:`~symcheck.results.DerivationReport`) and the :class:`~symcheck.model.Derivation` objects
they came from, and never checks or re-derives anything: every verdict is the report's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sympy as sp

from symcheck.errors import BuildError
from symcheck.model import Definition, Derivation
from symcheck.printing import latex_statement
from symcheck.printing.numbers import format_student
from symcheck.publish._claims import anchor, claim_card, claim_verdict, place_of
from symcheck.publish._document import (
    Block,
    Code,
    DerivationBlock,
    DisplayMath,
    Document,
    Field,
    Inline,
    InlineMath,
    Link,
    Math,
    Paragraph,
    Section,
    StepItem,
    Strong,
    Table,
    Text,
    Verdict,
)
from symcheck.publish._inline import NO_VALUE, joined, number, prose, report_math
from symcheck.results import CheckResult, DerivationReport, StepResult, VerifyReport
from symcheck.sheet import ClaimResult, GradeReport

__all__ = [
    "anchor",
    "claim_verdict",
    "compose_derivation",
    "compose_derivation_block",
    "compose_derivation_report",
    "compose_grade_report",
    "compose_reference",
    "compose_solutions",
    "compose_verify_report",
    "part_order",
    "shown_derivations",
    "status_verdict",
]

_STATUS_VERDICTS = {
    "verified": Verdict("verified", "✓", "good"),
    "probed": Verdict("checked, not proved", "~", "warn"),
    "failed": Verdict("failed", "✗", "bad"),
    "undecided": Verdict("undecided", "?", "unknown"),
    "given": Verdict("given", "·", "neutral"),
}
_CHECK_KINDS = {
    "finite_difference": "finite differences",
    "reference": "NumPy reference",
    "instances": "explicit instances",
}
_METHODS = {
    "structural": "proved: both sides are the same expression",
    "normal form": "proved: both sides reduce to the same normal form",
    "sign of the difference": "proved from the sign of the difference",
    "shape algebra": "proved: the shapes multiply out",
    "numeric evaluation": "proved by exact evaluation",
    "interval arithmetic": "proved by interval arithmetic",
    "case split on signs": "proved case by case on the signs",
    "case split on i = k": "proved for i = k and for i ≠ k",
}
"""How a verified step was checked, in words (the report's JSON keeps the engine's method name)."""


def status_verdict(status: str) -> Verdict:
    """How a verification status is shown; a status this version does not know is shown by its name."""
    return _STATUS_VERDICTS.get(status) or Verdict(status, "?", "unknown")


def part_order(part: str) -> tuple:
    """Natural order of part labels: 1(a) < 1(d) < 2(a) < 10(a); unlabelled claims come last."""
    if not part.strip():
        return ((1,),)
    pieces = re.findall(r"\d+|[^\d\W]+", part.lower())
    return ((0,), *((0, int(piece)) if piece.isdigit() else (1, piece) for piece in pieces))


# --------------------------------------------------------------------------- formulas


def _definition_statement(definition: Definition) -> sp.Basic:
    """``ŷ_i = e^{z_i}/Σ_j e^{z_j}`` for a Lambda over an IndexedBase; ``name = value`` otherwise."""
    symbol, value = definition.symbol, definition.value
    if isinstance(value, sp.Lambda):
        variables = value.variables
        if isinstance(symbol, sp.IndexedBase):
            head = symbol[variables]
        elif callable(symbol):
            head = symbol(*variables)
        else:
            head = symbol
        return sp.Eq(head, value.expr, evaluate=False)
    return sp.Eq(symbol, value, evaluate=False)


# --------------------------------------------------------------------------- derivations


def _method(step: StepResult) -> str:
    if step.status == "given":
        return "given, not checked"
    if step.status == "verified":
        return _METHODS.get(step.method) or f"proved ({step.method})"
    if step.status == "probed":
        return "agrees at every point it was checked at, but is not proved"
    return f"checked by {step.method}" if step.method else ""


def _step_item(title: str, step: StepResult, statement: object | None, place: str) -> StepItem:
    """A checked step; a step that failed or is undecided also says what it was compared with and why."""
    notes: list[Field] = []
    settled = step.status in ("verified", "given")
    if step.compared_with and not settled:
        notes.append(Field("Compared with", (DisplayMath(report_math(step.compared_with, place)),)))
    if step.counterexample is not None:
        notes.append(Field("Counterexample", (Paragraph(prose(str(step.counterexample))),)))
    if step.detail and not settled:
        notes.append(Field("Detail", (Paragraph(prose(step.detail)),)))
    meta = " · ".join(part for part in (step.rule, _method(step)) if part)
    return StepItem(
        title=title,
        math=Math(step.latex, statement),
        justification=prose(step.justification),
        meta=prose(meta),
        verdict=status_verdict(step.status),
        notes=tuple(notes),
    )


def _checks_table(checks: Sequence[CheckResult]) -> Table | None:
    if not checks:
        return None
    rows = []
    for check in checks:
        description = check.description or _CHECK_KINDS.get(check.kind, check.kind)
        if check.detail:
            description += f" ({check.detail})"
        verdict = status_verdict(check.status)
        rows.append(
            (
                prose(description),
                (Text(_CHECK_KINDS.get(check.kind, check.kind)),),
                (verdict,),
                (number(check.max_error, 2),),
                (number(check.tolerance, 2),),
                (Text(str(check.points)),),
            )
        )
    return Table(("Numeric check", "Kind", "Verdict", "Max error", "Tolerance", "Points"), tuple(rows))


def _joined_math(symbols: Sequence[sp.Basic]) -> list[Inline]:
    """``K``, ``K and n``, ``K, m and n`` as inline math."""
    inlines: list[Inline] = []
    for position, symbol in enumerate(symbols):
        if position:
            inlines.append(Text(" and " if position == len(symbols) - 1 else ", "))
        inlines.append(InlineMath(Math(latex_statement(symbol), symbol)))
    return inlines


def _intro(derivation: Derivation | None, report: DerivationReport | None) -> tuple[Block, ...]:
    blocks: list[Block] = []
    summary = derivation.summary if derivation is not None else (report.summary if report else "")
    if summary:
        blocks.append(Paragraph(prose(summary)))
    if report is not None and report.error:
        blocks.append(Paragraph((Strong("Could not be built: "), Text(report.error))))
    if report is not None and report.general_k:
        bounds = derivation.assumptions.symbolic_bounds if derivation is not None else ()
        proved: list[Inline] = (
            [Strong("Proved for every "), *_joined_math(bounds), Strong(".")]
            if bounds
            else [Strong("Proved for every size.")]
        )
        proved.append(Text(" Every step is proved for symbolic sizes, not only checked on examples."))
        blocks.append(Paragraph(tuple(proved)))
    if derivation is not None and derivation.definitions:
        for definition in derivation.definitions:
            statement = _definition_statement(definition)
            where: list[Inline] = [Text("Where "), InlineMath(Math(latex_statement(statement), statement))]
            if definition.description:
                where.extend((Text(" ("), *prose(definition.description), Text(")")))
            where.append(Text("."))
            blocks.append(Paragraph(joined(where)))
    return tuple(blocks)


def compose_derivation_block(
    name: str, derivation: Derivation | None, report: DerivationReport | None, *, heading_prefix: str = ""
) -> DerivationBlock:
    """One derivation in full, from its report (verdicts, LaTeX) and its object (SymPy statements)."""
    title = report.title if report is not None else (derivation.title if derivation is not None else name)
    place = f"derivation {name}"
    if report is None:
        if derivation is None:
            raise BuildError(f"{place}: neither the derivation nor its report is available")
        steps = tuple(
            StepItem(
                title=f"Step {index + 1}",
                math=Math(latex_statement(step.statement), step.statement),
                justification=prose(step.justification),
                meta=prose(" · ".join(part for part in (step.rule, "given" if step.given else "") if part)),
                verdict=None,
            )
            for index, step in enumerate(derivation.steps)
        )
        result = StepItem("Result", Math(latex_statement(derivation.result), derivation.result), (), (), None)
        return DerivationBlock(
            anchor=anchor("derivation", name),
            heading=prose(heading_prefix + title),
            name=name,
            verdict=None,
            intro=_intro(derivation, None),
            steps=steps,
            result=result,
            checks=None,
        )
    if derivation is not None and report.steps and len(report.steps) != len(derivation.steps):
        raise BuildError(
            f"{place}: its report has {len(report.steps)} steps but the derivation has {len(derivation.steps)}; "
            "the report is stale (delete .symcheck-cache/ and build again)"
        )
    steps = tuple(
        _step_item(
            f"Step {step.index + 1}",
            step,
            derivation.steps[step.index].statement if derivation is not None else None,
            f"{place}, step {step.index + 1}",
        )
        for step in report.steps
    )
    result = None
    if report.result is not None:
        result = _step_item(
            "Result", report.result, derivation.result if derivation is not None else None, f"{place}, result"
        )
    return DerivationBlock(
        anchor=anchor("derivation", name),
        heading=prose(heading_prefix + title),
        name=name,
        verdict=status_verdict(report.status),
        intro=_intro(derivation, report),
        steps=steps,
        result=result,
        checks=_checks_table(report.checks),
    )


# --------------------------------------------------------------------------- claims


def _counts(report: GradeReport) -> str:
    """``63 claims: 44 correct, 16 wrong, 2 imprecise, 1 undecided.`` (a verdict no claim has is left out,
    bar the four every sheet can have)."""
    summary = report.summary
    noun = "claim" if summary["claims"] == 1 else "claims"
    always = ("correct", "wrong", "imprecise", "undecided")
    counts = [
        f"{count} {verdict}"
        for verdict, count in summary.items()
        if verdict != "claims" and (count or verdict in always)
    ]
    return f"{summary['claims']} {noun}: {', '.join(counts)}."


def _points(points: float) -> str:
    return format_student(points)


def _parts_table(report: GradeReport) -> Table:
    """Each part of the homework: its points and how its claims fared."""
    rows = []
    for part in report.parts:
        order = list(report.summary)  # the report's order of verdicts: correct, wrong, ...
        ranked = sorted(part.counts, key=lambda item: order.index(item[0]) if item[0] in order else len(order))
        badges: list[Inline] = []
        for verdict, count in ranked:
            if count:
                shown = claim_verdict(verdict)
                badges.extend(
                    (Text(" ") if badges else Text(""), Verdict(f"{count} {shown.word}", shown.mark, shown.tone))
                )
        rows.append(
            (
                (Link(part.part, anchor("part", part.part)),)
                if any(c.part.strip() == part.part for c in report.claims)
                else (Text(part.part),),
                (Text(f"{_points(part.points)}\u00a0of\u00a0{_points(part.max_points)}"),),
                joined(badges) or (Text(part.status),),
            )
        )
    return Table(("Part", "Points", "Claims"), tuple(rows))


def _solutions_intro(report: GradeReport, overview: tuple[tuple[tuple[Inline, ...], ...], ...]) -> tuple[Block, ...]:
    """Whose sheet it is, the score and what was graded, how the notation was read, then the parts (or claims)."""
    opening: list[Inline] = [Text("Solutions for the answer sheet "), Code(report.sheet)]
    opening.append(Text(f" ({report.source})" if report.source else ""))
    if report.student:
        opening.extend((Text(" of "), Strong(report.student)))
    opening.extend((Text(". "), Text(_counts(report))))
    blocks: list[Block] = [Paragraph(joined(opening))]
    if report.parts:
        earned, available = report.score
        score: list[Inline] = [Strong("Score: "), Text(f"{_points(earned)} of {_points(available)} points.")]
        if report.coverage is not None:
            score.append(Text(f" {str(report.coverage).capitalize()}."))
        blocks.append(Paragraph(joined(score)))
    if report.notes:
        blocks.append(Paragraph((Text("How the notation was read: "), *prose("; ".join(report.notes) + "."))))
    blocks.append(
        Paragraph(
            (
                Text(
                    "Each part shows every claim as the student wrote it, its verdict, the expected answer, the "
                    "correction and the diagnosis, then the model derivation: each step with its justification "
                    "and how it was proved, and the numeric checks that back it."
                ),
            )
        )
    )
    blocks.append(_parts_table(report) if report.parts else Table(("Part", "Claim", "Verdict"), overview))
    return tuple(blocks)


@dataclass(frozen=True)
class _Part:
    label: str
    claims: tuple[ClaimResult, ...]


def _parts(report: GradeReport) -> list[_Part]:
    """Claims grouped by part, parts in natural order, claims of a part in the order of the sheet."""
    grouped: dict[str, list[ClaimResult]] = {}
    for claim in report.claims:
        grouped.setdefault(claim.part.strip(), []).append(claim)
    return [_Part(label, tuple(grouped[label])) for label in sorted(grouped, key=part_order)]


def shown_derivations(report: GradeReport) -> list[str]:
    """The derivations a solution sheet shows, in the order it shows them (parts in order)."""
    names: list[str] = []
    for part in _parts(report):
        for claim in part.claims:
            if claim.derivation is not None and claim.derivation not in names:
                names.append(claim.derivation)
    return names


def _part_heading(label: str) -> str:
    return f"Part {label}" if label else "Other claims"


def compose_solutions(
    report: GradeReport,
    derivations: Mapping[str, Derivation | None],
    reports: Mapping[str, DerivationReport],
) -> Document:
    """The solution sheet: part by part, each claim's card, then the model derivations it rests on.

    A derivation is shown in full under the first part that refers to it; later parts link to it.
    ``derivations`` and ``reports`` must hold every derivation a claim names.
    """
    for claim in report.claims:
        if claim.derivation is not None and claim.derivation not in reports:
            raise BuildError(
                f"{place_of(claim)}: names the derivation {claim.derivation!r}, which is not registered "
                "(`symcheck list` shows the registered derivations)"
            )
    shown_under: dict[str, str] = {}
    sections: list[Section] = []
    overview_rows = []
    for part in _parts(report):
        heading = _part_heading(part.label)
        part_anchor = anchor("part", part.label or "other")
        blocks: list[Block] = []
        new_here: list[str] = []
        for claim in part.claims:
            link: tuple[Inline, ...] | None = None
            if claim.derivation is not None:
                name = claim.derivation
                if name not in shown_under and name not in new_here:
                    new_here.append(name)
                where = shown_under.get(name, heading)
                link = (
                    *prose(reports[name].title),
                    Text(", "),
                    Link(f"shown under {where}", anchor("derivation", name)),
                )
            blocks.append(claim_card(claim, link))
            overview_rows.append(
                (
                    (Link(part.label or NO_VALUE, part_anchor),),
                    (Link(claim.id, anchor("claim", claim.id)),),
                    (claim_verdict(claim.verdict),),
                )
            )
        for name in new_here:
            shown_under[name] = heading
            blocks.append(
                compose_derivation_block(
                    name, derivations.get(name), reports[name], heading_prefix="Model derivation: "
                )
            )
        sections.append(Section(part_anchor, heading, tuple(blocks)))
    intro = _solutions_intro(report, tuple(overview_rows))
    return Document(title=f"Solutions: {report.title}", intro=intro, sections=tuple(sections))


# --------------------------------------------------------------------------- library


def _library_counts(report: VerifyReport) -> str:
    counts = report.counts
    total = len(report.derivations)
    noun = "derivation" if total == 1 else "derivations"
    return f"{total} {noun}: {counts['verified']} verified, {counts['failed']} failed, {counts['undecided']} undecided."


def compose_reference(report: VerifyReport, derivations: Mapping[str, Derivation | None], title: str) -> Document:
    """The library reference: every derivation, grouped by topic in registration order."""
    topics: dict[str, list[DerivationReport]] = {}
    for derivation_report in report.derivations:
        topics.setdefault(derivation_report.topic or derivation_report.name.split(".")[0], []).append(derivation_report)
    rows = tuple(
        (
            (Link(item.name, anchor("derivation", item.name)),),
            prose(item.title),
            (status_verdict(item.status),),
            (Text("yes" if item.general_k else "no"),),
        )
        for item in report.derivations
    )
    intro: tuple[Block, ...] = (
        Paragraph(
            (
                Text(
                    "Every derivation of the library, each step with its justification and how it was checked, "
                    "and the numeric checks that back it. "
                ),
                Text(_library_counts(report)),
            )
        ),
        Table(("Derivation", "Title", "Verdict", "Proved for all sizes"), rows),
    )
    sections = tuple(
        Section(
            anchor("topic", topic),
            f"Topic: {topic}",
            tuple(compose_derivation_block(item.name, derivations.get(item.name), item) for item in items),
        )
        for topic, items in topics.items()
    )
    return Document(title=title, intro=intro, sections=sections)


# --------------------------------------------------------------------------- Jupyter


def compose_derivation(derivation: Derivation, report: DerivationReport | None = None) -> Document:
    """One derivation on its own (Jupyter), verified or not."""
    block = compose_derivation_block(derivation.name, derivation, report)
    return Document(title="", intro=(), sections=(Section(block.anchor, "", (block,)),))  # the block has the title


def compose_derivation_report(report: DerivationReport) -> Document:
    block = compose_derivation_block(report.name, None, report)
    return Document(title="", intro=(), sections=(Section(block.anchor, "", (block,)),))  # the block has the title


def compose_verify_report(report: VerifyReport) -> Document:
    return compose_reference(report, {}, "Verification report")


def compose_grade_report(report: GradeReport) -> Document:
    """A graded sheet on its own (Jupyter): the claim cards, part by part, without the derivations."""
    sections = []
    for part in _parts(report):
        cards = tuple(
            claim_card(claim, (Code(claim.derivation),) if claim.derivation else None) for claim in part.claims
        )
        sections.append(Section(anchor("part", part.label or "other"), _part_heading(part.label), cards))
    intro = (Paragraph((Text(_counts(report)),)),)
    return Document(title=report.title, intro=intro, sections=tuple(sections))
