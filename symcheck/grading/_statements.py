r"""The computations that decide statements in words: each key statement's truth, computed once per run.

A statement of the key ("MSE is a linear function of ŷ", "after the max-shift every logit lies in
[0, 1]") comes with a check, and the check's result is the statement's truth: a relation proved or
refuted, a second derivative that is or is not zero, an exponential that does or does not overflow a
double, an identity, or a registered derivation's result. A sheet that asserts the statement is right
exactly when it is true; a sheet that denies it, exactly when it is false.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from typing import Any

import sympy as sp

from symcheck.grading._compare import Comparer, index_ranges
from symcheck.grading._data import DataError, apply_data
from symcheck.grading._mistakes import diagnose_relation, tex_relation
from symcheck.grading._numbers import decimal_text, numeric_value
from symcheck.grading._spec import Homework, Statement
from symcheck.grading._values import Resolver, named_atoms
from symcheck.model import Assumptions, Definition, assume
from symcheck.printing import latex
from symcheck.results import Verdict

__all__ = ["Fact", "StatementChecker"]

_FLOAT_MAX_LOG = math.log(sys.float_info.max)


@dataclass(frozen=True)
class Fact:
    """What a statement's check found: its truth, what does hold (LaTeX), and how it was decided."""

    truth: bool | None
    holds: str = ""
    """The true fact, as LaTeX, to show a student
    (``\\frac{\\partial^2}{\\partial \\hat{y}^2}(y - \\hat{y})^2 = 2``)."""
    evidence: str = ""
    loose: str | None = None
    """For an identity between objectives that is false: the monotone relation that does hold, if any."""
    hint: str | None = None
    """A recognised mistake in asserting it (a reversed inequality, a range that holds for e^x)."""


def _evidence(verdict: Verdict) -> str:
    text = verdict.method + (f": {verdict.detail}" if verdict.detail else "")
    if verdict.counterexample is not None:
        text += f" (counterexample {verdict.counterexample})"
    return text


