"""Verifying many derivations: one after the other, or split into tasks over forked worker processes.

A task is one part of one derivation: its chain of steps, or one of its numeric checks, so two
workers stay busy to the end instead of waiting on the longest derivation. Reports come back in
registration order.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Sequence

from symcheck.budget import Deadline
from symcheck.equivalence import DEFAULT_TIMEOUT
from symcheck.errors import SymcheckError
from symcheck.model import Derivation
from symcheck.registry import Entry
from symcheck.results import DerivationReport, VerifyReport
from symcheck.verify._numeric import run_check
from symcheck.verify._steps import assemble, verify, verify_steps

__all__ = ["verify_all", "verify_entries"]


def _failed_to_build(entry: Entry, message: str, seconds: float) -> DerivationReport:
    return DerivationReport(
        name=entry.name,
        title=entry.title,
        status="failed",
        general_k=False,
        seconds=seconds,
        steps=(),
        checks=(),
        topic=entry.topic,
        error=message,
    )


def _build(entry: Entry) -> Derivation | str:
    """The entry's derivation, or the message of why its builder failed (reported, not raised)."""
    from symcheck import registry

    try:
        return registry.build(entry.name)
    except SymcheckError as error:
        return str(error)
    except Exception as error:  # a broken builder is reported as that derivation failing
        return f"{type(error).__name__}: {error}"


def _verify_entry(entry: Entry, timeout: float | None, numeric: bool, latex: bool = True) -> DerivationReport:
    started = time.perf_counter()
    derivation = _build(entry)
    if isinstance(derivation, str):
        return _failed_to_build(entry, derivation, time.perf_counter() - started)
    return verify(derivation, timeout=timeout, numeric=numeric, latex=latex)


def verify_entries(
    entries: Sequence[Entry],
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    numeric: bool = True,
    jobs: int = 1,
    progress: Callable[[DerivationReport], None] | None = None,
    latex: bool = True,
    background: bool = False,
) -> VerifyReport:
    """Verify registered derivations, in ``jobs`` forked processes when more than one is asked for.

    Reports come back in registration order. ``progress`` is called with each report as it is
    ready (in the parent process), so the CLI can print one line per derivation. With
    ``background`` the worker processes run at a lower scheduling priority: a build grades a
    sheet beside them, and grading, one process that cannot be split further, then keeps its core
    while the workers share what it leaves (and both cores once it is done).
    """
    started = time.perf_counter()
    entries = list(entries)
    reports: list[DerivationReport] = []
    if jobs > 1 and len(entries) > 1:
        reports = _verify_parallel(entries, timeout, numeric, jobs, progress, latex, background)
    else:
        for entry in entries:
            report = _verify_entry(entry, timeout, numeric, latex)
            reports.append(report)
            if progress is not None:
                progress(report)
    return VerifyReport(tuple(reports), time.perf_counter() - started)


# A task is one part of one derivation: its chain of steps, or one of its numeric checks. Splitting
# derivations this way keeps two workers busy to the end instead of waiting on the longest one.
_STEPS = -1


def _run_task(name: str, part: int, timeout: float | None, seed: int = 7, latex: bool = True) -> tuple[object, float]:
    from symcheck import registry

    started = time.perf_counter()
    derivation = registry.build(name)
    if part == _STEPS:
        outcome: object = verify_steps(derivation, timeout, latex)
    else:
        outcome = run_check(derivation.checks[part], derivation, Deadline(timeout), seed)
    return outcome, time.perf_counter() - started


_TASK_WEIGHT = {"finite_difference": 3.0, "instances": 6.0, "reference": 1.0}


def _verify_parallel(
    entries: list[Entry],
    timeout: float | None,
    numeric: bool,
    jobs: int,
    progress: Callable[[DerivationReport], None] | None,
    latex: bool = True,
    background: bool = False,
) -> list[DerivationReport]:
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return [_verify_entry(entry, timeout, numeric, latex) for entry in entries]
    # build every derivation here, before forking, so the workers inherit them ready-made
    built = {entry.name: _build(entry) for entry in entries}
    tasks: list[tuple[float, str, int]] = []
    for entry in entries:
        derivation = built[entry.name]
        if isinstance(derivation, str):
            continue
        tasks.append((1.0 + len(derivation.steps) / 2, entry.name, _STEPS))
        if numeric:
            for position, check in enumerate(derivation.checks):
                tasks.append((_TASK_WEIGHT.get(check.kind, 1.0), entry.name, position))
    tasks.sort(key=lambda task: -task[0])  # the longest first, so no worker is left with a long tail

    context = multiprocessing.get_context("fork")
    with context.Pool(processes=jobs, initializer=_lower_priority if background else None) as pool:
        futures = {
            (name, part): pool.apply_async(_run_task, (name, part, timeout, 7, latex)) for _, name, part in tasks
        }
        return _collect_parallel(entries, built, futures, numeric, progress)


def _lower_priority() -> None:
    """Yield the CPU to the caller's other processes (a worker's initializer; a no-op where unsupported)."""
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(10)


def _collect_parallel(
    entries: list[Entry],
    built: dict,
    futures: dict,
    numeric: bool,
    progress: Callable[[DerivationReport], None] | None,
) -> list[DerivationReport]:
    """Assemble the workers' parts into reports, in registration order, as they complete."""
    reports = []
    for entry in entries:
        derivation = built[entry.name]
        if isinstance(derivation, str):
            report = _failed_to_build(entry, derivation, 0.0)
        else:
            outcome, seconds = futures[(entry.name, _STEPS)].get()
            checks, check_seconds = [], 0.0
            if numeric:
                for position in range(len(derivation.checks)):
                    check, elapsed = futures[(entry.name, position)].get()
                    checks.append(check)
                    check_seconds += elapsed
            report = assemble(derivation, outcome, checks, seconds + check_seconds)
        reports.append(report)
        if progress is not None:
            progress(report)
    return reports


def verify_all(*, timeout: float | None = DEFAULT_TIMEOUT, numeric: bool = True, jobs: int = 1) -> VerifyReport:
    """Verify every derivation announced through the ``symcheck.derivations`` entry points."""
    from symcheck import registry

    registry.load_entry_points()
    return verify_entries(registry.entries(), timeout=timeout, numeric=numeric, jobs=jobs)
