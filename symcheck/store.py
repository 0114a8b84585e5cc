"""Content-addressed storage for reports: JSON files written atomically, read back into frozen dataclasses.

Shared by every cache of symcheck (grade reports, verification reports, PDFs): a key is a hash of
everything a result depends on (:func:`tree_digest` of the code, the inputs' bytes, the settings),
so a stored result is either exactly right or not found. A cache that cannot be written only makes
the next run slower; a stored file that cannot be read back is treated as missing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
import tempfile
import types
import typing
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

__all__ = ["JsonStore", "engine_digest", "loaded", "plain", "tree_digest"]


def tree_digest(root: Path, skip: tuple[str, ...] = ()) -> str:
    """A hash of every ``.py`` file under ``root`` (names and contents), except those under ``skip``."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(skip) or "__pycache__" in relative:
            continue
        digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=4)
def engine_digest(skip: tuple[str, ...] = ()) -> str:
    """A hash of symcheck's code (but the modules under ``skip``) and of the libraries it runs on."""
    import mpmath
    import numpy
    import sympy

    import symcheck

    versions = (symcheck.__version__, sympy.__version__, mpmath.__version__, numpy.__version__, sys.version_info[:2])
    return hashlib.sha256(
        (tree_digest(Path(symcheck.__file__).resolve().parent, skip) + repr(versions)).encode()
    ).hexdigest()


def plain(value: Any) -> Any:
    """A report as JSON-ready data that :func:`loaded` turns back into the same report (its fields only)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: plain(getattr(value, field.name)) for field in dataclasses.fields(value) if field.init}
    if isinstance(value, (tuple, list)):
        return [plain(item) for item in value]
    return value


def loaded(kind: Any, value: Any) -> Any:
    """``value`` (read back from JSON) as the type ``kind`` of a report's field: nested dataclasses,
    tuples (JSON has only lists), optional and union fields. Driven by the fields' type hints, so a
    field added to a report is stored without a change here."""
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin is typing.Union or origin is types.UnionType:
        options = [option for option in typing.get_args(kind) if option is not type(None)]
        for option in options:
            if dataclasses.is_dataclass(option) and isinstance(value, dict):
                return loaded(option, value)
        for option in options:
            if typing.get_origin(option) is tuple and isinstance(value, list):
                return loaded(option, value)
        return float(value) if float in options and isinstance(value, int) else value
    if origin is tuple:
        arguments = typing.get_args(kind)
        if len(arguments) == 2 and arguments[1] is Ellipsis:
            return tuple(loaded(arguments[0], item) for item in value)
        if len(arguments) != len(value):
            raise ValueError(f"expected {len(arguments)} items, found {len(value)}")
        return tuple(loaded(argument, item) for argument, item in zip(arguments, value, strict=True))
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        if not isinstance(value, dict):
            raise TypeError(f"{kind.__name__} is stored as {type(value).__name__}")
        hints = _hints(kind)
        return kind(
            **{
                field.name: loaded(hints[field.name], value[field.name])
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


class JsonStore:
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

    def read(self, key: str) -> Any | None:
        data = self.read_bytes(key, ".json")
        try:
            return None if data is None else json.loads(data.decode("utf-8"))
        except ValueError:
            return None

    def write(self, key: str, value: Any) -> None:
        self.write_bytes(key, json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8"), ".json")
