r"""Matrices in grading: explicit matrices judged entry by entry, and 1 × 1 products read as the scalars they are.

A sheet's ``X^\top X = \begin{pmatrix} 2 & 1 \\ 1 & 2 \end{pmatrix}`` is judged once the question's data
make both sides explicit: shapes first (a 2 × 1 answer where a 2 × 2 belongs is wrong, with both shapes
named), then every entry at the precision the sheet wrote its numbers to. ``x_i^\top w`` and a sum
of such products are 1 × 1 matrices, which the rest of grading reads as their scalar index form.
"""

from __future__ import annotations

from typing import Any

import mpmath
import sympy as sp

from symcheck.definitions import expand_definitions
from symcheck.grading._numbers import judge_numbers, numeric_value, precision_of
from symcheck.normalize import evaluate_derivatives
from symcheck.printing.numbers import format_as_written, format_number, format_student

__all__ = ["ExplicitJudgement", "explicit", "judge_explicit", "numeric", "scalarise"]


def explicit(expr: Any, definitions: tuple = ()) -> sp.ImmutableMatrix | None:
    """``expr`` as an explicit matrix of numbers, or None when it is not one (symbols left, not a matrix)."""
    if not isinstance(expr, sp.MatrixExpr) or expr.free_symbols:
        return None
    try:
        done = expr if isinstance(expr, sp.MatrixBase) else with_explicit_constants(expr).doit()
    except (TypeError, ValueError, AttributeError, NotImplementedError, ZeroDivisionError):
        return None
    if not isinstance(done, sp.MatrixBase):
        return None
    if definitions:
        done = done.applyfunc(lambda entry: evaluate_derivatives(expand_definitions(entry, definitions)))
    return sp.ImmutableMatrix(done)


def with_explicit_constants(expr: sp.Basic) -> sp.Basic:
    """Identities, zeros and ones of a known size as explicit matrices, so that ``doit`` can add them."""

    def known(node: sp.Basic) -> bool:
        return isinstance(node, (sp.Identity, sp.ZeroMatrix, sp.OneMatrix)) and all(
            getattr(size, "is_Integer", False) for size in node.shape
        )

    return expr.replace(known, lambda node: sp.ImmutableMatrix(node.as_explicit()))


def numeric(expr: Any, definitions: tuple = ()) -> mpmath.mpf | None:
    """The value of a number-valued term, once its functions are given their meaning (σ(2), σ′(2))."""
    value = numeric_value(expr)
    if value is not None or not isinstance(expr, sp.Expr) or expr.free_symbols:
        return value
    try:
        expanded = evaluate_derivatives(expand_definitions(expr, definitions))
        if isinstance(expanded, sp.Subs) or expanded.has(sp.Subs):
            expanded = expanded.doit()
    except (TypeError, ValueError, AttributeError, NotImplementedError, RecursionError):
        return None
    return numeric_value(expanded)


class ExplicitJudgement:
    """The verdict on two explicit matrices and what tells them apart, in words."""

    def __init__(self, verdict: str, detail: str, rounding: bool = False) -> None:
        self.verdict = verdict
        self.detail = detail
        self.rounding = rounding


def _shape(matrix: sp.MatrixBase) -> str:
    rows, columns = matrix.shape
    return f"{rows} × {columns}"


def _entry_name(matrix: sp.MatrixBase, row: int, column: int) -> str:
    if matrix.shape[1] == 1 or matrix.shape[0] == 1:
        return f"entry {max(row, column) + 1}"
    return f"entry ({row + 1}, {column + 1})"


def judge_explicit(correct: sp.MatrixBase, student: sp.MatrixBase, text: str, relation: str = "=") -> ExplicitJudgement:
    """Two explicit matrices: the same shape (a row and a column of the same numbers count as one vector),
    then each entry at the precision written."""
    if correct.shape != student.shape:
        if sorted(correct.shape) == sorted(student.shape) and 1 in correct.shape:
            student = student.T
        else:
            return ExplicitJudgement("wrong", f"it is {_shape(student)} where a {_shape(correct)} matrix belongs")
    rounded = bool(precision_of(text, approximate=relation == "≈").rounded)
    differing: list[str] = []
    rounding = False
    for row in range(correct.shape[0]):
        for column in range(correct.shape[1]):
            right, written = numeric_value(correct[row, column]), numeric_value(student[row, column])
            if right is None or written is None:
                return ExplicitJudgement("undecided", "an entry is not a number")
            entry_text = _decimal_text(student[row, column]) if rounded else ""
            judged = judge_numbers(right, written, "=" if relation != "≈" else "≈", "", entry_text)
            if judged.verdict != "correct":
                rounding = rounding or judged.rounding
                shown = _decimal_text(student[row, column])
                yours = format_as_written(float(written), shown) if shown else format_student(float(written))
                differing.append(
                    f"{_entry_name(correct, row, column)} is {yours} where {format_number(float(right))} belongs"
                )
    if differing:
        return ExplicitJudgement("wrong", "; ".join(differing), rounding)
    return ExplicitJudgement("correct", "every entry agrees at the precision written")


