"""Evaluate a SymPy expression at a point with mpmath, at a chosen precision, by walking its tree.

Why not ``lambdify`` or ``evalf(subs=...)``? Probing must (1) never execute generated source built
from user-influenced names, (2) use principal branches consistently so that ``sqrt(x)*sqrt(y)`` and
``sqrt(x*y)`` are compared as the functions they really are, (3) tell "no finite value here" (a
pole, ``log 0``) apart from "unsupported", and (4) evaluate sums with concrete limits, Kronecker
deltas, Piecewise and undefined functions. A small tree walker does all four, and is fast enough
for the few dozen points a probe needs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from fractions import Fraction
from itertools import product
from typing import Any

import mpmath
import sympy as sp
from sympy.core.function import AppliedUndef

__all__ = [
    "NotRational",
    "TooLong",
    "Undefined",
    "Unsupported",
    "evaluate",
    "evaluate_with_range",
    "exact",
    "is_real_value",
    "random_function",
]

MAX_SUM_TERMS = 20_000
_EXACT_BITS = 8_192
"""The longest rational (numerator and denominator bits) the evaluator keeps exactly beside its floats."""
_EXACT_EXPONENT = 256
MAX_NESTED_TERMS = 2_500
"""The most terms of a sum inside another sum, all its runs together (50 × 50 rows and columns)."""


class Undefined(ArithmeticError):
    """The expression has no finite value at this point (a pole, log 0, an infinite sum)."""


class Unsupported(TypeError):
    """The expression contains a node the evaluator does not know; the message names it."""


_HUGE_ARGUMENT = mpmath.mpf(10) ** 18
"""An exponential's argument beyond this has a value with more than 10^17 digits: no point can be compared there."""


class TooLong(Unsupported):
    """The sums at this point have too many terms (nested ones multiply): another point may be shorter."""


def _gamma(argument: Any) -> Any:
    """Γ without limits: at its poles (0, −1, −2, ...) there is no value, rather than a limit."""
    if isinstance(argument, mpmath.mpf) and argument <= 0 and argument == mpmath.floor(argument):
        raise Undefined(f"Γ has a pole at {argument}")
    return mpmath.gamma(argument)


def _binomial(n: Any, k: Any) -> Any:
    """C(n, k) = Γ(n+1) / (Γ(k+1) Γ(n−k+1)), undefined where a Γ has a pole (no limits taken)."""
    return _gamma(n + 1) / (_gamma(k + 1) * _gamma(n - k + 1))


_FUNCTIONS: dict[type, Callable[..., Any]] = {
    sp.factorial: lambda n: _gamma(n + 1),
    sp.binomial: _binomial,
    sp.exp: mpmath.exp,
    sp.log: mpmath.log,
    sp.sin: mpmath.sin,
    sp.cos: mpmath.cos,
    sp.tan: mpmath.tan,
    sp.cot: mpmath.cot,
    sp.sec: mpmath.sec,
    sp.csc: mpmath.csc,
    sp.asin: mpmath.asin,
    sp.acos: mpmath.acos,
    sp.atan: mpmath.atan,
    sp.acot: mpmath.acot,
    sp.asec: mpmath.asec,
    sp.acsc: mpmath.acsc,
    sp.sinh: mpmath.sinh,
    sp.cosh: mpmath.cosh,
    sp.tanh: mpmath.tanh,
    sp.coth: mpmath.coth,
    sp.sech: mpmath.sech,
    sp.csch: mpmath.csch,
    sp.asinh: mpmath.asinh,
    sp.acosh: mpmath.acosh,
    sp.atanh: mpmath.atanh,
    sp.acoth: mpmath.acoth,
    sp.gamma: _gamma,
    sp.loggamma: mpmath.loggamma,
    sp.erf: mpmath.erf,
    sp.erfc: mpmath.erfc,
    sp.LambertW: mpmath.lambertw,
    sp.re: mpmath.re,
    sp.im: mpmath.im,
    sp.conjugate: mpmath.conj,
    sp.arg: mpmath.arg,
    sp.Abs: mpmath.fabs,
    sp.atan2: mpmath.atan2,
}


