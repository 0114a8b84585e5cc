"""Runtime support that generated kernels call: the accurate ``exp(p - q)`` of a shifted logit.

``exp(z_i - max z)`` is the heart of every softmax-family kernel, and computing it as
``exp(fl(z_i - max z))`` is where the error comes from: rounding the difference costs up to
``|z_i - max z| / 2`` ulp, about 10 ulp at ``|z| ≈ 20`` (what SciPy and PyTorch show). Two exact
ways around it, chosen per block of rows:

* **quotient**, ``exp(p) / exp(q)``, when the block's row maxima ``q`` lie where neither factor
  can overflow and ``exp(p)`` is normal wherever ``exp(p - q)`` is: no rounded argument at all,
  three correctly-rounded-ish operations, and exactly ``1`` where ``p == q``. Two passes over the
  block, as cheap as the naive formula.
* **compensated**, otherwise: ``d = fl(p - q)`` and its exact error ``ε`` by Knuth's TwoSum, then
  ``e + e·ε`` with ``e = exp(d)``. ``ε`` is NaN only where ``inf - inf`` occurred (a ``-inf``
  logit, or a difference that overflows), and there ``e = 0``; ``fmin(e·ε, e)`` maps that NaN to
  ``e = 0`` and leaves every finite correction (always ``|e·ε| < e``) untouched, so masked
  logits give exactly ``0`` and a NaN input still gives NaN.

The choice is made row by row, so a row's result does not depend on the other rows of its block:
the quotient is computed for the whole block and the rare rows outside its range are recomputed.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "accumulate",
    "class_sum",
    "exp_shifted",
    "finish_sum",
    "plus_at",
    "rest_of_exp",
    "row_dot",
    "scatter_add",
    "sum_except",
    "take",
]


def _exp_range(dtype: np.dtype) -> tuple[float, float]:
    """Arguments whose exp is a normal, finite number, with a margin of one: (low, high)."""
    info = np.finfo(dtype)
    return float(np.ceil(np.log(info.smallest_normal))) + 1.0, float(np.floor(np.log(info.max))) - 1.0


_RANGES = {np.dtype(kind): _exp_range(np.dtype(kind)) for kind in (np.float32, np.float64)}


def _quotient_rows(p: np.ndarray, q: np.ndarray, dtype: np.dtype, axis: int) -> np.ndarray:
    """Per row (shaped like ``q``): may ``exp(p - q)`` be computed as ``exp(p) / exp(q)``?

    Yes when ``K·exp(q)`` (the largest a class sum of ``exp(p)`` can be) is finite, ``exp(q)`` is
    normal, and ``exp(p)`` is normal wherever ``exp(p - q)`` is, which holds for ``q >= 0`` and
    otherwise needs the row's smallest ``p`` in range. NaN rows
    answer no. The decision depends on the row alone, so a row's result never depends on the
    other rows of its block.
    """
    low, high = _RANGES.get(np.dtype(dtype), (np.inf, -np.inf))
    # a class sum of exp(p) reaches K·exp(q): keep it finite too
    high -= float(np.ceil(np.log(max(p.shape[axis], 1))))
    fine = (q >= low) & (q <= high)
    negative = q < 0
    if negative.any():
        fine &= ~negative | (np.minimum.reduce(p, axis=axis, keepdims=True) >= low)
    return fine


def _rows_where(fine: np.ndarray, row_axis: int) -> tuple[slice | np.ndarray, ...] | None:
    """An index selecting the rows that are not ``fine`` (None if there are none)."""
    if fine.all():
        return None
    index: list[slice | np.ndarray] = [slice(None)] * fine.ndim
    index[row_axis] = np.flatnonzero(~fine.reshape(-1))
    return tuple(index)


def _compensated(p: np.ndarray, q: np.ndarray, out: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """``exp(p - q)`` as ``e + e·ε`` with ``d + ε = p - q`` exactly (TwoSum); ``out`` may not alias ``p``."""
    difference = np.subtract(p, q, out=out)
    from_q = np.subtract(difference, p, out=first)  # the part of d that came from -q
    np.subtract(difference, from_q, out=second)  # the part that came from p
    np.subtract(p, second, out=second)  # p's rounding error
    np.add(from_q, q, out=first)  # q's rounding error, negated
    error = np.subtract(second, first, out=second)
    exponential = np.exp(difference, out=out)
    correction = np.multiply(exponential, error, out=second)
    np.fmin(correction, exponential, out=correction)  # NaN from inf - inf occurs only where e = 0
    return np.add(exponential, correction, out=out)


def exp_shifted(
    p: np.ndarray, q: np.ndarray, out: np.ndarray, first: np.ndarray, second: np.ndarray, axis: int, row_axis: int
) -> np.ndarray:
    """``exp(p - q)`` into ``out``, where ``q`` broadcasts against ``p`` and ``q >= p`` row by row.

    ``axis`` is the class axis the maximum ``q`` was taken along and ``row_axis`` the batch axis;
    ``first`` and ``second`` are scratch buffers shaped like ``out``, which may not alias ``p``.
    Exactly ``1`` where ``p == q``; ``0`` where ``p = -inf``; NaN where ``p`` or ``q`` is NaN.
    """
    fine = _quotient_rows(p, q, out.dtype, axis)
    np.exp(p, out=out)
    np.divide(out, np.exp(q), out=out)
    rows = _rows_where(fine, row_axis)
    if rows is not None:  # rows out of the quotient's range: the compensated difference
        out[rows] = _compensated(p[rows], q[rows], np.empty_like(p[rows]), first[rows], second[rows])
    return out


def class_sum(x: np.ndarray, axis: int, out: np.ndarray) -> np.ndarray:
    """``Σ_j x_j`` along the class ``axis``, with the rounding error of pairwise summation.

    NumPy sums a contiguous last axis pairwise, but along a leading axis (the transposed layout)
    it adds the rows one after another, whose error grows with ``K`` (3.7 ulp in a log-softmax of
    10 classes). Here the rows are added as a tree: ``log2 K`` vector operations.
    """
    count = x.shape[axis]
    if axis != 0 or count <= 2:
        return np.add.reduce(x, axis=axis, keepdims=True, out=out)
    half = count // 2
    partial = np.add(x[:half], x[half : 2 * half])
    if count % 2:
        np.add(partial[:1], x[2 * half :], out=partial[:1])
    while partial.shape[0] > 1:
        half = partial.shape[0] // 2
        odd = partial.shape[0] % 2
        np.add(partial[:half], partial[half : 2 * half], out=partial[:half])
        if odd:
            np.add(partial[:1], partial[2 * half : 2 * half + 1], out=partial[:1])
        partial = partial[:half]
    np.copyto(out, partial)
    return out


# -- one position per row: gathers and scatters ---------------------------------------------------------
# A pivot (argmax) or an integer label is one class position per row, stored with size 1 along the
# class axis. Two-dimensional blocks use plain fancy indexing, about three times faster than
# take_along_axis for the few dozen rows of a block; other ranks fall back to *_along_axis.


def _index(x: np.ndarray, positions: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray] | None:
    if x.ndim != 2:
        return None
    other = np.arange(x.shape[1 - axis])
    flat = positions.reshape(-1)
    return (flat, other) if axis == 0 else (other, flat)


def take(x: np.ndarray, positions: np.ndarray, axis: int) -> np.ndarray:
    """``x`` at one class position per row, shaped like ``positions``."""
    index = _index(x, positions, axis)
    if index is None:
        return np.take_along_axis(x, positions, axis=axis)
    return x[index].reshape(positions.shape)


def scatter_add(out: np.ndarray, positions: np.ndarray, values: np.ndarray | float, axis: int) -> np.ndarray:
    """``out`` plus ``values`` at one class position per row, in place: the sparse term ``δ(k, l)·w``."""
    index = _index(out, positions, axis)
    if index is None:
        picked = np.take_along_axis(out, positions, axis=axis) + values
        np.put_along_axis(out, positions, picked, axis=axis)
    else:
        out[index] += np.broadcast_to(values, positions.shape).reshape(-1)
    return out


def plus_at(
    x: np.ndarray, positions: np.ndarray, values: np.ndarray | float, out: np.ndarray, axis: int, sign: float
) -> np.ndarray:
    """``x + sign·δ(k, p)·values`` into ``out`` (``out`` may be ``x``): the sparse term of a sum."""
    if out is not x:
        np.copyto(out, x)
    return scatter_add(out, positions, values if sign == 1.0 else np.negative(values), axis)


def sum_except(x: np.ndarray, positions: np.ndarray, out: np.ndarray, axis: int) -> np.ndarray:
    """``Σ_j (1 - δ(j, p)) x_j``: the class sum leaving out one position per row, exactly.

    Subtracting ``x_p`` from the full sum would cancel catastrophically when the rest is small;
    instead ``x_p`` is set to 0 for the reduction and restored afterwards (``x`` must be writable).
    """
    index = _index(x, positions, axis)
    saved = take(x, positions, axis)
    if index is None:
        np.put_along_axis(x, positions, 0.0, axis=axis)
        class_sum(x, axis, out)
        np.put_along_axis(x, positions, saved, axis=axis)
    else:
        x[index] = 0.0
        class_sum(x, axis, out)
        x[index] = saved.reshape(-1)
    return out


def rest_of_exp(
    p: np.ndarray,
    q: np.ndarray,
    positions: np.ndarray,
    out: np.ndarray,
    scratch: np.ndarray,
    first: np.ndarray,
    second: np.ndarray,
    axis: int,
    row_axis: int,
) -> np.ndarray:
    """``R = Σ_j (1 - δ(j, a)) exp(p_j - q)`` with ``q = p_a`` the row maximum and ``a`` its position.

    Rows in the quotient regime of :func:`exp_shifted` divide by ``exp(q)`` once, after the sum;
    the others sum the compensated ``exp(p - q)``. ``scratch``, ``first`` and ``second`` are
    buffers shaped like ``p``.
    """
    fine = _quotient_rows(p, q, scratch.dtype, axis)
    np.exp(p, out=scratch)
    rows = _rows_where(fine, row_axis)
    if rows is not None:
        scratch[rows] = _compensated(p[rows], q[rows], np.empty_like(p[rows]), first[rows], second[rows])
    index = _index(scratch, positions, axis)
    if index is None:
        np.put_along_axis(scratch, positions, 0.0, axis=axis)
    else:
        scratch[index] = 0.0
    class_sum(scratch, axis, out)
    divisor = np.exp(q)
    if rows is not None:
        divisor[rows] = 1.0
    return np.divide(out, divisor, out=out)


# -- sums over the rows of the batch (see symcheck.kernels._batch) ------------------------------------
def row_dot(x: np.ndarray, w: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``Σ_l x_l w_l`` for each row: ``x`` a block ``(rows, K)`` (size-1 axes aside) against ``w`` ``(K,)``."""
    rows = x.shape[0]
    np.matmul(x.reshape(rows, -1), w, out=out.reshape(rows))
    return out


