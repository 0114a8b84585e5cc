"""Double-word arithmetic on NumPy arrays: each value is an unevaluated sum ``hi + lo`` of two floats.

A generated kernel evaluates an output in double-word arithmetic when its outermost sum cancels
(``ŷ_k - y_k`` with ``ŷ_k ≈ y_k``): the working-precision result then carries the rounding errors of
its terms, magnified by the cancellation, while double-word arithmetic carries about 2^-100 of
them, so that only the final rounding is left (see :mod:`symcheck.kernels._refine`).

The building blocks are the error-free transformations: Knuth's TwoSum (``a + b = s + e``
exactly), Dekker's product with Veltkamp's splitting (``a·b = p + e`` exactly, for
``|a|, |b| < 2^995``), and from them addition, multiplication and division of double words
(the "sloppy" algorithms of Joldes, Muller and Popescu, *Tight and rigorous error bounds for
basic building blocks of double-word arithmetic*, 2017: relative errors of a few 2^-104).

``exp`` is Tang's table-driven method carried in double words: ``x = (64·m + j)·ln2/4096 + r``
with the product ``k·ln2/4096`` exact (``ln2/4096`` is split into two 30-bit parts and a third
part), ``2^(j/4096)`` from a table of double words computed once with mpmath, and
``exp(r) = 1 + r + r²/2 + … + r⁵/120`` for ``|r| <= 8.5e-5``, whose terms from ``r²`` on are
evaluated in working precision (their rounding is below ``2^-80`` relative). Relative error
about ``2^-79`` (measured against mpmath), against ``2^-53`` for ``np.exp``, for results above
``2^-969``, below which the low word is subnormal and the error grows to ``2^-1074`` absolute.
Arguments outside ``(-745, 709)`` and non-finite ones fall back to ``np.exp`` with a zero low
word (``exp(-inf) = 0`` exactly).

Only float64 arrays are handled (a float32 kernel uses float64 as its double word). A value is
either an array (its low word is 0) or a tuple ``(hi, lo)``; booleans are masks for :func:`where`.
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = [
    "absolute",
    "add",
    "compare",
    "divide",
    "exp",
    "is_zero",
    "multiply",
    "negative",
    "quotient",
    "result",
    "subtract",
    "sum_along",
    "where",
]

Value = np.ndarray | float | tuple[np.ndarray, np.ndarray]
Pair = tuple[np.ndarray, np.ndarray]

_SPLITTER = 134217729.0  # 2^27 + 1
_TABLE_BITS = 12
_TABLE_SIZE = 1 << _TABLE_BITS
_EXP_LOW, _EXP_HIGH = -745.0, 709.0


def _parts(value: Value) -> tuple[np.ndarray, np.ndarray | None]:
    if isinstance(value, tuple):
        return value
    return np.atleast_1d(np.asarray(value, dtype=np.float64)), None  # 0-d ufunc results are not arrays


def two_sum(a: np.ndarray, b: np.ndarray) -> Pair:
    """``a + b = s + e`` exactly (Knuth), for any order of magnitudes."""
    s = np.add(a, b)
    v = s - a
    e = s - v
    np.subtract(a, e, out=e)
    np.subtract(b, v, out=v)
    return s, np.add(e, v, out=e)


def _fast_two_sum(a: np.ndarray, b: np.ndarray) -> Pair:
    """``a + b = s + e`` exactly when ``|a| >= |b|`` (Dekker): renormalises a double word."""
    s = np.add(a, b)
    e = s - a
    return s, np.subtract(b, e, out=e)


def _split(a: np.ndarray) -> Pair:
    """Veltkamp's splitting: ``a = high + low`` with 26 significant bits in each."""
    c = np.multiply(a, _SPLITTER)
    high = c - a
    np.subtract(c, high, out=high)
    return high, np.subtract(a, high, out=c)


def two_product(a: np.ndarray, b: np.ndarray) -> Pair:
    """``a·b = p + e`` exactly (Dekker), for ``|a|, |b| < 2^995`` and no underflow."""
    p = np.multiply(a, b)
    a_high, a_low = _split(a)
    b_high, b_low = _split(b)
    e = a_high * b_high
    e -= p
    e += a_high * b_low
    e += a_low * b_high
    e += a_low * b_low
    return p, e


def negative(x: Value) -> Value:
    if isinstance(x, tuple):
        return np.negative(x[0]), np.negative(x[1])
    return np.negative(x)