class StatementChecker:
    """Decides the key's statements (each once per run) with the engine's checks."""

    def __init__(self, homework: Homework, resolver: Resolver, comparer: Comparer, table_of) -> None:  # type: ignore[no-untyped-def]
        self.homework = homework
        self.resolver = resolver
        self.comparer = comparer
        self.table_of = table_of
        self._facts: dict[str, Fact] = {}

    def fact(self, statement: Statement) -> Fact:
        if statement.id not in self._facts:
            self.comparer.start(None)
            self._facts[statement.id] = self._decide(statement)
        return self._facts[statement.id]

    # --------------------------------------------------------------- helpers

    def _resolve(self, statement: Statement, name: str) -> Any:
        spec = statement.check.value(name)
        value = self.resolver.resolve(
            spec, claim=f"{statement.part} {statement.id}", table=self.table_of(statement.part)
        )  # type: ignore[arg-type]
        try:
            return apply_data(value, spec.data) if spec is not None else value  # type: ignore[union-attr]
        except DataError:
            return value

    def _setting(self, statement: Statement, *expressions: sp.Basic) -> tuple[Assumptions, tuple[Definition, ...]]:
        backing = self.resolver.backing(statement.derivation, statement.id) if statement.derivation else None
        assumptions = backing.assumptions if backing else Assumptions()
        definitions = backing.definitions if backing else ()
        atoms = named_atoms(*expressions)
        groups: dict[str, list[sp.Basic]] = {}
        for domain, names in statement.check.assume:
            for name in names:
                atom = atoms.get(name)
                if atom is not None:
                    groups.setdefault(domain, []).append(atom)
        if groups:
            assumptions = assumptions.merged(assume(**groups))  # type: ignore[arg-type]
        upper = next(
            (node.limits[0][2] for e in expressions for node in sp.preorder_traversal(e) if isinstance(node, sp.Sum)),
            None,
        )
        return index_ranges(
            expressions, assumptions, upper if upper is not None and upper.free_symbols else None
        ), definitions

    # --------------------------------------------------------------- the checks

    def _decide(self, statement: Statement) -> Fact:
        kind = statement.check.kind
        decide = {
            "identity": self._identity,
            "relation": self._relation,
            "linearity": self._linearity,
            "overflow": self._overflow,
            "derivation": self._derivation,
        }[kind]
        return decide(statement)

    def _identity(self, statement: Statement) -> Fact:
        left, right = self._resolve(statement, "left"), self._resolve(statement, "right")
        assumptions, definitions = self._setting(statement, left, right)
        verdict = self.comparer.check(right, left, assumptions, definitions)
        shown = rf"{latex(left)} = {latex(right)}"
        if verdict.holds is not False or not statement.check.objective:
            return Fact(
                verdict.holds, shown if verdict.holds else rf"{latex(left)} \neq {latex(right)}", _evidence(verdict)
            )
        for transform, name in _monotone(left):
            if self.comparer.check(right, transform(left), assumptions, definitions).holds:
                loose = rf"{latex(right)} = {name}\left({latex(left)}\right)"
                return Fact(False, loose, _evidence(verdict), loose=loose)
        return Fact(False, rf"{latex(left)} \neq {latex(right)}", _evidence(verdict))

    def _relation(self, statement: Statement) -> Fact:
        relation = self._resolve(statement, "relation")
        if not isinstance(relation, (sp.Rel, sp.And, sp.Contains)):
            raise TypeError(f"the check of {statement.id} is not a relation")
        assumptions, definitions = self._setting(statement, relation)
        verdict = self.comparer.check(relation, None, assumptions, definitions)
        if verdict.holds is not False:
            return Fact(verdict.holds, tex_relation(relation), _evidence(verdict))

        def holds(candidate: sp.Basic) -> bool | None:
            return self.comparer.check(candidate, None, assumptions, definitions).holds

        found, corrected = diagnose_relation(relation, holds)
        hint = found.sentence if found.key is not None else None
        shown = latex(corrected) if corrected is not None else rf"\text{{not }} {tex_relation(relation)}"
        return Fact(False, shown, _evidence(verdict), hint=hint)

    def _linearity(self, statement: Statement) -> Fact:
        expression = self._resolve(statement, "expression")
        variable = named_atoms(expression).get(statement.check.variable or "")
        if not isinstance(expression, sp.Expr) or variable is None:
            raise TypeError(f"the check of {statement.id} has no variable {statement.check.variable!r}")
        second = sp.diff(expression, variable, 2)
        assumptions, definitions = self._setting(statement, expression)
        verdict = self.comparer.check(second, sp.Integer(0), assumptions, definitions)
        derivative = rf"\frac{{\partial^{{2}}}}{{\partial {latex(variable)}^{{2}}}}"
        fact = rf"{derivative} \left({latex(expression)}\right) = {latex(sp.simplify(second))}"
        return Fact(verdict.holds, fact, _evidence(verdict))

    def _overflow(self, statement: Statement) -> Fact:
        expression = self._resolve(statement, "expression")
        point = apply_data(expression, statement.check.at)
        exponents = [numeric_value(node.args[0]) for node in point.atoms(sp.exp)]
        largest = max((value for value in exponents if value is not None), default=None)
        if largest is None:
            return Fact(False, r"\text{no exponential to overflow}", "no exponential at this point")
        overflow = largest > _FLOAT_MAX_LOG
        magnitude = float(largest) / math.log(10)
        comparison = ">" if overflow else r"\leq"
        fact = rf"e^{{{decimal_text(largest, 0)}}} \approx 10^{{{magnitude:.1f}}} {comparison} 1.8 \times 10^{{308}}"
        return Fact(
            overflow, fact, f"largest exponent {float(largest):.6g} against ln(max double) {_FLOAT_MAX_LOG:.6g}"
        )

    def _derivation(self, statement: Statement) -> Fact:
        derivation = self.resolver.derivation(statement.check.derivation or "", statement.id)
        subject = derivation.result
        assumptions = derivation.assumptions
        if statement.check.step is not None:
            steps = derivation.steps
            step = statement.check.step
            chosen = (
                steps[step - 1]
                if isinstance(step, int)
                else next((s for s in steps if s.label == step or s.rule == step), None)
            )
            if chosen is None:
                raise TypeError(f"{derivation.name} has no step {step!r}")
            subject = chosen.statement
            assumptions = assumptions.merged(chosen.assumptions)
        verdict = self.comparer.check(subject, None, assumptions, derivation.definitions)
        return Fact(verdict.holds, latex(subject), _evidence(verdict))


def _monotone(left: sp.Basic) -> list[tuple[Any, str]]:
    """Strictly monotone maps that keep an optimum: −log(·)/n and −log (decreasing), log (increasing)."""
    counts: list[sp.Basic] = []
    for node in sp.preorder_traversal(left):
        if isinstance(node, (sp.Sum, sp.Product)):
            counts += [limit[2] for limit in node.limits if limit[2].free_symbols]
    found: list[tuple[Any, str]] = [
        (lambda value, count=count: -sp.log(value) / count, rf"-\frac{{1}}{{{latex(count)}}} \log")
        for count in dict.fromkeys(counts)
    ]
    return [*found, (lambda value: -sp.log(value), r"-\log"), (lambda value: sp.log(value), r"\log")]
