"""Grade a whole class: every submission in parallel, each result cached, one broken sheet never stopping the rest.

Work goes through a :class:`concurrent.futures.Executor`: a local process pool on this machine's cores,
or, with ``scheduler``, a Dask distributed cluster through ``Client.get_executor()`` — the same code
path, so a course that outgrows one machine changes one option. Each sheet's report is cached under a
key made of everything it depends on (the sheet, its slips, the key, the grading code, the library and
the budget), so grading a class again re-grades only what changed.

A sheet that cannot be read (not UTF-8, a notebook that is not JSON, an empty file) or that breaks the
grader is a row with the status ``error: …`` and its reason; every other sheet is graded all the same.
Its :attr:`SheetOutcome.failure` says which: ``input`` (the sheet) or ``internal`` (a bug in symcheck).

Before a local pool forks, this process loads the homework, the grading code and the digests of the
cache key, so every worker starts warm instead of importing and reading them again.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from symcheck.errors import SourceError, SymcheckError
from symcheck.grading._slips import slips_path
from symcheck.grading._spec import Homework
from symcheck.sheet import ClaimResult, GradeReport
from symcheck.store import JsonStore, engine_digest, loaded, plain, tree_digest

__all__ = ["ClassReport", "SheetOutcome", "default_jobs", "grade_class", "grade_one", "grade_sheet", "student_names"]

_FORMAT = 1
_ABOVE_GRADING = ("publish/", "cli/", "cli.py", "__main__.py", "pytest_plugin.py")

Failure = Literal["", "input", "internal"]
SCHEDULER_TIMEOUT = "10s"
"""How long ``--scheduler`` tries to reach the Dask scheduler before saying it cannot."""


@dataclass(frozen=True)
class SheetOutcome:
    """One submission of a class: the student (the file's stem), its report or why it has none."""

    student: str
    path: str
    status: str
    """``graded``, or ``error: …`` with the reason."""
    report: GradeReport | None = None
    seconds: float = 0.0
    """CPU seconds the grading took (0 when the report came from the cache)."""
    cached: bool = False
    failure: Failure = ""
    """Why there is no report: ``input`` (the sheet cannot be read or is empty), ``internal`` (the grader
    broke on it: a bug), or ``""`` when it was graded."""

    @property
    def wrong(self) -> int:
        """How many of its claims are wrong (0 without a report)."""
        return self.report.summary["wrong"] if self.report is not None else 0

    def as_dict(self) -> dict[str, Any]:
        earned, available = self.report.score if self.report is not None else (None, None)
        return {
            "student": self.student,
            "file": self.path,
            "status": self.status,
            "failure": self.failure or None,
            "points": round(earned, 2) if earned is not None else None,
            "max_points": available,
            "summary": self.report.summary if self.report is not None else None,
            "seconds": round(self.seconds, 3),
            "cached": self.cached,
        }


@dataclass(frozen=True)
class ClassReport:
    """A class graded against one homework: every sheet's outcome, in the order given."""

    homework: str
    title: str
    parts: tuple[tuple[str, float], ...]
    """Each part with its points."""
    sheets: tuple[SheetOutcome, ...]
    seconds: float = 0.0

    @property
    def graded(self) -> list[SheetOutcome]:
        return [sheet for sheet in self.sheets if sheet.report is not None]

    @property
    def max_points(self) -> float:
        return sum(points for _, points in self.parts)

    @property
    def wrong_claims(self) -> int:
        """Wrong claims over every graded sheet."""
        return sum(sheet.wrong for sheet in self.sheets)

    def failures(self, kind: Failure) -> list[SheetOutcome]:
        """The sheets without a report because of ``kind`` (``input`` or ``internal``)."""
        return [sheet for sheet in self.sheets if sheet.failure == kind]

    def gradebook_rows(self) -> list[list[str]]:
        """A header and one row per file (CSV-ready, see :data:`GRADEBOOK_IDENTITY`): the student (the file's
        stem) as name and login, the points of each part, the total and the status (``graded``, ``error: …``).

        A sheet without a report has empty points, which a gradebook import reads as "no grade", not 0.
        """
        header = [
            *GRADEBOOK_IDENTITY,
            *(f"{self.homework} {part}" for part, _ in self.parts),
            f"{self.homework} total",
            "Status",
        ]
        rows = [header]
        for sheet in self.sheets:
            identity = [sheet.student, "", "", sheet.student, ""]
            if sheet.report is None:
                rows.append([*identity, *("" for _ in self.parts), "", _one_line(sheet.status)])
                continue
            points = {part.part: part.points for part in sheet.report.parts}
            cells = [_points(points.get(part, 0.0)) for part, _ in self.parts]
            rows.append([*identity, *cells, _points(sum(points.values())), sheet.status])
        return rows

    def overview(self) -> dict[str, Any]:
        """Per part: how many answered it and got it right, and the most common mistakes with an example."""
        parts = []
        for part, points in self.parts:
            claims = [(sheet, claim) for sheet in self.graded for claim in sheet.report.claims if claim.part == part]  # type: ignore[union-attr]
            answered = [sheet for sheet in self.graded if _status(sheet.report, part) == "answered"]  # type: ignore[arg-type]
            right = [sheet for sheet in answered if _all_right(sheet.report, part)]  # type: ignore[arg-type]
            earned = [_part_points(sheet.report, part) for sheet in self.graded]  # type: ignore[arg-type]
            parts.append(
                {
                    "part": part,
                    "points": points,
                    "answered": len(answered),
                    "all_right": len(right),
                    "mean_points": round(sum(earned) / len(earned), 2) if earned else 0.0,
                    "mistakes": _mistakes(claims),
                }
            )
        totals = [sheet.report.score[0] for sheet in self.graded]  # type: ignore[union-attr]
        return {
            "homework": self.homework,
            "title": self.title,
            "sheets": len(self.sheets),
            "graded": len(self.graded),
            "max_points": self.max_points,
            "mean_points": round(sum(totals) / len(totals), 2) if totals else 0.0,
            "wrong_claims": self.wrong_claims,
            "errors": [{"student": s.student, "status": s.status} for s in self.sheets if s.report is None],
            "parts": parts,
        }

    def as_dict(self) -> dict[str, Any]:
        """The overview and every sheet's outcome (``symcheck grade --json`` on a class)."""
        return {
            "overview": self.overview(),
            "sheets": [sheet.as_dict() for sheet in self.sheets],
            "seconds": round(self.seconds, 3),
        }


GRADEBOOK_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
"""The gradebook's first columns, in the order Canvas's import expects them: the student's name and login
are the file's stem; Canvas's own ID, SIS user ID and section are left empty (Canvas matches the login).
Moodle maps any one column to its users (``SIS Login ID`` to the username, for instance)."""


def _points(value: float) -> str:
    return f"{round(value, 2):g}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _status(report: GradeReport, part: str) -> str:
    return next((result.status for result in report.parts if result.part == part), "no answer")


def _part_points(report: GradeReport, part: str) -> float:
    return next((result.points for result in report.parts if result.part == part), 0.0)


def _all_right(report: GradeReport, part: str) -> bool:
    verdicts = [claim.verdict for claim in report.claims if claim.part == part and claim.verdict != "not graded"]
    return bool(verdicts) and all(verdict == "correct" for verdict in verdicts)


def _mistakes(claims: list[tuple[SheetOutcome, ClaimResult]], limit: int = 5) -> list[dict[str, Any]]:
    """The most common mistakes of a part: what was got wrong, by how many sheets, with one example."""
    groups: dict[tuple[str, str], list[tuple[SheetOutcome, ClaimResult]]] = {}
    for sheet, claim in claims:
        if claim.verdict != "wrong":
            continue
        topic = claim.statement or claim.quantity or "a step"
        groups.setdefault((topic, claim.mistake or "other"), []).append((sheet, claim))
    ranked = sorted(groups.items(), key=lambda item: (-len({s.student for s, _ in item[1]}), item[0]))
    found = []
    for (topic, mistake), members in ranked[:limit]:
        sheet, claim = members[0]
        found.append(
            {
                "about": topic,
                "mistake": mistake,
                "sheets": len({s.student for s, _ in members}),
                "example": {
                    "student": sheet.student,
                    "written": claim.written,
                    "diagnosis": claim.diagnosis,
                    "correction": claim.correction,
                },
            }
        )
    return found


# --------------------------------------------------------------------------- one sheet (runs in workers)


@lru_cache(maxsize=8)
def _homework(key: str) -> Homework:
    from symcheck.grading._homework import load_homework

    return load_homework(Path(key))


@lru_cache(maxsize=1)
def _library_digest() -> str:
    import sys

    from symcheck import registry

    registry.load_entry_points()
    roots = set()
    for entry in registry.entries():
        module = sys.modules.get(entry.module.split(".")[0])
        if module is not None and getattr(module, "__file__", None):
            roots.add(Path(module.__file__).resolve().parent)
    return hashlib.sha256("".join(tree_digest(root) for root in sorted(roots)).encode()).hexdigest()


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def cache_key(key: Path, sheet: Path, timeout: float) -> str:
    """Everything a sheet's report depends on: its bytes, its slips, the key, the code, the library, the budget."""
    parts = (
        f"symcheck-class-grade-{_FORMAT}",
        engine_digest(_ABOVE_GRADING),
        _library_digest(),
        repr(timeout),
        hashlib.sha256(_read(key)).hexdigest(),
        hashlib.sha256(_read(sheet)).hexdigest(),
        hashlib.sha256(_read(slips_path(sheet))).hexdigest(),
        sheet.name,
    )
    return hashlib.sha256(":".join(parts).encode()).hexdigest()


def _check_not_empty(path: Path) -> None:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(f"cannot be read: {error.strerror or error}", path=path.name) from None
    if not data.strip():
        raise SourceError("the sheet is empty: there is nothing to grade", path=path.name)


def grade_sheet(key: str, sheet: str, timeout: float, cache: str | None) -> tuple[GradeReport, float, bool]:
    """One submission's report, the CPU seconds grading it took and whether it came from the cache.

    Raises :class:`~symcheck.errors.SymcheckError` (most often a :class:`~symcheck.errors.SourceError` with
    the place) for a sheet that cannot be read or is empty; any other exception is a bug of the grader.
    """
    path = Path(sheet)
    _check_not_empty(path)
    store = JsonStore(Path(cache)) if cache else JsonStore(None)
    fingerprint = cache_key(Path(key), path, timeout)
    stored = store.read(fingerprint)
    if stored is not None:
        try:
            return loaded(GradeReport, stored), 0.0, True
        except (TypeError, ValueError, KeyError):
            pass
    from symcheck.grading._grade import grade_submission

    started = time.process_time()
    report = grade_submission(_homework(key), path, timeout=timeout)
    store.write(fingerprint, plain(report))
    return report, time.process_time() - started, False


def grade_one(key: str, sheet: str, timeout: float, cache: str | None, student: str | None = None) -> SheetOutcome:
    """Grade one submission (in a worker): never raises; a failure is the outcome's status."""
    name = student or Path(sheet).stem
    try:
        report, seconds, cached = grade_sheet(key, sheet, timeout, cache)
        return SheetOutcome(name, sheet, "graded", report, seconds, cached=cached)
    except SourceError as error:
        where = str(error) if error.path else f"{Path(sheet).name}: {error}"
        return SheetOutcome(name, sheet, f"error: {where}", failure="input")
    except SymcheckError as error:
        return SheetOutcome(name, sheet, f"error: {Path(sheet).name}: {error}", failure="input")
    except Exception as error:
        reason = f"the grader failed on this sheet, a bug in symcheck ({type(error).__name__}: {error})"
        return SheetOutcome(name, sheet, f"error: {_one_line(reason)}", failure="internal")


def student_names(submissions: Sequence[Path | str]) -> list[str]:
    """Each submission's student: the file's stem, or its whole name when two files share a stem
    (``alice.md`` and ``alice.tex``), so that every student has a row and a folder of their own."""
    stems = [Path(path).stem for path in submissions]
    names = [stem if stems.count(stem) == 1 else Path(path).name for stem, path in zip(stems, submissions, strict=True)]
    return [_safe(name, index) for index, name in enumerate(names)]


def _safe(name: str, index: int) -> str:
    """A name that can be a folder's: no separators, not ``.`` or ``..``."""
    cleaned = "".join("_" if char in "/\\:\0" else char for char in name).strip()
    return cleaned if cleaned.strip(".") else f"sheet-{index + 1}"


# --------------------------------------------------------------------------- the class


def _warm_up(key: str) -> None:
    """Load what every worker needs before the pool forks: the homework, the grader, the cache key's digests."""
    import symcheck.grading._grade  # noqa: F401  (imports SymPy and the whole grader once, here)

    _homework(key)
    _library_digest()
    engine_digest(_ABOVE_GRADING)


def _executor(jobs: int, scheduler: str | None) -> tuple[Executor | None, Callable[[], None]]:
    if scheduler is not None:
        try:
            from distributed import Client
        except ImportError:
            raise SymcheckError("--scheduler needs Dask distributed: pip install 'symcheck[dask]'") from None
        try:
            client = Client(scheduler, timeout=SCHEDULER_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as error:
            raise SymcheckError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
        return client.get_executor(), client.close
    if jobs <= 1:
        return None, lambda: None
    import multiprocessing

    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context)
    return pool, lambda: pool.shutdown(cancel_futures=True)


def grade_class(
    homework: Homework,
    submissions: Sequence[Path],
    *,
    timeout: float = 5.0,
    jobs: int = 2,
    scheduler: str | None = None,
    cache: Path | None = None,
    progress: Callable[[int, int, SheetOutcome], None] | None = None,
) -> ClassReport:
    """Grade every submission against ``homework`` (see the module docstring); outcomes in the order given.

    ``progress(done, total, outcome)`` is called as each sheet is graded, in the order they finish.
    """
    if jobs < 1:
        raise SymcheckError(f"jobs must be at least 1 (got {jobs})")
    started = time.perf_counter()
    key = str(Path(homework.path).resolve())
    directory = str(cache) if cache is not None else None
    tasks = [str(Path(path)) for path in submissions]
    students = student_names(tasks)
    outcomes: dict[int, SheetOutcome] = {}
    if scheduler is None and tasks:
        _warm_up(key)
    executor, close = _executor(min(jobs, max(1, len(tasks))), scheduler)
    try:
        if executor is None:
            for index, sheet in enumerate(tasks):
                outcomes[index] = grade_one(key, sheet, timeout, directory, students[index])
                if progress is not None:
                    progress(len(outcomes), len(tasks), outcomes[index])
        else:
            futures: dict[Future, int] = {
                executor.submit(grade_one, key, sheet, timeout, directory, students[index]): index
                for index, sheet in enumerate(tasks)
            }
            for future in as_completed(futures):
                index = futures[future]
                outcomes[index] = _outcome(future, tasks[index], students[index])
                if progress is not None:
                    progress(len(outcomes), len(tasks), outcomes[index])
    finally:
        close()
    return ClassReport(
        homework=homework.name,
        title=homework.title,
        parts=tuple((part.part, part.points) for part in homework.parts),
        sheets=tuple(outcomes[index] for index in range(len(tasks))),
        seconds=time.perf_counter() - started,
    )


def _outcome(future: Future, sheet: str, student: str) -> SheetOutcome:
    try:
        return future.result()
    except Exception as error:
        reason = f"error: the grading process stopped, a bug in symcheck or the machine ({type(error).__name__})"
        return SheetOutcome(student, sheet, reason, failure="internal")


def default_jobs() -> int:
    return max(1, min(2, os.cpu_count() or 1))
