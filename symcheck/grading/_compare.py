"""Comparisons for grading: the engine's checks, with names unified, a deadline, a memo and a quick refuter.

A student's symbols come from the reader (``λ`` is a real symbol) and a target's from the library
(``λ`` is positive): the same name is the same quantity, so before comparing, each atom of the
student's expression is replaced by the target's atom of the same name. The checks themselves are
the engine's (:func:`symcheck.verify.check_statement`, which substitutes definitions and calls
:func:`symcheck.equivalent` or :func:`symcheck.holds`).

Diagnosing a wrong answer compares it with a dozen candidates; most are refuted at the first
random point, so :meth:`Comparer.same` probes two points before asking the engine for a proof.
Every verdict is memoised for the run: the same comparison in two claims (or two readings) is
decided once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symcheck.budget import BudgetExceeded, Deadline
from symcheck.definitions import expand_definitions
from symcheck.errors import SymcheckError
from symcheck.model import Assumptions, Definition, assume
from symcheck.normalize import evaluate_derivatives
from symcheck.probe import probe
from symcheck.results import Verdict
from symcheck.verify import check_statement

__all__ = ["Comparer", "index_ranges", "unify"]

QUICK_POINTS = 3
"""Random points tried before a candidate diagnosis is sent to the engine for a proof."""


def unify(expr: Any, *references: Any) -> Any:
    """``expr`` with each symbol, indexed base and function renamed to the references' object of that name."""
    if not isinstance(expr, sp.Basic):
        return expr
    by_name: dict[tuple[str, str], sp.Basic] = {}
    for reference in references:
        for atom in _named(reference):
            by_name.setdefault(_identity(atom), atom)
    mapping: dict[sp.Basic, sp.Basic] = {}
    for atom in _named(expr):
        target = by_name.get(_identity(atom))
        if target is not None and target != atom:
            mapping[atom] = target
    functions = {
        node.func: by_name[("function", node.func.__name__)]
        for node in expr.atoms(AppliedUndef)
        if ("function", node.func.__name__) in by_name
    }
    if functions:
        expr = expr.replace(
            lambda node: isinstance(node, AppliedUndef) and node.func in functions,
            lambda node: functions[node.func](*node.args),
        )
    return expr.xreplace(mapping) if mapping else expr


def _named(value: Any) -> list[sp.Basic]:
    if isinstance(value, (tuple, list)):
        return [atom for item in value for atom in _named(item)]
    if not isinstance(value, sp.Basic):
        return []
    atoms: list[sp.Basic] = list(value.atoms(sp.Symbol, sp.IndexedBase))
    atoms += [node.base for node in value.atoms(sp.Indexed)]
    atoms += [node.func for node in value.atoms(AppliedUndef)]
    return atoms


def _identity(atom: sp.Basic) -> tuple[str, str]:
    if isinstance(atom, sp.IndexedBase):
        return ("indexed", str(atom.label))
    if isinstance(atom, sp.Symbol):
        return ("symbol", atom.name)
    return ("function", getattr(atom, "__name__", str(atom)))


def _hyperbolic_as_exponentials(expr: Any) -> Any:
    """tanh, sinh and cosh written with exponentials, where σ and the rest of an answer live: tanh z = 2σ(2z) − 1
    is then a rational identity in e^{−2z}, decided in milliseconds rather than by a general simplification."""
    if not isinstance(expr, sp.Basic) or not expr.has(sp.tanh, sp.sinh, sp.cosh):
        return expr
    return expr.replace(lambda node: isinstance(node, (sp.tanh, sp.sinh, sp.cosh)), lambda node: node.rewrite(sp.exp))


def index_ranges(expressions: Iterable[Any], assumptions: Assumptions, upper: sp.Basic | None) -> Assumptions:
    """``assumptions`` plus the range 1..``upper`` for every free index of an indexed name not declared yet."""
    if upper is None:
        return assumptions
    declared = {declared.index for declared in assumptions.indices}
    found: dict[sp.Symbol, tuple[Any, Any]] = {}
    for expr in expressions:
        if not isinstance(expr, sp.Basic):
            continue
        bound = {limit[0] for node in expr.atoms(sp.Sum, sp.Product) for limit in node.limits}
        for node in expr.atoms(sp.Indexed):
            for index in node.indices:
                if isinstance(index, sp.Symbol) and index.is_integer and index not in declared and index not in bound:
                    found[index] = (1, upper)
    if not found:
        return assumptions
    return assumptions.merged(assume(indices=found, instances=assumptions.instances))


