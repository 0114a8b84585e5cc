"""The regression topics: every derivation is proved for symbolic n and d with no undecided or merely
probed step, its numeric checks pass, and the importable results agree with NumPy computed here."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pytest
import sympy as sp

import symcheck
from symcheck import registry
from symcheck.verify import verify

GENERAL = {
    "linear_regression.gradient",
    "linear_regression.hessian",
    "linear_regression.normal_equations",
    "linear_regression.ridge",
    "logistic_regression.gradient",
    "logistic_regression.hessian",
}
SCALAR = {"logistic_regression.sigmoid", "logistic_regression.tanh"}


@pytest.fixture(scope="module")
def reports():
    registry.load_entry_points()
    return {name: verify(registry.build(name)) for name in sorted(GENERAL | SCALAR)}


def test_the_topics_are_registered() -> None:
    registry.load_entry_points()
    names = {entry.name for entry in registry.entries()}
    assert names >= GENERAL | SCALAR
    import derivations

    assert {"linear_regression", "logistic_regression"} <= set(derivations.TOPICS)


@pytest.mark.parametrize("name", sorted(GENERAL | SCALAR))
def test_verified_with_every_step_proved(reports, name: str) -> None:
    report = reports[name]
    assert report.status == "verified", report.to_text(verbose=True)
    for step in report.steps:
        assert step.status in ("verified", "given"), f"{name} step {step.index}: {step.status} ({step.method})"
        if step.status == "verified":
            assert step.confidence == 1.0, f"{name} step {step.index} accepted without a proof: {step.method}"
    assert report.result is not None and report.result.confidence == 1.0
    assert report.checks, f"{name} has no numeric check"
    for check in report.checks:
        assert check.status == "verified", f"{name}: {check}"
        if check.kind in ("finite_difference", "reference"):
            assert check.max_error is not None and check.max_error <= check.tolerance


@pytest.mark.parametrize("name", sorted(GENERAL))
def test_proved_for_symbolic_n_and_d(reports, name: str) -> None:
    report = reports[name]
    assert report.general_k
    assert set(report.general_sizes) >= {"n", "d"}, report.general_sizes


@pytest.mark.parametrize("topic", ["linear_regression", "logistic_regression"])
def test_docstring_examples_run(topic: str) -> None:
    module = importlib.import_module(f"derivations.{topic}")
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0
    for name in module.__all__:
        assert isinstance(getattr(module, name), (sp.Basic, sp.FunctionClass, symcheck.Definition)), name


# ----------------------------------------------------------- results against NumPy, computed here


def _data(seed: int, samples: int = 5, features: int = 3):
    rng = np.random.default_rng(seed)
    return rng.normal(0, 1, (samples, features)), rng.normal(0, 1, features), rng.normal(0, 1, samples)


def _explicit(matrix: sp.Basic, X: np.ndarray, w: np.ndarray, y: np.ndarray, lam: float = 0.0) -> np.ndarray:
    """A matrix-form result evaluated with explicit matrices by plain SymPy (no symcheck)."""
    from derivations import linear_regression as lr

    samples, features = X.shape
    concrete = matrix.subs({lr.n: samples, lr.d: features}).xreplace(
        {
            sp.MatrixSymbol("X", samples, features): sp.ImmutableMatrix(X),
            sp.MatrixSymbol("w", features, 1): sp.ImmutableMatrix(w.reshape(-1, 1)),
            sp.MatrixSymbol("y", samples, 1): sp.ImmutableMatrix(y.reshape(-1, 1)),
            lr.lam: lam,
        }
    )
    return np.array(sp.N(concrete.doit().as_explicit()), dtype=float)


def _index_function(entry: sp.Expr, *free: sp.Symbol):
    from derivations import linear_regression as lr
    from derivations import logistic_regression as lg

    concrete = entry.replace(lg.sigma, sp.Lambda(lg.z, 1 / (1 + sp.exp(-lg.z))))
    return sp.lambdify([lr.X, lr.w, lr.y, *free, lr.n, lr.d, lr.lam], concrete, modules="numpy")


def _padded(array: np.ndarray) -> np.ndarray:
    """Indices start at 1 in the formulas: pad position 0."""
    if array.ndim == 1:
        return np.concatenate([[np.nan], array])
    padded = np.full((array.shape[0] + 1, array.shape[1] + 1), np.nan)
    padded[1:, 1:] = array
    return padded


def _loss(X: np.ndarray, w: np.ndarray, y: np.ndarray) -> float:
    return float(np.sum((X @ w - y) ** 2) / (2 * len(y)))


def _central(f, w: np.ndarray, position: int, h: float = 1e-6) -> float:
    plus, minus = w.copy(), w.copy()
    plus[position] += h
    minus[position] -= h
    return (f(plus) - f(minus)) / (2 * h)


@pytest.mark.parametrize("seed", [1, 2])
def test_least_squares_gradient_and_hessian_match_numpy(seed: int) -> None:
    from derivations import linear_regression as lr

    X, w, y = _data(seed)
    gradient = _index_function(lr.gradient_entry, lr.j)
    hessian = _index_function(lr.hessian_entry, lr.j, lr.k)
    matrix = _explicit(lr.gradient_matrix, X, w, y).ravel()
    for j in range(1, X.shape[1] + 1):
        numeric = _central(lambda u: _loss(X, u, y), w, j - 1)
        claimed = gradient(_padded(X), _padded(w), _padded(y), j, *X.shape, 0.0)
        assert claimed == pytest.approx(numeric, abs=1e-7)
        assert matrix[j - 1] == pytest.approx(numeric, abs=1e-7)
        for k in range(1, X.shape[1] + 1):
            assert hessian(_padded(X), _padded(w), _padded(y), j, k, *X.shape, 0.0) == pytest.approx(
                (X.T @ X)[j - 1, k - 1] / X.shape[0]
            )
    assert np.linalg.eigvalsh(_explicit(lr.hessian_matrix, X, w, y)).min() >= -1e-12


def test_ols_and_ridge_solutions_match_numpy() -> None:
    from derivations import linear_regression as lr

    X, w, y = _data(3, samples=7, features=3)
    ols = _explicit(lr.ols_solution, X, w, y).ravel()
    assert ols == pytest.approx(np.linalg.lstsq(X, y, rcond=None)[0])
    lam = 0.5
    ridge = _explicit(lr.ridge_solution, X, w, y, lam).ravel()
    assert ridge == pytest.approx(np.linalg.solve(X.T @ X + len(y) * lam * np.eye(3), X.T @ y))
    # the ridge gradient of L + (λ/2)‖w‖² vanishes there (the 1/2n convention)
    loss = lambda u: _loss(X, u, y) + lam / 2 * float(u @ u)  # noqa: E731
    for j in range(3):
        assert _central(loss, ridge, j) == pytest.approx(0, abs=1e-7)


def _sigmoid(t: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-t))


@pytest.mark.parametrize("seed", [4, 5])
def test_logistic_gradient_and_hessian_match_numpy(seed: int) -> None:
    from derivations import logistic_regression as lg

    X, w, _ = _data(seed)
    y = (np.random.default_rng(seed).random(X.shape[0]) < 0.5).astype(float)

    def loss(u: np.ndarray) -> float:
        p = _sigmoid(X @ u)
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))

    gradient = _index_function(lg.logistic_gradient_entry, lg.j)
    hessian = _index_function(lg.logistic_hessian_entry, lg.j, lg.k)
    for j in range(1, X.shape[1] + 1):
        assert gradient(_padded(X), _padded(w), _padded(y), j, *X.shape, 0.0) == pytest.approx(
            _central(loss, w, j - 1), abs=1e-7
        )
        for k in range(1, X.shape[1] + 1):
            numeric = _central(
                lambda u, j=j: float(gradient(_padded(X), _padded(u), _padded(y), j, *X.shape, 0.0)), w, k - 1
            )
            assert hessian(_padded(X), _padded(w), _padded(y), j, k, *X.shape, 0.0) == pytest.approx(numeric, abs=1e-6)
    p = _sigmoid(X @ w)
    H = X.T @ np.diag(p * (1 - p)) @ X / len(y)
    assert np.linalg.eigvalsh(H).min() >= -1e-12


def test_sigmoid_and_tanh_derivatives() -> None:
    from derivations import logistic_regression as lg

    z = lg.z
    sigma = sp.Lambda(z, 1 / (1 + sp.exp(-z)))
    derivative = sp.lambdify(z, lg.sigmoid_derivative.replace(lg.sigma, sigma))
    grid = np.linspace(-8, 8, 1601)
    values = derivative(grid)
    assert values.max() == pytest.approx(float(lg.sigmoid_derivative_max))
    assert grid[values.argmax()] == pytest.approx(float(lg.sigmoid_derivative_argmax), abs=1e-12)
    assert np.all(values <= 0.25 + 1e-15)
    assert sp.diff(sp.tanh(z), z) == lg.tanh_derivative
    tanh_from_sigmoid = sp.lambdify(z, lg.tanh_identity.rhs.replace(lg.sigma, sigma))
    assert tanh_from_sigmoid(grid) == pytest.approx(np.tanh(grid), abs=1e-14)
    via_sigmoid = sp.lambdify(z, lg.tanh_derivative_sigmoid.replace(lg.sigma, sigma))
    assert via_sigmoid(grid) == pytest.approx(1 - np.tanh(grid) ** 2, abs=1e-14)
