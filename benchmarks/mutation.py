"""Mutation testing of the library: mutate every derivation's steps, and count the wrong ones refused.

Each checked step of every registered derivation is mutated in every way that applies: a sign
flipped, an integer exponent changed, a factor dropped, two indices swapped in one entry, the
bounds of a sum changed, a relation's bound moved or turned round, a shape transposed. Each mutant
is checked as ``symcheck verify`` checks that step (against the step it follows from, definitions
substituted, the derivation's assumptions, the default budget).

Whether a mutant is *really* false is decided without symcheck: plain SymPy evaluates the mutated
claim at concrete sizes and random exact points, at points where the original claim holds, and at
the counterexample symcheck gave (re-evaluated by SymPy alone, the original holding there too). A
mutant never shown false there may still be true (a sign flip of a term that is 0, a swap of two
indices the step is symmetric in): it is reported as such and not counted. No really-false mutant
may be verified; the mutation score is the share of really-false mutants that are refused.

    python benchmarks/mutation.py [--timeout 5] [--no-write] [--verbose]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import sympy as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import machine, write_section

KINDS = ("sign", "exponent", "dropped factor", "swapped indices", "changed bounds", "changed limits", "shape")


# --------------------------------------------------------------------------- mutations


def _sign(expr: sp.Basic) -> sp.Basic | None:
    terms = sp.Add.make_args(expr)
    if len(terms) > 1:
        return sp.Add(*terms[:-1], -terms[-1])  # one term's sign, not the whole side
    return -expr


def _exponent(expr: sp.Basic) -> sp.Basic | None:
    for node in sp.preorder_traversal(expr):
        if node.is_Pow and node.args[1].is_Integer and node.args[1] not in (-1, 1):
            return expr.xreplace({node: sp.Pow(node.args[0], node.args[1] + 1)})
    for node in sp.preorder_traversal(expr):
        if node.is_Pow and node.args[1] == -1:
            return expr.xreplace({node: sp.Pow(node.args[0], -2)})
    return None


def _dropped_factor(expr: sp.Basic) -> sp.Basic | None:
    for node in sp.preorder_traversal(expr):
        if node.is_Mul:
            factors = [factor for factor in node.args if not factor.is_number]
            if len(factors) >= 2 or (len(factors) == 1 and len(node.args) > 1):
                dropped = sp.Mul(*(argument for argument in node.args if argument is not factors[-1]))
                return expr.xreplace({node: dropped})
    return None


def _swapped_indices(expr: sp.Basic, indices: list[sp.Symbol]) -> sp.Basic | None:
    present = [index for index in indices if index in expr.free_symbols]
    for first in present:
        for second in present:
            if first == second:
                continue
            for entry in sorted(expr.atoms(sp.Indexed), key=str):
                if first in entry.indices:
                    swapped = entry.xreplace({first: second, second: first})
                    if swapped != entry:
                        return expr.xreplace({entry: swapped})
    return None


def _changed_bounds(expr: sp.Basic) -> sp.Basic | None:
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.Sum, sp.Product)):
            variable, lower, upper = node.limits[0]
            changed = node.func(node.function, (variable, lower, upper - 1), *node.limits[1:])
            return expr.xreplace({node: changed})
    return None


def _side_mutations(expr: sp.Basic, indices: list[sp.Symbol]) -> dict[str, sp.Basic | None]:
    return {
        "sign": _sign(expr),
        "exponent": _exponent(expr),
        "dropped factor": _dropped_factor(expr),
        "swapped indices": _swapped_indices(expr, indices),
        "changed bounds": _changed_bounds(expr),
    }


_TURNED = {sp.LessThan: sp.GreaterThan, sp.StrictLessThan: sp.StrictGreaterThan}
_TURNED.update({value: key for key, value in list(_TURNED.items())})


def mutations(statement: object, indices: list[sp.Symbol]) -> list[tuple[str, object]]:
    """Every (kind, mutated statement) that applies to a step's statement and changes it."""
    from symcheck import ShapeIs

    found: list[tuple[str, object]] = []
    if isinstance(statement, ShapeIs):
        rows, columns = statement.shape
        if rows != columns:
            found.append(("shape", ShapeIs(statement.expression, (columns, rows), statement.text)))
        return found
    if isinstance(statement, sp.Equality):
        for kind, side in _side_mutations(statement.rhs, indices).items():
            if side is not None and side != statement.rhs:
                found.append((kind, sp.Eq(statement.lhs, side, evaluate=False)))
        return found
    if isinstance(statement, sp.Rel):
        lhs, rhs = statement.lhs, statement.rhs
        for kind, side in _side_mutations(lhs, indices).items():
            if side is not None and side != lhs:
                found.append((kind, type(statement)(side, rhs, evaluate=False)))
        moved = rhs - 1 if isinstance(statement, (sp.LessThan, sp.StrictLessThan)) else rhs + 1
        found.append(("changed limits", type(statement)(lhs, moved, evaluate=False)))
        found.append(("changed limits", _TURNED[type(statement)](lhs, rhs, evaluate=False)))
        return found
    if isinstance(statement, sp.Expr):
        for kind, side in _side_mutations(statement, indices).items():
            if side is not None and side != statement:
                found.append((kind, side))
    return found


