"""Normal forms that make equal expressions look equal, valid for every value of a symbolic K.

SymPy can differentiate ``exp(z[i]) / Sum(exp(z[j]), (j, 1, K))`` by ``z[k]``, but what it returns
(a ``Sum`` of a ``KroneckerDelta`` that ``doit`` turns into ``Piecewise((exp(z[k]), K >= k), (0,
True))``) is not recognisably equal to ``ŷ_i (δ_ik − ŷ_k)``. The transformations here close that gap
using only facts that hold for every K: the declared index ranges (``1 <= k <= K``), linearity of
finite sums, the sifting property of the Kronecker delta, labels that sum to one, and logarithms of
quantities that are provably positive. After them, a plain rational-function normalisation (with
sums, deltas and exponentials as generators) decides most identities of the library in milliseconds.

Every rewrite here is an identity under the stated assumptions; none guesses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import product

import sympy as sp

from symcheck.model import Assumptions, Domain

__all__ = [
    "Context",
    "canonical_dummies",
    "canonical_even_powers",
    "constant_difference",
    "decide",
    "declared_variant",
    "delta_cases",
    "expand_sums",
    "helper_symbol",
    "high_degree",
    "is_positive",
    "normal_form",
    "rational_zero",
    "resolve_piecewise",
    "sign_cases",
    "with_declared_assumptions",
    "write_out_sums",
]


@dataclass(frozen=True)
class Context:
    """What the normaliser may assume: index ranges and which IndexedBases are probability vectors."""

    ranges: dict[sp.Symbol, tuple[sp.Expr, sp.Expr]] = field(default_factory=dict)
    simplex: frozenset[sp.IndexedBase] = frozenset()
    positive: frozenset[sp.Basic] = frozenset()
    distinct: frozenset[frozenset[sp.Basic]] = frozenset()
    pinned: tuple[tuple[sp.Basic, sp.Basic], ...] = ()
    unit: frozenset[sp.Basic] = frozenset()

    @classmethod
    def from_assumptions(cls, assumptions: Assumptions | None) -> Context:
        if assumptions is None:
            return cls()
        ranges = {declared.index: (declared.lower, declared.upper) for declared in assumptions.indices}

        def declared(*domains: Domain) -> frozenset[sp.Basic]:
            # both the symbol as written and its variant carrying SymPy assumptions
            chosen = [(symbol, domain) for symbol, domain in assumptions.domains if domain in domains]
            return frozenset(symbol for symbol, _ in chosen) | frozenset(
                declared_variant(symbol, domain) for symbol, domain in chosen
            )

        simplex = declared(Domain.SIMPLEX, Domain.ONE_HOT)
        positive = declared(Domain.POSITIVE, Domain.UNIT_INTERVAL, Domain.POSITIVE_INTEGER)
        unit = declared(Domain.UNIT_INTERVAL)
        distinct = frozenset(frozenset(pair) for pair in assumptions.distinct)
        return cls(
            ranges=ranges,
            simplex=simplex,
            positive=positive,
            distinct=distinct,
            # pinned entries as written and with their bases carrying the declared assumptions
            pinned=tuple(
                dict.fromkeys(
                    assumptions.pinned
                    + tuple(
                        (with_declared_assumptions(entry, assumptions), with_declared_assumptions(value, assumptions))
                        for entry, value in assumptions.pinned
                    )
                )
            ),
            unit=unit,
        )

    def inner(self, variable: sp.Symbol, lower: sp.Expr, upper: sp.Expr) -> Context:
        """This context inside a sum over ``variable`` from ``lower`` to ``upper``."""
        return Context(
            {**self.ranges, variable: (lower, upper)},
            self.simplex,
            self.positive,
            self.distinct,
            self.pinned,
            self.unit,
        )

    def full_ranges(self) -> set[tuple[sp.Expr, sp.Expr]]:
        return set(self.ranges.values())


# --------------------------------------------------------------------------- helper symbols


def helper_symbol(name: str, **assumptions: bool) -> sp.Symbol:
    """A symbol for symcheck's own substitutions (slack variables, odds, signs).

    Not a ``Dummy``: SymPy caches expressions by their symbols, and a fresh Dummy per call makes
    every expression built from it new, so its assumptions are derived again each time. The
    reserved prefix keeps these apart from any symbol a user writes.
    """
    return sp.Symbol(f"symcheck·{name}", **assumptions)


# --------------------------------------------------------------------------- declared domains

_SYMPY_ASSUMPTIONS = {
    Domain.REAL: {"real": True},
    Domain.POSITIVE: {"positive": True},
    Domain.NONNEGATIVE: {"nonnegative": True},
    Domain.NEGATIVE: {"negative": True},
    Domain.NONZERO: {"real": True, "nonzero": True},
    Domain.UNIT_INTERVAL: {"positive": True},
    Domain.INTEGER: {"integer": True},
    Domain.POSITIVE_INTEGER: {"integer": True, "positive": True},
    Domain.SIMPLEX: {"nonnegative": True},
    Domain.ONE_HOT: {"nonnegative": True},
}


def declared_variant(symbol: sp.Basic, domain: Domain) -> sp.Basic:
    """The same symbol (or IndexedBase) carrying its declared domain as SymPy assumptions."""
    flags = _SYMPY_ASSUMPTIONS.get(domain)
    if flags is None:
        return symbol
    if isinstance(symbol, sp.Symbol):
        return sp.Symbol(symbol.name, **{**symbol.assumptions0, **flags})
    if isinstance(symbol, sp.IndexedBase):
        label = symbol.label
        return sp.IndexedBase(sp.Symbol(label.name, **{**label.assumptions0, **flags}))
    return symbol


def with_declared_assumptions(expr: sp.Basic, assumptions: Assumptions | None) -> sp.Basic:
    """Replace symbols whose domain is declared by symbols that carry it as SymPy assumptions.

    Symbolic stages then know, say, that a probability is positive. The replacements keep their
    names, so everything prints as before.
    """
    if assumptions is None or not assumptions.domains:
        return expr
    mapping: dict[sp.Basic, sp.Basic] = {}
    for symbol, domain in assumptions.domains:
        if (isinstance(symbol, sp.Symbol) and symbol in expr.free_symbols) or (
            isinstance(symbol, sp.IndexedBase) and expr.has(symbol)
        ):
            variant = declared_variant(symbol, domain)
            if variant != symbol:
                mapping[symbol] = variant
    return expr.xreplace(mapping) if mapping else expr


# --------------------------------------------------------------------------- deciding conditions


def _sign_of_difference(difference: sp.Expr, context: Context) -> tuple[bool, bool, bool, bool]:
    """(>= 0 proved, > 0 proved, <= 0 proved, < 0 proved) for an expression in index variables.

    Each index ``x`` in ``lo..hi`` is written either as ``lo + s`` or as ``hi - s`` with ``s`` a
    nonnegative integer; if any combination makes the sign evident to SymPy's assumptions, the sign
    holds for every admissible value of the indices.
    """
    indices = [symbol for symbol in difference.free_symbols if symbol in context.ranges]
    if len(indices) > 3:
        indices = indices[:3]
    slack = {index: helper_symbol(f"slack_{index}", integer=True, nonnegative=True) for index in indices}
    proved = [False, False, False, False]
    for choice in product((0, 1), repeat=len(indices)):
        substituted = difference
        for index, use_upper in zip(indices, choice, strict=True):
            lower, upper = context.ranges[index]
            substituted = substituted.subs(index, (upper - slack[index]) if use_upper else (lower + slack[index]))
        substituted = sp.expand(substituted)
        facts = (
            substituted.is_nonnegative,
            substituted.is_positive,
            substituted.is_nonpositive,
            substituted.is_negative,
        )
        proved = [already or bool(fact) for already, fact in zip(proved, facts, strict=True)]
        if (proved[0] and proved[1]) or (proved[2] and proved[3]):
            break
    return proved[0], proved[1], proved[2], proved[3]


def decide(condition: sp.Basic, context: Context) -> bool | None:
    """Whether ``condition`` (relations of indices, And/Or/Not) holds for every admissible index.

    Returns True or False when the index ranges settle it, None when they do not (``Eq(i, k)`` for
    two distinct free indices, say).
    """
    if condition is sp.true:
        return True
    if condition is sp.false:
        return False
    if isinstance(condition, sp.And):
        verdicts = [decide(argument, context) for argument in condition.args]
        if any(verdict is False for verdict in verdicts):
            return False
        return True if all(verdict is True for verdict in verdicts) else None
    if isinstance(condition, sp.Or):
        verdicts = [decide(argument, context) for argument in condition.args]
        if any(verdict is True for verdict in verdicts):
            return True
        return False if all(verdict is False for verdict in verdicts) else None
    if isinstance(condition, sp.Not):
        inner = decide(condition.args[0], context)
        return None if inner is None else not inner
    if isinstance(condition, (sp.Eq, sp.Ne)):
        if frozenset((condition.lhs, condition.rhs)) in context.distinct:
            return isinstance(condition, sp.Ne)
        difference = sp.expand(condition.lhs - condition.rhs)
        if difference == 0:
            return isinstance(condition, sp.Eq)
        nonneg, pos, nonpos, neg = _sign_of_difference(difference, context)
        if pos or neg:
            return isinstance(condition, sp.Ne)
        return None
    if isinstance(condition, sp.Rel):
        if isinstance(condition, (sp.GreaterThan, sp.StrictGreaterThan)):
            difference = condition.lhs - condition.rhs
        else:
            difference = condition.rhs - condition.lhs
        strict = isinstance(condition, (sp.StrictGreaterThan, sp.StrictLessThan))
        nonneg, pos, nonpos, neg = _sign_of_difference(sp.expand(difference), context)
        if pos if strict else nonneg:
            return True
        if nonpos if strict else neg:
            return False
        return None
    return None


def resolve_piecewise(expr: sp.Basic, context: Context) -> sp.Basic:
    """Drop the branches of every Piecewise whose conditions the index ranges decide."""
    if not expr.has(sp.Piecewise):
        return expr

    def resolve(*pairs: tuple[sp.Basic, sp.Basic]) -> sp.Basic:
        kept = []
        for piece, condition in pairs:
            verdict = decide(condition, context)
            if verdict is True:
                if not kept:
                    return piece
                kept.append((piece, sp.true))
                break
            if verdict is None:
                kept.append((piece, condition))
        if not kept:
            return sp.Piecewise(*pairs)
        return sp.Piecewise(*kept)

    return expr.replace(sp.Piecewise, resolve)


# --------------------------------------------------------------------------- finite sums


def split_exponentials(expr: sp.Basic) -> sp.Basic:
    """``e^{a + b}`` as ``e^a e^b`` for sums written with +, leaving ``e^{Σ_j f(j)}`` alone.

    SymPy's ``expand_power_exp`` would turn ``e^{Σ_j f(j)}`` into ``Π_j e^{f(j)}``, whose
    derivative SymPy then splits around the differentiated index; a Σ in the exponent is kept.
    """
    if not expr.has(sp.exp):
        return expr
    return expr.replace(
        lambda node: isinstance(node, sp.exp) and node.args[0].is_Add,
        lambda node: sp.Mul(*(sp.exp(term) for term in node.args[0].args)),
    )


def _expand_summand(body: sp.Expr) -> sp.Expr:
    return sp.expand_mul(split_exponentials(body))


def _in_range(value: sp.Expr, lower: sp.Expr, upper: sp.Expr, context: Context) -> bool | None:
    # built unevaluated: decide() reasons with the index ranges, SymPy's own evaluation is slow here
    return decide(sp.And(sp.Le(lower, value, evaluate=False), sp.Le(value, upper, evaluate=False)), context)


def _sum_single(body: sp.Expr, variable: sp.Symbol, lower: sp.Expr, upper: sp.Expr, context: Context) -> sp.Expr:
    inner = context.inner(variable, lower, upper)
    total: sp.Expr = sp.S.Zero
    for term in sp.Add.make_args(_expand_summand(body)):
        constant, dependent = [], []
        for factor in sp.Mul.make_args(term):
            (dependent if variable in factor.free_symbols else constant).append(factor)
        coefficient = sp.Mul(*constant)
        if not dependent:
            total += coefficient * (upper - lower + 1)
            continue
        deltas = [
            factor for factor in dependent if isinstance(factor, sp.KroneckerDelta) and variable in factor.free_symbols
        ]
        if deltas:
            delta = deltas[0]
            first, second = delta.args
            target = second if first == variable else first
            if variable not in target.free_symbols:
                rest = sp.Mul(*(factor for factor in dependent if factor is not delta))
                membership = _in_range(target, lower, upper, context)
                sifted = coefficient * rest.subs(variable, target)
                if membership is True:
                    total += sifted
                    continue
                if membership is False:
                    continue
                total += sp.Piecewise((sifted, sp.And(sp.Le(lower, target), sp.Le(target, upper))), (0, True))
                continue
        if (
            len(dependent) == 1
            and isinstance(dependent[0], sp.Indexed)
            and dependent[0].base in context.simplex
            and dependent[0].indices[0] == variable
            and all(variable not in index.free_symbols for index in dependent[0].indices[1:])
            and (lower, upper) in context.full_ranges()
        ):
            # probability labels sum to one over their full range (each column of a label matrix)
            total += coefficient
            continue
        total += coefficient * sp.Sum(sp.Mul(*dependent), (variable, lower, upper))
    return resolve_piecewise(total, inner) if total.has(sp.Piecewise) else total


def expand_sums(expr: sp.Basic, context: Context) -> sp.Basic:
    """Sums made linear: split over +, constants pulled out, deltas sifted, labels summed to one."""
    if not expr.has(sp.Sum):
        return expr

    def visit(node: sp.Basic) -> sp.Basic:
        if isinstance(node, sp.Sum):
            # innermost limit first; SymPy merges nested sums into one, so never rebuild and revisit
            body = visit(node.function)
            for variable, lower, upper in node.limits:
                body = _sum_single(body, variable, lower, upper, context)
            return body
        if not node.args or node.is_Atom:
            return node
        new_args = [visit(argument) for argument in node.args]
        if all(new is old for new, old in zip(new_args, node.args, strict=True)):
            return node
        return node.func(*new_args)

    return visit(expr)


def canonical_dummies(expr: sp.Basic) -> sp.Basic:
    """Rename every summation variable by its nesting depth, so alpha-equivalent sums are equal."""
    if not expr.has(sp.Sum, sp.Product):
        return expr

    def visit(node: sp.Basic, depth: int) -> sp.Basic:
        if isinstance(node, (sp.Sum, sp.Product)):
            body = node.function
            limits = []
            for offset, (variable, lower, upper) in enumerate(node.limits):
                replacement = sp.Symbol(f"ι{depth + offset}", integer=True)
                body = body.xreplace({variable: replacement})
                limits.append((replacement, visit(lower, depth), visit(upper, depth)))
            return node.func(visit(body, depth + len(node.limits)), *limits)
        if not node.args or node.is_Atom:
            return node
        return node.func(*(visit(argument, depth) for argument in node.args))

    return visit(expr, 0)


# --------------------------------------------------------------------------- positivity and logs


def is_positive(expr: sp.Basic, context: Context) -> bool:
    """A sufficient test for ``expr > 0``: SymPy's assumptions, extended to finite sums of positives."""
    if expr.is_positive:
        return True
    if expr in context.positive:
        return True
    if isinstance(expr, sp.Indexed) and expr.base in context.positive:
        return True
    if isinstance(expr, sp.Sum) and len(expr.limits) == 1:
        variable, lower, upper = expr.limits[0]
        inner = context.inner(variable, lower, upper)
        nonempty = decide(sp.Le(lower, upper, evaluate=False), context)
        if nonempty is None and (lower, upper) in context.full_ranges():
            nonempty = True  # a declared index range is never empty
        return bool(nonempty) and is_positive(expr.function, inner)
    if isinstance(expr, sp.exp) and expr.args[0].is_extended_real:
        return True
    if isinstance(expr, sp.exp) and all(is_real(a, context) for a in expr.args):
        return True
    if (expr.is_Mul or expr.is_Add) and all(is_positive(argument, context) for argument in expr.args):
        return True
    if context.unit and expr.is_Add:
        # 1 − p > 0 for a probability p in (0, 1): write p = t/(1 + t) with t > 0 and ask SymPy
        odds = {}
        for node in expr.atoms(sp.Symbol, sp.Indexed):
            if node in context.unit or (isinstance(node, sp.Indexed) and node.base in context.unit):
                odds[node] = (ratio := helper_symbol(f"odds_{node}", positive=True)) / (1 + ratio)
        if odds and sp.together(expr.xreplace(odds)).is_positive:
            return True
    if expr.is_Pow:
        base, exponent = expr.args
        return is_positive(base, context) and bool(exponent.is_extended_real)
    return False


