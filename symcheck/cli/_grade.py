"""``symcheck grade HOMEWORK [SUBMISSION …]``: one sheet's report, or a whole class graded in parallel.

* No submission: the homework's default sheet (the seed sheet of ``ml-theory``).
* One file and no ``--out``: its report, as text or (``--json``) the report's JSON.
* Several files, or a folder: the class, graded in ``--jobs`` processes (or on a Dask cluster with
  ``--scheduler``), progress on stderr, then a table of student, total and status (or ``--json``: the
  class report). A sheet that cannot be read is its row's status; every other sheet is still graded.
* ``--out DIR``: ``DIR/gradebook.csv``, ``DIR/overview.{html,json}`` and ``DIR/<student>/feedback.*``,
  written all at once after everything has rendered.

The exit status (see :mod:`symcheck.cli`): 3 if the grader broke on a sheet (a bug), else 2 if a sheet
could not be read (or is empty), else 1 if a claim is wrong (unless ``--exit-zero``), else 0.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from symcheck.errors import SourceError, SymcheckError

if TYPE_CHECKING:
    from symcheck.grading import ClassReport, Homework

__all__ = ["class_status", "grade"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _cache() -> Path | None:
    from symcheck.publish._options import _default_cache

    return _default_cache()


def _formats(text: str) -> tuple[str, ...]:
    from symcheck.publish import FORMATS

    formats = tuple(part.strip() for part in text.split(",") if part.strip())
    for name in formats:
        if name not in FORMATS:
            raise SymcheckError(f"--formats: unknown format {name!r} (choose among {', '.join(FORMATS)})")
    return formats


def _submissions(homework: Homework, given: list[str]) -> tuple[list[Path], bool]:
    """The sheets to grade, and whether they are a class (several files, or a folder)."""
    from symcheck.grading import submissions_in
    from symcheck.grading._locate import default_sheet

    if not given:
        return [default_sheet(homework)], False
    sheets = submissions_in(given)
    if not sheets:
        raise SymcheckError(f"no submission (.md, .tex or .ipynb file) in {', '.join(given)}")
    return sheets, len(sheets) > 1 or any(Path(path).is_dir() for path in given)


def grade(arguments: argparse.Namespace) -> int:
    from symcheck.grading import locate_homework

    homework = locate_homework(arguments.homework)
    formats = _formats(arguments.formats) if arguments.out is not None else ()
    if arguments.out is not None and arguments.out.exists() and not arguments.out.is_dir():
        raise SymcheckError(f"--out {arguments.out}: exists and is not a directory")
    sheets, is_class = _submissions(homework, arguments.submissions)
    if not is_class and arguments.out is None:
        return _one(homework, sheets[0], arguments)
    return _class(homework, sheets, arguments, formats)


# --------------------------------------------------------------------------- one sheet


def _one(homework: Homework, sheet: Path, arguments: argparse.Namespace) -> int:
    """Grade one sheet and print its report; a sheet that cannot be read is one line ``file: error: …``."""
    from symcheck.cli import debugging, input_error, internal_error
    from symcheck.grading._class import grade_sheet

    key = str(Path(homework.path).resolve())
    try:
        report, _, _ = grade_sheet(key, str(sheet), arguments.timeout, _cache_dir())
    except SourceError as error:
        if not error.path:
            error = SourceError(error.message, path=str(sheet), line=error.line, column=error.column)
        print(input_error(error), file=sys.stderr)
        return EXIT_USAGE
    except SymcheckError as error:
        print(f"{sheet}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:
        internal_error(error, debug=debugging(arguments), where=f"{sheet}: error")
        return EXIT_INTERNAL
    print(report.to_json() if arguments.json else report.to_text())
    return EXIT_FAILED if report.summary["wrong"] and not arguments.exit_zero else EXIT_OK


def _cache_dir() -> str | None:
    cache = _cache()
    return str(cache) if cache is not None else None


# --------------------------------------------------------------------------- a class


def class_status(report: ClassReport, *, exit_zero: bool) -> int:
    """3 if the grader broke on a sheet, else 2 if a sheet could not be read, else 1 if a claim is wrong
    (0 with ``exit_zero``), else 0."""
    if report.failures("internal"):
        return EXIT_INTERNAL
    if report.failures("input"):
        return EXIT_USAGE
    return EXIT_FAILED if report.wrong_claims and not exit_zero else EXIT_OK


def _class(homework: Homework, sheets: list[Path], arguments: argparse.Namespace, formats: tuple[str, ...]) -> int:
    from symcheck.cli._progress import ClassProgress
    from symcheck.grading import grade_class

    progress = ClassProgress(quiet=arguments.quiet)
    try:
        report = grade_class(
            homework,
            sheets,
            timeout=arguments.timeout,
            jobs=arguments.jobs,
            scheduler=arguments.scheduler,
            cache=_cache(),
            progress=progress,
        )
    finally:
        progress.close()
    if arguments.out is not None:
        _write(report, arguments, formats)
    print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False) if arguments.json else _table(report))
    failed = len(report.sheets) - len(report.graded)
    if failed:
        noun = "sheet" if failed == 1 else "sheets"
        print(
            f"symcheck: {failed} {noun} of {len(report.sheets)} could not be graded (see the status)", file=sys.stderr
        )
    return class_status(report, exit_zero=arguments.exit_zero)


def _write(report: ClassReport, arguments: argparse.Namespace, formats: tuple[str, ...]) -> None:
    """The gradebook, the overview and each student's feedback sheet, all written at once."""
    from symcheck.publish import BuildOptions
    from symcheck.publish._class import class_files, feedback_files
    from symcheck.publish._files import write_atomically
    from symcheck.publish._progress import Progress

    out: Path = arguments.out
    progress = Progress(not arguments.quiet)
    files = class_files(report, out)
    if formats:
        options = BuildOptions(
            out=out, formats=formats, progress=not arguments.quiet, timeout=arguments.timeout, jobs=arguments.jobs
        ).validated()
        files.update(feedback_files(report, out, options, progress))
    with progress.stage(f"writing {len(files)} files to {out}"):
        write_atomically(files)


def _points(value: float) -> str:
    return f"{round(value, 2):g}"


def _table(report: ClassReport) -> str:
    """student, total and status, one sheet a line, then the class in one line."""
    rows = [("student", "total", "status")]
    for sheet in report.sheets:
        if sheet.report is None:
            rows.append((sheet.student, "—", sheet.status))
            continue
        earned, available = sheet.report.score
        rows.append((sheet.student, f"{_points(earned)} / {_points(available)}", f"graded, {sheet.wrong} wrong"))
    widths = [max(len(row[column]) for row in rows) for column in range(2)]
    lines = [f"{student:<{widths[0]}}  {total:>{widths[1]}}  {status}" for student, total, status in rows]
    overview = report.overview()
    graded = overview["graded"]
    summary = f"{len(report.sheets)} sheets, {graded} graded"
    if graded:
        summary += f"; mean {_points(overview['mean_points'])} of {_points(report.max_points)} points"
    summary += f"; {report.wrong_claims} wrong claims in {report.seconds:.1f} s"
    return "\n".join([*lines, summary])
