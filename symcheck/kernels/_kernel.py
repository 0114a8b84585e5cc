"""Building a kernel from a spec, and calling it on arrays of any batch shape.

:func:`build_kernel` proves the spec's rewrites (cached, see :mod:`symcheck.kernels._rewrite`),
lowers the outputs for the two block layouts, generates and compiles their source, and returns a
:class:`Kernel`. Nothing in it depends on the number of classes, so one build serves every ``K``
and is cached for the process; the layout is picked per call from ``K``.

A :class:`Kernel` checks its inputs before touching them (shapes, dtypes, class positions in
range) and raises ``ValueError`` naming the argument, what was expected and what was found, so a
wrong shape can never broadcast into a silently wrong number.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from symcheck.kernels._edges import (
    EdgePlan,
    argument_names,
    boundary_rows,
    cancelling_rows,
    compile_double_word,
    compile_whole_array,
    gather,
    plan_edges,
)
from symcheck.kernels._emit import CompiledProgram, compile_source, emit, rows_per_block
from symcheck.kernels._lowering import Layout, lower
from symcheck.kernels._printer import slots_needed
from symcheck.kernels._rewrite import Rewrite, verify_rewrite
from symcheck.kernels._samples import row_form
from symcheck.kernels._spec import ClassArray, Elementwise, KernelSpec, Parameter, RowIndex, SampleArray, Shared
from symcheck.results import Verdict

__all__ = ["TRANSPOSE_MAX_CLASSES", "Kernel", "VerifiedRewrite", "build_kernel", "clear_kernel_cache"]

TRANSPOSE_MAX_CLASSES = 24
"""Up to this many classes a block is transposed to ``(K, rows)`` (see ``benchmarks/kernels.py``)."""


@dataclass(frozen=True)
class VerifiedRewrite:
    """A rewrite a kernel uses and the engine's verdict that it is an identity."""

    rewrite: Rewrite
    verdict: Verdict


