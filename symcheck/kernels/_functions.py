"""Functions that stable forms may use besides SymPy's own: their meaning for real numbers, and their code.

:class:`Weighted` is ``w·x`` with the convention ``0·x = 0`` even where ``x`` is ``±inf`` or NaN,
the convention of ``scipy.special.xlogy`` and of information theory's ``0·log 0 = 0``: a class with
label 0 adds nothing to a cross-entropy, even when its logit is ``-inf`` (a masked class). For real
numbers it *is* ``w·x``, so the prover sees the product (as it sees ``log(1 + x)`` for ``log1p``)
and a rewrite proved with it says nothing new; only the generated code differs, in the one place
where IEEE arithmetic would write NaN.

:class:`RowSum` is ``Σ_i f`` over the rows of the batch: the generator's name for a derivation's
``Sum(f, (i, 1, n))`` over its sample index once ``f`` is written for one row (see
:mod:`symcheck.kernels._samples`). It never reaches the prover.
"""

from __future__ import annotations

import sympy as sp

__all__ = ["RowSum", "Weighted"]


class Weighted(sp.Function):
    """``Weighted(w, x) = w·x``, and 0 where ``w = 0`` whatever ``x`` (``0·inf = 0``)."""

    nargs = 2

    @classmethod
    def eval(cls, weight: sp.Expr, value: sp.Expr) -> sp.Expr | None:
        if weight.is_zero:
            return sp.S.Zero
        if weight == 1:
            return value
        return None

    def _eval_rewrite_as_Mul(self, weight: sp.Expr, value: sp.Expr, **_hints: object) -> sp.Expr:
        return weight * value


class RowSum(sp.Function):
    """``Σ_rows f``: its argument, written for one row, summed over every row of the batch."""

    nargs = 1
