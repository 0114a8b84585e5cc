"""NaN and infinite logits: every kernel against SciPy, one table of cases.

In the manner of einops' tests, the cases are data: :data:`KERNELS` pairs each kernel with its
SciPy reference (``scipy.special`` itself, or for the kernels SciPy lacks, the composition of
SciPy's functions the module docstring of ``derivations.kernels`` states), and :data:`ROWS` holds
the edge rows. Each pair runs on each row, in float32 and float64, with few classes (the
transposed layout) and many (the row-major one), beside a finite row that must be unaffected.
Outputs must agree in where they are NaN, where they are ±inf (with the sign) and, elsewhere,
in value.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import sympy as sp

import derivations.kernels as dk
import symcheck.kernels as sk

special = pytest.importorskip("scipy.special", reason="SciPy is the reference of these conventions (the bench extra)")

INF, NAN = np.inf, np.nan

ROWS: dict[str, tuple[float, ...]] = {
    "nan": (1.0, NAN, 2.0),
    "+inf": (1.0, INF, 2.0),
    "-inf": (1.0, -INF, 2.0),
    "all -inf": (-INF, -INF, -INF),
    "mixed": (INF, -INF, INF),
    "mixed with nan": (INF, NAN, -INF),
}
"""The first three classes of the edge row; other classes (when K > 3) repeat the last value."""


def _rows(name: str, classes: int, dtype: type) -> np.ndarray:
    """A batch of two rows: the edge row and a finite one."""
    head = list(ROWS[name])
    edge = head + [head[-1]] * (classes - len(head))
    finite = np.linspace(-2.0, 3.0, classes)
    return np.array([edge, finite], dtype=dtype)


def _softmax(z: np.ndarray) -> np.ndarray:
    return special.softmax(z, axis=-1)


def _weighted(weight: np.ndarray, value: np.ndarray) -> np.ndarray:
    """weight·value, a zero weight adding nothing (scipy.special.xlogy's convention)."""
    return np.where(weight == 0, 0.0, weight * value)


def _one_hot(z: np.ndarray, labels: np.ndarray) -> np.ndarray:
    return np.eye(z.shape[-1], dtype=z.dtype)[labels]


def _bce(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    return -(_weighted(y, special.log_expit(z)) + _weighted(1 - y, special.log_expit(-z)))


def _soft(z: np.ndarray) -> np.ndarray:
    return np.full(z.shape, 1 / z.shape[-1], dtype=z.dtype)


def _labels_at(position: int) -> Callable[[np.ndarray], np.ndarray]:
    return lambda z: np.full(z.shape[:-1], position)


def _tangent(z: np.ndarray) -> np.ndarray:
    return np.linspace(1.0, 2.0, z.shape[-1], dtype=z.dtype) * np.ones_like(z)


KERNELS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]] = {
    "softmax": (dk.softmax, _softmax),
    "log_softmax": (dk.log_softmax, lambda z: special.log_softmax(z, axis=-1)),
    "logsumexp": (dk.logsumexp, lambda z: special.logsumexp(z, axis=-1)),
    "sigmoid": (dk.sigmoid, special.expit),
    "cross_entropy, label at an edge class": (
        lambda z: dk.cross_entropy(z, _labels_at(1)(z), reduction="none"),
        lambda z: -special.log_softmax(z, axis=-1)[:, 1],
    ),
    "cross_entropy, label at a finite class": (
        lambda z: dk.cross_entropy(z, _labels_at(2)(z), reduction="none"),
        lambda z: -special.log_softmax(z, axis=-1)[:, 2],
    ),
    "cross_entropy, one-hot probabilities": (
        lambda z: dk.cross_entropy(z, _one_hot(z, _labels_at(2)(z)), reduction="none"),
        lambda z: -np.sum(_weighted(_one_hot(z, _labels_at(2)(z)), special.log_softmax(z, axis=-1)), axis=-1),
    ),
    "cross_entropy, soft labels": (
        lambda z: dk.cross_entropy(z, _soft(z), reduction="none"),
        lambda z: -np.sum(_weighted(_soft(z), special.log_softmax(z, axis=-1)), axis=-1),
    ),
    "cross_entropy, mean": (
        lambda z: dk.cross_entropy(z, _labels_at(2)(z)),
        lambda z: np.mean(-special.log_softmax(z, axis=-1)[:, 2]),
    ),
    "cross_entropy_grad, integer labels": (
        lambda z: dk.cross_entropy_grad(z, _labels_at(1)(z), reduction="none"),
        lambda z: _softmax(z) - _one_hot(z, _labels_at(1)(z)),
    ),
    "cross_entropy_grad, soft labels": (
        lambda z: dk.cross_entropy_grad(z, _soft(z)),
        lambda z: (_softmax(z) - _soft(z)) / z.shape[0],
    ),
    "bce_with_logits, y = 0": (
        lambda z: dk.bce_with_logits(z, np.zeros_like(z), reduction="none"),
        lambda z: _bce(z, np.zeros_like(z)),
    ),
    "bce_with_logits, y = 1": (
        lambda z: dk.bce_with_logits(z, np.ones_like(z), reduction="none"),
        lambda z: _bce(z, np.ones_like(z)),
    ),
    "bce_with_logits, y = 0.25": (
        lambda z: dk.bce_with_logits(z, np.full_like(z, 0.25), reduction="none"),
        lambda z: _bce(z, np.full_like(z, 0.25)),
    ),
    "bce_with_logits_grad, y = 1": (
        lambda z: dk.bce_with_logits_grad(z, np.ones_like(z), reduction="none"),
        lambda z: special.expit(z) - 1,
    ),
    "bce_with_logits_grad, y = 0.25, mean": (
        lambda z: dk.bce_with_logits_grad(z, np.full_like(z, 0.25)),
        lambda z: (special.expit(z) - 0.25) / z.size,
    ),
    "softmax_jacobian": (
        dk.softmax_jacobian,
        lambda z: _softmax(z)[..., :, None] * (np.eye(z.shape[-1]) - _softmax(z)[..., None, :]),
    ),
    "softmax_jvp": (
        lambda z: dk.softmax_jvp(z, _tangent(z)),
        lambda z: _softmax(z) * (_tangent(z) - np.sum(_softmax(z) * _tangent(z), axis=-1, keepdims=True)),
    ),
}


