"""Verification in the background: the workers of ``verify_entries(..., background=True)`` yield the CPU.

A build grades a sheet in one process while verification's workers run beside it; the workers
run at a lower priority so that grading keeps its core. The niceness is read inside a worker,
by a numeric check's reference function, which runs in the worker process.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sympy as sp

from symcheck import registry
from symcheck.model import Derivation, Reference, Step, assume
from symcheck.verify import verify_entries

_NAMES = ("engine_tests.niceness_a", "engine_tests.niceness_b")
_seen: dict[str, Path] = {}

pytestmark = pytest.mark.skipif(not hasattr(os, "nice"), reason="os.nice exists on POSIX only")


def _recording_reference(x: float) -> float:
    """The reference value (x itself), after writing this process's niceness where the test reads it."""
    with _seen["file"].open("a") as record:
        record.write(f"{os.getpid()} {os.nice(0)}\n")
    return x


def _builder(name: str):  # type: ignore[no-untyped-def]
    def build() -> Derivation:
        x = sp.Symbol("x", real=True)
        return Derivation(
            name=name,
            title="A derivation whose numeric check records its process's niceness",
            steps=(Step(2 * x, "Premise."), Step(x + x, "The same, written as a sum.", rule="algebra")),
            result=x + x,
            assumptions=assume(real=[x]),
            checks=(Reference(x, _recording_reference, points=1),),
            topic="engine_tests",
        )

    return build


@pytest.fixture
def recording(tmp_path: Path):  # type: ignore[no-untyped-def]
    for name in _NAMES:
        registry.derivation(name)(_builder(name))
    _seen["file"] = tmp_path / "niceness.txt"
    yield _seen["file"]
    for name in _NAMES:
        registry._entries.pop(name, None)  # the registry has no public removal; leave it as it was
        registry._built.pop(name, None)


def _worker_niceness(record: Path) -> set[int]:
    rows = [line.split() for line in record.read_text().splitlines()]
    assert rows, "no numeric check ran"
    assert all(int(pid) != os.getpid() for pid, _ in rows), "the checks ran in this process, not in workers"
    return {int(niceness) for _, niceness in rows}


@pytest.mark.parametrize(("background", "raised_by"), [(True, 10), (False, 0)])
def test_background_workers_run_at_a_lower_priority(recording: Path, background: bool, raised_by: int) -> None:
    entries = [registry.get(name) for name in _NAMES]
    report = verify_entries(entries, timeout=5.0, jobs=2, background=background)
    assert [item.status for item in report.derivations] == ["verified", "verified"]
    expected = min(19, os.nice(0) + raised_by)  # niceness is capped at 19
    assert _worker_niceness(recording) == {expected}
