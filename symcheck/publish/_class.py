"""A graded class published: the gradebook, the class overview and each student's feedback sheet.

From a :class:`~symcheck.grading.ClassReport` (``symcheck grade HOMEWORK FOLDER --out DIR``, and
``symcheck build`` for each registered homework's sample class):

* ``gradebook.csv``: one row per file, UTF-8 with a header row, the columns Canvas's import expects
  first (``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``, ``Section``), then the points of each
  part, the total and the status (``graded`` or ``error: …``);
* ``overview.json`` and ``overview.html``: per part, how many answered it and got it all right, the
  mean points, and the most common mistakes with their count and one student's answer, typeset (MathML,
  like every page of :mod:`symcheck.publish`); nothing in them depends on the machine (no timings, no
  absolute paths), so ``output/`` stays byte for byte reproducible;
* ``<student>/feedback.{json,md,tex,html,pdf}``: that student's solution sheet, composed from their grade
  report by the same pipeline as the published solution sheets (:func:`compose_solutions`).

Like everything this package writes, the files are rendered in memory first and written all at once
(:func:`~symcheck.publish._files.write_atomically`): never a half-written gradebook.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from symcheck.printing.numbers import format_student
from symcheck.publish._claims import _formula_or_sentence, anchor, written_block
from symcheck.publish._document import (
    Block,
    ClaimCard,
    Code,
    Document,
    Field,
    Inline,
    Link,
    Paragraph,
    Section,
    Strong,
    Table,
    Text,
    Verdict,
)
from symcheck.publish._inline import prose

if TYPE_CHECKING:
    from symcheck.grading import ClassReport
    from symcheck.publish._options import BuildOptions
    from symcheck.publish._progress import Progress

__all__ = [
    "class_files",
    "compose_overview",
    "feedback_files",
    "gradebook_csv",
    "overview_data",
]

CLASS_FILES = ("gradebook.csv", "overview.json", "overview.html")
FEEDBACK = "feedback"
"""The stem of a student's feedback sheet: ``DIR/<student>/feedback.html`` and so on."""


# --------------------------------------------------------------------------- data


