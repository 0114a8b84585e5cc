r"""SymPy objects that symcheck adds to SymPy's own: plain data, shared by the reader, grading and printing.

* :class:`VectorDerivative` — the derivative of a quantity with respect to a *whole* vector (or matrix),
  unevaluated: ``\frac{\partial L}{\partial z}`` or ``\nabla_z L`` where z has no index. SymPy's
  ``Derivative`` needs a scalar variable; grading reads this one entry by entry (∂L/∂z_a) or, for a
  vector of vectors, as a Jacobian.
"""

from __future__ import annotations

import sympy as sp

__all__ = ["VectorDerivative"]


class VectorDerivative(sp.Function):
    """``VectorDerivative(f, v)``: ∂f/∂v for a whole vector v; ``VectorDerivative(f)`` is ∇f, its variable unsaid."""

    nargs = (1, 2)

    @property
    def expression(self) -> sp.Basic:
        return self.args[0]

    @property
    def variable(self) -> sp.Basic | None:
        return self.args[1] if len(self.args) > 1 else None

    def _latex(self, printer: sp.printing.latex.LatexPrinter) -> str:
        expression = printer._print(self.expression)
        if self.variable is None:
            return rf"\nabla {expression}"
        return rf"\frac{{\partial {expression}}}{{\partial {printer._print(self.variable)}}}"

    def _sympystr(self, printer: sp.printing.str.StrPrinter) -> str:
        if self.variable is None:
            return f"grad({printer._print(self.expression)})"
        return f"d({printer._print(self.expression)})/d({printer._print(self.variable)})"
