"""Mathematics in prose: the Unicode shorthand becomes LaTeX, words and names stay words."""

from __future__ import annotations

import pytest

from symcheck.printing.prose import prose_pieces, shorthand_latex, written_form


def _marked(text: str) -> str:
    """The sentence with each formula as ⟦LaTeX⟧."""
    return "".join(f"⟦{piece.text}⟧" if piece.math else piece.text for piece in prose_pieces(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The likelihood is L(θ) = Π_i p(x_i)^{y_i} (1 − p(x_i))^{1−y_i} (n_i is an OCR slip for x_i).",
            r"The likelihood is ⟦L(\theta) = \prod_{i} p(x_{i})^{y_{i}} (1 - p(x_{i}))^{1-y_{i}}⟧ "
            r"(⟦n_{i}⟧ is an OCR slip for ⟦x_{i}⟧).",
        ),
        (
            "The sigmoid σ(z) = 1/(1 + e^{−z}) makes the output non-linear.",
            r"The sigmoid ⟦\sigma(z) = 1/(1 + e^{-z})⟧ makes the output non-linear.",
        ),
        (
            "The softmax Jacobian ∂ŷ_i/∂z_k = ŷ_i(δ_ik − ŷ_k), for any number of classes K",
            r"The softmax Jacobian ⟦\partial \hat{y}_{i}/\partial z_{k} = \hat{y}_{i}(\delta_{ik} - \hat{y}_{k})⟧, "
            r"for any number of classes ⟦K⟧",
        ),
        ("inputs x_1..x_n given", r"inputs ⟦x_{1}, \ldots, x_{n}⟧ given"),
        ("Each label y_i ∈ {0, 1} is drawn", r"Each label ⟦y_{i} \in \{0, 1\}⟧ is drawn"),
        ("BCE with logits: log(1 + e^{−|z|}) + max(z, 0) − yz, stable", None),
        ("The loss of y = [1 0 0] worked out", r"The loss of ⟦y = [1\ 0\ 0]⟧ worked out"),
        (
            "The loss is BCE(y_1) + BCE(y_2)/3.",
            r"The loss is ⟦\operatorname{BCE}(y_{1}) + \operatorname{BCE}(y_{2})/3⟧.",
        ),
        ("Off the diagonal (k ≠ i), δ_ik = 0: never 0.", r"Off the diagonal (⟦k \neq i⟧), ⟦\delta_{ik} = 0⟧: never 0."),
        ("1.92939541846754e-6 ≠ -2.74e-5", r"⟦1.92939541846754\times 10^{-6} \neq -2.74\times 10^{-5}⟧"),
        ("J = diag(ŷ) − ŷŷᵀ.", r"⟦J = \operatorname{diag}(\hat{y}) - \hat{y}\hat{y}^{T}⟧."),
        ("Definition of σ.", r"Definition of ⟦\sigma⟧."),
        ("so w* is a minimiser", r"so ⟦w^{*}⟧ is a minimiser"),
        ("since (Xv)_i = Σ_j X_ij v_j", r"since ⟦(Xv)_{i} = \sum_{j} X_{ij} v_{j}⟧"),
        (": ∂ℓ_i/∂w_j = x", r": ⟦\partial \ell_{i}/\partial w_{j} = x⟧"),
        ("a $$y_k(1 - y_k)$$ here", r"a ⟦y_k(1 - y_k)⟧ here"),
        ("footnote * here", "footnote * here"),
    ],
)
def test_the_shorthand_is_spelt_as_latex(text: str, expected: str | None) -> None:
    marked = _marked(text)
    if expected is None:  # a case checked only for the formula it contains
        assert r"⟦\log(1 + e^{-|z|}) + \max(z, 0) - yz⟧, stable" in marked
    else:
        assert marked == expected


@pytest.mark.parametrize(
    "text",
    [
        "See bce.likelihood: Maximising the Bernoulli likelihood is minimising the mean binary cross-entropy.",
        "the stable log-softmax and the k-th term, one-hot labels",
        "A weight matrix is (outputs × inputs).",  # "A" starting a sentence is the article
        "Take −(1/n) log of it: log is increasing",
        "derivations/sheets/ml_theory/answer_sheet.md and one_hot and e.g. this",
        "The sigmoid and the softmax of the logits",  # operator names as nouns
        "is a Bernoulli draw, I think",
    ],
)
def test_words_and_names_are_never_taken_for_mathematics(text: str) -> None:
    assert not any(piece.math for piece in prose_pieces(text)), _marked(text)


def test_formulas_between_dollars_are_kept_as_written() -> None:
    pieces = prose_pieces(r"the correct form is $\hat{y}_{k} - 1$, not $x$ \$5")
    math = [(piece.text, piece.source, piece.dollars) for piece in pieces if piece.math]
    assert math == [(r"\hat{y}_{k} - 1", r"$\hat{y}_{k} - 1$", True), ("x", "$x$", True)]
    assert "".join(piece.source if piece.math else piece.text for piece in pieces).endswith(r", not $x$ \$5")


def test_text_that_cannot_be_spelt_stays_text() -> None:
    assert shorthand_latex("^caret") is None  # a script with no base
    assert shorthand_latex(r"x_i \input{a}") is None
    assert shorthand_latex("x_{i") is None  # an unclosed group
    assert shorthand_latex("Α_i") is None  # a capital alpha has no LaTeX command
    hostile = "<script>alert('x')</script> \\write18{rm} $x$ #set ^caret {brace}"
    assert [piece.text for piece in prose_pieces(hostile) if piece.math] == ["x"]


def test_nothing_is_lost() -> None:
    """Joining the pieces' sources gives the sentence back, character for character."""
    for text in (
        "With S_xx = Σx² > 0 and λ > 0: |S_xy|/(S_xx + λ) ≤ |S_xy|/S_xx, with equality only if S_xy = 0.",
        "written after “ŷ_k = e^{z_k}/Σ_i e^{z_i} =”.",
        "  leading space and (unbalanced x_i",
    ):
        rebuilt = "".join(piece.source if piece.math else piece.text for piece in prose_pieces(text))
        assert rebuilt == text


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        (r"L = - \sum y_i \log(\hat{y}_i)", "math"),
        (r"\text{shape of } W^1: D_a \times D_x", "math"),
        ("w_A < w_B", "math"),
        (r"$$\sigma'(x) = \sigma(x)$$", "math"),
        ("MSE is a linear function", "prose"),
        ("Gradient Vanishing Problem", "prose"),
        ("be negative and in that case  $w$  is pushed towards 0", "prose"),
        ("Hence softmax function is numerically **UNSTABLE**", "prose"),
    ],
)
def test_a_written_answer_is_a_formula_or_prose(written: str, kind: str) -> None:
    assert written_form(written).kind == kind
    if written.startswith("$$"):
        assert written_form(written).latex == r"\sigma'(x) = \sigma(x)"
