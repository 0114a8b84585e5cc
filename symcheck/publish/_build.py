"""``symcheck build``: grade, verify, compose once, render every format in memory, then write atomically.

The stages, each announced on stderr (:mod:`symcheck.publish._progress`):

1. grade each answer sheet (:mod:`symcheck.publish._grading`), from the cache when neither the
   sheet, its key, the engine nor the library changed; otherwise in a forked process, so that
2. the derivations the documents show (only those) are verified at the same time on the other
   core, each report reused from the cache when its derivation's fingerprint is unchanged
   (:mod:`symcheck.publish._verifying`, :mod:`symcheck.publish._cache`);
3. compose one format-neutral document per sheet and one for the library
   (:mod:`symcheck.publish._compose`);
4. render every requested format of every document into bytes: the text formats in a forked
   process while this one makes the PDFs (:mod:`symcheck.publish._rendering`);
5. grade each registered homework's class of sample sheets (its ``class`` folder and its default
   sheet; :func:`~symcheck.grading.grade_class`, cached per sheet) into its class overview and
   gradebook (:mod:`symcheck.publish._class`);
6. write everything all-or-nothing (:mod:`symcheck.publish._files`), or with ``check_only``
   compare it with what is on disk.

Nothing is written before every format of every document has rendered, so a failure anywhere
leaves the previous output intact.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from symcheck.errors import BuildError
from symcheck.model import Derivation
from symcheck.publish._document import Document
from symcheck.publish._files import stale_files, write_atomically
from symcheck.publish._grading import Grading, SheetTarget, derivations_named_in_keys, sheet_targets
from symcheck.publish._options import LIBRARY, BuildOptions
from symcheck.publish._progress import Progress
from symcheck.publish._rendering import render_documents
from symcheck.publish._verifying import look_up, verify_cached, verify_missing
from symcheck.reader import shown_path
from symcheck.results import DerivationReport, VerifyReport
from symcheck.sheet import GradeReport

__all__ = ["BuildResult", "build", "build_result", "portable", "reproducible_json"]

LIBRARY_TITLE = "The derivation library: reference"


def _reproducible(value: Any) -> Any:
    """A report as published: the same bytes from every rebuild on every machine.

    Timings (``seconds``) are dropped. A numeric check's ``max_error`` is kept to the two
    significant digits the documents show: its last bits come from NumPy's exp and log, which
    differ between CPUs (SIMD paths), and would make a fresh checkout's output/ look stale.
    """
    if isinstance(value, dict):
        return {
            key: float(f"{item:.1e}") if key == "max_error" and isinstance(item, float) else _reproducible(item)
            for key, item in value.items()
            if key != "seconds"
        }
    if isinstance(value, list):
        return [_reproducible(item) for item in value]
    return value


def reproducible_json(data: Any) -> bytes:
    """A report as a published JSON file: :func:`_reproducible`, indented, UTF-8, ending in a newline."""
    return (json.dumps(_reproducible(data), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def portable_path(path: str) -> str:
    """A path as a published sheet names it (:func:`symcheck.reader.shown_path`): from the top of its package
    wherever it is installed, else from the project, else by its name, so no sheet depends on the machine."""
    if not path or not Path(path).is_absolute():
        return path
    try:
        return shown_path(Path(path))
    except OSError:
        return Path(path).name


def portable(grade: GradeReport) -> GradeReport:
    """``grade`` with every path it holds (its source, its claims' places) made :func:`portable_path`."""
    claims = tuple(
        dataclasses.replace(
            claim, location=dataclasses.replace(claim.location, path=portable_path(claim.location.path))
        )
        if claim.location is not None
        else claim
        for claim in grade.claims
    )
    return dataclasses.replace(grade, source=portable_path(grade.source), claims=claims)


def _safe_directory(name: str) -> str:
    if not name or name in (".", "..") or any(char in name for char in "/\\\0"):
        raise BuildError(f"the sheet name {name!r} cannot name an output directory")
    return name


def _check_claims_name_registered_derivations(grades: Sequence[GradeReport]) -> None:
    from symcheck import registry

    known = {entry.name for entry in registry.entries()}
    for grade in grades:
        for claim in grade.claims:
            if claim.derivation is not None and claim.derivation not in known:
                where = f"{claim.location}: " if claim.location else ""
                raise BuildError(
                    f"{where}claim {claim.id} names the derivation {claim.derivation!r}, which is not registered "
                    "(`symcheck list` shows the registered derivations)"
                )


def _grade_and_verify(
    targets: Sequence[SheetTarget], library: bool, options: BuildOptions, progress: Progress
) -> tuple[list[GradeReport], dict[str, Derivation | None], dict[str, DerivationReport]]:
    """The sheets' grade reports and the verification of every derivation the documents show.

    Grading runs in a second process while the library and the derivations the keys name are
    verified here, or on both cores when every report is cached; a derivation that only the grade
    reports reveal is verified afterwards.
    """
    from symcheck import registry
    from symcheck.publish._compose import shown_derivations

    known = [entry.name for entry in registry.entries()]
    grading = Grading(targets, options, progress)
    try:
        names = list(known) if library else []
        names += [name for name in derivations_named_in_keys(grading.pending) if name in known and name not in names]
        lookup = look_up(names, options)
        # the second core grades beside verification when there is verifying to do; else grading has both.
        # Verification's workers then yield to grading, the one process that cannot be split.
        grading_beside = grading.start(beside_verification=bool(lookup.missing))
        derivations, reports = (
            verify_missing(lookup, options, progress, background=grading_beside) if names else ({}, {})
        )
        grades = grading.wait()
    finally:
        grading.close()
    _check_claims_name_registered_derivations(grades)
    shown = [name for grade in grades for name in shown_derivations(grade)]
    extra = list(dict.fromkeys(name for name in shown if name not in reports))
    if extra:
        more_derivations, more_reports = verify_cached(extra, options, progress)
        derivations.update(more_derivations)
        reports.update(more_reports)
    for name, report in reports.items():
        if report.status != "verified":
            warning = f"symcheck: warning: the derivation {name} is {report.status}; the documents show where"
            print(warning, file=sys.stderr)
    return grades, derivations, reports


def _collect(options: BuildOptions, progress: Progress) -> dict[Path, bytes]:
    """Every output file, rendered in memory."""
    from symcheck import registry
    from symcheck.publish._compose import compose_reference, compose_solutions, shown_derivations

    if "pdf" in options.formats and options.pdf_engine == "latex":
        from symcheck.publish._pdflatex import latex_engine

        latex_engine()  # say what is missing before grading and verifying, not after
    registry.load_entry_points()
    wanted = list(options.sheets)
    library = not wanted or LIBRARY in wanted
    sheet_names = [name for name in wanted if name != LIBRARY]
    targets = sheet_targets(sheet_names) if sheet_names or not wanted else []
    grades, derivations, reports = _grade_and_verify(targets, library, options, progress)

    files: dict[Path, bytes] = {}
    documents: list[tuple[Path, Document]] = []
    for grade in map(portable, grades):
        directory = options.out / _safe_directory(grade.sheet)
        with progress.stage(f"composing {grade.sheet}"):
            documents.append((directory / "solutions", compose_solutions(grade, derivations, reports)))
        if "json" in options.formats:
            shown_reports = [reports[name].as_dict() for name in shown_derivations(grade)]
            files[directory / "report.json"] = reproducible_json({**grade.as_dict(), "derivations": shown_reports})
    if library:
        directory = options.out / LIBRARY
        verify_report = VerifyReport(tuple(reports[entry.name] for entry in registry.entries()), 0.0)
        with progress.stage("composing the library reference"):
            documents.append((directory / "reference", compose_reference(verify_report, derivations, LIBRARY_TITLE)))
        if "json" in options.formats:
            files[directory / "report.json"] = reproducible_json(verify_report.as_dict())
    files.update(render_documents(documents, options, progress))
    files.update(_class_overviews(class_targets(sheet_names if wanted else None), options, progress))
    return files


def class_targets(names: Sequence[str] | None) -> list[tuple[str, Path, list[Path]]]:
    """(name, key, sheets) of each registered homework with a class (all of them when ``names`` is None):
    the submissions of its class folder, and its default sheet if it has one."""
    from symcheck import registry
    from symcheck.grading import submissions_in

    found = []
    for entry in registry.sheets():
        if names is not None and entry.name not in names:
            continue
        if entry.class_folder is None or not entry.class_folder.is_dir():
            continue
        sheets = submissions_in([entry.class_folder])
        if entry.sheet is not None and entry.sheet.is_file() and entry.sheet not in sheets:
            sheets.append(entry.sheet)
        found.append((entry.name, entry.key, sheets))
    return found


def _class_overviews(
    targets: Sequence[tuple[str, Path, list[Path]]], options: BuildOptions, progress: Progress
) -> dict[Path, bytes]:
    """Each homework's class graded (every sheet from the grade cache when unchanged) and its overview files."""
    if not targets:
        return {}
    from symcheck.grading import grade_class, load_homework
    from symcheck.publish._class import class_files

    files: dict[Path, bytes] = {}
    for name, key, sheets in targets:
        homework = load_homework(key)
        with progress.stage(f"grading the class of {name} ({len(sheets)} sheets)"):
            report = grade_class(
                homework, sheets, timeout=options.timeout, jobs=max(1, options.jobs), cache=options.cache
            )
        for sheet in report.sheets:
            if sheet.report is None:
                print(f"symcheck: warning: {name}: {sheet.student}: {sheet.status}", file=sys.stderr)
        with progress.stage(f"composing the class overview of {name}"):
            files.update(class_files(report, options.out / _safe_directory(name)))
    return files


@dataclass(frozen=True)
class BuildResult:
    """What a build made: every file (relative to nothing: as the options named them), and which changed.

    With ``check_only``, ``changed`` holds the stale files, and nothing was written.
    """

    files: tuple[Path, ...]
    changed: tuple[Path, ...]
    check_only: bool

    @property
    def status(self) -> int:
        """The exit status: 0, or 1 when ``check_only`` found stale files."""
        return 1 if self.check_only and self.changed else 0

    def as_dict(self) -> dict[str, object]:
        return {
            "check": self.check_only,
            "files": [path.as_posix() for path in self.files],
            "stale" if self.check_only else "changed": [path.as_posix() for path in self.changed],
            "up_to_date": not self.changed if self.check_only else None,
        }


def build_result(options: BuildOptions) -> BuildResult:
    """Run a build (see :func:`build`) and say what it made."""
    options = options.validated()
    progress = Progress(options.progress)
    files = _collect(options, progress)
    if options.check_only:
        stale = stale_files(files)
        for path in stale:
            print(f"stale: {path}", file=sys.stderr)
        if stale:
            message = f"symcheck: {len(stale)} of {len(files)} files are out of date; run `symcheck build`"
            print(message, file=sys.stderr)
        else:
            progress.note(f"{len(files)} files are up to date")
        return BuildResult(tuple(files), tuple(stale), True)
    with progress.stage(f"writing {len(files)} files to {options.out}"):
        changed = write_atomically(files)
    progress.note(f"{len(changed)} of {len(files)} files changed")
    return BuildResult(tuple(files), tuple(changed), False)


def build(options: BuildOptions) -> int:
    """Run ``symcheck build``; returns the exit status (``check_only``: 0 up to date, 1 stale).

    A user's mistake (an unknown sheet, a bad option, a malformed key) raises
    :class:`~symcheck.errors.SymcheckError`, which the CLI prints as one line; nothing is written.
    """
    return build_result(options).status
