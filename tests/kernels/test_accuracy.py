"""Every kernel against mpmath at 50 digits: dtypes, batch shapes, K = 1..1000, extreme inputs.

Each case asserts that the output is finite for finite input, keeps the input's dtype and shape,
and is within the kernel's ulp bound on outputs in the normal range of the dtype (softmax 8 ulp;
log-softmax, logsumexp, cross-entropy, BCE and sigmoid 4 ulp). Entries that cancel by nature
(the Jacobian's ``ŷ_i(1 - ŷ_i)``, the JVP's ``v_i - Σ ŷ_k v_k``) are held to ulp of their row's
largest entry. Outputs that underflow must stay within a few smallest-normals of their value.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

import kernel_exact as exact
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import derivations.kernels as dk
from symcheck.numeric import ulp_error

DTYPES = (np.float32, np.float64)
SHAPES = ((10,), (4, 10), (2, 3, 10), (5, 1), (5, 2), (2, 1000))
INPUTS = ("random", "±1e4", "±710", "±1e300", "±100", "underflow", "near overflow")


def logits_for(kind: str, shape: tuple[int, ...], dtype: type, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if kind == "random":
        values = rng.normal(0.0, 3.0, size=shape)
    elif kind == "±1e4":
        values = rng.uniform(-1e4, 1e4, size=shape)
    elif kind == "±710":
        values = rng.uniform(-710.0, 710.0, size=shape)
    elif kind == "±1e300":
        values = rng.uniform(-1e300, 1e300, size=shape)
    elif kind == "±100":
        values = rng.uniform(-100.0, 100.0, size=shape)
    elif kind == "near overflow":  # every logit just below where exp overflows: K·exp(z) does not fit
        limit = 707.0 if dtype == np.float64 else 87.0
        values = limit - rng.uniform(0.0, 2.0, size=shape)
    else:  # class 0 far below the others: its probability underflows in the dtype
        values = rng.normal(0.0, 3.0, size=shape)
        values[..., 0] -= 1000.0 if dtype == np.float64 else 200.0
    return values.astype(dtype)


def assert_within(
    output: np.ndarray,
    truth: tuple[np.ndarray, np.ndarray],
    bound: float,
    *,
    row_scaled: bool = False,
    scale: np.ndarray | None = None,
    what: str = "",
) -> None:
    high, low = truth
    assert output.shape == high.shape, f"{what}: shape {output.shape}, expected {high.shape}"
    assert np.all(np.isfinite(output)), f"{what}: non-finite output for finite input"
    tiny = np.finfo(output.dtype).smallest_normal
    if scale is not None or row_scaled:
        if scale is None:
            scale = np.max(np.abs(high), axis=-1, keepdims=True) if high.ndim else np.abs(high)
        unit = np.maximum(np.spacing(scale.astype(output.dtype)).astype(np.float64), np.spacing(tiny))
        errors = np.abs((output.astype(np.float64) - high) - low) / unit
    else:
        normal = np.abs(high) >= tiny
        errors = np.where(normal, ulp_error(output, high, low), 0.0)
        underflow = np.abs(output.astype(np.float64) - high)[~normal]
        assert np.all(underflow <= 4 * tiny), f"{what}: an output that underflows is off by {underflow.max()}"
    worst = float(np.max(errors)) if errors.size else 0.0
    assert worst <= bound, f"{what}: {worst:.2f} ulp > {bound} ulp"


def _one_hot_case(name: str) -> bool:
    return name.startswith("cross_entropy")


KERNELS: dict[str, tuple[Callable[..., np.ndarray], Callable[..., Any], float, bool]] = {
    # name: (kernel on (logits, extra), exact reference, ulp bound, row-scaled)
    "softmax": (lambda z, _: dk.softmax(z), lambda z, _: exact.softmax(z), 8, False),
    "log_softmax": (lambda z, _: dk.log_softmax(z), lambda z, _: exact.log_softmax(z), 4, False),
    "logsumexp": (lambda z, _: dk.logsumexp(z), lambda z, _: exact.logsumexp(z), 4, False),
    "cross_entropy": (
        lambda z, labels: dk.cross_entropy(z, labels, reduction="none"),
        lambda z, labels: exact.cross_entropy(z, labels, "none"),
        4,
        False,
    ),
    "cross_entropy_grad": (
        lambda z, labels: dk.cross_entropy_grad(z, labels),
        lambda z, labels: exact.cross_entropy_grad(z, labels),
        8,
        False,
    ),
    "softmax_jacobian": (lambda z, _: dk.softmax_jacobian(z), lambda z, _: exact.softmax_jacobian(z), 8, True),
    "softmax_jvp": (lambda z, v: dk.softmax_jvp(z, v), lambda z, v: exact.softmax_jvp(z, v), 8, True),
}


def _cases() -> list[Any]:
    cases = []
    for name in KERNELS:
        for dtype in DTYPES:
            for shape in SHAPES:
                for kind in INPUTS:
                    if kind == "±1e300" and dtype == np.float32:
                        continue
                    if name == "softmax_jacobian" and shape[-1] == 1000:
                        continue  # K x K per row; covered at K = 10 and by the derivative tests
                    label = f"{name}-{np.dtype(dtype).name}-{'x'.join(map(str, shape))}-{kind}"
                    cases.append(pytest.param(name, dtype, shape, kind, id=label))
    return cases


@pytest.mark.parametrize(("name", "dtype", "shape", "kind"), _cases())
def test_class_kernels_against_mpmath(name: str, dtype: type, shape: tuple[int, ...], kind: str) -> None:
    kernel, reference, bound, row_scaled = KERNELS[name]
    logits = logits_for(kind, shape, dtype, seed=zlib.crc32(f"{name}{shape}{kind}".encode()))
    rng = np.random.default_rng(7)
    if _one_hot_case(name):
        extra = np.zeros(shape[:-1], dtype=np.int64) if kind == "underflow" else rng.integers(0, shape[-1], shape[:-1])
    elif name == "softmax_jvp":
        extra = rng.normal(size=shape).astype(dtype)
    else:
        extra = None
    output = kernel(logits, extra)
    assert output.dtype == dtype, f"{name} returned {output.dtype} for {np.dtype(dtype).name} input"
    scale = None
    if name == "logsumexp":
        # max z + log1p(R) cancels when max z < 0 and the result is near 0, for any algorithm that
        # starts from the maximum: judged in ulp of the larger of the two terms.
        scale = np.maximum(np.abs(logits.max(axis=-1)).astype(np.float64), np.log(shape[-1]))
    assert_within(output, reference(logits, extra), bound, row_scaled=row_scaled, scale=scale, what=name)


BINARY_SHAPES = ((7,), (3, 4), (2, 2, 5))


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape", BINARY_SHAPES, ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("kind", [kind for kind in INPUTS if kind != "underflow"])
def test_binary_kernels_against_mpmath(dtype: type, shape: tuple[int, ...], kind: str) -> None:
    if kind == "±1e300" and dtype == np.float32:
        pytest.skip("±1e300 is not representable in float32")
    logits = logits_for(kind, shape, dtype, seed=len(shape) * 31 + INPUTS.index(kind))
    rng = np.random.default_rng(3)
    for labels in ((rng.random(shape) < 0.5).astype(dtype), rng.random(shape).astype(dtype)):
        sigmoid = dk.sigmoid(logits)
        assert sigmoid.dtype == dtype
        assert_within(sigmoid, exact.sigmoid(logits), 4, what="sigmoid")
        losses = dk.bce_with_logits(logits, labels, reduction="none")
        assert losses.dtype == dtype
        assert_within(losses, exact.bce_with_logits(logits, labels, "none"), 4, what="bce_with_logits")
        mean = dk.bce_with_logits(logits, labels)
        assert mean.shape == () and mean.dtype == dtype
        assert_within(mean, exact.bce_with_logits(logits, labels), 4, what="bce_with_logits mean")
        if np.all((labels == 0) | (labels == 1)):  # soft labels cancel in σ(z) - y (see derivations.kernels)
            gradient = dk.bce_with_logits_grad(logits, labels)
            assert gradient.dtype == dtype
            assert_within(gradient, exact.bce_with_logits_grad(logits, labels), 4, what="bce_with_logits_grad")


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("classes", (2, 10, 1000))
def test_cross_entropy_with_probability_labels(dtype: type, classes: int) -> None:
    rng = np.random.default_rng(classes)
    logits = rng.normal(0.0, 3.0, size=(3, classes)).astype(dtype)
    soft = rng.random((3, classes))
    labels = (soft / soft.sum(axis=-1, keepdims=True)).astype(dtype)
    labels /= labels.sum(axis=-1, keepdims=True)
    assert_within(dk.cross_entropy(logits, labels, reduction="none"), exact.cross_entropy(logits, labels, "none"), 4)
    assert_within(dk.cross_entropy(logits, labels), exact.cross_entropy(logits, labels), 4)
    assert_within(dk.cross_entropy(logits, labels, reduction="sum"), exact.cross_entropy(logits, labels, "sum"), 4)
    # p - y of two comparable probabilities cancels: those rows are evaluated in double words, rounded once
    gradient = dk.cross_entropy_grad(logits, labels)
    assert_within(gradient, exact.cross_entropy_grad(logits, labels), 1)
    integer = rng.integers(0, classes, size=3)
    one_hot = np.eye(classes, dtype=dtype)[integer]
    np.testing.assert_array_equal(dk.cross_entropy_grad(logits, integer), dk.cross_entropy_grad(logits, one_hot))


def test_tiny_results_keep_their_relative_accuracy() -> None:
    """log1p forms: a confident, correct prediction has a loss near 0, not 0."""
    logits = np.array([[40.0, 0.0, -3.0], [0.0, -745.0, -800.0]])
    labels = np.array([0, 0])
    checks = [
        (dk.log_softmax(logits), exact.log_softmax(logits)),
        (dk.cross_entropy(logits, labels, reduction="none"), exact.cross_entropy(logits, labels, "none")),
        (dk.cross_entropy_grad(logits, labels, reduction="none"), exact.cross_entropy_grad(logits, labels, "none")),
        (
            dk.bce_with_logits(np.array([40.0, -40.0]), np.array([1.0, 0.0]), reduction="none"),
            exact.bce_with_logits(np.array([40.0, -40.0]), np.array([1.0, 0.0]), "none"),
        ),
        (
            dk.bce_with_logits_grad(np.array([40.0, -40.0]), np.array([1.0, 0.0]), reduction="none"),
            exact.bce_with_logits_grad(np.array([40.0, -40.0]), np.array([1.0, 0.0]), "none"),
        ),
        (dk.sigmoid(np.array([-700.0, -40.0])), exact.sigmoid(np.array([-700.0, -40.0]))),
    ]
    for output, truth in checks:
        normal = np.abs(truth[0]) >= np.finfo(output.dtype).smallest_normal
        assert np.all(output[normal] != 0), "a tiny but normal result collapsed to 0"
        assert_within(output, truth, 4)
    assert dk.log_softmax(logits)[0, 0] == pytest.approx(-np.exp(-40.0) - np.exp(-43.0), rel=1e-15)


@pytest.mark.parametrize(
    "name",
    [
        "softmax",
        "log_softmax",
        "logsumexp",
        "cross_entropy_index",
        "cross_entropy_index_grad",
        "softmax_jacobian",
        "softmax_jvp",
    ],
)
@pytest.mark.parametrize("classes", (1, 2, 7, 40, 60, 300))
def test_both_layouts_and_the_whole_array_reference_agree(name: str, classes: int) -> None:
    """Transposed and row-major blocks, and the unblocked printing of the same forms, agree."""
    kernel = dk.kernel(name)
    rng = np.random.default_rng(classes)
    rows = 5 if name == "softmax_jacobian" else 3000  # several blocks and a shorter last one
    logits = rng.normal(0.0, 3.0, size=(rows, classes))
    arguments: list[Any] = [logits]
    for argument in kernel.spec.arguments[1:]:
        if argument.name == "labels":
            arguments.append(rng.integers(0, classes, size=rows))
        elif argument.name == "tangent":
            arguments.append(rng.normal(size=logits.shape))
        else:
            arguments.append(float(rows))
    layouts = ("rows", "columns") if classes <= 255 else ("rows",)
    reference = kernel.reference(*arguments)
    for layout in layouts:
        for got, want in zip(kernel(*arguments, layout=layout), reference, strict=True):
            scale = np.max(np.abs(want)) or 1.0
            np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-14 * scale, err_msg=layout)
    if classes > 255:
        with pytest.raises(ValueError, match="at most 255 classes"):
            kernel(*arguments, layout="columns")


def test_large_batches_span_blocks_and_stay_exact() -> None:
    """A batch of many blocks with a short tail: sampled rows against mpmath."""
    rng = np.random.default_rng(11)
    for classes in (10, 1000):
        rows = 200_003 if classes == 10 else 2_003
        logits = rng.normal(0.0, 3.0, size=(rows, classes))
        logits[::97] *= 300  # some blocks take the compensated path, others the quotient path
        labels = rng.integers(0, classes, size=rows)
        sample = np.r_[0:3, rows // 2, rows - 3 : rows]
        assert_within(dk.softmax(logits)[sample], exact.softmax(logits[sample]), 8)
        assert_within(dk.log_softmax(logits)[sample], exact.log_softmax(logits[sample]), 4)
        losses = dk.cross_entropy(logits, labels, reduction="none")[sample]
        assert_within(losses, exact.cross_entropy(logits[sample], labels[sample], "none"), 4)


_finite = st.floats(min_value=-1e308, max_value=1e308, allow_nan=False, allow_infinity=False)
_moderate = st.floats(min_value=-800.0, max_value=800.0, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=1, max_value=40).flatmap(
        lambda classes: st.lists(
            st.lists(
                st.one_of(_moderate, _finite, st.sampled_from([0.0, 707.5, -745.0, 88.0])),
                min_size=classes,
                max_size=classes,
            ),
            min_size=1,
            max_size=4,
        )
    ),
    st.sampled_from([np.float64, np.float32]),
)
def test_any_finite_logits(rows: list[list[float]], dtype: type) -> None:
    """Property: for any finite logits, outputs are finite unless the exact value itself overflows,
    and within their ulp bounds of mpmath."""
    with np.errstate(over="ignore"):
        logits = np.array(rows, dtype=np.float64).astype(dtype)
    if not np.all(np.isfinite(logits)):
        return  # a float64 value that does not fit in float32
    labels = np.zeros(logits.shape[0], dtype=np.int64)
    cases = [
        (dk.softmax(logits), exact.softmax(logits), 8),
        (dk.log_softmax(logits), exact.log_softmax(logits), 4),
        (dk.cross_entropy(logits, labels, reduction="none"), exact.cross_entropy(logits, labels, "none"), 4),
        (dk.sigmoid(logits), exact.sigmoid(logits), 4),
        (
            dk.bce_with_logits(logits, np.ones_like(logits), reduction="none"),
            exact.bce_with_logits(logits, np.ones_like(logits), "none"),
            4,
        ),
    ]
    for output, (high, low), bound in cases:
        overflow = ~np.isfinite(high)
        assert np.array_equal(np.isinf(output), overflow) or np.all(np.isfinite(output[~overflow])), (logits, output)
        kept = ~overflow
        errors = np.where(
            np.abs(high[kept]) >= np.finfo(dtype).smallest_normal, ulp_error(output[kept], high[kept], low[kept]), 0.0
        )
        assert np.all(np.isfinite(output[kept])), (logits, output)
        assert errors.size == 0 or errors.max() <= bound, (logits, output, errors.max())
