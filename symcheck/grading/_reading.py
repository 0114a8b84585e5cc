"""Functions a key may say a sheet's call means (``calls = { '\\sigma' = { function = "sigmoid" } }``)."""

from __future__ import annotations

import sympy as sp

__all__ = ["VOCABULARY"]

_T = sp.Symbol("t", real=True)
VOCABULARY: dict[str, sp.Lambda] = {
    "sigmoid": sp.Lambda(_T, 1 / (1 + sp.exp(-_T))),
    "tanh": sp.Lambda(_T, sp.tanh(_T)),
    "relu": sp.Lambda(_T, sp.Max(0, _T)),
    "softplus": sp.Lambda(_T, sp.log(1 + sp.exp(_T))),
    "exp": sp.Lambda(_T, sp.exp(_T)),
}
"""The meaning of each function name a key may give a call."""
