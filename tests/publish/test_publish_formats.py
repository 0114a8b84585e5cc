"""Every format printed from the demo document: golden files, escaping of hostile text, format rules.

The golden files (tests/golden/publish/) are what a reader gets; ``pytest --update-golden``
rewrites them after an intended change. The other tests state the rules each format must keep
whatever the content: sheet text escaped, LaTeX pure ASCII and balanced, HTML offline and
script-free, Markdown math in the forms GitHub renders, Typst source that compiles.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import publish_cases as cases
import pytest

from symcheck.publish._document import Document
from symcheck.publish._html import MATH_FONTS, render_html
from symcheck.publish._latex import latex_text, render_latex
from symcheck.publish._markdown import markdown_text, render_markdown
from symcheck.publish._typst import compile_pdf, render_typst

RENDERERS = {"md": render_markdown, "tex": render_latex, "html": render_html, "typ": render_typst}


@pytest.mark.parametrize("extension", sorted(RENDERERS))
def test_golden(extension: str, demo_document: Document, golden) -> None:  # type: ignore[no-untyped-def]
    golden.check(f"publish/solutions.{extension}", RENDERERS[extension](demo_document))


@pytest.mark.parametrize("extension", sorted(RENDERERS))
def test_rendering_is_deterministic(extension: str, demo_document: Document) -> None:
    assert RENDERERS[extension](demo_document) == RENDERERS[extension](demo_document)


def test_every_format_shows_every_claim_and_verdict(demo_document: Document) -> None:
    for extension, render in RENDERERS.items():
        text = render(demo_document)
        for claim in ("a-value", "a-bound", "b-derivative", "10a-slope"):
            assert claim in text, (extension, claim)
        for word in ("correct", "wrong", "imprecise", "undecided", "verified", "failed", "given"):
            assert word in text, (extension, word)


# --------------------------------------------------------------------------- HTML


class _Elements(HTMLParser):
    """The elements and attributes of a page, and its text (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_escapes_hostile_sheet_text(hostile_document: Document) -> None:
    page = render_html(hostile_document)
    parsed = _Elements()
    parsed.feed(page)
    assert "script" not in {tag for tag, _ in parsed.tags}
    assert all(not name.startswith("on") for _, attributes in parsed.tags for name in attributes)
    assert cases.HOSTILE in "".join(parsed.text)  # shown exactly as written, in a <pre>
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_html_is_self_contained_and_offline(demo_document: Document) -> None:
    page = render_html(demo_document)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    parsed = _Elements()
    parsed.feed(page)
    links = [attributes["href"] for tag, attributes in parsed.tags if "href" in attributes]
    assert links and all(link is not None and link.startswith("#") for link in links), "only in-page links"
    assert not any("src" in attributes for _, attributes in parsed.tags)
    assert "@import" not in page and "url(" not in page and "<script" not in page and "<link" not in page


def test_html_math_is_mathml_with_a_math_font_stack(demo_document: Document) -> None:
    page = render_html(demo_document)
    assert page.count('<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">') >= 8
    assert f"math {{ font-family: {MATH_FONTS};" in page
    assert MATH_FONTS.startswith('"STIX Two Math", "Latin Modern Math"') and MATH_FONTS.endswith("math")
    assert "\\frac" not in page.split("<body>")[1], "no LaTeX left unconverted in the page"


def test_html_verdicts_have_a_word_and_a_mark_not_only_a_colour(demo_document: Document) -> None:
    page = render_html(demo_document)
    badges = re.findall(r'<span class="badge (\w+)">(.) (\w+)</span>', page)
    assert {(tone, mark, word) for tone, mark, word in badges} >= {
        ("good", "✓", "correct"),
        ("bad", "✗", "wrong"),
        ("warn", "≈", "imprecise"),
        ("unknown", "?", "undecided"),
        ("neutral", "·", "given"),
    }


def test_html_fragment_scopes_its_styles(demo_document: Document) -> None:
    fragment = render_html(demo_document, fragment=True)
    assert fragment.startswith("<style>") and "<html" not in fragment and "<head" not in fragment
    rules = re.findall(r"^([^{}@\n][^{}\n]*)\{", fragment.split("</style>")[0], re.MULTILINE)
    assert rules and all(selector.strip().startswith(".symcheck") for rule in rules for selector in rule.split(","))


# --------------------------------------------------------------------------- LaTeX


def test_latex_is_ascii_and_balanced(demo_document: Document, hostile_document: Document) -> None:
    for document in (demo_document, hostile_document):
        source = render_latex(document)
        assert source.isascii()
        assert source.startswith("\\documentclass") and source.rstrip().endswith("\\end{document}")
        assert "\\usepackage{amsmath,amssymb}" in source and "\\usepackage{lmodern}" in source
        depth = 0
        for match in re.finditer(r"\\.|[{}]", source):
            depth += {"{": 1, "}": -1}.get(match.group(), 0)
            assert depth >= 0
        assert depth == 0
        environments: list[str] = []
        for kind, name in re.findall(r"\\(begin|end)\{(\w+\*?)\}", source):
            if kind == "begin":
                environments.append(name)
            else:
                assert environments.pop() == name
        assert environments == []


def test_latex_never_passes_sheet_text_as_commands(hostile_document: Document) -> None:
    source = render_latex(hostile_document)
    for command in ("\\input", "\\write18"):
        assert command not in source
    assert "\\textbackslash{}input\\{/etc/passwd\\}" in source and "\\#set text(red)" in source


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a_b & 50% #1 $x$", r"a\_b \& 50\% \#1 \$x\$"),
        (
            "ŷ σ′ ≠ ∂ K × D_a",
            r"\^{y} \ensuremath{\sigma}\ensuremath{{}^{\prime}} \ensuremath{\neq} "
            r"\ensuremath{\partial} K \ensuremath{\times} D\_a",
        ),
        ("naïve — “quoted”", "na\\\"{\\i}ve --- ``quoted''"),
        ("W1ᵀ x²", r"W1\textsuperscript{T} x\textsuperscript{2}"),
        ("emoji 🙂", r"emoji \texttt{[U+1F642]}"),
        ("two\nlines", "two lines"),
        ("ς Ω ο ά", r"\ensuremath{\varsigma} \ensuremath{\Omega} o \ensuremath{\alpha}"),  # final sigma, accent dropped
        ("Α", r"\texttt{[U+0391]}"),  # a capital LaTeX has no command for is shown by its code point
    ],
)
def test_latex_text(text: str, expected: str) -> None:
    assert latex_text(text) == expected