class _Memo(dict):
    """Verdicts by what was compared, shared by every grading run of a process (a class's sheets state the same
    formulas again and again); bounded, the oldest half dropped when full. A verdict depends only on its key."""

    LIMIT = 50_000

    def __setitem__(self, key: tuple, value: Verdict) -> None:
        if len(self) >= self.LIMIT:
            for old in list(self)[: self.LIMIT // 2]:
                del self[old]
        super().__setitem__(key, value)


_SHARED = _Memo()


def _settled(verdict: Verdict) -> bool:
    """A verdict the same comparison always gets: decided, or undecided for a reason no budget changes (never
    one the time budget cut short, so a sheet's report does not depend on the sheets graded before it)."""
    if verdict.holds is not None:
        return True
    budgeted = verdict.method in ("timeout", "numeric probe", "ball arithmetic") or "time" in (verdict.detail or "")
    return not budgeted


def _arities(expr: sp.Basic) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for node in expr.atoms(sp.Indexed):
        found.setdefault(str(node.base), set()).add(len(node.indices))
    return found


def _arity_mismatch(statement: sp.Basic, reference: sp.Basic | None) -> str:
    """Why the two cannot be compared when a name carries more indices on one side (the sheet's ``y_{0,c}``,
    sample 0's class c, against the key's ``y_c``): another notation, never a counterexample."""
    if not isinstance(reference, sp.Basic) or not isinstance(statement, sp.Basic):
        return ""
    theirs, ours = _arities(statement), _arities(reference)
    for name in sorted(set(theirs) & set(ours)):
        if not theirs[name] & ours[name]:
            shown, wanted = min(theirs[name]), min(ours[name])
            return (
                f"{name} is written with {shown} ind{'ex' if shown == 1 else 'ices'} where the question's has {wanted}"
            )
    return ""


class Comparer:
    """The engine's checks for one grading run, bounded by each claim's deadline and memoised."""

    def __init__(self) -> None:
        self._memo = _SHARED
        self.deadline = Deadline(None)

    def start(self, seconds: float | None) -> None:
        """Begin a claim's time budget."""
        self.deadline = Deadline(seconds)

    def _budget(self) -> float | None:
        remaining = self.deadline.remaining()
        if remaining is not None and remaining <= 0:
            raise BudgetExceeded("the claim's time budget ran out")
        return remaining

    def check(
        self,
        statement: sp.Basic,
        reference: sp.Basic | None,
        assumptions: Assumptions,
        definitions: tuple[Definition, ...],
    ) -> Verdict:
        """``statement`` (an expression equal to ``reference``, an equation or a relation) checked."""
        key = (statement, reference, assumptions, definitions)
        if key in self._memo:
            return self._memo[key]
        mismatch = _arity_mismatch(statement, reference)
        if mismatch:
            return Verdict(None, "notation", mismatch)
        statement, reference = _hyperbolic_as_exponentials(statement), _hyperbolic_as_exponentials(reference)
        try:
            verdict = check_statement(
                statement, reference, assumptions=assumptions, definitions=definitions, timeout=self._budget()
            )
        except BudgetExceeded:
            verdict = Verdict(None, "timeout", "not decided within the claim's time budget")
        except SymcheckError as error:
            verdict = Verdict(None, "unsupported", str(error))
        except (TypeError, ValueError, AttributeError, NotImplementedError, RecursionError, ZeroDivisionError) as error:
            verdict = Verdict(None, "unsupported", f"cannot be compared: {type(error).__name__}: {error}")
        if _settled(verdict):
            self._memo[key] = replace(verdict, seconds=0.0)
        return verdict

    def same(
        self,
        candidate: sp.Basic,
        student: sp.Basic,
        assumptions: Assumptions,
        definitions: tuple[Definition, ...],
    ) -> bool:
        """Whether a diagnosis candidate is the student's expression (refuted fast when it is not)."""
        if candidate == student:
            return True
        if self._quickly_refuted(candidate, student, assumptions, definitions):
            return False
        return self.check(student, candidate, assumptions, definitions).holds is True

    def _quickly_refuted(
        self, first: sp.Basic, second: sp.Basic, assumptions: Assumptions, definitions: tuple[Definition, ...]
    ) -> bool:
        key = ("quick", first, second, assumptions, definitions)
        if key in self._memo:
            return self._memo[key].holds is False
        try:
            left = evaluate_derivatives(expand_definitions(first, definitions))
            right = evaluate_derivatives(expand_definitions(second, definitions))
            outcome = probe(left, right, assumptions, Deadline(self._budget()), points=QUICK_POINTS, min_agreements=1)
        except BudgetExceeded:
            raise
        except Exception:  # a candidate the prober cannot evaluate is left to the engine
            return False
        refuted = outcome.counterexample is not None
        self._memo[key] = Verdict(False if refuted else None, "quick probe")
        return refuted
