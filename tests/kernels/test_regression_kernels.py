"""The regression kernels: proofs, mpmath, the bound against the condition number, derivatives, edges.

Accuracy is measured as ``benchmarks/regression_kernels.py`` reports it: sums over the samples in
ulp of their scale (``Σ_i |terms|``, see ``regression_exact.py``) on any data, and in ulp of the
value on well-conditioned data.
"""

from __future__ import annotations

import numpy as np
import pytest
import regression_exact as exact
import sympy as sp

import derivations.kernels as dk
import derivations.regression_kernels as rk
import symcheck
import symcheck.kernels as sk
from symcheck.numeric import check_derivative, ulp_error

SAMPLE_KERNELS = [name for name in rk.KERNELS if name not in ("softplus", "log_sigmoid")]


def _data(kind: str, dtype: type, rows: int = 300, features: int = 6, seed: int = 0) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    if kind == "well-conditioned":  # positive features, residuals of one sign, labels 0: κ <= 4
        X = rng.uniform(0.5, 1.5, (rows, features))
        w = rng.uniform(0.0, 0.1, features)
        y_squares, y_labels = X @ w - rng.uniform(0.5, 1.5, rows), np.zeros(rows)
    else:
        X = rng.normal(size=(rows, features))
        w = rng.normal(size=features) * (300.0 if kind == "saturating" else 1 / np.sqrt(features))
        y_squares, y_labels = X @ w + rng.normal(size=rows), (rng.random(rows) < 0.5).astype(np.float64)
    return X.astype(dtype), w.astype(dtype), y_squares.astype(dtype), y_labels.astype(dtype)


def _arguments(name: str, X: np.ndarray, w: np.ndarray, y_squares: np.ndarray, y_labels: np.ndarray) -> tuple:
    if name == "least_squares_hessian":
        return (X,)
    if name == "logistic_hessian":
        return (X, w)
    return (X, w, y_labels if name.startswith("logistic") else y_squares)


# -- proofs ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(rk.REWRITES))
def test_every_rewrite_is_proved_or_lifted_by_congruence(name: str) -> None:
    rewrite = rk.REWRITES[name]
    verdict = sk.verify_rewrite(rewrite)
    assert verdict.holds is True, f"{name}: {verdict}"
    if isinstance(rewrite, sk.Lifted):
        assert verdict.method.startswith("congruence over "), verdict.method
        assert rewrite.stable != rewrite.original


def test_the_kernels_are_the_library_results() -> None:
    """The outputs are the library's index forms (least squares) or their lifted stable forms."""
    from derivations import linear_regression as lr

    assert rk.SPECS["least_squares_grad"].outputs[0].expression == lr.gradient_entry
    assert rk.SPECS["least_squares_hessian"].outputs[0].expression == lr.hessian_entry
    stable = rk.SPECS["logistic_grad"].outputs[0].expression
    assert stable == rk.REWRITES["logistic.gradient_stable"].stable and stable.has(sp.Abs)
    assert all(spec.licence for spec in rk.SPECS.values())


def test_a_lifted_rewrite_is_refused_when_its_instance_is_absent_or_not_real() -> None:
    from derivations import linear_regression as lr

    t = sp.Symbol("t", real=True)
    scalar = sk.Rewrite("square", t**2, t * t + 0, symcheck.assume(real=[t]))
    absent = sk.Lifted("absent", scalar, lr.gradient_entry, ((t, lr.w[lr.j] + 7),))
    with pytest.raises(sk.RewriteRefused, match="does not occur"):
        sk.verify_rewrite(absent)
    imaginary = sk.Lifted("imaginary", scalar, sp.I**2 + lr.w[lr.j], ((t, sp.I),))
    with pytest.raises(sk.RewriteRefused, match="not known to be real"):
        sk.verify_rewrite(imaginary)