def is_real(expr: sp.Basic, context: Context) -> bool:
    if expr.is_extended_real:
        return True
    if isinstance(expr, sp.Indexed):
        return bool(expr.base.label.is_extended_real) or expr.base in context.simplex
    return False


def expand_positive_logs(expr: sp.Basic, context: Context) -> sp.Basic:
    """Expand ``log`` of products, quotients and powers whose factors are provably positive."""
    if not expr.has(sp.log):
        return expr

    def expand(argument: sp.Basic) -> sp.Basic:
        # Factors that are positive, or merely nonnegative: where log(a b) is defined, a b > 0, so
        # nonnegative factors are positive there and log(a b) = log a + log b on its whole domain.
        if argument.is_Mul and all(is_positive(f, context) or f.is_nonnegative for f in argument.args):
            return sp.Add(*(expand(factor) for factor in argument.args))
        if argument.is_Pow:
            base, exponent = argument.args
            if is_positive(base, context) and exponent.is_extended_real:
                return exponent * expand(base)
        if isinstance(argument, sp.exp) and argument.args[0].is_extended_real:
            return argument.args[0]
        if isinstance(argument, sp.exp) and is_real(argument.args[0], context):
            return argument.args[0]
        if isinstance(argument, sp.Product) and len(argument.limits) == 1:
            variable, lower, upper = argument.limits[0]
            if is_positive(argument.function, context.inner(variable, lower, upper)):
                # log Π f = Σ log f for positive factors
                return sp.Sum(expand(argument.function), (variable, lower, upper))
        if argument.is_Add and not argument.has(sp.Sum):
            # 1 − 1/(1 + e^{−z}) is e^{−z}/(1 + e^{−z}): over one denominator its factors may be positive
            combined = sp.together(split_exponentials(argument))
            if not combined.is_Add:  # a product or a power now: expand it if its factors are positive
                return expand(combined)
        return sp.log(argument)

    return expr.replace(
        lambda node: isinstance(node, sp.log) and len(node.args) == 1, lambda node: expand(node.args[0])
    )


