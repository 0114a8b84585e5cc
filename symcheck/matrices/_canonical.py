"""The canonical index form: nested sums expanded into terms, deltas sifted, dummies renamed canonically.

Every rewrite is an identity for every value of the symbolic bounds, so two expressions whose
difference reduces to zero here are equal for every n and d.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import sympy as sp

from symcheck.matrices._calculus import carry_out
from symcheck.matrices._shapes import _plain_names, _Unsupported

__all__ = ["canonical_index_form"]

_MAX_PERMUTATIONS = 120


@dataclass(frozen=True)
class _Term:
    """Σ over ``limits`` of the product of ``factors``; dummies are unique to the term."""

    limits: tuple[tuple[sp.Symbol, sp.Basic, sp.Basic], ...]
    factors: tuple[sp.Basic, ...]

    def fresh(self) -> _Term:
        if not self.limits:
            return self
        mapping = {variable: sp.Dummy("k", integer=True) for variable, _, _ in self.limits}
        return _Term(
            tuple((mapping[v], lo, hi) for v, lo, hi in self.limits),
            tuple(factor.xreplace(mapping) for factor in self.factors),
        )


def _symbols(term: _Term) -> set[sp.Basic]:
    return {variable for variable, _, _ in term.limits}.union(*(f.free_symbols for f in term.factors))


def _combine(first: _Term, second: _Term) -> _Term:
    """The product of two terms, renaming dummies so that neither captures a symbol of the other.

    (Σ_k X_ik w_k) · X_ik with k free outside the sum must not become Σ_k X_ik w_k X_ik.)
    """
    if first.limits and {v for v, _, _ in first.limits} & set().union(*(f.free_symbols for f in second.factors)):
        first = first.fresh()
    if second.limits and {v for v, _, _ in second.limits} & _symbols(first):
        second = second.fresh()
    return _Term(first.limits + second.limits, first.factors + second.factors)


def _bind(term: _Term, variable: sp.Symbol, lower: sp.Basic, upper: sp.Basic) -> _Term:
    """Σ_variable of a term: the variable kept as written unless the term already sums over it."""
    if any(variable == bound for bound, _, _ in term.limits):
        dummy = sp.Dummy(str(variable), integer=True)
        term = _Term(term.limits, tuple(f.xreplace({variable: dummy}) for f in term.factors))
        return _Term((*term.limits, (dummy, lower, upper)), term.factors)
    return _Term((*term.limits, (variable, lower, upper)), term.factors)


def _bound_symbols(expr: sp.Basic) -> set[sp.Basic]:
    return {variable for node in sp.preorder_traversal(expr) if isinstance(node, sp.Sum) for variable in node.variables}


def _captured(expr: sp.Basic) -> bool:
    """Whether a derivative is taken by an entry whose index is also summed over inside it (w[k] in Σ_k)."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Derivative):
            wrt = set().union(*(variable.free_symbols for variable in node.variables))
            if wrt & _bound_symbols(node.expr):
                return True
    return False


def _fresh_bound(expr: sp.Basic) -> sp.Basic:
    """Every summation variable renamed to a fresh dummy when a derivative by w[k] meets a bound k."""
    if not expr.has(sp.Sum) or not _captured(expr):
        return expr
    return fresh_sums(expr)


def fresh_sums(expr: sp.Basic) -> sp.Basic:
    """Every summation variable renamed to a fresh dummy (so a free index can be replaced by xreplace)."""
    if not expr.has(sp.Sum):
        return expr

    def rebuild(node: sp.Sum) -> sp.Sum:
        body = node.function
        limits = []
        for variable, lower, upper in node.limits:
            dummy = sp.Dummy(variable.name, integer=True)
            body = body.xreplace({variable: dummy})
            limits.append((dummy, lower, upper))
        return sp.Sum(body, *limits)

    return expr.replace(lambda node: isinstance(node, sp.Sum), rebuild)