CHUNK_ROWS = 64
"""Rows per BLAS partial sum. BLAS adds the rows of a matrix product one after another, an error
growing with their number (20 ulp over 26,000 positive terms, 6 over 256); over 64 rows it stays
near an ulp, and the chunks' partial sums are added pairwise (benchmarks/regression_kernels.py)."""


def _chunked(weights: np.ndarray | None, left: np.ndarray, right: np.ndarray | None) -> np.ndarray:
    """The partial sums ``Σ weights·left ⊗ right`` over consecutive chunks of rows, stacked on axis 0."""
    rows = left.shape[0]
    size = CHUNK_ROWS
    parts = []
    for start, stop in ((0, rows - rows % size), (rows - rows % size, rows)):
        count = (stop - start) // size if stop - start >= size else (1 if stop > start else 0)
        if not count:
            continue
        chunk = (stop - start) // count
        first = left[start:stop].reshape(count, chunk, -1)
        if right is None:
            scale = weights[start:stop].reshape(count, 1, chunk)
            parts.append(np.matmul(scale, first)[:, 0, :])
            continue
        second = right[start:stop].reshape(count, chunk, -1)
        if weights is not None:
            first = first * weights[start:stop].reshape(count, chunk, 1)
        parts.append(np.matmul(first.transpose(0, 2, 1), second))  # aᵀa: a symmetric rank-k update per chunk
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def accumulate(
    high: np.ndarray,
    low: np.ndarray,
    scale: np.ndarray | None,
    left: np.ndarray | None,
    right: np.ndarray | None,
) -> None:
    """``high + low += Σ_rows scale·left ⊗ right`` for one block, in double words.

    ``scale`` is one number per row (None for 1); ``left`` and ``right`` are the factors along the
    first and second class index (None when the output has fewer). A block's rows are summed
    pairwise (no class index) or as matrix products over chunks of :data:`CHUNK_ROWS` rows whose
    partial sums are added pairwise, and the block's sum is added to the accumulator in double
    words: the total carries the rounding of the chunks and of ``log2(rows/64)`` pairwise levels.
    """
    from symcheck.kernels import _dd

    reference = next(value for value in (scale, left, right) if value is not None)
    rows = reference.shape[0]
    weights = None if scale is None else scale.reshape(rows)
    if left is None:
        part: tuple[np.ndarray, np.ndarray] | np.ndarray = np.add.reduce(weights, keepdims=True)
    else:
        if weights is None and right is None:
            weights = np.ones(rows, dtype=left.dtype)
        matrix = None if right is None else right.reshape(rows, -1)
        partials = _chunked(weights, left.reshape(rows, -1), matrix)
        part = class_sum(partials, 0, np.empty((1, *partials.shape[1:]), dtype=partials.dtype))
    total, error = _dd.add((high, low), part)
    np.copyto(high, total.reshape(high.shape))
    np.copyto(low, error.reshape(low.shape))


def finish_sum(high: np.ndarray, low: np.ndarray, numerator: float, denominator: float, out: np.ndarray) -> None:
    """``out = (high + low)·numerator/denominator``, in double words and rounded once."""
    from symcheck.kernels import _dd

    value: tuple[np.ndarray, np.ndarray] = (high, low)
    if numerator != 1:
        value = _dd.multiply(value, np.float64(numerator))
    result = _dd.quotient(value, np.float64(denominator)) if denominator != 1 else _dd.result(value)
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(high)
    result = np.where(finite, result, high * numerator / denominator)  # inf and NaN as IEEE has them
    np.copyto(out, result.reshape(out.shape), casting="unsafe")
