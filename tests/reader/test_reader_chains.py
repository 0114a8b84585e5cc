"""Chains of relations: terms, relations, and the spans that give each term's text back exactly."""

from __future__ import annotations

import pytest
import sympy as sp
from reader_cases import SHEET_TABLE, K, L, bce, c, decimal, i, k, loss, n, sigma, y, yhat, z2

from symcheck.reader import Chain, LatexSyntaxError, read_chain, read_chains, read_expression

LOG_TENTH = sp.log(decimal(1, 1))


def written(chain: Chain) -> list[str]:
    return [chain.written(index) for index in range(len(chain.terms))]


def test_chain_terms_relations_and_spans() -> None:
    latex = r"-\log 0.1 = +2.303 \approx 2.30"
    chain = read_chain(latex, SHEET_TABLE)
    assert chain.terms == (-LOG_TENTH, decimal(2303, 3), decimal(230, 2))
    assert chain.relations == ("=", "≈")
    assert chain.spans == ((0, 9), (12, 18), (27, 31))
    assert written(chain) == [r"-\log 0.1", "+2.303", "2.30"]
    assert chain.links == ((-LOG_TENTH, "=", decimal(2303, 3)), (decimal(2303, 3), "≈", decimal(230, 2)))
    assert chain.leading_relation is None and chain.trailing_relation is None


@pytest.mark.parametrize(
    ("latex", "relation"),
    [
        ("a = b", "="),
        (r"a \approx b", "≈"),
        ("a ≈ b", "≈"),
        ("a < b", "<"),
        (r"a \le b", "≤"),
        (r"a \leq b", "≤"),
        ("a <= b", "≤"),
        ("a > b", ">"),
        (r"a \geq b", "≥"),
        (r"a \ne b", "≠"),
        ("a != b", "≠"),
        (r"a \leftarrow b", "←"),
        (r"a \gets b", "←"),
    ],
)
def test_relations(latex: str, relation: str) -> None:
    assert read_chain(latex, SHEET_TABLE).relations == (relation,)


def test_spans_survive_math_delimiters_and_left_right() -> None:
    latex = r"$$ L \approx 2.3026 + \frac{0.2231}{3} + 1.2041 \approx 1.24 $$"
    chain = read_chain(latex, SHEET_TABLE)
    assert written(chain) == ["L", r"2.3026 + \frac{0.2231}{3} + 1.2041", "1.24"]
    paren = read_chain(r"a = \left( b + 1 \right)", SHEET_TABLE)
    assert written(paren) == ["a", r"\left( b + 1 \right)"]


def test_aligned_block_is_one_chain() -> None:
    latex = r"""\begin{aligned} L(y, \hat{y}) &= -(0 \log 0.9 + 1 \log 0.1) \\ &= -\log 0.1 = +2.303 \end{aligned}"""
    chain = read_chain(latex, SHEET_TABLE)
    assert chain.terms == (loss(y, yhat), -LOG_TENTH, -LOG_TENTH, decimal(2303, 3))
    assert chain.relations == ("=", "=", "=")
    assert written(chain) == [r"L(y, \hat{y})", r"-(0 \log 0.9 + 1 \log 0.1)", r"-\log 0.1", "+2.303"]


def test_aligned_ignores_spacing_and_continues_expressions_across_rows() -> None:
    latex = r"\begin{aligned} L &= a \\ &\quad + b \\ &= c \, \! \; \end{aligned}"
    chain = read_chain(latex)
    a, b, c = (sp.Symbol(name, real=True) for name in "abc")
    assert chain.terms == (L, a + b, c)
    assert chain.relations == ("=", "=")


def test_gathered_rows_that_start_with_a_relation_continue_the_chain() -> None:
    chain = read_chain(r"\begin{gathered} a = b \\ = c \end{gathered}")
    assert chain.relations == ("=", "=")
    chains = read_chains(r"\begin{gathered} a = b \\ d = f \end{gathered}")
    assert [len(each.terms) for each in chains] == [2, 2]


def test_sheet_block_with_two_equation_columns() -> None:
    """Q1(d) of the seed sheet: a second equation written in the second column of the first row."""
    latex = (
        r"\begin{aligned} L(y, \hat{y}) &= - \left( \sum_{i=0}^n y_i \log \hat{y}_i \right) & "
        r"L = BCE(y_1, \hat{y}) + \frac{BCE(y_2, \hat{y}) + BCE(y_3, \hat{y})}{3} \\ "
        r"&= - (1 \log 0.1 + 0 \log 0.8 + 0 \log 0.3) + 1 \log 0.2 \\ &= -\log 0.1 + 1 \log 0.2 \\ "
        r"&= +2.303 + 0.2231 + 1.2041 \approx 1.24 \end{aligned}"
    )
    first, second = read_chains(latex, SHEET_TABLE)
    two_terms = -LOG_TENTH + sp.log(decimal(2, 1))
    assert first.terms == (
        loss(y, yhat),
        -sp.Sum(y[i] * sp.log(yhat[i]), (i, 0, n)),
        two_terms,
        two_terms,
        decimal(2303, 3) + decimal(2231, 4) + decimal(12041, 4),
        decimal(124, 2),
    )
    assert first.relations == ("=", "=", "=", "=", "≈")
    assert written(first)[-2:] == ["+2.303 + 0.2231 + 1.2041", "1.24"]
    assert second.terms == (L, bce(y[1], yhat) + (bce(y[2], yhat) + bce(y[3], yhat)) / 3)
    with pytest.raises(LatexSyntaxError, match="2 separate equations; read them with read_chains") as caught:
        read_chain(latex, SHEET_TABLE)
    assert caught.value.offset == latex.index("L = BCE")