class _Canonicaliser:
    """Expands index forms into terms and puts each term in a canonical shape (see the module doc)."""

    def __init__(self, ranges: dict[sp.Basic, tuple[sp.Basic, sp.Basic]]) -> None:
        self.ranges = ranges
        self._ranges_key = _ranges_key(ranges)

    def terms(self, expr: sp.Basic) -> list[_Term]:
        """The expression as a sum of terms Σ_{dummies} (product of factors): sums and products expanded."""
        if expr.is_Add:
            return [term for argument in expr.args for term in self.terms(argument)]
        if expr.is_Mul:
            result = [_Term((), ())]
            for argument in expr.args:
                parts = self.terms(argument)
                result = [_combine(a, b) for a in result for b in parts]
            return result
        if expr.is_Pow and expr.exp.is_Integer and 1 < expr.exp <= 4 and expr.base.has(sp.Sum):
            return self.terms(sp.Mul(*([expr.base] * int(expr.exp)), evaluate=False))
        if isinstance(expr, sp.Sum):
            result = self.terms(expr.function)
            for variable, lower, upper in expr.limits:
                if (lower.free_symbols | upper.free_symbols) & {v for v, _, _ in expr.limits}:
                    raise _Unsupported("a sum whose bounds depend on another summation index")
                result = [_bind(term, variable, lower, upper) for term in result]
            return result
        return [_Term((), (expr,))]  # an atom: put in canonical form once its term is sifted (finish)

    def atom(self, expr: sp.Basic, level: int) -> sp.Basic:
        """A factor that is not expanded: its arguments in canonical form.

        ``level`` counts the binders around the atom (once deltas are sifted); its arguments name their
        own summation indices from that level on (``symcheck·level·m``), so they never capture an
        enclosing index, and the same sum reads the same wherever it occurs at that depth.
        """
        if not expr.args or isinstance(expr, (sp.Indexed, sp.KroneckerDelta)) or not expr.has(sp.Sum):
            return expr
        key = (expr, level, self._ranges_key)
        cached = _ATOMS.get(key)
        if cached is None:
            cached = expr.func(*(self.expression(argument, level) for argument in expr.args))
            if len(_ATOMS) >= _CACHE_LIMIT:
                _ATOMS.clear()
            _ATOMS[key] = cached
        return cached

    def expression(self, expr: sp.Basic, level: int) -> sp.Basic:
        """The canonical form of an expression, as an expression."""
        if not isinstance(expr, sp.Expr) or not expr.has(sp.Sum):
            return expr
        groups = self.groups(self.terms(expr), level)
        parts = []
        for limits, bodies in sorted(groups.items(), key=lambda item: sp.default_sort_key(item[0])):
            body = _rational_form(sp.Add(*bodies))
            if body == 0:
                continue
            if limits and body.could_extract_minus_sign():
                parts.append(-sp.Sum(-body, *limits))  # so that exp(−Σ) and exp(Σ) share a generator
            else:
                parts.append(sp.Sum(body, *limits) if limits else body)
        return sp.Add(*parts)

    def groups(self, terms: list[_Term], level: int) -> dict[tuple, list[sp.Basic]]:
        groups: dict[tuple, list[sp.Basic]] = {}
        for term in terms:
            finished = self.finish(term, level)
            if finished is not None:
                groups.setdefault(finished[0], []).append(finished[1])
        return groups

    def _within(self, value: sp.Basic, extent: tuple, dummies: dict) -> bool:
        if value in dummies:
            return dummies[value] == extent
        if value in self.ranges:
            return tuple(self.ranges[value]) == tuple(extent)
        return value == extent[0] and value.is_Integer  # the first index of a nonempty range

    def finish(self, term: _Term, level: int) -> tuple[tuple, sp.Basic] | None:
        """Sift deltas, drop unused sums, rename the dummies canonically: (limits, body) or None for 0."""
        dummies = {variable: (lower, upper) for variable, lower, upper in term.limits}
        factors = []
        for factor in term.factors:
            if factor.is_Pow and isinstance(factor.base, sp.KroneckerDelta) and factor.exp.is_positive:
                factor = factor.base  # δ² = δ
            factors.append(factor)
        sifted = True
        while sifted:
            sifted = False
            for position, factor in enumerate(factors):
                if not isinstance(factor, sp.KroneckerDelta):
                    continue
                for dummy, other in (factor.args, factor.args[::-1]):
                    if dummy in dummies and dummy != other and self._within(other, dummies[dummy], dummies):
                        rest = factors[:position] + factors[position + 1 :]
                        factors = [f.xreplace({dummy: other}) for f in rest]
                        del dummies[dummy]
                        sifted = True
                        break
                if sifted:
                    break
        if any(factor == 0 for factor in factors):
            return None
        used = set().union(*(factor.free_symbols for factor in factors))
        for dummy in [d for d in dummies if d not in used]:
            lower, upper = dummies.pop(dummy)
            factors.append(upper - lower + 1)
        # atoms sit inside the term's remaining sums: their own sums are named from that depth on
        body = sp.Mul(*(self.atom(factor, level + len(dummies)) for factor in factors))
        if body == 0:
            return None
        return self._rename(dummies, body, level)

    def _rename(self, dummies: dict, body: sp.Basic, level: int) -> tuple[tuple, sp.Basic]:
        ordered = sorted(dummies, key=lambda d: sp.default_sort_key(dummies[d]))
        blocks = [list(group) for _, group in itertools.groupby(ordered, key=lambda d: dummies[d])]
        names = [sp.Symbol(f"symcheck·{level}·{position}", integer=True) for position in range(len(ordered))]
        limits = tuple((name, *dummies[d]) for name, d in zip(names, ordered, strict=True))
        if all(len(block) == 1 for block in blocks):  # one arrangement: nothing to choose
            return limits, body.xreplace(dict(zip(ordered, names, strict=True)))
        best = None
        arrangements = itertools.product(*(itertools.permutations(block) for block in blocks))
        for arrangement in itertools.islice(arrangements, _MAX_PERMUTATIONS):
            order = [d for block in arrangement for d in block]
            candidate = body.xreplace(dict(zip(order, names, strict=True)))
            key = sp.default_sort_key(candidate)
            if best is None or key < best[0]:
                best = (key, candidate)
        return limits, (best[1] if best is not None else body)


