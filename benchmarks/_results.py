"""Each benchmark owns one section of ``benchmarks/RESULTS.md``, delimited by HTML comments.

Rewriting only its own section lets every benchmark update its figures without touching the
others', so the file always holds the latest run of each, with the command that produced it.
"""

from __future__ import annotations

import platform
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
HEADER = "# Benchmark results\n\nEach section is rewritten by the benchmark named in it.\n"


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:begin -->", f"<!-- {name}:end -->"


def machine() -> str:
    """A one-line description of where the figures were measured."""
    import os

    return (
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}"
    )


def write_section(name: str, body: str, path: Path = RESULTS) -> None:
    """Replace section ``name`` of RESULTS.md with ``body`` (or append it), leaving the rest alone."""
    begin, end = markers(name)
    section = f"{begin}\n{body.strip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    if begin in text and end in text:
        before, rest = text.split(begin, 1)
        _, after = rest.split(end, 1)
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def compile_bytecode() -> None:
    """Compile symcheck and the library to bytecode before anything is timed, as ``pip install`` does.

    A cold run of the checkout would otherwise compile every module it imports from source first,
    on a machine that sets PYTHONDONTWRITEBYTECODE (this one does) in every single run: a cost
    (~0.1 s) that no installed copy pays. The bytecode goes to the git-ignored ``__pycache__``.
    """
    import compileall

    for package in ("symcheck", "derivations"):
        compileall.compile_dir(ROOT / package, quiet=1)


BYTECODE_NOTE = "symcheck's bytecode compiled beforehand, as `pip install` does"
"""How the sections that time cold processes say that :func:`compile_bytecode` ran."""