def assert_same_extended_reals(ours: np.ndarray, theirs: np.ndarray, dtype: type, what: str) -> None:
    """Same NaN positions, same infinities with their signs, and close finite values."""
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape}, SciPy {theirs.shape}"
    assert np.array_equal(np.isnan(ours), np.isnan(theirs)), f"{what}: NaN at {np.isnan(ours)}, SciPy {theirs}"
    infinite = np.isinf(theirs)
    assert np.array_equal(np.isinf(ours), infinite), f"{what}: ours {ours}, SciPy {theirs}"
    assert np.array_equal(ours[infinite], theirs[infinite]), f"{what}: ours {ours}, SciPy {theirs}"
    finite = np.isfinite(theirs)
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(ours[finite], theirs[finite], rtol=tolerance, atol=tolerance, err_msg=what)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("classes", [3, 40], ids=lambda k: f"K={k}")
@pytest.mark.parametrize("row", ROWS)
@pytest.mark.parametrize("kernel", KERNELS)
def test_edges_follow_scipy(kernel: str, row: str, classes: int, dtype: type) -> None:
    ours, reference = KERNELS[kernel]
    logits = _rows(row, classes, dtype)
    with np.errstate(all="ignore"):
        expected = reference(logits.astype(np.float64)).astype(dtype)
        result = ours(logits)
    assert np.asarray(result).dtype == dtype
    assert_same_extended_reals(result, expected, dtype, f"{kernel} on {row}")


@pytest.mark.parametrize("kernel", [name for name in KERNELS if "mean" not in name and "soft labels" not in name])
def test_a_finite_row_beside_an_edge_row_is_untouched(kernel: str) -> None:
    ours, _reference = KERNELS[kernel]
    for row in ROWS:
        batch = _rows(row, 5, np.float64)
        with np.errstate(all="ignore"):
            np.testing.assert_array_equal(np.asarray(ours(batch))[1], np.asarray(ours(batch[1:]))[0], err_msg=row)


