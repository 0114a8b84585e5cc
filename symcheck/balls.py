"""Rigorous numbers: closed-form constants in ball arithmetic (python-flint's ``arb``/``acb``).

A ball is a midpoint and a radius that is guaranteed to contain the true value. If the ball of a
difference excludes 0, the difference is *proved* nonzero and its sign is known; if it contains 0,
the precision is doubled and the question asked again. ``tanh(1000) − 1`` (about −2·10⁻⁸⁶⁹) and
``exp(−10⁴)`` (about 10⁻⁴³⁴³) are resolved this way in milliseconds, where a fixed threshold such
as "below 10⁻¹⁰⁰ is zero" calls them 0. A ball can never show that a constant *is* 0: that takes
an exact argument (:func:`same_algebraic_number`, or a symbolic proof elsewhere).

Two algebraic numbers are compared exactly: each has a minimal polynomial; different polynomials
mean different numbers, and the same polynomial with both values inside one isolating interval of
its real roots means the same number.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp

from symcheck.budget import BudgetExceeded, Deadline, run_isolated

__all__ = ["BallSign", "Unresolved", "arctangent_identity", "ball", "constant_sign", "same_algebraic_number"]

START_BITS = 64
MAX_BITS = 1 << 17
"""About 39,000 decimal digits: past this a constant is left undecided (time permitting before it)."""


class Unresolved(ArithmeticError):
    """At this precision the ball cannot decide a branch (a floor at an integer, a pole) or is not finite."""


class Unsupported(TypeError):
    """A node that has no ball evaluation here."""


@dataclass(frozen=True)
class BallSign:
    """What ball arithmetic showed about a constant: nonzero (with its sign when real) or unresolved."""

    nonzero: bool
    bits: int
    value: str
    """The ball as text (midpoint ± radius), for the verdict's detail."""
    sign: int | None = None
    """+1 or −1 for a real nonzero constant; None when complex or unresolved."""


def _flint() -> Any:
    import flint

    return flint


def _unary(flint: Any) -> dict[type, Any]:
    acb = flint.acb
    return {
        sp.exp: acb.exp,
        sp.log: acb.log,
        sp.sin: acb.sin,
        sp.cos: acb.cos,
        sp.tan: acb.tan,
        sp.cot: acb.cot,
        sp.sec: lambda z: 1 / z.cos(),
        sp.csc: lambda z: 1 / z.sin(),
        sp.asin: acb.asin,
        sp.acos: acb.acos,
        sp.atan: acb.atan,
        sp.acot: lambda z: (1 / z).atan(),
        sp.sinh: acb.sinh,
        sp.cosh: acb.cosh,
        sp.tanh: acb.tanh,
        sp.coth: lambda z: 1 / z.tanh(),
        sp.asinh: acb.asinh,
        sp.acosh: acb.acosh,
        sp.atanh: acb.atanh,
        sp.gamma: acb.gamma,
        sp.loggamma: acb.lgamma,
        sp.erf: acb.erf,
        sp.erfc: acb.erfc,
        sp.factorial: lambda z: (z + 1).gamma(),
        sp.re: lambda z: flint.acb(z.real),
        sp.im: lambda z: flint.acb(z.imag),
        sp.conjugate: acb.conjugate,
        sp.arg: lambda z: flint.acb(z.arg()),
        sp.Abs: lambda z: flint.acb(abs(z)),
        sp.LambertW: acb.lambertw,
    }


def _real(value: Any) -> Any:
    if not value.is_finite() or not value.imag.contains(0):
        raise Unresolved("not real (or not finite) at this precision")
    return value.real


def ball(expr: sp.Basic, bits: int) -> Any:
    """The value of a constant expression as an ``acb`` ball at ``bits`` of working precision."""
    flint = _flint()
    previous = flint.ctx.prec
    flint.ctx.prec = bits
    try:
        return _Balls(flint).value(expr)
    finally:
        flint.ctx.prec = previous


