"""One number format: 6 significant digits for a correct value, the student's own digits for theirs."""

from __future__ import annotations

import math

import pytest

from symcheck.printing.numbers import format_as_written, format_number, format_student, number_latex, written_digits


@pytest.mark.parametrize(
    ("value", "text", "latex"),
    [
        (2.302585092994046, "2.30259", "2.30259"),
        (5.0, "5", "5"),
        (-0.5, "−0.5", "-0.5"),
        (0.6931471805599453, "0.693147", "0.693147"),
        (9.999999996, "10", "10"),
        (100.0, "100", "100"),
        (9.0799859e-5, "9.07999 × 10⁻⁵", r"9.07999 \times 10^{-5}"),
        (1.7e308, "1.7 × 10³⁰⁸", r"1.7 \times 10^{308}"),
        (123456789.0, "1.23457 × 10⁸", r"1.23457 \times 10^{8}"),
        (0.0, "0", "0"),
        (math.inf, "∞", r"\infty"),
    ],
)
def test_a_correct_value_has_six_significant_digits(value: float, text: str, latex: str) -> None:
    assert format_number(value) == text
    assert number_latex(value) == latex


def test_error_bounds_have_two() -> None:
    assert format_number(3.2e-11, 2) == "3.2 × 10⁻¹¹" and number_latex(1e-9, 2) == r"1 \times 10^{-9}"


@pytest.mark.parametrize(
    ("numeral", "digits"), [("2.303", 4), ("+0.2231", 4), ("1.24", 3), ("0.0500", 3), ("2", 1), ("5.000", 4)]
)
def test_the_digits_a_student_wrote(numeral: str, digits: int) -> None:
    assert written_digits(numeral) == digits


def test_a_students_number_keeps_its_digits() -> None:
    assert format_as_written(2.302585, "2.303") == "2.303"
    assert format_as_written(5.0, "5.000") == "5.000"  # trailing zeros are what was written
    assert format_as_written(0.2231436, "0.2231") == "0.2231"
    assert format_student(2.303) == "2.303"  # read back from the sheet
    assert format_student(2.303 + 0.2231 + 1.2041) == "3.7302"  # a sum of the student's numbers
    assert format_student(1 / 3) == "0.333333"
    assert written_digits("x + 1") is None and format_as_written(1 / 3, "x") == "0.333333"
