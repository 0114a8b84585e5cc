"""Speed, accuracy and build time of ``derivations.kernels`` against the best NumPy peers.

Speed: each kernel is timed in the same run as a hand-written stable NumPy kernel (max, subtract,
exp, sum, divide), ``scipy.special`` and PyTorch CPU (one thread, like NumPy) when installed. The
candidates are interleaved repeat by repeat, so machine noise hits all of them alike, and each is
reported as the median time and the median of its per-repeat ratio to the hand-written kernel.
Every candidate returns a freshly allocated result, as a user's call would.

Accuracy: errors in ulp of the output dtype against mpmath at 50 digits, on N(0, 3) logits and on
extreme inputs (±1e4, ±710, ±1e300, float32 ±100, mixed float32/float64 either way, soft labels at
K = 10 and 1000, a one-hot label whose probability underflows). "ulp" is the largest error over
outputs in the normal range of the dtype; "bad" counts non-finite outputs for finite inputs.

Build: seconds to generate and compile each kernel once its rewrites are proved (cached), and
the first proof of its rewrites with an empty verdict cache.

    python benchmarks/kernels.py [--quick] [--repeats R] [--no-write] [--only NAME ...]

writes its section of ``benchmarks/RESULTS.md`` (between the ``kernels`` markers).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import mpmath
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import derivations.kernels as dk  # noqa: E402
import symcheck.kernels as sk  # noqa: E402
from symcheck.numeric import ulp_error  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_section  # noqa: E402

try:
    import scipy.special as special
except ImportError:  # scipy is an optional peer (the "bench" extra)
    special = None
try:
    import torch
    import torch.nn.functional as functional

    torch.set_num_threads(1)
except ImportError:  # torch is an optional peer
    torch = None

TARGET_RATIO = 0.9
SPEED_TARGETS = ("softmax", "log_softmax", "cross_entropy", "cross_entropy_grad")


# -- hand-written stable NumPy: the baseline of the speed target ---------------------------------------
def np_softmax(x: np.ndarray) -> np.ndarray:
    m = x.max(axis=-1, keepdims=True)
    e = np.exp(x - m)
    return e / e.sum(axis=-1, keepdims=True)


def np_log_softmax(x: np.ndarray) -> np.ndarray:
    m = x.max(axis=-1, keepdims=True)
    shifted = x - m
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def np_logsumexp(x: np.ndarray) -> np.ndarray:
    m = x.max(axis=-1, keepdims=True)
    return (m + np.log(np.exp(x - m).sum(axis=-1, keepdims=True)))[..., 0]


def np_cross_entropy(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    if labels.shape == x.shape:
        return -(labels * np_log_softmax(x)).sum(axis=-1).mean()
    lse = np_logsumexp(x)
    return (lse - np.take_along_axis(x, labels[..., None], axis=-1)[..., 0]).mean()


def np_cross_entropy_grad(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    p = np_softmax(x)
    rows = int(np.prod(x.shape[:-1]))
    if labels.shape == x.shape:
        return (p - labels) / rows
    np.put_along_axis(p, labels[..., None], np.take_along_axis(p, labels[..., None], axis=-1) - 1, axis=-1)
    return p / rows


def np_sigmoid(x: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1, e) / (1 + e)


def np_bce(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (np.maximum(x, 0) - x * y + np.log1p(np.exp(-np.abs(x)))).mean()


def np_bce_grad(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (np_sigmoid(x) - y) / x.size


def np_jacobian(x: np.ndarray) -> np.ndarray:
    p = np_softmax(x)
    return p[..., :, None] * (np.eye(x.shape[-1]) - p[..., None, :])


def np_jvp(x: np.ndarray, v: np.ndarray) -> np.ndarray:
    p = np_softmax(x)
    return p * (v - (p * v).sum(axis=-1, keepdims=True))


# -- peers ----------------------------------------------------------------------------------------------
def _torch_call(function: Callable[..., Any]) -> Callable[..., np.ndarray]:
    def call(*arrays: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return function(*(torch.from_numpy(np.ascontiguousarray(array)) for array in arrays)).numpy()

    return call


def _torch_ce(x: Any, labels: Any) -> Any:
    return functional.cross_entropy(x, labels if labels.dtype.is_floating_point else labels.long())


def _torch_ce_grad(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    logits = torch.from_numpy(x).requires_grad_(True)
    target = torch.from_numpy(labels)
    functional.cross_entropy(logits, target if target.dtype.is_floating_point else target.long()).backward()
    return logits.grad.numpy()


def _torch_bce_grad(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    logits = torch.from_numpy(x).requires_grad_(True)
    functional.binary_cross_entropy_with_logits(logits, torch.from_numpy(y)).backward()
    return logits.grad.numpy()


def peers(name: str) -> dict[str, Callable[..., Any]]:
    """The candidates for kernel ``name``: ours, hand-written NumPy, SciPy and PyTorch if present."""
    table: dict[str, dict[str, Callable[..., Any] | None]] = {
        "softmax": {
            "numpy": np_softmax,
            "scipy": special and (lambda x: special.softmax(x, axis=-1)),
            "torch": torch and _torch_call(lambda t: torch.softmax(t, -1)),
        },
        "log_softmax": {
            "numpy": np_log_softmax,
            "scipy": special and (lambda x: special.log_softmax(x, axis=-1)),
            "torch": torch and _torch_call(lambda t: torch.log_softmax(t, -1)),
        },
        "logsumexp": {
            "numpy": np_logsumexp,
            "scipy": special and (lambda x: special.logsumexp(x, axis=-1)),
            "torch": torch and _torch_call(lambda t: torch.logsumexp(t, -1)),
        },
        "cross_entropy": {"numpy": np_cross_entropy, "torch": torch and _torch_call(_torch_ce)},
        "cross_entropy_grad": {"numpy": np_cross_entropy_grad, "torch (autograd)": torch and _torch_ce_grad},
        "sigmoid": {
            "numpy": np_sigmoid,
            "scipy": special and special.expit,
            "torch": torch and _torch_call(torch.sigmoid),
        },
        "bce_with_logits": {
            "numpy": np_bce,
            "torch": torch and _torch_call(functional.binary_cross_entropy_with_logits),
        },
        "bce_with_logits_grad": {"numpy": np_bce_grad, "torch (autograd)": torch and _torch_bce_grad},
        "softmax_jacobian": {"numpy": np_jacobian},
        "softmax_jvp": {
            "numpy": np_jvp,
            "torch (func.jvp)": torch
            and _torch_call(lambda t, u: torch.func.jvp(lambda w: torch.softmax(w, -1), (t,), (u,))[1]),
        },
    }
    found = {"symcheck": dk.KERNELS[name]}
    found.update({peer: function for peer, function in table[name].items() if function})
    return found


# -- timing ---------------------------------------------------------------------------------------------
def interleaved(candidates: dict[str, Callable[[], Any]], repeats: int) -> dict[str, list[float]]:
    """Seconds per call of each candidate, the candidates taking turns within every repeat."""
    for function in candidates.values():
        function()  # warm up: builds kernels, loads code paths
    times: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(repeats):
        for name, function in candidates.items():
            gc.collect()
            started = time.perf_counter()
            result = function()
            times[name].append(time.perf_counter() - started)
            del result
    return times


def speed_inputs(name: str, rows: int, classes: int, rng: np.random.Generator) -> tuple[str, tuple[np.ndarray, ...]]:
    logits = rng.normal(0.0, 3.0, size=(rows, classes))
    if name in ("sigmoid",):
        return f"{rows}x{classes}", (logits,)
    if name.startswith("bce"):
        return f"{rows}x{classes}", (logits, (rng.random(logits.shape) < 0.5).astype(np.float64))
    if name.startswith("cross_entropy"):
        return f"N={rows:.0e} K={classes}", (logits, rng.integers(0, classes, size=rows))
    if name == "softmax_jvp":
        return f"N={rows:.0e} K={classes}", (logits, rng.normal(size=logits.shape))
    return f"N={rows:.0e} K={classes}", (logits,)


def speed(names: list[str], shapes: list[tuple[int, int]], repeats: int) -> list[dict[str, Any]]:
    rng = np.random.default_rng(0)
    table = []
    for name in names:
        for rows, classes in shapes:
            if name == "softmax_jacobian":
                rows = max(1, min(rows, 10**7 // classes**2))
            label, arrays = speed_inputs(name, rows, classes, rng)
            variants = [(label, arrays, name in SPEED_TARGETS)]
            if name.startswith("cross_entropy"):  # soft labels: recorded beside the targeted integer labels
                soft = rng.random(arrays[0].shape)
                variants.append((f"{label}, soft labels", (arrays[0], soft / soft.sum(-1, keepdims=True)), False))
            if name.startswith("bce"):
                variants.append((f"{label}, soft labels", (arrays[0], rng.random(arrays[0].shape)), False))
            for shape, inputs, targeted in variants:
                table.append(_timed(name, shape, inputs, targeted, repeats))
            del arrays, variants
            gc.collect()
    return table


def _timed(name: str, shape: str, arrays: tuple[np.ndarray, ...], targeted: bool, repeats: int) -> dict[str, Any]:
    candidates = {peer: (lambda f=function, a=arrays: f(*a)) for peer, function in peers(name).items()}
    times = interleaved(candidates, repeats)
    base = np.array(times["numpy"])
    row = {"kernel": name, "shape": shape, "targeted": targeted}
    for peer, seconds in times.items():
        row[peer] = (float(np.median(seconds)), float(np.median(np.array(seconds) / base)))
    # The hand-written kernel's temporaries page-fault more on a busy machine: its fastest
    # repeat is the conservative yardstick.
    row["conservative"] = float(np.median(times["symcheck"]) / np.min(base))
    print(_speed_line(row), flush=True)
    return row


def _speed_line(row: dict[str, Any]) -> str:
    cells = [
        f"{peer} {value[0] * 1e3:8.1f} ms ({value[1]:4.2f}x)" for peer, value in row.items() if isinstance(value, tuple)
    ]
    return f"{row['kernel']:22s} {row['shape']:18s} " + " | ".join(cells) + f" | vs fastest {row['conservative']:.2f}x"


# -- exact references (mpmath, 50 digits) --------------------------------------------------------------
mpmath.mp.dps = 50


def _mp(array: np.ndarray) -> list[Any]:
    return [mpmath.mpf(float(value)) for value in np.asarray(array, dtype=np.float64).reshape(-1)]


def _split(values: list[Any], shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    high = np.array([float(value) for value in values], dtype=np.float64)
    low = np.array(
        [float(value - mpmath.mpf(h)) if np.isfinite(h) else 0.0 for value, h in zip(values, high, strict=True)]
    )
    return high.reshape(shape), low.reshape(shape)


def _row_parts(row: list[Any]) -> tuple[Any, int, Any]:
    """(max, first argmax, R = Σ_{j≠argmax} exp(z_j - max)) of one row, at 50 digits.

    Every exact value below is assembled from these without cancellation: at 50 digits,
    ``log(1 + 1e-44)`` subtracted from 710 would keep only 3 correct digits.
    """
    top = max(row)
    pivot = row.index(top)
    rest = mpmath.fsum(mpmath.exp(value - top) for position, value in enumerate(row) if position != pivot)
    return top, pivot, rest


def _sigmoid(x: Any) -> Any:
    return 1 / (1 + mpmath.exp(-x))


def exact(name: str, arrays: tuple[np.ndarray, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The exact value of kernel ``name`` (reduction "mean") at ``arrays``, as a double-double."""
    if name in ("sigmoid", "bce_with_logits", "bce_with_logits_grad"):
        xs = _mp(arrays[0])
        if name == "sigmoid":
            return _split([_sigmoid(value) for value in xs], arrays[0].shape)
        ys = _mp(arrays[1])
        if name == "bce_with_logits":
            total = mpmath.fsum(
                (max(x, 0) - y * x) + mpmath.log1p(mpmath.exp(-abs(x))) for x, y in zip(xs, ys, strict=True)
            )
            return _split([total / len(xs)], ())
        values = [((1 - y) * _sigmoid(x) - y * _sigmoid(-x)) / len(xs) for x, y in zip(xs, ys, strict=True)]
        return _split(values, arrays[0].shape)
    logits = arrays[0]
    rows, classes = logits.reshape(-1, logits.shape[-1]).shape
    flat = _mp(logits)
    table = [flat[r * classes : (r + 1) * classes] for r in range(rows)]
    parts = [_row_parts(row) for row in table]
    logs = [mpmath.log1p(rest) for _top, _pivot, rest in parts]
    if name == "logsumexp":
        return _split([top + log for (top, _pivot, _rest), log in zip(parts, logs, strict=True)], logits.shape[:-1])
    log_softmax = [
        [(value - top) - log for value in row]
        for row, (top, _pivot, _rest), log in zip(table, parts, logs, strict=True)
    ]
    if name == "log_softmax":
        return _split([value for row in log_softmax for value in row], logits.shape)
    probabilities = [[mpmath.exp(value) for value in row] for row in log_softmax]
    if name == "softmax":
        return _split([p for row in probabilities for p in row], logits.shape)
    if name == "softmax_jvp":
        tangent = _mp(arrays[1])
        values = []
        for r, (row, (_top, pivot, _rest)) in enumerate(zip(probabilities, parts, strict=True)):
            vs = tangent[r * classes : (r + 1) * classes]
            # measured from v_a: at 50 digits, v_a - Σ p_k v_k would cancel when p is nearly one-hot
            inner = mpmath.fsum(p * (t - vs[pivot]) for p, t in zip(row, vs, strict=True))
            values.extend(p * ((t - vs[pivot]) - inner) for p, t in zip(row, vs, strict=True))
        return _split(values, logits.shape)
    labels = arrays[1]
    if labels.shape == logits.shape:
        targets = _mp(labels)
        target_rows = [targets[r * classes : (r + 1) * classes] for r in range(rows)]
    else:
        target_rows = [
            [mpmath.mpf(1) if c == int(label) else mpmath.mpf(0) for c in range(classes)]
            for label in labels.reshape(-1)
        ]
    if name == "cross_entropy":
        losses = [
            -mpmath.fsum(y * value for y, value in zip(ys, row, strict=True))
            for ys, row in zip(target_rows, log_softmax, strict=True)
        ]
        return _split([mpmath.fsum(losses) / rows], ())
    if name == "cross_entropy_grad":
        values = []
        for ps, ys, logs_row, (_top, pivot, _rest) in zip(probabilities, target_rows, log_softmax, parts, strict=True):
            for position, (p, y) in enumerate(zip(ps, ys, strict=True)):
                # p - y at the argmax is expm1(log p) + (1 - y): no cancellation when p ≈ y ≈ 1
                value = mpmath.expm1(logs_row[position]) + (1 - y) if position == pivot else p - y
                values.append(value / rows)
        return _split(values, logits.shape)
    raise ValueError(name)


