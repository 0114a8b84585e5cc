"""Untrusted sheets: a whole grading run on random and hostile LaTeX never crashes, hangs or executes anything.

Each example writes a sheet holding a hostile formula and a key whose claims of every kind that reads
the sheet (chain, expression, shape, relation, equation, conditional) quote it verbatim, then grades
it. While the grading runs every door from text to code is locked and watched by ``code_locks`` (``eval``,
``exec`` and ``compile`` of a string, ``sympify`` of a string, SymPy's ``parse_expr``/``eval_expr``/``parse_latex``,
``os.system``, ``os.popen``, ``subprocess.Popen``); the payloads try to create a marker file. The run
must end in a report, or in a :class:`~symcheck.errors.SymcheckError` (a user's mistake, reported
with its place), within the claims' time budgets; anything else is a bug.
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
from grading_cases import HEADER
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symcheck.errors import SymcheckError
from symcheck.grading import grade_sheet

MARKER = Path(tempfile.gettempdir()) / f"symcheck-grading-fuzz-{os.getpid()}-pwned"
CLAIM_TIMEOUT = 1.0
KINDS = ("chain", "expression", "shape", "relation", "equation", "conditional")
HANG = len(KINDS) * (CLAIM_TIMEOUT + 1.0) + 10.0
"""CPU seconds after which a grading run counts as hung: every claim's budget and grace, and slack."""

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


def _toml_string(text: str) -> str:
    """A TOML basic string holding ``text`` exactly (control characters and DEL escaped)."""
    escaped = "".join(
        "\\\\"
        if character == "\\"
        else '\\"'
        if character == '"'
        else f"\\u{ord(character):04x}"
        if (ord(character) < 0x20 and character != "\t") or ord(character) == 0x7F
        else character
        for character in text
    )
    return f'"{escaped}"'


def _key(written: str, target: str, kinds: tuple[str, ...]) -> str:
    quoted = _toml_string(written)
    claims = {
        "chain": "",
        "expression": f"target = {target}\n",
        "shape": 'of = "W"\ntarget = { library = "mlp.shapes", item = "W2" }\n',
        "relation": "",
        "equation": 'define = { L = { library = "cross_entropy.loss" } }\n',
        "conditional": 'of = ["y"]\ngiven = ["x"]\n',
    }
    return HEADER + "".join(
        f'\n[[claim]]\nid = "c-{kind}"\npart = "1(a)"\nkind = "{kind}"\nwritten = {quoted}\nstatement = "hostile"\n'
        f"{extra}"
        for kind, extra in claims.items()
        if kind in kinds
    )


def _grade(
    directory: Path,
    written: str,
    target: str = '{ library = "cross_entropy.gradient" }',
    kinds: tuple[str, ...] = KINDS,
) -> tuple[list[str], Any]:
    """Grade a sheet quoting ``written`` under the locks; the attempts at code execution and the outcome."""
    sheet = directory / "hostile.md"
    key = directory / "hostile.key.toml"
    sheet.write_text(f"Answer\n\n$${written}$$\n", encoding="utf-8")
    key.write_text(_key(written, target, kinds), encoding="utf-8")
    outcome: Any = None
    with code_execution_forbidden() as attempts, time_limit(HANG, clock="cpu"):
        try:
            outcome = grade_sheet(sheet, key, timeout=CLAIM_TIMEOUT)
        except SymcheckError as error:
            outcome = error
    return attempts, outcome


_no_marker = marker_fixture(MARKER)


# A claim's soft deadline (SIGALRM) can fire inside Hypothesis's garbage-collector callback, where
# Python swallows the exception and reports it as "unraisable"; symcheck.budget fires it again 20 ms
# later for exactly this reason, so the report is noise, not a lost deadline.
@pytest.mark.filterwarnings("ignore:Exception ignored in.*gc_callback:pytest.PytestUnraisableExceptionWarning")
@settings(
    max_examples=80,
    deadline=None,  # the hang guard above is the time limit
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(written=HOSTILE)
def test_hostile_sheets_are_graded_or_refused_and_never_executed(tmp_path_factory, written: str) -> None:
    for kind in KINDS:  # one run per kind, so that an error in one claim does not hide the others
        directory = tmp_path_factory.mktemp(kind)
        attempts, outcome = _grade(directory, written, kinds=(kind,))
        assert attempts == []
        assert not MARKER.exists()
        if isinstance(outcome, SymcheckError):
            assert str(outcome)  # a message that says what is wrong
        else:
            (claim,) = outcome.claims
            assert claim.written == written
            assert claim.verdict in ("correct", "wrong", "imprecise", "undecided")


@pytest.mark.parametrize(
    "written",
    [
        *PAYLOADS,
        "2^{2^{2^{2^{99}}}}",
        "{" * 5_000 + "x" + "}" * 5_000,
        "x" * 30_000,
        "9" * 5_000 + " = 1",
        r"\sum_{i=1}^{10^{9}} y_i = 1",
        r"10^{999} \cdot" * 500 + "1",
        "P(" * 2_000 + "x | y" + ")" * 2_000,
        "K \\times " * 3_000 + "K",
        "\x00 = 1",
        "𝑥 + 1 = 2",
    ],
    ids=range(len(PAYLOADS) + 10),
)
def test_hostile_formulas_end_quickly_in_a_report_or_an_error(tmp_path, written: str) -> None:
    started = time.perf_counter()
    attempts, outcome = _grade(tmp_path, written)
    assert attempts == []
    assert isinstance(outcome, SymcheckError) or len(outcome.claims) == len(KINDS)
    assert time.perf_counter() - started < HANG


@pytest.mark.parametrize(
    "payload", [*PAYLOADS[:3], "__builtins__", "().__class__", "x.__class__", "open('/etc/passwd')"]
)
def test_hostile_sympy_in_a_key_is_refused(tmp_path, payload: str) -> None:
    target = "{ sympy = " + json.dumps(payload) + " }"
    attempts, outcome = _grade(tmp_path, "\\hat{y}_k - y_k", target=target, kinds=("expression",))
    assert attempts == []
    assert isinstance(outcome, SymcheckError)
    assert "c-expression" in str(outcome)


def test_data_cannot_ask_for_an_endless_sum(tmp_path) -> None:
    sheet = tmp_path / "s.md"
    key = tmp_path / "s.key.toml"
    sheet.write_text("$$\\sum_{i=1}^n y_i = 1$$\n", encoding="utf-8")
    key.write_text(
        HEADER + '\n[[claim]]\nid = "s"\npart = "1(a)"\nkind = "chain"\nwritten = \'\\sum_{i=1}^n y_i = 1\'\n'
        'statement = "a sum"\ndata = { n = 1000000000, y = [1] }\n',
        encoding="utf-8",
    )
    started = time.perf_counter()
    with pytest.raises(SymcheckError, match="would have 1000000000 terms"):
        grade_sheet(sheet, key)
    assert time.perf_counter() - started < 5
