"""MathML: every LaTeX golden converts cleanly; malformed LaTeX is refused with the culprit named."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

from symcheck.errors import SymcheckError
from symcheck.printing import MathMLError, latex_text, mathml

GOLDEN = Path(__file__).parent.parent / "golden" / "printing"
LATEX_GOLDENS = sorted([*GOLDEN.glob("latex/*.tex"), *GOLDEN.glob("statements/*.tex")])
MATHML = "{http://www.w3.org/1998/Math/MathML}"


def test_there_are_latex_goldens_to_convert():
    assert len(LATEX_GOLDENS) > 50


@pytest.mark.parametrize("path", LATEX_GOLDENS, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_latex_golden_converts_to_well_formed_mathml(path):
    source = path.read_text(encoding="utf-8").strip()
    converted = mathml(source)
    root = ElementTree.fromstring(converted)  # well-formed XML, whatever the text contained
    assert root.tag == f"{MATHML}math"
    assert root.get("display") == "inline"
    text = "".join(root.itertext())
    assert "\\" not in text or r"\backslash" in source, "a LaTeX command leaked into the MathML text"


def test_display_mode_selects_block_layout():
    root = ElementTree.fromstring(mathml(r"\frac{a}{b}", display=True))
    assert root.get("display") == "block"


def test_constructs_the_printer_relies_on_become_real_mathml_elements():
    """Not just 'no error': each construct maps to the MathML element that renders it."""
    expectations = {
        r"\operatorname{softmax}(z)": "mo",
        r"\hat{y}_{i}": "mover",
        r"\delta_{i k}": "msub",
        r"\sum_{j=1}^{K} e^{z_{j}}": "msubsup",
        r"\begin{cases} 1 & \text{if } x > 0 \\ \alpha & \text{otherwise} \end{cases}": "mtable",
        r"\frac{\partial L}{\partial z_{i}}": "mfrac",
        r"\sqrt[3]{x}": "mroot",
        r"\left[\begin{matrix}1 & x\\t & 2\end{matrix}\right]": "mtable",
    }
    for source, element in expectations.items():
        root = ElementTree.fromstring(mathml(source))
        assert any(True for _ in root.iter(f"{MATHML}{element}")), f"{source} has no <{element}>"
    symbols = {r"A \odot B": "⊙", r"W^{\top}": "⊤", r"\mathbf{1}": "1", r"\partial": "∂", r"\infty": "∞"}
    for source, character in symbols.items():
        assert character in "".join(ElementTree.fromstring(mathml(source)).itertext()), source


def test_text_with_markup_characters_stays_well_formed():
    """latex2mathml itself emits '<' and '&' unescaped from \\text{}; ours must not."""
    root = ElementTree.fromstring(mathml(r"\text{a < b}"))
    assert "a < b" in "".join(root.itertext()).replace("\u00a0", " ")


@pytest.mark.parametrize("text", ["W^{[1]} X + b", "a_b", r"x\y", "50% & #1 $ ~", "plain words", "{braces}"])
def test_latex_text_of_anything_converts(text):
    root = ElementTree.fromstring(mathml(latex_text(text)))
    shown = "".join(root.itertext()).replace("\u00a0", " ")
    for character in text:
        if character not in "^~":  # shown as accent and tilde operator glyphs
            assert character in shown


BROKEN = [
    (r"\foo{x}", r"\foo"),
    (r"\frac{1}{", "{"),
    ("}{", "}"),
    ("{x", "{"),
    ("x}", "}"),
    (r"\frac{1}", r"\frac"),
    (r"\sqrt", r"\sqrt"),
    (r"\begin{foo}x\end{foo}", r"\begin{foo}"),
    (r"\end{cases}", r"\end"),
    ("x^", "^"),
    ("x_1_2", "_"),
    (r"\left(x", r"\left"),
    ("a & b", "&"),
    (r"\text{a & b}", "&"),
    (r"\text{a \& b}", r"\&"),
    ("50% x", "%"),
    ("$x$", "$"),
    (r"\def\x{1} \x", r"\def"),
    (r"\newcommand{\x}{1} \x", r"\newcommand"),
]


@pytest.mark.parametrize(("source", "culprit"), BROKEN, ids=[source for source, _ in BROKEN])
def test_broken_latex_is_refused_naming_the_culprit(source, culprit):
    with pytest.raises(MathMLError) as raised:
        mathml(source)
    error = raised.value
    assert isinstance(error, SymcheckError)
    assert error.command == culprit
    assert error.source == source
    assert culprit in str(error)


def test_line_break_followed_by_letters_is_not_mistaken_for_a_command():
    r"""``\\def`` in a matrix is a row break then 'def', not the \def primitive."""
    converted = mathml(r"\begin{matrix}a\\def\end{matrix}")
    assert re.search(r"<mi>d</mi>", converted)


# --------------------------------------------------------------------------- spaces around named operators


def _row(source: str, **options: bool) -> list[str]:
    """The top row of the MathML of ``source``: each child as ``tag:text`` (``mspace`` as ``_``)."""
    root = ElementTree.fromstring(mathml(source, **options))
    row = root[0]
    return [
        "_" if child.tag == f"{MATHML}mspace" else f"{child.tag[len(MATHML) :]}:{child.text or ''}" for child in row
    ]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # an ordinary atom on either side of log: a thin space each side ("1log0.1" before)
        (r"1 \log 0.1", ["mn:1", "_", "mi:log", "_", "mn:0.1"]),
        (r"a \sin x", ["mi:a", "_", "mi:sin", "_", "mi:x"]),
        (r"\exp z", ["mi:exp", "_", "mi:z"]),
        # before an opening parenthesis, none; after a binary operator, only the operator's own space
        (r"\log(x)", ["mi:log", "mo:(", "mi:x", "mo:)"]),
        (r"x + \log y", ["mi:x", "mo:+", "mi:log", "_", "mi:y"]),
        # a leading minus is an ordinary atom in TeX: a thin space before the operator
        (r"-\log 0.1", ["mo:−", "_", "mi:log", "_", "mn:0.1"]),
        # two operators in a row, and an operator after a closing parenthesis
        (r"\sin x \cos x", ["mi:sin", "_", "mi:x", "_", "mi:cos", "_", "mi:x"]),
        (r"(a) \log b", ["mo:(", "mi:a", "mo:)", "_", "mi:log", "_", "mi:b"]),
    ],
)
def test_named_operators_get_the_thin_spaces_tex_gives_them(source: str, expected: list[str]) -> None:
    assert _row(source) == expected


def test_operator_spaces_are_thin_and_alphabetic_mo_has_no_default_space() -> None:
    root = ElementTree.fromstring(mathml(r"\max_{i} z_{i} + \operatorname{BCE}(y)"))
    spaces = [node.get("width") for node in root.iter(f"{MATHML}mspace")]
    assert spaces == ["0.1667em"]  # after max_i; none before the parenthesis of BCE(y)
    operators = [node for node in root.iter(f"{MATHML}mo") if (node.text or "").isalpha()]
    assert [(node.text, node.get("lspace"), node.get("rspace")) for node in operators] == [
        ("max", "0", "0"),
        ("BCE", "0", "0"),
    ]


def test_operator_spacing_can_be_left_to_the_consumer() -> None:
    """Typst spaces op("log") itself: the MathML it translates has no spaces added."""
    assert _row(r"1 \log 0.1", operator_spacing=False) == ["mn:1", "mi:log", "mn:0.1"]
    assert "mspace" not in mathml(r"\max_{i} z_{i}", operator_spacing=False)


def test_dots_are_ordinary_and_a_semicolon_is_punctuation() -> None:
    """``\\dots`` was an operator spaced on both sides (``y₁, … ,yₙ``) and ``;`` an unspaced letter."""
    assert _row(r"y_{1}, \dots, y_{n}; \theta")[1:6] == ["mo:,", "mi:…", "mo:,", "msub:", "mo:;"]


def test_aligned_is_read_as_align() -> None:
    """Students write ``aligned`` inside ``$$``; latex2mathml only knows ``align*``."""
    root = ElementTree.fromstring(mathml(r"\begin{aligned} a &= b \\ &= c \end{aligned}", display=True))
    table = next(root.iter(f"{MATHML}mtable"))
    assert [[cell.get("columnalign") for cell in row] for row in table] == [["right", "left"], ["right", "left"]]
