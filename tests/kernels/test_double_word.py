"""Double-word arithmetic and the outputs evaluated in it: sums that cancel, such as ŷ - y.

The cross-entropy gradient with soft labels is ``ŷ_k - y_k``; where ``ŷ_k ≈ y_k`` the difference
cancels and any working-precision evaluation (hand-written NumPy, PyTorch, the stable form alone)
is off by about ``κ = ŷ_k / |ŷ_k - y_k|`` ulp. Rows whose sum cancels are evaluated again in
double-word arithmetic, so the result is within an ulp of mpmath whatever ``κ``.
"""

from __future__ import annotations

import kernel_exact as exact
import mpmath
import numpy as np
import pytest
import sympy as sp
from test_accuracy import assert_within

import derivations.kernels as dk
import symcheck.kernels as sk
from derivations.notation import K, i, j, z
from symcheck.kernels import _dd
from symcheck.numeric import ulp_error

mpmath.mp.dps = 60


def _mp(high: float, low: float = 0.0) -> mpmath.mpf:
    return mpmath.mpf(float(high)) + mpmath.mpf(float(low))


def _relative(pair: tuple[np.ndarray, np.ndarray], truth: list[mpmath.mpf]) -> float:
    high, low = (np.broadcast_to(part, np.shape(pair[0])).reshape(-1) for part in pair)
    worst = mpmath.mpf(0)
    for h, lo, value in zip(high, low, truth, strict=True):
        if value != 0:
            worst = max(worst, abs(_mp(h, lo) - value) / abs(value))
    return float(worst)


def test_error_free_transformations_are_exact() -> None:
    rng = np.random.default_rng(0)
    a = rng.normal(size=500) * 10.0 ** rng.integers(-20, 20, size=500)
    b = rng.normal(size=500) * 10.0 ** rng.integers(-20, 20, size=500)
    s, e = _dd.two_sum(a, b)
    p, f = _dd.two_product(a, b)
    for x, y, s1, e1, p1, f1 in zip(a, b, s, e, p, f, strict=True):
        assert _mp(s1, e1) == _mp(x) + _mp(y)
        assert _mp(p1, f1) == _mp(x) * _mp(y)


def test_double_word_operations_against_mpmath() -> None:
    rng = np.random.default_rng(1)
    x = _dd.add(rng.normal(size=300), rng.normal(size=300) * 1e-17)  # a normalised double word
    y = rng.normal(size=300) + 3.0
    exact_x = [_mp(h, lo) for h, lo in zip(*x, strict=True)]
    assert np.all(np.abs(x[1]) <= np.spacing(np.abs(x[0])) / 2)
    cases = {
        "add": (_dd.add(x, y), [u + _mp(v) for u, v in zip(exact_x, y, strict=True)]),
        "subtract": (_dd.subtract(x, y), [u - _mp(v) for u, v in zip(exact_x, y, strict=True)]),
        "multiply": (_dd.multiply(x, y), [u * _mp(v) for u, v in zip(exact_x, y, strict=True)]),
        "divide": (_dd.divide(x, y), [u / _mp(v) for u, v in zip(exact_x, y, strict=True)]),
    }
    for name, (pair, truth) in cases.items():
        assert _relative(pair, truth) < 2.0**-100, name
    quotient = _dd.quotient(x, y)
    assert np.array_equal(quotient, np.array([float(u / _mp(v)) for u, v in zip(exact_x, y, strict=True)]))


def test_exp_in_double_words() -> None:
    """About 2^-79 relative wherever the low word is normal; exp(-inf) = 0 and NaN stays NaN."""
    rng = np.random.default_rng(2)
    arguments = np.concatenate([-np.abs(rng.normal(0.0, 10.0, 400)), rng.uniform(-600.0, 600.0, 200), [0.0, -1e-300]])
    lows = arguments * 1e-17 * rng.uniform(-1, 1, arguments.shape)
    pair = _dd.exp((arguments, lows))
    truth = [mpmath.exp(_mp(h, lo)) for h, lo in zip(arguments, lows, strict=True)]
    assert _relative(pair, truth) < 2.0**-77
    high, low = _dd.exp(np.array([-np.inf, np.nan, 800.0, -800.0, -746.0]))
    assert high[0] == 0 and low[0] == 0 and np.isnan(high[1])
    assert high[2] == np.inf and high[3] == 0 and high[4] == 0


@pytest.mark.parametrize("count", [1, 2, 7, 300, 3000])
def test_sums_are_exact_to_double_words(count: int) -> None:
    rng = np.random.default_rng(count)
    high = rng.normal(size=(6, count)) * 10.0 ** rng.integers(-8, 8, size=(6, count))
    low = high * 1e-17
    total = _dd.sum_along((high, low), 1)
    truth = [mpmath.fsum(_mp(h, lo) for h, lo in zip(high[r], low[r], strict=True)) for r in range(6)]
    assert total[0].shape == (6, 1)
    assert _relative(total, truth) < 2.0**-85