class _Balls:
    def __init__(self, flint: Any) -> None:
        self.flint = flint
        self.acb = flint.acb
        self.arb = flint.arb
        self.unary = _unary(flint)
        self.memo: dict[sp.Basic, Any] = {}

    def value(self, expr: sp.Basic) -> Any:
        cached = self.memo.get(expr)
        if cached is None:
            cached = self._dispatch(expr)
            if not cached.is_finite():
                raise Unresolved(f"{expr} is not finite at this precision")
            self.memo[expr] = cached
        return cached

    def _rational(self, value: sp.Rational) -> Any:
        return self.acb(self.arb(self.flint.fmpq(int(value.p), int(value.q))))

    def _dispatch(self, expr: sp.Basic) -> Any:
        acb, arb = self.acb, self.arb
        if expr.is_Rational:
            return self._rational(expr)
        if isinstance(expr, sp.Float):
            return self._rational(sp.Rational(expr))
        if expr is sp.S.Pi:
            return acb(arb.pi())
        if expr is sp.S.Exp1:
            return acb(arb(1).exp())
        if expr is sp.S.ImaginaryUnit:
            return acb(0, 1)
        if expr is sp.S.EulerGamma:
            return acb(arb.const_euler())
        if expr is sp.S.Catalan:
            return acb(arb.const_catalan())
        if expr is sp.S.GoldenRatio:
            return acb((1 + arb(5).sqrt()) / 2)
        if expr.is_Add:
            total = acb(0)
            for term in expr.args:
                total += self.value(term)
            return total
        if expr.is_Mul:
            product = acb(1)
            for factor in expr.args:
                product *= self.value(factor)
            return product
        if expr.is_Pow:
            base, exponent = expr.args
            value = self.value(base)
            if exponent.is_Integer:
                if int(exponent) < 0 and value.contains(0):
                    raise Unresolved("a division by a ball containing 0")
                return value ** int(exponent)
            if exponent == sp.S.Half:
                return value.sqrt()
            if value.contains(0):
                raise Unresolved("a power of a ball containing 0")
            return value ** self.value(exponent)
        if isinstance(expr, (sp.floor, sp.ceiling)):
            real = _real(self.value(expr.args[0]))
            low, high = (real.floor(), real.floor()) if isinstance(expr, sp.floor) else (real.ceil(), real.ceil())
            if not (low.is_exact() and high.is_exact()):
                raise Unresolved("a floor at an integer")
            return acb(low)
        if isinstance(expr, sp.sign):
            real = _real(self.value(expr.args[0]))
            if real > 0 or real < 0:
                return acb(1 if real > 0 else -1)
            raise Unresolved("the sign of a ball containing 0")
        if isinstance(expr, sp.atan2):
            return acb(arb.atan2(_real(self.value(expr.args[0])), _real(self.value(expr.args[1]))))
        if isinstance(expr, sp.binomial):
            n, k = (self.value(argument) for argument in expr.args)
            return (n + 1).gamma() / ((k + 1).gamma() * (n - k + 1).gamma())
        function = self.unary.get(type(expr))
        if function is not None and len(expr.args) == 1:
            return function(self.value(expr.args[0]))
        raise Unsupported(f"no ball arithmetic for {type(expr).__name__}")


def _describe(value: Any) -> str:
    if value.imag == 0:
        return value.real.str(10, radius=False)
    return f"{value.real.str(10, radius=False)} + {value.imag.str(10, radius=False)}·i"


def constant_sign(expr: sp.Basic, deadline: Deadline, max_bits: int = MAX_BITS) -> BallSign | None:
    """Whether the constant ``expr`` is nonzero, from balls at rising precision (None: not evaluable).

    The precision doubles from 64 bits until the ball of ``expr`` excludes 0, ``max_bits`` is
    reached or the deadline passes; ``nonzero=False`` then means only "not shown nonzero".
    """
    try:
        _flint()
    except ImportError:
        return None
    bits = START_BITS
    last = "not evaluated"
    while True:
        try:
            value = ball(expr, bits)
        except Unsupported:
            return None
        except (Unresolved, ZeroDivisionError, ValueError):
            value = None
        if value is not None:
            last = _describe(value)
            if not value.contains(0):
                sign = None
                if value.imag == 0:
                    sign = 1 if value.real > 0 else -1
                return BallSign(True, bits, last, sign)
        remaining = deadline.remaining()
        if bits >= max_bits or (remaining is not None and remaining <= 0):
            return BallSign(False, bits, last)
        bits *= 2


def _isolated_minimal_polynomials(first: sp.Basic, second: sp.Basic) -> tuple[sp.Poly, sp.Poly]:
    """Runs in a child process: the minimal polynomials of two algebraic numbers."""
    variable = sp.Symbol("symcheck·t")
    return (
        sp.Poly(sp.minimal_polynomial(first, variable), variable),
        sp.Poly(sp.minimal_polynomial(second, variable), variable),
    )


def same_algebraic_number(first: sp.Basic, second: sp.Basic, deadline: Deadline) -> bool | None:
    """Decide ``first == second`` for algebraic numbers exactly, or None when it cannot.

    Different minimal polynomials: different numbers. The same one: both balls are placed among its
    isolated roots (intervals of the real line, rectangles for complex roots); inside one, they are
    the same root.
    """
    try:
        left, right = run_isolated(_isolated_minimal_polynomials, (first, second), deadline.share(0.6, floor=0.05))
    except (BudgetExceeded, RuntimeError):
        return None
    if left.monic() != right.monic():
        return False
    try:
        real = left.intervals(eps=sp.Rational(1, 10**12))
        rectangles = [] if left.degree() == len(real) else left.intervals(all=True, eps=sp.Rational(1, 10**12))[1]
    except (sp.PolynomialError, NotImplementedError, TypeError):
        return None
    boxes = [((low, 0), (high, 0)) for (low, high), _ in real] + [
        ((sp.re(low), sp.im(low)), (sp.re(high), sp.im(high))) for (low, high), _ in rectangles
    ]
    bits = 128
    while bits <= 4096 and not deadline.expired():
        try:
            balls = [ball(first, bits), ball(second, bits)]
        except (Unresolved, Unsupported, ZeroDivisionError, ValueError):
            return None
        places = [_place(value, boxes) for value in balls]
        if places[0] is not None and places[0] == places[1]:
            return True
        if None not in places:
            return False  # both placed, in different boxes: different roots
        bits *= 2
    return None


