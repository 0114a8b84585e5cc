r"""Lines from sheets written blind to the grader (other notation, index notation, econometrics style), each
once graded wrong or left unreadable although the working is right. Every case is graded by the registered
homework key and no per-sheet file; the verdict asserted is the one a teacher gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from symcheck.grading import grade_submission, locate_homework
from symcheck.sheet import GradeReport

CASES = [
    (  # S is the sheet's own scalar, not the key's spelling S for ŷ; its definition holds in 2(c) too
        "ml-theory",
        "## Answer 2\n\n(b) Let $S=\\sum_j e^{z_j}$, so $\\frac{\\partial S}{\\partial z_k}=e^{z_k}$.\n\n"
        "(c) $$\\frac{\\partial p_k}{\\partial z_i}=\\frac{0 \\cdot S-e^{z_k} e^{z_i}}{S^2}=-p_k p_i$$\n",
        {"\\frac{\\partial S}{\\partial z_k}=e^{z_k}": "correct", "\\frac{0 \\cdot S-e^{z_k} e^{z_i}}{S^2}": "correct"},
    ),
    (  # cases written beside a formula are not claims
        "ml-theory",
        "## Answer 1\n\na) one label has probability $p_i^{y_i}(1-p_i)^{1-y_i}$ (this is $p_i$ if $y_i=1$).\n\n"
        "e) each step multiplies $w$ by $(1-\\alpha \\lambda)$, which is in $(0,1)$ when $0<\\alpha \\lambda<1$.\n",
        {"y_i=1": "not graded", "0<\\alpha \\lambda<1": "not graded"},
    ),
    (  # ∇_w applies to the whole product after it
        "ml-theory",
        "## Answer 1\n\ne) Since $\\nabla_w \\frac{\\lambda}{2}\\|w\\|^2=\\lambda w$, the update decays w.\n",
        {
            "\\nabla_w \\frac{\\lambda}{2}\\|w\\|^2=\\lambda w": "correct",
        },
    ),
    (  # the index case after the formula, with c the one-hot class
        "ml-theory",
        "## Answer 2\n\n(d) If $c$ is the true class: "
        "$\\frac{\\partial L}{\\partial z_i}=\\hat{y}_i$ for $i \\neq c$.\n",
        {"\\frac{\\partial L}{\\partial z_i}=\\hat{y}_i": "correct"},
    ),
    (  # t = σ(z) defines t
        "regression",
        "## Question 2\n\n2.(a) With $t=\\sigma(z) \\in(0,1)$: "
        "$t(1-t)=\\frac{1}{4}-\\left(t-\\frac{1}{2}\\right)^{2}$.\n",
        {"t=\\sigma(z)": "not graded", "t(1-t)=\\frac{1}{4}-\\left(t-\\frac{1}{2}\\right)^{2}": "correct"},
    ),
    (  # rows that only start with & are separate equations; ∂L/∂w_1 at the data w = 0
        "regression",
        "## Question 2\n\n(e) $w=0$ gives\n\n$$\n\\begin{aligned}\n"
        "& \\frac{\\partial L}{\\partial w_{1}}="
        "\\frac{1}{3}\\left(-\\frac{1}{2}+0-\\frac{1}{2}\\right)=-\\frac{1}{3} \\\\\n"
        "& \\frac{\\partial L}{\\partial w_{2}}=\\frac{1}{3}\\left(0+\\frac{1}{2}-\\frac{1}{2}\\right)=0\n"
        "\\end{aligned}\n$$\n",
        {"\\frac{1}{3}\\left(0+\\frac{1}{2}-\\frac{1}{2}\\right)=0": "correct"},
    ),
    (  # X' is the transpose; I_d the identity of size d
        "regression",
        "## Problem 1\n\nPart (b) $H = \\frac{1}{n}X'X$.\n\n"
        "Part (d) $\\hat{\\boldsymbol{\\theta}}_{\\text{ridge}} = (\\mathbf{X}^{T}\\mathbf{X} + n\\lambda\\,"
        "\\mathbf{I}_d)^{-1}\\mathbf{X}^{T}\\mathbf{y}$\n",
        {"H = \\frac{1}{n}X'X": "correct", "\\hat{\\boldsymbol{\\theta}}_{\\text{ridge}} = ": "correct"},
    ),
    (  # the gradient set to zero is an equation in w, not a claim that it vanishes
        "regression",
        "## Problem 1\n\nPart (d) $$\\nabla L_\\lambda(\\boldsymbol{\\theta}) = \\tfrac{1}{n}\\mathbf{X}^{T}"
        "(\\mathbf{X}\\boldsymbol{\\theta} - \\mathbf{y}) + \\lambda\\boldsymbol{\\theta} = \\mathbf{0}$$\n",
        {"\\lambda\\boldsymbol{\\theta} = \\mathbf{0}": "not wrong"},
    ),
]


def _grade(tmp_path: Path, homework: str, text: str) -> GradeReport:
    sheet = tmp_path / "sheet.md"
    sheet.write_text(text, encoding="utf-8")
    return grade_submission(locate_homework(homework), sheet)


@pytest.mark.parametrize(("homework", "text", "expected"), CASES)
def test_right_working_in_other_notation_is_not_called_wrong(tmp_path, homework, text, expected) -> None:
    report = _grade(tmp_path, homework, text)
    assert not [c for c in report.claims if c.verdict == "wrong"], [
        (c.written, c.diagnosis) for c in report.claims if c.verdict == "wrong"
    ]
    for fragment, verdict in expected.items():
        found = [c for c in report.claims if fragment in c.written]
        assert found, (fragment, [c.written for c in report.claims])
        if verdict == "not wrong":
            continue
        assert verdict in {c.verdict for c in found}, (fragment, [(c.written, c.verdict) for c in found])


def test_a_product_of_decimals_is_read_not_taken_for_a_shape(tmp_path) -> None:
    """0.8808 × 0.1192 ≈ 0.1049: σ′(2) = 0.104994… rounds to 0.1050, so the last link is wrong, and read."""
    report = _grade(
        tmp_path,
        "regression",
        "## Question 2\n\n(d) At $z=2$: $\\sigma^{\\prime}(2)=0.8808 \\times 0.1192 \\approx 0.1049$.\n",
    )
    claims = [c for c in report.claims if "0.8808" in c.written]
    assert claims and all("shape" not in (c.reason or "") for c in claims), [(c.written, c.reason) for c in claims]
