"""Mutation testing of the library: a derivation with one wrong step fails at that step.

Each eligible step of every registered derivation is mutated one way (flip a sign, drop a factor,
swap the indices i and k, transpose a shape). A mutant counts only if plain SymPy evaluation, at
concrete sizes and random points, shows it really differs from the original; the engine must then
reject the mutated derivation at exactly the mutated step.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
import sympy as sp

from symcheck import ShapeIs, registry
from symcheck.definitions import expand_definitions
from symcheck.verify import verify

registry.load_entry_points()
NAMES = [entry.name for entry in registry.entries()]
KINDS = ("flip a sign", "drop a factor", "swap i and k")


def _flip(expr: sp.Expr) -> sp.Expr | None:
    return -expr


def _drop_factor(expr: sp.Expr) -> sp.Expr | None:
    for node in sp.preorder_traversal(expr):
        if node.is_Mul:
            factors = [factor for factor in node.args if not factor.is_number]
            if len(factors) >= 2 or (len(factors) == 1 and len(node.args) > 1):
                dropped = sp.Mul(*(arg for arg in node.args if arg is not factors[-1]))
                return expr.xreplace({node: dropped})
    return None


def _swap(expr: sp.Expr) -> sp.Expr | None:
    """Swap i and k in one indexed occurrence (ŷ_k → ŷ_i); swapping everywhere is often a symmetry."""
    names = {symbol.name: symbol for symbol in expr.free_symbols}
    if "i" not in names or "k" not in names:
        return None
    i, k = names["i"], names["k"]
    candidates = sorted((node for node in expr.atoms(sp.Indexed) if k in node.indices or i in node.indices), key=str)
    if not candidates:
        return None
    target = candidates[-1]
    return expr.xreplace({target: target.xreplace({i: k, k: i})})


MUTATIONS = {"flip a sign": _flip, "drop a factor": _drop_factor, "swap i and k": _swap}


def _mutate(statement: sp.Basic, kind: str) -> tuple[sp.Basic, sp.Basic, sp.Basic] | None:
    """(mutated statement, original side, mutated side) or None when the mutation does not apply."""
    if isinstance(statement, sp.Equality):
        side = MUTATIONS[kind](statement.rhs)
        return None if side is None else (sp.Eq(statement.lhs, side, evaluate=False), statement.rhs, side)
    if isinstance(statement, sp.Expr):
        side = MUTATIONS[kind](statement)
        return None if side is None else (side, statement, side)
    return None


def _value_of(atom: sp.Basic, trial: int) -> sp.Rational:
    """The same value for the same atom on both sides, whatever order atoms are met in."""
    seeded = random.Random(f"{atom}:{trial}")
    return sp.Rational(seeded.randint(15, 85), 100)


def _concrete(expr: sp.Basic, derivation, trial: int) -> complex | None:
    """Plain SymPy evaluation at small distinct sizes and a random point (no symcheck decision)."""
    expr = expand_definitions(expr, derivation.definitions)
    sizes = {bound: 3 + offset for offset, bound in enumerate(derivation.assumptions.symbolic_bounds)}
    # distinct index values in one trial, coinciding ones in another (diagonal and off-diagonal)
    indices = {
        declared.index: 1 + (position * (trial % 2 == 0)) % 3
        for position, declared in enumerate(derivation.assumptions.indices)
    }
    expr = expr.subs(sizes).subs(indices).doit()
    values = {}
    for atom in expr.atoms(sp.Symbol, sp.Indexed):
        if isinstance(atom, sp.Symbol) and any(atom == node.base.label for node in expr.atoms(sp.Indexed)):
            continue
        values[atom] = _value_of(atom, trial)
    try:
        value = complex(sp.N(expr.xreplace(values), 30))
    except (TypeError, ValueError):
        return None
    return value


def _really_differs(original: sp.Basic, mutated: sp.Basic, derivation) -> bool:
    for trial in range(4):
        first = _concrete(original, derivation, trial)
        second = _concrete(mutated, derivation, trial)
        if first is None or second is None:
            return False
        if abs(first - second) > 1e-9 * max(1.0, abs(first)):
            return True
    return False


def _mutants(name: str):
    derivation = registry.build(name)
    found = []
    for index, step in enumerate(derivation.steps):
        if step.given or (index == 0 and not isinstance(step.statement, (sp.Equality, ShapeIs))):
            continue
        if isinstance(step.statement, ShapeIs):
            rows, columns = step.statement.shape
            if rows != columns:
                transposed = ShapeIs(step.statement.expression, (columns, rows), step.statement.text)
                found.append((index, "transpose a shape", replace(step, statement=transposed)))
            continue
        for offset in range(len(KINDS)):
            kind = KINDS[(index + offset) % len(KINDS)]
            mutated = _mutate(step.statement, kind)
            if mutated is not None and _really_differs(mutated[1], mutated[2], derivation):
                found.append((index, kind, replace(step, statement=mutated[0])))
                break
    return derivation, found


@pytest.mark.parametrize("name", NAMES)
def test_every_mutant_is_rejected_at_its_step(name: str) -> None:
    derivation, mutants = _mutants(name)
    for index, kind, step in mutants:
        steps = list(derivation.steps)
        steps[index] = step
        report = verify(replace(derivation, steps=tuple(steps)), numeric=False, timeout=10)
        failure = report.first_failure
        assert failure is not None, f"{name}: the mutant '{kind}' of step {index} was accepted"
        assert failure.index == index, f"{name}: '{kind}' at step {index} was reported at step {failure.index}"
        assert failure.status == "failed"


def test_every_kind_of_mutation_is_exercised() -> None:
    seen = set()
    for name in NAMES:
        seen.update(kind for _, kind, _ in _mutants(name)[1])
    assert seen >= {*KINDS, "transpose a shape"}, seen


def test_the_jacobian_rejects_each_mutation() -> None:
    derivation = registry.build("softmax.jacobian")
    statement = derivation.steps[3].statement  # ŷ_i(δ_ik − ŷ_k)
    for kind in KINDS:
        mutated = _mutate(statement, kind)
        assert mutated is not None and _really_differs(mutated[1], mutated[2], derivation), kind
        steps = list(derivation.steps)
        steps[3] = replace(steps[3], statement=mutated[0])
        report = verify(replace(derivation, steps=tuple(steps)), numeric=False)
        assert report.first_failure is not None and report.first_failure.index == 3, (kind, report.to_text(True))
        assert report.first_failure.counterexample is not None


def test_the_ridge_mutant_of_issue_11_is_refused_not_probed() -> None:
    """|S_xy|/(S_xx + λ)² ≤ |S_xy|/S_xx is false at S_xx = 1/4, λ = 1/10, S_xy = 1; it used to be
    "verified at 24 random points (not a proof)"."""
    derivation = registry.build("regularization.ridge_shrinkage")
    step = derivation.steps[2]
    lhs, rhs = step.statement.lhs, step.statement.rhs
    numerator, denominator = sp.fraction(lhs)
    mutant = sp.Le(numerator / denominator**2, rhs, evaluate=False)
    named = {"S_xx": sp.Rational(1, 4), "lambda": sp.Rational(1, 10), "S_xy": sp.Integer(1)}
    witness = {symbol: named[symbol.name] for symbol in mutant.free_symbols}
    assert (mutant.lhs - mutant.rhs).subs(witness) > 0  # plain SymPy: the mutant fails at the witness
    steps = list(derivation.steps)
    steps[2] = replace(step, statement=mutant)
    report = verify(replace(derivation, steps=tuple(steps)), numeric=False)
    assert report.status == "failed" and report.first_failure.index == 2
    assert report.first_failure.counterexample is not None
