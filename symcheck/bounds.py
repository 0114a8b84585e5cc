"""Conservative interval arithmetic over SymPy expressions, with symbolic endpoints such as K.

Many facts a teacher states about ML formulas are bounds: ``e^{z_i − β} ∈ (0, 1]`` once β is the
largest logit, ``Σ_j e^{z_j − β} ∈ [1, K]``, ``σ(z)(1 − σ(z)) > 0``. SymPy's assumption system
cannot see them (it knows nothing of sums over K terms or of ``e^{−u} <= 1``), but propagating
intervals through the expression tree can: each node's interval contains every value the node
takes when its symbols range over their declared domains. The bounds may be loose (the
dependency problem), never wrong, so a bound proved here is proved.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from symcheck.model import Assumptions, Domain
from symcheck.normalize import Context, decide

__all__ = ["Interval", "bound"]

_oo = sp.oo


@dataclass(frozen=True)
class Interval:
    """The set of values between ``low`` and ``high``; an open end excludes its endpoint."""

    low: sp.Expr
    high: sp.Expr
    low_open: bool = False
    high_open: bool = False

    def __str__(self) -> str:
        left = "(" if self.low_open else "["
        right = ")" if self.high_open else "]"
        return f"{left}{self.low}, {self.high}{right}"


_EVERYTHING = Interval(-_oo, _oo, True, True)


def _nonnegative(expr: sp.Expr) -> bool:
    if expr is _oo:
        return True
    if expr is -_oo:
        return False
    return bool(sp.expand(expr).is_nonnegative) or bool(sp.factor(expr).is_nonnegative)


def _le(a: sp.Expr, b: sp.Expr) -> bool:
    """Provably a <= b (endpoints may be symbolic, e.g. K - 1 <= K)."""
    if a == b or a is -_oo or b is _oo:
        return True
    if a is _oo or b is -_oo:
        return False
    return _nonnegative(b - a)


def _lt(a: sp.Expr, b: sp.Expr) -> bool:
    if a is -_oo and b is not -_oo:
        return True
    if b is _oo and a is not _oo:
        return True
    if a == b:
        return False
    difference = sp.expand(b - a)
    return bool(difference.is_positive) or bool(sp.factor(difference).is_positive)


def _add(x: Interval, y: Interval) -> Interval:
    return Interval(x.low + y.low, x.high + y.high, x.low_open or y.low_open, x.high_open or y.high_open)


def _negate(x: Interval) -> Interval:
    return Interval(-x.high, -x.low, x.high_open, x.low_open)


def _sign(x: Interval) -> str | None:
    """'pos', 'nonneg', 'neg', 'nonpos' when the whole interval has that sign."""
    if _lt(sp.S.Zero, x.low) or (x.low == 0 and x.low_open) or (_le(sp.S.Zero, x.low) and x.low_open):
        return "pos"
    if _le(sp.S.Zero, x.low):
        return "nonneg"
    if _lt(x.high, sp.S.Zero) or (x.high == 0 and x.high_open):
        return "neg"
    if _le(x.high, sp.S.Zero):
        return "nonpos"
    return None


def _product(a: sp.Expr, b: sp.Expr) -> sp.Expr:
    if a == 0 or b == 0:
        return sp.S.Zero
    return a * b


def _multiply(x: Interval, y: Interval) -> Interval:
    """Products of intervals whose signs are known; otherwise everything."""
    sx, sy = _sign(x), _sign(y)
    if sx is None or sy is None:
        return _EVERYTHING
    positive_x = sx in ("pos", "nonneg")
    positive_y = sy in ("pos", "nonneg")
    if not positive_x:
        return _negate(_multiply(_negate(x), y))
    if not positive_y:
        return _negate(_multiply(x, _negate(y)))
    low = _product(x.low, y.low)
    high = _product(x.high, y.high)
    # an end is open when either factor's is, unless a factor attains 0 there: (0, ∞) × [0, ∞) holds 0
    zero_low = (x.low == 0 and not x.low_open) or (y.low == 0 and not y.low_open)
    zero_high = (x.high == 0 and not x.high_open) or (y.high == 0 and not y.high_open)
    return Interval(
        low, high, (x.low_open or y.low_open) and not zero_low, (x.high_open or y.high_open) and not zero_high
    )


def _reciprocal(x: Interval) -> Interval:
    sign = _sign(x)
    if sign == "pos":
        low = sp.S.Zero if x.high is _oo else 1 / x.high
        high = _oo if x.low == 0 else 1 / x.low
        return Interval(low, high, x.high_open or x.high is _oo, x.low_open or x.low == 0)
    if sign == "neg":
        return _negate(_reciprocal(_negate(x)))
    return _EVERYTHING


def _monotone(function: type, x: Interval) -> Interval:
    low = sp.S.Zero if (function is sp.exp and x.low is -_oo) else function(x.low)
    high = _oo if x.high is _oo else function(x.high)
    return Interval(low, high, x.low_open or x.low is -_oo, x.high_open)


def _domain_interval(domain: Domain | None, symbol: sp.Basic) -> Interval:
    if domain is Domain.POSITIVE or (domain is None and symbol.is_positive):
        return Interval(sp.S.Zero, _oo, True, True)
    if domain in (Domain.NONNEGATIVE, Domain.SIMPLEX, Domain.ONE_HOT) or (domain is None and symbol.is_nonnegative):
        high = sp.S.One if domain in (Domain.SIMPLEX, Domain.ONE_HOT) else _oo
        return Interval(sp.S.Zero, high, False, high is _oo)
    if domain is Domain.NEGATIVE or (domain is None and symbol.is_negative):
        return Interval(-_oo, sp.S.Zero, True, True)
    if domain is Domain.UNIT_INTERVAL:
        return Interval(sp.S.Zero, sp.S.One, True, True)
    if domain is Domain.POSITIVE_INTEGER:
        return Interval(sp.S.One, _oo, False, True)
    return _EVERYTHING


class _Bounder:
    def __init__(self, assumptions: Assumptions, context: Context) -> None:
        self.assumptions = assumptions
        self.context = context
        self.parameters = set(assumptions.symbolic_bounds)

    def symbol(self, symbol: sp.Basic) -> Interval:
        if symbol in self.parameters:
            # K is one fixed (unknown) number: keeping it symbolic keeps K − Σ_{j<K} 1 = 1 exact
            return Interval(symbol, symbol)
        declared = self.context.ranges.get(symbol)
        if declared is not None:
            return Interval(declared[0], declared[1])
        return _domain_interval(self.assumptions.domain_of(symbol), symbol)

    def indexed(self, node: sp.Indexed) -> Interval:
        for entry, value in self.assumptions.pinned:
            if entry == node:
                return Interval(value, value)
        domain = self.assumptions.domain_of(node.base)
        if domain is None:
            domain = self.assumptions.domain_of(node.base.label)
        return _domain_interval(domain, node.base.label)

    def interval(self, expr: sp.Basic) -> Interval:
        if expr.is_number and expr.is_extended_real:
            return Interval(expr, expr)
        if expr.is_Symbol:
            return self.symbol(expr)
        if isinstance(expr, sp.Indexed):
            return self.indexed(expr)
        if expr.is_Add:
            total = self.interval(expr.args[0])
            for term in expr.args[1:]:
                total = _add(total, self.interval(term))
            return total
        if expr.is_Mul:
            total = self.interval(expr.args[0])
            for factor in expr.args[1:]:
                total = _multiply(total, self.interval(factor))
            return total
        if expr.is_Pow:
            base, exponent = expr.args
            inner = self.interval(base)
            if exponent == -1:
                return _reciprocal(inner)
            if exponent.is_Integer and exponent > 0:
                result = inner
                if exponent.is_even and _sign(inner) is None:
                    return Interval(sp.S.Zero, _oo, False, True)
                for _ in range(int(exponent) - 1):
                    result = _multiply(result, inner)
                return result
            if exponent.is_Integer and exponent < 0:
                return _reciprocal(self.interval(base ** (-exponent)))
            if base is sp.S.Exp1:
                return _monotone(sp.exp, self.interval(exponent))
            return _EVERYTHING
        if isinstance(expr, sp.exp):
            return _monotone(sp.exp, self.interval(expr.args[0]))
        if isinstance(expr, sp.log):
            inner = self.interval(expr.args[0])
            if _sign(inner) != "pos":
                return _EVERYTHING
            low = -_oo if inner.low == 0 else sp.log(inner.low)
            high = _oo if inner.high is _oo else sp.log(inner.high)
            return Interval(low, high, inner.low_open or inner.low == 0, inner.high_open or inner.high is _oo)
        if isinstance(expr, sp.Abs):
            inner = self.interval(expr.args[0])
            sign = _sign(inner)
            if sign in ("pos", "nonneg"):
                return inner
            if sign in ("neg", "nonpos"):
                return _negate(inner)
            return Interval(sp.S.Zero, _oo, False, True)
        if isinstance(expr, sp.Sum) and len(expr.limits) == 1:
            variable, lower, upper = expr.limits[0]
            inner = _Bounder(
                self.assumptions,
                self.context.inner(variable, lower, upper),
            )
            body = inner.interval(expr.function)
            count = sp.expand(upper - lower + 1)
            if decide(sp.Ge(count, 0, evaluate=False), self.context) is not True and not _nonnegative(count):
                return _EVERYTHING
            sign = _sign(body)
            if sign not in ("pos", "nonneg"):
                return _EVERYTHING
            return Interval(
                sp.S.Zero if body.low == 0 else _product(count, body.low),
                _oo if body.high is _oo else _product(count, body.high),
                body.low_open and _lt(sp.S.Zero, count),  # an empty sum is exactly 0
                body.high_open,
            )
        return _EVERYTHING


def bound(expr: sp.Basic, assumptions: Assumptions | None = None) -> Interval:
    """An interval that contains every value of ``expr`` over the declared domains."""
    assumptions = assumptions or Assumptions()
    return _Bounder(assumptions, Context.from_assumptions(assumptions)).interval(expr)


def proves_nonnegative(expr: sp.Basic, assumptions: Assumptions | None = None, strict: bool = False) -> bool:
    """Whether interval arithmetic shows ``expr >= 0`` (``> 0`` when ``strict``) everywhere."""
    sign = _sign(bound(expr, assumptions))
    return sign == "pos" if strict else sign in ("pos", "nonneg")