def add(x: Value, y: Value) -> Pair:
    """``x + y`` in double words (the sloppy sum: exact unless the two cancel)."""
    x_high, x_low = _parts(x)
    y_high, y_low = _parts(y)
    s, e = two_sum(x_high, y_high)
    if x_low is not None:
        e += x_low
    if y_low is not None:
        e += y_low
    infinite = ~np.isfinite(s)
    if not infinite.any():
        return _fast_two_sum(s, e)
    e[infinite] = 0.0  # ±inf (a masked logit minus the maximum) has no rounding error: low word 0
    s, e = _fast_two_sum(s, e)
    e[infinite] = 0.0
    return s, e


def subtract(x: Value, y: Value) -> Pair:
    """``x - y`` in double words."""
    return add(x, negative(y))


def multiply(x: Value, y: Value) -> Pair:
    """``x·y`` in double words."""
    x_high, x_low = _parts(x)
    y_high, y_low = _parts(y)
    p, e = two_product(x_high, y_high)
    if y_low is not None:
        e = e + x_high * y_low
    if x_low is not None:
        e = e + x_low * y_high
    return _fast_two_sum(p, e)


def _remainder(x: Value, y: Value) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(q, r, y_high)`` with ``q = fl(x_high / y_high)`` and ``r ≈ x - q·y`` to double-word accuracy."""
    x_high, x_low = _parts(x)
    y_high, y_low = _parts(y)
    quotient = np.divide(x_high, y_high)
    product, error = two_product(quotient, y_high)
    remainder = np.subtract(x_high, product, out=product)  # exact: q is x_high / y_high rounded
    remainder -= error
    if x_low is not None:
        remainder = remainder + x_low
    if y_low is not None:
        remainder = remainder - quotient * y_low
    return quotient, remainder, y_high


def divide(x: Value, y: Value) -> Pair:
    """``x / y`` in double words: a quotient, then one correction by the exact remainder."""
    quotient, remainder, below = _remainder(x, y)
    return _fast_two_sum(quotient, np.divide(remainder, below, out=remainder))


def quotient(x: Value, y: Value) -> np.ndarray:
    """``x / y`` rounded to one float (the last operation of an output needs no low word)."""
    value, remainder, below = _remainder(x, y)
    np.divide(remainder, below, out=remainder)
    return np.add(value, remainder, out=remainder)


def absolute(x: Value) -> Value:
    """``|x|``: the double word negated where its high word is negative."""
    if not isinstance(x, tuple):
        return np.absolute(x)
    return where(x[0] < 0, negative(x), x)


def compare(relation: str, x: Value, y: Value) -> np.ndarray:
    """``x <relation> y`` (``"less"``, ``"greater_equal"``, ...), decided on the sign of ``x - y``."""
    if not isinstance(x, tuple) and not isinstance(y, tuple):
        return getattr(np, relation)(x, y)
    return getattr(np, relation)(subtract(x, y)[0], 0.0)


def is_zero(x: Value) -> np.ndarray:
    """Where the double word is 0 (its high word is 0 exactly then)."""
    return np.equal(_parts(x)[0], 0.0)


def where(condition: np.ndarray, x: Value, y: Value) -> Value:
    """``x`` where ``condition`` holds, else ``y``, word by word (masks such as ``1 - δ(j, a)``)."""
    if not isinstance(x, tuple) and not isinstance(y, tuple):
        return np.where(condition, x, y)
    x_high, x_low = _parts(x)
    y_high, y_low = _parts(y)
    zero = np.zeros((), dtype=np.float64)
    return (
        np.where(condition, x_high, y_high),
        np.where(condition, zero if x_low is None else x_low, zero if y_low is None else y_low),
    )


def sum_along(x: Value, axis: int) -> Pair:
    """``Σ x`` along ``axis`` (kept with size 1) in double words, by Rump's error-free extraction.

    Each row is cut at ``σ = 2^⌈log2(2n·max|x|)⌉`` (``n`` terms): ``h = (x + σ) - σ`` is exact, a
    multiple of ``2^-53 σ`` at most ``σ/(2n)`` in size, so ``Σ h`` is exact in any order. The
    rest, below ``2^-53 σ``, is summed in working precision: its error is below ``4 n³ 2^-106`` of
    the largest term, under ``2^-80`` for ``n <= 256``; more terms have their rest cut once more.
    One or two levels of vector operations instead of ``log2 n`` levels of double-word additions.
    """
    high, low = _parts(x)
    count = high.shape[axis]
    if low is not None:
        low = np.broadcast_to(low, high.shape)
    if count == 1:
        return high, np.zeros_like(high) if low is None else np.array(low)
    exact, rest = _extract(high, axis, count)
    if low is not None:
        rest += low
    if count > 256:
        more, rest = _extract(rest, axis, count)
        exact = _fast_two_sum(exact, more)
    return add(exact, np.add.reduce(rest, axis=axis, keepdims=True))


def _extract(x: np.ndarray, axis: int, count: int) -> Pair:
    """``(Σ h, x - h)``: the exact sum of the high parts of ``x`` cut at ``σ``, and the remainders."""
    largest = np.maximum.reduce(np.abs(x), axis=axis, keepdims=True)
    _mantissa, exponent = np.frexp(largest)  # largest < 2^exponent
    sigma = np.ldexp(1.0, exponent + (int(count - 1).bit_length() + 1))
    high = x + sigma
    high -= sigma
    return np.add.reduce(high, axis=axis, keepdims=True), np.subtract(x, high, out=high)


def result(x: Value) -> np.ndarray:
    """The double word rounded to one float (non-finite high words are kept as they are)."""
    high, low = _parts(x)
    if low is None:
        return high
    return np.where(np.isfinite(high), high + low, high)


@functools.cache
def _exp_constants() -> tuple[float, float, float, float, np.ndarray, np.ndarray, np.ndarray]:
    """ln2/4096 in three parts (the first two of 30 bits), 4096/ln2, and 2^(j/4096) as split double words."""
    import mpmath

    with mpmath.workprec(160):
        step = mpmath.log(2) / _TABLE_SIZE
        first = _leading_bits(float(step), 30)
        second = _leading_bits(float(step - first), 30)
        third = float(step - first - second)
        inverse = float(1 / step)
        powers = [mpmath.mpf(2) ** (mpmath.mpf(j) / _TABLE_SIZE) for j in range(_TABLE_SIZE)]
        high = np.array([float(value) for value in powers])
        low = np.array([float(value - mpmath.mpf(float(value))) for value in powers])
    split_high, split_low = _split(high)
    return first, second, third, inverse, split_high, split_low, low


def _leading_bits(value: float, bits: int) -> float:
    mantissa, exponent = np.frexp(value)
    return float(np.ldexp(np.round(np.ldexp(mantissa, bits)), int(exponent) - bits))


def exp(x: Value) -> Pair:
    """``exp(x)`` in double words (relative error about 2^-80; see the module docstring)."""
    high, low = _parts(x)
    inside = np.abs(high + 18.0) < 727.0  # -745 < high < 709, and not NaN
    whole = bool(inside.all())
    argument = high if whole else np.where(inside, high, 0.0)
    first, second, third, inverse, table_high, table_split, table_low = _exp_constants()
    k = np.multiply(argument, inverse)
    np.rint(k, out=k)
    reduced = k * first  # k·first and k·second are exact: k has at most 23 bits
    np.subtract(argument, reduced, out=reduced)
    r_high, r_low = two_sum(reduced, k * -second)
    r_low -= k * third
    if low is not None:
        r_low += low if whole else np.where(inside, low, 0.0)
    # exp(r) = 1 + r_high + rest, rest = r_high²(1/2 + r_high/6 + …) + r_low(1 + r_high + r_high²/2)
    rest = r_high * (1 / 120)
    rest += 1 / 24
    rest *= r_high
    rest += 1 / 6
    rest *= r_high
    rest += 0.5
    rest *= r_high * r_high
    carried = r_high * 0.5
    carried += 1.0
    carried *= r_high
    carried += 1.0
    carried *= r_low
    rest += carried
    index = k.astype(np.int32)  # |k| < 2^23; ldexp takes C ints (an int64 exponent is cast slowly)
    position = index & (_TABLE_SIZE - 1)
    scale = np.right_shift(index, _TABLE_BITS, out=index)
    t_first = table_high.take(position)
    t_second = table_split.take(position)
    t_low = table_low.take(position)
    t_high = t_first + t_second
    product, error = _split_product(t_first, t_second, r_high)
    value_high, value_low = _fast_two_sum(t_high, product)
    rest *= t_high
    r_high += 1.0
    r_high *= t_low
    error += rest
    error += r_high
    value_low += error
    value_high, value_low = _fast_two_sum(value_high, value_low)
    np.ldexp(value_high, scale, out=value_high)
    np.ldexp(value_low, scale, out=value_low)
    if not whole:
        with np.errstate(over="ignore"):
            value_high = np.where(inside, value_high, np.exp(high))
        value_low = np.where(inside, value_low, 0.0)
    return value_high, value_low


def _split_product(a_high: np.ndarray, a_low: np.ndarray, b: np.ndarray) -> Pair:
    """``(a_high + a_low)·b = p + e`` exactly, with ``a`` already split (a table entry)."""
    a = a_high + a_low
    p = a * b
    b_high, b_low = _split(b)
    return p, ((a_high * b_high - p) + a_high * b_low + a_low * b_high) + a_low * b_low