def test_logsumexp_of_minus_infinity_is_minus_infinity() -> None:
    """The issue's example: SciPy gives -inf, not NaN."""
    assert dk.logsumexp(np.array([-np.inf, -np.inf])) == -np.inf
    assert dk.logsumexp(np.array([[-np.inf] * 30])) == -np.inf  # the row-major layout too
    assert dk.logsumexp(np.array([-np.inf, -np.inf], dtype=np.float32)).dtype == np.float32


def test_the_module_lists_its_kernels_only() -> None:
    """``__all__`` is the kernels; ``dir()`` adds their provenance, never symbols or modules."""
    assert sorted(dk.__all__) == sorted(dk.KERNELS)
    listed = set(dir(dk))
    assert listed == {*dk.KERNELS, "BOUNDARY", "DERIVATIVES", "KERNELS", "REWRITES", "SPECS", "kernel"}
    for internal in ("a", "i", "np", "sp", "zs", "ys", "n", "t", "rest", "Callable", "annotations"):
        assert internal not in listed
    namespace: dict[str, object] = {}
    exec("from derivations.kernels import *", namespace)
    assert sorted(name for name in namespace if not name.startswith("__")) == sorted(dk.KERNELS)


# -- the engine's side: boundary forms and Weighted, on specs of our own ------------------------------
def test_boundary_forms_take_the_rows_whose_pivot_is_not_finite() -> None:
    from derivations.notation import K, i, j, z

    pivot = dk.a
    stable = sp.exp(z[i] - z[pivot]) / sp.Sum(sp.exp(z[j] - z[pivot]), (j, 1, K))
    boundary = sp.Integer(7) + 0 * z[i]
    output = sk.Output("value", stable, (i,), boundary=boundary)
    spec = sk.KernelSpec("edge", (sk.ClassArray(z, "x"),), (output,), bound=K, pivots=(sk.Pivot(pivot, z),))
    kernel = sk.build_kernel(spec, cache=False)
    for classes in (3, 40):
        logits = np.zeros((4, classes))
        logits[1, 0], logits[2, :], logits[3, 1] = np.inf, -np.inf, -np.inf
        with np.errstate(all="ignore"):
            (value,) = kernel(logits)
        np.testing.assert_array_equal(value[1:3], 7.0)  # +inf and all -inf: the boundary form
        np.testing.assert_allclose(value[0], 1 / classes)
        assert value[3, 1] == 0 and np.isclose(value[3].sum(), 1)  # a masked class: the stable form


def test_weighted_is_the_product_with_zero_weights_adding_nothing() -> None:
    from derivations.notation import K, i, y, z
    from symcheck.kernels._rewrite import _prover_form

    assert _prover_form(sk.Weighted(y[i], z[i])) == y[i] * z[i]
    assert sk.Weighted(0, z[i]) == 0 and sk.Weighted(1, z[i]) == z[i]
    total = sp.Sum(sk.Weighted(y[i], -z[i]), (i, 1, K))
    spec = sk.KernelSpec("weighted", (sk.ClassArray(z, "x"), sk.ClassArray(y, "w")), (sk.Output("v", total),), bound=K)
    kernel = sk.build_kernel(spec, cache=False)
    logits = np.array([[-np.inf, 1.0, 2.0], [-np.inf, 1.0, 2.0]])
    weights = np.array([[0.0, 0.5, 0.5], [0.5, 0.5, 0.0]])
    for layout in ("rows", "columns"):
        (value,) = kernel(logits, weights, layout=layout)
        assert value[0] == -1.5 and value[1] == np.inf, layout
    (reference,) = kernel.reference(logits, weights)
    assert reference[0] == -1.5 and reference[1] == np.inf


def test_a_boundary_form_needs_a_way_to_find_its_rows() -> None:
    from derivations.notation import K, i, z

    output = sk.Output("value", 2 * z[i], (i,), boundary=z[i])
    with pytest.raises(sk.UnsupportedExpression, match="neither a pivot nor elementwise arguments"):
        sk.build_kernel(sk.KernelSpec("lost", (sk.ClassArray(z, "x"),), (output,), bound=K), cache=False)
