"""Content-addressed caches of verification and grade reports, so a rebuild redoes only what changed.

Verifying a derivation is the expensive part of a build. Its report is a pure function of the
derivation (its statements, assumptions, definitions, checks and words), of the code that checks
it, and of the versions of SymPy, mpmath, NumPy and Python; the cache key is a hash of exactly
those, so any change to any of them misses the cache and the derivation is verified again:

* the derivation: every field, SymPy objects as trees whose leaves are spelt by ``srepr`` (which
  spells out assumptions), the
  builder of a ``ShapeIs`` and a ``Reference``'s NumPy function by the source of their module;
* the engine: the source of every module of :mod:`symcheck` up to and including verification
  (grading, publishing and the command line sit above it and cannot change a report);
* the verification settings (timeout, numeric checks) and the library versions.

A report is stored only when it is a verdict that does not depend on the machine's load: an
undecided report (often a timeout) is verified again next time.

Grading a sheet is cached the same way (:class:`GradeCache`), keyed by the sheet and its key
(their bytes), all of symcheck below publishing, every source file of the library's packages, and
the timeout.

Compiled PDFs are kept too (:class:`PdfCache`), addressed by their Typst source and the Typst
version, since the PDF is a pure function of both.

Entries are files under the cache directory (``.symcheck-cache/`` by default, git-ignored),
written atomically, so two builds can share one cache. Deleting the directory is always safe.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import inspect
import json
import os
import sys
import tempfile
import types
import typing
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from symcheck.model import Derivation
from symcheck.results import DerivationReport
from symcheck.sheet import GradeReport

__all__ = ["GradeCache", "PdfCache", "VerificationCache", "derivation_digest", "fingerprint", "grade_fingerprint"]

_FORMAT = 1
"""Bumped when the stored JSON changes shape."""


_ABOVE_GRADING = ("publish/", "cli.py", "__main__.py", "pytest_plugin.py")
_ABOVE_VERIFYING = ("grading/", *_ABOVE_GRADING)
"""Modules above verification in the import layers: they cannot change a verification report."""


def _tree_digest(root: Path, skip: tuple[str, ...] = ()) -> str:
    """A hash of every ``.py`` file under ``root`` (names and contents), except those under ``skip``."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(skip) or "__pycache__" in relative:
            continue
        digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=4)
def _engine_digest(skip: tuple[str, ...] = _ABOVE_VERIFYING) -> str:
    """A hash of symcheck's code below ``skip`` and of the libraries it runs on."""
    import mpmath
    import numpy
    import sympy

    import symcheck

    versions = (symcheck.__version__, sympy.__version__, mpmath.__version__, numpy.__version__, sys.version_info[:2])
    return hashlib.sha256(
        (_tree_digest(Path(symcheck.__file__).resolve().parent, skip) + repr(versions)).encode()
    ).hexdigest()


@lru_cache(maxsize=256)
def _module_digest(module_name: str) -> str:
    module = sys.modules.get(module_name)
    try:
        source = inspect.getsource(module) if module is not None else module_name
    except (OSError, TypeError):
        source = module_name
    return hashlib.sha256(source.encode()).hexdigest()


def _feed_sympy(value: Any, update: Callable[[str], None]) -> None:
    """A SymPy object as its tree: class, then arguments; leaves (symbols, numbers) by ``srepr``.

    ``srepr`` of a whole expression would do, but it sorts the terms of every sum and product for
    printing, which costs more than the rest of the fingerprint together; ``args`` are already in
    SymPy's canonical order, the same in every process. Leaves keep ``srepr``, which spells out a
    symbol's assumptions; an undefined function's class is spelt the same way.
    """
    from sympy import srepr
    from sympy.core.function import AppliedUndef

    if not value.args:
        update(f"L({srepr(value)})")
        return
    head = srepr(value.func) if isinstance(value, AppliedUndef) else type(value).__qualname__
    update(f"N({head}")
    for argument in value.args:
        _feed_sympy(argument, update)
    update(")")


