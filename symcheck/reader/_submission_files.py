r"""A submission file as text: Markdown as it is, a LaTeX document's body, a notebook's Markdown cells.

Each loader returns the text the answers are read from, the parts of it to leave out (code, comments,
a LaTeX preamble: they are masked, not deleted, so offsets stay offsets into the text) and the blocks
that map the text back to the file (a notebook's cells). A file that is not what it claims to be is a
:class:`~symcheck.errors.SourceError` with one clear line, never a traceback.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from symcheck.errors import SourceError
from symcheck.submission import Block

__all__ = ["FORMATS", "Loaded", "format_of", "load"]

FORMATS = {".md": "markdown", ".markdown": "markdown", ".txt": "markdown", ".tex": "latex", ".ipynb": "notebook"}
"""The file suffixes a submission may have, and how each is read."""

MAX_BYTES = 2_000_000
"""A larger file is refused: no homework answer is two megabytes of text."""


@dataclass(frozen=True)
class Loaded:
    """A file's answer text, what to ignore in it, and where each block of it came from."""

    format: str
    text: str
    masked: tuple[tuple[int, int], ...]
    blocks: tuple[Block, ...]


def format_of(path: Path) -> str | None:
    """``markdown``, ``latex`` or ``notebook`` by the file's suffix; None for anything else."""
    return FORMATS.get(path.suffix.lower())


def _read_text(path: Path, shown: str) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError("no such file", path=shown) from None
    except IsADirectoryError:
        raise SourceError("is a folder, not a file", path=shown) from None
    except OSError as error:
        raise SourceError(f"cannot read the file: {error.strerror or error}", path=shown) from None
    if len(data) > MAX_BYTES:
        raise SourceError(f"the file has {len(data)} bytes; a submission may have at most {MAX_BYTES}", path=shown)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise SourceError(
            f"the file is not UTF-8 text (byte {error.start + 1}, 0x{data[error.start]:02x}, cannot be decoded); "
            "save it as UTF-8",
            path=shown,
            line=line,
        ) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def load(path: Path, shown: str) -> Loaded:
    """Read ``path`` by its format; ``shown`` is how errors name it."""
    kind = format_of(path)
    if kind is None:
        known = ", ".join(sorted(FORMATS))
        raise SourceError(f"cannot grade a {path.suffix or 'suffix-less'} file (known: {known})", path=shown)
    text = _read_text(path, shown)
    if kind == "notebook":
        return _notebook(text, shown)
    if kind == "latex":
        return _latex(text)
    return _markdown(text)


# --------------------------------------------------------------------------- Markdown

_FENCE = re.compile(r"^[ \t]*(```|~~~).*?^[ \t]*\1[ \t]*$", re.DOTALL | re.MULTILINE)
_INLINE_CODE = re.compile(r"(?<!`)`[^`\n]+`(?!`)")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _markdown(text: str) -> Loaded:
    masked = [match.span() for pattern in (_FENCE, _HTML_COMMENT, _INLINE_CODE) for match in pattern.finditer(text)]
    return Loaded("markdown", text, _merged(masked), (Block(0, len(text), None, 1),))


# --------------------------------------------------------------------------- LaTeX

_COMMENT = re.compile(r"(?<!\\)%[^\n]*")
_DOCUMENT = re.compile(r"\\begin\{document\}(.*?)(\\end\{document\}|\Z)", re.DOTALL)
_VERBATIM = re.compile(r"\\begin\{(verbatim|lstlisting|minted)\}.*?\\end\{\1\}", re.DOTALL)


def _latex(text: str) -> Loaded:
    masked = [match.span() for pattern in (_COMMENT, _VERBATIM) for match in pattern.finditer(text)]
    document = _DOCUMENT.search(text)
    if document is not None:
        masked.append((0, document.start(1)))
        masked.append((document.end(1), len(text)))
    return Loaded("latex", text, _merged(masked), (Block(0, len(text), None, 1),))


# --------------------------------------------------------------------------- notebooks


def _notebook(text: str, shown: str) -> Loaded:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise SourceError(
            f"the notebook is not valid JSON: {error.msg}", path=shown, line=error.lineno, column=error.colno
        ) from None
    cells = document.get("cells") if isinstance(document, dict) else None
    if not isinstance(cells, list):
        raise SourceError("the notebook has no list of cells (is it a Jupyter .ipynb file?)", path=shown)
    parts: list[str] = []
    blocks: list[Block] = []
    offset = 0
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            if not all(isinstance(line, str) for line in source):
                raise SourceError(f"cell {number}: its source is not text", path=shown)
            source = "".join(source)
        if not isinstance(source, str):
            raise SourceError(f"cell {number}: its source is not text", path=shown)
        source = source.replace("\r\n", "\n")
        if parts:
            parts.append("\n\n")
            offset += 2
        blocks.append(Block(offset, offset + len(source), number, 1))
        parts.append(source)
        offset += len(source)
    joined = "".join(parts)
    loaded = _markdown(joined)
    return Loaded("notebook", joined, loaded.masked, tuple(blocks) or (Block(0, 0, None, 1),))


def _merged(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)
