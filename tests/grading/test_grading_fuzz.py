"""Untrusted sheets: a whole grading run on random and hostile LaTeX never crashes, hangs or executes anything.

Each example writes a sheet holding a hostile text in every place a claim can stand (a formula on its own,
the value of a quantity of the homework key, a shape, a sentence), then grades it with a homework key whose
quantities are of every kind (a value, a shape, a conditional probability, a statement in words). While
the grading runs every door from text to code is locked and watched by ``code_locks`` (``eval``, ``exec``
and ``compile`` of a string, ``sympify`` of a string, SymPy's ``parse_expr``/``eval_expr``/``parse_latex``,
``os.system``, ``os.popen``, ``subprocess.Popen``); the payloads try to create a marker file. The run must
end in a report within the claims' time budgets: whatever a sheet holds is a claim of the report, graded or
"not graded" with its reason, never an error. SymPy text in a key is refused before anything is graded.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from code_locks import code_execution_forbidden, marker_fixture, time_limit
from grading_cases import write_case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symcheck.errors import SymcheckError
from symcheck.grading import grade_submission
from symcheck.sheet import VERDICTS, GradeReport

MARKER = Path(tempfile.gettempdir()) / f"symcheck-grading-fuzz-{os.getpid()}-pwned"
CLAIM_TIMEOUT = 1.0
HANG = 120.0
"""CPU seconds after which a grading run counts as hung. Each claim has its own budget (``CLAIM_TIMEOUT`` and a
second of grace), and a hostile chain can hold dozens of links: a hang is a run that no budget bounds."""

PAYLOADS = [
    f"__import__('os').system('touch {MARKER}')",
    f"eval(\"__import__('os').system('touch {MARKER}')\")",
    f"exec(\"open('{MARKER}', 'w').close()\")",
    rf"\immediate\write18{{touch {MARKER}}}",
    r"\input{/etc/passwd}",
    r"\operatorname{__import__}(os)",
    r"\mathrm{eval}(x)",
    r"\def\x{\x}\x",
    "().__class__.__bases__[0].__subclasses__()",
    "lambda: 0",
    "Integer(2)**Integer(2)**Integer(99)",
    f"$(touch {MARKER})",
]
FRAGMENTS = [
    r"\frac",
    "{",
    "}",
    "(",
    ")",
    "^",
    "_",
    "+",
    "-",
    "=",
    "<",
    ":",
    "|",
    ",",
    "&",
    " ",
    r"\times",
    r"\approx",
    r"\le",
    r"\sum",
    r"\prod",
    r"\partial",
    r"\log",
    r"\sigma",
    r"\hat{y}",
    r"\boxed",
    r"\\",
    r"\begin{aligned}",
    r"\end{aligned}",
    r"\dots",
    "P(",
    "y_k",
    "z_i^{[2]}",
    "K",
    "D_a",
    "2.303",
    "0.1",
    "9" * 99,
    "€",
    "\u202e",
    "🙂",
]
SHEET_FORMULAS = [
    r"\begin{aligned} L(y, \hat{y}) &= -(0 \log 0.9 + 1 \log 0.1) \\ &= -\log 0.1 = +2.303 \end{aligned}",
    r"\sigma(z_k^{[2]}) (1 - \sigma(z_k^{[2]}))",
    r"L = BCE(y_1, \hat{y}_1) + \frac{BCE(y_2, \hat{y})}{3} + BCE(y_3, \hat{y})",
    r"w^2 : K \times D_a",
    r"P(x_1=x_1, \dots | y_1=y_1, \theta)",
    r"w_A < w_B",
]


def _splice(text: str, edits: list[tuple[int, int, str]]) -> str:
    for position, deleted, piece in edits:
        at = position % (len(text) + 1)
        text = text[:at] + piece + text[at + deleted :]
    return text


ATOMS = ["y_k", "\\hat{y}_k", "\\hat{y}_i", "z_k", "\\sigma(z_k)", "2", "0.5", "2.303", "K", "x", "0", "10^{400}"]
FORMULAS = st.recursive(
    st.sampled_from(ATOMS),
    lambda inner: st.one_of(
        inner.map(lambda a: f"-{a}"),
        inner.map(lambda a: f"\\log({a})"),
        inner.map(lambda a: f"e^{{{a}}}"),
        inner.map(lambda a: f"({a})^{{2}}"),
        st.tuples(inner, inner).map(lambda ab: f"\\frac{{{ab[0]}}}{{{ab[1]}}}"),
        st.tuples(inner, inner).map(lambda ab: f"({ab[0]} + {ab[1]})"),
        st.tuples(inner, inner).map(lambda ab: f"{ab[0]} \\cdot {ab[1]}"),
    ),
    max_leaves=8,
)
"""Well-formed formulas of the sheet's notation, so that grading gets past the reader into the engine."""
TEXT = st.characters(blacklist_categories=("Cs",))
HOSTILE = st.one_of(
    st.tuples(FORMULAS, st.sampled_from(["=", "\\approx", "<", "\\le"]), FORMULAS).map(" ".join),
    FORMULAS,
    st.lists(st.sampled_from(FRAGMENTS + PAYLOADS), min_size=1, max_size=30).map("".join),
    st.text(TEXT, min_size=1, max_size=200),
    st.builds(
        _splice,
        st.sampled_from(SHEET_FORMULAS),
        st.lists(st.tuples(st.integers(0, 300), st.integers(0, 3), st.sampled_from(FRAGMENTS + PAYLOADS)), max_size=4),
    ),
    st.integers(1, 3_000).map(lambda depth: "{" * depth + "x" + "}" * depth),
    st.integers(1, 200).map(lambda depth: "2^{" * depth + "99" + "}" * depth),
    st.integers(1, 1_000).map(lambda depth: "(" * depth + "x" + ")" * depth),
    st.builds(lambda piece, count: piece * count, st.sampled_from(FRAGMENTS), st.integers(50, 30_000)),
)