def _feed(value: Any, update: Callable[[str], None]) -> None:
    """Feed a canonical, deterministic spelling of ``value`` to ``update``."""
    from sympy import Basic

    if isinstance(value, Basic):
        _feed_sympy(value, update)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        update(f"D({type(value).__qualname__}")
        for item in dataclasses.fields(value):
            update(f",{item.name}=")
            _feed(getattr(value, item.name), update)
        update(")")
    elif isinstance(value, (tuple, list)):
        update(f"T{len(value)}(")
        for item in value:
            _feed(item, update)
            update(",")
        update(")")
    elif isinstance(value, enum.Enum):
        update(f"E({type(value).__qualname__}.{value.name})")
    elif isinstance(value, (str, int, float, bool, type(None))):
        update(f"V({value!r})")
    elif callable(value):
        module = getattr(value, "__module__", None) or ""
        update(f"F({module}.{getattr(value, '__qualname__', '?')}:{_module_digest(module)})")
    else:
        update(f"R({type(value).__qualname__}:{value!r})")


def derivation_digest(derivation: Derivation) -> str:
    """A hash of everything ``derivation`` holds (its part of the cache key)."""
    digest = hashlib.sha256()
    _feed(derivation, lambda text: digest.update(text.encode()))
    return digest.hexdigest()


def fingerprint(derivation: Derivation, *, timeout: float | None, numeric: bool) -> str:
    """The cache key of ``derivation``'s verification: changes whenever its report could change."""
    key = f"symcheck-verify-{_FORMAT}:{_engine_digest()}:{timeout!r}:{numeric}:{derivation_digest(derivation)}"
    return hashlib.sha256(key.encode()).hexdigest()


def _library_digest() -> str:
    """A hash of the source of every package that registered derivations or sheets (the library)."""
    from symcheck import registry

    roots: set[Path] = set()
    for entry in registry.entries():
        module = sys.modules.get(entry.module.split(".")[0])
        if module is not None and getattr(module, "__file__", None):
            roots.add(Path(module.__file__).resolve().parent)
    return hashlib.sha256("".join(_tree_digest(root) for root in sorted(roots)).encode()).hexdigest()


def grade_fingerprint(sheet: Path, key: Path, *, timeout: float) -> str:
    """The cache key of grading ``sheet`` with ``key``: both files, the grading code, the library, the timeout.

    Grading compares the sheet with the library's derivations through the whole engine, so the
    key covers all of symcheck below publishing and every source file of the library's packages.
    """
    parts = (
        f"symcheck-grade-{_FORMAT}",
        _engine_digest(_ABOVE_GRADING),
        _library_digest(),
        repr(timeout),
        hashlib.sha256(Path(sheet).read_bytes()).hexdigest(),
        hashlib.sha256(Path(key).read_bytes()).hexdigest(),
    )
    return hashlib.sha256(":".join(parts).encode()).hexdigest()


def _loaded(kind: Any, value: Any) -> Any:
    """``value`` (read back from JSON) as the type ``kind`` of a report's field: nested dataclasses,
    tuples (JSON has only lists), optional and union fields. Driven by the fields' type hints, so a
    field added to a report is cached without a change here."""
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin is typing.Union or origin is types.UnionType:
        options = [option for option in typing.get_args(kind) if option is not type(None)]
        for option in options:
            if dataclasses.is_dataclass(option) and isinstance(value, dict):
                return _loaded(option, value)
        for option in options:
            if typing.get_origin(option) is tuple and isinstance(value, list):
                return _loaded(option, value)
        return float(value) if float in options and isinstance(value, int) else value
    if origin is tuple:
        arguments = typing.get_args(kind)
        if len(arguments) == 2 and arguments[1] is Ellipsis:
            return tuple(_loaded(arguments[0], item) for item in value)
        if len(arguments) != len(value):
            raise ValueError(f"expected {len(arguments)} items, found {len(value)}")
        return tuple(_loaded(argument, item) for argument, item in zip(arguments, value, strict=True))
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        if not isinstance(value, dict):
            raise TypeError(f"{kind.__name__} is stored as {type(value).__name__}")
        hints = _hints(kind)
        return kind(
            **{
                field.name: _loaded(hints[field.name], value[field.name])
                for field in dataclasses.fields(kind)
                if field.init and field.name in value
            }
        )
    if kind is float and isinstance(value, int):
        return float(value)
    return value


@cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)


def _report_from_dict(data: dict[str, Any]) -> DerivationReport:
    return _loaded(DerivationReport, data)


def _grade_from_dict(data: dict[str, Any]) -> GradeReport:
    return _loaded(GradeReport, data)


class _JsonStore:
    """Files addressed by key under one directory, written atomically. ``directory=None`` keeps nothing."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def read_bytes(self, key: str, suffix: str) -> bytes | None:
        if self.directory is None:
            return None
        try:
            return (self.directory / f"{key}{suffix}").read_bytes()
        except OSError:
            return None

    def write_bytes(self, key: str, data: bytes, suffix: str) -> None:
        if self.directory is None:
            return
        temporary = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=self.directory)
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, self.directory / f"{key}{suffix}")
        except OSError:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
            # a cache that cannot be written only makes the next build slower

    def read(self, key: str) -> Any | None:
        data = self.read_bytes(key, ".json")
        try:
            return None if data is None else json.loads(data.decode("utf-8"))
        except ValueError:
            return None

    def write(self, key: str, value: Any) -> None:
        self.write_bytes(key, json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8"), ".json")


class PdfCache:
    """Compiled PDFs, addressed by their Typst source and the compiler's version.

    The PDF is a pure function of both: the document's date is ``none`` and only the fonts inside
    the typst wheel are used. So a source that has not changed since an earlier build is not
    compiled again (half a second for the seed sheet's 50 pages). ``directory=None`` caches nothing.
    """

    def __init__(self, directory: Path | None) -> None:
        self._store = _JsonStore(directory / "pdf" if directory is not None else None)

    @staticmethod
    def key(source: str) -> str:
        from importlib.metadata import version

        digest = hashlib.sha256(f"{_FORMAT}\0typst {version('typst')}\0".encode())
        digest.update(source.encode("utf-8"))
        return digest.hexdigest()

    def load(self, source: str) -> bytes | None:
        return self._store.read_bytes(self.key(source), ".pdf")

    def store(self, source: str, pdf: bytes) -> None:
        self._store.write_bytes(self.key(source), pdf, ".pdf")


class VerificationCache:
    """Verification reports on disk, addressed by :func:`fingerprint`. ``directory=None`` caches nothing."""

    def __init__(self, directory: Path | None) -> None:
        self._store = _JsonStore(directory / "verify" if directory is not None else None)

    def load(self, key: str) -> DerivationReport | None:
        data = self._store.read(key)
        try:
            return _report_from_dict(data) if data is not None else None
        except (KeyError, TypeError, ValueError):
            return None  # written by another version: verify again

    def store(self, key: str, report: DerivationReport) -> None:
        if report.status == "undecided" or report.error:
            return
        self._store.write(key, dataclasses.asdict(report))


class GradeCache:
    """Grade reports on disk, addressed by :func:`grade_fingerprint`. ``directory=None`` caches nothing.

    Unlike verification, an undecided claim is kept: grading calls a claim undecided for what the
    sheet says (two readings that disagree), which does not change from one run to the next.
    """

    def __init__(self, directory: Path | None) -> None:
        self._store = _JsonStore(directory / "grade" if directory is not None else None)

    def load(self, key: str) -> GradeReport | None:
        data = self._store.read(key)
        try:
            return _grade_from_dict(data) if data is not None else None
        except (KeyError, TypeError, ValueError):
            return None

    def store(self, key: str, report: GradeReport) -> None:
        self._store.write(key, dataclasses.asdict(report))
