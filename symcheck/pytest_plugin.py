"""pytest plugin: every registered derivation as a test item, so CI fails when a derivation breaks.

Installed with symcheck (``pytest11`` entry point ``symcheck``), it does nothing unless asked:

* ``pytest --symcheck`` adds one item per derivation announced through entry points;
* ``pytest --symcheck-target softmax --symcheck-target my_proofs.py`` adds the chosen ones
  (names, prefixes, modules or ``.py`` files, as ``symcheck verify`` takes them);
* ``symcheck_targets = softmax bce`` in the ``[pytest]`` ini section does the same from config;
* the ``symcheck_verify`` fixture verifies a derivation object inside an ordinary test.

A derivation whose steps are all proved passes; one that fails or is undecided fails the test. A step
only *probed* (agreeing at every probe point, not proved) passes, as in ``symcheck verify``, unless
``--symcheck-strict`` is given (or ``symcheck_strict = true`` in the ini file), as ``symcheck verify
--strict`` fails on it.

The plugin imports nothing heavy until one of these is used, so it costs other projects nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from symcheck.model import Derivation
    from symcheck.registry import Entry
    from symcheck.results import DerivationReport


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("symcheck", "symcheck derivations")
    group.addoption("--symcheck", action="store_true", default=False, help="verify every registered derivation")
    group.addoption(
        "--symcheck-target",
        action="append",
        default=[],
        metavar="TARGET",
        help="verify these derivations (name, prefix, module or .py file); repeatable",
    )
    group.addoption("--symcheck-timeout", type=float, default=5.0, help="time budget of each check (5 s)")
    group.addoption(
        "--symcheck-strict",
        action="store_true",
        default=False,
        help="fail a derivation with a step only probed (agreeing at every probe point) and not proved",
    )
    parser.addini("symcheck_targets", "derivations to verify as test items", type="args", default=[])
    parser.addini("symcheck_strict", "fail derivations that are only probed, not proved", type="bool", default=False)


def _strict(config: pytest.Config) -> bool:
    return bool(config.getoption("--symcheck-strict") or config.getini("symcheck_strict"))


def passes(report: DerivationReport, *, strict: bool) -> bool:
    """Verified passes; probed (not refuted, not proved) passes unless ``strict``; anything else fails."""
    return report.status == "verified" or (report.status == "probed" and not strict)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "symcheck: a derivation verified by symcheck")


class DerivationFailed(Exception):
    """A derivation did not verify; carries its report for the failure message."""

    def __init__(self, report: DerivationReport) -> None:
        super().__init__(report.to_text(verbose=True))
        self.report = report


class DerivationItem(pytest.Item):
    """One registered derivation, verified when the item runs."""

    def __init__(self, *, entry: Entry, timeout: float, strict: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.entry = entry
        self.timeout = timeout
        self.strict = strict
        self.add_marker("symcheck")

    def runtest(self) -> None:
        from symcheck.verify import verify_entries

        report = verify_entries([self.entry], timeout=self.timeout).derivations[0]
        if not passes(report, strict=self.strict):
            raise DerivationFailed(report)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, DerivationFailed):
            status = excinfo.value.report.status
            if status == "failed":
                verb = "failed"
            elif status == "probed":
                verb = "is only probed, not proved (--symcheck-strict)"
            else:
                verb = f"is {status}"
            return f"derivation {self.entry.name} {verb}:\n{excinfo.value}"
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[str, int | None, str]:
        return self.entry.module, None, f"symcheck: {self.entry.name}"


def _targets(config: pytest.Config) -> list[str] | None:
    chosen = list(config.getoption("--symcheck-target") or []) + list(config.getini("symcheck_targets") or [])
    if chosen:
        return chosen
    return [] if config.getoption("--symcheck") else None


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    targets = _targets(config)
    if targets is None:
        return
    from symcheck import registry
    from symcheck.errors import SymcheckError

    try:
        entries = registry.resolve_targets(targets)
    except SymcheckError as error:
        raise pytest.UsageError(f"symcheck: {error}") from None
    timeout = config.getoption("--symcheck-timeout")
    strict = _strict(config)
    for entry in entries:
        items.append(
            DerivationItem.from_parent(
                session, name=f"symcheck::{entry.name}", entry=entry, timeout=timeout, strict=strict
            )
        )


@pytest.fixture
def symcheck_verify(request: pytest.FixtureRequest) -> Callable[..., DerivationReport]:
    """Verify a derivation object in a test; the test fails with the report if it does not hold.

    A derivation only probed passes unless ``--symcheck-strict`` is given (or ``strict=True`` here).
    """
    from symcheck.verify import verify

    default_strict = _strict(request.config)

    def check(derivation: Derivation, timeout: float = 5.0, *, strict: bool | None = None) -> DerivationReport:
        report = verify(derivation, timeout=timeout)
        if not passes(report, strict=default_strict if strict is None else strict):
            pytest.fail(report.to_text(verbose=True), pytrace=False)
        return report

    return check
