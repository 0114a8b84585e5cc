"""Numbers as a reader sees them: one format in every document.

A correct value is shown to 6 significant digits; a student's number with the significant digits
the student wrote (``2.303`` stays ``2.303``, ``2.30`` stays ``2.30``). Values too small or too
large for plain decimals are written ``a × 10ⁿ``. Minus signs are the typographic ``−``.
:func:`format_number` gives text, :func:`number_latex` the same number as LaTeX for a formula.

>>> format_number(2.302585092994046), format_number(5.0), format_number(9.0799859e-5)
('2.30259', '5', '9.07999 × 10⁻⁵')
>>> format_as_written(2.3026, "2.3026"), format_as_written(2.3, "2.30"), written_digits("+0.2231")
('2.3026', '2.30', 4)
>>> number_latex(-3.2e-11, 2)
'-3.2 \\\\times 10^{-11}'
"""

from __future__ import annotations

import math
import re

__all__ = [
    "CORRECT_DIGITS",
    "format_as_written",
    "format_number",
    "format_student",
    "number_latex",
    "written_digits",
]

CORRECT_DIGITS = 6
"""Significant digits of a correct (computed) value."""

_NUMERAL = re.compile(r"\s*[+\-−]?\s*(\d*)(?:\.(\d*))?\s*")
_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_PLAIN_RANGE = (1e-4, 1e6)
"""Values whose magnitude is in this range are written as plain decimals (as ``%g`` does)."""


def _parts(value: float, digits: int, keep_zeros: bool = False) -> tuple[str, str, int | None]:
    """(sign, mantissa, exponent or None) of ``value`` rounded to ``digits`` significant digits."""
    sign = "-" if value < 0 else ""
    rounded = f"{abs(value):.{max(digits, 1) - 1}e}"
    mantissa, exponent_text = rounded.split("e")
    exponent = int(exponent_text)
    if abs(value) == 0 or _PLAIN_RANGE[0] <= float(rounded) < _PLAIN_RANGE[1]:
        decimals = max(digits - 1 - exponent, 0) if abs(value) else max(digits - 1, 0)
        plain = f"{float(rounded):.{decimals}f}"
        return sign if float(plain) else "", plain if keep_zeros else _trimmed(plain), None
    return sign, mantissa if keep_zeros else _trimmed(mantissa), exponent


def _trimmed(decimal: str) -> str:
    return decimal.rstrip("0").rstrip(".") if "." in decimal else decimal


def _text(sign: str, mantissa: str, exponent: int | None) -> str:
    body = mantissa if exponent is None else f"{mantissa} × 10{str(exponent).translate(_SUPERSCRIPTS)}"
    return ("−" if sign else "") + body


def format_number(value: float, digits: int = CORRECT_DIGITS) -> str:
    """``value`` to ``digits`` significant digits, as text: ``2.30259``, ``−0.5``, ``1.8 × 10³⁰⁸``."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return _text(*_parts(value, digits))


def number_latex(value: float, digits: int = CORRECT_DIGITS) -> str:
    """``value`` as :func:`format_number` writes it, in LaTeX: ``-3.2 \\times 10^{-11}``."""
    if math.isnan(value):
        return r"\mathrm{NaN}"
    if math.isinf(value):
        return r"\infty" if value > 0 else r"-\infty"
    sign, mantissa, exponent = _parts(value, digits)
    return sign + (mantissa if exponent is None else rf"{mantissa} \times 10^{{{exponent}}}")


def written_digits(numeral: str) -> int | None:
    """The significant digits of a numeral as written (``2.303`` → 4, ``0.0500`` → 3), None for
    anything but a plain decimal numeral."""
    match = _NUMERAL.fullmatch(numeral)
    if match is None or not (match.group(1) or match.group(2)):
        return None
    digits = (match.group(1) or "") + (match.group(2) or "")
    significant = digits.lstrip("0")
    return max(len(significant), 1)


def format_as_written(value: float, numeral: str) -> str:
    """``value`` with the significant digits of ``numeral`` (trailing zeros kept, as written)."""
    digits = written_digits(numeral)
    if digits is None:
        return format_student(value)
    return _text(*_parts(value, digits, keep_zeros=True))


def format_student(value: float) -> str:
    """A student's number whose numeral is not at hand: its shortest exact decimal, up to 6 digits.

    A number read from a sheet (``2.303``) comes back as the student wrote it; one computed from
    the student's numbers (a sum) is cut to the 6 digits of a correct value.
    """
    if math.isnan(value) or math.isinf(value):
        return format_number(value)
    shortest = repr(abs(value))
    if "e" in shortest:
        return format_number(value)
    whole, _, fraction = shortest.partition(".")
    digits = len((whole + fraction.rstrip("0")).lstrip("0"))
    return format_number(value, digits if 0 < digits <= CORRECT_DIGITS else CORRECT_DIGITS)