# -- accuracy inputs ----------------------------------------------------------------------------------
def accuracy_inputs(rng: np.random.Generator, quick: bool) -> dict[str, Callable[[str], tuple[np.ndarray, ...]]]:
    rows = 40 if quick else 200

    def classes_input(logits: np.ndarray, name: str, label_dtype: Any = None) -> tuple[np.ndarray, ...]:
        if name.startswith("cross_entropy"):
            labels = rng.integers(0, logits.shape[-1], size=logits.shape[:-1])
            if label_dtype is not None:
                soft = rng.random(logits.shape)
                return logits, (soft / soft.sum(axis=-1, keepdims=True)).astype(label_dtype)
            return logits, labels
        if name == "softmax_jvp":
            return logits, rng.normal(size=logits.shape).astype(logits.dtype)
        return (logits,)

    def binary_input(
        logits: np.ndarray, name: str, label_dtype: Any = np.float64, soft: bool = False
    ) -> tuple[np.ndarray, ...]:
        flat = logits.reshape(-1)
        if name == "sigmoid":
            return (flat,)
        labels = rng.random(flat.shape) if soft else rng.random(flat.shape) < 0.5
        return flat, labels.astype(label_dtype)

    def make(
        generate: Callable[[], np.ndarray], label_dtype: Any = None, soft: bool = False
    ) -> Callable[[str], tuple[np.ndarray, ...]]:
        def build(name: str) -> tuple[np.ndarray, ...]:
            logits = generate()
            if name in ("sigmoid", "bce_with_logits", "bce_with_logits_grad"):
                return binary_input(logits, name, label_dtype or np.float64, soft)
            return classes_input(logits, name, label_dtype)

        return build

    def underflow() -> np.ndarray:
        logits = rng.normal(0.0, 3.0, size=(rows, 10))
        logits[:, 0] -= 1000.0  # class 0 has probability e^-1000: underflows in float64
        return logits

    def underflow_build(name: str) -> tuple[np.ndarray, ...]:
        logits = underflow()
        if name.startswith("cross_entropy"):
            return logits, np.zeros(rows, dtype=np.int64)
        return make(lambda: logits)(name)

    return {
        "N(0,3) K=10": make(lambda: rng.normal(0.0, 3.0, size=(rows, 10))),
        "N(0,3) K=1000": make(lambda: rng.normal(0.0, 3.0, size=(max(4, rows // 20), 1000))),
        "±1e4": make(lambda: rng.uniform(-1e4, 1e4, size=(rows, 10))),
        "±710": make(lambda: rng.uniform(-710.0, 710.0, size=(rows, 10))),
        "±1e300": make(lambda: rng.uniform(-1e300, 1e300, size=(rows, 10))),
        "707 - U(0,2), K=1000": make(lambda: 707.0 - rng.uniform(0.0, 2.0, size=(max(4, rows // 20), 1000))),
        "float32 ±100": make(lambda: rng.uniform(-100.0, 100.0, size=(rows, 10)).astype(np.float32)),
        "f32 logits, f64 labels": make(lambda: rng.normal(0.0, 3.0, size=(rows, 10)).astype(np.float32), np.float64),
        "f64 logits, f32 labels": make(lambda: rng.normal(0.0, 3.0, size=(rows, 10)), np.float32),
        "soft labels": make(lambda: rng.normal(0.0, 3.0, size=(rows, 10)), np.float64, soft=True),
        "soft labels K=1000": make(
            lambda: rng.normal(0.0, 3.0, size=(max(4, rows // 20), 1000)), np.float64, soft=True
        ),
        "one-hot, p underflows": underflow_build,
    }


ACCURACY_KERNELS = (
    "softmax",
    "log_softmax",
    "logsumexp",
    "cross_entropy",
    "cross_entropy_grad",
    "sigmoid",
    "bce_with_logits",
    "bce_with_logits_grad",
    "softmax_jvp",
)


ROW_SCALED = ("softmax_jvp",)
"""Kernels whose entries cancel by nature (``v_i - Σ ŷ_k v_k``): errors in ulp of the row's largest entry."""


def measure(output: np.ndarray, high: np.ndarray, low: np.ndarray, row_scaled: bool = False) -> tuple[float, int]:
    """(largest ulp error over normal-range outputs, number of non-finite outputs)."""
    output = np.asarray(output)
    bad = int(np.count_nonzero(~np.isfinite(output)))
    if output.shape != high.shape:
        return float("inf"), bad
    if row_scaled:
        scale = np.max(np.abs(high), axis=-1, keepdims=True)
        unit = np.spacing(scale.astype(output.dtype)).astype(np.float64)
        with np.errstate(invalid="ignore"):
            errors = np.abs((output.astype(np.float64) - high) - low) / unit
        return float(np.nanmax(np.where(np.isfinite(output), errors, np.inf))), bad
    normal = np.isfinite(high) & (np.abs(high) >= np.finfo(output.dtype).smallest_normal)
    errors = ulp_error(output, high, low)[normal]
    return (float(np.max(errors)) if errors.size else 0.0), bad


def accuracy(quick: bool) -> list[dict[str, Any]]:
    rng = np.random.default_rng(1)
    table = []
    inputs = accuracy_inputs(rng, quick)
    for name in ACCURACY_KERNELS:
        for label, build in inputs.items():
            if label.startswith("soft labels") and not name.startswith(("cross_entropy", "bce")):
                continue
            if label == "f64 logits, f32 labels" and not name.startswith(("cross_entropy", "bce")):
                continue
            if label == "one-hot, p underflows" and not name.startswith(("cross_entropy", "log_softmax", "softmax")):
                continue
            arrays = build(name)
            high, low = exact(name, arrays)
            row: dict[str, Any] = {"kernel": name, "input": label}
            for peer, function in peers(name).items():
                with np.errstate(all="ignore"):
                    try:
                        output = function(*arrays)
                    except Exception as error:  # a peer that rejects the input is reported, not fatal
                        row[peer] = f"error: {type(error).__name__}"
                        continue
                row[peer] = measure(output, high, low, row_scaled=name in ROW_SCALED)
            table.append(row)
            print(_accuracy_line(row), flush=True)
    return table


def _accuracy_line(row: dict[str, Any]) -> str:
    cells = []
    for peer, value in row.items():
        if peer in ("kernel", "input"):
            continue
        cells.append(f"{peer} {value}" if isinstance(value, str) else f"{peer} {_ulp(value[0])}{_bad(value[1])}")
    return f"{row['kernel']:22s} {row['input']:24s} " + " | ".join(cells)


def _ulp(value: float) -> str:
    if not np.isfinite(value):
        return "inf"
    return f"{value:.1f}" if value < 1e4 else f"{value:.1e}"


def _bad(count: int) -> str:
    return f" ({count} bad)" if count else ""


# -- build times -----------------------------------------------------------------------------------------
def build_times() -> list[dict[str, Any]]:
    rows = []
    with tempfile.TemporaryDirectory() as cache:
        previous = os.environ.get("SYMCHECK_CACHE_DIR")
        os.environ["SYMCHECK_CACHE_DIR"] = cache
        try:
            sk.clear_verdict_cache()
            for name, spec in dk.SPECS.items():
                sk.clear_kernel_cache()
                started = time.perf_counter()
                cold = sk.build_kernel(spec)
                cold_seconds = time.perf_counter() - started
                builds = []
                for _ in range(5):
                    sk.clear_kernel_cache()
                    started = time.perf_counter()
                    kernel = sk.build_kernel(spec)
                    builds.append(time.perf_counter() - started)
                logits = np.random.default_rng(0).normal(size=(1, 1000))
                arguments = _build_arguments(spec, logits)
                started = time.perf_counter()
                kernel(*arguments)
                first_call = time.perf_counter() - started
                methods = ", ".join(sorted({verified.verdict.method for verified in cold.rewrites}))
                rows.append(
                    {
                        "kernel": name,
                        "proof": cold_seconds,
                        "build": float(np.median(builds)),
                        "first_call_k1000": first_call,
                        "methods": methods,
                        "source_lines": kernel.source.count("\n"),
                    }
                )
        finally:
            if previous is None:
                os.environ.pop("SYMCHECK_CACHE_DIR", None)
            else:
                os.environ["SYMCHECK_CACHE_DIR"] = previous
            sk.clear_verdict_cache()
    return rows


def _build_arguments(spec: sk.KernelSpec, logits: np.ndarray) -> list[Any]:
    values: list[Any] = []
    for argument in spec.arguments:
        if isinstance(argument, sk.ClassArray):
            values.append(np.full_like(logits, 0.1) if argument.name != "logits" else logits)
        elif isinstance(argument, sk.RowIndex):
            values.append(np.zeros(logits.shape[0], dtype=np.int64))
        elif isinstance(argument, sk.Elementwise):
            values.append(logits.reshape(-1))
        else:
            values.append(1.0)
    return values


# -- report ----------------------------------------------------------------------------------------------
def report(
    command: str,
    speed_rows: list[dict[str, Any]],
    accuracy_rows: list[dict[str, Any]],
    build_rows: list[dict[str, Any]],
    repeats: int,
) -> str:
    lines = ["## Kernels (`derivations.kernels`)", ""]
    lines.append(
        f"Produced by `{command}` on {platform.machine()} ({os.cpu_count()} cores), Python "
        f"{platform.python_version()}, NumPy {np.__version__}"
        + (f", SciPy {sys.modules['scipy'].__version__}" if special else "")
        + (f", PyTorch {torch.__version__} (1 thread)" if torch else "")
        + "."
    )
    lines.append("")
    if speed_rows:
        lines.append(f"### Speed (float64; median of {repeats} interleaved repeats; ratio to hand-written NumPy)")
        lines.append("")
        lines.append(
            f"Target: at most {TARGET_RATIO}x the hand-written NumPy kernel for "
            + ", ".join(SPEED_TARGETS)
            + " (the median of the per-repeat ratios). Every candidate allocates its result, as a user's "
            "call does; the hand-written kernel also allocates 2-4 temporaries, whose page faults cost more "
            'when other processes load the machine, so the column "vs fastest numpy" divides the median '
            "by the hand-written kernel's fastest repeat instead. The rows with soft labels are recorded, "
            "not targeted: where ŷ_k - y_k cancels, cross_entropy_grad evaluates the row again in double-word "
            "arithmetic (see the accuracy table), which the working-precision peers do not do."
        )
        lines.append("")
        peers_seen = [
            peer
            for peer in dict.fromkeys(p for row in speed_rows for p in row)
            if peer not in ("kernel", "shape", "targeted", "conservative")
        ]
        lines.append("| kernel | shape | " + " | ".join(peers_seen) + " | vs fastest numpy | target |")
        lines.append("|---|---|" + "---|" * (len(peers_seen) + 2))
        for row in speed_rows:
            cells = [f"{row[peer][0] * 1e3:.1f} ms ({row[peer][1]:.2f}x)" if peer in row else "" for peer in peers_seen]
            verdict = ("met" if row["symcheck"][1] <= TARGET_RATIO else "**missed**") if row["targeted"] else ""
            lines.append(
                f"| {row['kernel']} | {row['shape']} | "
                + " | ".join(cells)
                + f" | {row['conservative']:.2f}x | {verdict} |"
            )
        lines.append("")
    if accuracy_rows:
        lines.append("### Accuracy (largest error in ulp over normal-range outputs; non-finite outputs in brackets)")
        lines.append("")
        lines.append(
            "softmax_jvp entries cancel by nature (v_i - Σ ŷ_k v_k), so its errors are in ulp of each "
            "row's largest entry."
        )
        lines.append("")
        lines.append(
            "Targets: softmax <= 8 ulp; log_softmax, cross_entropy, bce_with_logits, and cross_entropy_grad "
            "(soft labels and mixed precisions included) <= 4 ulp; bce_with_logits_grad <= 4 ulp for hard labels "
            "(with soft labels σ(z) - y cancels and it stays in working precision); "
            "no non-finite output for finite input."
        )
        lines.append("")
        peers_seen = [
            peer for peer in dict.fromkeys(p for row in accuracy_rows for p in row) if peer not in ("kernel", "input")
        ]
        lines.append("| kernel | input | " + " | ".join(peers_seen) + " |")
        lines.append("|---|---|" + "---|" * len(peers_seen))
        for row in accuracy_rows:
            cells = []
            for peer in peers_seen:
                value = row.get(peer)
                if value is None:
                    cells.append("")
                elif isinstance(value, str):
                    cells.append(value)
                else:
                    cells.append(_ulp(value[0]) + (f" [{value[1]}]" if value[1] else ""))
            lines.append(f"| {row['kernel']} | {row['input']} | " + " | ".join(cells) + " |")
        lines.append("")
    if build_rows:
        lines.append("### Build (the generated source is the same for every K)")
        lines.append("")
        lines.append(
            "| kernel | first build, proving rewrites (s) | build, proofs cached (ms) | "
            "first call at K=1000 (ms) | proved by | source lines |"
        )
        lines.append("|---|---|---|---|---|---|")
        for row in build_rows:
            lines.append(
                f"| {row['kernel']} | {row['proof']:.3f} | {row['build'] * 1e3:.1f} | "
                f"{row['first_call_k1000'] * 1e3:.2f} | {row['methods']} | {row['source_lines']} |"
            )
        lines.append("")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small shapes and few repeats (a smoke test)")
    parser.add_argument("--repeats", type=int, default=None, help="timed repeats per candidate (default 7)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    parser.add_argument("--only", nargs="*", default=None, help="kernels to time (default: all)")
    parser.add_argument("--skip", nargs="*", default=(), choices=("speed", "accuracy", "build"))
    arguments = parser.parse_args(argv)
    repeats = arguments.repeats or (3 if arguments.quick else 7)
    shapes = [(10**5, 10), (10**4, 1000)] if arguments.quick else [(10**6, 10), (10**5, 1000)]
    names = arguments.only or list(dk.KERNELS)
    command = "python benchmarks/kernels.py " + " ".join(argv if argv is not None else sys.argv[1:])
    speed_rows = [] if "speed" in arguments.skip else speed(names, shapes, repeats)
    accuracy_rows = [] if "accuracy" in arguments.skip else accuracy(arguments.quick)
    build_rows = [] if "build" in arguments.skip else build_times()
    section = report(command.strip(), speed_rows, accuracy_rows, build_rows, repeats)
    print(section)
    if not arguments.no_write and not arguments.quick:
        write_section("kernels", section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
