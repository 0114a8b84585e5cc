r"""Numbers as a sheet writes them: which decimals are rounded, and how a numeric link is judged.

A decimal the student *computed* (``2.303``, ``1.2041``) is a rounded value: written with d places
it stands for every number within half a unit of its last place. A decimal that is *data*
(``0.1`` in ``\log 0.1``, an exponent) is exact. The scan below tells them apart by position: a
decimal inside the argument of a function (``\log``, ``\ln``, ``\exp``, ``\sqrt``, trigonometric
functions) or in an exponent is data; any other decimal is a rounded value.

A link ``a = b`` or ``a ≈ b`` between numbers is then judged at the precision written:

* **correct** when the two values differ by at most the sum of the half-units of the rounded
  decimals on both sides (``−log 0.1 = 2.303``: 2.302585… is within 0.0005 of 2.303);
* **wrong, rounded wrongly** when they differ by more, but by at most ten times that, and at least two
  decimals were written: the value is right to one decimal fewer (``−ln 0.3 = 1.2041``: 1.203973… is
  1.204 to three decimals, not 1.2041 to four), so the diagnosis names the rounding. With one
  decimal, one fewer says nothing: ``2.4`` for 2.30 is wrong;
* **wrong** otherwise (``2.303 + 0.2231 + 1.2041 ≈ 1.24``: 3.7302 is nowhere near 1.24).

With no rounded decimal on either side, ``=`` and ``≈`` both mean exact equality (checked at 60
digits). Under ``≈`` a side that is a lone integer (``≈ 3``) counts as rounded to 0 places.
Inequalities between numbers are decided exactly.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import sympy as sp
from sympy.core.function import AppliedUndef

from symcheck.sheet import ClaimVerdict

__all__ = [
    "NumericJudgement",
    "Precision",
    "decimal_text",
    "judge_numbers",
    "latex_significant",
    "numeric_value",
    "precision_of",
]

_FUNCTIONS = re.compile(r"\\(log|ln|exp|sqrt|sin|cos|tan|sinh|cosh|tanh|arcsin|arccos|arctan|operatorname\{[^}]*\})")
_NUMBER = re.compile(r"\d+\.\d+|\d+")
_OPEN = {"(": ")", "{": "}", "[": "]"}
_DIGITS = 60


@dataclass(frozen=True)
class Precision:
    """The rounded decimals of a written term: their text and number of places."""

    rounded: tuple[tuple[str, int], ...] = ()

    @property
    def tolerance(self) -> Fraction:
        """Half a unit of the last place of each rounded decimal, added up."""
        return sum((Fraction(1, 2 * 10**places) for _, places in self.rounded), Fraction(0))

    @property
    def places(self) -> int | None:
        """The fewest places among the rounded decimals (the precision the term was written to)."""
        return min((places for _, places in self.rounded), default=None)


def precision_of(text: str, *, approximate: bool = False) -> Precision:
    """The rounded decimals in a term's LaTeX ``text`` (see the module docstring for the rule)."""
    stripped = text.strip()
    if approximate and re.fullmatch(r"[+\-]?\s*\d+", stripped):
        return Precision(((stripped, 0),))
    rounded: list[tuple[str, int]] = []
    stack: list[bool] = []
    pending = False  # the next atom is a function's argument or an exponent
    position = 0
    while position < len(text):
        character = text[position]
        function = _FUNCTIONS.match(text, position)
        if function:
            pending = True
            position = function.end()
            continue
        if text.startswith("\\left", position) or text.startswith("\\right", position):
            position += 5 if text.startswith("\\left", position) else 6
            continue
        if character == "^":
            pending = True
            position += 1
            continue
        if character in _OPEN:
            stack.append(pending or (bool(stack) and stack[-1]))
            pending = False
            position += 1
            continue
        if character in _OPEN.values():
            if stack:
                stack.pop()
            position += 1
            continue
        number = _NUMBER.match(text, position)
        if number:
            literal = number.group(0)
            if "." in literal and not (pending or (stack and stack[-1])):
                rounded.append((literal, len(literal.split(".")[1])))
            pending = False
            position = number.end()
            continue
        if character.isspace():
            position += 1
            continue
        if character == "\\":  # another command (\frac, \cdot): not a function
            command = re.match(r"\\[A-Za-z]+|\\.", text[position:])
            position += len(command.group(0)) if command else 1
            pending = False
            continue
        pending = False
        position += 1
    return Precision(tuple(rounded))


def numeric_value(expr: sp.Basic, digits: int = _DIGITS) -> mpmath.mpf | None:
    """The real value of a number-valued expression at ``digits`` digits, or None if it is not one."""
    if not isinstance(expr, sp.Expr) or expr.free_symbols or expr.has(sp.Derivative) or expr.atoms(AppliedUndef):
        return None
    return _evaluated(expr, digits)


@functools.lru_cache(maxsize=4096)
def _evaluated(expr: sp.Expr, digits: int) -> mpmath.mpf | None:
    """Evaluation is the costly part of judging numbers, and the same terms recur across readings."""
    try:
        value = sp.N(expr, digits)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, RecursionError):
        return None
    if not value.is_Number or not value.is_real or not value.is_finite:
        return None
    with mpmath.workdps(digits):
        return mpmath.mpf(sp.Float(value, digits)._mpf_)