# --------------------------------------------------------------------------- Markdown


def test_markdown_math_is_in_the_forms_github_renders(demo_document: Document) -> None:
    text = render_markdown(demo_document)
    outside_sources = re.sub(r"^```(?:text|latex)\n.*?\n```$", "", text, flags=re.MULTILINE | re.DOTALL)
    assert "$$" not in outside_sources
    blocks = re.findall(r"^```math\n(.*?)\n```$", text, re.MULTILINE | re.DOTALL)
    assert r"\frac{1}{2}" in blocks and r"\sigma(x) (1 - \sigma(x))" in blocks
    assert r"$`\frac{1}{4}`$" in text  # inline math in the readings table


def test_markdown_escapes_hostile_sheet_text(hostile_document: Document) -> None:
    text = render_markdown(hostile_document)
    fences = re.findall(r"^(`{3,})latex\n(.*?)\n\1$", text, re.MULTILINE | re.DOTALL)
    assert (("````", cases.HOSTILE)) in fences, "its source in a fence longer than any run of backticks in it"
    outside_fences = text.replace(f"````latex\n{cases.HOSTILE}\n````", "")
    assert "<script>" not in outside_fences and "*bold*" not in outside_fences
    # the diagnosis: its $x$ is math, the LaTeX it names code, everything else escaped text
    assert "\\<script\\>alert('x')\\</script\\> \\& \\</pre\\> `\\input{/etc/passwd}` `\\write18{rm}`" in outside_fences
    assert " $`x`$ \\#set text(red) " in outside_fences and "\\*bold\\* \\_under\\_" in outside_fences
    assert markdown_text("- list item\n1. one") == "\\- list item 1. one"


# --------------------------------------------------------------------------- Typst


def test_typst_keeps_sheet_text_in_string_literals(hostile_document: Document) -> None:
    source = render_typst(hostile_document)

    def literal(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    assert f"#source({literal(cases.HOSTILE)})" in source  # the claim as written, under its typeset form
    before, after = cases.HOSTILE.split("$x$")
    # the diagnosis: its $x$ as math, the LaTeX it names as raw text, everything else a string
    command = "\\input{/etc/passwd}"
    text = before.split(command)[0]
    assert f"#{literal(text)};#raw({literal(command)});" in source
    assert f"$x$#{literal(after)};" in source


def test_typst_compiles_offline_and_reproducibly(demo_document: Document, hostile_document: Document) -> None:
    for document in (demo_document, hostile_document):
        source = render_typst(document)
        assert "@preview" not in source and "#import" not in source and "#include" not in source
        assert "#set document(title:" in source and "date: none" in source
        first, second = compile_pdf(source), compile_pdf(source)
        assert first.startswith(b"%PDF-") and first == second


def test_markdown_bold_keeps_its_spaces_outside_the_markers() -> None:
    """CommonMark does not close ``**Score: **``: the bold would show as asterisks."""
    from symcheck.publish._document import Paragraph, Strong, Text

    document = Document(title="t", intro=(Paragraph((Strong("Score: "), Text("13 of 20."))),), sections=())
    assert "**Score:** 13 of 20." in render_markdown(document)
