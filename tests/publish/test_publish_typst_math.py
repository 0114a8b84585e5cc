"""Typst from MathML, for formulas that reach the PDF as LaTeX only (a grader's correction, "compared with")."""

from __future__ import annotations

import pytest

from symcheck import registry
from symcheck.printing import latex_statement, latex_text, mathml
from symcheck.publish._typst import compile_pdf
from symcheck.publish._typst_math import TypstMathError, mathml_to_typst

CASES = [
    r"\hat{y}_{i} (\delta_{i k} - \hat{y}_{k})",
    r"\frac{\partial \hat{y}_{i}}{\partial z_{k}} = \hat{y}_{i} (\delta_{i k} - \hat{y}_{k})",
    r"\operatorname{softmax}\left(z\right)_{i} = \frac{e^{z_{i}}}{\sum_{j=1}^{K} e^{z_{j}}}",
    r"L = \frac{1}{3} \sum_{n=1}^{3} \operatorname{BCE}\left(y_{n}, \hat{y}_{n}\right) \approx 1.2433",
    r"W^{[1] \top} \in \mathbb{R}^{D_{a} \times m}",
    r"\begin{cases} 1 & z > 0 \\ \alpha & \text{otherwise} \end{cases}",
    r"\left(\begin{matrix} a & b \\ c & d \end{matrix}\right)",
    r"\left|x\right| + \|w\|^{2} - \sqrt{x} + \sqrt[3]{y}",
    r"g^{[1] \prime}(z) \odot \mathbf{1}^{\top}",
    r"\max\left(a, b\right) ; \{1, 2\}",
    r'\text{a "quoted" word}_{k}',
    r"{x_{i}}^{2} + \left(a + b\right)^{2}",
    r"- \log\left(0.1\right) \approx 2.303",
]


def test_translation_golden(golden) -> None:  # type: ignore[no-untyped-def]
    lines = [f"{latex}\n  {mathml_to_typst(mathml(latex, display=True, operator_spacing=False))}\n" for latex in CASES]
    golden.check("publish/typst_from_mathml.txt", "".join(lines))


def test_translations_compile() -> None:
    body = "\n".join(f"$ {mathml_to_typst(mathml(latex, display=True, operator_spacing=False))} $" for latex in CASES)
    assert compile_pdf(f"#set document(date: none)\n{body}\n").startswith(b"%PDF-")


def test_every_statement_of_the_library_translates_and_compiles() -> None:
    """The library's LaTeX through MathML to Typst: everything a report can hand the PDF."""
    registry.load_entry_points()
    formulas = []
    for entry in registry.entries():
        derivation = registry.build(entry.name)
        for statement in (*(step.statement for step in derivation.steps), derivation.result):
            formulas.append(latex_statement(statement))
    assert len(formulas) > 100
    body = "\n".join(
        f"$ {mathml_to_typst(mathml(latex, display=True, operator_spacing=False))} $" for latex in formulas
    )
    assert compile_pdf(f"#set document(date: none)\n{body}\n").startswith(b"%PDF-")


def test_characters_with_a_meaning_in_typst_are_escaped() -> None:
    assert mathml_to_typst(mathml(r"a, b; c / d", operator_spacing=False)) == r"a \, b \; c \/ d"
    assert mathml_to_typst(mathml(r"\{1\}")) == r"\{ 1 \}"
    # latex2mathml keeps the spaces of \text{} as no-break spaces, and so does the Typst string
    assert mathml_to_typst(mathml(latex_text('#set "x" $'))) == '\\# "set\u00a0\\"x\\"\u00a0" \\$'


def test_unknown_markup_is_refused_not_dropped() -> None:
    with pytest.raises(TypstMathError, match="<mglyph> has no Typst translation"):
        mathml_to_typst('<math><mrow><mglyph src="x.png"/></mrow></math>')
    with pytest.raises(TypstMathError, match="not well-formed"):
        mathml_to_typst("<math><mi>x</math>")
    with pytest.raises(TypstMathError, match="mathvariant='weird'"):
        mathml_to_typst('<math><mi mathvariant="weird">x</mi></math>')
