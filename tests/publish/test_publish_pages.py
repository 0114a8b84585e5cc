"""The published HTML as a student meets it: every page fits the screen, every formula is typeset.

The Chromium tests load each committed page (``output/*/*.html``) and the demo sheets at 1200 and
at 400 CSS pixels (a phone), through the DevTools protocol (``publish_browser``), and require that
nothing is wider than the page: the document does not scroll sideways, and no element or line of
text reaches past the right edge unless it sits in a box that scrolls it (a wide table, a long
display formula). They save full-page screenshots under pytest's temporary directory (the path is
printed) for a person to look at. The static tests read the seed sheet's HTML: each of the
student's formulas is MathML in its "As written" field, and no LaTeX source is left in the text a
reader sees.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from publish_browser import OVERFLOW_SCRIPT, Browser, chromium_path
from publish_png import read_png

from symcheck.printing.prose import written_form
from symcheck.publish._document import Document
from symcheck.publish._html import render_html

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "output"
SEED = OUTPUT / "ml-theory" / "solutions.html"
WIDTHS = (1200, 400)
COMMITTED = sorted(OUTPUT.glob("*/*.html"))


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    if chromium_path() is None:
        pytest.skip("chromium is not installed (Debian: chromium, which .ci/run installs)")
    with Browser(tmp_path_factory.mktemp("chromium-profile")) as opened:
        yield opened


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("pages")
    print(f"\nscreenshots of the published pages: {directory}")
    return directory


def _demo_pages(directory: Path, documents: dict[str, Document]) -> list[Path]:
    pages = []
    for name, document in documents.items():
        page = directory / f"{name}.html"
        page.write_text(render_html(document), encoding="utf-8")
        pages.append(page)
    return pages


def _check_fits(browser: Browser, page: Path, width: int, png: Path) -> None:
    browser.open(page, width)
    measured = browser.evaluate(OVERFLOW_SCRIPT)
    assert measured["width"] == width, f"the viewport is {measured['width']} px, not {width}"
    assert measured["scrollWidth"] <= measured["width"], (
        f"{page.name} at {width} px: the page is {measured['scrollWidth']} px wide; "
        f"too wide: {measured['overflowing'][:8]}"
    )
    assert not measured["overflowing"], f"{page.name} at {width} px, past the right edge: {measured['overflowing'][:8]}"
    # the first screens as they are, and the whole page at half size (a full-size PNG of a long page
    # takes half a minute to encode): both for a person to look at
    browser.screenshot(png, clip_height=3000)
    browser.screenshot(png.with_name(f"{png.stem}-whole.png"), scale=0.5)
    image = read_png(png)
    assert image.shape[1] == width
    assert (image.min(axis=2) < 160).mean() > 0.005, f"{png} is blank"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", COMMITTED, ids=[f"{page.parent.name}/{page.name}" for page in COMMITTED])
def test_committed_pages_fit_the_screen(browser: Browser, screenshots: Path, page: Path, width: int) -> None:
    _check_fits(browser, page, width, screenshots / f"{page.parent.name}-{page.stem}-{width}.png")


def test_the_seed_sheet_is_built() -> None:
    assert SEED in COMMITTED, f"{SEED} is not built (run `symcheck build`)"


@pytest.mark.parametrize("width", WIDTHS)
def test_demo_pages_fit_the_screen(
    browser: Browser, screenshots: Path, width: int, demo_document: Document, hostile_document: Document
) -> None:
    for page in _demo_pages(screenshots, {"demo": demo_document, "hostile": hostile_document}):
        _check_fits(browser, page, width, screenshots / f"{page.stem}-{width}.png")


def test_a_page_wider_than_the_screen_is_caught(browser: Browser, tmp_path: Path) -> None:
    """The control for the tests above: a table of unbreakable words outside any scrolling box."""
    page = tmp_path / "wide.html"
    page.write_text(
        '<!DOCTYPE html><meta charset="utf-8"><table><tr>'
        + "".join(f"<td>{'x' * 30}</td>" for _ in range(4))
        + "</tr></table>",
        encoding="utf-8",
    )
    browser.open(page, 400)
    measured = browser.evaluate(OVERFLOW_SCRIPT)
    assert measured["scrollWidth"] > 400 and measured["overflowing"]


def test_operators_keep_their_space_in_chromium(browser: Browser, tmp_path: Path) -> None:
    """``1 \\log 0.1`` is set with space on both sides of "log", as TeX sets it (it read "1log0.1")."""
    from symcheck.printing import mathml

    page = tmp_path / "log.html"
    formula = mathml(r"1 \log 0.1 + \max_{i} z_{i}")
    page.write_text(
        f'<!DOCTYPE html><meta charset="utf-8"><style>body {{ font-size: 40px; }}</style><p>{formula}</p>',
        encoding="utf-8",
    )
    browser.open(page, 1200)
    boxes = browser.evaluate(
        "[...document.querySelectorAll('mn, mi, mo')].map(e => [e.textContent, e.getBoundingClientRect().left,"
        " e.getBoundingClientRect().right])"
    )
    by_text = {text: (left, right) for text, left, right in boxes}
    one, log, tenth = by_text["1"], by_text["log"], by_text["0.1"]
    assert log[0] - one[1] > 3 and tenth[0] - log[1] > 3, f"no space around log: {boxes}"
    assert by_text["max"][0] - by_text["+"][1] < 25, "max gets a thin space, not the browser's default thick one"


# --------------------------------------------------------------------------- the seed sheet, read as HTML


class _Text(HTMLParser):
    """The text a reader sees, outside the elements that hold source (code, pre, annotation) and styles."""

    _SOURCE = frozenset({"code", "pre", "annotation", "style", "script", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SOURCE:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SOURCE:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth == 0:
            self.chunks.append(data)


def _seed_html() -> str:
    if not SEED.exists():
        pytest.skip(f"{SEED} is not built (run `symcheck build`)")
    return SEED.read_text(encoding="utf-8")


def _written_fields(html: str) -> dict[str, str]:
    """The "As written" field of every claim card, as HTML, by the card's anchor."""
    fields = {}
    for anchor, body in re.findall(r'<article class="card [^"]*" id="([^"]+)">(.*?)</article>', html, re.S):
        found = re.search(r'<div class="field-label">As written[^<]*</div>\n(.*?)\n</div>\n</div>', body, re.S)
        assert found, f"{anchor} has no As written field"
        fields[anchor] = found.group(1)
    return fields


