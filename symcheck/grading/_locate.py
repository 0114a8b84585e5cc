"""Where a homework's key is, and which files of a class are submissions.

``symcheck grade HOMEWORK …`` names a registered homework (``ml-theory``), a key file (``key.toml``)
or a folder holding one. A class is files or folders: a folder's submissions are its Markdown, LaTeX
and notebook files (not its README, keys or slips files), in name order.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from symcheck import registry
from symcheck.errors import SymcheckError
from symcheck.grading._homework import load_homework
from symcheck.grading._spec import Homework
from symcheck.reader._submission_files import FORMATS

__all__ = ["default_sheet", "locate_homework", "submissions_in"]

_NOT_SUBMISSIONS = {"readme.md", "questions.md", "key.toml"}


def _key_path(name_or_path: str) -> Path:
    path = Path(name_or_path)
    if path.is_dir():
        key = path / "key.toml"
        if not key.is_file():
            raise SymcheckError(f"{name_or_path}: this folder holds no key.toml")
        return key
    if path.suffix == ".toml":
        if not path.is_file():
            raise SymcheckError(f"{name_or_path}: no such homework key")
        return path
    registry.load_entry_points()
    return registry.sheet(name_or_path).key


def locate_homework(name_or_path: str) -> Homework:
    """The homework key a name or path stands for, read and checked."""
    try:
        return load_homework(_key_path(name_or_path))
    except SymcheckError as error:
        if "no answer sheet is registered" in str(error):
            known = ", ".join(sorted(entry.name for entry in registry.sheets())) or "none"
            raise SymcheckError(f"no homework is registered as {name_or_path!r} (registered: {known})") from None
        raise


def default_sheet(homework: Homework) -> Path:
    """The sheet a homework grades when given no submission (its seed sheet)."""
    if homework.sheet is None or not homework.sheet.is_file():
        raise SymcheckError(f"the homework {homework.name!r} has no default sheet: name the submissions to grade")
    return homework.sheet


def _is_submission(path: Path) -> bool:
    return (
        path.suffix.lower() in FORMATS and path.name.lower() not in _NOT_SUBMISSIONS and not path.name.startswith(".")
    )


def submissions_in(paths: Iterable[Path | str]) -> list[Path]:
    """Every submission among ``paths``: files as given, folders' submission files in name order."""
    found: list[Path] = []
    for entry in paths:
        path = Path(entry)
        if path.is_dir():
            found.extend(sorted(child for child in path.iterdir() if child.is_file() and _is_submission(child)))
        elif path.exists():
            found.append(path)
        else:
            raise SymcheckError(f"{entry}: no such file or folder")
    return found