# --------------------------------------------------------------------------- case splits


def delta_cases(expr: sp.Basic, context: Context) -> list[sp.Basic] | None:
    """Split on the first Kronecker delta of two free indices: the cases ``i = k`` and ``i ≠ k``."""
    for delta in expr.atoms(sp.KroneckerDelta):
        first, second = delta.args
        if first.is_Symbol and second.is_Symbol and first != second:
            equal = expr.xreplace({second: first}) if second in context.ranges else expr.xreplace({first: second})
            different = expr.xreplace({delta: sp.S.Zero}).replace(
                lambda node, pair={first, second}: isinstance(node, sp.Eq) and set(node.args) == pair,
                lambda node: sp.false,
            )
            return [equal, different]
    return None


def sign_cases(expr: sp.Basic, branches: bool = False) -> list[sp.Basic] | None:
    """Split on the sign of a real symbol inside Abs/Max/Min/Heaviside/sign/Piecewise conditions.

    ``Abs(z)`` becomes ``t`` and ``-t`` with ``t > 0`` in the two cases, which turns the stable
    forms of BCE-with-logits and the Leaky-ReLU derivative into ordinary algebra. With
    ``branches``, symbols under a root, a non-integer power or a logarithm are split on as well
    (``sqrt(-t) = i sqrt(t)`` is then explicit).
    """
    candidates: list[sp.Symbol] = []
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.Abs, sp.Max, sp.Min, sp.Heaviside, sp.sign)):
            candidates.extend(s for s in node.free_symbols if s.is_extended_real and s.is_Symbol)
        elif isinstance(node, sp.Piecewise):
            for _, condition in node.args:
                candidates.extend(s for s in condition.free_symbols if s.is_extended_real and s.is_Symbol)
        elif branches and (
            (node.is_Pow and not node.args[1].is_integer) or (isinstance(node, sp.log) and len(node.args) == 1)
        ):
            candidates.extend(
                s
                for s in sorted(node.args[0].free_symbols, key=str)
                if s.is_extended_real and s.is_Symbol and not s.is_nonnegative and not s.is_nonpositive
            )
    for symbol in dict.fromkeys(candidates):
        if symbol.is_nonnegative or symbol.is_nonpositive:
            continue  # its sign is known: the other cases lie outside its domain
        positive = helper_symbol(f"positive_{symbol}", positive=True)
        return [expr.subs(symbol, positive), expr.subs(symbol, -positive), expr.subs(symbol, 0)]
    return None


