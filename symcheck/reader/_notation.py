"""A :class:`SymbolTable` compiled for reading: every key in canonical form, every function callable.

Keys are written by people (``r"\\hat{y}"``, ``"yhat"``, ``r"W^{[1]}"``, ``r"\\text{Leaky ReLU}"``) and
are read with the reader's own name grammar, so a key matches exactly what the same text on a sheet
reads as. Compiling once per table (the result is cached) keeps reading a formula cheap.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import sympy

from symcheck.reader._errors import LatexSyntaxError
from symcheck.reader._table import SymbolTable

__all__ = ["Notation", "compile_notation"]


@dataclass(frozen=True)
class Notation:
    """What the parser and builder consult; names are canonical (``yhat``, ``W1``, ``w_new``)."""

    functions: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    symbols: Mapping[str, sympy.Basic] = field(default_factory=dict)
    indexed: frozenset[str] = frozenset()
    layered: frozenset[str] = frozenset()
    integers: frozenset[str] = frozenset()
    kronecker: str | None = None
    real: bool = True
    log_base: sympy.Basic | None = None
    default_sum_range: tuple[Any, Any] = (1, "K")
    declared: frozenset[str] = frozenset()
    """Every name the table mentions: such a name is never split into letters, nor read as e or π."""
    words: frozenset[str] = frozenset()
    """Declared names of several letters, recognised when written as plain letters (``BCE``)."""
    matrices: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)
    identity: str | None = None
    rows: Mapping[str, str] = field(default_factory=dict)

    def is_indexed(self, base: str, full: str) -> bool:
        return base in self.indexed or full in self.indexed


_PYTHON_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)?")
"""A key already in the library's spelling (``yhat``, ``W1``, ``w_new``, ``D_a``): the canonical name itself."""


def _canonical(text: str, notation: Notation, where: str, *, bare: bool = False) -> str:
    from symcheck.reader._parser import Parser
    from symcheck.reader._tokens import tokenize

    if not isinstance(text, str):
        raise TypeError(f"SymbolTable {where}: keys are strings, not {type(text).__name__}")
    if _PYTHON_NAME.fullmatch(text):
        if bare and "_" in text:
            raise LatexSyntaxError(
                f"SymbolTable {where} key {text!r}: write the name without a subscript", source=text, offset=0
            )
        return text
    try:
        tokens = tokenize(text)
        if not tokens:
            raise LatexSyntaxError("empty name", source=text, offset=0)
        name, subscripted = Parser(text, tokens, notation, whole_words=True).parse_name_key()
    except LatexSyntaxError as error:
        raise LatexSyntaxError(
            f"SymbolTable {where} key {text!r}: {error.message}", source=text, offset=error.offset
        ) from None
    if bare and subscripted:
        raise LatexSyntaxError(
            f"SymbolTable {where} key {text!r}: write the name without a subscript", source=text, offset=0
        )
    return name


def _function(name: str, value: Any) -> Callable[..., Any]:
    if value is None:
        return sympy.Function(name)
    if isinstance(value, str):
        return sympy.Function(value)
    if callable(value):
        return value
    raise TypeError(f"SymbolTable functions[{name!r}] must be a name, a callable or None, not {value!r}")


@lru_cache(maxsize=64)
def compile_notation(table: SymbolTable) -> Notation:
    """The table with canonical keys; raises :class:`LatexSyntaxError` for a key it cannot read."""
    layered = frozenset(_canonical(key, Notation(), "layered", bare=True) for key in table.layered)
    names = Notation(layered=layered)
    indexed = {_canonical(key, names, "indexed", bare=True) for key in table.indexed}
    symbols: dict[str, sympy.Basic] = {}
    for key, value in table.symbols.items():
        if not isinstance(value, sympy.Basic):
            raise TypeError(f"SymbolTable symbols[{key!r}] must be a SymPy object, not {value!r}")
        canonical = _canonical(key, names, "symbols")
        symbols[canonical] = value
        if isinstance(value, sympy.IndexedBase):
            indexed.add(canonical)
    functions = {}
    for key, value in table.functions.items():  # type: ignore[union-attr]
        canonical = _canonical(key, names, "functions")
        functions[canonical] = _function(canonical, value)
    integers = frozenset(_canonical(key, names, "integers", bare=True) for key in table.integers)
    kronecker = None if table.kronecker is None else _canonical(table.kronecker, names, "kronecker", bare=True)
    matrices = {_canonical(key, names, "matrices"): shape for key, shape in table.matrices.items()}
    identity = None if table.identity is None else _canonical(table.identity, names, "identity", bare=True)
    rows = {
        _canonical(key, names, "rows", bare=True): _canonical(value, names, "rows", bare=True)
        for key, value in table.rows.items()
    }
    indexed |= set(rows)
    declared = frozenset(functions) | frozenset(symbols) | indexed | layered | integers | frozenset(matrices)
    if identity is not None:
        declared |= {identity}
    if kronecker is not None:
        declared |= {kronecker}
    log_base = table.log_base
    if isinstance(log_base, int):
        log_base = sympy.Integer(log_base)
    elif log_base is not None and not isinstance(log_base, sympy.Basic):
        raise TypeError(f"SymbolTable log_base must be None, an int or a SymPy expression, not {log_base!r}")
    return Notation(
        functions=functions,
        symbols=symbols,
        indexed=frozenset(indexed),
        layered=layered,
        integers=integers,
        kronecker=kronecker,
        real=table.real,
        log_base=log_base,
        default_sum_range=table.default_sum_range,
        declared=declared,
        words=frozenset(name for name in declared if len(name) > 1 and name.isascii() and name.isalpha()),
        matrices=matrices,
        identity=identity,
        rows=rows,
    )