def gradebook_csv(report: ClassReport) -> bytes:
    """The gradebook as CSV: UTF-8 without a byte-order mark, a header row, CRLF line ends (RFC 4180)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(report.gradebook_rows())
    return buffer.getvalue().encode("utf-8")


def overview_data(report: ClassReport) -> dict[str, Any]:
    """The class overview as published: the overview and (``students``) each sheet's student, file name, points
    and status."""
    sheets = []
    for sheet in report.sheets:
        earned, available = sheet.report.score if sheet.report is not None else (None, report.max_points)
        sheets.append(
            {
                "student": sheet.student,
                "file": PurePath(sheet.path).name,
                "points": round(earned, 2) if earned is not None else None,
                "max_points": available,
                "wrong_claims": sheet.wrong if sheet.report is not None else None,
                "status": sheet.status,
            }
        )
    return {**report.overview(), "students": sheets}


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- the overview page


def _points(value: float) -> str:
    return format_student(round(value, 2))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _intro(data: dict[str, Any]) -> tuple[Block, ...]:
    graded, total = data["graded"], data["sheets"]
    opening = f"The class overview of the homework {data['homework']}: {_count(total, 'sheet')}, {graded} graded"
    opening += f", {len(data['errors'])} could not be graded." if data["errors"] else "."
    blocks: list[Block] = [Paragraph((Text(opening),))]
    if graded:
        blocks.append(
            Paragraph(
                (
                    Strong("Mean score: "),
                    Text(f"{_points(data['mean_points'])} of {_points(data['max_points'])} points; "),
                    Text(f"{_count(data['wrong_claims'], 'wrong claim')} in all."),
                )
            )
        )
    blocks.append(
        Paragraph(
            (
                Text(
                    "For each part: how many sheets answered it, how many got every claim of it right, the mean "
                    "points over the graded sheets, then its most common mistakes, each with how many sheets made "
                    "it and one student's answer, typeset."
                ),
            )
        )
    )
    rows = tuple(
        (
            (Link(part["part"], anchor("part", part["part"])),),
            (Text(_points(part["points"])),),
            (Text(f"{part['answered']} of {graded}"),),
            (Text(f"{part['all_right']} of {part['answered']}"),),
            (Text(_points(part["mean_points"])),),
            (Text(str(len(part["mistakes"]))),),
        )
        for part in data["parts"]
    )
    blocks.append(Table(("Part", "Points", "Answered", "All right", "Mean points", "Mistakes"), rows))
    return tuple(blocks)


def _sheets_section(data: dict[str, Any]) -> Section:
    rows = []
    for sheet in data["students"]:
        points = (
            NO_POINTS if sheet["points"] is None else f"{_points(sheet['points'])} of {_points(sheet['max_points'])}"
        )
        status: tuple[Inline, ...] = (
            (Verdict("graded", "✓", "good"),)
            if sheet["status"] == "graded"
            else (Verdict("error", "✗", "bad"), Text(" " + sheet["status"].removeprefix("error: ")))
        )
        rows.append(((Text(sheet["student"]),), (Text(points),), status))
    return Section(anchor("sheets"), "Sheets", (Table(("Student", "Points", "Status"), tuple(rows)),))


NO_POINTS = "—"


def _mistake_card(part: str, number: int, mistake: dict[str, Any]) -> ClaimCard:
    example = mistake["example"]
    place = f"class overview, part {part}, mistake {number}"
    fields = [Field("About", (Paragraph(prose(mistake["about"])),))]
    if mistake["mistake"] != "other":
        fields.append(Field("Recognised as", (Paragraph((Code(mistake["mistake"]),)),)))
    fields.append(Field(f"An answer with it ({example['student']})", (written_block(example["written"]),)))
    if example.get("diagnosis"):
        fields.append(Field("Diagnosis", (Paragraph(prose(example["diagnosis"])),)))
    if example.get("correction") and example["correction"] != example.get("diagnosis"):
        fields.append(Field("Correction", (_formula_or_sentence(example["correction"], place),)))
    sheets = mistake["sheets"]
    return ClaimCard(
        anchor=anchor("mistake", part, str(number)),
        heading=f"Mistake {number}",
        verdict=Verdict(_count(sheets, "sheet"), "✗", "bad"),
        fields=tuple(fields),
    )


def _part_section(part: dict[str, Any], graded: int) -> Section:
    summary = (
        f"{part['answered']} of {graded} sheets answered it and {part['all_right']} got every claim of it right; "
        f"mean {_points(part['mean_points'])} of {_points(part['points'])} points."
    )
    blocks: list[Block] = [Paragraph((Text(summary),))]
    if not part["mistakes"]:
        blocks.append(Paragraph((Text("No claim of this part was wrong."),)))
    else:
        count = len(part["mistakes"])
        lead = "The one mistake made:" if count == 1 else f"The {count} most common mistakes, the most frequent first:"
        blocks.append(Paragraph((Text(lead),)))
        blocks.extend(_mistake_card(part["part"], number, item) for number, item in enumerate(part["mistakes"], 1))
    return Section(anchor("part", part["part"]), f"Part {part['part']}", tuple(blocks))


def compose_overview(report: ClassReport) -> Document:
    """The class overview page: the parts table, then each part's most common mistakes, then every sheet."""
    data = overview_data(report)
    sections = [_part_section(part, data["graded"]) for part in data["parts"]]
    sections.append(_sheets_section(data))
    return Document(title=f"Class overview: {data['title']}", intro=_intro(data), sections=tuple(sections))


def class_files(report: ClassReport, directory: Path) -> dict[Path, bytes]:
    """``gradebook.csv``, ``overview.json`` and ``overview.html`` of ``report`` under ``directory``, in memory."""
    from symcheck.publish._html import render_html

    return {
        directory / "gradebook.csv": gradebook_csv(report),
        directory / "overview.json": _json(overview_data(report)),
        directory / "overview.html": render_html(compose_overview(report)).encode("utf-8"),
    }


# --------------------------------------------------------------------------- each student's feedback


def feedback_files(
    report: ClassReport, directory: Path, options: BuildOptions, progress: Progress
) -> dict[Path, bytes]:
    """Every graded student's feedback sheet, in ``options.formats``, under ``directory/<student>/``.

    The derivations the sheets show are verified once for the class (from the verification cache where
    it has them), then each sheet is composed and rendered like a published solution sheet.
    """
    from symcheck.publish._build import portable, reproducible_json
    from symcheck.publish._compose import compose_solutions, shown_derivations
    from symcheck.publish._rendering import render_documents
    from symcheck.publish._verifying import verify_cached

    graded = [(sheet.student, portable(sheet.report)) for sheet in report.graded if sheet.report is not None]
    if not graded:
        return {}
    names = list(dict.fromkeys(name for _, grade in graded for name in shown_derivations(grade)))
    derivations, reports = verify_cached(names, options, progress) if names else ({}, {})
    files: dict[Path, bytes] = {}
    documents = []
    with progress.stage(f"composing {_count(len(graded), 'feedback sheet')}"):
        for student, grade in graded:
            stem = directory / student / FEEDBACK
            documents.append((stem, compose_solutions(grade, derivations, reports)))
            if "json" in options.formats:
                shown = [reports[name].as_dict() for name in shown_derivations(grade)]
                files[stem.with_suffix(".json")] = reproducible_json({**grade.as_dict(), "derivations": shown})
    files.update(render_documents(documents, options, progress))
    return files