# -- accuracy against mpmath ---------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("kind", ["well-conditioned", "normal", "saturating"])
@pytest.mark.parametrize("name", SAMPLE_KERNELS)
def test_sums_over_the_samples_against_mpmath(name: str, kind: str, dtype: type) -> None:
    data = _data(kind, dtype, seed=len(name))
    arguments = _arguments(name, *data)
    output = rk.KERNELS[name](*arguments)
    features = data[0].shape[1]
    assert output.dtype == dtype
    assert output.shape == {"loss": (), "grad": (features,), "hessian": (features, features)}[name.rpartition("_")[2]]
    assert np.all(np.isfinite(output)), f"{name}: non-finite output for finite input"
    high, low, scale = exact.exact(name, *arguments)
    scaled = float(np.max(exact.scaled_ulp(output, high, low, scale)))
    assert scaled <= 4, f"{name} on {kind}: {scaled:.2f} ulp of the scale"
    if kind == "well-conditioned":
        assert np.max(scale / np.abs(high)) <= 4
        plain = float(np.max(ulp_error(output, high, low)))
        assert plain <= 4, f"{name} on well-conditioned data: {plain:.2f} ulp"


@pytest.mark.parametrize("name", SAMPLE_KERNELS)
def test_one_sample_one_feature(name: str) -> None:
    X, w, y = np.array([[1.5]]), np.array([-0.75]), np.array([1.0])
    arguments = _arguments(name, X, w, y, y)
    high, low, _scale = exact.exact(name, *arguments)
    output = rk.KERNELS[name](*arguments)
    assert output.shape == high.shape
    assert float(np.max(ulp_error(output, high, low))) <= 1


def test_the_error_bound_grows_with_the_condition_number(record_property: pytest.RecordProperty) -> None:
    """Residuals that cancel (y near Xw) make the gradient ill-conditioned: the error stays within
    4 ulp of the scale, so within 4κ ulp of the value, and the plain error does grow with κ."""
    rng = np.random.default_rng(5)
    X = rng.uniform(0.5, 1.5, (400, 5))
    w = rng.uniform(0.5, 1.5, 5)
    plain_errors = []
    for exponent in range(0, 13, 3):
        y = X @ w - 10.0**-exponent * rng.uniform(0.5, 1.5, 400)  # residuals of size 10^-exponent
        high, low, scale = exact.exact("least_squares_grad", X, w, y)
        output = rk.least_squares_grad(X, w, y)
        kappa = float(np.max(scale / np.abs(high)))
        plain = float(np.max(ulp_error(output, high, low)))
        scaled = float(np.max(exact.scaled_ulp(output, high, low, scale)))
        record_property(f"kappa_1e{exponent}", f"κ = {kappa:.1e}: {plain:.1f} ulp, {scaled:.2f} ulp of the scale")
        assert scaled <= 4 and plain <= 8 * kappa, (kappa, plain, scaled)
        plain_errors.append(plain)
    assert plain_errors[0] <= 4 < plain_errors[-1], plain_errors  # well-conditioned first, ill-conditioned last


def test_elementwise_kernels_against_mpmath() -> None:
    rng = np.random.default_rng(2)
    cases = [
        rng.normal(0.0, 3.0, 500),
        rng.uniform(-800.0, 800.0, 500),
        rng.uniform(-1e300, 1e300, 50),
        rng.uniform(-100.0, 100.0, 500).astype(np.float32),
        np.array([0.0, -0.0, 1e-300, -1e-300, 36.0, -36.0, 37.5, -745.0, 709.0, 710.0]),
    ]
    for x in cases:
        for name in ("softplus", "log_sigmoid"):
            output = rk.KERNELS[name](x)
            high, low = getattr(exact, name)(x)
            assert output.dtype == x.dtype and output.shape == x.shape
            assert np.all(np.isfinite(output))
            normal = np.abs(high) >= np.finfo(x.dtype).smallest_normal
            errors = ulp_error(output, high, low)[normal]
            assert errors.max() <= 4, (name, x.dtype, errors.max())
            assert np.all(np.abs(output[~normal].astype(np.float64) - high[~normal]) <= 4 * np.finfo(x.dtype).tiny)


