"""Refutation at explicit sizes: small distinct n and d, random exact entries, both sides evaluated."""

from __future__ import annotations

import itertools
import random
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symcheck.matrices._canonical import fresh_sums
from symcheck.matrices._entries import _Entries
from symcheck.matrices._shapes import _matrix_shape, _name, _Unsupported, describe
from symcheck.model import Assumptions, Domain
from symcheck.normalize import evaluate_derivatives, write_out_sums
from symcheck.results import Counterexample

_ENTRIES_PER_SIZE = 4


class _Singular(Exception):
    """An inverse that does not exist at the sizes and entries drawn (that trial is skipped)."""


class _Values:
    """Random exact values, drawn once per entry and shared by both sides (and by inverses)."""

    def __init__(self, assumptions: Assumptions, seed: int, entries: _Entries, evaluate: Any) -> None:
        self.rng = random.Random(seed)
        self.domains = {_name(symbol): domain for symbol, domain in assumptions.domains}
        self.values: dict[sp.Basic, sp.Basic] = {}
        self.entries = entries
        self.evaluate = evaluate

    def domain(self, atom: sp.Basic) -> Domain:
        name = _name(atom.base) if isinstance(atom, sp.Indexed) else _name(atom)
        declared = self.domains.get(name)
        if declared is not None:
            return declared
        plain = atom.base.label if isinstance(atom, sp.Indexed) else atom
        if getattr(plain, "is_positive", False):
            return Domain.POSITIVE
        return Domain.REAL

    def draw(self, domain: Domain) -> sp.Rational:
        rng = self.rng
        if domain is Domain.POSITIVE:
            return sp.Rational(rng.randint(2, 30), 10)
        if domain is Domain.NONNEGATIVE:
            return sp.Rational(rng.randint(0, 30), 10)
        if domain is Domain.NEGATIVE:
            return -sp.Rational(rng.randint(2, 30), 10)
        if domain is Domain.UNIT_INTERVAL:
            return sp.Rational(rng.randint(1, 19), 20)
        if domain in (Domain.INTEGER, Domain.POSITIVE_INTEGER):
            return sp.Integer(rng.randint(1, 4))
        value = sp.Rational(rng.randint(-20, 20), 10)
        return value if value != 0 else sp.Rational(7, 10)

    def of(self, atom: sp.Basic, sizes: dict) -> sp.Basic:
        if atom not in self.values:
            if isinstance(atom, sp.Indexed) and atom.base in self.entries.inverses:
                self._invert(atom.base, sizes)
            else:
                self.values[atom] = self.draw(self.domain(atom))
        return self.values[atom]

    def _invert(self, base: sp.IndexedBase, sizes: dict) -> None:
        argument, flipped = self.entries.inverses[base]
        rows, _ = _matrix_shape(argument)
        size = int(rows.xreplace(sizes))
        explicit = sp.Matrix(
            size,
            size,
            lambda r, c: self.evaluate(self.entries.entry(argument, sp.Integer(r + 1), sp.Integer(c + 1)), sizes),
        )
        if explicit.det() == 0:
            raise _Singular(describe(argument))
        inverse = explicit.inv()
        if flipped:
            inverse = inverse.T
        for r in range(size):
            for c in range(size):
                self.values[base[r + 1, c + 1]] = inverse[r, c]


def _sigmoid(argument: sp.Basic) -> sp.Basic:
    return 1 / (1 + sp.exp(-argument))