def test_dangling_relations_continue_a_chain_across_displays() -> None:
    chain = read_chain(r"= \sigma(z_k^{[2]}) (1 - \sigma(z_k^{[2]})) =", SHEET_TABLE)
    assert chain.leading_relation == "=" and chain.trailing_relation == "="
    assert chain.terms == (sigma(z2[k]) * (1 - sigma(z2[k])),)
    assert chain.relations == ()


def test_boxed_relation_is_part_of_the_chain() -> None:
    chain = read_chain(r"a = \boxed{b = c} = d")
    assert [str(term) for term in chain.terms] == ["a", "b", "c", "d"]
    assert chain.relations == ("=", "=", "=")
    assert written(chain) == ["a", "b", "c", "d"]
    with pytest.raises(LatexSyntaxError, match="boxed relation"):
        read_expression(r"2 \boxed{b = c}")


def test_sheet_chain_with_boxed_answer() -> None:
    latex = r"\frac{\partial L}{\partial z_k^{(2)}} = -\frac{1}{y_k} \cdot y_k (1-y_k) = \boxed{\frac{y_k - 1}{y_k}}"
    chain = read_chain(latex, SHEET_TABLE)
    assert chain.terms == (sp.Derivative(L, z2[k]), y[k] - 1, (y[k] - 1) / y[k])
    assert written(chain)[2] == r"\boxed{\frac{y_k - 1}{y_k}}"


def test_update_rule_with_leftarrow() -> None:
    chain = read_chain(
        r"w_{\text{new}} \leftarrow w - \alpha \left( \frac{\partial L_{\text{BCE}}}{\partial w} + \lambda w \right)"
    )
    assert chain.relations == ("←",)
    assert chain.terms[0] == sp.Symbol("w_new", real=True)


def test_indices_are_shared_across_the_terms_of_a_chain() -> None:
    """``c`` is an index in the second term, so the bare ``c`` of the first is the same integer symbol."""
    chain = read_chain("c = y_c", SHEET_TABLE)
    assert chain.terms[0] == chain.terms[1].indices[0] == c
    assert read_expression("c", SHEET_TABLE) == sp.Symbol("c", real=True)  # no index use: a real name
    chain = read_chain(r"S = \sum_{i=1}^{K} y_i", SHEET_TABLE)
    assert chain.terms[1] == sp.Sum(y[i], (i, 1, K))


def test_wide_space_separates_items_between_complete_terms() -> None:
    """Q2(c) of the seed sheet: two boxed answers side by side are two items, not their product."""
    latex = r"\Theta = \boxed{\frac{y_i/K - \hat{y}_i}{y_i(1 - y_i)}} \quad \boxed{-y_i y_k}"
    first, second = read_chains(latex, SHEET_TABLE)
    assert first.terms == (sp.Symbol("Theta", real=True), (y[i] / K - yhat[i]) / (y[i] * (1 - y[i])))
    assert first.relations == ("=",)
    assert second.terms == (-y[i] * y[k],)
    assert written(second) == [r"\boxed{-y_i y_k}"]
    with pytest.raises(LatexSyntaxError, match="2 separate equations"):
        read_chain(latex, SHEET_TABLE)


@pytest.mark.parametrize(
    "latex",
    [
        r"a \quad + b",
        r"a \quad = b",
        r"a = \quad b",
        r"a^{\quad 2}",
        r"\begin{aligned} L &= a \\ &\quad + b \end{aligned}",
    ],
)
def test_wide_space_next_to_an_operator_or_inside_a_group_does_not_separate(latex: str) -> None:
    assert len(read_chains(latex)) == 1


def test_package_docstring_example() -> None:
    import doctest

    import symcheck.reader

    result = doctest.testmod(symcheck.reader, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 4
    assert result.failed == 0


def test_summands_keep_where_a_division_by_a_whole_number_stands() -> None:
    chain = read_chain(r"2.3026 + \frac{0.2231}{3} + 1.2041 \approx 1.24", SHEET_TABLE)
    first, second = chain.summands
    assert second is None  # a single number is no sum
    assert chain.terms[0] == decimal(23026, 4) + decimal(2231, 4) / 3 + decimal(12041, 4)  # the value is unchanged
    assert first[0] == decimal(23026, 4) and first[2] == decimal(12041, 4)
    middle = first[1]
    assert isinstance(middle, sp.Mul) and set(middle.args) == {decimal(2231, 4), sp.Rational(1, 3)}  # not 2231/30000
    assert sp.Add(*(term.doit() for term in first)) == chain.terms[0]  # evaluated, they are the term


@pytest.mark.parametrize(
    ("latex", "kept"),
    [
        (r"a - x/4 + b", {sp.Rational(1, 4)}),  # inline division, under a minus
        (r"a + \frac{x y}{2}", {sp.Rational(1, 2)}),
        (r"a + \frac{x}{0.5}", set()),  # not a whole number: built as usual
        (r"a + \frac{x}{n}", set()),  # a symbol: the catalogue finds a 1/n in a product anyway
    ],
)
def test_summands_of_other_forms(latex: str, kept: set) -> None:
    chain = read_chain(latex + " = 0", SHEET_TABLE)
    summands = chain.summands[0]
    assert sp.Add(*(term.doit() for term in summands)) == chain.terms[0]
    divisors = {arg for term in summands if isinstance(term, sp.Mul) for arg in term.args if arg in kept}
    assert divisors == kept
