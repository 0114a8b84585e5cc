"""A derivation's name is given once: the registry refuses a builder whose Derivation names another."""

from __future__ import annotations

import pytest
import sympy as sp

from symcheck import Derivation, Step, registry
from symcheck.errors import SymcheckError
from symcheck.verify import verify_entries

x = sp.Symbol("x", real=True)


def _mismatched() -> Derivation:
    return Derivation(
        name="engine_tests.other",
        title="Registered under one name, built under another",
        steps=(Step(2 * x, "premise"), Step(x + x, "the same")),
        result=x + x,
    )


@pytest.fixture
def mismatched():  # type: ignore[no-untyped-def]
    registry.derivation("engine_tests.one")(_mismatched)
    yield registry.get("engine_tests.one")
    registry._entries.pop("engine_tests.one", None)  # the registry has no public removal; leave it as it was
    registry._built.pop("engine_tests.one", None)


def test_a_name_mismatch_is_refused(mismatched) -> None:
    with pytest.raises(SymcheckError, match=r"registered as 'engine_tests\.one' but builds.*engine_tests\.other"):
        registry.build("engine_tests.one")


def test_a_name_mismatch_fails_verification_under_the_registered_name(mismatched) -> None:
    report = verify_entries([mismatched], numeric=False)
    assert [item.name for item in report.derivations] == ["engine_tests.one"]
    assert report.derivations[0].status == "failed" and "engine_tests.other" in report.derivations[0].error


def test_general_sizes_name_the_symbolic_sizes() -> None:
    registry.load_entry_points()
    report = verify_entries([registry.get("softmax.jacobian")], numeric=False)
    assert report.derivations[0].general_sizes == ("K",) and report.derivations[0].general_k
