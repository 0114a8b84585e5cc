"""Numbers at the precision written: which decimals of a term are rounded results, and how links are judged."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest

from symcheck.grading._numbers import judge_numbers, latex_significant, precision_of


@pytest.mark.parametrize(
    ("text", "rounded"),
    [
        ("+2.303", [("2.303", 3)]),
        ("2.303 + 0.2231 + 1.2041", [("2.303", 3), ("0.2231", 4), ("1.2041", 4)]),
        ("2.3026 + \\frac{0.2231}{3} + 1.2041", [("2.3026", 4), ("0.2231", 4), ("1.2041", 4)]),
        ("-(0 \\log 0.9 + 1 \\log 0.1)", []),  # data inside a function's argument are exact
        ("\\log\\left(1 - 0.9\\right) + 0.5", [("0.5", 1)]),
        ("e^{0.5} + 1.25", [("1.25", 2)]),
        ("\\sqrt{2.25}", []),
        ("3", []),  # integers are exact
    ],
)
def test_rounded_decimals_are_the_computed_ones(text: str, rounded: list[tuple[str, int]]) -> None:
    assert list(precision_of(text).rounded) == rounded


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (9.0794e-5, r"9.08 \times 10^{-5}"),  # not 9.08e-5, which typesets as 9.08·e − 5
        (0.012345, "0.0123"),
        (2.5, "2.5"),
        (1e-7, "10^{-7}"),
        (-1e-7, "-10^{-7}"),
        (-3.21e-9, r"-3.21 \times 10^{-9}"),
        (123456789.0, r"1.23 \times 10^{8}"),
    ],
)
def test_significant_digits_typeset_as_latex_math(value: float, shown: str) -> None:
    assert latex_significant(value, 3) == shown


def test_the_tolerance_adds_half_a_unit_of_each_last_place() -> None:
    assert precision_of("2.303 + 0.2231").tolerance == Fraction(1, 2000) + Fraction(1, 20000)
    assert precision_of("3", approximate=True).tolerance == Fraction(1, 2)  # ≈ 3 is rounded to 0 places
    assert precision_of("3").tolerance == 0


def _mp(value: str) -> mpmath.mpf:
    with mpmath.workdps(60):
        return mpmath.mpf(value)


LN10 = "2.302585092994045684017991454684364207601101488628772976033"


@pytest.mark.parametrize(
    ("left", "relation", "right", "right_text", "verdict"),
    [
        (LN10, "=", "2.303", "2.303", "correct"),
        (LN10, "=", "2.3025", "2.3025", "wrong"),  # off by 1.7 units of the 4th decimal: rounded wrongly
        (LN10, "=", "2.3", "2.3", "correct"),
        (LN10, "=", "2.4", "2.4", "wrong"),  # one decimal: no "right to one fewer"
        (LN10, "≈", "2", "2", "correct"),
        (LN10, "=", "2", "2", "wrong"),
        ("2.5", "=", "2.5", "\\frac{5}{2}", "correct"),
        ("2.5", "=", "2.5000000001", "\\frac{25000000001}{10000000000}", "wrong"),  # exact, no decimals written
        ("1", "<", "2", "2", "correct"),
        ("2", "<", "1", "1", "wrong"),
        ("1", "≥", "1", "1", "correct"),
        ("1", "≠", "1", "1", "wrong"),
        ("1", "←", "1", "1", "undecided"),
    ],
)
def test_links_between_numbers(left: str, relation: str, right: str, right_text: str, verdict: str) -> None:
    assert judge_numbers(_mp(left), _mp(right), relation, "", right_text).verdict == verdict


def test_a_value_right_to_one_decimal_fewer_is_wrong_and_named_a_rounding_slip() -> None:
    """2.3025 for ln 10 = 2.302585…: right to three decimals, not to the four written. The claim is wrong (the
    samples' truth tables count a wrong last digit as a mistake) and the diagnosis names the rounding."""
    judged = judge_numbers(_mp(LN10), _mp("2.3025"), "=", "", "2.3025")
    assert (judged.verdict, judged.rounding) == ("wrong", True)
    assert "right to 3 decimals, not 4" in judged.detail
    far = judge_numbers(_mp(LN10), _mp("2.3125"), "=", "", "2.3125")
    assert (far.verdict, far.rounding) == ("wrong", False)