PARTS = r"""
[[part]]
part = "1(a)"
question = "A question whose quantities are of every kind the grader judges."
data = { n = 3, y = [1, 0, 0] }

[[part.quantity]]
id = "gradient"
name = "the gradient"
about = ['L', '\frac{\partial L}{\partial z_a}']
indices = ["a"]
value = { library = "cross_entropy.gradient", where = { k = "a" } }

[[part.quantity]]
id = "shape-W2"
name = "the shape of W²"
about = ['W^{[2]}', 'w^2']
shape = ["K", "D_a"]

[[part.quantity]]
id = "conditioning"
name = "the likelihood's conditioning"
kind = "conditional"
about = ['P']
of = ["y"]
given = ["x"]

[[part.statement]]
id = "mse-linear"
claim = "The MSE is linear."
misconception = "It is quadratic."
match = [['MSE'], ['linear']]
check = { linearity = { expression = { sympy = "(y - yhat)**2" }, variable = "yhat" } }
"""


def _sheet(written: str) -> str:
    """The hostile text as a formula on its own, as the value of a quantity, as a shape, in a sentence."""
    return (
        f"## Answer 1(a)\n\n$${written}$$\n\n$$L = {written}$$\n\n$W^{{[2]}} : {written}$\n\n"
        f"The MSE is linear: ${written}$.\n"
    )


def _grade(directory: Path, written: str) -> tuple[list[str], Any, str]:
    """Grade a sheet holding ``written`` under the locks: the attempts at code execution, the outcome, the sheet."""
    sheet, key = write_case(directory, _sheet(written), PARTS, name="hostile.md")
    outcome: Any = None
    with code_execution_forbidden() as attempts, time_limit(HANG, clock="cpu"):
        try:
            outcome = grade_submission(key, sheet, timeout=CLAIM_TIMEOUT)
        except SymcheckError as error:
            outcome = error
    return attempts, outcome, sheet.read_text(encoding="utf-8")