def is_real_value(value: Any, dps: int) -> bool:
    """Whether an mpmath number is real, allowing an imaginary part at the rounding level."""
    if isinstance(value, mpmath.mpf):
        return True
    if value.imag == 0:
        return True
    tolerance = mpmath.mpf(10) ** (-(dps - 8))
    return abs(value.imag) <= tolerance * abs(value)  # relative: e^{-9000}·i is not real


def _real(value: Any, dps: int, what: str) -> Any:
    if not is_real_value(value, dps):
        raise Undefined(f"{what} is not real here")
    return value.real if isinstance(value, mpmath.mpc) else value


def random_function(name: str) -> Callable[[Any], Any]:
    """A fixed, smooth, generic function standing for an undefined function ``name``.

    Two occurrences of ``F`` must be the same function, and ``F`` must not coincide with any
    simple expression, so that ``F(k - 3)`` and ``F(k + 3)`` differ at almost every point. The
    coefficients come from a hash of the name, so probes are reproducible.
    """
    digest = hashlib.sha256(name.encode()).digest()
    coefficients = [mpmath.mpf(byte) / 97 + mpmath.mpf(1) / 7 for byte in digest[:9]]

    def generic(*arguments: Any) -> Any:
        total = mpmath.mpf(0)
        for position, argument in enumerate(arguments):
            a, b, c = coefficients[3 * (position % 3) : 3 * (position % 3) + 3]
            total += a * mpmath.sin(b * argument + c) + argument * (c - a) / 3 + b * argument**2 / 11
        return total

    return generic


def _number(value: Any) -> Any:
    """A value of the point as an mpmath number at the working precision: an exact ``Fraction`` (or
    int) is divided out only now, so that raising the precision refines it (x = −1/3 makes x + 1/3
    exactly 0, not the 10⁻¹⁷ of a double)."""
    if isinstance(value, Fraction):
        return mpmath.mpf(value.numerator) / value.denominator
    if isinstance(value, int):
        return mpmath.mpf(value)
    if isinstance(value, complex):
        return mpmath.mpc(value.real, value.imag)
    return value


def _either(exact: Any, value: Any) -> Any:
    """The exact value when there is one (an mpf 0 is falsy, so ``or`` will not do)."""
    return value if exact is None else exact


def _product(values: list[Fraction]) -> Fraction:
    result = Fraction(1)
    for value in values:
        result *= value
    return result


