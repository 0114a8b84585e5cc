"""Numeric probing: evaluate both sides at random points of the declared domains, with mpmath.

WeBWorK and Khan's KAS accept an answer when it agrees with the key at a few random points in
floating point. That is cheap and usually right, but it has three blind spots, which this module
closes:

* **Exactness of the points.** Points are exact rationals (and Kronecker-delta-relevant index
  combinations are chosen on purpose: ``i = k`` and ``i ≠ k``), so a counterexample can be checked
  independently by anyone, exactly.
* **Precision.** Values are computed at 30+ significant digits; an apparent difference is
  re-computed at twice the precision and counts only if it does not shrink (so cancellation never
  produces a false counterexample, and a 1e-17 discrepancy is not hidden by double rounding).
* **Special points.** Besides generic points, small integers, halves and thirds are mixed in: they
  are where ``(a^b)^c ≠ a^{bc}`` or ``sqrt(x^2) ≠ x`` show up with real values.
* **Where differences hide.** Magnitudes are spread over many orders (10⁻⁹ to 10⁹); integer
  parameters and sizes such as K are drawn far beyond 6, with the edges of index ranges; and every
  breakpoint of a Piecewise, Abs, Max/Min, floor/ceiling, sign or Heaviside is visited, with both
  sides of it and the middle of every interval between two (:mod:`symcheck.breakpoints`).
* **Exactness of the values.** Where both sides are rational at a rational point, they are computed
  exactly, so a difference of 10⁻³⁰ is seen; otherwise the precision is raised until it covers the
  spread of magnitudes inside the expression (``sin(x + 10⁻³⁵)`` needs 35 more digits than ``sin x``).

The points are fixed by the seed and the expressions, never by how many were evaluated before a
deadline: a probe cut short by its deadline says so (``interrupted``) and accepts nothing.

Semantics: without the imaginary unit and with real symbols, two expressions are compared only
where both have *real* values. At generic points intermediate results follow principal branches
(so ``sqrt(x-3)*sqrt(x-5)`` is −sqrt((x−3)(x−5)) for x < 3, a real value that refutes their
equality); at lattice points every intermediate value must be real, because there branch
conventions, not mathematics, would decide. That is how a student's ``log(a^2 b) = 2 log a + log b``
is read on the real domain. With complex symbols or an explicit ``I``, complex values are compared.

Probing can refute outright. It never proves: agreement at every point is "probably equal".
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import mpmath
import sympy as sp

from symcheck.breakpoints import Critical, breakpoints, critical_expressions, probe_values
from symcheck.budget import Deadline
from symcheck.model import Assumptions, Domain
from symcheck.mpeval import (
    NotRational,
    TooLong,
    Undefined,
    Unsupported,
    evaluate,
    evaluate_with_range,
    exact,
    is_real_value,
)
from symcheck.results import Counterexample

__all__ = ["ProbeOutcome", "probe"]

_SPECIAL_REAL = [Fraction(n) for n in (-3, -2, -1, 1, 2, 3)] + [
    Fraction(1, 2),
    Fraction(-1, 2),
    Fraction(3, 2),
    Fraction(-3, 2),
    Fraction(1, 3),
    Fraction(-2, 3),
    Fraction(0),
]
_SPECIAL_POSITIVE = [Fraction(1, 2), Fraction(1), Fraction(2), Fraction(3), Fraction(1, 3), Fraction(5, 2)]
_SPECIAL_UNIT = [Fraction(1, 2), Fraction(1, 4), Fraction(3, 4), Fraction(1, 10), Fraction(9, 10)]
_SCALES = (1.0, 1.0, 1e3, 1.0, 1e-3, 6.0, 1e6, 1.0, 1e-6, 1.0, 1e9, 1e-9)
"""The scale of generic real draws, by point number: most near 1, others spread over 18 orders."""
_WIDE_POSITIVE_INTEGERS = (7, 8, 10, 12, 17, 25, 50, 100, 1000)
_WIDE_SIZES = (7, 9, 12, 20, 31, 50)
"""Sizes such as K beyond the instances 2..6, so that a difference carrying ∏(K − m, m = 1..6) shows."""
MAX_DIGITS = 20_000
"""The most digits a comparison at an ordinary point may raise its precision to."""
MAX_DIGITS_SPREAD = 400
"""The most at a point of extreme magnitude (10⁶, 10⁹), where e^{−|z|} makes every sum span 10⁸ digits."""


@dataclass
class ProbeOutcome:
    """What probing found: agreements, the first confirmed counterexample, and what was skipped."""

    agreed: int = 0
    tried: int = 0
    skipped_undefined: int = 0
    skipped_nonreal: int = 0
    counterexample: Counterexample | None = None
    unsupported: str | None = None
    complex_semantics: bool = False
    notes: list[str] = field(default_factory=list)
    interrupted: bool = False
    """The deadline stopped probing before every planned point was tried: nothing may be concluded
    from the agreements (more time must not turn "undecided" into "probably equal")."""
    exact: int = 0
    """Points where both sides were compared exactly, as rationals."""
    breakpoints: int = 0
    """Points placed at or around breakpoints."""
    zeros: int = 0
    """Points of an inequality placed at 0, at the zeros of the difference of its sides, or beside them."""
    digits: int = 0
    """The most digits any comparison needed."""

    @property
    def confidence(self) -> float:
        """A heuristic: the chance a false identity survives ``agreed`` independent points,
        assuming it fails on at least half of the sampling law's mass, is at most 2^-agreed."""
        return 1.0 - 2.0 ** (-self.agreed)