def _soft(rng: np.random.Generator, shape: tuple[int, ...], dtype: type) -> np.ndarray:
    soft = rng.random(shape)
    return (soft / soft.sum(axis=-1, keepdims=True)).astype(dtype)


def _close_logits(logits: np.ndarray, labels: np.ndarray, gaps: tuple[float, ...]) -> np.ndarray:
    """Logits whose ŷ_0 is y_0 (1 + gap) in row ``r`` for the ``r``-th gap: κ near 1/gap there."""
    logits = logits.astype(np.float64)
    for row, gap in enumerate(gaps):
        target = float(labels[row, 0]) * (1 + gap)
        others = np.exp(logits[row, 1:]).sum()
        logits[row, 0] = np.log(target * others / (1 - target))
    return logits


@pytest.mark.parametrize("classes", [2, 10, 1000])
@pytest.mark.parametrize(
    ("logit_dtype", "label_dtype"),
    [(np.float64, np.float64), (np.float32, np.float32), (np.float32, np.float64), (np.float64, np.float32)],
    ids=["f64", "f32", "f32 logits f64 labels", "f64 logits f32 labels"],
)
def test_soft_label_gradients_are_within_an_ulp(classes: int, logit_dtype: type, label_dtype: type) -> None:
    """ŷ - y where ŷ ≈ y: within an ulp of mpmath (a working-precision form is off by about κ ulp)."""
    rng = np.random.default_rng(classes)
    rows = 40 if classes < 1000 else 4
    logits = rng.normal(0.0, 3.0, size=(rows, classes)).astype(logit_dtype)
    labels = _soft(rng, logits.shape, label_dtype)
    # rows whose ŷ_0 agrees with y_0 to 3 and to 6 digits: κ near 10^3 and 10^6
    logits = _close_logits(logits, labels, (1e-3, 1e-6)).astype(logit_dtype)
    gradient = dk.cross_entropy_grad(logits, labels)
    assert gradient.dtype == np.result_type(logit_dtype, label_dtype)
    assert_within(gradient, exact.cross_entropy_grad(logits, labels), 1.0, what="soft-label gradient")
    each = dk.cross_entropy_grad(logits, labels, reduction="none")
    assert_within(each, exact.cross_entropy_grad(logits, labels, "none"), 1.0, what="no reduction")


def test_the_error_bound_in_terms_of_the_cancellation() -> None:
    """Labels copied from the rounded ŷ itself: κ near 2^53, and the error within 1 + κ·2^-26 ulp."""
    rng = np.random.default_rng(9)
    logits = rng.normal(0.0, 3.0, size=(20, 6))
    labels = dk.softmax(logits)
    labels /= labels.sum(axis=-1, keepdims=True)
    high, low = exact.cross_entropy_grad(logits, labels, "none")
    gradient = dk.cross_entropy_grad(logits, labels, reduction="none")
    kappa = np.abs(labels) / np.maximum(np.abs(high), np.finfo(np.float64).tiny)
    errors = ulp_error(gradient, high, low)
    assert np.all(errors <= 1 + kappa * 2.0**-26)
    assert kappa.max() > 2.0**40  # the case is as hard as claimed


def test_rows_that_do_not_cancel_keep_the_blocked_result() -> None:
    """One-hot probability labels never cancel: bit for bit the integer-label kernel's result."""
    rng = np.random.default_rng(5)
    logits = rng.normal(0.0, 3.0, size=(500, 7))
    labels = rng.integers(0, 7, size=500)
    one_hot = np.eye(7)[labels]
    kernel = dk.kernel("cross_entropy_grad")
    arrays = [logits, one_hot, 500.0]
    outputs = kernel._run(kernel.layout_for(7), arrays, 500, 7, np.dtype(np.float64))
    gradient, measure = outputs[0], outputs[kernel._edges.cancellations[0][1]]
    assert np.all(measure == 0)
    np.testing.assert_array_equal(gradient, dk.cross_entropy_grad(logits, labels))
    np.testing.assert_array_equal(dk.cross_entropy_grad(logits, one_hot), dk.cross_entropy_grad(logits, labels))


def test_the_measure_finds_the_cancelling_rows() -> None:
    kernel = dk.kernel("cross_entropy_grad")
    logits = np.array([[2.0, 0.0, -1.0], [2.0, 0.0, -1.0]])
    labels = np.array([[1.0, 0.0, 0.0], [0.7, 0.2, 0.1]])
    outputs = kernel._run("rows", [logits, labels, 1.0], 2, 3, np.dtype(np.float64))
    ((_number, position),) = kernel._edges.cancellations
    measure = outputs[position]
    assert measure[0] == 0 and measure[1] > 0


