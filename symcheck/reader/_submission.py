"""``read_submission``: a student's file (Markdown, LaTeX or a notebook) as a :class:`Submission`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from symcheck.reader._submission_files import load
from symcheck.reader._submission_layout import find_layout
from symcheck.submission import Submission

__all__ = ["read_submission", "shown_path"]


def shown_path(path: Path) -> str:
    """How reports name a file: from the top of its package, or from the working directory, never machine-specific.

    A file that ships inside a Python package (the homework data of the library, its sample sheets in folders
    without ``__init__.py`` too) is named from the top of that package, wherever it is installed; another file
    under the working directory from there; any other file by its name alone, so that no report carries the
    absolute path of the machine that graded it.
    """
    resolved = path.resolve()
    package = next((folder for folder in resolved.parents if (folder / "__init__.py").exists()), None)
    if package is not None:
        while (package.parent / "__init__.py").exists():
            package = package.parent
        return resolved.relative_to(package.parent).as_posix()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.name


def read_submission(path: Path | str, letters: Iterable[str] = "abcdefgh", *, shown: str | None = None) -> Submission:
    """Read a submission file into its headings, formulas and sentences.

    ``letters`` are the part letters a heading may name (those of the homework), so that ``(i)`` in a
    sheet is not taken for a part. Raises :class:`~symcheck.errors.SourceError` with one clear line for a
    file that cannot be read: not UTF-8, a notebook that is not JSON, an unknown format.
    """
    path = Path(path)
    name = shown if shown is not None else shown_path(path)
    loaded = load(path, name)
    layout = find_layout(loaded.text, loaded.masked, frozenset(letters), latex=loaded.format == "latex")
    line_starts = (0, *(match.end() for match in re.finditer("\n", loaded.text)))
    return Submission(
        path=name,
        student=path.stem,
        format=loaded.format,
        text=loaded.text,
        headings=layout.headings,
        formulas=layout.formulas,
        sentences=layout.sentences,
        blocks=loaded.blocks,
        line_starts=line_starts,
    )
