"""The derivation library: everything verifies, general-K proofs are marked, and the importable
results agree with finite differences computed here with NumPy alone."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pytest
import sympy as sp

from symcheck import registry
from symcheck.verify import verify_all

EXPECTED = {
    "bce": {
        "bce.likelihood",
        "bce.mse_is_gaussian",
        "bce.sigmoid_gradients",
        "bce.convexity",
        "bce.with_logits",
    },
    "softmax": {
        "softmax.jacobian",
        "softmax.jacobian_matrix",
        "softmax.shift_invariance",
        "softmax.max_shift",
        "softmax.log_softmax",
    },
    "cross_entropy": {"cross_entropy.gradient", "cross_entropy.chain_rule", "cross_entropy.one_hot"},
    "regularization": {"regularization.weight_decay", "regularization.toward_zero", "regularization.ridge_shrinkage"},
    "mlp": {"mlp.shapes", "mlp.leaky_relu", "mlp.backprop_output", "mlp.backprop_hidden"},
}
GENERAL_K = {"softmax.jacobian", "cross_entropy.gradient", "softmax.shift_invariance"}


@pytest.fixture(scope="module")
def report():
    registry.load_entry_points()
    return verify_all(jobs=2)


def test_every_topic_is_registered() -> None:
    registry.load_entry_points()
    names = {entry.name for entry in registry.entries()}
    for topic, expected in EXPECTED.items():
        assert expected <= names, f"{topic}: missing {sorted(expected - names)}"


def test_everything_verifies_with_no_undecided_step(report) -> None:
    problems = [item.to_text(verbose=True) for item in report.derivations if item.status != "verified"]
    assert not problems, "\n".join(problems)
    for item in report.derivations:
        for step in item.steps:
            assert step.status in ("verified", "given"), f"{item.name} step {step.index}: {step.status}"
        assert item.checks or item.name in {
            "softmax.max_shift",
            "regularization.toward_zero",
            "regularization.ridge_shrinkage",
            "mlp.shapes",
            "bce.likelihood",
            "bce.mse_is_gaussian",
        }, f"{item.name} has no numeric check"


def test_general_k_results_are_marked(report) -> None:
    marked = {item.name for item in report.derivations if item.general_k}
    assert marked >= GENERAL_K


def test_every_numeric_check_reports_its_error(report) -> None:
    for item in report.derivations:
        for check in item.checks:
            assert check.status == "verified", f"{item.name}: {check}"
            if check.kind in ("finite_difference", "reference"):
                assert check.max_error is not None and check.max_error <= (check.tolerance or 0), (item.name, check)


@pytest.mark.parametrize("topic", sorted(EXPECTED))
def test_topic_docstring_examples_run(topic: str) -> None:
    module = importlib.import_module(f"derivations.{topic}")
    assert module.__doc__ and ">>>" in module.__doc__, f"derivations.{topic} has no example in its docstring"
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0


# ----------------------------------------------------------- results against NumPy finite differences


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


def _central(f, z: np.ndarray, position: int, h: float = 1e-6) -> float:
    plus, minus = z.copy(), z.copy()
    plus[position] += h
    minus[position] -= h
    return (f(plus) - f(minus)) / (2 * h)


def _lambdify_general(expr: sp.Expr, *names: sp.Basic):
    return sp.lambdify(list(names), expr, modules="numpy")


@pytest.mark.parametrize("size", [2, 3, 5])
def test_imported_jacobian_matches_numpy_differences(size: int) -> None:
    from derivations import softmax
    from derivations.notation import K, i, k, z

    entry = _lambdify_general(softmax.jacobian_explicit, z, i, k, K)
    rng = np.random.default_rng(size)
    for scale in (1.0, 8.0):
        logits = rng.normal(0, scale, size)
        padded = np.concatenate([[np.nan], logits])
        for row in range(1, size + 1):
            for column in range(1, size + 1):
                numeric = _central(lambda v, r=row: _softmax(v)[r - 1], logits, column - 1)
                assert entry(padded, row, column, size) == pytest.approx(numeric, abs=1e-7)


@pytest.mark.parametrize("size", [2, 4])
def test_imported_cross_entropy_gradient_matches_numpy_differences(size: int) -> None:
    from derivations import cross_entropy
    from derivations.notation import K, k, y, z

    gradient = _lambdify_general(cross_entropy.gradient_explicit, z, y, k, K)
    rng = np.random.default_rng(10 + size)
    logits = rng.normal(0, 3, size)
    labels = rng.dirichlet(np.ones(size))
    loss = lambda v: -float(np.sum(labels * np.log(_softmax(v))))  # noqa: E731
    for position in range(1, size + 1):
        claimed = gradient(np.concatenate([[np.nan], logits]), np.concatenate([[np.nan], labels]), position, size)
        assert claimed == pytest.approx(_central(loss, logits, position - 1), abs=1e-7)


def test_imported_bce_gradients_match_numpy_differences() -> None:
    from derivations import bce
    from derivations.notation import y_scalar, z_scalar

    grad_bce = sp.lambdify([z_scalar, y_scalar], bce.gradient_bce)
    grad_mse = sp.lambdify([z_scalar, y_scalar], bce.gradient_mse)
    sigmoid = lambda t: 1 / (1 + np.exp(-t))  # noqa: E731
    for z0 in (-6.0, -0.3, 0.0, 2.5, 9.0):
        for y0 in (0.0, 1.0, 0.3):
            loss_bce = lambda t, y0=y0: -(y0 * np.log(sigmoid(t)) + (1 - y0) * np.log(1 - sigmoid(t)))  # noqa: E731
            loss_mse = lambda t, y0=y0: (sigmoid(t) - y0) ** 2  # noqa: E731
            h = 1e-6
            assert grad_bce(z0, y0) == pytest.approx((loss_bce(z0 + h) - loss_bce(z0 - h)) / (2 * h), abs=1e-6)
            assert grad_mse(z0, y0) == pytest.approx((loss_mse(z0 + h) - loss_mse(z0 - h)) / (2 * h), abs=1e-6)


def test_imported_backprop_matches_a_numpy_network() -> None:
    """δ2 A1ᵀ and δ1 = (W2ᵀδ2) ⊙ g′(Z1) as NumPy matrices against differences of the NumPy loss."""
    rng = np.random.default_rng(3)
    K, m, D_a, D_x = 3, 4, 5, 2
    X, W1, b1 = rng.normal(size=(D_x, m)), rng.normal(size=(D_a, D_x)), rng.normal(size=(D_a, 1))
    W2, b2 = rng.normal(size=(K, D_a)), rng.normal(size=(K, 1))
    Y = np.eye(K)[:, rng.integers(0, K, m)]

    def forward(W1, W2):
        Z1 = W1 @ X + b1
        A1 = np.maximum(Z1, 0.01 * Z1)
        Z2 = W2 @ A1 + b2
        E = np.exp(Z2 - Z2.max(axis=0))
        Yhat = E / E.sum(axis=0)
        return Z1, A1, Yhat, -np.sum(Y * np.log(Yhat)) / m

    Z1, A1, Yhat, _ = forward(W1, W2)
    delta2 = (Yhat - Y) / m
    delta1 = (W2.T @ delta2) * np.where(Z1 > 0, 1.0, 0.01)
    for weights, gradient, which in ((W2, delta2 @ A1.T, 2), (W1, delta1 @ X.T, 1)):
        for index in np.ndindex(weights.shape):
            plus, minus = weights.copy(), weights.copy()
            plus[index] += 1e-6
            minus[index] -= 1e-6
            if which == 2:
                numeric = (forward(W1, plus)[3] - forward(W1, minus)[3]) / 2e-6
            else:
                numeric = (forward(plus, W2)[3] - forward(minus, W2)[3]) / 2e-6
            assert gradient[index] == pytest.approx(numeric, abs=1e-6)
    from derivations import mlp

    assert str(mlp.matrix_form["grad_W2"]) == "delta2*A1.T" and str(mlp.matrix_form["grad_W1"]) == "delta1*X.T"
