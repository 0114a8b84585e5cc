"""A class published: the overview page, the gradebook, and ``symcheck build``'s class overview.

The page is composed from hand-made grade reports (so it does not move when grading does), hostile text
included, and must fit 1200 and 400 px in Chromium like every published page, typeset every student's
formula, and show no LaTeX source as text. ``symcheck build`` grades each registered homework's sample
class into ``output/<homework>/``: the files are the same bytes on a rebuild and name no machine path.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import publish_cases as cases
import pytest
from publish_browser import OVERFLOW_SCRIPT, Browser, chromium_path

from symcheck.grading import ClassReport
from symcheck.grading._class import SheetOutcome
from symcheck.publish import BuildOptions, build
from symcheck.publish import _build as build_module
from symcheck.publish._class import class_files, compose_overview, gradebook_csv, overview_data
from symcheck.publish._html import render_html
from symcheck.sheet import GradeReport, PartResult

ROOT = Path(__file__).resolve().parents[2]
PARTS = (("1(c)", 1.0), ("1(d)", 2.0), ("2(a)", 2.0), ("2(c)", 2.0), ("2(e)", 2.0))


def _with_parts(report: GradeReport, earned: dict[str, float]) -> GradeReport:
    parts = tuple(
        PartResult(part, "answered" if part in earned else "no answer", earned.get(part, 0.0), points)
        for part, points in PARTS
    )
    return dataclasses.replace(report, parts=parts)


def demo_class(*, hostile: bool = False) -> ClassReport:
    """Three graded sheets (the first two with hostile diagnoses if asked) and one that could not be read."""
    sheets = (
        SheetOutcome(
            "ana",
            "/home/teacher/class/ana.md",
            "graded",
            _with_parts(cases.seed_like_report(hostile=hostile), {"1(c)": 1}),
        ),
        SheetOutcome(
            "ben",
            "/home/teacher/class/ben.md",
            "graded",
            _with_parts(cases.seed_like_report(), {"1(c)": 1, "2(c)": 0.5}),
        ),
        SheetOutcome("cy", "cy.md", "graded", _with_parts(cases.demo_grade_report(hostile=hostile), {})),
        SheetOutcome("dee", "dee.md", "error: dee.md:1: the file is not UTF-8 text", failure="input"),
    )
    return ClassReport("ml-theory", "ML theory homework", PARTS, sheets)


def test_the_overview_counts_what_the_reports_say() -> None:
    data = overview_data(demo_class())
    assert (data["sheets"], data["graded"], data["max_points"]) == (4, 3, 9.0)
    by_part = {part["part"]: part for part in data["parts"]}
    assert by_part["1(c)"]["answered"] == 2 and by_part["1(c)"]["all_right"] == 2
    jacobian = next(item for item in by_part["2(c)"]["mistakes"] if "Jacobian" in item["about"])
    assert jacobian["sheets"] == 2 and jacobian["example"]["student"] == "ana"
    assert [item["file"] for item in data["students"]] == ["ana.md", "ben.md", "cy.md", "dee.md"]
    assert data["students"][3] == {
        "student": "dee",
        "file": "dee.md",
        "points": None,
        "max_points": 9.0,
        "wrong_claims": None,
        "status": "error: dee.md:1: the file is not UTF-8 text",
    }


def test_the_gradebook_has_a_row_per_file() -> None:
    rows = gradebook_csv(demo_class()).decode("utf-8").split("\r\n")
    assert rows[0] == (
        "Student,ID,SIS User ID,SIS Login ID,Section,ml-theory 1(c),ml-theory 1(d),ml-theory 2(a),ml-theory 2(c),"
        "ml-theory 2(e),ml-theory total,Status"
    )
    assert rows[2] == "ben,,,ben,,1,0,0,0.5,0,1.5,graded"
    assert rows[4] == "dee,,,dee,,,,,,,,error: dee.md:1: the file is not UTF-8 text" and rows[5] == ""


def test_the_overview_page_typesets_the_answers_and_shows_no_latex_source(tmp_path: Path) -> None:
    files = class_files(demo_class(hostile=True), tmp_path)
    html = files[tmp_path / "overview.html"].decode("utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html
    cards = re.findall(r'<article class="card bad" id="mistake-[^"]+">(.*?)</article>', html, re.S)
    assert cards, "no mistake cards"
    for card in cards:
        answer = re.search(r"An answer with it \((\w+)\)</div>\n(.*?)\n</div>\n</div>", card, re.S)
        assert answer, card[:300]
        if "\\" in answer.group(2):  # a formula: typeset, its source one click away
            assert "<math" in answer.group(2)
    text = re.sub(r"<(code|style|title)\b.*?</\1>", "", html, flags=re.S)
    text = re.sub(r"<[^>]+>", "", text)
    assert not re.search(r"\\(frac|hat|partial|sigma|boxed)\b|\^\{|_\{", text), "LaTeX source as text"
    for name, data in files.items():
        assert b"/home/teacher" not in data, f"{name.name} names a machine path"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    if chromium_path() is None:
        pytest.skip("chromium is not installed (Debian: chromium, which .ci/run installs)")
    with Browser(tmp_path_factory.mktemp("chromium-profile")) as opened:
        yield opened


@pytest.mark.parametrize("width", [1200, 400])
def test_the_overview_page_fits_the_screen(browser: Browser, tmp_path: Path, width: int) -> None:
    page = tmp_path / "overview.html"
    page.write_text(render_html(compose_overview(demo_class(hostile=True))), encoding="utf-8")
    browser.open(page, width)
    measured = browser.evaluate(OVERFLOW_SCRIPT)
    assert measured["scrollWidth"] <= width, measured["overflowing"][:8]
    assert not measured["overflowing"], f"past the right edge at {width} px: {measured['overflowing'][:8]}"


# --------------------------------------------------------------------------- symcheck build


def _snapshot(out: Path) -> dict[str, bytes]:
    return {path.relative_to(out).as_posix(): path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()}


def test_build_writes_the_class_overview_of_a_homework(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Two of the sample sheets stand for the class (grading all of them is the committed output's test)."""
    samples = ROOT / "derivations" / "sheets" / "ml_theory" / "samples"
    key = ROOT / "derivations" / "sheets" / "ml_theory" / "key.toml"
    monkeypatch.setattr(build_module, "sheet_targets", lambda names: [])
    monkeypatch.setattr(
        build_module, "class_targets", lambda names: [("ml-theory", key, [samples / "emeka.md", samples / "bob.md"])]
    )
    monkeypatch.chdir(ROOT)
    cache = tmp_path_factory.mktemp("cache")
    options = BuildOptions(out=tmp_path / "out", sheets=("ml-theory",), cache=cache, progress=False)
    assert build(options) == 0
    first = _snapshot(tmp_path / "out")
    assert sorted(first) == ["ml-theory/gradebook.csv", "ml-theory/overview.html", "ml-theory/overview.json"]
    overview = json.loads(first["ml-theory/overview.json"])
    assert [item["file"] for item in overview["students"]] == ["emeka.md", "bob.md"]
    for name, data in first.items():
        assert str(ROOT).encode() not in data and str(tmp_path).encode() not in data, name
    assert build(options) == 0 and _snapshot(tmp_path / "out") == first
    assert build(dataclasses.replace(options, check_only=True)) == 0


def test_the_registered_homeworks_name_their_class() -> None:
    from symcheck import registry

    registry.load_entry_points()
    entry = registry.sheet("ml-theory")
    assert entry.class_folder == ROOT / "derivations" / "sheets" / "ml_theory" / "samples"
    targets = {name: sheets for name, _, sheets in build_module.class_targets(None)}
    assert [path.name for path in targets["ml-theory"]] == [
        "alice.md",
        "bob.md",
        "chen.tex",
        "dana.ipynb",
        "emeka.md",
        "farah.md",
        "gus.md",
        "answer_sheet.md",
    ]