# --------------------------------------------------------------------------- the normal form


def write_out_sums(expr: sp.Basic, limit: int = 1000) -> sp.Basic:
    """Sums with integer limits as explicit additions, innermost first.

    ``Sum.doit()`` would first look for a closed form, which is much slower for the short sums of
    explicit instances (K = 2..6) and unnecessary: the terms are what we want.
    """
    if not expr.has(sp.Sum):
        return expr

    def write(node: sp.Sum) -> sp.Basic:
        body = node.function
        for variable, lower, upper in node.limits:
            if not (lower.is_Integer and upper.is_Integer) or int(upper) - int(lower) + 1 > limit:
                return node
            body = sp.Add(
                *(body.xreplace({variable: sp.Integer(value)}) for value in range(int(lower), int(upper) + 1))
            )
        return body

    return expr.replace(lambda node: isinstance(node, sp.Sum), write)


def evaluate_derivatives(expr: sp.Basic) -> sp.Basic:
    """Carry out the unevaluated derivatives only (``doit`` would also try to evaluate every sum)."""
    if not expr.has(sp.Derivative):
        return expr
    return expr.replace(lambda node: isinstance(node, sp.Derivative), lambda node: node.doit(deep=False))


def factor_absolute_values(expr: sp.Basic) -> sp.Basic:
    """``|x² − 9|`` as ``|x − 3| |x + 3|``: absolute values of real polynomials, factored."""
    if not expr.has(sp.Abs):
        return expr

    def factored(argument: sp.Basic) -> sp.Basic:
        if (
            argument.is_polynomial()
            and argument.free_symbols
            and all(s.is_extended_real for s in argument.free_symbols)
        ):
            return sp.Abs(sp.factor(argument))
        return sp.Abs(argument)

    return expr.replace(lambda node: isinstance(node, sp.Abs), lambda node: factored(node.args[0]))