# --------------------------------------------------------------------------- really false? (plain SymPy)


def _value(atom: sp.Basic, trial: int, domain: str) -> sp.Rational:
    """A value in the atom's declared domain: (0, 1) for probabilities, signed or scaled otherwise."""
    rng = random.Random(f"{atom}:{trial}")
    value = sp.Rational(rng.randint(15, 85), 100)
    if domain in ("unit_interval", "simplex", "one_hot"):
        return value
    value *= 1 if trial % 3 else rng.choice((1, 3, 10))
    if domain in ("positive", "nonnegative", "positive_integer"):
        return value
    if domain == "negative":
        return -value
    return value if trial % 2 == 0 else -value


def _substitute(expr: sp.Basic, values: dict) -> sp.Basic:
    """``subs``, and the same values in a derivative's variables (``∂/∂z[k]`` at k = 2), which ``subs`` leaves."""
    expr = expr.subs(values)
    return expr.replace(
        lambda node: isinstance(node, sp.Derivative),
        lambda node: sp.Derivative(node.expr, *((v.xreplace(values), n) for v, n in node.variable_count)),
    )


def _concrete(expr: sp.Basic, derivation: object, assumptions: object, trial: int) -> complex | None:
    from symcheck.definitions import expand_definitions

    expr = expand_definitions(expr, derivation.definitions)
    sizes = {bound: 3 + offset for offset, bound in enumerate(assumptions.symbolic_bounds)}
    indices = {
        declared.index: 1 + (position * (trial % 2 == 0)) % 3 for position, declared in enumerate(assumptions.indices)
    }
    try:
        expr = _substitute(expr, {key: sp.Integer(value) for key, value in {**sizes, **indices}.items()}).doit()
    except Exception:  # a shape SymPy cannot instantiate, a recursion in doit: not evaluable here
        return None
    labels = {node.base.label for node in expr.atoms(sp.Indexed)}
    values = {}
    for atom in expr.atoms(sp.Symbol, sp.Indexed):
        if atom in labels:
            continue
        declared = assumptions.domain_of(atom.base if isinstance(atom, sp.Indexed) else atom)
        domain = declared.value if declared is not None else ("positive" if atom.is_positive else "real")
        values[atom] = _value(atom, trial, domain)
    try:
        return complex(sp.N(expr.xreplace(values), 30))
    except Exception:  # matrices, unevaluated objects: not a number here
        return None