def test_the_seed_sheet_shows_the_students_formulas_as_mathml() -> None:
    import json

    from symcheck.publish._claims import anchor

    html = _seed_html()
    report = json.loads((SEED.parent / "report.json").read_text(encoding="utf-8"))
    fields = _written_fields(html)
    assert len(fields) == len(report["claims"])
    for claim in report["claims"]:
        field = fields[anchor("claim", claim["id"])]
        form = written_form(claim["written"])
        has_formula = form.kind == "math" or any(piece.math for piece in form.pieces)
        if has_formula:
            assert "<math" in field, f"claim {claim['id']}: {claim['written']!r} is not typeset"
            assert "could not be typeset" not in field, claim["id"]
            assert '<details class="source"><summary>source</summary><code class="source">' in field, claim["id"]
        shown = re.sub(r"<details.*?</details>", "", field, flags=re.S)
        assert "\\" not in re.sub(r"<[^>]+>", "", shown), f"claim {claim['id']}: LaTeX source shown as text"


_SOURCE_MARKS = ("\\frac", "\\hat", "\\sum", "^{", "_{")


def test_the_seed_sheet_shows_no_latex_source_outside_source_elements() -> None:
    parser = _Text()
    parser.feed(_seed_html())
    text = "".join(parser.chunks)
    found = {mark: text.count(mark) for mark in _SOURCE_MARKS if mark in text}
    assert not found, f"LaTeX source in the text of the page: {found}"
    commands = sorted(set(re.findall(r"\\[A-Za-z]{2,}", text)))
    assert not commands, f"LaTeX commands in the text of the page: {commands}"


def test_the_source_check_sees_source_in_text() -> None:
    """The control: the same check on a page whose text holds LaTeX."""
    parser = _Text()
    parser.feed(r"<p>The answer \frac{1}{2} is <code>\frac{1}{2}</code> and x_{i}</p>")
    text = "".join(parser.chunks)
    assert "\\frac" in text and "_{" in text and text.count("\\frac") == 1


_ABSOLUTE = re.compile(
    r"(?<![\w.:/-])/(?:home|tmp|root|Users|work|var|private|opt|mnt|srv)/|\b[A-Z]:\\\\?(?:Users|Windows|home|work)\b"
)


def _readable_text(path: Path) -> str:
    """A file's text as a reader sees it: a PDF's text through pdftotext, any other file as it is."""
    if path.suffix != ".pdf":
        return path.read_bytes().decode("utf-8", errors="replace")
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext is not installed (Debian: poppler-utils, which .ci/run installs)")
    return subprocess.run([pdftotext, str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("path", sorted(OUTPUT.glob("*/*")), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_committed_output_names_no_absolute_path(path: Path) -> None:
    text = _readable_text(path)
    found = _ABSOLUTE.search(text)
    assert found is None, f"{path}: {text[max(found.start() - 40, 0) : found.end() + 40]!r}"
    assert str(ROOT) not in text and str(Path.home()) + "/" not in text


def test_the_absolute_path_check_sees_one() -> None:
    assert _ABSOLUTE.search("sheet at /home/teacher/sheets/a.md:3") and _ABSOLUTE.search(r"C:\\Users\\x")
    assert not _ABSOLUTE.search("derivations/sheets/ml_theory/answer_sheet.md and 1/2 and a/b/c")


def test_screenshots_show_the_seed_sheet_in_colour(browser: Browser, screenshots: Path) -> None:
    """The first screen of the seed sheet at 400 px: verdict badges in colour, text in black."""
    if not SEED.exists():
        pytest.skip(f"{SEED} is not built (run `symcheck build`)")
    browser.open(SEED, 400)
    png = screenshots / "seed-first-screen-400.png"
    browser.screenshot(png, clip_height=900)
    image = read_png(png).astype(int)
    red = ((image[:, :, 0] > 150) & (image[:, :, 1] < 90) & (image[:, :, 2] < 90)).sum()
    green = ((image[:, :, 1] > 90) & (image[:, :, 0] < 60) & (image[:, :, 2] < 90)).sum()
    assert red > 50 and green > 50, "no coloured verdicts on the first screen"
    assert np.mean(image.min(axis=2) < 100) > 0.01