def _place(value: Any, boxes: list) -> int | None:
    """The one isolating box (an interval on the real line, or a rectangle) that holds the ball, if any."""
    inside = []
    for position, ((re_low, im_low), (re_high, im_high)) in enumerate(boxes):
        on_line = im_low == 0 and im_high == 0
        if on_line:
            if not value.imag.contains(0) or not (value.real > _arb_of(re_low) and value.real < _arb_of(re_high)):
                continue
        elif not (
            value.real > _arb_of(re_low)
            and value.real < _arb_of(re_high)
            and value.imag > _arb_of(im_low)
            and value.imag < _arb_of(im_high)
        ):
            continue
        inside.append(position)
    return inside[0] if len(inside) == 1 else None


def _arb_of(value: sp.Rational) -> Any:
    flint = _flint()
    return flint.arb(flint.fmpq(int(value.p), int(value.q)))


def _gaussian_power(real: Fraction, imaginary: Fraction, exponent: int) -> tuple[Fraction, Fraction]:
    result = (Fraction(1), Fraction(0))
    for _ in range(exponent):
        result = (result[0] * real - result[1] * imaginary, result[0] * imaginary + result[1] * real)
    return result


def arctangent_identity(difference: sp.Basic, deadline: Deadline) -> Any:
    """Prove ``Σ cᵢ atan(rᵢ) + q π + Σ eₖ log(tₖ) = 0`` (rational c, r, q, e; positive rational t) exactly.

    With M clearing the denominators, ``exp(i M Σ cᵢ atan rᵢ) = ∏ ((1 + i rᵢ)/|1 + i rᵢ|)^{M cᵢ}``, so
    the angle part is a multiple of 2π/M exactly when the Gaussian rational ``∏ (1 + i rᵢ)^{M cᵢ}``,
    turned by ``(−1)^{M q}``, is a positive real; a ball then shows the multiple is 0. The log part is
    0 exactly when ``∏ tₖ^{M eₖ} = 1``. Returns a :class:`~symcheck.results.Verdict` or None.
    """
    from math import lcm

    from symcheck.results import Verdict

    angles: list[tuple[Fraction, Fraction]] = []
    logs: list[tuple[Fraction, Fraction]] = []
    turns = Fraction(0)
    for term in sp.Add.make_args(sp.expand(difference)):
        coefficient, rest = term.as_coeff_Mul()
        if not coefficient.is_Rational:
            return None
        c = Fraction(int(coefficient.p), int(coefficient.q))
        if rest is sp.S.Pi:
            turns += c
        elif isinstance(rest, (sp.atan, sp.acot)) and rest.args[0].is_Rational and rest.args[0] != 0:
            value = rest.args[0] if isinstance(rest, sp.atan) else 1 / rest.args[0]
            angles.append((c, Fraction(int(value.p), int(value.q))))
        elif isinstance(rest, sp.log) and rest.args[0].is_Rational and rest.args[0] > 0:
            logs.append((c, Fraction(int(rest.args[0].p), int(rest.args[0].q))))
        else:
            return None
    if not angles and not logs:
        return None
    scale = lcm(*(c.denominator for c, _ in angles + logs), turns.denominator)
    product = Fraction(1)
    for c, value in logs:
        exponent = int(c * scale)
        if abs(exponent) > 64:
            return None
        product *= value**exponent
    if product != 1:
        return None
    numerator, denominator = (Fraction(1), Fraction(0)), (Fraction(1), Fraction(0))
    for c, value in angles:
        exponent = int(c * scale)
        if abs(exponent) > 64:
            return None
        power = _gaussian_power(Fraction(1), value, abs(exponent))
        target = numerator if exponent > 0 else denominator
        target = (target[0] * power[0] - target[1] * power[1], target[0] * power[1] + target[1] * power[0])
        if exponent > 0:
            numerator = target
        else:
            denominator = target
    # the argument of numerator / denominator is that of numerator · conj(denominator)
    real = numerator[0] * denominator[0] + numerator[1] * denominator[1]
    imaginary = numerator[1] * denominator[0] - numerator[0] * denominator[1]
    sign = -1 if int(turns * scale) % 2 else 1
    if imaginary != 0 or real * sign <= 0:
        return None
    angle_part = sp.Add(
        *(sp.Rational(c.numerator, c.denominator) * sp.atan(sp.Rational(v.numerator, v.denominator)) for c, v in angles)
    )
    angle_part += sp.Rational(turns.numerator, turns.denominator) * sp.pi
    try:
        value = ball(angle_part * scale, 128)
    except (Unresolved, Unsupported):
        return None
    flint = _flint()
    bound = 2 * flint.arb.pi()
    if not (value.imag.contains(0) and abs(value.real) < bound):
        return None
    return Verdict(
        True,
        "exact argument",
        f"exp(i·{scale}·angle) is exactly 1 (Gaussian rationals) and the angle lies within ±2π/{scale}",
        confidence=1.0,
    )
