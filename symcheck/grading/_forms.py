"""Rewriting a sheet's expression into the key's form: entries of bare vectors, one sample's scalars, the same
indexing on both sides, function shorthand, matrices expanded, and a verdict's name for a claim.

These are pure functions of SymPy objects, used by :mod:`symcheck.grading._judge` before it compares.
"""

from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef

from symcheck.definitions import expand_definitions
from symcheck.grading._explicit import explicit
from symcheck.grading._spec import PartSpec
from symcheck.model import Definition
from symcheck.objects import VectorDerivative
from symcheck.results import Verdict
from symcheck.sheet import ClaimVerdict


def _substitute_names(expr: sp.Basic, mapping: dict[str, sp.Basic]) -> sp.Basic:
    if not mapping or not isinstance(expr, sp.Basic):
        return expr
    atoms = {atom: mapping[str(atom)] for atom in expr.atoms(sp.Symbol) if str(atom) in mapping}
    return expr.xreplace(atoms) if atoms else expr


def bare_vectors(expr: sp.Basic) -> set[sp.IndexedBase]:
    """Indexed bases written without an index (``\\hat{y}`` in ``\\hat{y} - y``), not those inside entries."""
    found: set[sp.IndexedBase] = set()
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, sp.Indexed):
            stack.extend(node.indices)
        elif isinstance(node, sp.IndexedBase):
            found.add(node)
        elif isinstance(node, sp.Basic):
            stack.extend(node.args)
    return found


def at_entry(expr: sp.Basic, entry: sp.Basic) -> sp.Basic:
    """Entry ``entry`` of an expression written in whole vectors: each bare vector ``v`` becomes ``v_entry``."""
    bases = bare_vectors(expr)
    if not bases:
        return expr
    placeholder = {base: sp.Dummy(str(base.label)) for base in bases}
    shielded = expr.replace(
        lambda node: isinstance(node, sp.Indexed) and node.base in bases,
        lambda node: sp.Function(f"_entry_{node.base.label}")(*node.indices),
    )
    shielded = shielded.xreplace(placeholder)
    restored = shielded.xreplace({dummy: base[entry] for base, dummy in placeholder.items()})
    return restored.replace(
        lambda node: isinstance(node, AppliedUndef) and node.func.__name__.startswith("_entry_"),
        lambda node: sp.IndexedBase(node.func.__name__[len("_entry_") :], real=True)[node.args],
    )


def vector_entry(expr: sp.Basic, entry: sp.Basic, upper: sp.Basic) -> sp.Basic:
    """Entry ``entry`` of an expression in whole-vector derivatives: ``∂L/∂z`` is ∂L/∂z_entry, and the
    chain-rule product ``∂L/∂ŷ · ∂ŷ/∂z`` is Σ_j ∂L/∂ŷ_j ∂ŷ_j/∂z_entry (j over 1..``upper``)."""
    if not isinstance(expr, sp.Basic) or not expr.has(VectorDerivative):
        return expr

    def variable_at(variable: sp.Basic) -> sp.Basic:
        return variable[entry] if isinstance(variable, sp.IndexedBase) else variable

    def product(node: sp.Mul) -> sp.Basic:
        derivatives = [factor for factor in node.args if isinstance(factor, VectorDerivative)]
        if len(derivatives) != 2:
            return node
        first, second = derivatives
        if first.variable is None or str(first.variable) != str(second.expression):
            first, second = second, first
        if (
            first.variable is None
            or str(first.variable) != str(second.expression)
            or not isinstance(first.variable, sp.IndexedBase)
        ):
            return node
        j = sp.Dummy("j", integer=True, positive=True)
        inner = first.variable[j]
        contracted = sp.Sum(
            sp.Derivative(first.expression, inner, evaluate=False)
            * sp.Derivative(inner, variable_at(second.variable), evaluate=False),
            (j, 1, upper),
        )
        rest = [factor for factor in node.args if factor is not first and factor is not second]
        return sp.Mul(*rest, contracted)

    expr = expr.replace(lambda node: isinstance(node, sp.Mul) and node.has(VectorDerivative), product)

    def single(node: VectorDerivative) -> sp.Basic:
        if node.variable is None:
            return node
        return sp.Derivative(node.expression, variable_at(node.variable), evaluate=False)

    return expr.replace(lambda node: isinstance(node, VectorDerivative), single)


def _unify_derivative_variables(student: sp.Basic, correct: sp.Basic) -> sp.Basic:
    """Entries the sheet differentiates by, renamed to the key's objects of the same name (``unify`` misses those)."""
    return student


def _bare_as_scalars(expr: sp.Basic) -> sp.Basic:
    """Vectors written bare in arithmetic (``y \\log p``) read as the scalars of one entry (``y``, ``p``)."""
    bases = bare_vectors(expr) if isinstance(expr, sp.Basic) else set()
    if not bases or expr.has(VectorDerivative):
        return expr
    return at_entry(expr, sp.Symbol("_scalar")).replace(
        lambda node: isinstance(node, sp.Indexed) and node.indices == (sp.Symbol("_scalar"),),
        lambda node: sp.Symbol(str(node.base.label), real=True),
    )


def _entry_free(expr: sp.Basic) -> sp.Basic | None:
    """``expr`` with every entry ``v[j]`` of its one free index written as the scalar ``v`` (None if it has none)."""
    entries = expr.atoms(sp.Indexed)
    if not entries:
        return None
    indices = {entry.indices for entry in entries}
    bound = {limit[0] for node in expr.atoms(sp.Sum, sp.Product) for limit in node.limits}
    if len(indices) != 1 or len(next(iter(indices))) != 1 or next(iter(indices))[0] in bound:
        return None
    return expr.replace(
        lambda node: isinstance(node, sp.Indexed), lambda node: sp.Symbol(str(node.base.label), real=True)
    )