class _Evaluator:
    def __init__(
        self,
        point: Mapping[Any, Any],
        dps: int,
        on_missing: Callable[[sp.Basic], Any] | None,
        functions: Mapping[str, Callable[..., Any]],
        strict_real: bool = False,
        parent: _Evaluator | None = None,
    ) -> None:
        self.strict_real = strict_real
        # the terms of a sum share their parent's point (its entries drawn once) and its count of work
        self.point = parent.point if parent is not None else dict(point)
        self.work = parent.work if parent is not None else [MAX_SUM_TERMS]
        """How many more terms of sums this evaluation may take, nested sums included."""
        self.enclosing = 1
        """The number of terms of the sums this evaluator is a term of (a nested sum runs that many times)."""
        self.dps = dps
        self.on_missing = on_missing
        self.functions = functions
        self.memo: dict[sp.Basic, Any] = {}
        self.children: list[_Evaluator] = []
        """The evaluators of the terms of sums and products, kept for :func:`evaluate_with_range`."""
        self.terms: dict[sp.Basic, list[Any]] = {}
        """The signed terms of each sum, by node: a sum is measured like an addition."""
        self.exact: dict[sp.Basic, Fraction] = {}
        """Nodes whose value here is a known rational (rationals and exact point values under +, ×, integer
        powers, |·|, δ, Piecewise, Σ; a product with an exact factor 0): their value is that rational to the
        working precision, however much cancels in them (1 − z at z = 1 is 0, not a loss of every digit)."""

    def value(self, expr: sp.Basic) -> Any:
        cached = self.memo.get(expr)
        if cached is not None:
            return cached
        result = self._dispatch(expr)
        if isinstance(result, mpmath.mpc):
            if result.imag == 0:
                result = result.real
            elif self.strict_real and not is_real_value(result, self.dps):
                raise Undefined(f"{expr} is not real here")
        if not mpmath.isfinite(result):
            raise Undefined(f"{expr} is not finite here")
        self.memo[expr] = result
        return result

    def _lookup(self, atom: sp.Basic) -> Any:
        if atom in self.point:
            return self._raw(atom, self.point[atom])
        if self.on_missing is not None:
            value = self.on_missing(atom)
            self.point[atom] = value
            return self._raw(atom, value)
        raise Unsupported(f"no value for {atom} at this point")

    def _raw(self, node: sp.Basic, value: Any) -> Any:
        """A value of the point, remembered as exact when it is a rational."""
        if isinstance(value, (Fraction, int)):
            self.exact[node] = Fraction(value)
        return _number(value)

    def _exactly(self, node: sp.Basic, value: Fraction | None) -> Any:
        """``value`` for ``node`` at the working precision, remembered as exact; None when it is too long."""
        if value is None or value.numerator.bit_length() + value.denominator.bit_length() > _EXACT_BITS:
            return None
        self.exact[node] = value
        return _number(value)

    def _integer(self, expr: sp.Basic) -> int:
        value = _real(self.value(expr), self.dps, str(expr))
        rounded = int(mpmath.nint(value))
        if abs(value - rounded) > mpmath.mpf(10) ** (-(self.dps // 2)):
            raise Undefined(f"index {expr} = {value} is not an integer")
        return rounded

    def _dispatch(self, expr: sp.Basic) -> Any:
        if expr.is_Rational:
            return self._raw(expr, Fraction(int(expr.p), int(expr.q)))
        if isinstance(expr, sp.Float):
            return mpmath.mpf(expr._mpf_)
        if expr is sp.S.ImaginaryUnit:
            return mpmath.mpc(0, 1)
        if expr is sp.S.Pi:
            return +mpmath.pi
        if expr is sp.S.Exp1:
            return mpmath.e()
        if expr is sp.S.EulerGamma:
            return +mpmath.euler
        if expr is sp.S.GoldenRatio:
            return +mpmath.phi
        if expr.is_infinite or expr is sp.S.NaN or expr is sp.S.ComplexInfinity:
            raise Undefined(f"{expr} is not a finite number")
        if isinstance(expr, (sp.Symbol, sp.Indexed)):
            if isinstance(expr, sp.Indexed):
                indices = tuple(self._integer(index) for index in expr.indices)
                key = (expr.base, indices)
                if key in self.point:
                    return self._raw(expr, self.point[key])
                if self.on_missing is not None:
                    value = self.on_missing(sp.Indexed(expr.base, *indices))
                    self.point[key] = value
                    return self._raw(expr, value)
                raise Unsupported(f"no value for {expr.base}{list(indices)} at this point")
            return self._lookup(expr)
        if expr.is_Add or expr.is_Mul:
            return self._arithmetic(expr)
        if expr.is_Pow:
            value = self._power(expr)
            base, exponent = expr.args
            if (
                base in self.exact
                and exponent.is_Integer
                and abs(int(exponent)) <= _EXACT_EXPONENT
                and (self.exact[base] != 0 or exponent > 0)
            ):
                return _either(self._exactly(expr, self.exact[base] ** int(exponent)), value)
            return value
        if isinstance(expr, sp.KroneckerDelta):
            same = self._integer(expr.args[0]) == self._integer(expr.args[1])
            return self._exactly(expr, Fraction(int(same)))
        if isinstance(expr, sp.Piecewise):
            for piece, condition in expr.args:
                if self._truth(condition):
                    value = self.value(piece)
                    return _either(self._exactly(expr, self.exact.get(piece)), value)
            raise Undefined("no branch of the Piecewise applies here")
        if isinstance(expr, (sp.Sum, sp.Product)):
            return self._reduction(expr)
        if isinstance(expr, (sp.Max, sp.Min)):
            values = [_real(self.value(argument), self.dps, str(argument)) for argument in expr.args]
            return max(values) if isinstance(expr, sp.Max) else min(values)
        if isinstance(expr, sp.sign):
            value = self.value(expr.args[0])
            return mpmath.sign(value)
        if isinstance(expr, sp.Heaviside):
            value = _real(self.value(expr.args[0]), self.dps, str(expr.args[0]))
            if value == 0:
                return self.value(expr.args[1]) if len(expr.args) > 1 else mpmath.mpf(1) / 2
            return mpmath.mpf(1 if value > 0 else 0)
        if isinstance(expr, (sp.floor, sp.ceiling)):
            value = _real(self.value(expr.args[0]), self.dps, str(expr.args[0]))
            return mpmath.floor(value) if isinstance(expr, sp.floor) else mpmath.ceil(value)
        if isinstance(expr, AppliedUndef):
            name = expr.func.__name__
            function = self.functions.get(name) or random_function(name)
            return function(*(self.value(argument) for argument in expr.args))
        function = _FUNCTIONS.get(type(expr))
        if function is not None:
            value = self._call(function, expr)
            if isinstance(expr, sp.Abs) and expr.args[0] in self.exact:
                return _either(self._exactly(expr, abs(self.exact[expr.args[0]])), value)
            return value
        if isinstance(expr, sp.Derivative):
            raise Unsupported("an unevaluated derivative (call doit() first)")
        raise Unsupported(f"cannot evaluate {type(expr).__name__} numerically")

    def _arithmetic(self, expr: sp.Basic) -> Any:
        """A sum or product of the arguments: exactly when every argument is exact (or a factor is an exact 0)."""
        values = [self.value(argument) for argument in expr.args]
        exact = [self.exact.get(argument) for argument in expr.args]
        if expr.is_Mul and any(value == 0 for value in exact if value is not None):
            return self._exactly(expr, Fraction(0))  # the other factors are finite: value() checked them
        if None not in exact:
            result = sum(exact, Fraction(0)) if expr.is_Add else _product(exact)
            converted = self._exactly(expr, result)
            if converted is not None:
                return converted
        if expr.is_Add:
            total = mpmath.mpf(0)
            for value in values:
                total += value
            return total
        product = mpmath.mpf(1)
        for value in values:
            product *= value
        return product

    def _call(self, function: Callable[..., Any], expr: sp.Basic) -> Any:
        arguments = [self.value(argument) for argument in expr.args]
        if isinstance(expr, (sp.exp, sp.sinh, sp.cosh, sp.tanh)) and abs(mpmath.re(arguments[0])) > _HUGE_ARGUMENT:
            raise TooLong(f"{type(expr).__name__} of a number above 10^18 (e^e^e^K at a large K)")
        try:
            return function(*arguments)
        except (ZeroDivisionError, ValueError) as error:
            raise Undefined(f"{expr}: {error}") from None
        except (MemoryError, OverflowError):
            raise TooLong(f"{type(expr).__name__}: too large to evaluate") from None

    def _power(self, expr: sp.Pow) -> Any:
        base_expr, exponent_expr = expr.args
        base = self.value(base_expr)
        if exponent_expr.is_Integer:
            exponent = int(exponent_expr)
            if base == 0 and exponent < 0:
                raise Undefined(f"{expr}: division by zero")
            return base**exponent
        exponent = self.value(exponent_expr)
        if base == 0:
            if mpmath.re(exponent) > 0:
                return mpmath.mpf(0)
            raise Undefined(f"{expr}: 0 to a non-positive power")
        if exponent_expr == sp.S.Half:
            return mpmath.sqrt(base)
        return mpmath.power(base, exponent)

    def _truth(self, condition: sp.Basic) -> bool:
        if condition is sp.true:
            return True
        if condition is sp.false:
            return False
        if isinstance(condition, sp.And):
            return all(self._truth(argument) for argument in condition.args)
        if isinstance(condition, sp.Or):
            return any(self._truth(argument) for argument in condition.args)
        if isinstance(condition, sp.Not):
            return not self._truth(condition.args[0])
        if isinstance(condition, sp.Rel):
            left = self.value(condition.lhs)
            right = self.value(condition.rhs)
            if isinstance(condition, (sp.Eq, sp.Ne)):
                equal = abs(left - right) <= mpmath.mpf(10) ** (-(self.dps - 8)) * max(1, abs(left))
                return equal if isinstance(condition, sp.Eq) else not equal
            left = _real(left, self.dps, str(condition.lhs))
            right = _real(right, self.dps, str(condition.rhs))
            return {
                sp.StrictGreaterThan: left > right,
                sp.GreaterThan: left >= right,
                sp.StrictLessThan: left < right,
                sp.LessThan: left <= right,
            }[type(condition)]
        raise Unsupported(f"cannot decide the condition {condition}")

    def _reduction(self, expr: sp.Sum | sp.Product) -> Any:
        bindings = [(variable, self._integer(lower), self._integer(upper)) for variable, lower, upper in expr.limits]
        count = 1
        for _, lower, upper in bindings:
            count *= abs(upper - lower + 1)
        self.work[0] -= count
        limit = MAX_SUM_TERMS if self.enclosing == 1 else MAX_NESTED_TERMS
        if count * self.enclosing > limit or self.work[0] < 0:
            raise TooLong(f"a sum of {count} terms (times {self.enclosing} around it) is too long to evaluate")
        signed: list[tuple[Any, int]] = []
        exact: Fraction | None = Fraction(0)  # the signed sum as a rational, while every term is exact
        variables = [variable for variable, _, _ in bindings]
        saved = {variable: self.point[variable] for variable in variables if variable in self.point}
        try:
            # the first limit outermost, as SymPy reads them; the point is shared, only the indices change
            for assignment in product(*(karr_range(lower, upper) for _, lower, upper in bindings)):
                inner = _Evaluator(self.point, self.dps, self.on_missing, self.functions, self.strict_real, self)
                inner.enclosing = self.enclosing * count
                self.children.append(inner)
                sign = 1
                for variable, (value, step) in zip(variables, assignment, strict=True):
                    self.point[variable] = value  # an int: exact
                    sign *= step
                signed.append((inner.value(expr.function), sign))  # a reversed range counts negatively (Karr)
                if exact is not None:
                    term = inner.exact.get(expr.function)
                    exact = None if term is None else exact + term * sign
        finally:
            for variable in variables:
                self.point.pop(variable, None)
            self.point.update(saved)
        total = mpmath.mpf(0) if isinstance(expr, sp.Sum) else mpmath.mpf(1)
        for term, sign in signed:
            if isinstance(expr, sp.Sum):
                total += term if sign > 0 else -term
            else:
                total *= term if sign > 0 else 1 / term
        if isinstance(expr, sp.Sum):
            self.terms[expr] = [term for term, _ in signed]
            if exact is not None:
                return _either(self._exactly(expr, exact), total)
        return total


def karr_range(lower: int, upper: int) -> list[tuple[int, int]]:
    """The terms of ``Σ_{j=lower}^{upper}`` with their signs, as SymPy defines a sum (Karr's convention):
    empty when ``upper = lower − 1``, and ``−Σ_{upper+1}^{lower−1}`` when the range is reversed further."""
    if upper >= lower - 1:
        return [(value, 1) for value in range(lower, upper + 1)]
    return [(value, -1) for value in range(upper + 1, lower)]


_SATURATING = (sp.tanh, sp.coth, sp.sech, sp.csch, sp.erf, sp.erfc)
"""Functions that approach a constant exponentially in their argument: a difference hidden behind
them (``tanh(1000) = 1 − 2e^{−2000}``) needs digits in proportion to the argument."""


def _spread(sizes: list[Any], total: Any, dps: int, exact: bool = False) -> float:
    """Digits an addition of terms of these magnitudes needs: their spread, and what cancels in the total
    (nothing, when the total was computed exactly)."""
    sizes = [size for size in sizes if size != 0]
    if len(sizes) < 2:
        return 0.0
    largest = mpmath.log10(max(sizes))
    needed = float(largest - mpmath.log10(min(sizes)))
    if exact:
        return needed
    # cancellation: cosh² x − sinh² x is 1 beside terms of size e^{2x}
    lost = float(largest - mpmath.log10(abs(total))) if total != 0 else float(dps)
    return max(needed, lost if lost > 1 else 0.0)


def _digits_needed(evaluator: _Evaluator, dps: int) -> float:
    """The digits every node evaluated by ``evaluator`` needs, the terms of its sums and products included.

    The terms of a sum are evaluated by evaluators of their own, one per term: ``1 − σ(s_i)`` inside
    ``Σ_i`` cancels as much as it does outside, and is measured the same way.
    """
    needed = 0.0
    pending = [evaluator]
    while pending:
        current = pending.pop()
        pending.extend(current.children)
        memo = current.memo
        for node, value in memo.items():
            if node.is_Rational:  # 1 + 10⁻⁴⁰ is one Rational: as many digits as it is written with
                needed = max(needed, 0.30103 * max(abs(int(node.p)).bit_length(), int(node.q).bit_length()))
            elif node.is_Add:
                sizes = [abs(memo[term]) for term in node.args if term in memo]
                needed = max(needed, _spread(sizes, value, dps, node in current.exact))
            elif node in current.terms:
                sizes = [abs(term) for term in current.terms[node]]
                needed = max(needed, _spread(sizes, value, dps, node in current.exact))
            elif isinstance(node, _SATURATING) and node.args[0] in memo:
                scale = float(abs(mpmath.re(memo[node.args[0]])))
                needed = max(needed, 0.87 * scale * (scale + 1 if isinstance(node, (sp.erf, sp.erfc)) else 1))
    return needed


def evaluate_with_range(
    expr: sp.Basic,
    point: Mapping[Any, Any],
    *,
    dps: int = 30,
    on_missing: Callable[[sp.Basic], Any] | None = None,
    strict_real: bool = False,
) -> tuple[Any, int]:
    """The value of ``expr`` and the number of decimal digits a comparison needs to see every part of it.

    The digits are, for each addition and each finite sum ``Σ_i`` (its terms measured one by one,
    inside as well), the spread of the magnitudes of its terms (``x + 10^{-35}`` needs 35 more digits
    than ``x``, ``x + e^{-10^4}`` 4343 more) and what cancels, and, for functions that saturate
    (tanh, erf, ...), about ``0.87 |a|`` for an argument ``a`` (``tanh(a) − 1 ≈ −2e^{−2a}``).
    """
    if not isinstance(expr, sp.Basic):
        raise TypeError(f"evaluate() takes a SymPy expression, not {type(expr).__name__}")
    with mpmath.workdps(dps):
        evaluator = _Evaluator(point, dps, on_missing, {}, strict_real)
        try:
            value = evaluator.value(expr)
        except (ZeroDivisionError, OverflowError) as error:
            raise Undefined(str(error)) from None
        needed = _digits_needed(evaluator, dps)
    return value, int(min(needed, 1e6)) + 1


def evaluate(
    expr: sp.Basic,
    point: Mapping[Any, Any],
    *,
    dps: int = 40,
    on_missing: Callable[[sp.Basic], Any] | None = None,
    functions: Mapping[str, Callable[..., Any]] | None = None,
    strict_real: bool = False,
) -> Any:
    """The value of ``expr`` at ``point`` (symbols → mpmath numbers, or exact ``Fraction``s, divided out at
    the working precision) with ``dps`` significant digits.

    Indexed entries are looked up as ``(base, (i1, ...))`` keys. ``on_missing(atom)`` draws a value
    for an atom the point does not fix (it is then remembered). Undefined functions use
    ``functions[name]`` or a fixed generic function. With ``strict_real`` every intermediate value
    must be real (real arithmetic, as on a calculator), not only the result. Raises :class:`Undefined` where there is no
    finite value and :class:`Unsupported` for nodes it cannot evaluate.
    """
    if not isinstance(expr, sp.Basic):  # never sympify: a string would be parsed as code
        raise TypeError(f"evaluate() takes a SymPy expression, not {type(expr).__name__}")
    with mpmath.workdps(dps):
        evaluator = _Evaluator(point, dps, on_missing, functions or {}, strict_real)
        try:
            return evaluator.value(expr)
        except (ZeroDivisionError, OverflowError) as error:
            raise Undefined(str(error)) from None


# --------------------------------------------------------------------------- exact rationals


class NotRational(ValueError):
    """The expression is not a rational number at this point (or would be too large to compute)."""


_MAX_EXPONENT = 4096
_MAX_BITS = 200_000


def exact(
    expr: sp.Basic, point: Mapping[Any, Fraction], *, on_missing: Callable[[sp.Basic], Fraction] | None = None
) -> Fraction:
    """The exact rational value of ``expr`` at a rational ``point``, or :class:`NotRational`.

    Rational arithmetic, integer powers, absolute values, signs, floors, Max/Min, Piecewise and
    deltas are exact, so a difference of 10^{-30}, or of x^{500} beside (x + 1)^{1000}, is seen
    whatever its size. :class:`Undefined` where there is no value (a pole), as :func:`evaluate`.
    """
    return _Exact(point, on_missing).value(expr)


class _Exact:
    def __init__(self, point: Mapping[Any, Fraction], on_missing: Callable[[sp.Basic], Fraction] | None) -> None:
        self.point = dict(point)
        self.on_missing = on_missing
        self.memo: dict[sp.Basic, Fraction] = {}

    def value(self, expr: sp.Basic) -> Fraction:
        cached = self.memo.get(expr)
        if cached is None:
            cached = self._dispatch(expr)
            if cached.numerator.bit_length() + cached.denominator.bit_length() > _MAX_BITS:
                raise NotRational("too large to compute exactly")
            self.memo[expr] = cached
        return cached

    def _integer(self, expr: sp.Basic) -> int:
        value = self.value(expr)
        if value.denominator != 1:
            raise Undefined(f"index {expr} = {value} is not an integer")
        return value.numerator

    def _lookup(self, key: Any, atom: sp.Basic) -> Fraction:
        if key in self.point:
            return self.point[key]
        if self.on_missing is None:
            raise NotRational(f"no exact value for {atom}")
        value = self.on_missing(atom)
        self.point[key] = value
        return value

    def _dispatch(self, expr: sp.Basic) -> Fraction:
        if expr.is_Rational:
            return Fraction(int(expr.p), int(expr.q))
        if isinstance(expr, sp.Symbol):
            return self._lookup(expr, expr)
        if isinstance(expr, sp.Indexed):
            indices = tuple(self._integer(index) for index in expr.indices)
            return self._lookup((expr.base, indices), sp.Indexed(expr.base, *indices))
        if expr.is_Add:
            return sum((self.value(term) for term in expr.args), Fraction(0))
        if expr.is_Mul:
            product = Fraction(1)
            for factor in expr.args:
                product *= self.value(factor)
            return product
        if expr.is_Pow:
            return self._power(expr)
        if isinstance(expr, sp.Abs):
            return abs(self.value(expr.args[0]))
        if isinstance(expr, sp.sign):
            value = self.value(expr.args[0])
            return Fraction((value > 0) - (value < 0))
        if isinstance(expr, sp.Heaviside):
            value = self.value(expr.args[0])
            if value == 0:
                return self.value(expr.args[1]) if len(expr.args) > 1 else Fraction(1, 2)
            return Fraction(int(value > 0))
        if isinstance(expr, (sp.floor, sp.ceiling)):
            value = self.value(expr.args[0])
            floored = value.numerator // value.denominator
            return Fraction(floored if isinstance(expr, sp.floor) or value.denominator == 1 else floored + 1)
        if isinstance(expr, (sp.Max, sp.Min)):
            values = [self.value(argument) for argument in expr.args]
            return max(values) if isinstance(expr, sp.Max) else min(values)
        if isinstance(expr, sp.KroneckerDelta):
            return Fraction(int(self.value(expr.args[0]) == self.value(expr.args[1])))
        if isinstance(expr, sp.Piecewise):
            for piece, condition in expr.args:
                if self._truth(condition):
                    return self.value(piece)
            raise Undefined("no branch of the Piecewise applies here")
        if isinstance(expr, (sp.factorial, sp.binomial)):
            return self._combinatorial(expr)
        if isinstance(expr, (sp.Sum, sp.Product)):
            return self._reduction(expr)
        raise NotRational(f"{type(expr).__name__} is not evaluated exactly")

    def _power(self, expr: sp.Pow) -> Fraction:
        base_expr, exponent_expr = expr.args
        if not exponent_expr.is_Integer:
            exponent = self.value(exponent_expr)
            if exponent.denominator != 1:
                raise NotRational(f"{expr} is a root")
            exponent_value = exponent.numerator
        else:
            exponent_value = int(exponent_expr)
        base = self.value(base_expr)
        size = base.numerator.bit_length() + base.denominator.bit_length()
        if abs(base) not in (0, 1) and (abs(exponent_value) > _MAX_EXPONENT or abs(exponent_value) * size > _MAX_BITS):
            raise NotRational("a power too large to compute exactly")
        if base == 0 and exponent_value < 0:
            raise Undefined(f"{expr}: division by zero")
        if base == 0 and exponent_value == 0 and not exponent_expr.is_Integer:
            raise Undefined(f"{expr}: 0 to a non-positive power")
        return base**exponent_value

    def _combinatorial(self, expr: sp.Basic) -> Fraction:
        import math

        arguments = [self.value(argument) for argument in expr.args]
        if any(argument.denominator != 1 for argument in arguments):
            raise NotRational(f"{expr} at a non-integer")
        values = [argument.numerator for argument in arguments]
        if any(abs(value) > 5000 for value in values):
            raise NotRational(f"{expr} is too large to compute exactly")
        if isinstance(expr, sp.factorial):
            if values[0] < 0:
                raise Undefined(f"Γ has a pole at {values[0] + 1}")
            return Fraction(math.factorial(values[0]))
        n, k = values
        if n < 0:
            raise NotRational("a binomial coefficient of a negative integer")  # Γ poles: left to mpmath
        return Fraction(math.comb(n, k) if 0 <= k <= n else 0)

    def _truth(self, condition: sp.Basic) -> bool:
        if condition is sp.true or condition is sp.false:
            return condition is sp.true
        if isinstance(condition, (sp.And, sp.Or)):
            verdicts = (self._truth(argument) for argument in condition.args)
            return all(verdicts) if isinstance(condition, sp.And) else any(verdicts)
        if isinstance(condition, sp.Not):
            return not self._truth(condition.args[0])
        if isinstance(condition, sp.Rel):
            left, right = self.value(condition.lhs), self.value(condition.rhs)
            return {
                sp.Eq: left == right,
                sp.Ne: left != right,
                sp.StrictGreaterThan: left > right,
                sp.GreaterThan: left >= right,
                sp.StrictLessThan: left < right,
                sp.LessThan: left <= right,
            }[type(condition)]
        raise NotRational(f"cannot decide the condition {condition} exactly")

    def _reduction(self, expr: sp.Sum | sp.Product) -> Fraction:
        (variable, lower, upper), *rest = expr.limits
        body = expr.func(expr.function, *rest) if rest else expr.function
        lower_value, upper_value = self._integer(lower), self._integer(upper)
        if abs(upper_value - lower_value) > MAX_SUM_TERMS:
            raise NotRational("too many terms to evaluate exactly")
        total = Fraction(0) if isinstance(expr, sp.Sum) else Fraction(1)
        for value, sign in karr_range(lower_value, upper_value):
            inner = _Exact({**self.point, variable: Fraction(value)}, self.on_missing)
            term = inner.value(body)
            self.point.update((key, item) for key, item in inner.point.items() if key is not variable)
            if isinstance(expr, sp.Sum):
                total += term * sign
            else:
                if term == 0 and sign < 0:
                    raise Undefined("a reversed product divides by zero")
                total *= term if sign > 0 else 1 / term
        return total
