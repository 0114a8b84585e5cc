"""The outputs as people see them: the HTML in headless Chromium, the PDF as text and as page images.

Chromium (Debian package ``chromium``) and poppler (``poppler-utils``: pdftotext, pdftoppm) are
installed by .ci/run; where they are missing these tests are skipped with that reason. The LaTeX
file is compiled wherever pdflatex is installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import publish_cases as cases
import pytest
from publish_png import read_png, require_tool

from symcheck.publish._document import Document
from symcheck.publish._html import STYLE, render_html
from symcheck.publish._latex import render_latex
from symcheck.publish._theme import TONE_COLOURS
from symcheck.publish._typst import compile_pdf, render_typst

WINDOW = (1200, 3000)


def screenshot(
    page: Path,
    png: Path,
    tmp_path: Path,
    window: tuple[int, int] = WINDOW,
    environment: dict[str, str] | None = None,
) -> np.ndarray:
    """Render ``page`` in headless Chromium, offline, and read the screenshot."""
    chromium = require_tool("chromium", "chromium, which .ci/run installs")
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        f"--screenshot={png}",
        f"--window-size={window[0]},{window[1]}",
        page.resolve().as_uri(),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=120, env={**os.environ, **(environment or {})})
    return read_png(png)


def _pixels_near(image: np.ndarray, hex_colour: str, tolerance: int = 24) -> int:
    target = np.array([int(hex_colour[position : position + 2], 16) for position in (0, 2, 4)])
    return int((np.abs(image.astype(int) - target).max(axis=2) <= tolerance).sum())


def _ink(image: np.ndarray) -> np.ndarray:
    """Where something is drawn on the white page."""
    return image.astype(int).min(axis=2) < 160


# --------------------------------------------------------------------------- HTML in Chromium


@pytest.fixture(scope="module")
def html_screenshot(tmp_path_factory: pytest.TempPathFactory, demo_document: Document) -> np.ndarray:
    directory = tmp_path_factory.mktemp("html")
    page = directory / "solutions.html"
    page.write_text(render_html(demo_document), encoding="utf-8")
    image = screenshot(page, directory / "solutions.png", directory)
    shutil.copy(directory / "solutions.png", Path(tmp_path_factory.getbasetemp()) / "solutions-html.png")
    return image


def test_html_page_renders_with_text_and_verdicts_in_colour(html_screenshot: np.ndarray) -> None:
    assert html_screenshot.shape == (WINDOW[1], WINDOW[0], 3)
    ink = _ink(html_screenshot)
    assert ink.mean() > 0.01, "the page is blank"
    rows_with_ink = ink.any(axis=1).nonzero()[0]
    assert rows_with_ink.max() - rows_with_ink.min() > 1500, "the content is laid out down the page"
    for tone, colour in TONE_COLOURS.items():
        assert _pixels_near(html_screenshot, colour) > 150, f"no {tone} verdict (#{colour}) on the page"


def test_hostile_text_is_shown_not_run(tmp_path: Path, hostile_document: Document) -> None:
    page = tmp_path / "hostile.html"
    page.write_text(render_html(hostile_document), encoding="utf-8")
    image = screenshot(page, tmp_path / "hostile.png", tmp_path, (1200, 1600))
    assert _ink(image).mean() > 0.01  # an alert() would block the page from rendering at all


_TALL_PARENTHESES = (
    '<math display="block"><mrow><mo fence="true" stretchy="true" form="prefix">(</mo>'
    "<mfrac><mrow><mi>a</mi></mrow><mrow><mfrac><mi>b</mi><mi>c</mi></mfrac></mrow></mfrac>"
    '<mo fence="true" stretchy="true" form="postfix">)</mo></mrow></math>'
)


def _parenthesis_coverage(tmp_path: Path, environment: dict[str, str] | None = None) -> float:
    """How much of a tall fraction's height its \\left( … \\right) covers, on a page with our styles."""
    page = tmp_path / "formula.html"
    page.write_text(
        f'<!DOCTYPE html><meta charset="utf-8"><style>{STYLE} body {{ margin: 0 }} '
        f".symcheck {{ font-size: 48px; padding: 20px; }}</style><div class='symcheck'>{_TALL_PARENTHESES}</div>",
        encoding="utf-8",
    )
    image = screenshot(page, tmp_path / "formula.png", tmp_path, (600, 500), environment)
    return _leftmost_glyph_coverage(_ink(image))