def _claim_holds(
    statement: object, reference: sp.Basic | None, derivation: object, assumptions: object, trial: int
) -> bool | None:
    """Whether the claim holds at one concrete point (None: cannot be evaluated there)."""
    if isinstance(statement, sp.Rel) and not isinstance(statement, sp.Equality):
        left, right = (
            _concrete(statement.lhs, derivation, assumptions, trial),
            _concrete(statement.rhs, derivation, assumptions, trial),
        )
        if left is None or right is None or abs(left.imag) + abs(right.imag) > 1e-20:
            return None
        margin = left.real - right.real
        tolerance = 1e-20 * max(1.0, abs(left), abs(right))
        if isinstance(statement, (sp.LessThan, sp.StrictLessThan)):
            margin = -margin
        strict = isinstance(statement, (sp.StrictLessThan, sp.StrictGreaterThan))
        return margin > tolerance if strict else margin > -tolerance
    if isinstance(statement, sp.Equality):
        first, second = statement.lhs, statement.rhs
    else:
        first, second = statement, reference
    left = _concrete(first, derivation, assumptions, trial)
    right = _concrete(second, derivation, assumptions, trial)
    if left is None or right is None:
        return None
    return abs(left - right) <= 1e-15 * max(1.0, abs(left), abs(right))


def _at_point(expr: sp.Basic, derivation: object, point: tuple[tuple[str, str], ...]) -> complex | None:
    """``expr`` at a counterexample's point (names → exact values), evaluated by plain SymPy."""
    from fractions import Fraction

    from symcheck.definitions import expand_definitions

    def exact(text: str) -> sp.Rational:
        fraction = Fraction(text)
        return sp.Rational(fraction.numerator, fraction.denominator)

    expr = expand_definitions(expr, derivation.definitions)
    try:
        scalars = {symbol: exact(text) for symbol in expr.free_symbols for name, text in point if str(symbol) == name}
        expr = _substitute(expr, scalars).doit()
        entries = {atom: exact(text) for atom in expr.atoms(sp.Indexed) for name, text in point if str(atom) == name}
        return complex(sp.N(expr.xreplace(entries), 30))
    except Exception:  # a name symcheck drew that this form does not have, a matrix: not evaluable
        return None


def holds_at(statement: object, reference: sp.Basic | None, derivation: object, point: tuple) -> bool | None:
    """Whether a claim holds at a counterexample's point, by plain SymPy (None: cannot tell)."""
    if isinstance(statement, sp.Rel) and not isinstance(statement, sp.Equality):
        left, right = _at_point(statement.lhs, derivation, point), _at_point(statement.rhs, derivation, point)
        if left is None or right is None or abs(left.imag) + abs(right.imag) > 1e-12:
            return None
        margin = left.real - right.real
        if isinstance(statement, (sp.LessThan, sp.StrictLessThan)):
            margin = -margin
        tolerance = 1e-12 * max(1.0, abs(left), abs(right))
        return (
            margin > tolerance
            if isinstance(statement, (sp.StrictLessThan, sp.StrictGreaterThan))
            else (margin > -tolerance)
        )
    first, second = (statement.lhs, statement.rhs) if isinstance(statement, sp.Equality) else (statement, reference)
    left, right = _at_point(first, derivation, point), _at_point(second, derivation, point)
    if left is None or right is None:
        return None
    return abs(left - right) <= 1e-12 * max(1.0, abs(left), abs(right))


def really_false(
    original: object, mutant: object, reference: sp.Basic | None, derivation: object, assumptions: object
) -> bool:
    """Shown false by plain SymPy at a point of the step's domain where the original claim holds."""
    from symcheck import ShapeIs

    if isinstance(mutant, ShapeIs):
        return True  # a transposed shape of a non-square matrix is another shape
    for trial in range(8):
        if _claim_holds(original, reference, derivation, assumptions, trial) is not True:
            continue
        if _claim_holds(mutant, reference, derivation, assumptions, trial) is False:
            return True
    return False


# --------------------------------------------------------------------------- the run


@dataclass(frozen=True)
class Mutant:
    derivation: str
    step: int
    kind: str
    really_false: bool
    status: str
    method: str
    seconds: float


def _references(derivation: object) -> list[tuple[int, object, sp.Basic | None]]:
    """(index, statement, reference) for every step ``symcheck verify`` checks, as it walks the chain."""
    from symcheck import ShapeIs
    from symcheck.verify._statements import is_relation, value_of

    checked = []
    values: dict[str, sp.Basic] = {}
    previous = None
    for index, step in enumerate(derivation.steps):
        reference = values[step.against] if step.against is not None else previous
        self_contained = isinstance(step.statement, (sp.Equality, ShapeIs)) or is_relation(step.statement)
        premise = step.given or (index == 0 and step.against is None and not self_contained)
        if not premise:
            checked.append((index, step, None if self_contained else reference))
        value = value_of(step.statement) if not isinstance(step.statement, ShapeIs) else None
        if value is not None:
            previous = value
            if step.label is not None:
                values[step.label] = value
    return checked


