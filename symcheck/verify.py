"""Check derivations step by step and run their numeric checks, producing plain-data reports.

Each step is checked against what it claims to follow from (the previous step's value, or the step
named by ``against``), after the derivation's definitions are substituted. The first failing step
is reported with both sides and a counterexample. The declared result is checked on its own too,
so a chain of true steps that ends somewhere else than announced still fails. Numeric checks
lambdify the general-K forms once (sums become Python sums over a concrete K) and compare them with
central finite differences, independent references, and explicit instances K = 2..6.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import sympy as sp

from symcheck.definitions import expand_definitions
from symcheck.equivalence import DEFAULT_TIMEOUT, equivalent
from symcheck.errors import SymcheckError
from symcheck.model import (
    Assumptions,
    Derivation,
    Domain,
    FiniteDifference,
    Instances,
    NumericCheck,
    Reference,
    ShapeIs,
    Step,
)
from symcheck.normalize import evaluate_derivatives, write_out_sums
from symcheck.registry import Entry
from symcheck.relations import holds
from symcheck.results import CheckResult, DerivationReport, Status, StepResult, Verdict, VerifyReport

__all__ = ["check_statement", "verify", "verify_all", "verify_entries"]


# --------------------------------------------------------------------------- printing


def _latex(statement: Any) -> str:
    """LaTeX of a statement through symcheck's printers (ŷ, σ, δ_ik, layer superscripts)."""
    from symcheck.printing import latex_statement

    return latex_statement(statement)


# --------------------------------------------------------------------------- statements


def _is_relation(statement: Any) -> bool:
    return isinstance(statement, (sp.And, sp.Contains)) or (
        isinstance(statement, sp.Rel) and not isinstance(statement, (sp.Equality, sp.Unequality))
    )


def _same_dimension(first: sp.Basic, second: sp.Basic) -> bool:
    return first == second or sp.simplify(first - second) == 0


def _validate_shapes(matrix: sp.Basic) -> str | None:
    """The first dimension mismatch in a matrix expression, or None.

    SymPy raises ShapeError only when it can tell two dimensions apart; ``D_a`` and ``D_x`` are
    two symbols it cannot, so ``W(D_x × D_a) X(D_x × m)`` passes unchecked. Symbolic dimensions
    must match exactly here: two different symbols are two different sizes.
    """
    if not isinstance(matrix, sp.MatrixExpr) or isinstance(matrix, sp.MatrixSymbol):
        return None
    for argument in matrix.args:
        problem = _validate_shapes(argument)
        if problem:
            return problem
    matrices = [argument for argument in matrix.args if isinstance(argument, sp.MatrixExpr)]
    if isinstance(matrix, sp.MatMul):
        for left, right in pairwise(matrices):
            if not _same_dimension(left.shape[1], right.shape[0]):
                return (
                    f"{left} is {left.shape[0]} × {left.shape[1]} but {right} is {right.shape[0]} × "
                    f"{right.shape[1]}: {left.shape[1]} ≠ {right.shape[0]} in the product"
                )
    elif isinstance(matrix, (sp.MatAdd, sp.HadamardProduct)):
        first = matrices[0]
        for other in matrices[1:]:
            if not all(_same_dimension(a, b) for a, b in zip(first.shape, other.shape, strict=True)):
                kind = "sum" if isinstance(matrix, sp.MatAdd) else "elementwise product"
                return (
                    f"{first} is {first.shape[0]} × {first.shape[1]} but {other} is {other.shape[0]} × "
                    f"{other.shape[1]} in the {kind}"
                )
    return None


def _check_shape(statement: ShapeIs) -> Verdict:
    from sympy.matrices.exceptions import ShapeError

    started = time.perf_counter()
    try:
        matrix = statement.expression()
    except ShapeError as error:
        return Verdict(False, "shape algebra", f"{statement.text or 'the expression'} is ill-formed: {error}")
    problem = _validate_shapes(matrix)
    if problem is not None:
        return Verdict(False, "shape algebra", problem, seconds=time.perf_counter() - started)
    shape = tuple(matrix.shape)
    claimed = tuple(statement.shape)
    same = len(shape) == len(claimed) and all(_same_dimension(a, b) for a, b in zip(shape, claimed, strict=True))
    detail = f"shape {shape[0]} × {shape[1]}" + ("" if same else f", not {claimed[0]} × {claimed[1]}")
    return Verdict(
        same, "shape algebra", detail, confidence=1.0 if same else None, seconds=time.perf_counter() - started
    )


