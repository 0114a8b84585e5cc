"""Grading the sheets a build needs: from the grade cache, beside verification, or on every core."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from symcheck.budget import Isolated, can_fork
from symcheck.errors import BuildError, SymcheckError
from symcheck.publish._options import BuildOptions
from symcheck.publish._progress import Progress
from symcheck.sheet import GradeReport

__all__ = ["Grading", "SheetTarget", "derivations_named_in_keys", "grade_all", "sheet_targets"]


@dataclass(frozen=True)
class SheetTarget:
    """A sheet to build: its name (the output directory), the sheet file and its key."""

    name: str
    sheet: Path
    key: Path


def sheet_targets(names: Sequence[str]) -> list[SheetTarget]:
    """The sheets to build: those named (registered names or files), or every registered one that has a
    default sheet."""
    from symcheck import registry

    entries = {entry.name: entry for entry in registry.sheets()}
    if not names:
        return [
            SheetTarget(entry.name, entry.sheet, entry.key) for entry in entries.values() if entry.sheet is not None
        ]
    registered = {entry.sheet.resolve(): entry.name for entry in entries.values() if entry.sheet is not None}
    targets = []
    for name in names:
        if name in entries:  # the usual case, without importing grading (a tenth of a second) when it is cached
            sheet = entries[name].sheet
            if sheet is not None:  # a homework without a default sheet has only its class overview
                targets.append(SheetTarget(name, sheet, entries[name].key))
            continue
        from symcheck.grading import locate_homework
        from symcheck.grading._locate import default_sheet

        homework = locate_homework(name)  # a key file or a folder holding one
        sheet = default_sheet(homework)
        targets.append(SheetTarget(registered.get(sheet.resolve(), homework.name), sheet, homework.path))
    return targets


def grade_all(targets: Sequence[SheetTarget], timeout: float, jobs: int = 1) -> list[GradeReport]:
    """Each target's sheet graded against its homework key (``jobs`` is kept for the callers: grading
    a sheet runs in one process)."""
    from symcheck.grading import grade_submission

    return [grade_submission(target.key, target.sheet, timeout=timeout) for target in targets]


class Grading:
    """The grading a build needs: reports found in the cache, and the sheets still to grade (``pending``).

    :meth:`start` begins grading the pending sheets; :meth:`wait` returns every report in target order
    (storing the new ones in the cache); :meth:`close` stops a grading process whose reports are not
    wanted any more (the build failed elsewhere).
    """

    def __init__(self, targets: Sequence[SheetTarget], options: BuildOptions, progress: Progress) -> None:
        from symcheck.publish._cache import GradeCache, grade_fingerprint

        self.targets = list(targets)
        self.options = options
        self.progress = progress
        self.cache = GradeCache(options.cache)
        self.keys: dict[str, str] = {}
        self.reports: dict[str, GradeReport] = {}
        for target in self.targets:
            try:
                self.keys[target.name] = grade_fingerprint(target.sheet, target.key, timeout=options.timeout)
            except OSError:
                continue  # an unreadable file: grading reports it with its place
            cached = self.cache.load(self.keys[target.name])
            if cached is not None:
                self.reports[target.name] = cached
                progress.note(f"grading {target.name} … unchanged, from the cache")
        self.pending = tuple(target for target in self.targets if target.name not in self.reports)
        self._child: Isolated | None = None
        self._graded: list[GradeReport] | None = None
        self._started = 0.0

    def start(self, *, beside_verification: bool) -> bool:
        """Grade the pending sheets: in a second process while the caller verifies, or here on every core.

        Beside verification, one process grades while the caller verifies; with nothing to verify,
        the claims are shared among ``options.jobs`` processes instead. Returns whether grading
        goes on in the background.
        """
        if not self.pending:
            return False
        self._started = time.perf_counter()
        names = ", ".join(target.name for target in self.pending)
        if beside_verification and can_fork():
            self.progress.note(f"grading {names} in a second process, beside verification …")
            self._child = Isolated(grade_all, (self.pending, self.options.timeout), daemon=False)
            return True
        with self.progress.stage(f"grading {names}"):
            self._graded = grade_all(self.pending, self.options.timeout, max(1, self.options.jobs))
        return False

    def wait(self) -> list[GradeReport]:
        if self._child is not None:
            try:
                self._graded = self._child.result()
            except RuntimeError as error:  # the grading process died without an answer
                raise BuildError(f"grading stopped: {error}") from None
            names = ", ".join(target.name for target in self.pending)
            self.progress.note(f"graded {names} … {time.perf_counter() - self._started:.2f} s")
        for target, report in zip(self.pending, self._graded or [], strict=True):
            self.reports[target.name] = report
            if target.name in self.keys:
                self.cache.store(self.keys[target.name], report)
        return [self.reports[target.name] for target in self.targets]

    def close(self) -> None:
        if self._child is not None:
            self._child.close()


def derivations_named_in_keys(targets: Sequence[SheetTarget]) -> list[str]:
    """The derivations the sheets' keys name, read before grading so they can be verified meanwhile."""
    if not targets:
        return []
    from symcheck.grading import load_homework

    names: list[str] = []
    for target in targets:
        try:
            homework = load_homework(target.key)
        except (SymcheckError, OSError):
            continue  # grading reports a broken key with its place
        for part in homework.parts:
            for item in (*part.quantities, *part.statements):
                for name in (item.derivation, *(alternative.derivation for alternative in getattr(item, "values", ()))):
                    if name and name not in names:
                        names.append(name)
    return names
