"""Buffer allocation and Python source for a lowered program, compiled in a private namespace.

The lowered statements name registers; this module gives each register a buffer, reusing a
buffer as soon as the value in it is dead (liveness over the straight-line block body), writes
elementwise results into a dying argument's buffer when shapes agree (``np.exp(b0, out=b0)``), and
in the row-major layout writes the final operation of an output straight into the caller's output
array. The source is generated from the statements alone, so it is the same text for every ``K``;
it is compiled like ``lambdify`` does, with identifiers that :func:`~symcheck.kernels._printer.sanitize`
made safe and a namespace holding only ``np``, the block-size helper and the runtime helpers
(:mod:`._runtime`, and :mod:`._dd` for double-word programs).
"""

from __future__ import annotations

import linecache
from dataclasses import dataclass
from itertools import count
from typing import Any

import numpy as np

from symcheck.kernels import _dd
from symcheck.kernels._lowering import Layout, Lowered, Reg, Stmt
from symcheck.kernels._runtime import (
    accumulate,
    class_sum,
    exp_shifted,
    finish_sum,
    plus_at,
    rest_of_exp,
    row_dot,
    sum_except,
    take,
)

__all__ = ["BLOCK_ELEMENTS", "CompiledProgram", "compile_source", "emit", "rows_per_block"]

BLOCK_ELEMENTS = 1 << 15
"""Elements per buffer in a row-major block: 256 KiB in float64, so a block's buffers stay in L2."""
TRANSPOSED_BLOCK_ELEMENTS = 1 << 16
"""Elements per buffer in a transposed block: its operations are on rows of a few thousand
elements, and the per-call overhead of NumPy favours blocks twice as large (benchmarks/kernels.py)."""

_DTYPES = {"float": "dtype", "bool": "np.bool_", "intp": "np.intp", "uint8": "np.uint8"}
_counter = count()


SAMPLE_BLOCK_ELEMENTS = 1 << 18
"""Elements of the input block in a program summed over the rows: its per-row values are one
column each, and the block (2 MiB in float64) is read twice while in cache, by ``X_b w`` and
``X_bᵀ r``; fewer, larger BLAS calls (benchmarks/regression_kernels.py)."""
GRAM_ROWS = 256
"""At least this many rows per block when a block's rows are summed into a ``K x K`` matrix: the
matrix product then outweighs adding its ``K²`` partial sums to the accumulator."""


