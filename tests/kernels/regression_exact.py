"""Exact values of the regression kernels (mpmath, 50 digits) with the scale of each sum, for ulp bounds.

Written from the definitions, independently of the generated code. Each function returns
``(high, low, scale)``: the exact value as a double-double and the *scale* of the sum over the
samples, the size its rounding errors are proportional to. With ``ρ_i = Σ_l |X_il w_l|`` (the
scale of the logit ``s_i``, whose inner product BLAS rounds), ``g_i`` the per-sample factor and
``c_i = σ(s_i)(1 - σ(s_i))`` its derivative:

* least squares: loss ``Σ (|r_i| + ρ_i + |y_i|)²/2n``; gradient ``Σ |X_ij| (|r_i| + ρ_i + |y_i|)/n``;
  Hessian ``Σ |X_ij X_ik|/n``;
* logistic: loss ``Σ (ℓ_i + |g_i| ρ_i)/n``; gradient ``Σ |X_ij| (|g_i| + c_i ρ_i)/n``; Hessian
  ``Σ |X_ij X_ik| c_i (1 + ρ_i)/n``.

The condition number of an entry is ``scale / |value|``; an error of ``e`` ulp of the scale is at
most ``e·κ`` (to within a factor 2 of binade) ulp of the value.
"""

from __future__ import annotations

from typing import Any

import mpmath
import numpy as np

mpmath.mp.dps = 50


def _mp(array: np.ndarray) -> list[Any]:
    return [mpmath.mpf(float(value)) for value in np.asarray(array, dtype=np.float64).reshape(-1)]


def split(values: list[Any], shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    high = np.array([float(value) for value in values], dtype=np.float64)
    low = np.array(
        [float(value - mpmath.mpf(h)) if np.isfinite(h) else 0.0 for value, h in zip(values, high, strict=True)]
    )
    return high.reshape(shape), low.reshape(shape)


class Samples:
    """Per-sample exact quantities of ``X (n, d)``, ``w (d,)`` and ``y (n,)``."""

    def __init__(self, X: np.ndarray, w: np.ndarray, y: np.ndarray | None = None) -> None:
        self.n, self.d = X.shape
        flat = _mp(X)
        self.X = [flat[row * self.d : (row + 1) * self.d] for row in range(self.n)]
        self.w = _mp(w)
        self.y = _mp(y) if y is not None else [mpmath.mpf(0)] * self.n
        self.s = [mpmath.fsum(x * v for x, v in zip(row, self.w, strict=True)) for row in self.X]
        self.rho = [mpmath.fsum(abs(x * v) for x, v in zip(row, self.w, strict=True)) for row in self.X]

    def _total(self, terms: list[Any]) -> Any:
        return mpmath.fsum(terms) / self.n

    def vector(self, weights: list[Any], scales: list[Any]) -> tuple[list[Any], list[Any]]:
        values = [self._total([g * row[j] for g, row in zip(weights, self.X, strict=True)]) for j in range(self.d)]
        sizes = [self._total([c * abs(row[j]) for c, row in zip(scales, self.X, strict=True)]) for j in range(self.d)]
        return values, sizes

    def matrix(self, weights: list[Any], scales: list[Any]) -> tuple[list[Any], list[Any]]:
        values, sizes = [], []
        for j in range(self.d):
            for k in range(self.d):
                values.append(self._total([c * row[j] * row[k] for c, row in zip(weights, self.X, strict=True)]))
                sizes.append(self._total([c * abs(row[j] * row[k]) for c, row in zip(scales, self.X, strict=True)]))
        return values, sizes


def _sigmoid(x: Any) -> Any:
    return 1 / (1 + mpmath.exp(-x))


def _result(values: list[Any], sizes: list[Any], shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    high, low = split(values, shape)
    return high, low, np.array([float(size) for size in sizes]).reshape(shape)


def least_squares(
    name: str,
    X: np.ndarray,
    w: np.ndarray | None = None,
    y: np.ndarray | None = None,
) -> tuple[np.ndarray, ...]:
    """The least-squares ``loss``, ``grad`` or ``hessian`` (which needs ``X`` alone)."""
    if w is None:
        w = np.zeros(X.shape[1])
    data = Samples(X, w, y)
    residual = [s - target for s, target in zip(data.s, data.y, strict=True)]
    spread = [abs(r) + rho + abs(target) for r, rho, target in zip(residual, data.rho, data.y, strict=True)]
    if name == "loss":
        values = [data._total([r * r for r in residual]) / 2]
        return _result(values, [data._total([size * size for size in spread]) / 2], ())
    if name == "grad":
        return _result(*data.vector(residual, spread), (data.d,))
    ones = [mpmath.mpf(1)] * data.n
    return _result(*data.matrix(ones, ones), (data.d, data.d))


def logistic(name: str, X: np.ndarray, w: np.ndarray, y: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    data = Samples(X, w, y)
    up = [_sigmoid(s) for s in data.s]
    down = [_sigmoid(-s) for s in data.s]
    factor = [(1 - target) * p - target * q for p, q, target in zip(up, down, data.y, strict=True)]
    curvature = [p * q for p, q in zip(up, down, strict=True)]
    if name == "loss":
        # (1 - y) s + log1p(e^-s) for s >= 0, log1p(e^s) - y s below: no cancellation at 50 digits
        losses = [
            (max(s, 0) - target * s) + mpmath.log1p(mpmath.exp(-abs(s)))
            for s, target in zip(data.s, data.y, strict=True)
        ]
        sizes = [loss + abs(g) * rho for loss, g, rho in zip(losses, factor, data.rho, strict=True)]
        return _result([data._total(losses)], [data._total(sizes)], ())
    if name == "grad":
        scales = [abs(g) + c * rho for g, c, rho in zip(factor, curvature, data.rho, strict=True)]
        return _result(*data.vector(factor, scales), (data.d,))
    scales = [c * (1 + rho) for c, rho in zip(curvature, data.rho, strict=True)]
    return _result(*data.matrix(curvature, scales), (data.d, data.d))


def softplus(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    values = [max(v, 0) + mpmath.log1p(mpmath.exp(-abs(v))) for v in _mp(x)]
    return split(values, np.shape(x))


def log_sigmoid(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    values = [min(v, 0) - mpmath.log1p(mpmath.exp(-abs(v))) for v in _mp(x)]
    return split(values, np.shape(x))


def exact(kernel: str, *arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """``(high, low, scale)`` for a regression kernel by name (``least_squares_grad``, ...)."""
    family, _, part = kernel.rpartition("_")
    if family == "least_squares":
        return least_squares(part, *arrays)
    return logistic(part, *arrays)


def scaled_ulp(output: np.ndarray, high: np.ndarray, low: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """``|output - exact|`` in ulp (of the output's dtype) of the scale of the sum."""
    unit = np.spacing(np.asarray(scale, dtype=np.asarray(output).dtype)).astype(np.float64)
    unit = np.maximum(unit, np.spacing(np.finfo(np.asarray(output).dtype).smallest_normal))
    return np.abs((np.asarray(output, dtype=np.float64) - high) - low) / unit
