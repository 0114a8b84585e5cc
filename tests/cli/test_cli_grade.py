"""``symcheck grade``: one sheet's report, a class's table and files, and what bad sheets become.

A sheet that cannot be graded (not UTF-8, a notebook that is not JSON, an empty file, one the grader
breaks on) is its gradebook row's status in a class, and every other sheet is graded and written; on
its own it is one line ``file: error: …``, exit 2 (3 for the grader breaking: a bug). The gradebook is
the CSV that Moodle's and Canvas's imports read; the files are written all at once or not at all.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from cli_helpers import FAST, SAMPLES, bad_sheets, run

import symcheck.grading._grade as grade_module
from symcheck.cli import main
from symcheck.grading._class import GRADEBOOK_IDENTITY, student_names
from symcheck.publish import _rendering as rendering_module

PARTS = ("1(a)", "1(b)", "1(c)", "1(d)", "1(e)", "2(a)", "2(b)", "2(c)", "2(d)", "2(e)")


def _crash_on(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The grader breaks on the sheet called ``name`` (a stand-in for a bug), and grades the others."""
    real = grade_module.grade_submission

    def grade_submission(homework, sheet, timeout=5.0):  # type: ignore[no-untyped-def]
        if Path(sheet).name == name:
            raise KeyError("a bug planted by the test")
        return real(homework, sheet, timeout=timeout)

    monkeypatch.setattr(grade_module, "grade_submission", grade_submission)


def _gradebook(out: Path) -> list[dict[str, str]]:
    data = (out / "gradebook.csv").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf"), "no byte-order mark"
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    return list(csv.DictReader(data.decode("utf-8").splitlines()))