def test_brackets_stretch_with_the_math_font_stack(tmp_path: Path) -> None:
    """A \\left( \\right) pair around a tall fraction is as tall as the fraction, in the page's math fonts.

    Chromium stretches operators only with a font that can (an OpenType MATH table, or bracket
    pieces); the style sheet names such fonts first.
    """
    fonts = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout
    if not any(name in fonts for name in ("Latin Modern Math", "STIX Two Math", "DejaVu Math TeX Gyre")):
        pytest.skip("no OpenType MATH font is installed (Debian: fonts-lmodern, which .ci/run installs)")
    coverage = _parenthesis_coverage(tmp_path)
    assert coverage > 0.9, f"the parentheses cover {coverage:.0%} of the formula's height"


def test_without_a_math_font_brackets_stay_short(tmp_path: Path) -> None:
    """The control for the test above: with one ordinary font only, the parentheses have text height.

    This is what a machine without a math font shows, and it shows that the measurement above
    can tell stretched brackets from short ones.
    """
    plain_font = next(Path("/usr/share/fonts").rglob("LiberationSerif-Regular.ttf"), None)
    if plain_font is None:
        pytest.skip("LiberationSerif-Regular.ttf is not installed (Debian: fonts-liberation)")
    only_plain = tmp_path / "plain-fonts"
    only_plain.mkdir()
    shutil.copy(plain_font, only_plain)
    config = tmp_path / "fonts.conf"
    config.write_text(
        f'<?xml version="1.0"?><fontconfig><dir>{only_plain}</dir><cachedir>{tmp_path / "fc-cache"}</cachedir>'
        "</fontconfig>",
        encoding="utf-8",
    )
    coverage = _parenthesis_coverage(tmp_path, {"FONTCONFIG_FILE": str(config)})
    assert coverage < 0.7, f"the parentheses cover {coverage:.0%} of the formula's height"


def _leftmost_glyph_coverage(ink: np.ndarray) -> float:
    """The height of the leftmost glyph (up to the first empty column) over the height of all ink."""
    columns = ink.any(axis=0)
    start = int(columns.nonzero()[0].min())
    stop = start
    while stop < len(columns) and columns[stop]:
        stop += 1
    glyph_rows = ink[:, start:stop].any(axis=1).nonzero()[0]
    all_rows = ink.any(axis=1).nonzero()[0]
    return float((glyph_rows.max() - glyph_rows.min() + 1) / (all_rows.max() - all_rows.min() + 1))


# --------------------------------------------------------------------------- PDF


@pytest.fixture(scope="module")
def pdf_path(tmp_path_factory: pytest.TempPathFactory, hostile_document: Document) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "solutions.pdf"
    path.write_bytes(compile_pdf(render_typst(hostile_document)))
    return path


