r"""Bad input loses nothing (issue 10): a sheet that cannot be read is one clear line naming the file and the place;
an empty sheet has every part "no answer"; an unreadable formula is reported at its line and column while the rest
of the sheet is graded; in a class, a sheet that breaks the grader is its row's "error" and every other sheet is
graded.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from grading_cases import write_case

import symcheck.grading._grade as grade_module
from symcheck.cli import main
from symcheck.errors import SourceError
from symcheck.grading import grade_class, grade_submission, load_homework

PARTS = r"""
[[part]]
part = "1(c)"
points = 1
data = { y = 0, p = 0.9 }

[[part.quantity]]
id = "loss-1c"
name = "the BCE of y = 0, ŷ = 0.9"
about = ['L']
value = { library = "bce.mean_bce", select = "summand", data = { y = 0, p = 0.9 } }

[[part]]
part = "1(d)"
points = 2

[[part.quantity]]
id = "loss-1d"
name = "a loss that is 1"
about = ['L']
value = { number = 1 }
"""
GOOD = "## 1(c)\n$$L = -\\log 0.1 = 2.303$$\n\n## 1(d)\n$$L = 1$$\n"


@pytest.fixture
def key(tmp_path: Path) -> Path:
    return write_case(tmp_path, GOOD, PARTS, name="good.md")[1]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "latin.md",
            "The BCE is $-\\log 0.1$, caf\u00e9.\n".encode("latin-1"),
            "latin.md:1: the file is not UTF-8 text (byte 28, 0xe9, cannot be decoded); save it as UTF-8",
        ),
        ("broken.ipynb", b'{"cells": [', "broken.ipynb:1:12: the notebook is not valid JSON: Expecting value"),
    ],
)
def test_a_sheet_that_cannot_be_read_is_one_clear_line(key: Path, name: str, data: bytes, message: str) -> None:
    sheet = key.parent / name
    sheet.write_bytes(data)
    with pytest.raises(SourceError) as caught:
        grade_submission(key, sheet)
    assert str(caught.value).endswith(message)
    assert "\n" not in str(caught.value)


def test_the_cli_says_it_in_one_line_and_exits_2(key: Path, capsys, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SYMCHECK_CACHE_DIR", "")
    sheet = key.parent / "broken.ipynb"
    sheet.write_text('{"cells": [', encoding="utf-8")
    assert main(["grade", str(key), str(sheet)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert "the notebook is not valid JSON" in line and "Traceback" not in captured.err


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("empty.md", ""),
        ("blank.md", "  \n\n"),
        ("empty.ipynb", json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})),
        ("prose.md", "I did not have time for this homework.\n"),
    ],
)
def test_an_empty_sheet_has_every_part_no_answer(key: Path, name: str, text: str) -> None:
    sheet = key.parent / name
    sheet.write_text(text, encoding="utf-8")
    report = grade_submission(key, sheet)
    assert [(part.part, part.status, part.points) for part in report.parts] == [
        ("1(c)", "no answer", 0.0),
        ("1(d)", "no answer", 0.0),
    ]
    assert report.score == (0.0, 3.0)
    assert report.summary["wrong"] == report.summary["correct"] == 0


def test_an_unreadable_formula_is_reported_at_its_place_and_the_rest_is_graded(key: Path) -> None:
    sheet = key.parent / "unreadable.md"
    sheet.write_text(
        "## 1(c)\n$$L = -\\log 0.1 = 2.303$$\n\n## 1(d)\nThen $$L = \\frac{1}{$$ and $L = 1$.\n", encoding="utf-8"
    )
    report = grade_submission(key, sheet)
    verdicts = {claim.written: claim.verdict for claim in report.claims}
    assert verdicts == {
        "L = -\\log 0.1": "correct",
        "-\\log 0.1 = 2.303": "correct",
        "L = \\frac{1}{": "not graded",
        "L = 1": "correct",
    }
    (unreadable,) = [claim for claim in report.claims if claim.verdict == "not graded"]
    assert unreadable.part == "1(d)"
    assert unreadable.reason == "the formula cannot be read (line 5, column 20): this '{' is never closed"
    assert (unreadable.location.line, unreadable.location.column) == (5, 8)
    assert (report.coverage.formulas, report.coverage.formulas_graded) == (3, 2)
    assert dict(report.coverage.not_graded) == {"unreadable": 1}
    assert [part.points for part in report.parts] == [1.0, 2.0]


# --------------------------------------------------------------------------- a class


def _class(folder: Path) -> list[Path]:
    sheets = {
        "ada.md": GOOD.encode(),
        "ben.md": b"## 1(c)\n$$L = 2.4$$\n",
        "zoe.md": GOOD.encode(),  # the grader breaks on this one (monkeypatched)
        "latin.md": "caf\u00e9 $L = 1$\n".encode("latin-1"),
        "broken.ipynb": b'{"cells": [',
        "empty.md": b"\n",
    }
    for name, data in sheets.items():
        (folder / name).write_bytes(data)
    return [folder / name for name in sheets]


def test_a_sheet_that_breaks_the_grader_never_stops_the_class(key: Path, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    real = grade_module.grade_submission

    def breaks_on_zoe(homework, sheet, timeout=5.0):  # type: ignore[no-untyped-def]
        if Path(sheet).stem == "zoe":
            raise KeyError("a bug in the grader")
        return real(homework, sheet, timeout=timeout)

    monkeypatch.setattr(grade_module, "grade_submission", breaks_on_zoe)
    folder = tmp_path / "class"
    folder.mkdir()
    report = grade_class(load_homework(key), _class(folder), jobs=1, cache=None)
    outcomes = {sheet.student: sheet for sheet in report.sheets}
    assert list(outcomes) == ["ada", "ben", "zoe", "latin", "broken", "empty"]
    assert outcomes["ada"].status == "graded" and outcomes["ada"].report.score == (3.0, 3.0)
    assert outcomes["ben"].status == "graded" and outcomes["ben"].report.summary["wrong"] == 1
    assert outcomes["zoe"].failure == "internal"
    assert outcomes["zoe"].status.startswith("error: the grader failed on this sheet, a bug in symcheck (KeyError")
    assert outcomes["latin"].failure == outcomes["broken"].failure == outcomes["empty"].failure == "input"
    assert outcomes["latin"].status.startswith("error: latin.md:1: the file is not UTF-8 text")
    assert outcomes["broken"].status.startswith("error: broken.ipynb:1:12: the notebook is not valid JSON")
    assert outcomes["empty"].status == "error: empty.md: the sheet is empty: there is nothing to grade"
    rows = {row[0]: row for row in report.gradebook_rows()[1:]}
    assert rows["ada"][-2:] == ["3", "graded"]
    for student in ("zoe", "latin", "broken", "empty"):
        assert rows[student][-1].startswith("error: ")
        assert rows[student][5:-1] == ["", "", ""], "a sheet without a grade has empty points, not 0"
    assert "\n" not in "".join(cell for row in report.gradebook_rows() for cell in row)
    overview = report.overview()
    assert (overview["sheets"], overview["graded"]) == (6, 2)
    assert [error["student"] for error in overview["errors"]] == ["zoe", "latin", "broken", "empty"]