def canonical_even_powers(expr: sp.Basic) -> sp.Basic:
    """``(a − x)^6000`` as ``(x − a)^6000``: an even power forgets the sign of its base.

    Without this, proving the two equal would expand a polynomial of degree 6000.
    """

    def even_power(node: sp.Basic) -> bool:
        exponent = node.args[1] if node.is_Pow else None
        return bool(exponent is not None and exponent.is_Integer and exponent.is_even)

    return expr.replace(
        lambda node: node.is_Pow and even_power(node) and node.args[0].could_extract_minus_sign(),
        lambda node: sp.Pow(-node.args[0], node.args[1]),
    )


def high_degree(expr: sp.Basic, limit: int = 60) -> bool:
    """Whether expanding ``expr`` would raise a sum to a power above ``limit`` (too costly)."""
    return any(
        node.is_Pow and node.args[0].is_Add and node.args[1].is_Integer and abs(int(node.args[1])) > limit
        for node in sp.preorder_traversal(expr)
    )


def merge_products(expr: sp.Basic) -> sp.Basic:
    """``Π_i a_i · Π_i b_i`` as ``Π_i a_i b_i``: products over the same range, merged."""
    if not expr.has(sp.Product):
        return expr

    def merge(node: sp.Mul) -> sp.Basic:
        groups: dict[tuple, list[sp.Basic]] = {}
        rest = []
        for factor in node.args:
            if isinstance(factor, sp.Product) and len(factor.limits) == 1:
                variable, lower, upper = factor.limits[0]
                canonical = sp.Symbol("symcheck·product", integer=True)
                groups.setdefault((lower, upper), []).append(factor.function.xreplace({variable: canonical}))
            else:
                rest.append(factor)
        if all(len(bodies) < 2 for bodies in groups.values()):
            return node
        canonical = sp.Symbol("symcheck·product", integer=True)
        merged = [sp.Product(sp.Mul(*bodies), (canonical, lower, upper)) for (lower, upper), bodies in groups.items()]
        return sp.Mul(*rest, *merged)

    return expr.replace(lambda node: node.is_Mul, merge)


