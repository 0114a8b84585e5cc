"""An adversarial corpus for ``symcheck.equivalent``, by kind: pairs that differ somewhere in their
declared domain (each with a witness point) and identities (each with the argument that proves it).

Every case's answer is checked without symcheck (``tests/engine/test_adversarial.py``): a pair that
differs is evaluated at its witness by SymPy's own ``evalf`` at high precision (which raises its
working precision until the difference is resolved); an identity is re-checked by SymPy at exact
instances or at high precision at several points, beside the hand argument written in ``why``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp

__all__ = ["Case", "all_cases"]


@dataclass(frozen=True)
class Case:
    kind: str
    name: str
    left: Any
    right: Any
    equal: bool
    """True for an identity on the declared domain, False for a pair that differs somewhere in it."""
    why: str
    """The hand argument: why they are equal, or where and by how much they differ."""
    witness: dict | tuple = field(default_factory=dict)
    """For a pair that differs: exact values (symbols → Rationals) where the two sides differ; or a
    tuple of such dicts substituted in turn, the sums done after each (sizes first, then the entries
    ``v[1]``, ``v[2]`` the written-out sums hold)."""
    assumptions: Any = None
    instances: tuple = ()
    """For identities in an integer parameter: (symbol, values) checked exactly by SymPy."""
    relation: bool = False
    """A relation (checked with symcheck.holds), not a pair of expressions."""
    points: tuple = ()
    """For identities over sums of entries, which SymPy cannot simplify: points (each a tuple of stages
    as in ``witness``) where both sides are evaluated at 60 digits."""


def all_cases() -> list[Case]:
    from corpus import breakpoints, cancellation, constants, domains, exact, integers, relations, tiny

    return [
        *breakpoints.CASES,
        *cancellation.CASES,
        *tiny.CASES,
        *exact.CASES,
        *constants.CASES,
        *integers.CASES,
        *domains.CASES,
        *relations.CASES,
    ]


x, y = sp.symbols("x y", real=True)
