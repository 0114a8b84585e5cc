"""The commands a formula may bring into a LaTeX sheet: each typesets with the sheet's packages."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from symcheck.printing import LATEX_PACKAGES
from symcheck.printing.latex_commands import LATEX_ENVIRONMENTS, LATEX_MATH_COMMANDS, refused_command

_NEEDS_AN_ARGUMENT = {
    **dict.fromkeys(
        (
            r"\hat",
            r"\widehat",
            r"\bar",
            r"\overline",
            r"\underline",
            r"\tilde",
            r"\widetilde",
            r"\vec",
            r"\dot",
            r"\ddot",
            r"\check",
            r"\breve",
            r"\acute",
            r"\grave",
            r"\mathring",
            r"\overbrace",
            r"\underbrace",
            r"\text",
            r"\textrm",
            r"\textit",
            r"\textbf",
            r"\textsf",
            r"\texttt",
            r"\mathrm",
            r"\mathit",
            r"\mathbf",
            r"\mathsf",
            r"\mathtt",
            r"\mathbb",
            r"\mathcal",
            r"\mathfrak",
            r"\boldsymbol",
            r"\mbox",
            r"\boxed",
            r"\phantom",
            r"\hphantom",
            r"\vphantom",
            r"\sqrt",
            r"\operatorname",
            r"\pmod",
        ),
        "{x}",
    ),
    **dict.fromkeys(
        (
            r"\frac",
            r"\dfrac",
            r"\tfrac",
            r"\cfrac",
            r"\binom",
            r"\dbinom",
            r"\tbinom",
            r"\overset",
            r"\underset",
            r"\stackrel",
        ),
        "{x}{y}",
    ),
    **dict.fromkeys(
        (
            r"\big",
            r"\Big",
            r"\bigg",
            r"\Bigg",
            r"\bigl",
            r"\bigr",
            r"\Bigl",
            r"\Bigr",
            r"\biggl",
            r"\biggr",
            r"\Biggl",
            r"\Biggr",
        ),
        "(",
    ),
    r"\left": "( x \\right)",
    r"\right": None,
    r"\middle": None,
    r"\begin": None,
    r"\end": None,
    r"\limits": None,
    r"\nolimits": None,
    r"\not": "=",
}


def _uses() -> list[str]:
    uses = []
    for command in sorted(LATEX_MATH_COMMANDS):
        argument = _NEEDS_AN_ARGUMENT.get(command, "")
        if argument is not None:
            uses.append(f"{command}{argument}")
    uses.append(r"\sum\limits_{i} \int\nolimits_{0} \left( x \middle| y \right)")
    for environment in sorted(LATEX_ENVIRONMENTS):
        columns = "{cc}" if environment == "array" else ""
        rows = r"a \\ b" if environment == "gathered" else r"a & b \\ c & d"
        uses.append(rf"\begin{{{environment}}}{columns} {rows} \end{{{environment}}}")
    return uses


def test_every_allowed_command_typesets_with_the_sheets_packages(tmp_path: Path) -> None:
    pdflatex = shutil.which("pdflatex")
    if pdflatex is None:
        pytest.skip("pdflatex is not installed (Debian: texlive-latex-recommended, which .ci/run installs)")
    body = "\n".join(rf"\[ {use} \]" for use in _uses())
    source = (
        "\\documentclass{article}\n"
        f"\\usepackage{{{','.join(LATEX_PACKAGES)}}}\n"
        "\\begin{document}\n"
        f"{body}\n"
        "\\end{document}\n"
    )
    (tmp_path / "commands.tex").write_text(source, encoding="ascii")
    run = subprocess.run(
        [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "commands.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:]


@pytest.mark.parametrize(
    ("formula", "refused"),
    [
        (r"x \input{/etc/passwd}", r"\input"),
        (r"\write18{rm -rf /}", r"\write"),
        (r"\catcode`\$=11", r"\catcode"),
        (r"\href{run:x}{y}", r"\href"),
        (r"\cancel{x}", r"\cancel"),  # latex2mathml knows it, the sheet's packages do not
        (r"\begin{align} a \end{align}", r"\begin{align}"),  # not inside \[ \]
        (r"\text{^^5cinput{/etc/passwd}}", "^^"),  # TeX reads ^^5c as a backslash
        (r"\frac{\partial L}{\partial z_{k}} = \hat{y}_{k} \cdot 1 \\ \{a\} \, b", None),
    ],
)
def test_other_commands_are_refused(formula: str, refused: str | None) -> None:
    assert refused_command(formula) == refused