def distinct_deltas(expr: sp.Basic, context: Context) -> sp.Basic:
    """``δ_ik = 0`` for indices declared distinct."""
    if not context.distinct or not expr.has(sp.KroneckerDelta):
        return expr
    return expr.replace(
        lambda node: isinstance(node, sp.KroneckerDelta) and frozenset(node.args) in context.distinct,
        lambda node: sp.S.Zero,
    )


def peel_sums(expr: sp.Basic) -> sp.Basic:
    """``Σ_{j=lo}^{hi−c} f(j)`` as ``Σ_{j=lo}^{hi} f(j) − f(hi) − … − f(hi−c+1)`` for a constant c.

    Sums over ``1..K−1`` (the maximum split off) then meet sums over ``1..K`` in one form. The
    identity holds for every K under the usual convention for empty sums, so nothing is assumed.
    """
    if not expr.has(sp.Sum):
        return expr

    def peel(node: sp.Sum) -> sp.Basic:
        if len(node.limits) != 1:
            return node
        variable, lower, upper = node.limits[0]
        constant = upper.as_coeff_Add()[0]
        if not (constant.is_Integer and constant < 0 and upper.free_symbols) or -constant > 16:
            return node
        full = upper - constant
        body = node.function
        return sp.Sum(body, (variable, lower, full)) - sp.Add(
            *(body.xreplace({variable: full - offset}) for offset in range(int(-constant)))
        )

    return expr.replace(lambda node: isinstance(node, sp.Sum), peel)