def test_pdf_text_has_claims_verdicts_and_numbers(pdf_path: Path) -> None:
    pdftotext = require_tool("pdftotext", "poppler-utils, which .ci/run installs")
    text = subprocess.run([pdftotext, "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    for expected in (
        "Solutions: Sigmoid quiz",
        "Claim a-value",
        "Claim 10a-slope",
        "✗ wrong",
        "✓ correct",
        "≈ imprecise",
        "? undecided",
        "✗ failed",
        "Value: 0.5",
        "3.2 × 10",
        "at 𝑥 = 1/2, 𝑠 = 3/4: 3/16 ≠ 0.235004",
        "<script>alert('x')</script>",
        "\\input{/etc/passwd}",
    ):
        assert expected in text, f"{expected!r} is not in the PDF's text"


def test_pdf_pages_render(pdf_path: Path, tmp_path: Path) -> None:
    pdftoppm = require_tool("pdftoppm", "poppler-utils, which .ci/run installs")
    subprocess.run([pdftoppm, "-png", "-r", "60", str(pdf_path), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2
    for page in pages:
        assert _ink(read_png(page)).mean() > 0.005, f"{page.name} is blank"
    first = read_png(pages[0])
    assert _pixels_near(first, TONE_COLOURS["bad"], 40) > 20 and _pixels_near(first, TONE_COLOURS["good"], 40) > 20


# --------------------------------------------------------------------------- LaTeX


def test_latex_compiles_with_pdflatex(tmp_path: Path) -> None:
    pdflatex = require_tool("pdflatex", "texlive-latex-recommended with lmodern, which .ci/run installs")
    source = render_latex(_demo_with_hostile_text())
    (tmp_path / "solutions.tex").write_text(source, encoding="ascii")
    run = subprocess.run(
        [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "solutions.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:]
    assert (tmp_path / "solutions.pdf").read_bytes().startswith(b"%PDF-")


_WORD_BOX = r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<'


def words_past_the_margin(pdf: Path, into_margin_pt: float) -> list[tuple[int, str, float]]:
    """The words of a PDF whose right edge lies more than ``into_margin_pt`` into the 2 cm margin."""
    pdftotext = require_tool("pdftotext", "poppler-utils, which .ci/run installs")
    html = subprocess.run([pdftotext, "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    past = []
    for number, page in enumerate(html.split("<page ")[1:], start=1):
        limit = float(re.search(r'width="([\d.]+)"', page).group(1)) - 2 / 2.54 * 72 + into_margin_pt
        for right, word in re.findall(_WORD_BOX, page):
            if float(right) > limit:
                past.append((number, word, float(right)))
    return past


@pytest.mark.parametrize("sheet", ["ml-theory/solutions.pdf", "library/reference.pdf"])
def test_the_committed_pdfs_keep_every_word_inside_the_page(sheet: str) -> None:
    """Typst, like TeX, lets a wide table column or a long display formula run off the page."""
    past = words_past_the_margin(Path(__file__).resolve().parents[2] / "output" / sheet, 10.0)
    assert not past, f"{sheet}: words run into the margin (page, word, right edge in pt): {past[:5]}"


@pytest.mark.parametrize("sheet", ["ml-theory/solutions.tex", "library/reference.tex"])
def test_the_committed_latex_compiles_and_stays_inside_the_page(sheet: str, tmp_path: Path) -> None:
    """The committed sheets compile, and no line, table or formula runs more than 10 pt into the
    2 cm margin (TeX still compiles a table whose ``l`` columns run off the page)."""
    pdflatex = require_tool("pdflatex", "texlive-latex-recommended with lmodern, which .ci/run installs")
    source = Path(__file__).resolve().parents[2] / "output" / sheet
    (tmp_path / "sheet.tex").write_bytes(source.read_bytes())
    for _ in range(2):  # longtable settles its column widths on the second run
        run = subprocess.run(
            [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "sheet.tex"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert run.returncode == 0, run.stdout[-3000:]
    log = (tmp_path / "sheet.log").read_text(encoding="latin-1")
    overfull = [
        (float(points), where)
        for points, where in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\) (.*)", log)
        if float(points) > 10.0
    ]
    assert not overfull, f"{sheet}: boxes run into the margin: {overfull[:5]}"


def _demo_with_hostile_text() -> Document:
    from symcheck.publish._compose import compose_solutions

    derivation = cases.demo_derivation()
    report = cases.demo_grade_report(hostile=True)
    return compose_solutions(report, {derivation.name: derivation}, {derivation.name: cases.demo_report()})


# --------------------------------------------------------------------------- the committed seed sheet

OUTPUT = Path(__file__).resolve().parents[2] / "output" / "ml-theory"


def _seed_report() -> dict:
    import json

    path = OUTPUT / "report.json"
    if not path.exists():
        pytest.skip(f"{path} is not built (run `symcheck build`)")
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_seed_sheet_pdf_shows_every_claim_with_its_verdict() -> None:
    """The committed PDF, read back as text: every claim of report.json, with the verdict it was given."""
    pdftotext = require_tool("pdftotext", "poppler-utils, which .ci/run installs")
    report = _seed_report()
    text = subprocess.run(
        [pdftotext, str(OUTPUT / "solutions.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    marks = {"correct": "✓", "wrong": "✗", "imprecise": "≈", "undecided": "?", "not graded": "·"}
    flat = " ".join(text.split())
    for claim in report["claims"]:
        assert f"Claim {claim['id']} {marks[claim['verdict']]} {claim['verdict']}" in flat, claim["id"]
    for name in {item["name"] for item in report["derivations"]}:
        assert name in flat


def test_the_seed_sheet_html_renders_in_chromium(tmp_path: Path) -> None:
    report = _seed_report()
    image = screenshot(OUTPUT / "solutions.html", tmp_path / "seed.png", tmp_path)
    assert _ink(image).mean() > 0.01
    tones = {"correct": "good", "wrong": "bad", "imprecise": "warn", "undecided": "unknown", "not graded": "neutral"}
    for verdict in {claim["verdict"] for claim in report["claims"]}:
        assert _pixels_near(image, TONE_COLOURS[tones[verdict]]) > 100, f"no {verdict} badge in the first screen"