def decimal_text(value: mpmath.mpf | float, places: int) -> str:
    """``value`` rounded to ``places`` decimals, as text (no exponent notation)."""
    return f"{float(value):.{max(0, places)}f}"


def latex_significant(value: mpmath.mpf | float, digits: int = 3) -> str:
    """``value`` to ``digits`` significant digits as LaTeX math: 0.0123, or 9.08 \\times 10^{-5}
    for tiny and huge values (``9.08e-5`` would typeset as a product with the variable e)."""
    text = mpmath.nstr(mpmath.mpf(value), digits, min_fixed=-4, max_fixed=6)
    mantissa, _, exponent = text.partition("e")
    if not exponent:
        return text
    power = rf"10^{{{int(exponent)}}}"
    if mantissa.lstrip("-") in ("1", "1.0"):
        return mantissa[: mantissa.index("1")] + power
    return rf"{mantissa} \times {power}"


def _show(value: mpmath.mpf) -> str:
    return mpmath.nstr(value, 7, strip_zeros=False)


@dataclass(frozen=True)
class NumericJudgement:
    verdict: ClaimVerdict
    detail: str
    rounding: bool = False
    """Wrong only in its last digit: right to one decimal fewer than written."""


_EXACT = mpmath.mpf(10) ** -40


def judge_numbers(
    left: mpmath.mpf,
    right: mpmath.mpf,
    relation: str,
    left_text: str,
    right_text: str,
    carried: mpmath.mpf | None = None,
) -> NumericJudgement:
    """Judge ``left RELATION right`` between two numbers at the precision their texts were written to.

    ``carried`` is how far a computed side can be off because of the rounded decimals it was computed from
    (``1 - 0.964028^2``: the square doubles the half-unit), when that is more than the half-units themselves."""
    approximate = relation == "≈"
    precision = Precision(
        precision_of(left_text, approximate=approximate).rounded
        + precision_of(right_text, approximate=approximate).rounded
    )
    with mpmath.workdps(_DIGITS):
        difference = abs(left - right)
        scale = max(mpmath.mpf(1), abs(left), abs(right))
        if relation in ("<", ">", "≤", "≥", "≠"):
            holds = {
                "<": left < right,
                ">": left > right,
                "≤": left <= right,
                "≥": left >= right,
                "≠": difference > _EXACT * scale,
            }[relation]
            return NumericJudgement(
                "correct" if holds else "wrong",
                f"{_show(left)} {relation} {_show(right)} {'holds' if holds else 'fails'}",
            )
        if relation not in ("=", "≈"):
            return NumericJudgement("undecided", f"the relation {relation!r} is not judged between numbers")
        tolerance = mpmath.mpf(precision.tolerance.numerator) / precision.tolerance.denominator
        if carried is not None and carried > tolerance:
            tolerance = carried
        if tolerance == 0:
            if difference <= _EXACT * scale:
                return NumericJudgement("correct", f"both sides are {_show(left)}")
            return NumericJudgement("wrong", f"{_show(left)} ≠ {_show(right)}")
        places = precision.places or 0
        written = ", ".join(text for text, _ in precision.rounded)
        if difference <= tolerance * (1 + mpmath.mpf(10) ** -30):
            return NumericJudgement(
                "correct",
                f"{_show(left)} and {_show(right)} agree to the precision written ({written}: ±{_fraction(tolerance)})",
            )
        if places >= 2 and difference <= 10 * tolerance:
            return NumericJudgement(
                "wrong",
                f"{_show(left)} and {_show(right)} differ by {mpmath.nstr(difference, 2)}, more than the "
                f"±{_fraction(tolerance)} that {written} allows: right to {max(places - 1, 0)} decimals, "
                f"not {places}",
                rounding=True,
            )
        return NumericJudgement(
            "wrong", f"{_show(left)} ≠ {_show(right)} (even at the precision written, ±{_fraction(tolerance)})"
        )


def carried_error(expr: sp.Basic, text: str) -> mpmath.mpf | None:
    """How far a term computed from the rounded decimals of ``text`` can be off, when a power magnifies a
    rounded decimal (``1 - 0.964028^2``: the square doubles its half-unit); None when no power does.

    Each rounded decimal a written with d places and raised to a whole power k moves the term by up to
    k·|a|^(k−1) half-units (to first order); the others by their half-unit, as :func:`precision_of` counts."""
    rounded = precision_of(text).rounded
    if not rounded:
        return None
    total, magnified = mpmath.mpf(0), False
    for numeral, places in rounded:
        half = mpmath.mpf(1) / (2 * 10**places)
        power = re.search(re.escape(numeral) + r"\s*\^\s*\{?\s*(\d+)\s*\}?", text)
        if power and int(power.group(1)) > 1:
            exponent = int(power.group(1))
            factor = exponent * abs(mpmath.mpf(numeral)) ** (exponent - 1)
            if factor > 1:
                magnified = True
                total += half * factor
                continue
        total += half
    return total if magnified else None


def _fraction(value: mpmath.mpf) -> str:
    return mpmath.nstr(value, 3)