def _expand_relation(statement: sp.Basic, definitions: Sequence) -> sp.Basic:
    """Substitute definitions into a relation without letting SymPy evaluate it to True/False.

    (``Le(z_i − β, 0)`` with ``z_i = β − u_i`` and ``u_i >= 0`` would collapse to ``True``, which
    would hide the claim instead of checking it.)
    """
    if isinstance(statement, sp.And):
        return sp.And(*(_expand_relation(part, definitions) for part in statement.args), evaluate=False)
    if isinstance(statement, sp.Contains):
        element, interval = statement.args
        return sp.Contains(expand_definitions(element, definitions), interval, evaluate=False)
    if isinstance(statement, sp.Rel):
        return type(statement)(
            expand_definitions(statement.lhs, definitions),
            expand_definitions(statement.rhs, definitions),
            evaluate=False,
        )
    return statement


def check_statement(
    statement: Any,
    reference: sp.Basic | None,
    *,
    assumptions: Assumptions,
    definitions: Sequence = (),
    timeout: float | None = DEFAULT_TIMEOUT,
) -> Verdict:
    """Check one statement: an identity, a relation, a shape, or an expression equal to ``reference``."""
    if isinstance(statement, ShapeIs):
        return _check_shape(statement)
    if isinstance(statement, sp.Equality):
        return equivalent(
            expand_definitions(statement.lhs, definitions),
            expand_definitions(statement.rhs, definitions),
            assumptions=assumptions,
            timeout=timeout,
        )
    if _is_relation(statement) or statement in (sp.true, sp.false):
        return holds(_expand_relation(statement, definitions), assumptions=assumptions, timeout=timeout)
    expanded = expand_definitions(statement, definitions)
    if reference is None:
        raise SymcheckError("an expression step needs a previous step (or `against`) to be compared with")
    return equivalent(expanded, expand_definitions(reference, definitions), assumptions=assumptions, timeout=timeout)


def _value(statement: Any) -> sp.Basic | None:
    """What the next step is compared with: an expression itself, or an equation's right-hand side."""
    if isinstance(statement, sp.Equality):
        return statement.rhs
    if isinstance(statement, sp.Basic) and not _is_relation(statement):
        return statement
    return None


def _step_result(
    index: int, step: Step, verdict: Verdict | None, compared_with: sp.Basic | None, latex: bool = True
) -> StepResult:
    if not latex and (verdict is None or verdict.status == "verified"):
        # text output never shows a passing step: skip printing it (a tenth of the verification)
        return StepResult(
            index=index,
            latex="",
            justification=step.justification,
            status="given" if verdict is None else verdict.status,
            method="premise" if verdict is None else verdict.method,
            rule=step.rule,
            label=step.label,
            seconds=0.0 if verdict is None else verdict.seconds,
            confidence=None if verdict is None else verdict.confidence,
        )
    if verdict is None:
        return StepResult(
            index=index,
            latex=_latex(step.statement),
            justification=step.justification,
            status="given",
            method="premise",
            rule=step.rule,
            label=step.label,
        )
    return StepResult(
        index=index,
        latex=_latex(step.statement),
        justification=step.justification,
        status=verdict.status,
        method=verdict.method,
        rule=step.rule,
        label=step.label,
        compared_with=_latex(compared_with) if compared_with is not None else None,
        counterexample=verdict.counterexample,
        detail=verdict.detail,
        seconds=verdict.seconds,
        confidence=verdict.confidence,
    )


# --------------------------------------------------------------------------- numeric checks


@dataclass
class _Arguments:
    """Values for the arguments of a lambdified general-size expression at P random points.

    An IndexedBase becomes an array with one axis per index (padded at position 0, because indices
    start at 1) and a last axis over the points; index symbols are looped over by the caller.
    """

    names: list[sp.Basic]
    values: dict[sp.Basic, Any]
    ranges: dict[sp.Basic, int]


def _domain(assumptions: Assumptions, atom: sp.Basic) -> Domain:
    declared = assumptions.domain_of(atom)
    if declared is None and isinstance(atom, sp.IndexedBase):
        declared = assumptions.domain_of(atom.label)
        atom = atom.label
    if declared is not None:
        return declared
    if atom.is_positive:
        return Domain.POSITIVE
    if atom.is_nonnegative:
        return Domain.NONNEGATIVE
    return Domain.REAL