# -- derivatives ---------------------------------------------------------------------------------------------
def _in_w(name: str, X: np.ndarray, y: np.ndarray) -> tuple:
    """The kernel as a function of ``w`` alone, shaped for symcheck.numeric (one row)."""
    kernel = rk.kernel(name)
    if name == "least_squares_hessian":
        return lambda v: kernel(X)[0][None]
    arguments = (lambda v: (X, v[0])) if name == "logistic_hessian" else (lambda v: (X, v[0], y))
    return lambda v: kernel(*arguments(v))[0][None]


@pytest.mark.parametrize("method", ["central", "complex_step"])
@pytest.mark.parametrize("name", sorted(rk.DERIVATIVES))
def test_derivative_kernels_against_numeric_derivatives(name: str, method: str) -> None:
    function_name, _kind = rk.DERIVATIVES[name]
    rng = np.random.default_rng(4)
    X = rng.normal(size=(50, 4))
    y = (rng.random(50) < 0.5).astype(np.float64) if name.startswith("logistic") else rng.normal(size=50)
    w = rng.normal(size=(1, 4))
    function = _in_w(function_name, X, y)
    derivative = _in_w(name, X, y)
    result = check_derivative(function, lambda v: derivative(v.real), w, method=method, description=name)
    assert result.status == "verified", f"{name} ({method}): {result}"


def test_a_wrong_gradient_is_caught() -> None:
    rng = np.random.default_rng(6)
    X, y = rng.normal(size=(30, 3)), rng.normal(size=30)
    loss = _in_w("least_squares_loss", X, y)
    wrong = lambda v: (X.T @ (X @ v[0].real - y) / 15)[None]  # noqa: E731 (twice the gradient: 1/n, not 1/2n)
    assert check_derivative(loss, wrong, rng.normal(size=(1, 3))).status == "failed"


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=lambda d: np.dtype(d).name)
def test_softplus_and_log_sigmoid_differentiate_to_the_sigmoid(dtype: type) -> None:
    x = np.random.default_rng(8).normal(0.0, 3.0, (20, 1)).astype(dtype)
    for name, slope in (("softplus", lambda v: dk.sigmoid(v)), ("log_sigmoid", lambda v: dk.sigmoid(-v))):
        kernel = rk.kernel(name)  # the kernel object takes the complex step as well
        result = check_derivative(lambda v, f=kernel: f(v)[0], lambda v, s=slope: s(v.real)[..., None], x, rtol=1e-3)
        assert result.status == "verified", (name, result)


# -- edges: non-finite input follows SciPy -------------------------------------------------------------------
def test_non_finite_input_follows_scipy() -> None:
    special = pytest.importorskip("scipy.special", reason="SciPy is the reference of these conventions")
    x = np.array([np.nan, np.inf, -np.inf, 0.0, 800.0, -800.0])
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(rk.log_sigmoid(x), special.log_expit(x))
        np.testing.assert_array_equal(rk.softplus(x), -special.log_expit(-x))
        X = np.array([[1.0, 2.0], [np.inf, 1.0], [np.nan, 0.5], [3.0, -1.0]])
        w, y = np.array([0.5, -0.25]), np.array([1.0, 0.0, 1.0, 0.0])
        reference = X.T @ (special.expit(X @ w) - y) / 4
        ours = rk.logistic_grad(X, w, y)
    assert np.array_equal(np.isnan(ours), np.isnan(reference)), (ours, reference)


def test_large_logits_give_finite_results() -> None:
    """|Xw| of several hundred: σ saturates to 0 and 1, softplus does not overflow."""
    X = np.array([[800.0, 1.0], [-800.0, 1.0], [760.0, -2.0]])
    w, y = np.array([1.0, 0.5]), np.array([0.0, 1.0, 1.0])
    for name in ("logistic_loss", "logistic_grad", "logistic_hessian"):
        arguments = (X, w) if name == "logistic_hessian" else (X, w, y)
        high, low, _scale = exact.exact(name, *arguments)
        output = rk.KERNELS[name](*arguments)
        assert np.all(np.isfinite(output)), name
        normal = np.abs(high) >= np.finfo(np.float64).smallest_normal
        assert float(np.max(ulp_error(output, high, low)[normal], initial=0.0)) <= 4, name


