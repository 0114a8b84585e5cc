"""Substitute a derivation's definitions, so steps written in the reader's notation are checkable.

A step may say ``∂ŷ_i/∂z_k = ŷ_i(δ_ik − ŷ_k)`` with ŷ a name. Checking it means replacing ŷ by what
it stands for (the softmax) *before* differentiating; otherwise SymPy would differentiate the bare
name and get 0. Definitions may refer to each other, so substitution repeats until nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterable

import sympy as sp
from sympy.core.function import AppliedUndef, UndefinedFunction

from symcheck.errors import UnsupportedStatement
from symcheck.model import Definition

__all__ = ["expand_definitions"]

MAX_ROUNDS = 12


def _apply(value: sp.Basic, arguments: tuple[sp.Basic, ...]) -> sp.Basic:
    if isinstance(value, sp.Lambda):
        if len(value.variables) != len(arguments):
            raise UnsupportedStatement(
                f"the definition {value} takes {len(value.variables)} arguments, got {arguments}"
            )
        return value(*arguments)
    if arguments:
        raise UnsupportedStatement(f"{value} is not a Lambda but is applied to {arguments}")
    return value


def _substitute_once(expr: sp.Basic, definitions: tuple[Definition, ...]) -> sp.Basic:
    plain = {d.symbol: d.value for d in definitions if isinstance(d.symbol, sp.Symbol)}
    if plain:
        expr = expr.xreplace(plain)
    matrices = {str(d.symbol.name): d.value for d in definitions if isinstance(d.symbol, sp.MatrixSymbol)}
    if matrices and expr.has(sp.MatrixSymbol):  # by name: the sizes inside may be another object named n
        expr = expr.replace(
            lambda node: isinstance(node, sp.MatrixSymbol) and str(node.name) in matrices,
            lambda node: matrices[str(node.name)],
        )
    for definition in definitions:
        symbol = definition.symbol
        if isinstance(symbol, sp.IndexedBase):
            expr = expr.replace(
                lambda node, base=symbol: isinstance(node, sp.Indexed) and node.base == base,
                lambda node, value=definition.value: _apply(value, node.indices),
            )
        elif isinstance(symbol, UndefinedFunction):
            expr = expr.replace(
                lambda node, name=symbol: isinstance(node, AppliedUndef) and node.func == name,
                lambda node, value=definition.value: _apply(value, node.args),
            )
    return expr


def _defined_names(variable: sp.Basic) -> set[sp.Basic]:
    """The defined names a derivative variable is: ``Z2[p, q]`` is the IndexedBase ``Z2``."""
    if isinstance(variable, sp.Indexed):
        return {variable.base}
    if isinstance(variable, AppliedUndef):
        return {variable.func}
    return {variable}


def _expand_derivative(node: sp.Derivative, definitions: tuple[Definition, ...]) -> sp.Basic:
    """∂f/∂v with v itself defined: v is the independent variable here, so it stays as it is.

    ``∂L/∂Z2_pq`` with ``Z2 := W2 A1 + b2`` means the derivative of L as a function of Z2; it is
    carried out first and only then is Z2 expressed through W2 in the result.
    """
    protected = set().union(*(_defined_names(variable) for variable, _ in node.variable_count))
    kept = tuple(definition for definition in definitions if definition.symbol not in protected)
    inner = expand_definitions(node.expr, kept)
    if len(kept) == len(definitions):
        return sp.Derivative(inner, *node.variable_count)
    return sp.Derivative(inner, *node.variable_count).doit(deep=False)


def expand_definitions(expr: sp.Basic, definitions: Iterable[Definition]) -> sp.Basic:
    """``expr`` with every defined name replaced by its definition, recursively.

    Unevaluated derivatives are rebuilt around the substituted expression, so ``Derivative(ŷ_i,
    z_k)`` becomes the derivative of the softmax rather than of a bare symbol. A derivative with
    respect to a defined name keeps that name as its variable (see :func:`_expand_derivative`).
    """
    definitions = tuple(definitions)
    if not definitions or not isinstance(expr, sp.Basic):
        return expr
    if expr.has(sp.Derivative):
        expr = expr.replace(
            lambda node: isinstance(node, sp.Derivative), lambda node: _expand_derivative(node, definitions)
        )
    for _ in range(MAX_ROUNDS):
        substituted = _substitute_once(expr, definitions)
        if substituted == expr:
            return expr
        expr = substituted
    raise UnsupportedStatement("the definitions refer to each other in a cycle")
