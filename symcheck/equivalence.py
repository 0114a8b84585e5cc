"""``equivalent(a, b)``: are two expressions equal, and how do we know?

The strategy is a ladder from cheap and certain to expensive; the first rung that decides wins,
and the verdict names it. Only a proof gives ``holds=True``:

1. **structural**: the same tree once bound variables are named canonically.
2. **normal form**: derivatives done, index conditions decided under ``1 <= k <= K``, finite sums
   made linear, deltas sifted, logs of positive quantities expanded, then rational-function
   cancellation. This proves the softmax Jacobian for every K in tens of milliseconds. A difference
   that reduces to a nonzero number is already a refutation.
3. **probe (refute)**: exact points of the declared domains (:mod:`symcheck.probe`): breakpoints,
   magnitudes over 18 orders, integers far beyond the instances; exact rationals, or as many digits
   as the expressions span. A confirmed difference is a counterexample.
4. **case split** (:mod:`symcheck.cases`): ``i = k`` / ``i ≠ k``, the intervals between breakpoints,
   signs, the natural domain; each case normalised again. Sums over one range, term by term: their
   summands equal for every integer index.
5. **polynomial identity in an integer parameter** (:mod:`symcheck.parameters`): degree ≤ d, zero at
   d + 1 exact instances.
6. **real parts of logarithms**: sides affine in logs, equal wherever real.
7. **constants**: ball arithmetic at rising precision shows a difference nonzero
   (:mod:`symcheck.balls`); minimal polynomials with isolated roots, Gaussian rationals for
   arctangents and one exponential as a symbol show it zero.
8. **simplify**: SymPy's ``simplify`` (and rewrites) in a forked process that is killed when the
   budget runs out (SymPy #26453, #19136).
9. **probing alone** proves nothing: with no counterexample and every planned point agreeing, the
   verdict is ``holds=None`` with ``probable=True`` ("probably equal") and a stated confidence.

A timeout, unsupported input or too few admissible points gives ``holds=None``. A verdict that holds
only where both sides are defined says where (:mod:`symcheck.domains`). Floats follow one stated
policy (see :func:`_float_policy`).
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import mpmath
import sympy as sp

from symcheck.balls import arctangent_identity, constant_sign, same_algebraic_number
from symcheck.budget import BudgetExceeded, Deadline, run_isolated, time_limit
from symcheck.cases import case_split, sums_termwise
from symcheck.domains import domain_note
from symcheck.errors import UnsupportedStatement
from symcheck.model import Assumptions
from symcheck.normalize import (
    Context,
    constant_difference,
    evaluate_derivatives,
    helper_symbol,
    high_degree,
    normal_form,
    rational_zero,
    with_declared_assumptions,
)
from symcheck.parameters import MAX_DEGREE, degree_bound, instance, integer_parameters
from symcheck.probe import ProbeOutcome, probe
from symcheck.results import Verdict

__all__ = ["DEFAULT_TIMEOUT", "equivalent", "with_declared_assumptions"]

DEFAULT_TIMEOUT = 5.0
MAX_TREE_SIZE = 4000
"""Above this many nodes the in-process symbolic stages are skipped (they may be slow in C code)."""


def _as_sympy(value: Any, side: str) -> sp.Basic:
    """Accept SymPy objects and Python numbers only: a string would have to be parsed as code."""
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, sp.MatrixBase):
        return sp.ImmutableMatrix(value)
    if isinstance(value, bool):
        return sp.true if value else sp.false
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, float):
        return sp.Float(value)
    if isinstance(value, str):
        raise TypeError(
            f"equivalent() does not parse strings ({side} = {value!r}): build SymPy objects, "
            "or read LaTeX with symcheck.reader, which never executes its input"
        )
    raise TypeError(f"equivalent() takes SymPy expressions, not {type(value).__name__} ({side})")


def _tree_size(expr: sp.Basic, limit: int = MAX_TREE_SIZE + 1) -> int:
    count = 0
    for _ in sp.preorder_traversal(expr):
        count += 1
        if count >= limit:
            break
    return count


def _floats(expr: sp.Basic) -> set[sp.Float]:
    """The Floats in ``expr``, each shared subexpression visited once (a nested tree can be a small DAG)."""
    found: set[sp.Float] = set()
    seen: set[sp.Basic] = set()
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, sp.Float):
            found.add(node)
        elif node.args and node not in seen:
            seen.add(node)
            stack.extend(node.args)
    return found


def _float_policy(left: sp.Basic, right: sp.Basic) -> tuple[sp.Basic, sp.Basic, Verdict | None, str]:
    """Floats: decided as IEEE doubles when both sides are numbers, read as decimals otherwise.

    A float written in a formula (``0.5 x``) is the decimal the author wrote, so it is replaced by
    that exact rational and the formula is compared exactly. A float in a purely numeric
    expression is a double computed step by step, as a calculator or Maxima would: ``4.52*10^2``
    is 452.00000000000006, not 452, while ``0.99999999`` and ``99999999/10^8`` are the same double.
    """
    if not (_floats(left) or _floats(right)):
        return left, right, None, ""
    if not left.free_symbols and not right.free_symbols:
        from symcheck.mpeval import Undefined, Unsupported, evaluate

        try:
            with mpmath.workprec(53):
                left_value = evaluate(left, {}, dps=15)
                right_value = evaluate(right, {}, dps=15)
                same = bool(left_value == right_value)
        except (Undefined, Unsupported):
            return left, right, None, ""
        verdict = Verdict(
            holds=same,
            method="floating point (IEEE double)",
            detail=f"{mpmath.nstr(left_value, 17)} {'=' if same else '≠'} {mpmath.nstr(right_value, 17)} as doubles",
            confidence=1.0 if same else None,
        )
        return left, right, verdict, ""

    def decimal(node: sp.Float) -> sp.Rational:
        return sp.Rational(str(node))  # SymPy prints the shortest decimal that round-trips

    replace_floats = {node: decimal(node) for node in _floats(left) | _floats(right)}
    return left.xreplace(replace_floats), right.xreplace(replace_floats), None, " (floats read as decimals)"


def _isolated_simplify(difference: sp.Basic) -> str | None:
    """Runs in a child process: the name of the rewrite that reduced ``difference`` to 0, if any."""
    attempts = (
        ("simplify", sp.simplify),
        ("trigonometric expansion", lambda e: sp.simplify(sp.expand_trig(e))),
        ("exponential rewrite", lambda e: sp.simplify(e.rewrite(sp.exp))),
        ("logarithm expansion", lambda e: sp.simplify(sp.expand_log(e))),
        ("logarithmic rewrite", lambda e: sp.simplify(e.rewrite(sp.log))),
        ("nested roots", lambda e: sp.simplify(sp.sqrtdenest(e))),
        ("closed-form sums", lambda e: sp.simplify(e.doit()) if e.has(sp.Sum, sp.Product) else e),
    )
    for name, attempt in attempts:
        try:
            if attempt(difference) == 0:
                return name
        except Exception:
            continue
    return None


def _is_algebraic_constant(expr: sp.Basic) -> bool:
    """Rationals, i, radicals, and cos/sin of rational multiples of π, combined by +, × and rational powers."""
    if expr.is_Rational or expr is sp.S.ImaginaryUnit:
        return True
    if expr.is_Add or expr.is_Mul:
        return all(_is_algebraic_constant(argument) for argument in expr.args)
    if expr.is_Pow:
        return expr.args[1].is_Rational and _is_algebraic_constant(expr.args[0])
    if isinstance(expr, (sp.cos, sp.sin)):
        return bool((expr.args[0] / sp.pi).is_Rational)
    return False


def _unit_roots_as_cosines(expr: sp.Basic) -> sp.Basic:
    """``exp(i q π)`` for rational q as ``cos(q π) + i sin(q π)``: an algebraic number SymPy can evaluate."""
    return expr.replace(
        lambda node: isinstance(node, sp.exp) and (node.args[0] / (sp.I * sp.pi)).is_Rational,
        lambda node: sp.cos(node.args[0] / sp.I) + sp.I * sp.sin(node.args[0] / sp.I),
    )


def _constant_verdict(left: sp.Basic, right: sp.Basic, deadline: Deadline, outcome: ProbeOutcome) -> Verdict | None:
    """Two numbers: different when a ball of their difference excludes 0 (rising precision), equal
    when an exact argument (or simplify) shows it; otherwise None, or "probably equal" with how far
    they agree. The quick checks come first, the long climb in precision last."""
    difference = left - right
    shown = constant_sign(difference, deadline, max_bits=4096)
    if shown is None:
        return None
    if not shown.nonzero:
        exact = _exact_constant(left, right, difference, deadline)
        if exact is not None:
            return exact
        method = _simplify(difference, deadline.within(max(0.05, (deadline.remaining() or 10.0) / 2)), outcome)
        if method is not None:
            return Verdict(True, method, confidence=1.0)
        shown = constant_sign(difference, deadline)  # as far as the time allows
    if shown is not None and shown.nonzero:
        return Verdict(
            False,
            "ball arithmetic",
            f"the two sides differ by {shown.value} (a ball excluding 0 at {shown.bits} bits)",
        )
    bits = shown.bits if shown is not None else 4096
    return Verdict(
        None,
        "ball arithmetic",
        f"probably equal: the difference is within a ball of radius below 2^-{bits} around 0 (not a proof)",
        confidence=1.0 - 2.0**-52,
        probable=True,
    )


def _exact_constant(left: sp.Basic, right: sp.Basic, difference: sp.Basic, deadline: Deadline) -> Verdict | None:
    rewritten = _unit_roots_as_cosines(difference)
    if rewritten != difference and constant_difference(sp.expand(rewritten)) == 0:
        return Verdict(True, "normal form", "exp(iqπ) = cos qπ + i sin qπ", confidence=1.0)
    if _is_algebraic_constant(left) and _is_algebraic_constant(right):
        same = same_algebraic_number(left, right, deadline)
        if same is not None:
            return Verdict(
                same,
                "minimal polynomial",
                "the same root of one minimal polynomial" if same else "different minimal polynomials",
                confidence=1.0 if same else None,
            )
    if _exponential_identity(difference):
        return Verdict(True, "normal form", "a rational function of one exponential, identically 0", confidence=1.0)
    return arctangent_identity(difference, deadline)


def _exponential_identity(difference: sp.Basic) -> bool:
    """``tanh(1000) = 1 − 2/(e^{2000} + 1)``: exponentials of rational multiples of one number g, as
    powers of a symbol T = e^g; a rational function of T that is identically 0 is 0 at T = e^g."""
    rewritten = difference.rewrite(sp.exp)
    exponentials = [node for node in rewritten.atoms(sp.exp) if node.args[0].is_Rational]
    if not exponentials or any(
        isinstance(node, sp.exp) and not node.args[0].is_Rational for node in rewritten.atoms(sp.exp)
    ):
        return False
    arguments = [node.args[0] for node in exponentials]
    step = arguments[0]
    for argument in arguments[1:]:
        step = sp.gcd(step, argument)
    if step == 0:
        return False
    base = helper_symbol("exponential", positive=True)
    substituted = rewritten.xreplace({node: base ** (node.args[0] / step) for node in exponentials})
    if substituted.has(sp.exp) or any(
        abs(node.args[1]) > 64 for node in substituted.atoms(sp.Pow) if node.args[1].is_Rational
    ):
        return False
    return rational_zero(substituted)


def _equations(
    left: sp.Basic, right: sp.Basic, assumptions: Assumptions | None, timeout: float | Deadline | None
) -> Verdict:
    """Two equations are equivalent here when one is a nonzero constant multiple of the other."""
    if not (isinstance(left, sp.Equality) and isinstance(right, sp.Equality)):
        raise UnsupportedStatement(
            "equivalent() compares expressions, or two equations; got "
            f"{type(left).__name__} and {type(right).__name__}. Check a relation with symcheck.holds()."
        )
    first = left.lhs - left.rhs
    second = right.lhs - right.rhs
    if second == 0 or first == 0:
        return equivalent(first, second, assumptions=assumptions, timeout=timeout)
    ratio = sp.cancel(sp.together(first / second))
    if not ratio.free_symbols and ratio != 0:
        return Verdict(True, "proportional equations", f"lhs − rhs differ by the factor {ratio}", confidence=1.0)
    return Verdict(
        None,
        "equations",
        "the equations are not constant multiples of each other; solution-set equivalence is not decided",
    )


def equivalent(
    a: Any,
    b: Any,
    *,
    assumptions: Assumptions | None = None,
    timeout: float | Deadline | None = DEFAULT_TIMEOUT,
    probes: int = 24,
    seed: int = 20261126,
) -> Verdict:
    """Decide whether ``a`` and ``b`` are equal under ``assumptions`` within ``timeout`` seconds.

    ``timeout`` may be a :class:`~symcheck.budget.Deadline` shared with the caller's other work.

    Returns a :class:`~symcheck.results.Verdict`: ``holds`` is True (``method`` says whether by proof
    or by probing, ``confidence`` how sure), False (with a ``counterexample`` where the two differ)
    or None (undecided). Strings are refused: they would have to be parsed as code.

    >>> import sympy as sp
    >>> x = sp.Symbol("x", real=True)
    >>> equivalent(sp.sqrt(x**2), x).holds
    False
    >>> equivalent(sp.exp(x) / (1 + sp.exp(x)), 1 / (1 + sp.exp(-x))).method
    'normal form'
    """
    started = time.perf_counter()
    left = _as_sympy(a, "a")
    right = _as_sympy(b, "b")
    from symcheck import matrices  # matrix and index-form claims (symcheck.matrices); imported on first use

    if matrices.handles(left, right, assumptions):
        timeout = Deadline.of(timeout)  # one budget for this stage and the ladder after it
        verdict = matrices.equivalent_matrices(left, right, assumptions=assumptions, deadline=timeout)
        if verdict.holds is not None or isinstance(left, sp.MatrixExpr) or isinstance(right, sp.MatrixExpr):
            return replace(verdict, seconds=time.perf_counter() - started)
    if isinstance(left, (sp.MatrixBase,)) or isinstance(right, (sp.MatrixBase,)):
        return _matrices(left, right, assumptions, timeout, started)
    if _is_statement(left) or _is_statement(right):
        verdict = _equations(left, right, assumptions, DEFAULT_TIMEOUT if timeout is None else timeout)
        return replace(verdict, seconds=time.perf_counter() - started)
    deadline = Deadline.of(timeout)
    try:
        with time_limit(deadline.remaining()):
            verdict = _decide(left, right, assumptions or Assumptions(), deadline, probes, seed)
    except BudgetExceeded:
        verdict = Verdict(None, "timeout", f"not decided within {time.perf_counter() - started:.2g} s")
    except RecursionError:
        verdict = Verdict(None, "too deep", "the expression is too deeply nested to analyse")
    return replace(verdict, seconds=time.perf_counter() - started)


def _is_statement(value: sp.Basic) -> bool:
    """Relations and logical values (a Symbol is also a Boolean in SymPy, hence the Expr test)."""
    return isinstance(value, sp.Rel) or (isinstance(value, sp.logic.boolalg.Boolean) and not isinstance(value, sp.Expr))


def _matrices(
    left: sp.Basic, right: sp.Basic, assumptions: Assumptions | None, timeout: float | Deadline | None, started: float
) -> Verdict:
    if not (isinstance(left, sp.MatrixBase) and isinstance(right, sp.MatrixBase)):
        raise UnsupportedStatement("equivalent() compares a matrix only with another explicit matrix")
    if left.shape != right.shape:
        return Verdict(False, "shape", f"shapes differ: {left.shape} and {right.shape}")
    deadline = Deadline.of(timeout)
    verdicts = []
    for position, (first, second) in enumerate(zip(left, right, strict=True)):
        verdict = equivalent(first, second, assumptions=assumptions, timeout=deadline)
        row, column = divmod(position, left.cols)
        verdict = replace(verdict, detail=f"entry ({row + 1}, {column + 1}): {verdict.detail}".strip(": "))
        if verdict.holds is False:
            return replace(verdict, seconds=time.perf_counter() - started)
        verdicts.append(verdict)
    for verdict in verdicts:
        if verdict.holds is None and not verdict.probable:
            return replace(verdict, seconds=time.perf_counter() - started)
    method = "entrywise " + ", ".join(sorted({verdict.method for verdict in verdicts}))
    probable = [verdict for verdict in verdicts if verdict.probable]
    if probable:
        confidence = min(verdict.confidence or 0.0 for verdict in probable)
        return Verdict(
            None, method, probable[0].detail, confidence, probable=True, seconds=time.perf_counter() - started
        )
    return Verdict(True, method, confidence=1.0, seconds=time.perf_counter() - started)


def _with_domain(verdict: Verdict, left: sp.Basic, right: sp.Basic) -> Verdict:
    """An identity (or a probable one) says where both sides are defined when they differ in that."""
    if verdict.holds is False or (verdict.holds is None and not verdict.probable):
        return verdict
    if _tree_size(left, 600) + _tree_size(right, 600) >= 600:
        return verdict
    try:
        with time_limit(0.2):
            note = domain_note(left, right)
    except (BudgetExceeded, RecursionError):
        return verdict
    if not note:
        return verdict
    return replace(verdict, detail=f"{verdict.detail}; {note}" if verdict.detail else note)


def _decide(
    left: sp.Basic, right: sp.Basic, assumptions: Assumptions, deadline: Deadline, probes: int, seed: int
) -> Verdict:
    if left == right:
        return Verdict(True, "structural", confidence=1.0)
    left, right, float_verdict, float_note = _float_policy(left, right)
    if float_verdict is not None:
        return float_verdict
    symbolic_left = with_declared_assumptions(left, assumptions)
    symbolic_right = with_declared_assumptions(right, assumptions)
    verdict = _ladder(symbolic_left, symbolic_right, left, right, assumptions, deadline, probes, seed)
    if float_note:
        verdict = replace(verdict, method=verdict.method + float_note)
    return _with_domain(verdict, symbolic_left, symbolic_right)


def _normal_difference(
    left: sp.Basic, right: sp.Basic, context: Context, deadline: Deadline
) -> tuple[sp.Basic | None, sp.Basic | None, Verdict | None]:
    """(difference of the normal forms, its exact constant value if it has one, a verdict if decided)."""
    try:
        with time_limit(deadline.share(0.4, floor=0.05)):
            normal_left = normal_form(left, context)
            normal_right = normal_form(right, context)
            if normal_left == normal_right:
                return None, None, Verdict(True, "structural", confidence=1.0)
            difference = normal_left - normal_right
            if rational_zero(difference):
                return difference, sp.S.Zero, Verdict(True, "normal form", confidence=1.0)
            constant = constant_difference(difference)
            if constant is not None and constant.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
                constant = None
            if constant == 0:
                return difference, constant, Verdict(True, "normal form", confidence=1.0)
            return difference, constant, None
    except BudgetExceeded:
        if deadline.expired():
            raise
        return None, None, None


def _ladder(
    symbolic_left: sp.Basic,
    symbolic_right: sp.Basic,
    left: sp.Basic,
    right: sp.Basic,
    assumptions: Assumptions,
    deadline: Deadline,
    probes: int,
    seed: int,
) -> Verdict:
    context = Context.from_assumptions(assumptions)
    difference = constant = None
    if _tree_size(symbolic_left) + _tree_size(symbolic_right) <= MAX_TREE_SIZE:
        difference, constant, verdict = _normal_difference(symbolic_left, symbolic_right, context, deadline)
        if verdict is not None:
            return verdict

    # the normal form differentiates cleverly; probing needs the derivatives carried out plainly
    left, right = evaluate_derivatives(left), evaluate_derivatives(right)
    outcome = _probe(left, right, assumptions, deadline, probes, seed)
    if outcome.counterexample is not None:
        how = "exact evaluation" if outcome.counterexample.note.startswith("exactly") else "numeric probe"
        return Verdict(False, how, "a point where the two sides differ", counterexample=outcome.counterexample)
    if constant is not None and constant.is_Rational:
        return Verdict(False, "normal form", f"the two sides differ by exactly {constant} wherever both are defined")

    real = not (left.has(sp.I) or right.has(sp.I))
    if difference is not None:
        split = case_split(difference, context, deadline, real) or sums_termwise(difference, context, deadline, real)
        if split is not None:
            return Verdict(True, split, confidence=1.0)
        parameter = _integer_polynomial(difference, assumptions, context, deadline)
        if parameter is not None:
            return parameter
    moduli = _log_moduli(symbolic_left, symbolic_right, context, deadline)
    if moduli is not None:
        return moduli

    if difference is None:
        difference = symbolic_left - symbolic_right
    if not difference.free_symbols:
        numbers = _constant_verdict(symbolic_left, symbolic_right, deadline, outcome)
        if numbers is not None:
            return numbers
    method = _simplify(difference, deadline, outcome)
    if method is not None:
        return Verdict(True, method, confidence=1.0)
    return _from_probing(outcome, probes)


def _simplify(difference: sp.Basic, deadline: Deadline, outcome: ProbeOutcome) -> str | None:
    remaining = deadline.remaining()
    if (remaining is not None and remaining <= 0.05) or high_degree(difference):
        return None
    try:
        return run_isolated(_isolated_simplify, (difference,), deadline.share(0.7, floor=0.05))
    except BudgetExceeded:
        return None
    except RuntimeError as error:
        outcome.notes.append(f"simplify failed: {error}")
        return None


def _from_probing(outcome: ProbeOutcome, probes: int) -> Verdict:
    """What probing alone can say: unsupported, undecided, or probably equal (never True)."""
    if outcome.unsupported:
        return Verdict(None, "unsupported", f"cannot evaluate numerically: {outcome.unsupported}")
    if outcome.interrupted:
        return Verdict(
            None,
            "timeout",
            f"probing did not finish within the budget ({outcome.agreed} points agreed); no proof found",
        )
    if outcome.agreed >= min(8, probes):
        skipped = outcome.skipped_nonreal + outcome.skipped_undefined
        where = []
        if outcome.exact:
            where.append(f"{outcome.exact} exactly")
        if outcome.breakpoints:
            where.append(f"{outcome.breakpoints} at breakpoints")
        digits = max(outcome.digits, 30)
        return Verdict(
            None,
            "numeric probe",
            f"probably equal: agreed at {outcome.agreed} points ({', '.join(where) or 'none exactly'}; others to "
            f"{digits} digits; {skipped} skipped outside the common real domain); not a proof",
            confidence=outcome.confidence,
            probable=True,
        )
    return Verdict(
        None,
        "undecided",
        f"only {outcome.agreed} admissible points agreed ({outcome.tried} tried); no proof found",
    )


def _probe(
    left: sp.Basic, right: sp.Basic, assumptions: Assumptions, deadline: Deadline, probes: int, seed: int
) -> ProbeOutcome:
    try:
        with time_limit(deadline.share(0.5, floor=0.05)):
            return probe(left, right, assumptions, deadline, points=probes, seed=seed)
    except BudgetExceeded:
        if deadline.expired():
            raise
        outcome = ProbeOutcome(interrupted=True)
        outcome.notes.append("probing ran out of its share of the time")
        return outcome


_REAL_FUNCTIONS = (sp.exp, sp.sin, sp.cos, sp.tan, sp.atan, sp.sinh, sp.cosh, sp.tanh, sp.sign, sp.Heaviside)


def _real_wherever_defined(expr: sp.Basic) -> bool:
    """Whether ``expr`` is real at every real point where it is defined (a sufficient, structural test)."""
    if expr.is_number:
        return bool(expr.is_extended_real)
    if isinstance(expr, sp.Symbol):
        return bool(expr.is_extended_real)
    if isinstance(expr, sp.Abs):
        return True
    if expr.is_Add or expr.is_Mul or isinstance(expr, (*_REAL_FUNCTIONS, sp.Max, sp.Min)):
        return all(_real_wherever_defined(argument) for argument in expr.args)
    if expr.is_Pow:
        base, exponent = expr.args
        if exponent.is_integer or base.is_nonnegative:
            return _real_wherever_defined(base) and _real_wherever_defined(exponent)
    return False


def _affine_in_logs(expr: sp.Basic) -> bool:
    """``R + Σ cᵢ log Aᵢ`` with R and every cᵢ real wherever defined (the Aᵢ may be anything)."""

    def variable_log(node: sp.Basic) -> bool:
        return isinstance(node, sp.log) and bool(node.free_symbols)

    for term in sp.Add.make_args(expr):
        logs = [factor for factor in sp.Mul.make_args(term) if variable_log(factor)]
        rest = [factor for factor in sp.Mul.make_args(term) if not variable_log(factor)]
        if len(logs) > 1 or any(factor.find(variable_log) for factor in rest) or len(logs[0].args if logs else ()) > 1:
            return False
        if not all(_real_wherever_defined(factor) for factor in rest):
            return False
    return True


def _log_modulus(argument: sp.Basic, factored: bool = False) -> sp.Basic:
    """``log|A|`` split over products and real powers: log|a b^e| = log|a| + e log|b| wherever defined."""
    if argument.is_Mul:
        return sp.Add(*(_log_modulus(factor) for factor in argument.args))
    if argument.is_Pow and _real_wherever_defined(argument.args[1]):
        return argument.args[1] * _log_modulus(argument.args[0])
    if isinstance(argument, sp.exp) and argument.args[0].is_extended_real:
        return argument.args[0]
    if isinstance(argument, sp.Abs):
        return _log_modulus(argument.args[0])
    if argument.is_Add and not factored:
        return _log_modulus(sp.factor(argument), factored=True)
    return sp.log(sp.Abs(argument))


def _log_moduli(left: sp.Basic, right: sp.Basic, context: Context, deadline: Deadline) -> Verdict | None:
    """Sides affine in logarithms are equal wherever both are real if their real parts are equal.

    At a point where ``R + Σ cᵢ log Aᵢ`` is real (R, cᵢ real), it equals its real part
    ``R + Σ cᵢ log|Aᵢ|``; and ``log|a b^e| = log|a| + e log|b|`` holds wherever defined, for real e.
    So ``log((x+1)/(1−x)) = −log((1−x)/(x+1))`` and ``log(a²b) = 2 log a + log b`` hold wherever
    both sides are real, though not as complex functions.
    """
    if left.has(sp.I) or right.has(sp.I) or not (left.has(sp.log) or right.has(sp.log)):
        return None
    if not all(symbol.is_extended_real for symbol in (left.free_symbols | right.free_symbols)):
        return None
    if not (_affine_in_logs(sp.expand(left)) and _affine_in_logs(sp.expand(right))):
        return None

    def moduli(expr: sp.Basic) -> sp.Basic:
        return sp.expand(expr).replace(
            lambda node: isinstance(node, sp.log) and len(node.args) == 1, lambda node: _log_modulus(node.args[0])
        )

    try:
        with time_limit(deadline.share(0.3, floor=0.05)):
            difference = normal_form(moduli(left) - moduli(right), context)
            if not rational_zero(difference):
                return None
    except BudgetExceeded:
        if deadline.expired():
            raise
        return None
    return Verdict(
        True,
        "real parts of logarithms",
        "equal wherever both sides are real (there each equals its real part, and Re log z = log|z|)",
        confidence=1.0,
    )


def _integer_polynomial(
    difference: sp.Basic, assumptions: Assumptions, context: Context, deadline: Deadline
) -> Verdict | None:
    """A polynomial of degree ≤ d in an integer parameter, zero at d + 1 values of it, is zero."""
    try:
        with time_limit(deadline.share(0.3, floor=0.05)):
            for parameter in integer_parameters(difference, assumptions.symbolic_bounds):
                degree = degree_bound(difference, frozenset({parameter}))
                if degree is None or degree > MAX_DEGREE or degree == 0:
                    continue
                values = range(1, degree + 2)
                for value in values:
                    case = instance(difference, parameter, value)
                    if case.has(sp.Sum) or not rational_zero(normal_form(case, context)):
                        break
                else:
                    return Verdict(
                        True,
                        f"polynomial identity in {parameter}",
                        f"a polynomial of degree at most {degree} in {parameter}, zero at {parameter} = "
                        f"{values[0]}..{values[-1]}",
                        confidence=1.0,
                    )
    except BudgetExceeded:
        if deadline.expired():
            raise
    return None
