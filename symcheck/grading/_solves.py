r"""Equations in an unknown: a condition the answer must satisfy, checked at the answer, not as an identity.

In a part that solves for w (the key's ``solves = { w = ["ols-solution"] }``), a sheet's
``X^\top X w = X^\top y`` or ``2w_1 + w_2 = 3`` is a condition on w, true of the answer and false of most
other vectors; checked as an identity it would be refuted at a random w. Such a link is right when the
key's answer satisfies it (under one of its readings) and wrong when no reading does.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from typing import Any

import sympy as sp

from symcheck.grading._data import DataError, apply_data
from symcheck.grading._explicit import explicit, scalarise
from symcheck.grading._judge import Judge, Judgement
from symcheck.grading._match import Match
from symcheck.grading._notation import names_in
from symcheck.grading._spec import Homework, PartSpec
from symcheck.objects import VectorDerivative

__all__ = ["Solver"]


def _put(expr: sp.Basic, unknown: str, value: sp.Basic) -> sp.Basic | None:
    """``expr`` with the unknown (whole or entry by entry) replaced by ``value``; None if an entry cannot be."""
    matrices = {atom: value for atom in expr.atoms(sp.MatrixSymbol) if str(atom.name) == unknown}
    if matrices:
        if not isinstance(value, sp.MatrixExpr):
            return None
        expr = expr.xreplace(matrices)
    failed = False

    def entry(node: sp.Indexed) -> sp.Basic:
        nonlocal failed
        if len(node.indices) != 1 or not isinstance(value, sp.MatrixExpr):
            failed = True
            return node
        (index,) = node.indices
        if isinstance(value, sp.MatrixBase) and index.is_Integer:
            entries = list(value)
            if 1 <= int(index) <= len(entries):
                return entries[int(index) - 1]
            failed = True
            return node
        from symcheck.matrices import to_index_form

        if value.has(sp.Inverse) or value.has(sp.MatPow):  # an inverse's entry would be an unknown, not A⁻¹
            failed = True
            return node
        try:
            return to_index_form(value, (index,))
        except Exception:  # an index form the matrices module cannot write
            failed = True
            return node

    expr = expr.replace(lambda node: isinstance(node, sp.Indexed) and str(node.base) == unknown, entry)
    return None if failed else expr


class Solver:
    """Judges equations in a part's unknowns at the key's answers."""

    def __init__(self, homework: Homework, judge: Judge) -> None:
        self.homework = homework
        self.judge = judge

    def unknowns_in(self, left: sp.Basic, right: sp.Basic, part: PartSpec) -> list[str]:
        """The part's unknowns that the link ``left = right`` holds, unless it differentiates by one: a derivative
        (∂/∂w_j of something) is an identity to check, not a condition on w."""
        for side in (left, right):
            if isinstance(side, sp.Basic) and side.has(sp.Derivative, VectorDerivative):
                return []
        names = names_in(left) | names_in(right)
        return [unknown for unknown, _ in part.solves if unknown in names]

    def judge_equation(
        self, left: sp.Basic, right: sp.Basic, part: PartSpec, text: str, definitions: tuple, conditions: tuple
    ) -> Judgement | None:
        """The link ``left = right`` judged at the answers of the unknowns it holds; None if it holds none."""
        names = names_in(left) | names_in(right)
        for unknown, identifiers in part.solves:
            if unknown not in names:
                continue
            verdicts: list[Judgement] = []
            for identifier in identifiers:
                quantity = self.homework.quantity(identifier)
                if quantity is None:
                    continue
                for valued in self.judge.values(Match(quantity, ())):
                    judged = self._at(left, right, unknown, valued.value, part, text, definitions, conditions)
                    if judged is None:
                        judged = self._at_instance(left, right, unknown, valued.value, part)
                    if judged is None:
                        continue
                    if judged.verdict == "correct":
                        return replace(
                            judged, detail=f"the answer {unknown} = {_shown(valued.value)} ({valued.name}) satisfies it"
                        )
                    verdicts.append(judged)
            if verdicts and all(judged.verdict == "wrong" for judged in verdicts):
                return replace(verdicts[0], detail=f"the answer {unknown} does not satisfy it")
        return None

    def _at_instance(self, left: Any, right: Any, unknown: str, value: sp.Basic, part: PartSpec) -> Judgement | None:
        """The equation at one explicit instance (random X and y, n = 3, d = 2), with the answer computed there:
        wrong if it fails there (a real counterexample), None otherwise (agreeing at a point proves nothing)."""
        matrices = dict(self.homework.notation_of(part).matrices)
        names = (names_in(left) | names_in(right) | names_in(value)) - {unknown}
        names |= {str(size) for shape in matrices.values() for size in shape if isinstance(size, str)}
        scalars = {
            str(atom)
            for side in (left, right, value)
            for atom in side.free_symbols
            if isinstance(atom, sp.Symbol) and not atom.is_integer and str(atom) not in matrices
        }
        data = _instance(names, matrices, seed=7) + tuple((name, 0.75) for name in sorted(scalars - set(_SIZES)))
        left, right = scalarise(left), scalarise(right)
        bound = {limit[0] for side in (left, right) for node in side.atoms(sp.Sum) for limit in node.limits}
        free = sorted(
            {
                symbol
                for side in (left, right)
                for symbol in side.free_symbols
                if isinstance(symbol, sp.Symbol)
                and symbol.is_integer
                and symbol not in bound
                and str(symbol) not in _SIZES
            },
            key=str,
        )
        try:
            answer = explicit(apply_data(value, data))
        except (DataError, TypeError, ValueError, ZeroDivisionError):
            return None
        if answer is None:
            return None
        for values in itertools.product(range(1, 3), repeat=len(free)):
            point = dict(zip(free, (sp.Integer(v) for v in values), strict=True))
            try:
                first = _put(apply_data(left.xreplace(point), data), unknown, answer)
                second = _put(apply_data(right.xreplace(point), data), unknown, answer)
                if first is None or second is None:
                    return None
                a, b = sp.N(first, 30), sp.N(second, 30)
            except (DataError, TypeError, ValueError, ZeroDivisionError):
                return None
            if not (a.is_number and b.is_number):
                return None
            if abs(a - b) > 1e-20:
                shown = ", ".join(f"{name} = {value}" for name, value in data if name not in _SIZES)
                where = ", ".join(f"{symbol} = {value}" for symbol, value in point.items())
                return Judgement(
                    "wrong",
                    detail=f"at n = 3, d = 2, {shown}, the answer {unknown} = {_shown(answer)} gives "
                    f"{sp.N(a, 6)} ≠ {sp.N(b, 6)}" + (f" (at {where})" if where else ""),
                )
        return None

    def _at(
        self, left: Any, right: Any, unknown: str, value: sp.Basic, part: PartSpec, text: str, definitions, conditions
    ):
        try:
            first, second = _put(left, unknown, value), _put(right, unknown, value)
        except (TypeError, ValueError):
            return None
        if first is None or second is None:
            return None
        return self.judge.step(first, "=", second, "", text, definitions, part, conditions)


_SIZES = {"n": 3, "d": 2, "N": 3, "D": 2, "m": 3, "K": 3}


def _instance(names: set[str], matrices: dict, seed: int) -> tuple[tuple[str, Any], ...]:
    """Data for one explicit instance: random exact entries for the declared matrices and vectors named, small
    distinct sizes, and a positive value for every other name."""
    rng = random.Random(seed)
    sizes = {name: size for name, size in _SIZES.items()}

    def number() -> float:
        return rng.choice([-3, -2, -1, 1, 2, 3, 5]) / rng.choice([1, 2, 4, 5])

    data: list[tuple[str, Any]] = [(name, size) for name, size in sizes.items() if name in names]
    for name in sorted(names):
        shape = matrices.get(name)
        if shape is None:
            continue
        rows, columns = (sizes.get(str(size), size) if not isinstance(size, int) else size for size in shape)
        if not isinstance(rows, int) or not isinstance(columns, int):
            continue
        if columns == 1:
            data.append((name, [number() for _ in range(rows)]))
        else:
            data.append((name, [[number() for _ in range(columns)] for _ in range(rows)]))
    return tuple(data)


def _shown(value: sp.Basic) -> str:
    if isinstance(value, sp.MatrixBase):
        return "(" + ", ".join(sp.sstr(entry) for entry in value) + ")"
    return sp.sstr(value)