class Kernel:
    """A generated NumPy kernel: call it with arrays, read its source and provenance.

    Arguments are passed positionally in the order of ``spec.arguments``: class arrays of shape
    ``(..., K)`` (all the same shape), row indices of shape ``(...)`` holding positions ``0..K-1``,
    elementwise arrays (all the same shape) and Python numbers for parameters. The result is a
    tuple with one array per output, of shape ``(...)``, ``(..., K)`` or ``(..., K, K)``. In a spec
    over the samples, sample arrays have the batch shape of the class arrays, shared vectors the
    shape ``(K,)``, and every output is summed over the batch: ``()``, ``(K,)`` or ``(K, K)``; real
    inputs are then computed in float64 at least (float32 results are rounded once at the end).

    Real inputs are computed in the NumPy promotion of the floating inputs (integers count as
    float64; float16 is computed in float32 and rounded back). Complex inputs, which only the
    complex-step derivative check should pass, are evaluated by the whole-array printing of the
    same stable forms, with non-analytic functions decided on real parts.
    """

    def __init__(
        self,
        spec: KernelSpec,
        programs: dict[str, CompiledProgram],
        rewrites: tuple[VerifiedRewrite, ...],
        build_seconds: float,
        verify_seconds: float,
        edges: EdgePlan | None = None,
    ) -> None:
        self.spec = spec
        self._row = row_form(spec)
        """The spec the programs are generated from (``spec`` itself unless it is over the samples)."""
        self._programs = programs
        self._edges = edges or EdgePlan(self._row)
        self._double_words: dict[int, CompiledProgram] = {}
        self._boundary: CompiledProgram | None = None
        self.rewrites = rewrites
        self.build_seconds = build_seconds
        """Seconds spent lowering, generating and compiling (not proving rewrites)."""
        self.verify_seconds = verify_seconds
        """Seconds spent obtaining the rewrites' verdicts (near zero once cached)."""
        self._references: dict[bool, CompiledProgram] = {}
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def source(self) -> str:
        """The generated blocked source (both layouts), identical for every number of classes."""
        return "\n".join(program.source for program in self._programs.values())

    def layout_for(self, classes: int) -> str:
        """``"columns"`` (transposed blocks) for few classes, ``"rows"`` otherwise."""
        if "columns" in self._programs and classes <= TRANSPOSE_MAX_CLASSES:
            return "columns"
        return "rows"

    def __repr__(self) -> str:
        return f"<Kernel {self.spec.name}: {', '.join(output.name for output in self.spec.outputs)}>"

    # -- calling -----------------------------------------------------------------------------------
    def __call__(self, *values: Any, layout: str | None = None) -> tuple[np.ndarray, ...]:
        prepared = _prepare(self.spec, values)
        if prepared.complex:
            results = self._reference(True).function(*prepared.arrays)
            return tuple(
                _finish(result, prepared, len(output.indices), self._summed)
                for result, output in zip(results, self.spec.outputs, strict=True)
            )
        chosen = layout or self.layout_for(prepared.classes)
        if chosen not in self._programs:
            raise ValueError(f"layout must be one of {sorted(self._programs)}, found {chosen!r}")
        if chosen == "columns" and prepared.classes > 255:
            raise ValueError(
                f"the transposed layout handles at most 255 classes (its argmax works in uint8), "
                f"found {prepared.classes}"
            )
        outputs = self._run(chosen, prepared.arrays, prepared.rows, prepared.classes, prepared.work)
        if not self._edges.trivial:
            self._settle_edges(prepared, outputs)
        return tuple(
            _finish(result, prepared, len(output.indices), self._summed)
            for result, output in zip(outputs, self.spec.outputs, strict=False)
        )

    @property
    def _summed(self) -> bool:
        """Every output is one value for the whole batch (a spec over the samples)."""
        return self.spec.samples is not None

    def _run(self, layout: str, arrays: list[Any], rows: int, classes: int, dtype: np.dtype) -> list[np.ndarray]:
        """The blocked program on prepared arrays: the spec's outputs, then the hidden ones."""
        outputs = [
            np.empty((*(() if self._summed else (rows,)), *([classes] * len(output.indices))) or (1,), dtype=dtype)
            for output in self._edges.program.outputs
        ]
        with np.errstate(all="ignore"):  # overflow to inf / underflow to 0 are the intended results
            self._programs[layout].function(*arrays, *outputs)
        return outputs

    # -- the edges: non-finite rows and cancelling sums (see symcheck.kernels._edges) ----------------
    def _settle_edges(self, prepared: _Prepared, outputs: list[np.ndarray]) -> None:
        edges = self._edges
        boundary = (
            boundary_rows(edges, self._row, prepared.arrays, outputs)
            if edges.boundary is not None
            else np.zeros(0, dtype=np.intp)
        )
        for number, measure in edges.cancellations:
            rows = cancelling_rows(outputs[measure], boundary)
            width = prepared.classes ** max(len(self.spec.outputs[number].indices), 1)
            block = max(1, rows_per_block(rows.size, width) // 2)  # ~16K elements: dozens of temporaries each
            for start in range(0, rows.size, block):  # blocks of rows: the temporaries stay in cache
                part = rows[start : start + block]
                refined = self._double_word(number, gather(self._row, prepared.arrays, part), prepared)
                if refined is None:
                    break
                outputs[number][part] = refined
        if boundary.size:
            with self._lock:
                if self._boundary is None:
                    self._boundary = compile_whole_array(edges.boundary, False)
            with np.errstate(all="ignore"):
                values = self._boundary.function(*gather(self._row, prepared.arrays, boundary))
            for number, value in zip(edges.boundary_outputs, values, strict=True):
                outputs[number][boundary] = value

    def _double_word(self, number: int, arrays: list[Any], prepared: _Prepared) -> np.ndarray | None:
        """Output ``number`` on the given rows in double-word arithmetic (None for other dtypes)."""
        if prepared.work == np.float32:  # float64 is float32's double word: the same program, wider
            wide = [
                value.astype(np.float64) if isinstance(value, np.ndarray) and value.dtype == np.float32 else value
                for value in arrays
            ]
            rows = next(len(value) for value in wide if isinstance(value, np.ndarray))
            layout = self.layout_for(prepared.classes)
            return self._run(layout, wide, rows, prepared.classes, np.dtype(np.float64))[number]
        if prepared.work != np.float64:
            return None
        with np.errstate(all="ignore"):
            return self._double_words[number].function(*arrays)

    def reference(self, *values: Any) -> tuple[np.ndarray, ...]:
        """The same outputs from the whole-array printing of the stable forms (no blocking).

        Slower, and allocating a temporary per operation, but generated by
        :class:`~symcheck.kernels.ArrayPrinter` alone: tests compare it with the blocked kernel.
        """
        prepared = _prepare(self.spec, values)
        with np.errstate(all="ignore"):
            results = self._reference(prepared.complex).function(*prepared.arrays)
        return tuple(
            _finish(np.asarray(result, dtype=prepared.work), prepared, len(output.indices), self._summed)
            for result, output in zip(results, self.spec.outputs, strict=True)
        )

    def reference_source(self, *, complex_safe: bool = False) -> str:
        return self._reference(complex_safe).source

    def _reference(self, complex_safe: bool) -> CompiledProgram:
        with self._lock:
            if complex_safe not in self._references:
                self._references[complex_safe] = compile_whole_array(self._row, complex_safe)
            return self._references[complex_safe]


@dataclass
class _Prepared:
    arrays: list[Any]
    batch: tuple[int, ...]
    rows: int
    classes: int
    work: np.dtype
    result: np.dtype
    complex: bool


def _floating(value: Any, name: str) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind not in "biufc":
        raise ValueError(f"{name} must be a numeric array, found dtype {array.dtype}")
    return array


def _prepare(spec: KernelSpec, values: tuple[Any, ...]) -> _Prepared:
    """Check the arguments against the spec and flatten them to ``(N, K)`` / ``(N,)`` arrays."""
    if len(values) != len(spec.arguments):
        names = ", ".join(argument.name for argument in spec.arguments)
        raise TypeError(f"kernel {spec.name!r} takes {len(spec.arguments)} arguments ({names}), got {len(values)}")
    arrays: dict[str, np.ndarray] = {}
    batch: tuple[int, ...] | None = None
    classes = 1
    first_class: str | None = None
    first_elementwise: str | None = None
    for argument, value in zip(spec.arguments, values, strict=True):
        if isinstance(argument, ClassArray):
            array = _floating(value, argument.name)
            if array.ndim == 0:
                raise ValueError(f"{argument.name} must have a class axis, shape (..., K); found a scalar")
            if array.shape[-1] == 0:
                raise ValueError(f"{argument.name} must have at least one class, found shape {array.shape}")
            if first_class is None:
                first_class, batch, classes = argument.name, array.shape[:-1], array.shape[-1]
            elif array.shape != (*batch, classes):
                raise ValueError(
                    f"{argument.name} must have the shape of {first_class}, {(*batch, classes)}; found {array.shape}"
                )
            arrays[argument.name] = array
        elif isinstance(argument, Elementwise | SampleArray):
            array = _floating(value, argument.name)
            if first_elementwise is None and first_class is None:
                first_elementwise, batch = argument.name, array.shape
            elif array.shape != batch:
                raise ValueError(
                    f"{argument.name} must have the shape of {first_elementwise or first_class} without its "
                    f"class axis, {batch}; found {array.shape}"
                    if first_class and not first_elementwise
                    else f"{argument.name} must have the shape of {first_elementwise}, {batch}; found {array.shape}"
                )
            arrays[argument.name] = array
    for argument, value in zip(spec.arguments, values, strict=True):
        if isinstance(argument, Shared):
            array = _floating(value, argument.name)
            if array.shape != (classes,):
                raise ValueError(
                    f"{argument.name} must have shape ({classes},), one entry per class; found {array.shape}"
                )
            arrays[argument.name] = array
    if batch is None:
        raise ValueError(f"kernel {spec.name!r} has no array argument")
    floats = [array.dtype for array in arrays.values()]
    common = np.result_type(*floats)
    is_complex = common.kind == "c"
    if common.kind in "biu":
        common = np.dtype(np.float64)
    work = np.dtype(np.float32) if common == np.float16 else common
    if spec.samples is not None and work.kind == "f" and work.itemsize < 8:
        work = np.dtype(np.float64)  # a sum over the rows in float64, rounded once to the result's dtype
    rows = int(np.prod(batch, dtype=np.int64))
    prepared: list[Any] = []
    for argument, value in zip(spec.arguments, values, strict=True):
        if isinstance(argument, ClassArray):
            prepared.append(np.ascontiguousarray(arrays[argument.name].reshape(rows, classes), dtype=work))
        elif isinstance(argument, Elementwise | SampleArray):
            prepared.append(np.ascontiguousarray(arrays[argument.name].reshape(rows), dtype=work))
        elif isinstance(argument, Shared):
            prepared.append(np.ascontiguousarray(arrays[argument.name], dtype=work))
        elif isinstance(argument, RowIndex):
            prepared.append(_positions(argument.name, value, batch, classes))
        elif isinstance(argument, Parameter):
            prepared.append(_parameter(argument.name, value))
    return _Prepared(prepared, tuple(batch), rows, classes, work, common, is_complex)


def _positions(name: str, value: Any, batch: tuple[int, ...], classes: int) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind not in "iu":
        raise ValueError(f"{name} must hold integer class positions, found dtype {array.dtype}")
    if array.shape != batch:
        raise ValueError(f"{name} must have shape {batch} (one class position per row), found {array.shape}")
    flat = array.reshape(-1)
    if flat.size:
        low, high = flat.min(), flat.max()
        if low < 0 or high >= classes:
            bad = int(np.flatnonzero((flat < 0) | (flat >= classes))[0])
            where = tuple(int(index) for index in np.unravel_index(bad, batch)) if batch else ()
            raise ValueError(
                f"{name} must hold class positions in 0..{classes - 1}, found {int(flat[bad])} at index {where}"
            )
    return np.ascontiguousarray(flat, dtype=np.intp)


def _parameter(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a real number, found {type(value).__name__}")
    return float(value)


def _finish(result: np.ndarray, prepared: _Prepared, rank: int, summed: bool = False) -> np.ndarray:
    shaped = result.reshape((*(() if summed else prepared.batch), *([prepared.classes] * rank)))
    if not prepared.complex and shaped.dtype != prepared.result:
        shaped = shaped.astype(prepared.result)
    return shaped


# -- generation --------------------------------------------------------------------------------------
def _generate(spec: KernelSpec, layout: Layout, name: str) -> CompiledProgram:
    program = lower(spec, layout)
    arguments, class_argument, row_argument = argument_names(spec)
    outputs = [f"out_{number}" for number in range(len(spec.outputs))]
    source = emit(program, name, arguments, outputs, class_argument, row_argument)
    return compile_source(source, name, f"{spec.name} {name}")


_kernels: dict[KernelSpec, Kernel] = {}
_kernels_lock = threading.Lock()


def build_kernel(spec: KernelSpec, *, cache: bool = True) -> Kernel:
    """Prove ``spec``'s rewrites, then generate and compile its kernel (cached per spec).

    Raises :class:`~symcheck.kernels.RewriteRefused` if the engine refutes or cannot decide a
    rewrite, and :class:`~symcheck.kernels.UnsupportedExpression` for an expression it cannot lower.
    """
    if cache:
        with _kernels_lock:
            found = _kernels.get(spec)
        if found is not None:
            return found
    started = time.perf_counter()
    verified = tuple(VerifiedRewrite(rewrite, verify_rewrite(rewrite)) for rewrite in spec.rewrites)
    proved = time.perf_counter()
    row = row_form(spec)
    edges = plan_edges(row)
    program = edges.program
    slots = slots_needed(program)
    programs = {"rows": _generate(program, Layout(transposed=False, slots=slots), "kernel_rows")}
    if spec.samples is None and any(isinstance(argument, ClassArray) for argument in spec.arguments):
        programs["columns"] = _generate(program, Layout(transposed=True, slots=slots), "kernel_columns")
    kernel = Kernel(spec, programs, verified, time.perf_counter() - proved, proved - started, edges)
    for number, _measure in edges.cancellations:  # compiled now, so an unsupported form is refused at build
        kernel._double_words[number] = compile_double_word(row, row.outputs[number])
    kernel.build_seconds = time.perf_counter() - proved
    if cache:
        with _kernels_lock:
            _kernels[spec] = kernel
    return kernel


def clear_kernel_cache() -> None:
    """Forget built kernels (the next :func:`build_kernel` generates and compiles again)."""
    with _kernels_lock:
        _kernels.clear()