def test_double_word_outputs_of_other_specs() -> None:
    """The generator is general: a spec of our own, with a mask, a rational and a power."""
    rng = np.random.default_rng(3)
    expression = (sp.exp(z[i]) - sp.Rational(1, 3) * sp.Sum(z[j] ** 2, (j, 1, K))) / (1 + sp.exp(z[i]))
    output = sk.Output("v", expression, (i,), double_word=True)
    spec = sk.KernelSpec("own", (sk.ClassArray(z, "x"),), (output,), bound=K)
    kernel = sk.build_kernel(spec, cache=False)
    x = rng.normal(size=(5, 4))
    x[0] = [0.0, np.sqrt(3.0), 0.0, 0.0]  # exp(z_1) = 1 ≈ Σ z_j²/3: the numerator cancels to ~2^-52
    (value,) = kernel(x)
    for r in range(5):
        row = [_mp(v) for v in x[r]]
        for c in range(4):
            truth = (mpmath.exp(row[c]) - mpmath.fsum(v**2 for v in row) / 3) / (1 + mpmath.exp(row[c]))
            assert abs(_mp(value[r, c]) - truth) <= abs(truth) * 2.0**-52 + 2.0**-60, (r, c)


def test_double_word_outputs_must_be_sums() -> None:
    spec = sk.KernelSpec(
        "bad", (sk.ClassArray(z, "x"),), (sk.Output("v", sp.exp(z[i]), (i,), double_word=True),), bound=K
    )
    with pytest.raises(sk.UnsupportedExpression, match="a double-word output must be a sum"):
        sk.build_kernel(spec, cache=False)
    unsupported = sk.KernelSpec(
        "log", (sk.ClassArray(z, "x"),), (sk.Output("v", sp.log(z[i]) - z[i], (i,), double_word=True),), bound=K
    )
    with pytest.raises(sk.UnsupportedExpression, match="double-word evaluation has no log"):
        sk.build_kernel(unsupported, cache=False)


def test_weighted_terms_in_double_words() -> None:
    """Weighted(w, x) is w·x in double words too, and 0 where w = 0 against a masked (-inf) class."""
    from derivations.notation import y

    expression = sk.Weighted(y[i], sp.exp(z[i])) - y[i]
    output = sk.Output("v", expression, (i,), double_word=True)
    spec = sk.KernelSpec("weighted", (sk.ClassArray(z, "x"), sk.ClassArray(y, "w")), (output,), bound=K)
    kernel = sk.build_kernel(spec, cache=False)
    assert "_dd.is_zero" in kernel._double_words[0].source
    x = np.array([[1e-9, -np.inf, 0.5]])
    w = np.array([[0.75, 0.0, 0.25]])
    (value,) = kernel(x, w)
    truth = [_mp(0.75) * mpmath.expm1(_mp(1e-9)), 0, _mp(0.25) * (mpmath.exp(_mp(0.5)) - 1)]
    for got, want in zip(value[0], truth, strict=True):
        assert got == float(want)


def test_a_binary_gradient_in_double_words() -> None:
    """The library's σ(z) - y form, marked double-word: Abs, Piecewise and comparisons in double words."""
    rewrite = dk.REWRITES["bce.gradient_stable"]
    output = sk.Output("gradient", rewrite.stable, double_word=True)
    arguments = (sk.Elementwise(dk.zs, "logits"), sk.Elementwise(dk.ys, "labels"))
    kernel = sk.build_kernel(sk.KernelSpec("bce_grad", arguments, (output,)), cache=False)
    assert "_dd.compare('greater_equal'" in kernel._double_words[0].source
    rng = np.random.default_rng(4)
    logits = rng.normal(0.0, 3.0, size=400)
    labels = rng.random(400)
    labels[:2] = [float(mpmath.mpf(1) / (1 + mpmath.exp(-_mp(value)))) for value in logits[:2]]  # κ near 2^50
    labels[2] = 1.0
    (gradient,) = kernel(logits, labels)
    high, low = exact.bce_with_logits_grad(logits, labels, "none")
    kappa = np.abs(labels) / np.maximum(np.abs(high), np.finfo(np.float64).tiny)
    assert np.all(ulp_error(gradient, high, low) <= 1 + kappa * 2.0**-26)
    assert ulp_error(gradient[2:], high[2:], low[2:]).max() <= 1
    working = dk.bce_with_logits_grad(logits, labels, reduction="none")  # the library's: working precision
    assert ulp_error(working[3:], high[3:], low[3:]).max() > 4  # what the double words are for
