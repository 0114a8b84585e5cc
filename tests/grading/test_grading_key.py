r"""A malformed homework key is one clear error naming the key, its line, and the part or quantity; nothing is graded.

Each case is a small key with one mistake in it (a TOML error, an unknown field, a library export that
does not exist, a regular expression that does not compile, SymPy text that tries to reach code …); the
error must say what is wrong and point at it, so a teacher can fix the key without reading a traceback.
Finding the key of a homework (by name, key file or folder) and the submissions of a class are tested here too.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from code_locks import code_execution_forbidden
from grading_cases import write_case

from symcheck.errors import SourceError, SymcheckError
from symcheck.grading import grade_submission, load_homework, locate_homework, submissions_in

PARTS = r"""
[[part]]
part = "2(d)"
points = 2
question = "Compute ∂L/∂z."

[[part.quantity]]
id = "dL-dz"
name = "∂L/∂z_a"
about = ['\frac{\partial L}{\partial z_a}']
indices = ["a"]
value = { library = "cross_entropy.gradient", where = { k = "a" } }

[[part.statement]]
id = "unstable"
claim = "The softmax is unstable."
match = [['unstable']]
check = { derivation = "softmax.max_shift" }
"""
SHEET = "## 2(d)\n$$\\frac{\\partial L}{\\partial z_k} = \\hat{y}_k - y_k$$\n\nThe softmax is unstable.\n"
MARKER = Path(tempfile.gettempdir()) / f"symcheck-grading-key-{os.getpid()}-pwned"
VALUE = '{ library = "cross_entropy.gradient", where = { k = "a" } }'


def _line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


CASES = [
    # (what the key says, what it says instead, a fragment of the message, the key line's fragment, the claim)
    (
        'indices = ["a"]',
        'indices = ["a"]\nindexes = ["b"]',
        "quantity dL-dz: unknown field(s) indexes",
        "[[part.quantity]]",
        "2(d) dL-dz",
    ),
    (
        'question = "Compute',
        'points_max = 3\nquestion = "Compute',
        "part 2(d): unknown field(s) points_max",
        "[[part]]",
        "2(d)",
    ),
    (
        "cross_entropy.gradient",
        "cross_entropy.gradiant",
        "derivations.cross_entropy exports no 'gradiant' (its exports: gradient, ",
        "[[part.quantity]]",
        "2(d) dL-dz",
    ),
    (
        "cross_entropy.gradient",
        "os.system",
        "no registered library module is named 'os'",
        "[[part.quantity]]",
        "2(d) dL-dz",
    ),
    (
        "cross_entropy.gradient",
        "derivations.sheets.SHEETS",
        "no registered library module is named 'derivations.sheets'",
        "[[part.quantity]]",
        "2(d) dL-dz",
    ),
    (
        "[['unstable']]",
        "[['unstable(']]",
        "match pattern 'unstable(' is not a regular expression: missing ), unterminated subpattern",
        "[[part.statement]]",
        "2(d) unstable",
    ),
    (
        'where = { k = "a" }',
        'where = { j = "a" }',
        "where.j: the value has no 'j' to substitute (its names: k, y, yhat)",
        "[[part.quantity]]",
        "2(d) dL-dz",
    ),
    (
        VALUE,
        "{ library = \"cross_entropy.gradient\", latex = 'x' }",
        "needs exactly one of",
        "[[part.quantity]]",
        "2(d) dL-dz",
    ),
    ('part = "2(d)"', 'part = "d"', "part 'd' must be a question number and letter, like 1(d)", "[[part]]", "d"),
    ('id = "dL-dz"', 'id = "dL dz"', "must be letters, digits and '-'", "[[part.quantity]]", "2(d)"),
    (
        VALUE,
        '{ sympy = "x.__class__" }',
        "Attribute is not allowed in an expression",
        "[[part.quantity]]",
        "2(d) dL-dz",
    ),
    (
        VALUE,
        f"{{ sympy = \"__import__('os').system('touch {MARKER}')\" }}",
        "only calls of named functions with positional arguments are allowed",
        "[[part.quantity]]",
        "2(d) dL-dz",
    ),
    (
        VALUE,
        "{ sympy = \"__import__('os')\" }",
        "the function '__import__' is not allowed",
        "[[part.quantity]]",
        "2(d) dL-dz",
    ),
    (VALUE, f"{{ sympy = \"open('{MARKER}', 'w')\" }}", "is not a number", "[[part.quantity]]", "2(d) dL-dz"),
    (VALUE, '{ sympy = "(lambda: 0)()" }', "only calls of named functions", "[[part.quantity]]", "2(d) dL-dz"),
]


@pytest.mark.parametrize(("old", "new", "message", "at", "claim"), CASES, ids=[case[2][:40] for case in CASES])
def test_key_errors_name_their_place(tmp_path: Path, old: str, new: str, message: str, at: str, claim: str) -> None:
    assert old in PARTS
    MARKER.unlink(missing_ok=True)
    sheet, key = write_case(tmp_path, SHEET, PARTS.replace(old, new, 1))
    with code_execution_forbidden() as attempts, pytest.raises(SourceError) as caught:
        grade_submission(key, sheet)
    assert attempts == [] and not MARKER.exists(), "text from a key reached code"
    error = caught.value
    assert message in error.message, error.message
    assert error.path == str(key)
    assert error.line == _line_of(key.read_text(encoding="utf-8"), at), str(error)
    assert error.column == 1
    assert error.claim == claim
    assert str(error) == f"{key}:{error.line}:1: {error.message} [claim {claim}]"
    assert "\n" not in str(error)


def test_a_bad_regular_expression_in_a_statement_names_the_statements_line(tmp_path: Path) -> None:
    _, key = write_case(tmp_path, SHEET, PARTS.replace("[['unstable']]", "[['(?P<x']]"))
    with pytest.raises(SourceError) as caught:
        load_homework(key)
    assert caught.value.line == _line_of(key.read_text(encoding="utf-8"), "[[part.statement]]")
    assert "is not a regular expression" in caught.value.message


def test_invalid_toml_names_its_line_and_column(tmp_path: Path) -> None:
    _, key = write_case(tmp_path, SHEET, PARTS + "\n[[part]]\npart = \n")
    with pytest.raises(SourceError) as caught:
        load_homework(key)
    assert caught.value.message.startswith("invalid TOML: ")
    assert "(at line" not in caught.value.message  # the place is the error's, not repeated in the message
    assert caught.value.line == key.read_text(encoding="utf-8").count("\n")  # the last line: the value is missing
    assert caught.value.column == 8
    assert str(caught.value).startswith(f"{key}:{caught.value.line}:8: invalid TOML: ")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("", "missing [homework] table"),
        ('[homework]\nname = "x"\ntitle = "y"\n', "a homework key needs at least one [[part]]"),
        ('[homework]\nname = "x"\ntitle = "y"\nteacher = "z"\n', "[homework]: unknown field(s) teacher"),
        ('[homework]\nname = "x"\ntitle = "y"\n[grading]\nstrict = true\n', "the key: unknown field(s) grading"),
        ('[homework]\nname = "x"\n[[part]]\npart = "1(a)"\n', "missing field 'title'"),
        (
            '[homework]\nname = "x"\ntitle = "y"\n[notation]\nfunctionz = ["f"]\n',
            "notation: unknown field(s) functionz",
        ),
        (
            '[homework]\nname = "x"\ntitle = "y"\n[[part]]\npart = "1(a)"\n[[part]]\npart = "1(a)"\n',
            "two [[part]] entries have the same part",
        ),
        (
            '[homework]\nname = "x"\ntitle = "y"\n[[part]]\npart = "1(a)"\nanswer = "nothing"\n',
            "answer = 'nothing' names no quantity of 1(a)",
        ),
        (
            '[homework]\nname = "x"\ntitle = "y"\n[[part]]\npart = "1(a)"\n[[part.quantity]]\nid = "q"\nname = "q"\n'
            "about = ['q']\n",
            "a quantity needs a value, values, or a shape",
        ),
        (
            '[homework]\nname = "x"\ntitle = "y"\n[[part]]\npart = "1(a)"\n[[part.statement]]\nid = "s"\nclaim = "c"\n'
            "match = [['a']]\n",
            "a statement needs a check",
        ),
        (
            '[homework]\nname = "x"\ntitle = "y"\n[[part]]\npart = "1(a)"\n[[part.statement]]\nid = "s"\nclaim = "c"\n'
            "match = [['a']]\ncheck = { guess = 1 }\n",
            "'check' needs exactly one of identity, relation, linearity, overflow, derivation",
        ),
        (
            '[homework]\nname = "x"\ntitle = "y"\n[[part]]\npart = "1(a)"\npoints = -1\n',
            "'points' must be a number ≥ 0",
        ),
    ],
)
def test_a_malformed_key_is_one_error(tmp_path: Path, document: str, message: str) -> None:
    key = tmp_path / "key.toml"
    key.write_text(document, encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        load_homework(key)
    assert message in caught.value.message
    assert caught.value.path == str(key)
    assert "\n" not in str(caught.value)


def test_an_unknown_derivation_in_a_check_names_its_line(tmp_path: Path) -> None:
    sheet, key = write_case(tmp_path, SHEET, PARTS.replace('"softmax.max_shift"', '"softmax.max_shfit"'))
    with pytest.raises(SourceError) as caught:
        grade_submission(key, sheet)
    assert "no derivation is registered as 'softmax.max_shfit'" in caught.value.message
    assert caught.value.line == _line_of(key.read_text(encoding="utf-8"), "[[part.statement]]")


def test_unreadable_latex_in_a_key_names_the_key_and_the_quantity(tmp_path: Path) -> None:
    sheet, key = write_case(tmp_path, SHEET, PARTS.replace(VALUE, "{ latex = '\\frac{' }"))
    with pytest.raises(SourceError) as caught:
        grade_submission(key, sheet)
    assert caught.value.path == str(key) and caught.value.claim == "2(d) dL-dz"


# --------------------------------------------------------------------------- finding keys and submissions


def test_a_homework_is_found_by_name_key_file_or_folder(tmp_path: Path) -> None:
    registered = locate_homework("ml-theory")
    assert registered.name == "ml-theory" and registered.path.name == "key.toml"
    assert registered.sheet is not None and registered.sheet.name == "answer_sheet.md" and registered.sheet.is_file()
    assert registered.class_folder is not None and registered.class_folder.is_dir()
    assert locate_homework("regression").name == "regression"
    _, key = write_case(tmp_path, SHEET, PARTS)
    assert locate_homework(str(key)).name == "case"
    assert locate_homework(str(tmp_path)).name == "case"
    assert [part.part for part in locate_homework(str(tmp_path)).parts] == ["2(d)"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("nope", "no homework is registered as 'nope' (registered: ml-theory, regression"),
        ("missing.toml", "missing.toml: no such homework key"),
    ],
)
def test_an_unknown_homework_says_what_there_is(name: str, message: str) -> None:
    with pytest.raises(SymcheckError) as caught:
        locate_homework(name)
    assert message in str(caught.value)


def test_a_folder_without_a_key_says_so(tmp_path: Path) -> None:
    with pytest.raises(SymcheckError, match=r"this folder holds no key\.toml"):
        locate_homework(str(tmp_path))


def test_the_submissions_of_a_class_are_its_sheets_in_name_order(tmp_path: Path) -> None:
    for name in (
        "zoe.md",
        "adam.tex",
        "mia.ipynb",
        "README.md",
        "key.toml",
        "zoe.slips.toml",
        ".hidden.md",
        "notes.csv",
    ):
        (tmp_path / name).write_text("", encoding="utf-8")
    extra = tmp_path / "late.md"
    extra.write_text("", encoding="utf-8")
    found = submissions_in([tmp_path])
    assert [path.name for path in found] == ["adam.tex", "late.md", "mia.ipynb", "zoe.md"]
    named = [extra, tmp_path / "notes.csv"]
    assert submissions_in(named) == named  # files named are taken as given
    with pytest.raises(SymcheckError, match=r"nothing\.md: no such file or folder"):
        submissions_in([tmp_path / "nothing.md"])


def test_the_cli_reports_a_key_error_in_one_line_without_a_traceback(tmp_path: Path) -> None:
    sheet, key = write_case(tmp_path, SHEET, PARTS.replace("cross_entropy.gradient", "cross_entropy.gradiant"))
    result = subprocess.run(
        [sys.executable, "-m", "symcheck", "grade", str(key), str(sheet)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "SYMCHECK_CACHE_DIR": ""},
    )
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    text = key.read_text(encoding="utf-8")
    assert line.startswith(f"{key}:{_line_of(text, '[[part.quantity]]')}:1: error: ")
    assert "exports no 'gradiant'" in line
    assert line.endswith("[claim 2(d) dL-dz]")
    assert "Traceback" not in result.stderr