def _check(attempts: list[str], outcome: Any, text: str) -> None:
    assert attempts == []
    assert not MARKER.exists()
    if isinstance(outcome, SymcheckError):  # only a sheet too large to grade may be refused as a whole
        assert str(outcome) and "\n" not in str(outcome)
        return
    assert isinstance(outcome, GradeReport)
    for claim in outcome.claims:
        assert claim.verdict in VERDICTS
        assert claim.written in text
        if claim.verdict == "not graded":
            assert claim.reason


_no_marker = marker_fixture(MARKER)


@pytest.fixture(scope="module", autouse=True)
def _imported() -> None:
    """Every symcheck module imported before the doors are locked: a module the grader imports lazily creates
    its dataclasses by executing generated code, which the locks would take for an attempt."""
    import importlib
    import pkgutil

    import symcheck

    for module in pkgutil.walk_packages(symcheck.__path__, "symcheck."):
        if not module.name.endswith("__main__"):  # running the command line is not importing it
            importlib.import_module(module.name)


# A claim's soft deadline (SIGALRM) can fire inside Hypothesis's garbage-collector callback, where
# Python swallows the exception and reports it as "unraisable"; symcheck.budget fires it again 20 ms
# later for exactly this reason, so the report is noise, not a lost deadline.
@pytest.mark.filterwarnings("ignore:Exception ignored in.*gc_callback:pytest.PytestUnraisableExceptionWarning")
@settings(
    max_examples=60,
    deadline=None,  # the hang guard above is the time limit
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(written=HOSTILE)
def test_hostile_sheets_are_graded_and_never_executed(tmp_path_factory, written: str) -> None:
    _check(*_grade(tmp_path_factory.mktemp("hostile"), written))


@pytest.mark.parametrize(
    "written",
    [
        *PAYLOADS,
        "2^{2^{2^{2^{99}}}}",
        "-\\log(--y_k) < -e^{e^{e^{K}}}",  # Hypothesis found it: exp of e^{e^K} at a large K ran out of memory
        "{" * 5_000 + "x" + "}" * 5_000,
        "x" * 30_000,
        "9" * 5_000 + " = 1",
        r"\sum_{i=1}^{10^{9}} y_i = 1",
        r"\sum_{i=1}^{n} y_i = 1",
        r"10^{999} \cdot" * 500 + "1",
        "P(" * 2_000 + "x | y" + ")" * 2_000,
        "K \\times " * 3_000 + "K",
        "\x00 = 1",
        "𝑥 + 1 = 2",
    ],
    ids=range(len(PAYLOADS) + 12),
)
def test_hostile_formulas_end_quickly_in_a_report(tmp_path, written: str) -> None:
    started = time.perf_counter()
    attempts, outcome, text = _grade(tmp_path, written)
    _check(attempts, outcome, text)
    assert isinstance(outcome, GradeReport), outcome
    assert outcome.claims, "every formula of the sheet is a claim of the report, graded or not"
    assert time.perf_counter() - started < HANG


@pytest.mark.parametrize(
    "payload",
    [*PAYLOADS[:3], "__builtins__", "().__class__", "x.__class__", "open('/etc/passwd')", "__import__('os')"],
)
def test_hostile_sympy_in_a_key_is_refused_before_any_sheet_is_read(tmp_path, payload: str) -> None:
    parts = PARTS.replace(
        '{ library = "cross_entropy.gradient", where = { k = "a" } }', "{ sympy = " + json.dumps(payload) + " }"
    )
    assert parts != PARTS
    sheet, key = write_case(tmp_path, "## 1(a)\n$$L = 1$$\n", parts, name="hostile.md")
    with code_execution_forbidden() as attempts, pytest.raises(SymcheckError) as caught:
        grade_submission(key, sheet)
    assert attempts == [] and not MARKER.exists()
    assert str(caught.value).startswith(f"{key}:") and "[claim 1(a) gradient]" in str(caught.value)
