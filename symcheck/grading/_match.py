r"""What a claim is about: its subject unified with the ``about`` patterns of the key's quantities.

A pattern is LaTeX in the key's names, read with the part's notation; its index variables (the
quantity's ``indices``, such as ``a`` and ``b``) match any index or number the sheet wrote, the same
variable the same index each time, and variables named ``distinct`` must take different indices. So
``\frac{\partial \hat{y}_a}{\partial z_b}`` with a ≠ b is about ∂ŷ_k/∂z_i (a = k, b = i) and not
∂ŷ_k/∂z_k. A bare name in a pattern matches the name, a call of it (``L`` matches ``L(y, \hat{y})``) and
any entry of it; ``L_a`` matches ``L_1`` and ``L_k``.

Quantities are searched in the part where the claim stands, then in the other parts of its question,
then everywhere: a claim's part is the part of the quantity it turns out to be about.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import permutations

import sympy as sp
from sympy.core.function import AppliedUndef

from symcheck.grading._parts import Place
from symcheck.grading._spec import Homework, Quantity
from symcheck.objects import VectorDerivative
from symcheck.reader import LatexSyntaxError, SymbolTable, read_expression

__all__ = ["Match", "Matcher", "unify"]

Binding = dict[str, sp.Basic]


@dataclass(frozen=True)
class Match:
    """A quantity a subject is about, with the sheet's index for each of the quantity's index variables."""

    quantity: Quantity
    binding: tuple[tuple[str, sp.Basic], ...]

    @property
    def bound(self) -> Binding:
        return dict(self.binding)


def _index_like(value: sp.Basic) -> bool:
    return (
        value.is_Integer
        or (isinstance(value, sp.Symbol) and bool(value.is_integer))
        or (isinstance(value, sp.Expr) and value.is_integer is True and len(value.free_symbols) <= 1)
    )


def _bind(name: str, value: sp.Basic, binding: Binding) -> bool:
    if name in binding:
        return binding[name] == value or str(binding[name]) == str(value)
    if not _index_like(value):
        return False
    binding[name] = value
    return True


def _name(value: sp.Basic) -> str | None:
    if isinstance(value, (sp.Symbol, sp.IndexedBase, sp.MatrixSymbol)):
        return str(value)
    return None


def _suffix_binding(pattern: str, subject: str, variables: frozenset[str], binding: Binding) -> bool:
    """``L_a`` against ``L_1``: the name with an index variable for a subscript."""
    base, _, variable = pattern.rpartition("_")
    variable = variable.strip("{}")
    if not base or variable not in variables or not subject.startswith(base + "_"):
        return False
    written = subject[len(base) + 1 :].strip("{}")
    if not re.fullmatch(r"[0-9]+|[A-Za-z]", written):
        return False
    value = sp.Integer(int(written)) if written.isdigit() else sp.Symbol(written, integer=True, positive=True)
    return _bind(variable, value, binding)


def unify(pattern: sp.Basic, subject: sp.Basic, variables: frozenset[str], binding: Binding) -> bool:
    """Whether ``subject`` is an instance of ``pattern``; ``binding`` collects the index variables."""
    if isinstance(pattern, (sp.Symbol, sp.IndexedBase)) and str(pattern) in variables:
        return _bind(str(pattern), subject, binding)
    pattern_name = _name(pattern)
    if pattern_name is not None:
        subject_name = _name(subject)
        if subject_name == pattern_name:
            return True
        if isinstance(subject, AppliedUndef) and subject.func.__name__ == pattern_name:
            return True
        if isinstance(subject, sp.Indexed) and str(subject.base) == pattern_name:
            return True
        return subject_name is not None and _suffix_binding(pattern_name, subject_name, variables, binding)
    if pattern.is_Number:
        return bool(subject.is_Number) and pattern == subject
    if isinstance(pattern, sp.Indexed):
        if not isinstance(subject, sp.Indexed) or str(subject.base) != str(pattern.base):
            return False
        if len(subject.indices) != len(pattern.indices):
            return False
        return all(unify(p, s, variables, binding) for p, s in zip(pattern.indices, subject.indices, strict=True))
    if isinstance(pattern, AppliedUndef):
        if not isinstance(subject, AppliedUndef) or subject.func.__name__ != pattern.func.__name__:
            return False
        return _unify_args(pattern.args, subject.args, variables, binding, ordered=True)
    if isinstance(pattern, sp.Derivative):
        if not isinstance(subject, sp.Derivative) or len(pattern.variable_count) != len(subject.variable_count):
            return False
        pairs = zip(pattern.variable_count, subject.variable_count, strict=True)
        return unify(pattern.expr, subject.expr, variables, binding) and all(
            p_count == s_count and unify(p_var, s_var, variables, binding)
            for (p_var, p_count), (s_var, s_count) in pairs
        )
    if type(pattern) is not type(subject) or len(pattern.args) != len(subject.args):
        return False
    ordered = not (isinstance(pattern, (sp.Add, sp.Mul)) and len(pattern.args) <= 3)
    return _unify_args(pattern.args, subject.args, variables, binding, ordered=ordered)


def _unify_args(
    patterns: tuple, subjects: tuple, variables: frozenset[str], binding: Binding, *, ordered: bool
) -> bool:
    if len(patterns) != len(subjects):
        return False
    orders = [subjects] if ordered else list(permutations(subjects))
    for order in orders:
        trial = dict(binding)
        if all(unify(p, s, variables, trial) for p, s in zip(patterns, order, strict=True)):
            binding.clear()
            binding.update(trial)
            return True
    return False


def _distinct(quantity: Quantity, binding: Binding) -> bool:
    for first, second in quantity.distinct:
        if first in binding and second in binding and str(binding[first]) == str(binding[second]):
            return False
    variables = [binding[name] for name in quantity.indices if name in binding]
    repeated = {str(value) for value in variables if variables.count(value) > 1}
    declared = {name for pair in quantity.distinct for name in pair}
    return not (repeated and declared)


class Matcher:
    """Finds the quantity a subject is about, for one homework (patterns read once per notation)."""

    def __init__(self, homework: Homework, tables: dict[str | None, SymbolTable]) -> None:
        self.homework = homework
        self.tables = tables
        self._order = {part.part: index for index, part in enumerate(homework.parts)}

    @functools.lru_cache(maxsize=4096)  # noqa: B019 (one matcher per graded sheet)
    def patterns(self, quantity_id: str, table_key: str | None) -> tuple[sp.Basic, ...]:
        quantity = self.homework.quantity(quantity_id)
        table = self.tables.get(table_key) or self.tables.get(quantity.part)  # type: ignore[union-attr]
        found = []
        for text in quantity.about:  # type: ignore[union-attr]
            try:
                found.append(read_expression(text, table))
            except (LatexSyntaxError, TypeError):
                continue
        return tuple(found)

    def _scopes(self, place: Place) -> Iterator[list[Quantity]]:
        parts = self.homework.parts
        if place.part is not None:
            yield list(self.homework.part(place.part).quantities)  # type: ignore[union-attr]
        if place.question is not None:
            yield [
                q
                for part in parts
                if part.question_number == place.question and part.part != place.part
                for q in part.quantities
            ]
            return  # another question's quantities are in another notation: not searched
        yield [q for part in parts for q in part.quantities]

    def candidates(self, subject: sp.Basic, place: Place, kinds: tuple[str, ...] = ("value",)) -> Iterator[Match]:
        """Every quantity ``subject`` is about: nearest scope first, the most specific pattern first within it."""
        for scope in self._scopes(place):
            found: list[tuple[int, int, Match]] = []
            for order, quantity in enumerate(scope):
                if quantity.kind not in kinds:
                    continue
                best = None
                for pattern in self.patterns(quantity.id, quantity.part):
                    binding: Binding = {}
                    if unify(pattern, subject, frozenset(quantity.indices), binding) and _distinct(quantity, binding):
                        size = _size(pattern)
                        if best is None or size > best[0]:
                            best = (size, Match(quantity, tuple(sorted(binding.items()))))
                if best is not None:
                    found.append((-best[0], order, best[1]))
            for _, _, match in sorted(found, key=lambda entry: entry[:2]):
                yield match

    def find(self, subject: sp.Basic, place: Place, kinds: tuple[str, ...] = ("value",)) -> Match | None:
        return next(self.candidates(subject, place, kinds), None)


def _size(pattern: sp.Basic) -> int:
    """How specific a pattern is: its number of nodes (``BCE(y_a, p_a)`` is more specific than ``BCE``)."""
    return sum(1 for _ in sp.preorder_traversal(pattern))


def is_vector_derivative(value: sp.Basic) -> bool:
    return isinstance(value, VectorDerivative)