def _fraction(number: float, digits: int = 4) -> Fraction:
    """A short exact rational close to ``number`` (so counterexamples read well and are exact).

    Four significant digits, whatever the magnitude (1.234e-7 and 1.234e9 as well as 1.234).
    """
    if number == 0:
        return Fraction(0)
    import math

    exponent = math.floor(math.log10(abs(number)))
    scale = Fraction(10) ** (exponent - digits + 1)
    return Fraction(round(Fraction(number) / scale)) * scale or scale


_ZERO_DOMAINS = (Domain.REAL, Domain.NONNEGATIVE, Domain.INTEGER)


def _admits_zero(sampler: _Sampler, atom: sp.Basic) -> bool:
    """Whether 0 lies in the domain ``atom`` is drawn from (its declared domain and SymPy's sign assumptions)."""
    return sampler.domain(atom) in _ZERO_DOMAINS and not (atom.is_nonzero or atom.is_positive or atom.is_negative)


class _Inadmissible(Exception):
    """This point cannot satisfy the assumptions (e.g. two distinct indices in a range of one)."""


class _Sampler:
    """Draws exact points from the laws implied by the assumptions."""

    def __init__(self, assumptions: Assumptions, rng: random.Random) -> None:
        self.assumptions = assumptions
        self.rng = rng
        self.real_entries = False
        """Entries of undeclared IndexedBases drawn real: set when both sides are analytic (:func:`_analytic`)."""

    def domain(self, atom: sp.Basic) -> Domain:
        declared = self.assumptions.domain_of(atom)
        if declared is not None:
            return declared
        if isinstance(atom, sp.IndexedBase):
            label = atom.label
            declared = self.assumptions.domain_of(label)
            if declared is not None:
                return declared
            if self.real_entries and not (label.is_integer or label.is_extended_real is False):
                return Domain.REAL if label.is_extended_real is None else self.domain(label)
            atom = label
        if atom.is_integer:
            return Domain.POSITIVE_INTEGER if atom.is_positive else Domain.INTEGER
        if atom.is_positive:
            return Domain.POSITIVE
        if atom.is_nonnegative:
            return Domain.NONNEGATIVE
        if atom.is_negative:
            return Domain.NEGATIVE
        if atom.is_extended_real:
            return Domain.REAL
        return Domain.COMPLEX

    def draw_for(self, atom: sp.Basic, special: bool, scale: float = 1.0, wide: bool = False) -> Fraction | complex:
        """A value for a symbol: its declared domain, and SymPy's own integer sign assumptions within it."""
        domain = self.domain(atom)
        value = self.draw(domain, special, scale, wide)
        if domain is Domain.INTEGER and self.assumptions.domain_of(atom) is None:
            if atom.is_nonnegative:
                return abs(value)  # 0, 1, 2, ...
            if atom.is_negative:
                return -abs(value) or Fraction(-1)
            if atom.is_nonpositive:
                return -abs(value)
        return value

    def draw(self, domain: Domain, special: bool, scale: float = 1.0, wide: bool = False) -> Fraction | complex:
        rng = self.rng
        if domain is Domain.REAL or domain is Domain.NONZERO:
            if special:
                value = rng.choice(_SPECIAL_REAL)
                if value == 0 and domain is Domain.NONZERO:
                    value = Fraction(1)
                return value
            return _fraction(rng.gauss(0.0, 1.5) * scale) or Fraction(1, 7)
        if domain is Domain.POSITIVE:
            return rng.choice(_SPECIAL_POSITIVE) if special else _fraction(2.0 ** rng.uniform(-3, 3) * scale)
        if domain is Domain.NONNEGATIVE:
            if special:
                return rng.choice([Fraction(0), *_SPECIAL_POSITIVE])
            return _fraction(2.0 ** rng.uniform(-3, 3) * scale)
        if domain is Domain.NEGATIVE:
            return -(rng.choice(_SPECIAL_POSITIVE) if special else _fraction(2.0 ** rng.uniform(-3, 3) * scale))
        if domain is Domain.UNIT_INTERVAL:
            if special:
                return rng.choice(_SPECIAL_UNIT)
            if scale < 1e-2:  # near the ends of (0, 1)
                edge = Fraction(1, 10 ** rng.randint(3, 9))
                return edge if rng.random() < 0.5 else 1 - edge
            return _fraction(rng.uniform(0.001, 0.999)) or Fraction(1, 3)
        if domain is Domain.INTEGER:
            if wide:
                return Fraction(rng.choice(_WIDE_POSITIVE_INTEGERS) * rng.choice((-1, 1)))
            return Fraction(rng.randint(-5, 5))
        if domain is Domain.POSITIVE_INTEGER:
            return Fraction(rng.choice(_WIDE_POSITIVE_INTEGERS) if wide else rng.randint(1, 6))
        if domain is Domain.COMPLEX:
            real = self.draw(Domain.REAL, special)
            imaginary = self.draw(Domain.REAL, False)
            return complex(float(real), float(imaginary))
        return _fraction(rng.gauss(0.0, 1.5))

    def vector(self, domain: Domain, length: int) -> list[Fraction]:
        if domain is Domain.ONE_HOT:
            hot = self.rng.randrange(length)
            return [Fraction(int(position == hot)) for position in range(length)]
        weights = [self.rng.randint(1, 1000) for _ in range(length)]
        total = sum(weights)
        return [Fraction(weight, total) for weight in weights]


