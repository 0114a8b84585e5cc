r"""A sheet's own slips: an optional ``<sheet>.slips.toml`` beside it, for how *this* sheet writes things.

The homework key holds the notation every sheet may use; a slips file holds what only one sheet does,
such as an OCR that read ``x_i`` as ``n_i``::

    [[reading]]
    parts = ["1(a)"]              # where it applies (every part when left out)
    lines = [[120, 136]]          # or only on these lines of the sheet (first and last, inclusive)
    names = { x = ['n'] }         # the key's name = [how this sheet writes it]

A sheet without one is graded all the same.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from symcheck.errors import SourceError
from symcheck.grading._spec import Homework

__all__ = ["Slips", "load_slips", "slips_path"]


@dataclass(frozen=True)
class Slips:
    """A sheet's own readings: by part (None: every part), and those restricted to some lines."""

    by_part: dict[str | None, tuple] = field(default_factory=dict)
    by_lines: tuple[tuple[int, int, tuple[str, ...], tuple], ...] = ()
    """(first line, last line, parts or (), name pairs) of each reading given for lines."""

    def for_line(self, line: int, part: str | None) -> tuple:
        """The extra name pairs that hold on one line of the sheet (in one part)."""
        found: list = []
        for first, last, parts, pairs in self.by_lines:
            if first <= line <= last and (not parts or part in parts):
                found.extend(pairs)
        return tuple(found)


def slips_path(sheet: Path) -> Path:
    return sheet.with_name(f"{sheet.stem}.slips.toml")


def load_slips(sheet: Path, path: Path | None, homework: Homework) -> Slips:
    """The readings of a sheet's slips file; none when there is no file."""
    path = path if path is not None else slips_path(sheet)
    if not path.is_file():
        return Slips()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SourceError(f"cannot read the slips file: {error}", path=str(path)) from None
    readings = document.get("reading", [])
    if set(document) - {"reading"} or not isinstance(readings, list):
        raise SourceError("a slips file holds [[reading]] tables only", path=str(path))
    found: dict[str | None, list] = {}
    by_lines: list = []
    for number, reading in enumerate(readings, start=1):
        if not isinstance(reading, dict) or set(reading) - {"parts", "names", "lines"}:
            raise SourceError(f"[[reading]] {number}: only 'parts', 'lines' and 'names' are allowed", path=str(path))
        names = reading.get("names", {})
        if not isinstance(names, dict) or not all(
            isinstance(spellings, list) and all(isinstance(s, str) for s in spellings) for spellings in names.values()
        ):
            raise SourceError(f"[[reading]] {number}: names must be a table: name = [spellings]", path=str(path))
        parts = reading.get("parts", [None])
        for part in parts:
            if part is not None and homework.part(part) is None:
                raise SourceError(f"[[reading]] {number}: the homework has no part {part!r}", path=str(path))
        pairs = tuple((name, tuple(spellings)) for name, spellings in names.items())
        if "lines" in reading:
            for span in _spans(reading["lines"], number, path):
                by_lines.append((*span, tuple(part for part in parts if part is not None), pairs))
            continue
        for part in parts:
            found.setdefault(part, []).extend(pairs)
    return Slips({part: tuple(pairs) for part, pairs in found.items()}, tuple(by_lines))


def _spans(raw: object, number: int, path: Path) -> list[tuple[int, int]]:
    if not isinstance(raw, list) or not all(
        isinstance(span, list) and len(span) == 2 and all(isinstance(n, int) and n > 0 for n in span) for span in raw
    ):
        raise SourceError(f"[[reading]] {number}: lines must be a list of [first, last] line numbers", path=str(path))
    return [(span[0], span[1]) for span in raw]
