"""What the command-line tests share: running ``python -m symcheck``, and sheets that cannot be graded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "derivations" / "sheets" / "ml_theory" / "samples"
FAST = ("emeka.md", "bob.md")
"""Two sample sheets that grade in about a second together: the class the tests here grade."""


def run(*arguments: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m symcheck …`` as a user runs it (with the session's cache, which the environment names)."""
    return subprocess.run(
        [sys.executable, "-m", "symcheck", *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


def bad_sheets(folder: Path) -> dict[str, Path]:
    """Sheets that cannot be graded: not UTF-8, a notebook that is not JSON, an empty file."""
    folder.mkdir(parents=True, exist_ok=True)
    sheets = {"latin": folder / "latin.md", "broken": folder / "broken.ipynb", "empty": folder / "empty.md"}
    sheets["latin"].write_bytes("The BCE is $-\\log 0.1$, caf\u00e9.\n".encode("latin-1"))
    sheets["broken"].write_text('{"cells": [', encoding="utf-8")
    sheets["empty"].write_text("  \n\n", encoding="utf-8")
    return sheets