class _Refuter:
    def __init__(self, entries: _Entries, assumptions: Assumptions, seed: int) -> None:
        self.entries = entries
        self.assumptions = assumptions
        self.seed = seed
        self.values: _Values | None = None

    def evaluate(self, expr: sp.Basic, sizes: dict) -> sp.Basic:
        concrete = write_out_sums(expr.xreplace(sizes))
        concrete = evaluate_derivatives(concrete)
        if concrete.has(AppliedUndef):
            concrete = concrete.replace(
                lambda node: isinstance(node, AppliedUndef) and node.func.__name__ in ("sigma", "σ"),
                lambda node: _sigmoid(node.args[0]),
            )
            if concrete.has(AppliedUndef):
                raise _Unsupported("an undefined function cannot be sampled")
        positions = {
            symbol
            for atom in concrete.atoms(sp.Indexed)
            for index in atom.indices
            for symbol in index.free_symbols
            if symbol not in sizes and getattr(symbol, "is_integer", False)
        }
        if positions:  # a free index that is no row or column of the matrix side (the i of x_i): an entry in range
            smallest = min((int(size) for size in sizes.values()), default=2)
            for symbol in sorted(positions, key=sp.default_sort_key):  # the same draws whatever the hash seed
                if symbol not in self.values.values:
                    self.values.values[symbol] = sp.Integer(self.values.rng.randint(1, max(1, smallest)))
            concrete = concrete.xreplace({symbol: self.values.values[symbol] for symbol in positions})
        mapping = {}
        for atom in sorted(concrete.atoms(sp.Indexed), key=sp.default_sort_key):
            if all(index.is_Integer for index in atom.indices):
                mapping[atom] = self.values.of(atom, sizes)
        labels = {atom.base.label for atom in concrete.atoms(sp.Indexed)}
        for symbol in sorted(concrete.free_symbols - labels, key=sp.default_sort_key):
            if isinstance(symbol, sp.Symbol) and symbol not in sizes:
                mapping[symbol] = self.values.of(symbol, sizes)
        value = concrete.xreplace(mapping)
        if value.free_symbols or value.has(sp.Indexed):
            raise _Unsupported(f"cannot evaluate {sp.sstr(value)}")
        return value

    def refute(
        self, left: sp.Basic, right: sp.Basic, free: tuple, dims: tuple, size_symbols: list[sp.Symbol], names: tuple
    ) -> Counterexample | None:
        """A counterexample at explicit sizes, or None; ``names`` are the free indices as shown."""
        self.names = names
        for trial, values in enumerate(_size_trials(len(size_symbols))):
            sizes = dict(zip(size_symbols, (sp.Integer(v) for v in values), strict=True))
            self.values = _Values(self.assumptions, self.seed + trial, self.entries, self.evaluate)
            try:
                found = self._entries_differ(left, right, free, dims, sizes)
            except _Singular:
                continue
            if found is not None:
                return found
        return None

    def _entries_differ(self, left, right, free, dims, sizes) -> Counterexample | None:
        extents = [1 if dim is None else int(dim.xreplace(sizes)) for dim in dims]
        left, right = fresh_sums(left), fresh_sums(right)  # a free k may share its name with a bound k
        positions = list(itertools.product(*(range(1, extent + 1) for extent in extents)))[:_ENTRIES_PER_SIZE]
        for position in positions:
            at = dict(zip(free, (sp.Integer(p) for p in position), strict=True))
            first = self.evaluate(left.xreplace(at), sizes)
            second = self.evaluate(right.xreplace(at), sizes)
            differs, shown = _differ(first, second)
            if differs:
                point = [(str(symbol), str(value)) for symbol, value in sizes.items()]
                point += [(str(name), str(value)) for name, value in zip(self.names, at.values(), strict=False)]
                point += self._inputs()
                return Counterexample(tuple(point), shown[0], shown[1], "entry of both sides at explicit sizes")
        return None

    def _inputs(self) -> list[tuple[str, str]]:
        """The values drawn, a matrix or vector as nested lists: ("X", "[[1, -2/5], ...]")."""
        arrays: dict[str, dict[tuple[int, ...], sp.Basic]] = {}
        shown: list[tuple[str, str]] = []
        for atom, value in sorted(self.values.values.items(), key=lambda item: sp.default_sort_key(item[0])):
            if isinstance(atom, sp.Indexed):
                if atom.base not in self.entries.inverses:
                    arrays.setdefault(_name(atom.base), {})[tuple(int(i) for i in atom.indices)] = value
            else:
                shown.append((_name(atom), str(value)))
        for name, entries in arrays.items():
            shown.append((name, _nested(entries)))
        return shown


def _nested(entries: dict[tuple[int, ...], sp.Basic]) -> str:
    """Entries of a vector or matrix as ``[a, b]`` or ``[[a, b], [c, d]]`` (a missing entry as ``·``)."""
    if all(len(key) == 1 for key in entries):
        return "[" + ", ".join(str(entries.get((r,), "·")) for r in range(1, max(k[0] for k in entries) + 1)) + "]"
    if not all(len(key) == 2 for key in entries):
        return ", ".join(f"{key}: {value}" for key, value in entries.items())
    rows = max(key[0] for key in entries)
    cols = max(key[1] for key in entries)
    return (
        "["
        + ", ".join(
            "[" + ", ".join(str(entries.get((r, c), "·")) for c in range(1, cols + 1)) + "]" for r in range(1, rows + 1)
        )
        + "]"
    )


def _size_trials(count: int) -> list[tuple[int, ...]]:
    """Distinct small sizes (so a swapped n and d shows), then the other way round, then larger."""
    if count == 0:
        return [()]
    first = tuple(2 + position for position in range(count))
    trials = [first, first[::-1], tuple(value + 1 for value in first)]
    return list(dict.fromkeys(trials))


def _differ(first: sp.Basic, second: sp.Basic) -> tuple[bool, tuple[str, str]]:
    if first == second:
        return False, ("", "")
    values = []
    for value in (first, second):
        number = sp.N(value, 30)
        if not number.is_number or number.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or not number.is_real:
            return False, ("", "")
        values.append(number)
    gap = abs(values[0] - values[1])
    if gap <= sp.Float("1e-20", 30) * (1 + abs(values[0])):
        return False, ("", "")
    precise = [sp.N(value, 60) for value in (first, second)]
    if abs(precise[0] - precise[1]) <= sp.Float("1e-40", 60) * (1 + abs(precise[0])):
        return False, ("", "")
    shown = tuple(str(v) if isinstance(v, sp.Rational) else sp.sstr(sp.N(v, 15)) for v in (first, second))
    return True, shown
