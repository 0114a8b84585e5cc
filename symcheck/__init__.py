"""symcheck: derive, verify and grade the mathematics of machine learning with SymPy.

The public API is small and listed in ``__all__``. Attributes are imported on first use (PEP 562),
so ``import symcheck`` and ``symcheck list`` stay fast and SymPy, NumPy, Typst and latex2mathml are
only loaded by the parts that need them.

>>> import sympy as sp
>>> import symcheck
>>> x = sp.Symbol("x", real=True)
>>> symcheck.equivalent(sp.sin(x) ** 2 + sp.cos(x) ** 2, 1).holds
True
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    # plain data
    "Assumptions": "symcheck.model",
    "Definition": "symcheck.model",
    "Derivation": "symcheck.model",
    "Domain": "symcheck.model",
    "FiniteDifference": "symcheck.model",
    "IndexRange": "symcheck.model",
    "Instances": "symcheck.model",
    "Reference": "symcheck.model",
    "ShapeIs": "symcheck.model",
    "Step": "symcheck.model",
    "assume": "symcheck.model",
    "Counterexample": "symcheck.results",
    "DerivationReport": "symcheck.results",
    "Verdict": "symcheck.results",
    "VerifyReport": "symcheck.results",
    "GradeReport": "symcheck.sheet",
    "SymcheckError": "symcheck.errors",
    # registry
    "derivation": "symcheck.registry",
    "register_sheet": "symcheck.registry",
    "order_modules": "symcheck.registry",
    # checking
    "equivalent": "symcheck.equivalence",
    "holds": "symcheck.relations",
    "verify": "symcheck.verify",
    "verify_all": "symcheck.verify",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'symcheck' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