def _quadratic_form(matrix: sp.MatrixExpr) -> tuple[sp.Basic, sp.MatrixExpr | None, sp.MatrixExpr] | None:
    """(c, d, P) for a 1 × 1 product c·Pᵀ diag(d) P (or c·PᵀP, d None), read off its factors; else None."""
    if not isinstance(matrix, sp.MatMul):
        return None
    coefficient = sp.Mul(*(factor for factor in matrix.args if not isinstance(factor, sp.MatrixExpr)))
    factors: list[sp.MatrixExpr] = []
    for factor in matrix.args:
        if isinstance(factor, sp.MatMul):
            coefficient *= sp.Mul(*(inner for inner in factor.args if not isinstance(inner, sp.MatrixExpr)))
            factors.extend(inner for inner in factor.args if isinstance(inner, sp.MatrixExpr))
        elif isinstance(factor, sp.MatrixExpr):
            factors.append(factor)
    middle = None
    if len(factors) % 2 == 1:
        middle = factors.pop(len(factors) // 2)
        if not isinstance(middle, sp.DiagMatrix):
            return None
    half = len(factors) // 2
    if half == 0:
        return None
    for position in range(half):
        if sp.Transpose(factors[-1 - position]).doit() != factors[position]:
            return None
    right = factors[half:]
    vector = right[0] if len(right) == 1 else sp.MatMul(*right)
    if vector.shape[1] != 1:
        return None
    return coefficient, (middle.args[0] if middle is not None else None), vector


def _gram_of_vector(matrix: sp.Basic) -> sp.MatrixExpr | None:
    """v for vᵀv with v a column vector (how the reader writes ‖v‖²), else None."""
    if isinstance(matrix, sp.MatMul) and len(matrix.args) == 2:
        first, second = matrix.args
        if isinstance(first, sp.Transpose) and first.arg == second and second.shape[1] == 1:
            return second
    return None


def _decimal_text(value: sp.Basic) -> str:
    """A decimal as the sheet wrote it, from its exact value (166667/100000 is 1.66667): its places tell its
    precision. A value that is no short decimal (2/3) was written exactly."""
    if not isinstance(value, sp.Rational):
        value = sp.nsimplify(value)
    if not value.is_Rational or value.q == 1:
        return ""
    for places in range(1, 16):
        if (10**places) % value.q == 0:
            return f"{float(value):.{places}f}"
    return ""


def scalarise(expr: Any) -> Any:
    """Every 1 × 1 matrix product in ``expr`` (x_iᵀw, a sum of them) as its scalar index form."""
    if not isinstance(expr, sp.Basic) or not expr.has(sp.MatrixExpr):
        return expr
    from symcheck.matrices import to_index_form

    def one_by_one(node: sp.Basic) -> bool:
        return isinstance(node, sp.MatrixExpr) and tuple(node.shape) == (1, 1) and not isinstance(node, sp.MatrixBase)

    def scalar(node: sp.MatrixExpr) -> sp.Basic:
        if isinstance(node, sp.MatPow) and tuple(node.args[0].shape) == (1, 1):  # (x_iᵀv)² stays a square
            return scalar(node.args[0]) ** node.args[1]
        quadratic = _quadratic_form(node)
        if quadratic is not None:  # vᵀXᵀSXv = Σ_i S_ii (Xv)_i²: a sum of squares weighted by the diagonal
            coefficient, weights, vector = quadratic
            index = sp.Dummy("i", integer=True, positive=True)
            try:
                entry = to_index_form(vector, (index,))
                weight = to_index_form(weights, (index,)) if weights is not None else sp.Integer(1)
            except Exception:  # an index form the matrices module cannot write: the plain product below
                entry = None
            if entry is not None:
                return coefficient * sp.Sum(weight * entry**2, (index, 1, vector.shape[0]))
        try:
            return to_index_form(node, ())
        except Exception:  # a product the index form cannot take (an unsupported leaf): left as written
            return node

    def squares(vector: sp.MatrixExpr) -> sp.Basic:
        index = sp.Dummy("i", integer=True, positive=True)
        try:
            entry = to_index_form(vector, (index,))
        except Exception:  # an index form the matrices module cannot write
            return sp.Trace(sp.MatMul(sp.Transpose(vector), vector))
        return sp.Sum(entry**2, (index, 1, vector.shape[0]))

    def walk(node: sp.Basic) -> sp.Basic:
        if isinstance(node, sp.MatrixExpr):  # a 1 × 1 inside a matrix expression stays a matrix there
            return scalar(node) if one_by_one(node) else node
        if isinstance(node, sp.Trace) and _gram_of_vector(node.arg) is not None:  # ‖v‖² = Σ_i v_i², a sum of squares
            return squares(_gram_of_vector(node.arg))
        if isinstance(node, (sp.Trace, sp.Determinant)):  # tr(vᵀv) of a 1 × 1 is its one entry
            return scalar(node.arg) if one_by_one(node.arg) else node
        if not node.args or not node.has(sp.MatrixExpr):
            return node
        arguments = [walk(argument) for argument in node.args]
        return node.func(*arguments) if any(a is not b for a, b in zip(arguments, node.args, strict=True)) else node

    return _same_bases(walk(expr))


def _same_bases(expr: sp.Basic) -> sp.Basic:
    """The index form's plain ``w[k]`` made the reader's real ``w`` where the rest of ``expr`` writes ``w_j``, so
    that ∂(x_iᵀw)/∂w_j differentiates the entries it names (a plain and a real ``w`` are different symbols)."""
    bases = {node.base for node in expr.atoms(sp.Indexed)}
    real = {str(base.label): base for base in bases if base.label.is_real}
    plain = {base: real[str(base.label)] for base in bases if not base.label.is_real and str(base.label) in real}
    return expr.xreplace(plain) if plain else expr