def _differentiate_normalised(expr: sp.Basic, context: Context) -> sp.Basic:
    """Carry out derivatives after simplifying what they differentiate.

    ``log(e^{a}/Σ_j e^{b_j})`` is ``a − log Σ_j e^{b_j}`` (log of a quotient of positives) and
    sums are linear; both are identities, and differentiating the simpler form is several times
    faster in SymPy than differentiating the quotient as written.
    """
    if not expr.has(sp.Derivative):
        return expr

    def simplified(node: sp.Derivative) -> sp.Basic:
        inner = node.expr
        if inner.has(sp.Derivative):
            inner = _differentiate_normalised(inner, context)
        inner = expand_positive_logs(expand_sums(inner, context), context)
        return sp.Derivative(inner, *node.variable_count).doit(deep=False)

    return expr.replace(lambda node: isinstance(node, sp.Derivative), simplified)


def normal_form(expr: sp.Basic, context: Context, *, peel: bool = True) -> sp.Basic:
    """The index-aware normal form: derivatives done, conditions decided, sums linear, logs expanded.

    ``peel=False`` keeps sums over ``1..K−1`` as written (interval arithmetic bounds them better).
    """
    expr = _differentiate_normalised(expr, context)
    if peel:
        expr = peel_sums(expr)
    if context.pinned:
        expr = expr.xreplace(dict(context.pinned))
    expr = distinct_deltas(expr, context)
    expr = canonical_even_powers(expr)
    expr = merge_products(expr)
    expr = factor_absolute_values(expr)
    expr = resolve_piecewise(expr, context)
    expr = expand_sums(expr, context)
    logs_expanded = expand_positive_logs(expr, context)
    if logs_expanded != expr:
        expr = expand_sums(logs_expanded, context)  # log Π became a Σ: make it linear too
    expr = resolve_piecewise(expr, context)
    expr = distinct_deltas(expr, context)
    return canonical_dummies(expr)


