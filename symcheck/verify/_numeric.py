"""The numeric checks of a derivation, each under its time budget (a :class:`~symcheck.budget.Deadline`).

* :class:`~symcheck.model.FiniteDifference` and :class:`~symcheck.model.Reference` lambdify the
  general-size forms once (sums become Python sums over a concrete K) and compare them with central
  finite differences or an independent NumPy reference at random points;
* :class:`~symcheck.model.Instances` re-checks the statement with the sizes made concrete and the
  sums written out.

A check whose deadline passes is undecided ("timeout"), never verified.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from symcheck.budget import BudgetExceeded, Deadline, time_limit
from symcheck.definitions import expand_definitions
from symcheck.errors import SymcheckError
from symcheck.model import Assumptions, Derivation, Domain, FiniteDifference, Instances, NumericCheck, Reference
from symcheck.normalize import evaluate_derivatives, write_out_sums
from symcheck.results import CheckResult, Status
from symcheck.verify._statements import check_statement

__all__ = ["run_check"]


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


def _instances(check: Instances, derivation: Derivation, deadline: Deadline) -> CheckResult:
    """The statement re-checked with K (and the free indices) made concrete and the sums written out."""
    assumptions = derivation.assumptions
    bounds = assumptions.symbolic_bounds
    if not bounds:
        return CheckResult(check.kind, "verified", None, None, 0, check.description, "no symbolic size to instantiate")
    failures = []
    undecided = []
    probed = []
    general = _general_form(check.statement, derivation.definitions)
    free = [declared.index for declared in assumptions.indices if declared.index in general.free_symbols]
    for value in check.values:
        for positions in _representative_indices(len(free), value):
            substitution = {bound: value for bound in bounds} | dict(zip(free, positions, strict=True))
            statement = _instantiate(general, substitution)
            instance = _instance_assumptions(assumptions, substitution, value)
            verdict = check_statement(statement, None, assumptions=instance, timeout=deadline)
            sizes = [f"{bound} = {value}" for bound in bounds]
            where = ", ".join([*sizes, *(f"{s} = {p}" for s, p in zip(free, positions, strict=True))])
            if verdict.holds is False:
                failures.append(f"{where}: {verdict}")
            elif verdict.probable:
                probed.append(where)
            elif verdict.holds is None:
                undecided.append(where)
    status: Status = "failed" if failures else "undecided" if undecided else "probed" if probed else "verified"
    detail = (
        "; ".join(failures)
        or (f"undecided at {', '.join(undecided)}" if undecided else "")
        or (f"only probed (not proved) at {', '.join(probed)}" if probed else "")
    )
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


def run_check(check: NumericCheck, derivation: Derivation, deadline: Deadline, seed: int) -> CheckResult:
    """Run one numeric check within ``deadline``; past it the check is undecided, never verified."""
    try:
        with time_limit(deadline.remaining()):
            if isinstance(check, FiniteDifference):
                return _finite_difference(check, derivation, seed)
            if isinstance(check, Reference):
                return _reference(check, derivation, seed)
            if isinstance(check, Instances):
                return _instances(check, derivation, deadline)
    except BudgetExceeded:
        return CheckResult(
            check.kind,
            "undecided",
            None,
            None,
            0,
            getattr(check, "description", ""),
            f"timeout: not finished within {deadline.elapsed():.2g} s",
        )
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