def _same_indexing(student: sp.Basic, correct: sp.Basic) -> tuple[sp.Basic, sp.Basic]:
    """A per-entry result (``w_j − α(g_j + λw_j)``) and a sheet that writes it for one weight (``w − α(g + λw)``)
    are the same claim: the side with one free index is written without it."""
    if not isinstance(student, sp.Basic) or not isinstance(correct, sp.Basic):
        return student, correct
    if not student.atoms(sp.Indexed) and correct.atoms(sp.Indexed):
        plain = _entry_free(correct)
        return (student, plain) if plain is not None else (student, correct)
    if student.atoms(sp.Indexed) and not correct.atoms(sp.Indexed) and correct.free_symbols:
        plain = _entry_free(student)
        return (plain, correct) if plain is not None else (student, correct)
    return student, correct


def _verdict(verdict: Verdict) -> ClaimVerdict:
    return {True: "correct", False: "wrong", None: "undecided"}[verdict.holds]  # type: ignore[return-value]


def _subscript(arguments: tuple) -> sp.Basic | None:
    """The subscript of a call's first argument: ``BCE(y_2, …)`` → 2, ``p(x_i)`` → i (and ``p(n_i)``, an OCR's x)."""
    if not arguments:
        return None
    first = arguments[0]
    if isinstance(first, sp.Indexed) and len(first.indices) == 1:
        return first.indices[0]
    if isinstance(first, sp.Symbol) and "_" in first.name:
        written = first.name.rpartition("_")[2].strip("{}")
        if written.isdigit():
            return sp.Integer(int(written))
        if len(written) == 1 and written.isalpha():
            return sp.Symbol(written, integer=True, positive=True)
    return None


def _undefined(expr: sp.Basic, definitions: tuple[Definition, ...]) -> list[str]:
    """Calls of functions nothing gives a meaning to (``L(y, ŷ)``), and derivatives of names alone."""
    if not isinstance(expr, sp.Basic):
        return []
    defined = {str(definition.symbol) for definition in definitions}
    names = sorted({node.func.__name__ for node in expr.atoms(AppliedUndef) if node.func.__name__ not in defined})
    for node in expr.atoms(sp.Derivative):  # ∂²L/∂w_j∂w_k of a bare L nothing defines is not 0: it is unknown
        inner = node.expr
        name = str(inner.base) if isinstance(inner, sp.Indexed) else str(inner)
        if isinstance(inner, (sp.Symbol, sp.Indexed)) and name not in defined and name not in names:
            variables = {str(variable) for variable in node.variables}
            if str(inner) not in variables:
                names.append(name)
    if expr.has(VectorDerivative):
        names.append("a derivative with respect to a whole vector")
    return names


def _function_shorthand(student: sp.Basic, correct: sp.Basic) -> sp.Basic:
    """``σ(1 − σ)`` for σ(z)(1 − σ(z)): a function's name written alone, where the answer applies it to one
    argument throughout, stands for that application (never when the answer applies it to several)."""
    if not isinstance(student, sp.Basic) or not isinstance(correct, sp.Basic):
        return student
    applied: dict[str, set[tuple]] = {}
    for node in correct.atoms(AppliedUndef):
        applied.setdefault(node.func.__name__, set()).add(node.args)
    if not applied:
        return student
    mapping = {}
    for symbol in student.free_symbols:
        arguments = applied.get(str(symbol))
        if isinstance(symbol, sp.Symbol) and arguments is not None and len(arguments) == 1:
            mapping[symbol] = sp.Function(str(symbol))(*next(iter(arguments)))
    return student.xreplace(mapping) if mapping else student


def _expand_matrices(expr: sp.Basic, definitions: tuple[Definition, ...]) -> sp.Basic:
    """The sheet's and the part's matrices put in before 1 × 1 products become index forms (r = Xw − y in rᵀr)."""
    matrices = [definition for definition in definitions if isinstance(definition.symbol, sp.MatrixSymbol)]
    if not matrices or not isinstance(expr, sp.Basic) or not expr.has(sp.MatrixSymbol):
        return expr
    expanded = expand_definitions(expr, matrices)
    return expanded.replace(  # S^{1/2} with S = diag(s): diag(√s), entry by entry
        lambda node: isinstance(node, sp.MatPow) and isinstance(node.args[0], sp.DiagMatrix),
        lambda node: sp.DiagMatrix(sp.HadamardPower(node.args[0].args[0], node.args[1])),
    )


def _entry_of(value: sp.Basic, index: sp.Basic | None) -> sp.Basic | None:
    """Entry ``index`` (1-based) of a vector value made explicit by the data (w_2 of the w of 1(e)); None
    when the value is no explicit vector or the index is no entry of it."""
    vector = explicit(value)
    if vector is None or index is None or not getattr(index, "is_Integer", False) or 1 not in vector.shape:
        return None
    entries = list(vector)
    position = int(index)
    return entries[position - 1] if 1 <= position <= len(entries) else None


def _counts(part: PartSpec | None) -> tuple[sp.Basic, ...]:
    counts: list[sp.Basic] = []
    for _, value in part.data if part else ():
        if isinstance(value, (list, tuple)) and not isinstance(value[0], (list, tuple)):
            counts.append(sp.Integer(len(value)))
    return tuple(dict.fromkeys(counts))