def rows_per_block(rows: int, width: int, transposed: bool = False, least: int = 0) -> int:
    """How many rows a block holds: about ``BLOCK_ELEMENTS`` elements per buffer, at least one row.

    ``least > 0`` marks a program summed over the rows: ``SAMPLE_BLOCK_ELEMENTS`` per input block,
    at least ``least`` rows.
    """
    elements = TRANSPOSED_BLOCK_ELEMENTS if transposed else BLOCK_ELEMENTS
    if least:
        elements = SAMPLE_BLOCK_ELEMENTS
    return max(1, min(rows, max(least, elements // max(width, 1))))


@dataclass(frozen=True)
class CompiledProgram:
    """A generated function and its source."""

    function: Any
    source: str


class _Allocation:
    def __init__(self, program: Lowered, output_views: bool) -> None:
        self.program = program
        self.layout = program.layout
        self.buffer: dict[int, str] = {}  # id(root reg) -> buffer or variable name
        self.allocated: list[tuple[str, Reg]] = []  # pool buffers created before the loop
        self.fresh_names: set[str] = set()
        self.output_names: dict[int, str] = {}
        self._pool: dict[tuple[str, frozenset[int]], list[str]] = {}
        self._plan(output_views)

    def _last_uses(self, body: list[Stmt]) -> dict[int, int]:
        last: dict[int, int] = {}
        for position, statement in enumerate(body):
            for arg in statement.args:
                last[id(arg.root)] = position
        end = len(body)
        for _name, reg, _slots in self.program.outputs:
            last[id(reg.root)] = end
        return last

    def _plan(self, output_views: bool) -> None:
        for statement in self.program.statements:
            if statement.prologue:
                self.buffer[id(statement.target)] = statement.target.name
        body = [statement for statement in self.program.statements if not statement.prologue]
        last = self._last_uses(body)
        direct: dict[int, str] = {}
        if output_views and not self.layout.transposed:
            for number, (_name, reg, slots) in enumerate(self.program.outputs):
                full = frozenset(slots)
                if (
                    reg.alias_of is None
                    and reg.text is None
                    and reg.kind == "float"
                    and reg.slots == full
                    and id(reg) not in direct
                ):
                    direct[id(reg)] = f"o{number}"
        producers = {id(statement.target): statement for statement in body}
        for reg_id, name in list(direct.items()):
            if producers.get(reg_id) is None or producers[reg_id].fresh:
                del direct[reg_id]
            else:
                self.output_names[reg_id] = name
        for position, statement in enumerate(body):
            target = statement.target
            if statement.effect:
                self.buffer[id(target)] = "None"
            elif statement.fresh:
                self.buffer[id(target)] = target.name
                self.fresh_names.add(target.name)
            elif id(target) in direct:
                self.buffer[id(target)] = direct[id(target)]
            else:
                self.buffer[id(target)] = self._take(statement, position, last)
            scratch_names = []
            for reg in statement.scratch:
                name = self._take(Stmt(reg, "", ()), position, last, inplace=False)
                self.buffer[id(reg)] = name
                scratch_names.append(((reg.kind, reg.slots), name))
            for arg in statement.args:
                root = arg.root
                if (
                    last.get(id(root)) == position
                    and id(root) in self.buffer
                    and root.writable
                    and id(root) not in direct
                    and self.buffer[id(root)] != self.buffer[id(target)]
                ):
                    self._pool.setdefault((root.kind, root.slots), []).append(self.buffer[id(root)])
            for key, name in scratch_names:
                self._pool.setdefault(key, []).append(name)

    def _take(self, statement: Stmt, position: int, last: dict[int, int], inplace: bool = True) -> str:
        target = statement.target
        key = (target.kind, target.slots)
        if statement.inplace and inplace:
            for arg in statement.args:
                root = arg.root
                if (
                    root is arg
                    and root.writable
                    and root.text is None
                    and last.get(id(root)) == position
                    and (root.kind, root.slots) == key
                    and id(root) in self.buffer
                ):
                    return self.buffer[id(root)]
        free = self._pool.get(key)
        if free:
            return free.pop()
        name = f"b{len(self.allocated)}"
        self.allocated.append((name, target))
        return name

    def text(self, reg: Reg) -> str:
        if reg.alias_of is not None:
            return reg.text.format(self.text(reg.alias_of))
        if reg.text is not None:
            return reg.text
        return self.buffer[id(reg)]


def _statement_line(statement: Stmt, allocation: _Allocation, prologue: bool) -> str:
    texts = [allocation.text(arg) for arg in (*statement.args, *statement.scratch)]
    target = statement.target
    if prologue:
        return f"{target.name} = " + statement.template.format(*texts, out="None")
    if statement.effect:
        return statement.template.format(*texts)
    if statement.fresh:
        return f"{target.name} = " + statement.template.format(*texts)
    return statement.template.format(*texts, out=allocation.buffer[id(target)])


def _output_index(layout: Layout, output_slots: tuple[int, ...]) -> str:
    """Index into a register that drops the class axes an output does not have."""
    classes = [":" if slot < len(output_slots) else "0" for slot in range(layout.slots)]
    parts = [*classes, ":"] if layout.transposed else [":", *classes]
    return ", ".join(parts)


def emit(
    program: Lowered,
    name: str,
    arguments: list[str],
    outputs: list[str],
    class_argument: str | None,
    row_argument: str,
    *,
    output_views: bool = True,
) -> str:
    """The source of ``def name(*arguments, *outputs)`` that runs ``program`` block by block."""
    layout = program.layout
    allocation = _Allocation(program, output_views)
    lines = [f"def {name}({', '.join([*arguments, *outputs])}):"]
    add = lines.append
    add(f"    N = {row_argument}.shape[0]")
    add(f"    K = {class_argument}.shape[1]" if class_argument else "    K = 1")
    add(f"    dtype = {outputs[0]}.dtype" if outputs else "    dtype = np.float64")
    finish = [
        f"_finish_sum(acc_{a.number}, low_{a.number}, {a.numerator}, {a.denominator}, {outputs[a.number]})"
        for a in program.accumulations
    ]
    for accumulation in program.accumulations:
        shape = ", ".join(["K"] * accumulation.rank) or "1"
        add(f"    acc_{accumulation.number} = np.zeros(({shape},), dtype=np.float64)")
        add(f"    low_{accumulation.number} = np.zeros(({shape},), dtype=np.float64)")
    add("    if N == 0:")
    lines.extend(f"        {line}" for line in finish)
    add("        return")
    if program.accumulations:  # only the class axis of the inputs is materialised per row
        least = GRAM_ROWS if any(a.rank == 2 for a in program.accumulations) else 1
        add(f"    B = _rows_per_block(N, K, False, {least})")
    else:
        add(f"    B = _rows_per_block(N, K ** {layout.slots}, {layout.transposed})")
    for statement in program.statements:
        if statement.prologue:
            add("    " + _statement_line(statement, allocation, prologue=True))
    for buffer, reg in allocation.allocated:
        add(f"    {buffer} = np.empty({layout.shape(reg.slots)}, dtype={_DTYPES[reg.kind]})")
    add("    n = B")
    add("    for start in range(0, N, B):")
    add("        stop = start + B")
    add("        if stop > N:")
    add("            stop = N")
    add("            n = N - start")
    for buffer, _reg in allocation.allocated:
        add("            " + layout.tail(buffer))
    for number, (_output, reg, slots) in enumerate(program.outputs):
        if id(reg) in allocation.output_names:
            expand = ", ".join(["start:stop"] + [":"] * len(slots) + ["None"] * (layout.slots - len(slots)))
            add(f"        o{number} = {outputs[number]}[{expand}]")
    for statement in program.statements:
        if not statement.prologue:
            add("        " + _statement_line(statement, allocation, prologue=False))
    for number, (_output, reg, slots) in enumerate(program.outputs):
        if id(reg) in allocation.output_names or reg.kind == "accumulator":
            continue
        if reg.kind == "scalar":
            add(f"        {outputs[number]}[start:stop] = {allocation.text(reg)}")
            continue
        value = f"{allocation.text(reg)}[{_output_index(layout, slots)}]"
        if layout.transposed:
            value = f"np.moveaxis({value}, -1, 0)"
        add(f"        np.copyto({outputs[number]}[start:stop], {value})")
    lines.extend(f"    {line}" for line in finish)
    return "\n".join(lines) + "\n"


def compile_source(source: str, name: str, label: str) -> CompiledProgram:
    """Compile generated ``source`` defining ``name`` in a namespace of its own.

    The source comes from our statements (never from user text); it is registered with
    ``linecache`` under a unique file name so tracebacks through a kernel show its code.
    """
    filename = f"<symcheck-kernel {label} #{next(_counter)}>"
    code = compile(source, filename, "exec")
    namespace: dict[str, Any] = {
        "np": np,
        "numpy": np,
        "_rows_per_block": rows_per_block,
        "_accumulate": accumulate,
        "_finish_sum": finish_sum,
        "_row_dot": row_dot,
        "_class_sum": class_sum,
        "_exp_shifted": exp_shifted,
        "_plus_at": plus_at,
        "_rest_of_exp": rest_of_exp,
        "_sum_except": sum_except,
        "_take": take,
        "_dd": _dd,
    }
    exec(code, namespace)  # our own generated code, compiled from SymPy trees
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    return CompiledProgram(namespace[name], source)
