"""Grade a whole class: every submission in parallel, each result cached, one broken sheet never stopping the rest.

Work goes through a :class:`concurrent.futures.Executor`: a local process pool on this machine's cores,
or, with ``scheduler``, a Dask distributed cluster through ``Client.get_executor()`` — the same code
path, so a course that outgrows one machine changes one option. Each sheet's report is cached under a
key made of everything it depends on (the sheet, its slips, the key, the grading code, the library and
the budget), so grading a class again re-grades only what changed.

A sheet that cannot be read (not UTF-8, a notebook that is not JSON) or that breaks the grader is a
row with the status ``error: …`` and its reason; every other sheet is graded all the same.
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
from typing import Any

from symcheck.errors import SourceError, SymcheckError
from symcheck.grading._slips import slips_path
from symcheck.grading._spec import Homework
from symcheck.sheet import ClaimResult, GradeReport
from symcheck.store import JsonStore, engine_digest, loaded, plain, tree_digest

__all__ = ["ClassReport", "SheetOutcome", "grade_class", "grade_one"]

_FORMAT = 1
_ABOVE_GRADING = ("publish/", "cli.py", "__main__.py", "pytest_plugin.py")


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

    def gradebook_rows(self) -> list[list[str]]:
        """A header and one row per file: student, points per part, total, status (CSV-ready)."""
        header = ["Student", *(part for part, _ in self.parts), "Total", "Status"]
        rows = [header]
        for sheet in self.sheets:
            if sheet.report is None:
                rows.append([sheet.student, *("" for _ in self.parts), "", sheet.status])
                continue
            points = {part.part: part.points for part in sheet.report.parts}
            cells = [_points(points.get(part, 0.0)) for part, _ in self.parts]
            rows.append([sheet.student, *cells, _points(sum(points.values())), sheet.status])
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
        return {
            "homework": self.homework,
            "title": self.title,
            "sheets": len(self.sheets),
            "graded": len(self.graded),
            "errors": [{"student": s.student, "status": s.status} for s in self.sheets if s.report is None],
            "parts": parts,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "overview": self.overview(),
            "sheets": [
                {"student": s.student, "path": s.path, "status": s.status, "seconds": round(s.seconds, 3)}
                for s in self.sheets
            ],
        }


def _points(value: float) -> str:
    return f"{value:g}"


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


def grade_one(key: str, sheet: str, timeout: float, cache: str | None) -> SheetOutcome:
    """Grade one submission (in a worker): never raises; a failure is the outcome's status."""
    path = Path(sheet)
    student = path.stem
    store = JsonStore(Path(cache)) if cache else JsonStore(None)
    try:
        fingerprint = cache_key(Path(key), path, timeout)
        stored = store.read(fingerprint)
        if stored is not None:
            try:
                return SheetOutcome(student, sheet, "graded", loaded(GradeReport, stored), 0.0, cached=True)
            except (TypeError, ValueError, KeyError):
                pass
        from symcheck.grading._grade import grade_submission

        started = time.process_time()
        report = grade_submission(_homework(key), path, timeout=timeout)
        store.write(fingerprint, plain(report))
        return SheetOutcome(student, sheet, "graded", report, time.process_time() - started)
    except SourceError as error:
        return SheetOutcome(student, sheet, f"error: {error}")
    except SymcheckError as error:
        return SheetOutcome(student, sheet, f"error: {error}")
    except Exception as error:
        return SheetOutcome(student, sheet, f"error: the grader failed on this sheet ({type(error).__name__}: {error})")


# --------------------------------------------------------------------------- the class


def _executor(jobs: int, scheduler: str | None) -> tuple[Executor | None, Callable[[], None]]:
    if scheduler is not None:
        try:
            from distributed import Client
        except ImportError:
            raise SymcheckError("--scheduler needs Dask distributed: pip install 'symcheck[dask]'") from None
        try:
            client = Client(scheduler, timeout="10s")
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
    """Grade every submission against ``homework`` (see the module docstring); outcomes in the order given."""
    started = time.perf_counter()
    key = str(Path(homework.path).resolve())
    directory = str(cache) if cache is not None else None
    tasks = [str(Path(path)) for path in submissions]
    outcomes: dict[int, SheetOutcome] = {}
    executor, close = _executor(jobs, scheduler)
    try:
        if executor is None:
            for index, sheet in enumerate(tasks):
                outcomes[index] = grade_one(key, sheet, timeout, directory)
                if progress is not None:
                    progress(len(outcomes), len(tasks), outcomes[index])
        else:
            futures: dict[Future, int] = {
                executor.submit(grade_one, key, sheet, timeout, directory): index for index, sheet in enumerate(tasks)
            }
            for future in as_completed(futures):
                index = futures[future]
                outcomes[index] = _outcome(future, tasks[index])
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


def _outcome(future: Future, sheet: str) -> SheetOutcome:
    try:
        return future.result()
    except Exception as error:
        return SheetOutcome(Path(sheet).stem, sheet, f"error: the grading process stopped ({type(error).__name__})")


def default_jobs() -> int:
    return max(1, min(2, os.cpu_count() or 1))
