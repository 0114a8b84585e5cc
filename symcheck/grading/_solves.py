r"""Equations in an unknown: a condition the answer must satisfy, checked at the answer, not as an identity.

In a part that solves for w (the key's ``solves = { w = ["ols-solution"] }``), a sheet's
``X^\top X w = X^\top y`` or ``2w_1 + w_2 = 3`` is a condition on w, true of the answer and false of most
other vectors; checked as an identity it would be refuted at a random w. Such a link is right when the
key's answer satisfies it (under one of its readings) and wrong when no reading does.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sympy as sp

from symcheck.grading._judge import Judge, Judgement
from symcheck.grading._match import Match
from symcheck.grading._notation import names_in
from symcheck.grading._spec import Homework, PartSpec

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
        """The part's unknowns that the link ``left = right`` holds."""
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
                        continue
                    if judged.verdict == "correct":
                        return replace(
                            judged, detail=f"the answer {unknown} = {_shown(valued.value)} ({valued.name}) satisfies it"
                        )
                    verdicts.append(judged)
            if verdicts and all(judged.verdict == "wrong" for judged in verdicts):
                return replace(verdicts[0], detail=f"the answer {unknown} does not satisfy it")
        return None

    def _at(
        self, left: Any, right: Any, unknown: str, value: sp.Basic, part: PartSpec, text: str, definitions, conditions
    ):
        first, second = _put(left, unknown, value), _put(right, unknown, value)
        if first is None or second is None:
            return None
        return self.judge.step(first, "=", second, "", text, definitions, part, conditions)


def _shown(value: sp.Basic) -> str:
    if isinstance(value, sp.MatrixBase):
        return "(" + ", ".join(sp.sstr(entry) for entry in value) + ")"
    return sp.sstr(value)
