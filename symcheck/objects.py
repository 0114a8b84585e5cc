r"""SymPy objects that symcheck adds to SymPy's own: plain data, shared by the reader, grading and printing.

* :class:`VectorDerivative` — the derivative of a quantity with respect to a *whole* vector (or matrix),
  unevaluated: ``\frac{\partial L}{\partial z}`` or ``\nabla_z L`` where z has no index. SymPy's
  ``Derivative`` needs a scalar variable; grading reads this one entry by entry (∂L/∂z_a) or, for a
  vector of vectors, as a Jacobian.
* :class:`Row` — ``x_i``, the i-th row of a matrix X taken as a column vector (d × 1), as texts write
  ``x_i^\top w`` for Σ_l X_il w_l; its entry r is ``X[i, r]``.
* :class:`MatrixSum` — a sum over an index of matrix-valued terms, ``\sum_i (p_i - y_i) x_i``
  (SymPy's ``Sum`` has no shape).
"""

from __future__ import annotations

import sympy as sp

__all__ = ["DescribedMatrix", "Extremum", "MatrixSum", "Row", "VectorDerivative"]


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


class Row(sp.MatrixExpr):
    """``Row(X, i)``: the i-th row of the matrix X as a column vector (``x_i``); indices are 1-based."""

    def __new__(cls, matrix: sp.MatrixExpr, index: sp.Basic) -> Row:
        return sp.Basic.__new__(cls, matrix, sp.sympify(index))

    @property
    def matrix(self) -> sp.MatrixExpr:
        return self.args[0]

    @property
    def index(self) -> sp.Basic:
        return self.args[1]

    @property
    def shape(self) -> tuple[sp.Basic, sp.Basic]:
        return (self.matrix.shape[1], sp.Integer(1))

    def _entry(self, i: sp.Basic, j: sp.Basic, **kwargs: object) -> sp.Basic:
        return self.matrix[self.index - 1, i]

    def _latex(self, printer: sp.printing.latex.LatexPrinter) -> str:
        return f"{printer._print(self.matrix).lower()}_{{{printer._print(self.index)}}}"

    def _sympystr(self, printer: sp.printing.str.StrPrinter) -> str:
        return f"{printer._print(self.matrix).lower()}_{printer._print(self.index)}"


class MatrixSum(sp.MatrixExpr):
    """``MatrixSum(A(i), (i, a, b))``: Σ_{i=a}^{b} A(i) for matrix-valued terms, unevaluated."""

    def __new__(cls, function: sp.MatrixExpr, limits: tuple) -> MatrixSum:
        return sp.Basic.__new__(cls, function, sp.Tuple(*limits))

    @property
    def function(self) -> sp.MatrixExpr:
        return self.args[0]

    @property
    def limits(self) -> sp.Tuple:
        return self.args[1]

    @property
    def shape(self) -> tuple[sp.Basic, sp.Basic]:
        return self.function.shape

    @property
    def free_symbols(self) -> set[sp.Basic]:
        return (
            (self.function.free_symbols - {self.limits[0]}) | self.limits[1].free_symbols | self.limits[2].free_symbols
        )

    def _entry(self, i: sp.Basic, j: sp.Basic, **kwargs: object) -> sp.Basic:
        return sp.Sum(self.function._entry(i, j, **kwargs), tuple(self.limits))

    def doit(self, **hints: object) -> sp.Basic:
        index, lower, upper = self.limits
        if lower.is_Integer and upper.is_Integer:
            terms = [self.function.xreplace({index: value}) for value in range(int(lower), int(upper) + 1)]
            return sp.MatAdd(*terms).doit(**hints) if terms else sp.ZeroMatrix(*self.shape)
        return self

    def _latex(self, printer: sp.printing.latex.LatexPrinter) -> str:
        index, lower, upper = (printer._print(part) for part in self.limits)
        return rf"\sum_{{{index}={lower}}}^{{{upper}}} {printer._print(self.function)}"

    def _sympystr(self, printer: sp.printing.str.StrPrinter) -> str:
        return f"MatrixSum({printer._print(self.function)}, {printer._print(tuple(self.limits))})"


class Extremum(sp.Function):
    """``Extremum(f, z, kind)``: the largest (``kind`` = 1) or smallest (-1) value of f over z, unevaluated
    (``\\max_z \\sigma'(z)``); grading compares what a sheet says it equals, not this object."""

    nargs = 3

    def _latex(self, printer: sp.printing.latex.LatexPrinter) -> str:
        expression, variable, kind = self.args
        operator = r"\max" if kind == 1 else r"\min"
        return rf"{operator}_{{{printer._print(variable)}}} {printer._print(expression)}"

    def _sympystr(self, printer: sp.printing.str.StrPrinter) -> str:
        expression, variable, kind = self.args
        return f"{'max' if kind == 1 else 'min'}_{printer._print(variable)}({printer._print(expression)})"


class DescribedMatrix(sp.Function):
    """A square matrix written with dots (⋯, ⋮, ⋱): ``DescribedMatrix(diagonal, off_diagonal)``, two ``Lambda``s
    giving entry (a, a) and entry (a, b) for a ≠ b, read from the entries the sheet wrote out."""

    nargs = 2

    @property
    def diagonal(self) -> sp.Lambda:
        return self.args[0]

    @property
    def off_diagonal(self) -> sp.Lambda:
        return self.args[1]

    def _latex(self, printer: sp.printing.latex.LatexPrinter) -> str:
        a, b = sp.symbols("a b")
        return (
            rf"\begin{{pmatrix}} {printer._print(self.diagonal(a))} & {printer._print(self.off_diagonal(a, b))}"
            r" & \cdots \\ \vdots & \ddots & \end{pmatrix}"
        )
