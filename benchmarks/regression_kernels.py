"""Speed, accuracy and build time of ``derivations.regression_kernels`` against the best peers.

Speed: each kernel is timed in the same run as hand-written NumPy (``X.T @ (X @ w - y) / n`` and
the like), ``scipy.special`` (``log_expit``, ``expit``) and scikit-learn's ``LinearModelLoss``
(loss, gradient and Hessian of a linear model, in Cython) when installed. Candidates are
interleaved repeat by repeat; each is reported as its median time and the median of its
per-repeat ratio to hand-written NumPy. Every candidate allocates its result, as a user's call does.

Accuracy: errors against mpmath at 50 digits (``tests/kernels/regression_exact.py``). A sum over
the samples cancels by nature, so two measures are reported: "ulp", the error in ulp of the exact
value (the measure of the other kernels), and "scaled", the error in ulp of the sum's scale
``Σ_i |terms|`` (with the scale of each logit ``Σ_l |X_il w_l|`` folded in), which is what rounding
errors are proportional to. κ = scale / |value| is the largest condition number of the outputs;
ulp <= scaled·κ. "bad" counts non-finite outputs for finite input.

    python benchmarks/regression_kernels.py [--quick] [--repeats R] [--no-write] [--only NAME ...]

writes its section of ``benchmarks/RESULTS.md`` (between the ``regression-kernels`` markers).
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

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "kernels"))

import regression_exact as exact  # noqa: E402

import derivations.regression_kernels as rk  # noqa: E402
import symcheck.kernels as sk  # noqa: E402
from symcheck.numeric import ulp_error  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_section  # noqa: E402

try:
    import scipy.special as special
except ImportError:  # scipy is an optional peer (the "bench" extra)
    special = None
try:
    import sklearn
    from sklearn._loss.loss import HalfBinomialLoss, HalfSquaredError
    from sklearn.linear_model._linear_loss import LinearModelLoss
except ImportError:  # scikit-learn is an optional peer (the "bench" extra)
    sklearn = None

TARGET_RATIO = 0.9
SAMPLE_KERNELS = tuple(name for name in rk.KERNELS if name not in ("softplus", "log_sigmoid"))


# -- hand-written NumPy: the baseline ----------------------------------------------------------------------
def np_sigmoid(s: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-s))


def np_least_squares_loss(X: np.ndarray, w: np.ndarray, y: np.ndarray) -> float:
    r = X @ w - y
    return r @ r / (2 * len(y))


def np_least_squares_grad(X: np.ndarray, w: np.ndarray, y: np.ndarray) -> np.ndarray:
    return X.T @ (X @ w - y) / len(y)


def np_least_squares_hessian(X: np.ndarray) -> np.ndarray:
    return X.T @ X / len(X)


def np_logistic_loss(X: np.ndarray, w: np.ndarray, y: np.ndarray) -> float:
    s = X @ w
    return np.mean(np.logaddexp(0, s) - y * s)


def np_logistic_grad(X: np.ndarray, w: np.ndarray, y: np.ndarray) -> np.ndarray:
    return X.T @ (np_sigmoid(X @ w) - y) / len(y)


def np_logistic_hessian(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    p = np_sigmoid(X @ w)
    return X.T @ ((p * (1 - p))[:, None] * X) / len(X)


# -- peers -------------------------------------------------------------------------------------------------
def _sklearn(kind: str, what: str) -> Callable[..., Any] | None:
    if sklearn is None:
        return None
    model = LinearModelLoss(
        base_loss=HalfSquaredError() if kind == "squared" else HalfBinomialLoss(), fit_intercept=False
    )

    def call(X: np.ndarray, w: np.ndarray, y: np.ndarray | None = None) -> Any:
        target = np.zeros(len(X)) if y is None else y
        if what == "loss":
            return model.loss(w, X, target, l2_reg_strength=0.0)
        if what == "gradient":
            return model.gradient(w, X, target, l2_reg_strength=0.0)
        return model.gradient_hessian(w, X, target, l2_reg_strength=0.0)[1]

    if kind == "squared" and what == "hessian":
        return lambda X: call(X, np.zeros(X.shape[1]))
    return call


def peers(name: str) -> dict[str, Callable[..., Any]]:
    """The candidates for kernel ``name``: ours, hand-written NumPy, SciPy and scikit-learn if present."""
    table: dict[str, dict[str, Callable[..., Any] | None]] = {
        "softplus": {
            "numpy": lambda x: np.logaddexp(0, x),
            "scipy": special and (lambda x: -special.log_expit(-x)),
        },
        "log_sigmoid": {
            "numpy": lambda x: -np.logaddexp(0, -x),
            "scipy": special and special.log_expit,
        },
        "least_squares_loss": {"numpy": np_least_squares_loss, "scikit-learn": _sklearn("squared", "loss")},
        "least_squares_grad": {"numpy": np_least_squares_grad, "scikit-learn": _sklearn("squared", "gradient")},
        "least_squares_hessian": {"numpy": np_least_squares_hessian, "scikit-learn": _sklearn("squared", "hessian")},
        "logistic_loss": {"numpy": np_logistic_loss, "scikit-learn": _sklearn("binomial", "loss")},
        "logistic_grad": {
            "numpy": np_logistic_grad,
            "scipy": special and (lambda X, w, y: X.T @ (special.expit(X @ w) - y) / len(y)),
            "scikit-learn": _sklearn("binomial", "gradient"),
        },
        "logistic_hessian": {"numpy": np_logistic_hessian, "scikit-learn": _sklearn("binomial", "hessian")},
    }
    found = {"symcheck": rk.KERNELS[name]}
    found.update({peer: function for peer, function in table[name].items() if function})
    return found


def arguments(name: str, X: np.ndarray, w: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
    if name in ("softplus", "log_sigmoid"):
        return (X,)
    if name == "least_squares_hessian":
        return (X,)
    if name == "logistic_hessian":
        return (X, w)
    return (X, w, y)


# -- timing ------------------------------------------------------------------------------------------------
def interleaved(candidates: dict[str, Callable[[], Any]], repeats: int) -> dict[str, list[float]]:
    for function in candidates.values():
        function()  # warm up: builds kernels
    times: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(repeats):
        for name, function in candidates.items():
            gc.collect()
            started = time.perf_counter()
            result = function()
            times[name].append(time.perf_counter() - started)
            del result
    return times


def speed_data(name: str, rows: int, features: int, rng: np.random.Generator) -> tuple[str, tuple[np.ndarray, ...]]:
    if name in ("softplus", "log_sigmoid"):
        return f"{rows}x{features}", (rng.normal(0.0, 3.0, size=(rows, features)),)
    X = rng.normal(size=(rows, features))
    w = rng.normal(size=features) / np.sqrt(features)
    labels = (rng.random(rows) < 0.5).astype(np.float64)
    y = labels if name.startswith("logistic") else X @ w + rng.normal(size=rows)
    return f"n={rows:.0e} d={features}", arguments(name, X, w, y)


def speed(names: list[str], shapes: list[tuple[int, int]], repeats: int) -> list[dict[str, Any]]:
    rng = np.random.default_rng(0)
    table = []
    for name in names:
        for rows, features in shapes:
            label, data = speed_data(name, rows, features, rng)
            candidates = {peer: (lambda f=function, a=data: f(*a)) for peer, function in peers(name).items()}
            times = interleaved(candidates, repeats)
            base = np.array(times["numpy"])
            row: dict[str, Any] = {"kernel": name, "shape": label}
            for peer, seconds in times.items():
                row[peer] = (float(np.median(seconds)), float(np.median(np.array(seconds) / base)))
            row["conservative"] = float(np.median(times["symcheck"]) / np.min(base))
            print(_speed_line(row), flush=True)
            table.append(row)
            del data, candidates
            gc.collect()
    return table


def _speed_line(row: dict[str, Any]) -> str:
    cells = [f"{peer} {v[0] * 1e3:8.1f} ms ({v[1]:4.2f}x)" for peer, v in row.items() if isinstance(v, tuple)]
    return f"{row['kernel']:22s} {row['shape']:16s} " + " | ".join(cells) + f" | vs fastest {row['conservative']:.2f}x"


# -- accuracy ----------------------------------------------------------------------------------------------
def accuracy_inputs(rng: np.random.Generator, quick: bool) -> dict[str, Callable[[str], tuple[np.ndarray, ...]]]:
    rows = 400 if quick else 2000

    def regression(X: np.ndarray, w: np.ndarray, well: bool = False) -> Callable[[str], tuple[np.ndarray, ...]]:
        def build(name: str) -> tuple[np.ndarray, ...]:
            n = len(X)
            if name.startswith("logistic"):
                y = np.zeros(n) if well else (rng.random(n) < 0.5).astype(np.float64)
            else:  # well-conditioned: every residual in [0.5, 1.5], of one sign
                y = X @ w - rng.uniform(0.5, 1.5, n) if well else X @ w + rng.normal(size=n)
            return arguments(name, X, w, y.astype(X.dtype))

        return build

    def elementwise(x: np.ndarray) -> Callable[[str], tuple[np.ndarray, ...]]:
        return lambda _name: (x,)

    normal = rng.normal(size=(rows, 10))
    return {
        "well-conditioned (κ <= 4), d=10": regression(rng.uniform(0.5, 1.5, (rows, 10)), rng.uniform(0, 0.1, 10), True),
        "N(0,1), d=10": regression(normal, rng.normal(size=10) / np.sqrt(10)),
        "N(0,1), d=100": regression(rng.normal(size=(rows // 5, 100)), rng.normal(size=100) / 10),
        "|Xw| ~ 1000 (σ saturates)": regression(normal, rng.normal(size=10) * 300),
        "float32 N(0,1), d=10": regression(normal.astype(np.float32), (rng.normal(size=10) / 3).astype(np.float32)),
        "n=1, d=1": regression(np.array([[1.5]]), np.array([-0.75])),
        "N(0,3)": elementwise(rng.normal(0.0, 3.0, size=rows * 10)),
        "±800": elementwise(rng.uniform(-800.0, 800.0, size=rows * 10)),
        "±1e300": elementwise(rng.uniform(-1e300, 1e300, size=rows * 10)),
        "float32 ±100": elementwise(rng.uniform(-100.0, 100.0, size=rows * 10).astype(np.float32)),
    }


def measure(output: Any, truth: tuple[np.ndarray, ...]) -> tuple[float, float | None, int]:
    """(largest ulp error over normal-range outputs, largest scaled error or None, non-finite count)."""
    output = np.asarray(output)
    high, low = truth[0], truth[1]
    bad = int(np.count_nonzero(~np.isfinite(output)))
    if output.shape != high.shape:
        return float("inf"), None, bad
    normal = np.isfinite(high) & (np.abs(high) >= np.finfo(output.dtype).smallest_normal)
    errors = ulp_error(output, high, low)[normal]
    plain = float(np.max(errors)) if errors.size else 0.0
    scaled = float(np.max(exact.scaled_ulp(output, high, low, truth[2]))) if len(truth) > 2 else None
    return plain, scaled, bad


def accuracy(quick: bool, names: list[str]) -> list[dict[str, Any]]:
    rng = np.random.default_rng(1)
    table = []
    for label, build in accuracy_inputs(rng, quick).items():
        sample = label.startswith(("well", "N(0,1)", "|Xw|", "float32 N", "n=1"))
        for name in names:
            if sample != (name in SAMPLE_KERNELS):
                continue
            data = build(name)
            if name in SAMPLE_KERNELS:
                truth = exact.exact(name, *data)
                condition = float(np.max(truth[2] / np.maximum(np.abs(truth[0]), np.finfo(np.float64).tiny)))
            else:
                truth = getattr(exact, name)(data[0])
                condition = None
            row: dict[str, Any] = {"kernel": name, "input": label, "κ": condition}
            for peer, function in peers(name).items():
                with np.errstate(all="ignore"):
                    try:
                        output = function(*data)
                    except Exception as error:  # a peer that rejects the input is reported, not fatal
                        row[peer] = f"error: {type(error).__name__}"
                        continue
                row[peer] = measure(output, truth)
            table.append(row)
            print(_accuracy_line(row), flush=True)
    return table


def _cell(value: Any) -> str:
    if isinstance(value, str):
        return value
    plain, scaled, bad = value
    text = _ulp(plain) + (f" / {_ulp(scaled)}" if scaled is not None else "")
    return text + (f" [{bad}]" if bad else "")


def _accuracy_line(row: dict[str, Any]) -> str:
    kappa = f"κ {row['κ']:.1e}" if row["κ"] is not None else ""
    cells = [f"{peer} {_cell(value)}" for peer, value in row.items() if peer not in ("kernel", "input", "κ")]
    return f"{row['kernel']:22s} {row['input']:30s} {kappa:10s} " + " | ".join(cells)


def _ulp(value: float) -> str:
    if not np.isfinite(value):
        return "inf"
    return f"{value:.1f}" if value < 1e4 else f"{value:.1e}"


# -- build times -------------------------------------------------------------------------------------------
def build_times() -> list[dict[str, Any]]:
    rows = []
    with tempfile.TemporaryDirectory() as cache:
        previous = os.environ.get("SYMCHECK_CACHE_DIR")
        os.environ["SYMCHECK_CACHE_DIR"] = cache
        try:
            sk.clear_verdict_cache()
            for name, spec in rk.SPECS.items():
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
                methods = "; ".join(dict.fromkeys(verified.verdict.method for verified in cold.rewrites))
                lines = kernel.source.count("\n")
                rows.append(
                    {"kernel": name, "proof": cold_seconds, "build": float(np.median(builds)), "methods": methods}
                )
                rows[-1]["source_lines"] = lines
        finally:
            if previous is None:
                os.environ.pop("SYMCHECK_CACHE_DIR", None)
            else:
                os.environ["SYMCHECK_CACHE_DIR"] = previous
            sk.clear_verdict_cache()
    return rows


# -- report ------------------------------------------------------------------------------------------------
def _versions() -> str:
    parts = [f"NumPy {np.__version__}"]
    if special:
        parts.append(f"SciPy {sys.modules['scipy'].__version__}")
    if sklearn:
        parts.append(f"scikit-learn {sklearn.__version__}")
    return ", ".join(parts)


SPEED_NOTE = (
    "Target: at most {target}x hand-written NumPy (the median of the per-repeat ratios). NumPy's matrix "
    "products run on every core (OpenBLAS threads); ours run per block of rows, in cache, so a kernel whose "
    "cost is the matrix product itself gains little: least_squares_hessian is XᵀX and nothing else, and "
    "its rows are summed over chunks of 64 rows for accuracy (see the accuracy table), where NumPy's single "
    'syrk adds all n rows one after another. The column "vs fastest numpy" divides the median by the '
    "hand-written kernel's fastest repeat."
)
ACCURACY_NOTE = (
    'Cells are "ulp / scaled": the error in ulp of the exact value, and in ulp of the sum\'s scale Σ_i |terms| '
    "(the logits' own scale Σ_l |X_il w_l| folded in; tests/kernels/regression_exact.py), what rounding errors "
    "are proportional to; κ is the largest scale / |value| of the outputs, so ulp <= scaled·κ. Targets: <= 4 "
    "ulp on well-conditioned data (κ <= 4), <= 4 scaled ulp on any data, no non-finite output for finite "
    "input. softplus and log_sigmoid are elementwise: plain ulp, target 4."
)


def report(command: str, speed_rows: list, accuracy_rows: list, build_rows: list, repeats: int) -> str:
    lines = ["## Regression kernels (`derivations.regression_kernels`)", ""]
    lines.append(
        f"Produced by `{command}` on {platform.machine()} ({os.cpu_count()} cores), Python "
        f"{platform.python_version()}, {_versions()}."
    )
    lines.append("")
    if speed_rows:
        lines += [f"### Speed (float64; median of {repeats} interleaved repeats; ratio to hand-written NumPy)", ""]
        lines += [SPEED_NOTE.format(target=TARGET_RATIO), ""]
        seen = [
            p for p in dict.fromkeys(p for r in speed_rows for p in r) if p not in ("kernel", "shape", "conservative")
        ]
        lines.append("| kernel | shape | " + " | ".join(seen) + " | vs fastest numpy | target |")
        lines.append("|---|---|" + "---|" * (len(seen) + 2))
        for row in speed_rows:
            cells = [f"{row[p][0] * 1e3:.1f} ms ({row[p][1]:.2f}x)" if p in row else "" for p in seen]
            verdict = "met" if row["symcheck"][1] <= TARGET_RATIO else "**missed**"
            lines.append(
                f"| {row['kernel']} | {row['shape']} | "
                + " | ".join(cells)
                + f" | {row['conservative']:.2f}x | {verdict} |"
            )
        lines.append("")
    if accuracy_rows:
        lines += ["### Accuracy against mpmath (50 digits)", "", ACCURACY_NOTE, ""]
        seen = [p for p in dict.fromkeys(p for r in accuracy_rows for p in r) if p not in ("kernel", "input", "κ")]
        lines.append("| kernel | input | κ | " + " | ".join(seen) + " |")
        lines.append("|---|---|---|" + "---|" * len(seen))
        for row in accuracy_rows:
            kappa = f"{row['κ']:.1e}" if row["κ"] is not None else ""
            cells = [_cell(row[p]) if p in row else "" for p in seen]
            lines.append(f"| {row['kernel']} | {row['input']} | {kappa} | " + " | ".join(cells) + " |")
        lines.append("")
    if build_rows:
        lines += ["### Build (the generated source is the same for every n and d)", ""]
        lines.append(
            "| kernel | first build, proving rewrites (s) | build, proofs cached (ms) | proved by | source lines |"
        )
        lines.append("|---|---|---|---|---|")
        for row in build_rows:
            lines.append(
                f"| {row['kernel']} | {row['proof']:.3f} | {row['build'] * 1e3:.1f} | {row['methods']} | "
                f"{row['source_lines']} |"
            )
        lines.append("")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small shapes and few repeats (a smoke test)")
    parser.add_argument("--repeats", type=int, default=None, help="timed repeats per candidate (default 7)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    parser.add_argument("--only", nargs="*", default=None, help="kernels to measure (default: all)")
    parser.add_argument("--skip", nargs="*", default=(), choices=("speed", "accuracy", "build"))
    options = parser.parse_args(argv)
    repeats = options.repeats or (3 if options.quick else 7)
    names = options.only or list(rk.KERNELS)
    command = "python benchmarks/regression_kernels.py " + " ".join(argv if argv is not None else sys.argv[1:])
    speed_rows = []
    if "speed" not in options.skip:
        sample_shapes = [(10**5, 10), (10**4, 100)] if options.quick else [(10**6, 10), (10**5, 100)]
        elementwise_shapes = [(10**5, 10)] if options.quick else [(10**6, 10)]
        for name in names:
            shapes = sample_shapes if name in SAMPLE_KERNELS else elementwise_shapes
            speed_rows += speed([name], shapes, repeats)
    accuracy_rows = [] if "accuracy" in options.skip else accuracy(options.quick, names)
    build_rows = [] if "build" in options.skip else build_times()
    section = report(command.strip(), speed_rows, accuracy_rows, build_rows, repeats)
    print(section)
    if not options.no_write and not options.quick:
        write_section("regression-kernels", section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