def _show(value: Fraction | complex | int) -> str:
    if isinstance(value, complex):
        return str(value)
    return str(Fraction(value))


def _show_mp(value: Any, digits: int = 15) -> str:
    with mpmath.workdps(digits + 5):
        return mpmath.nstr(+value, digits)


class _Point:
    """One probe point: exact values for symbols, bounds, indices and (lazily) indexed entries."""

    def __init__(self, sampler: _Sampler, atoms: set[sp.Basic], assumptions: Assumptions, number: int) -> None:
        self.sampler = sampler
        self.values: dict[Any, Any] = {}
        self.shown: dict[str, str] = {}
        self.fractions: dict[Any, Fraction] = {}
        special = number % 2 == 1
        scale = 1.0 if special else _SCALES[(number // 2) % len(_SCALES)]
        wide = number % 3 == 2
        # bounds first (K), then index symbols within their ranges, then everything else
        bounds = [b for b in assumptions.symbolic_bounds if b in atoms or self._bound_needed(b, atoms, assumptions)]
        instances = list(assumptions.instances) or [3]
        for position, bound in enumerate(bounds):  # different sizes differ, so no transposition passes
            sizes = _WIDE_SIZES if wide else instances
            value = (
                sizes[(number // 3 + position) % len(sizes)]
                if wide
                else instances[(number + position) % len(instances)]
            )
            self._set(bound, Fraction(value))
        index_symbols = [r.index for r in assumptions.indices if r.index in atoms]
        distinct = {frozenset(pair) for pair in assumptions.distinct}
        for position, index in enumerate(index_symbols):
            declared = assumptions.range_of(index)
            lower = int(evaluate(declared.lower, self.values)) if declared.lower.free_symbols else int(declared.lower)
            upper = int(evaluate(declared.upper, self.values)) if declared.upper.free_symbols else int(declared.upper)
            different = {
                int(self.values[other]) for other in index_symbols[:position] if frozenset((index, other)) in distinct
            }
            choices = [value for value in range(lower, max(lower, upper) + 1) if value not in different]
            if not choices:
                raise _Inadmissible(f"no value of {index} in {lower}..{upper} differs from the others")
            if position > 0 and number % 3 == 0 and int(self.values[index_symbols[0]]) in choices:
                value = int(self.values[index_symbols[0]])  # deliberately equal indices (i = k)
            elif number % 4 in (1, 2) and position == 0:
                value = choices[0] if number % 4 == 1 else choices[-1]  # the edges of the range
            else:
                value = sampler.rng.choice(choices)
            self._set(index, Fraction(value))
        for atom in sorted(atoms - set(self.values), key=str):
            if isinstance(atom, sp.Symbol):
                self._set(atom, sampler.draw_for(atom, special, scale, wide))
        self.special = special
        self.scale = scale
        self.wide = wide
        self.assumptions = assumptions
        self.number = number
        self.zero = False
        """Entries drawn at this point are 0 where their domain allows (the origin of an inequality)."""

    def moved(self, symbol: sp.Symbol, value: Fraction) -> _Point:
        """This point with ``symbol`` set to ``value`` (a breakpoint probe); entries drawn later are shared."""
        clone = object.__new__(_Point)
        clone.__dict__.update(self.__dict__)
        clone.values = dict(self.values)
        clone.shown = dict(self.shown)
        clone.fractions = dict(self.fractions)
        clone.special = False
        clone._set(symbol, value)
        return clone

    def at_origin(self, keep: set[sp.Basic]) -> _Point:
        """This point with every symbol and entry that may be 0 at 0 (sizes and indices, ``keep``, unchanged).

        ``x² + y² > 0`` and ``λ Σ_i v_i² > 0`` fail only where every variable is 0 at once.
        """
        clone = object.__new__(_Point)
        clone.__dict__.update(self.__dict__)
        clone.values = {atom: value for atom, value in self.values.items() if isinstance(atom, sp.Basic)}
        clone.fractions = {atom: value for atom, value in self.fractions.items() if isinstance(atom, sp.Basic)}
        clone.shown = {name: text for name, text in self.shown.items() if name in {str(a) for a in clone.values}}
        clone.special = False
        clone.zero = True
        for atom in list(clone.values):
            if atom not in keep and isinstance(atom, sp.Symbol) and _admits_zero(self.sampler, atom):
                clone._set(atom, Fraction(0))
        return clone

    @staticmethod
    def _bound_needed(bound: sp.Basic, atoms: set[sp.Basic], assumptions: Assumptions) -> bool:
        return any(
            r.index in atoms and bound in r.upper.free_symbols | r.lower.free_symbols for r in assumptions.indices
        )

    def _set(self, atom: sp.Basic, value: Fraction | complex) -> None:
        self.values[atom] = value  # exact: the evaluator converts it at its working precision
        self.shown[str(atom)] = _show(value)
        if isinstance(value, Fraction):
            self.fractions[atom] = value

    def exact_missing(self, atom: sp.Basic) -> Fraction:
        """The exact value of an entry drawn on first use (drawing it if needed), for exact evaluation."""
        self.draw_missing(atom)
        key = (atom.base, tuple(int(index) for index in atom.indices)) if isinstance(atom, sp.Indexed) else atom
        if key not in self.fractions:
            raise NotRational(f"{atom} has no exact value here")
        return self.fractions[key]

    def draw_missing(self, atom: sp.Basic) -> Any:
        """Values for indexed entries, drawn once on first use (whole vectors for probability labels).

        Every evaluation at this point (both sides, every term of a sum) must see the same value,
        so each drawn value is remembered here, not in the evaluator.
        """
        key = (atom.base, tuple(int(index) for index in atom.indices)) if isinstance(atom, sp.Indexed) else atom
        if key in self.values:
            return self.values[key]
        value = self._draw(atom)
        self.values[key] = value
        return value

    def _draw(self, atom: sp.Basic) -> Any:
        if isinstance(atom, sp.Indexed):
            for entry, value in self.assumptions.pinned:
                if entry.base == atom.base and self._same_entry(entry, atom):
                    pinned = evaluate(value, self.values, on_missing=self.draw_missing)
                    self.shown[str(atom)] = mpmath.nstr(pinned, 15)
                    try:
                        fraction = exact(value, self.fractions, on_missing=self.exact_missing)
                        self.fractions[(atom.base, tuple(int(index) for index in atom.indices))] = fraction
                        self.shown[str(atom)] = _show(fraction)
                        return fraction  # exact, refined with the working precision
                    except (NotRational, Undefined):
                        pass
                    return pinned
            domain = self.sampler.domain(atom.base)
            if domain in (Domain.SIMPLEX, Domain.ONE_HOT):
                # the first index runs over a probability vector; any further indices pick the column
                # (a label matrix Y[i, n] has one probability vector per sample n), drawn once per column
                length = self._vector_length()
                position = int(atom.indices[0])
                column = tuple(int(index) for index in atom.indices[1:])
                vector = self.sampler.vector(domain, length)
                for row, value in enumerate(vector, start=1):
                    key = (atom.base, (row, *column))
                    self.values[key] = value
                    self.fractions[key] = value
                    shown = ", ".join(str(number) for number in (row, *column))
                    self.shown[f"{atom.base}[{shown}]"] = _show(value)
                if 1 <= position <= length:
                    return self.values[(atom.base, (position, *column))]
                raise Undefined(f"{atom} lies outside its probability vector")
            value = self.sampler.draw(domain, self.special and self.sampler.rng.random() < 0.3, self.scale, self.wide)
            if self.zero and domain in _ZERO_DOMAINS:
                value = Fraction(0)
            self.shown[str(atom)] = _show(value)
            if isinstance(value, Fraction):
                self.fractions[(atom.base, tuple(int(index) for index in atom.indices))] = value
            return value
        if isinstance(atom, sp.Symbol):
            value = self.sampler.draw_for(atom, self.special, self.scale, self.wide)
            self.shown[str(atom)] = _show(value)
            if isinstance(value, Fraction):
                self.fractions[atom] = value
            return value
        raise Unsupported(f"no value for {atom}")

    def _same_entry(self, entry: sp.Indexed, atom: sp.Indexed) -> bool:
        """Whether a pinned entry such as u[K] is the entry u[3] at this point (K = 3)."""
        try:
            positions = [int(evaluate(index, self.values)) for index in entry.indices]
        except (Undefined, Unsupported):
            return False
        return positions == [int(index) for index in atom.indices]

    def _vector_length(self) -> int:
        for declared in self.assumptions.indices:
            upper = declared.upper
            try:
                return int(evaluate(upper, self.values)) if upper.free_symbols else int(upper)
            except (Undefined, Unsupported):
                continue
        return 3


def _atoms(expr: sp.Basic) -> set[sp.Basic]:
    """The symbols a point must fix: not the labels of IndexedBases (their entries are drawn lazily)."""
    labels = {node.base.label for node in expr.atoms(sp.Indexed)}
    return {symbol for symbol in expr.free_symbols if isinstance(symbol, sp.Symbol) and symbol not in labels}


_ANALYTIC = (
    sp.Add,
    sp.Mul,
    sp.exp,
    sp.sin,
    sp.cos,
    sp.sinh,
    sp.cosh,
    sp.Sum,
    sp.Product,
    sp.Indexed,
    sp.KroneckerDelta,
)


def _analytic(expr: sp.Basic) -> bool:
    """Built of sums, products, integer powers, exp, sin, cos, sinh, cosh, Σ and Π only: an entire (or rational)
    function of each variable, so two such sides that differ at a complex point differ at real points too."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.Symbol, sp.Number, sp.NumberSymbol, sp.Tuple, sp.Idx, sp.IndexedBase, *_ANALYTIC)):
            continue
        if isinstance(node, sp.Pow) and node.exp.is_integer:
            continue
        return False
    return True


def _real_entries(left: sp.Basic, right: sp.Basic, sampler: _Sampler) -> bool:
    """Whether entries drawn on demand (``ŷ[a]`` of an undeclared, so complex, ``ŷ``) may be drawn real: when
    both sides are analytic, a difference anywhere shows at real points, which a reader can check by hand."""
    bases = {node.base for node in left.atoms(sp.Indexed) | right.atoms(sp.Indexed)}
    complex_bases = any(sampler.domain(base) is Domain.COMPLEX for base in bases)
    return complex_bases and _analytic(left) and _analytic(right)


def _close(left: Any, right: Any, dps: int) -> tuple[bool, Any]:
    difference = abs(left - right)
    scale = max(abs(left), abs(right))
    tolerance = mpmath.mpf(10) ** (-(dps - 6))
    return bool(difference <= tolerance * scale or difference == 0), difference


_RELATIONS = {
    ">=": lambda margin: margin >= 0,
    ">": lambda margin: margin > 0,
    "<=": lambda margin: margin <= 0,
    "<": lambda margin: margin < 0,
}


def _judge(relation: str, left: Any, right: Any, dps: int) -> tuple[bool, Any]:
    """Whether ``left RELATION right`` holds at this precision, and by how much it misses.

    Values that agree to the working precision count as equal, so rounding never turns a true
    ``<=`` between equal quantities into a counterexample.
    """
    close, difference = _close(left, right, dps)
    if relation == "==":
        return close, difference
    if close:
        return relation in (">=", "<="), difference
    left_real, right_real = mpmath.re(left), mpmath.re(right)
    return bool(_RELATIONS[relation](left_real - right_real)), difference


def _exact_judge(relation: str, left: Fraction, right: Fraction) -> bool:
    return {
        "==": left == right,
        ">=": left >= right,
        ">": left > right,
        "<=": left <= right,
        "<": left < right,
    }[relation]


class _Comparison:
    """The comparison of both sides at one point: agreed, differs (with values), or skipped (why)."""

    def __init__(self, kind: str, left: str = "", right: str = "", digits: int = 0, note: str = "") -> None:
        self.kind = kind  # "agreed", "differs", "undefined", "nonreal", "unsupported"
        self.left = left
        self.right = right
        self.digits = digits
        self.note = note


def _compare_exact(left: sp.Basic, right: sp.Basic, point: _Point, relation: str) -> _Comparison | None:
    """Both sides as exact rationals, or None when either is not rational here."""
    try:
        left_value = exact(left, point.fractions, on_missing=point.exact_missing)
        right_value = exact(right, point.fractions, on_missing=point.exact_missing)
    except NotRational:
        return None
    except Undefined:
        return _Comparison("undefined")
    if _exact_judge(relation, left_value, right_value):
        return _Comparison("agreed")
    note = f"exactly; lhs − rhs = {_show_exact(left_value - right_value)}"
    return _Comparison("differs", _show_exact(left_value), _show_exact(right_value), note=note)


def _show_exact(value: Fraction) -> str:
    if value.numerator.bit_length() + value.denominator.bit_length() <= 120:
        return str(value)
    with mpmath.workdps(30):
        return mpmath.nstr(mpmath.mpf(value.numerator) / value.denominator, 20)


def _evaluate_pair(
    left: sp.Basic, right: sp.Basic, point: _Point, dps: int, strict: bool, ranges: bool = False
) -> tuple[Any, Any, int]:
    if ranges:
        left_value, left_digits = evaluate_with_range(
            left, point.values, dps=dps, on_missing=point.draw_missing, strict_real=strict
        )
        right_value, right_digits = evaluate_with_range(
            right, point.values, dps=dps, on_missing=point.draw_missing, strict_real=strict
        )
        return left_value, right_value, max(left_digits, right_digits)
    left_value = evaluate(left, point.values, dps=dps, on_missing=point.draw_missing, strict_real=strict)
    right_value = evaluate(right, point.values, dps=dps, on_missing=point.draw_missing, strict_real=strict)
    return left_value, right_value, 0


def _compare_numeric(
    left: sp.Basic, right: sp.Basic, point: _Point, relation: str, dps: int, complex_semantics: bool
) -> _Comparison:
    """Both sides with mpmath, the precision raised until it covers the spread of magnitudes in them.

    A difference counts only if it persists at twice the precision (a rounding artefact shrinks).
    """
    # At lattice points (integers, halves) negative bases meet fractional powers, where branch
    # conventions disagree (Maxima's real roots against principal roots); there only real
    # arithmetic may refute. Generic points compare wherever both results are real.
    strict = point.special and not complex_semantics
    try:
        left_value, right_value, needed = _evaluate_pair(left, right, point, dps, strict, ranges=True)
        precision = dps
        cap = MAX_DIGITS if 1e-3 <= point.scale <= 1e3 else MAX_DIGITS_SPREAD
        while needed + 10 > precision:
            # as many digits as the magnitudes (and cancellations) inside the expressions span, and a
            # margin; measured again at the new precision, since a cancellation shows its depth only then
            wanted = max(needed + dps, 2 * precision)
            if wanted > cap:
                return _Comparison("unresolved", digits=cap)  # more digits than this point may take
            precision = wanted
            left_value, right_value, needed = _evaluate_pair(left, right, point, precision, strict, ranges=True)
        if not complex_semantics and not (
            is_real_value(left_value, precision) and is_real_value(right_value, precision)
        ):
            return _Comparison("nonreal")
        close, difference = _judge(relation, left_value, right_value, precision)
        if close:
            return _Comparison("agreed", digits=precision)
        if needed + 10 > precision:
            return _Comparison("unresolved", digits=precision)  # too few digits to tell a difference here
        confirm = 2 * precision + 10
        precise_left, precise_right, _ = _evaluate_pair(left, right, point, confirm, strict)
    except Undefined:
        return _Comparison("undefined")
    except TooLong:
        return _Comparison("unresolved")  # sums too long at this size; a smaller one may do
    except Unsupported as error:
        return _Comparison("unsupported", str(error))
    close, precise_difference = _judge(relation, precise_left, precise_right, confirm)
    if close or (relation == "==" and precise_difference < difference / 2):
        return _Comparison("agreed", digits=confirm)
    with mpmath.workdps(confirm):
        gap = precise_left - precise_right
    gap = _show_mp(gap, 6)
    return _Comparison(
        "differs", _show_mp(precise_left), _show_mp(precise_right), digits=confirm, note=f"lhs − rhs ≈ {gap}"
    )


def _substituted(
    left: sp.Basic, right: sp.Basic, point: _Point, relation: str, dps: int, complex_semantics: bool
) -> _Comparison | None:
    """At a point where a difference cancels exactly (``(x − 1)² eˣ`` at x = 1): the sides with the exact
    values substituted, so that SymPy's own arithmetic on rationals finds the 0, compared again.

    Only at generic points (principal branches, as SymPy's evaluation of powers of numbers) and for
    expressions of plain symbols (a summation index would be bound in one place and free in another).
    """
    if point.special or any(side.has(sp.Indexed, sp.Sum, sp.Product, sp.Derivative) for side in (left, right)):
        return None
    values = {
        atom: sp.Rational(value.numerator, value.denominator)
        for atom, value in point.fractions.items()
        if isinstance(atom, sp.Symbol)
    }
    if not (left.free_symbols | right.free_symbols) <= set(values):
        return None
    new_left, new_right = left.xreplace(values), right.xreplace(values)
    comparison = _compare_exact(new_left, new_right, point, relation)
    if comparison is None:
        comparison = _compare_numeric(new_left, new_right, point, relation, dps, complex_semantics)
    return None if comparison.kind == "unresolved" else comparison


def _breakpoint_points(
    left: sp.Basic, right: sp.Basic, bases: list[_Point], limit: int = 48
) -> list[tuple[_Point, str]]:
    """Points at, beside and between the breakpoints of both sides, each symbol moved in turn."""
    criticals = critical_expressions(left) + critical_expressions(right)
    if not criticals:
        return []
    symbols = sorted(
        {s for critical in criticals for s in critical.expression.free_symbols if isinstance(s, sp.Symbol)}, key=str
    )
    found: list[tuple[_Point, str]] = []
    for base in bases:
        for symbol in symbols:
            if symbol not in base.fractions:
                continue
            others = {atom: value for atom, value in base.fractions.items() if isinstance(atom, sp.Symbol)}
            others.pop(symbol)
            try:
                at = breakpoints(criticals, symbol, others, base.fractions[symbol])
            except (TypeError, ValueError, sp.PolynomialError, NotImplementedError):
                continue
            for value in probe_values(at):
                if symbol.is_integer and value.denominator != 1:
                    continue
                if (symbol.is_nonnegative and value < 0) or (symbol.is_positive and value <= 0):
                    continue
                found.append((base.moved(symbol, value), str(symbol)))
    return found[:limit]


def _factors(expr: sp.Basic) -> list[sp.Basic]:
    """The factors of the numerator of ``expr`` over one denominator (powers by their bases), and itself."""
    try:
        numerator = sp.fraction(sp.together(expr))[0]
    except (TypeError, ValueError, sp.PolynomialError):
        return [expr]
    found = [expr, numerator]
    for factor in sp.Mul.make_args(numerator):
        found.append(factor.args[0] if factor.is_Pow and factor.args[1].is_Integer else factor)
    return [factor for factor in dict.fromkeys(found) if factor.free_symbols]


def _zero_points(
    left: sp.Basic, right: sp.Basic, bases: list[_Point], keep: set[sp.Basic], limit: int = 48
) -> list[_Point]:
    """Where an inequality between ``left`` and ``right`` is tight: the origin, each symbol at 0, and the
    rational zeros of the factors of ``left − right`` in each symbol (the others fixed), with both
    sides of them. ``x² > 0`` fails at x = 0, ``(x − 1)² (x + 2) > 0`` at x = 1 and for x < −2."""
    if not bases:
        return []
    found = [bases[0].at_origin(keep)]
    criticals = [Critical((factor, False)) for factor in _factors(left - right)]
    for base in bases:
        for symbol in sorted(base.fractions, key=str):
            if not isinstance(symbol, sp.Symbol) or symbol in keep:
                continue
            others = {atom: value for atom, value in base.fractions.items() if isinstance(atom, sp.Symbol)}
            others.pop(symbol)
            try:
                at = breakpoints([*criticals, Critical((symbol, False))], symbol, others, base.fractions[symbol])
            except (TypeError, ValueError, sp.PolynomialError, NotImplementedError):
                continue
            for value in probe_values(at, limit=12):
                if symbol.is_integer and value.denominator != 1:
                    continue
                if (symbol.is_nonnegative and value < 0) or (symbol.is_positive and value <= 0):
                    continue
                if value == 0 and not _admits_zero(base.sampler, symbol):
                    continue
                found.append(base.moved(symbol, value))
    return found[:limit]


def probe(
    left: sp.Basic,
    right: sp.Basic,
    assumptions: Assumptions,
    deadline: Deadline,
    *,
    points: int = 24,
    min_agreements: int = 8,
    dps: int = 30,
    seed: int = 20261126,
    relation: str = "==",
) -> ProbeOutcome:
    """Test ``left RELATION right`` at exact points until refuted or every planned point is tried.

    The plan is fixed by ``seed`` and the expressions: ``points`` random points (up to three times
    as many draws, when some are inadmissible), then the breakpoint points, and for an inequality the
    points where it is tight (:func:`_zero_points`). ``relation`` is ``"=="``
    (the default) or one of ``">=" ">" "<=" "<"``. When ``deadline`` passes first, the outcome is
    ``interrupted``.
    """
    rng = random.Random(seed)
    sampler = _Sampler(assumptions, rng)
    atoms = _atoms(left) | _atoms(right)
    outcome = ProbeOutcome()
    sampler.real_entries = _real_entries(left, right, sampler)
    outcome.complex_semantics = (
        left.has(sp.I) or right.has(sp.I) or any(sampler.domain(atom) is Domain.COMPLEX for atom in atoms)
    )
    bases: list[_Point] = []
    number = 0
    while number < 3 * points and outcome.agreed < points:
        if number >= points and outcome.agreed >= min_agreements:
            break
        number += 1
        try:
            point = _Point(sampler, atoms, assumptions, number - 1)
        except _Inadmissible:
            outcome.tried += 1
            outcome.skipped_undefined += 1
            continue
        if not point.special and len(bases) < 2:
            bases.append(point)
        if _visit(left, right, point, relation, dps, outcome, deadline):
            return outcome
        if outcome.interrupted or outcome.unsupported:
            return outcome
    for point, _ in _breakpoint_points(left, right, bases):
        outcome.breakpoints += 1
        if _visit(left, right, point, relation, dps, outcome, deadline):
            return outcome
        if outcome.interrupted or outcome.unsupported:
            return outcome
    if relation != "==":
        keep = set(assumptions.symbolic_bounds) | {declared.index for declared in assumptions.indices}
        for point in _zero_points(left, right, bases, keep):
            outcome.zeros += 1
            if _visit(left, right, point, relation, dps, outcome, deadline):
                return outcome
            if outcome.interrupted or outcome.unsupported:
                return outcome
    return outcome


def _visit(
    left: sp.Basic,
    right: sp.Basic,
    point: _Point,
    relation: str,
    dps: int,
    outcome: ProbeOutcome,
    deadline: Deadline,
) -> bool:
    """Compare at one point and record it; True when it is a counterexample."""
    if deadline.expired():
        outcome.interrupted = True
        outcome.notes.append("probing stopped at the time limit")
        return False
    outcome.tried += 1
    comparison = _compare_exact(left, right, point, relation)
    if comparison is not None and comparison.kind != "undefined":
        outcome.exact += 1
    else:
        comparison = comparison or _compare_numeric(left, right, point, relation, dps, outcome.complex_semantics)
    if comparison.kind == "unresolved":
        comparison = _substituted(left, right, point, relation, dps, outcome.complex_semantics) or comparison
    if comparison.kind == "agreed":
        outcome.digits = max(outcome.digits, comparison.digits)
        outcome.agreed += 1
    elif comparison.kind in ("undefined", "unresolved"):
        outcome.skipped_undefined += 1
    elif comparison.kind == "nonreal":
        outcome.skipped_nonreal += 1
    elif comparison.kind == "unsupported":
        outcome.unsupported = comparison.left
    else:
        outcome.counterexample = Counterexample(
            point=tuple(sorted(point.shown.items())),
            lhs=comparison.left,
            rhs=comparison.right,
            note=comparison.note if relation == "==" else f"so lhs {relation} rhs fails",
        )
        return True
    return False