# -- the generated program -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["least_squares_grad", "logistic_hessian"])
def test_generated_kernel_source(name: str, golden) -> None:
    golden.check(f"kernels/source/{name}.py", rk.kernel(name).source)


@pytest.mark.parametrize("rows", [1, 63, 64, 65, 1000, 70_001])
@pytest.mark.parametrize("name", SAMPLE_KERNELS)
def test_blocks_chunks_and_the_whole_array_reference_agree(name: str, rows: int) -> None:
    """Several blocks with a short tail, chunks of 64 rows with a remainder, against the printing."""
    data = _data("normal", np.float64, rows=rows, features=3, seed=rows)
    arguments = _arguments(name, *data)
    kernel = rk.kernel(name)
    (fast,) = kernel(*arguments)
    (reference,) = kernel.reference(*arguments)
    np.testing.assert_allclose(fast, reference, rtol=1e-11, atol=1e-13 * np.max(np.abs(reference)))


def test_bad_input_is_a_clear_error() -> None:
    X, w, y = np.ones((4, 3)), np.ones(3), np.zeros(4)
    cases = [
        (lambda: rk.least_squares_grad(np.ones(3), w, y), r"X must be a matrix \(n samples, d features\)"),
        (lambda: rk.least_squares_grad(np.ones((0, 3)), w, np.zeros(0)), r"empty batch"),
        (lambda: rk.least_squares_grad(X, np.ones(4), y), r"w must have shape \(3,\)"),
        (lambda: rk.least_squares_grad(X, w, np.zeros(5)), r"y must have the shape of X without its class axis"),
        (lambda: rk.logistic_grad(X, w, np.full(4, 1.5)), r"y must lie in \[0, 1\], found 1\.5"),
        (lambda: rk.logistic_loss(X, w, np.array([0, np.nan, 1, 0])), r"y contains NaN at index 1"),
        (lambda: rk.softplus(np.array(["a"])), r"x must be a real array"),
    ]
    for call, message in cases:
        with pytest.raises(ValueError, match=message):
            call()


def test_a_sum_over_the_rows_must_be_a_product_of_one_index_factors() -> None:
    from derivations import linear_regression as lr

    X, i, j, k, n, d = lr.X, lr.i, lr.j, lr.k, lr.n, lr.d
    arguments = (sk.ClassArray(X, "X"),)
    samples = sk.Samples(i, n)

    def build(expression: sp.Expr, indices: tuple) -> sk.Kernel:
        output = sk.Output("v", expression, indices)
        return sk.build_kernel(sk.KernelSpec("probe", arguments, (output,), bound=d, samples=samples), cache=False)

    with pytest.raises(sk.UnsupportedExpression, match="depends on two class indices"):
        build(sp.Sum(sp.KroneckerDelta(j, k) * X[i, j], (i, 1, n)), (j, k))
    with pytest.raises(sk.UnsupportedExpression, match="must run over every row"):
        build(sp.Sum(X[i, j], (i, 2, n)), (j,))
    with pytest.raises(sk.UnsupportedExpression, match="inside a sum over the rows"):
        build(X[i, j], (j,))
    with pytest.raises(sk.UnsupportedExpression, match="not summed over the rows"):
        build(2 * d, ())
    kernel = build(sp.Sum(X[i, j] ** 2, (i, 1, n)) / n, (j,))  # one factor along j: a column mean of squares
    values = np.arange(12.0).reshape(4, 3)
    np.testing.assert_allclose(kernel(values)[0], np.mean(values**2, axis=0), rtol=1e-15)
