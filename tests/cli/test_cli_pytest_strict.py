"""The pytest plugin and "probed" steps: a step agreeing at every probe point but not proved passes by
default, as ``symcheck verify`` passes it, and fails under ``--symcheck-strict`` (or ``symcheck_strict``)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

PROBED = '''
import sympy as sp
import symcheck
from symcheck import Derivation, Step, assume

p = sp.Symbol("p", positive=True)


@symcheck.derivation("mine.loggamma")
def loggamma():
    """log Γ two ways"""
    return Derivation(
        name="mine.loggamma",
        title="log Γ two ways",
        steps=(
            Step(sp.loggamma(p), "the log-gamma function", given=True),
            Step(sp.log(sp.gamma(p)), "for p > 0 it is the logarithm of Γ(p)"),
        ),
        result=sp.Eq(sp.loggamma(p), sp.log(sp.gamma(p))),
        assumptions=assume(positive=[p]),
    )
'''

FIXTURE_TEST = """
import mine
from symcheck import registry


def test_with_the_fixture(symcheck_verify):
    report = symcheck_verify(registry.build("mine.loggamma"))
    assert report.status == "probed"
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(mine=PROBED)
    pytester.makepyfile(test_fixture=FIXTURE_TEST)
    return pytester


def test_a_probed_derivation_passes_by_default(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("--symcheck-target", "mine.py", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_a_probed_derivation_fails_under_strict(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("--symcheck-target", "mine.py", "--symcheck-strict", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        ["*derivation mine.loggamma is only probed, not proved (--symcheck-strict):*", "*probably equal*"]
    )


def test_strict_from_the_ini_file(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\nsymcheck_targets = mine.py\nsymcheck_strict = true\n")
    result = project.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=2)