def _sample(domain: Domain, shape: tuple[int, ...], rng: np.random.Generator, large: float) -> np.ndarray:
    count = shape[-1]
    if domain is Domain.UNIT_INTERVAL:
        return rng.uniform(0.02, 0.98, shape)
    if domain in (Domain.POSITIVE, Domain.NONNEGATIVE):
        return np.exp(rng.normal(0.0, 1.0, shape))
    if domain is Domain.NEGATIVE:
        return -np.exp(rng.normal(0.0, 1.0, shape))
    values = rng.normal(0.0, 3.0, shape)
    if large:
        values[..., count // 2 :] = rng.uniform(-large, large, values[..., count // 2 :].shape)
    return values


def _probability_vectors(domain: Domain, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Arrays whose first axis holds probability vectors (one-hot or on the simplex)."""
    rows, rest = shape[0], shape[1:]
    if domain is Domain.ONE_HOT:
        hot = rng.integers(0, rows, rest)
        return (np.arange(rows).reshape((rows,) + (1,) * len(rest)) == hot).astype(float)
    weights = rng.gamma(1.0, 1.0, shape)
    return weights / weights.sum(axis=0, keepdims=True)


def _bound_sizes(assumptions: Assumptions, base: int) -> dict[sp.Basic, int]:
    """A concrete value for each symbolic size, all different, so a transposed shape cannot pass."""
    return {bound: base + offset for offset, bound in enumerate(assumptions.symbolic_bounds)}


def _extent(index: sp.Basic, assumptions: Assumptions, sizes: dict[sp.Basic, int]) -> int:
    declared = assumptions.range_of(index)
    if declared is not None:
        return int(declared.upper.subs(sizes))
    if index.is_Integer:
        return int(index)
    substituted = index.subs(sizes)
    return int(substituted) if substituted.is_Integer else max(sizes.values(), default=3)


def _arguments(
    expressions: Iterable[sp.Basic],
    assumptions: Assumptions,
    sizes: dict[sp.Basic, int],
    points: int,
    large: float,
    seed: int,
) -> _Arguments:
    rng = np.random.default_rng(seed)
    bounds = set(assumptions.symbolic_bounds)
    indices = {declared.index for declared in assumptions.indices}
    names: list[sp.Basic] = []
    values: dict[sp.Basic, Any] = {}
    ranges: dict[sp.Basic, int] = {}
    for expr in expressions:
        for occurrence in sorted(expr.atoms(sp.Indexed), key=str):
            base = occurrence.base
            if base in values:
                continue
            shape = tuple(_extent(index, assumptions, sizes) for index in occurrence.indices)
            domain = _domain(assumptions, base)
            if domain in (Domain.SIMPLEX, Domain.ONE_HOT):
                inner = _probability_vectors(domain, (*shape, points), rng)
            else:
                inner = _sample(domain, (*shape, points), rng, large)
            padded = np.full((*(extent + 1 for extent in shape), points), np.nan)
            padded[tuple(slice(1, None) for _ in shape)] = inner  # position 0 unused: indices start at 1
            for entry, value in assumptions.pinned:
                if entry.base == base:
                    padded[tuple(int(index.subs(sizes)) for index in entry.indices)] = float(value.subs(sizes))
            names.append(base)
            values[base] = padded
        labels = {node.base.label for node in expr.atoms(sp.Indexed)}
        for symbol in sorted(expr.free_symbols, key=str):
            if symbol in values or symbol in labels or not isinstance(symbol, sp.Symbol):
                continue
            names.append(symbol)
            if symbol in bounds:
                values[symbol] = sizes[symbol]
            elif symbol in indices:
                values[symbol] = None  # looped over by the caller
                ranges[symbol] = _extent(symbol, assumptions, sizes)
            else:
                values[symbol] = _sample(_domain(assumptions, symbol), (points,), rng, large)
    return _Arguments(names, values, ranges)


def _lambdify(names: list[sp.Basic], expr: sp.Basic) -> Callable[..., Any]:
    """Compile a general-size expression once: an IndexedBase argument is an array (indices..., point).

    The code comes from SymPy's NumPy printer and runs in a namespace holding only ``numpy`` and
    ``builtins`` (``lambdify``'s ``from numpy import *`` would load numpy.f2py, numpy.testing and
    more, a tenth of a second in every worker). Arguments are renamed ``_a0, _a1, ...``, so no
    symbol name, however odd, ends up in the generated source.
    """
    import builtins

    from sympy.printing.numpy import NumPyPrinter

    renaming: dict[sp.Basic, sp.Basic] = {}
    parameters = []
    for position, name in enumerate(names):
        parameter = f"_a{position}"
        parameters.append(parameter)
        renaming[name] = sp.IndexedBase(parameter) if isinstance(name, sp.IndexedBase) else sp.Symbol(parameter)
    printer = NumPyPrinter({"fully_qualified_modules": True, "inline": True, "allow_unknown_functions": False})
    body = printer.doprint(expr.xreplace(renaming))
    source = f"def _check({', '.join(parameters)}):\n    return {body}\n"
    namespace: dict[str, Any] = {"numpy": np, "builtins": builtins}
    for module in printer.module_imports:  # what the printed code names (e.g. functools.reduce)
        top = module.split(".")[0]
        namespace.setdefault(top, importlib.import_module(top))
    exec(compile(source, "<symcheck numeric check>", "exec"), namespace)  # our code, printed from SymPy
    return namespace["_check"]


MAX_ASSIGNMENTS = 8


def _index_assignments(arguments: _Arguments, seed: int) -> list[dict[sp.Basic, int]]:
    """Every combination of the free indices, or a fixed sample of them (always with all-ones)."""
    free = [name for name, value in arguments.values.items() if value is None]
    assignments: list[dict[sp.Basic, int]] = [{}]
    for index in free:
        extent = arguments.ranges[index]
        assignments = [{**assignment, index: value} for assignment in assignments for value in range(1, extent + 1)]
    if len(assignments) > MAX_ASSIGNMENTS:
        rng = np.random.default_rng(seed)
        chosen = rng.choice(len(assignments), MAX_ASSIGNMENTS - 1, replace=False)
        assignments = [assignments[0]] + [assignments[int(position)] for position in chosen if position != 0]
    return assignments


def _call(function: Callable[..., Any], arguments: _Arguments, assignment: dict[sp.Basic, int], override: dict) -> Any:
    values = []
    for name in arguments.names:
        if name in override:
            values.append(override[name])
        elif name in assignment:
            values.append(assignment[name])
        else:
            values.append(arguments.values[name])
    with np.errstate(all="ignore"):
        return np.asarray(function(*values), dtype=float)


def _base_sizes(assumptions: Assumptions) -> tuple[int, ...]:
    """The size configurations a numeric check runs at.

    One symbolic size (K): two values, 2 and 4 (the explicit instances K = 2..6 cover the rest).
    Several (K, m, D_a, D_x): one configuration, in which each already takes a different value
    (see :func:`_bound_sizes`), so a transposed or swapped dimension cannot pass unnoticed.
    """
    bounds = len(assumptions.symbolic_bounds)
    if bounds == 0:
        return (3,)
    return (2, 4) if bounds == 1 else (2,)


def _finite_difference(check: FiniteDifference, derivation: Derivation, seed: int) -> CheckResult:
    from symcheck.numeric import compare, default_step

    assumptions = derivation.assumptions
    definitions = (*check.concrete, *derivation.definitions)
    function = expand_definitions(check.function, definitions)
    # only the derivatives are carried out: Sum.doit() would fold a Piecewise whose condition
    # depends on the summation index out of the sum, changing its meaning
    derivative = evaluate_derivatives(expand_definitions(check.derivative, definitions))
    worst = 0.0
    evaluated = 0
    for base_size in _base_sizes(assumptions):
        sizes = _bound_sizes(assumptions, base_size)
        arguments = _arguments(
            (function, derivative, check.wrt),
            assumptions,
            sizes,
            check.points,
            check.large_scale if check.large else 0.0,
            seed,
        )
        if base_size == _base_sizes(assumptions)[0]:  # the compiled code takes the sizes as arguments
            compiled_function = _lambdify(arguments.names, function)
            compiled_derivative = _lambdify(arguments.names, derivative)
        for assignment in _index_assignments(arguments, seed):
            if isinstance(check.wrt, sp.Indexed):
                base = check.wrt.base
                concrete = {symbol: sp.Integer(value) for symbol, value in assignment.items()}
                position = tuple(int(index.xreplace(concrete).subs(sizes)) for index in check.wrt.indices)
                original = arguments.values[base]
                step = default_step(original[position])
                plus, minus = original.copy(), original.copy()
                plus[position] += step
                minus[position] -= step
                span = plus[position] - minus[position]
            else:
                base = check.wrt
                original = arguments.values[base]
                step = default_step(original)
                plus, minus = original + step, original - step
                span = plus - minus
            upper = _call(compiled_function, arguments, assignment, {base: plus})
            lower = _call(compiled_function, arguments, assignment, {base: minus})
            numeric = (upper - lower) / span
            claimed = np.broadcast_to(_call(compiled_derivative, arguments, assignment, {}), numeric.shape)
            worst = max(worst, compare(numeric, claimed, rtol=check.tolerance, atol=check.tolerance))
            evaluated += numeric.size
    status: Status = "verified" if worst <= 1.0 else "failed"
    return CheckResult(
        kind=check.kind,
        status=status,
        max_error=worst * check.tolerance,
        tolerance=check.tolerance,
        points=evaluated,
        description=check.description or f"∂/∂{check.wrt} against central differences",
        detail="" if status == "verified" else "the claimed derivative disagrees with finite differences",
    )


def _reference(check: Reference, derivation: Derivation, seed: int) -> CheckResult:
    from symcheck.numeric import compare

    assumptions = derivation.assumptions
    expression = expand_definitions(check.expression, derivation.definitions)
    worst = 0.0
    evaluated = 0
    for base_size in _base_sizes(assumptions):
        sizes = _bound_sizes(assumptions, base_size)
        arguments = _arguments((expression,), assumptions, sizes, check.points, 0.0, seed)
        if base_size == _base_sizes(assumptions)[0]:  # the compiled code takes the sizes as arguments
            compiled = _lambdify(arguments.names, expression)
        for assignment in _index_assignments(arguments, seed):
            claimed = _call(compiled, arguments, assignment, {})
            keyword = {}
            for name in arguments.names:
                value = assignment.get(name, arguments.values[name])
                if isinstance(name, sp.IndexedBase):
                    # the reference sees ordinary arrays: points first, then the indices from 0
                    unpadded = value[tuple(slice(1, None) for _ in range(value.ndim - 1))]
                    value = np.moveaxis(unpadded, -1, 0)
                keyword[str(name.label if isinstance(name, sp.IndexedBase) else name)] = value
            expected = np.asarray(check.reference(**keyword), dtype=float)
            claimed = np.broadcast_to(claimed, expected.shape)
            worst = max(worst, compare(claimed, expected, rtol=check.tolerance, atol=check.tolerance))
            evaluated += expected.size
    status: Status = "verified" if worst <= 1.0 else "failed"
    return CheckResult(
        check.kind,
        status,
        worst * check.tolerance,
        check.tolerance,
        evaluated,
        check.description or "against an independent NumPy reference",
        "" if status == "verified" else "the expression disagrees with the reference",
    )


def _instances(check: Instances, derivation: Derivation, timeout: float | None) -> CheckResult:
    """The statement re-checked with K (and the free indices) made concrete and the sums written out."""
    assumptions = derivation.assumptions
    bounds = assumptions.symbolic_bounds
    if not bounds:
        return CheckResult(check.kind, "verified", None, None, 0, check.description, "no symbolic size to instantiate")
    failures = []
    undecided = []
    general = _general_form(check.statement, derivation.definitions)
    free = [declared.index for declared in assumptions.indices if declared.index in general.free_symbols]
    for value in check.values:
        for positions in _representative_indices(len(free), value):
            substitution = {bound: value for bound in bounds} | dict(zip(free, positions, strict=True))
            statement = _instantiate(general, substitution)
            instance = _instance_assumptions(assumptions, substitution, value)
            verdict = check_statement(statement, None, assumptions=instance, timeout=timeout)
            where = ", ".join([f"K = {value}", *(f"{s} = {p}" for s, p in zip(free, positions, strict=True))])
            if verdict.holds is False:
                failures.append(f"{where}: {verdict}")
            elif verdict.holds is None:
                undecided.append(where)
    status: Status = "failed" if failures else "undecided" if undecided else "verified"
    detail = "; ".join(failures) or (f"undecided at {', '.join(undecided)}" if undecided else "")
    return CheckResult(
        check.kind,
        status,
        None,
        None,
        len(check.values),
        check.description or f"the statement at K = {', '.join(map(str, check.values))}",
        detail,
    )


def _representative_indices(count: int, size: int) -> list[tuple[int, ...]]:
    """One index assignment per pattern of equalities: (1,) for one index; (1, 1) and (1, 2) for two.

    Relabelling the classes maps every entry to one of these (the diagonal (1, 1), the
    off-diagonal (1, 2)), so checking them checks every entry of the explicit instance.
    """
    combinations = [tuple([1] * count)]
    if size >= 2:
        combinations.extend(tuple(1 if n != position else 2 for n in range(count)) for position in range(1, count))
    return combinations


def _instance_assumptions(assumptions: Assumptions, substitution: dict, size: int) -> Assumptions:
    """The assumptions at a concrete K: ranges made concrete, and Σ y = 1 kept as y_K = 1 − Σ_{i<K} y_i."""
    from symcheck.model import IndexRange

    pinned = [(entry.subs(substitution), value.subs(substitution)) for entry, value in assumptions.pinned]
    for symbol, domain in assumptions.domains:
        if domain in (Domain.SIMPLEX, Domain.ONE_HOT) and isinstance(symbol, sp.IndexedBase):
            pinned.append((symbol[size], 1 - sp.Add(*(symbol[position] for position in range(1, size)))))
    ranges = tuple(
        IndexRange(declared.index, declared.lower.subs(substitution), declared.upper.subs(substitution))
        for declared in assumptions.indices
        if declared.index not in substitution
    )
    return Assumptions(domains=assumptions.domains, indices=ranges, instances=(size,), pinned=tuple(pinned))


def _general_form(statement: sp.Basic, definitions: Sequence) -> sp.Basic:
    """The statement with definitions substituted and derivatives carried out by SymPy, once.

    SymPy differentiates the general form (one sum, cheap); :func:`_instantiate` then makes K and
    the indices numbers and writes every sum out, so the deltas evaluate to 0 or 1 and what is
    compared is an explicit expression, independent of symcheck's own handling of symbolic sums.
    """

    def general(expr: sp.Basic) -> sp.Basic:
        return evaluate_derivatives(expand_definitions(expr, definitions))

    if isinstance(statement, sp.Rel):
        return type(statement)(general(statement.lhs), general(statement.rhs), evaluate=False)
    return general(statement)


def _instantiate(general: sp.Basic, substitution: dict) -> sp.Basic:
    """A general form at a concrete K (and indices), sums written out; relations stay unevaluated."""

    def concrete(expr: sp.Basic) -> sp.Basic:
        return write_out_sums(expr.subs(substitution))

    if isinstance(general, sp.Rel):
        return type(general)(concrete(general.lhs), concrete(general.rhs), evaluate=False)
    return concrete(general)


def _run_check(check: NumericCheck, derivation: Derivation, timeout: float | None, seed: int) -> CheckResult:
    try:
        if isinstance(check, FiniteDifference):
            return _finite_difference(check, derivation, seed)
        if isinstance(check, Reference):
            return _reference(check, derivation, seed)
        if isinstance(check, Instances):
            return _instances(check, derivation, timeout)
    except (SymcheckError, ValueError, TypeError, KeyError, IndexError) as error:
        return CheckResult(
            check.kind,
            "undecided",
            None,
            None,
            0,
            getattr(check, "description", ""),
            f"could not run: {type(error).__name__}: {error}",
        )
    raise SymcheckError(f"unknown numeric check {type(check).__name__}")


# --------------------------------------------------------------------------- derivations


def _memo_check(
    memo: dict[tuple, Verdict],
    statement: Any,
    reference: sp.Basic | None,
    assumptions: Assumptions,
    definitions: Sequence,
    timeout: float | None,
) -> Verdict:
    """Check a statement once per derivation: a declared result often repeats its last step."""
    key = (statement, reference, assumptions)
    try:
        cached = memo.get(key)
    except TypeError:  # an unhashable statement (a ShapeIs holding a lambda is hashable; be safe)
        cached, key = None, None
    if cached is not None:
        return cached
    verdict = check_statement(statement, reference, assumptions=assumptions, definitions=definitions, timeout=timeout)
    if key is not None:
        memo[key] = verdict
    return verdict


def _worst(statuses: Iterable[Status]) -> Status:
    statuses = [status for status in statuses if status != "given"]
    if "failed" in statuses:
        return "failed"
    if "undecided" in statuses:
        return "undecided"
    return "verified"


@dataclass(frozen=True)
class _StepsOutcome:
    """The checked chain of one derivation: step results, the result, and whether all are proofs."""

    steps: tuple[StepResult, ...]
    result: StepResult
    all_proved: bool
    seconds: float


def _verify_steps(derivation: Derivation, timeout: float | None, latex: bool = True) -> _StepsOutcome:
    started = time.perf_counter()
    memo: dict[tuple, Verdict] = {}
    values: dict[str, sp.Basic] = {}
    previous: sp.Basic | None = None
    step_results: list[StepResult] = []
    proofs: list[Verdict] = []
    for index, step in enumerate(derivation.steps):
        assumptions = derivation.assumptions.merged(step.assumptions)
        if step.against is not None and step.against not in values:
            raise SymcheckError(f"{derivation.name}: step {index} refers to unknown label {step.against!r}")
        reference = values[step.against] if step.against is not None else previous
        # a chain starts from a premise; equations, relations and shapes are claims in their own right
        self_contained = isinstance(step.statement, (sp.Equality, ShapeIs)) or _is_relation(step.statement)
        premise = step.given or (index == 0 and step.against is None and not self_contained)
        if premise:
            step_results.append(_step_result(index, step, None, None, latex))
        else:
            verdict = _memo_check(memo, step.statement, reference, assumptions, derivation.definitions, timeout)
            proofs.append(verdict)
            step_results.append(_step_result(index, step, verdict, None if self_contained else reference, latex))
        value = _value(step.statement) if not isinstance(step.statement, ShapeIs) else None
        if value is not None:
            previous = value
        if step.label is not None and value is not None:
            values[step.label] = value

    result_verdict = _memo_check(
        memo, derivation.result, previous, derivation.assumptions, derivation.definitions, timeout
    )
    proofs.append(result_verdict)
    result_step = Step(derivation.result, "the declared result", label="result")
    result = _step_result(len(derivation.steps), result_step, result_verdict, None, latex)
    return _StepsOutcome(
        tuple(step_results), result, all(verdict.proved for verdict in proofs), time.perf_counter() - started
    )


def _assemble(
    derivation: Derivation, outcome: _StepsOutcome, checks: list[CheckResult], seconds: float
) -> DerivationReport:
    status = _worst([*(step.status for step in outcome.steps), outcome.result.status, *(c.status for c in checks)])
    general_k = bool(derivation.assumptions.symbolic_bounds) and status == "verified" and outcome.all_proved
    return DerivationReport(
        name=derivation.name,
        title=derivation.title,
        status=status,
        general_k=general_k,
        seconds=seconds,
        steps=outcome.steps,
        checks=tuple(checks),
        result_latex=outcome.result.latex,
        result=outcome.result,
        topic=derivation.topic,
        summary=derivation.summary,
    )


def verify(
    derivation: Derivation,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    numeric: bool = True,
    seed: int = 7,
    latex: bool = True,
) -> DerivationReport:
    """Verify every step, the declared result and the numeric checks of ``derivation``.

    ``general_k`` is set when the derivation holds for symbolic sizes (K, m, ...) and every step and
    the result were *proved* (not merely accepted by probing). With ``latex=False`` the steps that
    pass carry no LaTeX (text output, which shows only failures, does not need it).
    """
    started = time.perf_counter()
    outcome = _verify_steps(derivation, timeout, latex)
    checks = [_run_check(check, derivation, timeout, seed) for check in derivation.checks] if numeric else []
    return _assemble(derivation, outcome, checks, time.perf_counter() - started)


def _failed_to_build(entry: Entry, message: str, seconds: float) -> DerivationReport:
    return DerivationReport(
        name=entry.name,
        title=entry.title,
        status="failed",
        general_k=False,
        seconds=seconds,
        steps=(),
        checks=(),
        topic=entry.topic,
        error=message,
    )


def _build(entry: Entry) -> Derivation | str:
    """The entry's derivation, or the message of why its builder failed (reported, not raised)."""
    from symcheck import registry

    try:
        return registry.build(entry.name)
    except SymcheckError as error:
        return str(error)
    except Exception as error:  # a broken builder is reported as that derivation failing
        return f"{type(error).__name__}: {error}"


def _verify_entry(entry: Entry, timeout: float | None, numeric: bool, latex: bool = True) -> DerivationReport:
    started = time.perf_counter()
    derivation = _build(entry)
    if isinstance(derivation, str):
        return _failed_to_build(entry, derivation, time.perf_counter() - started)
    return verify(derivation, timeout=timeout, numeric=numeric, latex=latex)


def verify_entries(
    entries: Sequence[Entry],
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    numeric: bool = True,
    jobs: int = 1,
    progress: Callable[[DerivationReport], None] | None = None,
    latex: bool = True,
    background: bool = False,
) -> VerifyReport:
    """Verify registered derivations, in ``jobs`` forked processes when more than one is asked for.

    Reports come back in registration order. ``progress`` is called with each report as it is
    ready (in the parent process), so the CLI can print one line per derivation. With
    ``background`` the worker processes run at a lower scheduling priority: a build grades a
    sheet beside them, and grading, one process that cannot be split further, then keeps its core
    while the workers share what it leaves (and both cores once it is done).
    """
    started = time.perf_counter()
    entries = list(entries)
    reports: list[DerivationReport] = []
    if jobs > 1 and len(entries) > 1:
        reports = _verify_parallel(entries, timeout, numeric, jobs, progress, latex, background)
    else:
        for entry in entries:
            report = _verify_entry(entry, timeout, numeric, latex)
            reports.append(report)
            if progress is not None:
                progress(report)
    return VerifyReport(tuple(reports), time.perf_counter() - started)


# A task is one part of one derivation: its chain of steps, or one of its numeric checks. Splitting
# derivations this way keeps two workers busy to the end instead of waiting on the longest one.
_STEPS = -1


def _run_task(name: str, part: int, timeout: float | None, seed: int = 7, latex: bool = True) -> tuple[object, float]:
    from symcheck import registry

    started = time.perf_counter()
    derivation = registry.build(name)
    if part == _STEPS:
        outcome: object = _verify_steps(derivation, timeout, latex)
    else:
        outcome = _run_check(derivation.checks[part], derivation, timeout, seed)
    return outcome, time.perf_counter() - started


_TASK_WEIGHT = {"finite_difference": 3.0, "instances": 6.0, "reference": 1.0}


def _verify_parallel(
    entries: list[Entry],
    timeout: float | None,
    numeric: bool,
    jobs: int,
    progress: Callable[[DerivationReport], None] | None,
    latex: bool = True,
    background: bool = False,
) -> list[DerivationReport]:
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return [_verify_entry(entry, timeout, numeric, latex) for entry in entries]
    # build every derivation here, before forking, so the workers inherit them ready-made
    built = {entry.name: _build(entry) for entry in entries}
    tasks: list[tuple[float, str, int]] = []
    for entry in entries:
        derivation = built[entry.name]
        if isinstance(derivation, str):
            continue
        tasks.append((1.0 + len(derivation.steps) / 2, entry.name, _STEPS))
        if numeric:
            for position, check in enumerate(derivation.checks):
                tasks.append((_TASK_WEIGHT.get(check.kind, 1.0), entry.name, position))
    tasks.sort(key=lambda task: -task[0])  # the longest first, so no worker is left with a long tail

    context = multiprocessing.get_context("fork")
    with context.Pool(processes=jobs, initializer=_lower_priority if background else None) as pool:
        futures = {
            (name, part): pool.apply_async(_run_task, (name, part, timeout, 7, latex)) for _, name, part in tasks
        }
        return _collect_parallel(entries, built, futures, numeric, progress)


def _lower_priority() -> None:
    """Yield the CPU to the caller's other processes (a worker's initializer; a no-op where unsupported)."""
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(10)


def _collect_parallel(
    entries: list[Entry],
    built: dict,
    futures: dict,
    numeric: bool,
    progress: Callable[[DerivationReport], None] | None,
) -> list[DerivationReport]:
    """Assemble the workers' parts into reports, in registration order, as they complete."""
    reports = []
    for entry in entries:
        derivation = built[entry.name]
        if isinstance(derivation, str):
            report = _failed_to_build(entry, derivation, 0.0)
        else:
            outcome, seconds = futures[(entry.name, _STEPS)].get()
            checks, check_seconds = [], 0.0
            if numeric:
                for position in range(len(derivation.checks)):
                    check, elapsed = futures[(entry.name, position)].get()
                    checks.append(check)
                    check_seconds += elapsed
            report = _assemble(derivation, outcome, checks, seconds + check_seconds)
        reports.append(report)
        if progress is not None:
            progress(report)
    return reports


def verify_all(*, timeout: float | None = DEFAULT_TIMEOUT, numeric: bool = True, jobs: int = 1) -> VerifyReport:
    """Verify every derivation announced through the ``symcheck.derivations`` entry points."""
    from symcheck import registry

    registry.load_entry_points()
    return verify_entries(registry.entries(), timeout=timeout, numeric=numeric, jobs=jobs)