def run(timeout: float, verbose: bool = False) -> list[Mutant]:
    from symcheck import registry
    from symcheck.verify import check_statement

    registry.load_entry_points()
    results = []
    for entry in registry.entries():
        derivation = registry.build(entry.name)
        indices = [declared.index for declared in derivation.assumptions.indices]
        for index, step, reference in _references(derivation):
            assumptions = derivation.assumptions.merged(step.assumptions)
            for kind, mutant in mutations(step.statement, indices):
                false = really_false(step.statement, mutant, reference, derivation, assumptions)
                started = time.perf_counter()
                verdict = check_statement(
                    mutant, reference, assumptions=assumptions, definitions=derivation.definitions, timeout=timeout
                )
                if not false and verdict.counterexample is not None:
                    # symcheck's own counterexample, re-checked by plain SymPy (the original must hold there)
                    point = verdict.counterexample.point
                    false = holds_at(step.statement, reference, derivation, point) is True and (
                        holds_at(mutant, reference, derivation, point) is False
                    )
                result = Mutant(
                    entry.name, index + 1, kind, false, verdict.status, verdict.method, time.perf_counter() - started
                )
                results.append(result)
                if verbose:
                    print(f"{entry.name} step {index + 1} {kind}: really false {false}, {verdict}", flush=True)
    return results


def report(results: list[Mutant], timeout: float, seconds: float) -> str:
    false = [m for m in results if m.really_false]
    kept = [m for m in results if not m.really_false]
    refused = [m for m in false if m.status == "failed"]
    verified = [m for m in false if m.status == "verified"]
    score = len(refused) / len(false) if false else 1.0
    by_kind = Counter(m.kind for m in false)
    refused_by_kind = Counter(m.kind for m in refused)
    lines = [
        "## Mutation testing of the library",
        "",
        f"Command: `python benchmarks/mutation.py` ({machine()}; budget {timeout:g} s per check; "
        f"{seconds:.0f} s in all).",
        "",
        f"{len(results)} mutants of {len({m.derivation for m in results})} derivations' steps; {len(false)} shown "
        f"false by plain SymPy at concrete sizes and points; **{len(refused)} refused** (mutation score "
        f"**{score:.1%}**), {sum(m.status in ('undecided', 'probed') for m in false)} left undecided or only probed, "
        f"**{len(verified)} verified** (must be 0).",
        "",
        "| kind | really false | refused | undecided/probed | verified |",
        "| --- | --- | --- | --- | --- |",
    ]
    for kind in KINDS:
        if by_kind[kind]:
            undecided = sum(m.status in ("undecided", "probed") for m in false if m.kind == kind)
            wrong = sum(m.status == "verified" for m in false if m.kind == kind)
            lines.append(f"| {kind} | {by_kind[kind]} | {refused_by_kind[kind]} | {undecided} | {wrong} |")
    statuses = Counter(m.status for m in kept)
    lines += [
        "",
        f"{len(kept)} mutants were not shown false (they may still be true: a swap of indices the step is "
        f"symmetric in, a bound that still holds); symcheck called them: "
        + ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
        + ".",
    ]
    for mutant in false:
        if mutant.status != "failed":
            lines.append(
                f"- not refused: `{mutant.derivation}` step {mutant.step}, {mutant.kind}: {mutant.status} "
                f"({mutant.method})"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    parser.add_argument("--verbose", action="store_true")
    arguments = parser.parse_args(argv)
    started = time.perf_counter()
    results = run(arguments.timeout, arguments.verbose)
    text = report(results, arguments.timeout, time.perf_counter() - started)
    print(text)
    if not arguments.no_write:
        write_section("mutation", text)
    verified_false = [m for m in results if m.really_false and m.status == "verified"]
    return 1 if verified_false else 0


if __name__ == "__main__":
    raise SystemExit(main())