def rational_zero(expr: sp.Basic) -> bool:
    """Whether ``expr`` is 0 as a rational function of its non-rational parts (sums, exps, deltas).

    Exponentials of sums are split first (``e^{a+b} = e^a e^b``) so that the max-shift and the
    shift invariance reduce to cancellation.
    """
    if expr == 0:
        return True
    if high_degree(expr):
        return False  # not decided here; probing and the isolated stages take over
    prepared = sp.expand_power_exp(expr)
    if prepared.has(sp.exp):
        # exp(-x) and 1/exp(x) must be the same generator for cancellation to see them
        prepared = prepared.replace(
            lambda node: isinstance(node, sp.exp) and node.args[0].could_extract_minus_sign(),
            lambda node: 1 / sp.exp(-node.args[0]),
        )
    together = sp.together(prepared)
    numerator, _ = sp.fraction(together)
    if numerator == 0:
        return True
    return sp.expand(numerator) == 0 or sp.cancel(together) == 0


def constant_difference(expr: sp.Basic) -> sp.Basic | None:
    """The exact constant ``expr`` reduces to by rational-function cancellation, or None.

    ``(x + 10^{20})^2 − 10^{40} − 2·10^{20} x − (x^2 + 1)`` is −1: a difference that is already
    known exactly, which refutes an identity without any probing.
    """
    if not expr.free_symbols:
        return expr
    if high_degree(expr):
        return _polynomial_constant(expr)
    together = sp.together(expr)
    numerator, denominator = sp.fraction(together)
    numerator = sp.expand(numerator)
    if numerator.free_symbols:
        return None
    denominator = sp.expand(denominator)
    if denominator.free_symbols or denominator == 0:
        return None
    return numerator / denominator


def _polynomial_constant(expr: sp.Basic, limit: int = 2000) -> sp.Basic | None:
    """A univariate polynomial of high degree, compared coefficient by coefficient (``(x+1)^{1000}``)."""
    symbols = [symbol for symbol in expr.free_symbols if isinstance(symbol, sp.Symbol)]
    if len(symbols) != 1 or not expr.is_polynomial(symbols[0]):
        return None
    degrees = [int(node.args[1]) for node in sp.preorder_traversal(expr) if node.is_Pow and node.args[1].is_Integer]
    if max(degrees, default=0) > limit:
        return None
    polynomial = sp.Poly(expr, symbols[0])
    if polynomial.degree() > 0:
        return None
    return polynomial.as_expr()


def atoms_of(expr: sp.Basic, kinds: Iterable[type]) -> set[sp.Basic]:
    return set().union(*(expr.atoms(kind) for kind in kinds))