def test_a_class_with_bad_sheets_grades_and_writes_the_others(
    small_class: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(SAMPLES / "emeka.md", small_class / "zoe.md")
    _crash_on("zoe.md", monkeypatch)
    out = tmp_path / "out"
    arguments = ["grade", "ml-theory", str(small_class), "--out", str(out), "--jobs", "1", "--formats", "json,html"]
    status = main(arguments)
    captured = capsys.readouterr()
    assert status == 3, "the grader breaking on a sheet is a bug: 3 wins over 2 (unreadable) and 1 (wrong claims)"
    rows = {row["Student"]: row for row in _gradebook(out)}
    assert sorted(rows) == ["bob", "broken", "emeka", "empty", "latin", "zoe"]
    assert rows["latin"]["Status"].startswith("error: latin.md:1: the file is not UTF-8")
    assert rows["broken"]["Status"].startswith("error: broken.ipynb:1:")
    assert "not valid JSON" in rows["broken"]["Status"]
    assert rows["empty"]["Status"] == "error: empty.md: the sheet is empty: there is nothing to grade"
    assert rows["zoe"]["Status"].startswith("error: the grader failed on this sheet, a bug in symcheck (KeyError")
    for bad in ("latin", "broken", "empty", "zoe"):
        assert rows[bad]["ml-theory total"] == "" and not (out / bad).exists()
    for good in ("bob", "emeka"):
        assert rows[good]["Status"] == "graded"
        parts = [float(rows[good][f"ml-theory {part}"]) for part in PARTS]
        assert float(rows[good]["ml-theory total"]) == pytest.approx(sum(parts), abs=0.011)
        feedback = json.loads((out / good / "feedback.json").read_text(encoding="utf-8"))
        assert feedback["claims"] and feedback["summary"]["wrong"] >= 1
        assert (out / good / "feedback.html").read_text(encoding="utf-8").count("<math") > 10
        assert not (out / good / "feedback.pdf").exists(), "only the formats asked for"
    # the table on stdout, a line per sheet on stderr (not a terminal), and what went wrong
    assert re.search(r"^latin +— +error: latin\.md:1:", captured.out, re.M)
    assert re.search(r"^emeka +[\d.]+ / 20 +graded, \d+ wrong$", captured.out, re.M)
    assert "[6/6] " in captured.err and "4 sheets of 6 could not be graded" in captured.err


def test_an_unreadable_sheet_makes_the_class_exit_2_after_grading_the_rest(
    small_class: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["grade", "ml-theory", str(small_class), "--out", str(out), "--formats", "json", "-q"]) == 2
    assert capsys.readouterr().err == "symcheck: 3 sheets of 5 could not be graded (see the status)\n"
    assert (out / "bob" / "feedback.json").is_file() and (out / "overview.html").is_file()


def test_a_class_exits_1_for_a_wrong_claim_and_0_with_exit_zero(tmp_path: Path) -> None:
    sheets = [str(SAMPLES / name) for name in FAST]
    assert main(["grade", "ml-theory", *sheets, "-q"]) == 1
    assert main(["grade", "ml-theory", *sheets, "-q", "--exit-zero"]) == 0


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("latin", "latin.md:1: error: the file is not UTF-8 text"),
        ("broken", "broken.ipynb:1:12: error: the notebook is not valid JSON"),
        ("empty", "empty.md: error: the sheet is empty: there is nothing to grade"),
    ],
)
def test_a_bad_sheet_on_its_own_is_one_line_and_exit_2(
    name: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = bad_sheets(tmp_path)[name]
    assert main(["grade", "ml-theory", str(sheet)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert captured.err.startswith(message), captured.err


def test_a_sheet_that_breaks_the_grader_on_its_own_is_one_line_and_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SYMCHECK_DEBUG", raising=False)
    sheet = tmp_path / "zoe.md"
    shutil.copy(SAMPLES / "emeka.md", sheet)
    _crash_on("zoe.md", monkeypatch)
    assert main(["grade", "ml-theory", str(sheet)]) == 3
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "Traceback" not in error
    assert error.startswith(f"{sheet}: error: internal error, a bug in symcheck (KeyError: 'a bug planted")


def test_one_sheet_prints_its_report_and_json_has_the_documented_fields(capsys: pytest.CaptureFixture[str]) -> None:
    sheet = str(SAMPLES / "emeka.md")
    assert main(["grade", "ml-theory", sheet]) == 1
    text = capsys.readouterr().out
    assert text.splitlines()[-1].startswith("score: ") and "wrong" in text
    assert main(["grade", "ml-theory", sheet, "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert {"claims", "summary", "coverage", "parts", "score"} <= set(report)
    for claim in report["claims"]:
        assert {"id", "part", "written", "verdict", "correction", "diagnosis"} <= set(claim)
    assert report["summary"]["wrong"] == sum(claim["verdict"] == "wrong" for claim in report["claims"])


def test_the_class_json_is_the_class_report(small_class: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grade", "ml-theory", str(small_class), "--json", "-q"]) == 2
    data = json.loads(capsys.readouterr().out)
    by_student = {sheet["student"]: sheet for sheet in data["sheets"]}
    assert by_student["latin"]["failure"] == "input" and by_student["latin"]["points"] is None
    assert by_student["bob"]["status"] == "graded" and by_student["bob"]["max_points"] == 20
    assert data["overview"]["sheets"] == 5 and data["overview"]["graded"] == 2
    assert [part["part"] for part in data["overview"]["parts"]] == list(PARTS)


def test_the_gradebook_is_what_moodle_and_canvas_import(small_class: Path, tmp_path: Path) -> None:
    """UTF-8, a header row, Canvas's identity columns first and in its order, one row per file, a unique
    login per row; points are plain decimal numbers, and a sheet without a grade has empty cells (no 0)."""
    (small_class / "çelik.md").write_bytes((SAMPLES / "emeka.md").read_bytes())
    out = tmp_path / "out"
    main(["grade", "ml-theory", str(small_class), "--out", str(out), "--formats", "json", "-q"])
    rows = _gradebook(out)
    header = list(rows[0])
    assert tuple(header[:5]) == GRADEBOOK_IDENTITY == ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
    assert header[5:] == [*(f"ml-theory {part}" for part in PARTS), "ml-theory total", "Status"]
    assert len(rows) == 6 and len({row["SIS Login ID"] for row in rows}) == 6
    assert "çelik" in {row["Student"] for row in rows}
    for row in rows:
        assert row["Student"] == row["SIS Login ID"] and row["ID"] == row["SIS User ID"] == row["Section"] == ""
        points = [row[name] for name in header[5:-1]]
        if row["Status"] == "graded":
            assert all(re.fullmatch(r"\d+(\.\d{1,2})?", cell) for cell in points), row
        else:
            assert all(cell == "" for cell in points), row


def test_nothing_is_written_when_a_file_fails_to_render(
    small_class: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(document: object) -> bytes:
        raise RuntimeError("the Markdown renderer broke")

    monkeypatch.setitem(rendering_module.RENDERERS, "md", broken)
    out = tmp_path / "out"
    assert main(["grade", "ml-theory", str(small_class), "--out", str(out), "--formats", "json,md", "-q"]) == 3
    assert not out.exists(), "no gradebook without the feedback sheets: all files or none"
    assert "RuntimeError: the Markdown renderer broke" in capsys.readouterr().err


def test_the_overview_is_typeset_and_names_no_machine_path(small_class: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    main(["grade", "ml-theory", str(small_class), "--out", str(out), "--formats", "html", "-q"])
    overview = json.loads((out / "overview.json").read_text(encoding="utf-8"))
    graded = overview["graded"]
    assert (overview["sheets"], graded) == (5, 2)
    assert [item["student"] for item in overview["students"]] == ["bob", "broken", "emeka", "empty", "latin"]
    for part in overview["parts"]:
        assert 0 <= part["all_right"] <= part["answered"] <= graded
        for mistake in part["mistakes"]:
            assert 1 <= mistake["sheets"] <= graded and mistake["example"]["student"] in ("bob", "emeka")
    assert sum(len(part["mistakes"]) for part in overview["parts"]) >= 3
    html = (out / "overview.html").read_text(encoding="utf-8")
    assert html.count("<math") >= 3
    visible = re.sub(r"<(code|style|title)\b.*?</\1>", "", html, flags=re.S)
    assert not re.search(r"\\[A-Za-z]{2,}|\^\{|_\{", re.sub(r"<[^>]+>", "", visible)), "LaTeX source in the text"
    for name in ("overview.html", "overview.json", "gradebook.csv"):
        text = (out / name).read_text(encoding="utf-8")
        assert str(tmp_path) not in text and str(SAMPLES) not in text


def test_no_submission_grades_the_default_sheet_and_a_homework_without_one_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    key = tmp_path / "key.toml"
    source = (SAMPLES.parent / "key.toml").read_text(encoding="utf-8")
    key.write_text(re.sub(r"(?m)^sheet = .*$", "", source), encoding="utf-8")
    assert main(["grade", str(tmp_path)]) == 2
    assert "has no default sheet: name the submissions to grade" in capsys.readouterr().err


def test_two_sheets_of_one_student_get_a_row_and_a_folder_each() -> None:
    assert student_names(["a/alice.md", "b/alice.tex", "bob.md"]) == ["alice.md", "alice.tex", "bob"]
    assert student_names(["..md", "x/...md"]) == ["sheet-1", "sheet-2"]


def test_the_console_script_grades_a_class(small_class: Path, tmp_path: Path) -> None:
    """The same as a user's shell: the class table on stdout, one line per sheet on stderr, exit 2."""
    result = run("grade", "ml-theory", str(small_class), "--jobs", "2")
    assert result.returncode == 2, result.stderr
    assert result.stdout.splitlines()[0].split() == ["student", "total", "status"]
    assert len(re.findall(r"^\[\d/5\] ", result.stderr, re.M)) == 5