_OPAQUE = (sp.Function, sp.Sum, sp.Derivative, sp.Subs)


def _placeholder(node: sp.Basic, table: dict[sp.Symbol, sp.Basic]) -> sp.Symbol:
    symbol = sp.Symbol(f"symcheck·atom·{sp.sstr(node)}")
    table[symbol] = node
    return symbol


def _protected(expr: sp.Basic, table: dict[sp.Symbol, sp.Basic]) -> sp.Basic:
    """Functions and sums replaced by named symbols, so that cancellation never opens them.

    (SymPy's expansion turns exp(Σ_k a_k) into Π_k exp(a_k) and would make two generators of one.)
    The names are the printed atoms: the same atom is the same symbol on both sides of a claim. An
    exponential becomes one generator per exponent: exp(a − 2b) is E_a · E_b⁻², so that exp(−a)
    and 1/exp(a) cancel.
    """
    if isinstance(expr, sp.exp):
        factors = []
        for term in sp.Add.make_args(expr.args[0]):
            coefficient, rest = term.as_coeff_Mul()
            if coefficient.is_Integer and rest != 1:
                factors.append(_placeholder(sp.exp(rest), table) ** coefficient)
            else:
                factors.append(_placeholder(sp.exp(term), table))
        return sp.Mul(*factors)
    if isinstance(expr, _OPAQUE):
        return _placeholder(expr, table)
    if not expr.args or expr.is_Atom:
        return expr
    return expr.func(*(_protected(argument, table) for argument in expr.args))


def _rational_form(expr: sp.Basic) -> sp.Basic:
    """A canonical rational function (numerator and denominator expanded, common factors cancelled)."""
    table: dict[sp.Symbol, sp.Basic] = {}
    form = sp.cancel(sp.together(_protected(expr, table)))
    return form.xreplace(table) if table else form


def _is_zero(expr: sp.Basic) -> bool:
    table: dict[sp.Symbol, sp.Basic] = {}
    numerator, _ = sp.fraction(sp.together(_protected(expr, table)))
    return sp.expand(numerator) == 0


_DERIVATIVES: dict[sp.Basic, sp.Basic] = {}
"""Derivatives already carried out in this process (a derivation states ∂L/∂w_j in a step and again
in its result; SymPy's differentiation of nested sums is the costly part of a proof)."""
_GROUPS: dict[tuple, dict[tuple, list[sp.Basic]]] = {}
_ATOMS: dict[tuple, sp.Basic] = {}
_CACHE_LIMIT = 256


def _carried_out(node: sp.Derivative) -> sp.Basic:
    done = _DERIVATIVES.get(node)
    if done is None:
        done = carry_out(node)
        if len(_DERIVATIVES) >= _CACHE_LIMIT:
            _DERIVATIVES.clear()
        _DERIVATIVES[node] = done
    return done


def _prepare(expr: sp.Basic) -> sp.Basic:
    expr = _fresh_bound(expr)
    if not expr.has(sp.Derivative):
        return expr
    return expr.replace(lambda node: isinstance(node, sp.Derivative), _carried_out)


def _canonical(expr: sp.Basic, ranges: dict) -> sp.Basic:
    return _Canonicaliser(ranges).expression(_prepare(expr), 0) if expr.has(sp.Sum) else _prepare(expr)


def canonical_index_form(expr: sp.Basic, ranges: dict[sp.Symbol, tuple[sp.Basic, sp.Basic]] | None = None) -> sp.Basic:
    """A canonical form of an index expression: equal forms are equal for every size.

    Sums are expanded over products, deltas sifted (a free index is sifted only when ``ranges``
    says it runs over the sum's range), unused sums counted, and dummies renamed canonically. The
    converse does not hold: different forms may still be equal.
    """
    return _canonical(_plain_names(expr)[0], ranges or {})


def _ranges_key(ranges: dict) -> tuple:
    return tuple(sorted(ranges.items(), key=lambda item: sp.default_sort_key(item[0])))


def _side_groups(expr: sp.Basic, ranges: dict) -> dict[tuple, list[sp.Basic]]:
    """The canonical terms of one side, grouped by their sums (remembered: results repeat steps)."""
    key = (expr, _ranges_key(ranges))
    groups = _GROUPS.get(key)
    if groups is None:
        canonicaliser = _Canonicaliser(ranges)
        groups = canonicaliser.groups(canonicaliser.terms(_prepare(expr)), 0)
        if len(_GROUPS) >= _CACHE_LIMIT:
            _GROUPS.clear()
        _GROUPS[key] = groups
    return groups


def _proved_zero(left: sp.Basic, right: sp.Basic, ranges: dict) -> bool:
    """Whether left − right is 0 for every size: each group of terms with the same sums cancels."""
    first, second = _side_groups(left, ranges), _side_groups(right, ranges)
    for limits in dict.fromkeys([*first, *second]):
        if not _is_zero(sp.Add(*first.get(limits, ())) - sp.Add(*second.get(limits, ()))):
            return False
    return True
