"""The homeworks that ship with the library, registered by name for ``symcheck grade`` and ``symcheck build``.

Each homework is a directory of data beside the library: its key (``key.toml``: the questions, the
quantities and statements a student may state, notation and points), its questions (``questions.md``)
and sheets (the seed sheet ``ml_theory/answer_sheet.md``, a class of sample sheets in ``samples/``).
The library's topic modules hold the mathematics; nothing here holds a number of its own.
Importing this module registers every homework found here (``derivations.register_all`` imports it).

A homework names its class in its key: ``class = "samples"`` under ``[homework]`` is the folder, beside
the key, whose sheets ``symcheck build`` grades (with the default ``sheet``, if any) into the class
overview ``output/<name>/overview.{html,json}`` and ``output/<name>/gradebook.csv``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from symcheck import register_sheet

__all__ = ["HOMEWORKS", "register"]

_HERE = Path(__file__).resolve().parent


def _homeworks() -> dict[str, tuple[str, Path, Path | None, Path | None]]:
    """name → (title, key, default sheet, class folder) of every directory here holding a ``key.toml``."""
    found: dict[str, tuple[str, Path, Path | None, Path | None]] = {}
    for key in sorted(_HERE.glob("*/key.toml")):
        head = tomllib.loads(key.read_text(encoding="utf-8")).get("homework", {})
        sheet, folder = head.get("sheet"), head.get("class")
        found[head["name"]] = (
            head.get("title", head["name"]),
            key,
            key.parent / sheet if sheet else None,
            key.parent / folder if folder else None,
        )
    return found


HOMEWORKS = _homeworks()
"""Registered name → (title, key file, default sheet or None, class folder or None)."""


def register() -> None:
    """Register every homework of the library with symcheck (idempotent)."""
    for name, (title, key, sheet, folder) in HOMEWORKS.items():
        register_sheet(name, title=title, key=key, sheet=sheet, class_folder=folder)


register()
