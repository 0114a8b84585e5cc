"""``symcheck build`` end to end: what it writes, that a rebuild changes nothing, that failures write nothing.

Grading is replaced by the hand-made seed-like report (these tests are about building, and must
not move when grading does); verification is real, of the library's derivations, with one cache
shared by the module so that only the first build pays for it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from pathlib import Path

import publish_cases as cases
import pytest

from symcheck.cli import main
from symcheck.errors import BuildError
from symcheck.publish import BuildOptions, build
from symcheck.publish import _build as build_module
from symcheck.publish import _grading as grading_module
from symcheck.publish import _rendering as rendering_module
from symcheck.publish._compose import shown_derivations

SHEET_FILES = ("report.json", "solutions.md", "solutions.tex", "solutions.html", "solutions.pdf")
LIBRARY_FILES = ("report.json", "reference.md", "reference.tex", "reference.html", "reference.pdf")


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("symcheck-cache")


@pytest.fixture
def graded(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """Grading replaced by a report made by hand; ``graded["report"]`` can be swapped by a test."""
    state: dict[str, object] = {"report": cases.seed_like_report()}
    target = grading_module.SheetTarget("ml-theory", Path("answer_sheet.md"), Path("answer_sheet.key.toml"))
    monkeypatch.setattr(build_module, "sheet_targets", lambda names: [target])
    monkeypatch.setattr(build_module, "class_targets", lambda names: [])  # the class overview: test_publish_class.py

    class HandGrading:
        pending = ()

        def __init__(self, targets, options, progress):  # type: ignore[no-untyped-def]
            progress.note("grading ml-theory … by hand")

        def start(self, *, beside_verification: bool) -> bool:
            return False

        def wait(self) -> list:
            return [state["report"]]

        def close(self) -> None:
            pass

    monkeypatch.setattr(build_module, "Grading", HandGrading)
    return state


def _options(out: Path, cache: Path, **changes: object) -> BuildOptions:
    return dataclasses.replace(BuildOptions(out=out, sheets=("ml-theory", "library"), cache=cache), **changes)


def _snapshot(out: Path) -> dict[str, bytes]:
    return {path.relative_to(out).as_posix(): path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()}


def _has_seconds(value: object) -> bool:
    if isinstance(value, dict):
        return "seconds" in value or any(_has_seconds(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_seconds(item) for item in value)
    return False


def test_build_writes_every_format_of_the_sheet_and_the_library(
    tmp_path: Path, cache: Path, graded: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    assert build(_options(tmp_path, cache)) == 0
    assert sorted(_snapshot(tmp_path)) == sorted(
        [f"ml-theory/{name}" for name in SHEET_FILES] + [f"library/{name}" for name in LIBRARY_FILES]
    )
    report = json.loads((tmp_path / "ml-theory" / "report.json").read_text(encoding="utf-8"))
    expected = cases.seed_like_report().as_dict()
    assert {key: report[key] for key in expected} == expected
    assert [item["name"] for item in report["derivations"]] == shown_derivations(cases.seed_like_report())
    library = json.loads((tmp_path / "library" / "report.json").read_text(encoding="utf-8"))
    assert len(library["derivations"]) >= 20 and library["summary"]["verified"] >= 1
    assert not _has_seconds(report) and not _has_seconds(library), "timings would make every build differ"
    errors = [check["max_error"] for item in library["derivations"] for check in item["checks"] if check["max_error"]]
    assert errors and all(error == float(f"{error:.1e}") for error in errors), "platform-dependent last bits"
    stderr = capsys.readouterr().err
    for stage in ("grading ml-theory … ", "verifying ", "rendering ", "composing ", "writing 10 files to"):
        assert stage in stderr


def test_a_rebuild_is_byte_identical_and_check_agrees(
    tmp_path: Path, cache: Path, graded: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    build(_options(tmp_path, cache, progress=False))
    first = _snapshot(tmp_path)
    capsys.readouterr()
    assert build(_options(tmp_path, cache, progress=False)) == 0
    assert _snapshot(tmp_path) == first
    assert build(_options(tmp_path, cache, check_only=True, progress=False)) == 0
    assert capsys.readouterr().err == ""
    stale = tmp_path / "ml-theory" / "solutions.md"
    stale.write_text("edited by hand\n", encoding="utf-8")
    assert build(_options(tmp_path, cache, check_only=True, progress=False)) == 1
    error = capsys.readouterr().err
    assert f"stale: {stale}" in error and "run `symcheck build`" in error
    assert stale.read_text(encoding="utf-8") == "edited by hand\n", "--check writes nothing"


def test_a_failing_renderer_leaves_the_previous_output_intact(
    tmp_path: Path, cache: Path, graded: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    build(_options(tmp_path, cache, progress=False))
    before = _snapshot(tmp_path)
    graded["report"] = dataclasses.replace(cases.seed_like_report(), title="A new title")

    def broken(document: object) -> bytes:
        raise RuntimeError("the HTML renderer broke")

    monkeypatch.setitem(rendering_module.RENDERERS, "html", broken)
    with pytest.raises(RuntimeError, match="HTML renderer broke"):
        build(_options(tmp_path, cache, progress=False))
    assert _snapshot(tmp_path) == before


def test_a_failing_write_leaves_the_previous_output_intact_and_no_temporary_files(
    tmp_path: Path, cache: Path, graded: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    build(_options(tmp_path, cache, progress=False))
    before = _snapshot(tmp_path)
    graded["report"] = dataclasses.replace(cases.seed_like_report(), title="A new title")
    real_mkstemp = tempfile.mkstemp
    calls = {"count": 0}

    def failing_mkstemp(*arguments: object, **keywords: object):  # type: ignore[no-untyped-def]
        calls["count"] += 1
        if calls["count"] == 3:
            raise OSError(28, "No space left on device", "solutions.html")
        return real_mkstemp(*arguments, **keywords)  # type: ignore[arg-type]

    monkeypatch.setattr(tempfile, "mkstemp", failing_mkstemp)
    with pytest.raises(BuildError, match=r"cannot write solutions\.html: No space left on device"):
        build(_options(tmp_path, cache, progress=False))
    assert calls["count"] == 3, "two files were staged before the failure"
    assert _snapshot(tmp_path) == before
    assert not [path for path in tmp_path.rglob("*") if path.name.endswith(".tmp")]


def test_only_the_requested_formats_are_written(tmp_path: Path, cache: Path, graded: dict[str, object]) -> None:
    build(_options(tmp_path, cache, formats=("json", "md"), sheets=("ml-theory",), progress=False))
    assert sorted(_snapshot(tmp_path)) == ["ml-theory/report.json", "ml-theory/solutions.md"]


def test_quiet_prints_nothing(
    tmp_path: Path, cache: Path, graded: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    build(_options(tmp_path, cache, sheets=("ml-theory",), progress=False))
    assert capsys.readouterr().err == ""


def test_files_get_ordinary_permissions(tmp_path: Path, cache: Path, graded: dict[str, object]) -> None:
    build(_options(tmp_path, cache, sheets=("ml-theory",), formats=("md",), progress=False))
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "ml-theory" / "solutions.md").stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--formats", "json,docx"], "--formats: unknown format 'docx'"),
        (["--formats", ","], "--formats names no format"),
    ],
)
def test_bad_options_are_one_line_errors(
    tmp_path: Path, arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--out", str(tmp_path / "out"), *arguments]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and error.startswith("symcheck: error: ") and message in error
    assert not (tmp_path / "out").exists()


def test_out_must_be_a_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    assert main(["build", "--out", str(tmp_path / "file"), "--quiet"]) == 2
    assert "exists and is not a directory" in capsys.readouterr().err


def test_the_latex_pdf_engine_says_what_is_missing(
    tmp_path: Path, cache: Path, graded: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(BuildError, match="needs pdflatex or latexmk on PATH"):
        build(_options(tmp_path, cache, sheets=("ml-theory",), pdf_engine="latex", progress=False))
    assert not tmp_path.joinpath("ml-theory").exists()


def test_a_claim_naming_an_unregistered_derivation_stops_the_build(
    tmp_path: Path, cache: Path, graded: dict[str, object]
) -> None:
    report = cases.seed_like_report()
    typo = dataclasses.replace(report.claims[0], derivation="softmax.jacobain")
    graded["report"] = dataclasses.replace(report, claims=(typo, *report.claims[1:]))
    with pytest.raises(BuildError, match=r"answer_sheet\.md:120:3: claim 2c-jacobian names .*'softmax\.jacobain'"):
        build(_options(tmp_path, cache, sheets=("ml-theory",), progress=False))
    assert not tmp_path.joinpath("ml-theory").exists()


def _fake_tex(directory: Path, *, fails: bool = False, lmodern: bool = True) -> None:
    """A pdflatex and kpsewhich that stand in for TeX: they show what the engine runs, not TeX itself."""
    directory.mkdir()
    pdflatex = directory / "pdflatex"
    if fails:
        body = 'printf "! Undefined control sequence.\\nl.12 \\\\foo\\n" > document.log; exit 1'
    else:
        body = 'printf "%s\\n" "$@" >> runs.txt; cp runs.txt document.pdf'
    pdflatex.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    kpsewhich = directory / "kpsewhich"
    found = "/usr/share/texmf/tex/latex/lm/lmodern.sty" if lmodern else ""
    kpsewhich.write_text(f'#!/bin/sh\necho "{found}"\n', encoding="utf-8")
    for tool in (pdflatex, kpsewhich):
        tool.chmod(0o755)


def test_the_latex_pdf_engine_runs_pdflatex_twice_without_shell_escape(
    tmp_path: Path, cache: Path, graded: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_tex(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    options = _options(tmp_path / "out", cache, sheets=("ml-theory",), formats=("pdf",), pdf_engine="latex")
    build(dataclasses.replace(options, progress=False))
    runs = (tmp_path / "out" / "ml-theory" / "solutions.pdf").read_text(encoding="utf-8").split()
    assert runs == ["-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "document.tex"] * 2


def test_the_latex_pdf_engine_reports_the_first_tex_error(
    tmp_path: Path, cache: Path, graded: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_tex(tmp_path / "bin", fails=True)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(BuildError, match=r"solutions\.pdf: pdflatex failed: Undefined control sequence\."):
        build(_options(tmp_path / "out", cache, sheets=("ml-theory",), pdf_engine="latex", progress=False))
    assert not (tmp_path / "out").exists()


def test_the_latex_pdf_engine_refuses_to_make_bitmap_fonts(
    tmp_path: Path, cache: Path, graded: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_tex(tmp_path / "bin", lmodern=False)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(BuildError, match="lmodern is not installed, so the PDF would use bitmap fonts"):
        build(_options(tmp_path / "out", cache, sheets=("ml-theory",), pdf_engine="latex", progress=False))


def test_an_unknown_sheet_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "no-such-sheet", "--out", str(tmp_path / "out"), "--quiet"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "no homework is registered as 'no-such-sheet'" in error
    assert not (tmp_path / "out").exists()


def test_a_derivation_that_cannot_be_built_is_shown_as_such(
    tmp_path: Path, cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from symcheck import registry

    def broken() -> object:
        """A derivation whose builder raises"""
        raise ValueError("a typo in the builder")

    registry.load_entry_points()
    registry.derivation("publish_tests.broken", topic="publish_tests")(broken)
    try:
        build(_options(tmp_path, cache, sheets=("library",), formats=("json", "md"), progress=False))
    finally:
        registry._entries.pop("publish_tests.broken", None)  # the registry has no public removal
    assert "warning: the derivation publish_tests.broken is failed" in capsys.readouterr().err
    reference = (tmp_path / "library" / "reference.md").read_text(encoding="utf-8")
    assert "**Could not be built:** ValueError: a typo in the builder" in reference
    report = json.loads((tmp_path / "library" / "report.json").read_text(encoding="utf-8"))
    assert report["derivations"][-1]["error"] == "ValueError: a typo in the builder"


def test_no_sheet_names_a_path_of_the_machine_that_built_it(
    tmp_path: Path, cache: Path, graded: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``build --out /abs/dir`` from anywhere: no file names the output folder, the working directory
    or a sheet's absolute path (a sheet outside the project is named by its file name)."""
    elsewhere = tmp_path / "home" / "teacher" / "sheets" / "answer_sheet.md"
    report = cases.seed_like_report()
    claims = tuple(
        dataclasses.replace(claim, location=dataclasses.replace(claim.location, path=str(elsewhere)))
        for claim in report.claims
    )
    graded["report"] = dataclasses.replace(report, source=str(elsewhere), claims=claims)
    working = tmp_path / "work"
    working.mkdir()
    monkeypatch.chdir(working)
    out = tmp_path / "built" / "output"
    assert build(_options(out.resolve(), cache, progress=False)) == 0
    written = _snapshot(out)
    assert written
    for name, data in written.items():
        text = data.decode("latin-1")
        for machine_path in (str(tmp_path), str(out), str(working), str(elsewhere.parent)):
            assert machine_path not in text, f"{name} names {machine_path}"
    sheet = json.loads(written["ml-theory/report.json"])
    assert sheet["source"] == "answer_sheet.md"
    assert {claim["location"].rsplit(":", 2)[0] for claim in sheet["claims"]} == {"answer_sheet.md"}


def test_a_path_under_the_project_stays_relative_to_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert build_module.portable_path(str(tmp_path / "sheets" / "a.md")) == "sheets/a.md"
    assert build_module.portable_path("derivations/sheets/a.md") == "derivations/sheets/a.md"
    assert build_module.portable_path("/elsewhere/b.md") == "b.md"
