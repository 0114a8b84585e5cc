"""The argument parser of ``symcheck``: one sub-parser per command, each reporting its own usage errors.

argparse reports an option it does not know with the usage of the top-level parser, which lists the
commands but not the options of the one the user typed. :func:`parse` therefore takes the unknown
arguments back and lets the command's own parser say what is wrong, with that command's usage:
``symcheck grade --bogus`` prints ``usage: symcheck grade [-h] …``. Every usage error exits 2.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path

from symcheck import __version__

__all__ = ["parse", "parser"]

FORMATS = "json,md,tex,html,pdf"


def _default_jobs() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def _jobs(text: str) -> int:
    """``--jobs``: a whole number, at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {value})")
    return value


def _seconds(text: str) -> float:
    """``--timeout``: a positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, not {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds (got {text})")
    return value


def _common(command: argparse.ArgumentParser, *, what: str) -> None:
    command.add_argument("--json", action="store_true", help=f"print {what} as JSON on stdout")
    command.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="on an internal error, print the traceback (also: SYMCHECK_DEBUG=1)",
    )


def _list(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    listing = commands.add_parser("list", help="list the registered derivations and homeworks")
    listing.add_argument("targets", nargs="*", metavar="TARGET", help="names, modules or .py files (default: all)")
    _common(listing, what="the derivations and homeworks")
    return listing


def _verify(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    verify = commands.add_parser("verify", help="verify derivations step by step; exit 0 only if all hold")
    verify.add_argument(
        "targets",
        nargs="*",
        metavar="TARGET",
        help="a registered name or prefix (softmax.jacobian, softmax), a module, or a .py file (default: all)",
    )
    _common(verify, what="the report")
    verify.add_argument("--timeout", type=_seconds, default=5.0, help="time budget of each check in seconds (5)")
    verify.add_argument("--jobs", type=_jobs, default=_default_jobs(), help="processes to verify in (default: 2)")
    verify.add_argument("--no-numeric", action="store_true", help="skip the numeric checks")
    verify.add_argument("-v", "--verbose", action="store_true", help="show every step, not only failures")
    verify.add_argument(
        "--strict",
        action="store_true",
        help="fail on a step that was only probed (agreed at every probe point) and not proved",
    )
    return verify


def _grade(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    grade = commands.add_parser(
        "grade",
        help="grade a student's sheet, or a class of sheets, against a homework",
        description=(
            "Grade submissions against HOMEWORK: a registered name (ml-theory), a key.toml, or a folder holding "
            "one. No SUBMISSION grades the homework's default sheet; one file prints its report; several files or "
            "a folder grade the class in parallel. Exits 1 when a claim is wrong (not with --exit-zero), 2 when a "
            "sheet cannot be read, 3 on an internal error."
        ),
    )
    grade.add_argument("homework", metavar="HOMEWORK", help="a registered homework, a key.toml, or a folder with one")
    grade.add_argument(
        "submissions", nargs="*", metavar="SUBMISSION", help="sheets (.md, .tex, .ipynb) or folders of them"
    )
    _common(grade, what="the report (one sheet) or the class report")
    grade.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="write DIR/gradebook.csv, DIR/overview.{html,json} and DIR/<student>/feedback.* (atomically)",
    )
    grade.add_argument(
        "--formats", default=FORMATS, help=f"formats of each student's feedback sheet with --out (default: {FORMATS})"
    )
    grade.add_argument("--jobs", type=_jobs, default=_default_jobs(), help="processes to grade in (default: 2)")
    grade.add_argument("--scheduler", metavar="ADDRESS", help="grade on a Dask cluster (tcp://host:8786)")
    grade.add_argument("--timeout", type=_seconds, default=5.0, help="time budget of each claim in seconds (5)")
    grade.add_argument("--exit-zero", action="store_true", help="exit 0 even when a claim is wrong")
    grade.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    return grade


def _build(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    build = commands.add_parser(
        "build", help="write the solution sheets, class overviews and the derivation reference to output/"
    )
    build.add_argument("sheets", nargs="*", metavar="SHEET", help="homeworks to build, or library (default: all)")
    _common(build, what="the files built (and which changed)")
    build.add_argument("--out", type=Path, default=Path("output"), help="output directory (default: output/)")
    build.add_argument("--formats", default=FORMATS, help=f"comma-separated formats (default: {FORMATS})")
    build.add_argument(
        "--pdf-engine",
        choices=("typst", "latex"),
        default="typst",
        help="typst (pip-installed, the default) or latex (pdflatex/latexmk where present)",
    )
    build.add_argument("--check", action="store_true", help="only report whether output/ is up to date")
    build.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    return build


def parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The top-level parser and each command's own."""
    top = argparse.ArgumentParser(
        prog="symcheck",
        description="Derive, verify and grade the mathematics of machine learning.",
        epilog="Exit status: 0 all good, 1 a derivation failed or a claim is wrong, 2 a usage or input error, "
        "3 an internal error (a bug).",
    )
    top.add_argument("--version", action="version", version=f"symcheck {__version__}")
    top.add_argument("--debug", action="store_true", help="on an internal error, print the traceback")
    commands = top.add_subparsers(dest="command", metavar="COMMAND")
    own = {name: make(commands) for name, make in (("list", _list), ("verify", _verify), ("grade", _grade))}
    own["build"] = _build(commands)
    return top, own


def parse(argv: Sequence[str] | None) -> tuple[argparse.Namespace, argparse.ArgumentParser]:
    """The parsed arguments and the parser of their command; a usage error exits 2 with that command's usage."""
    top, own = parser()
    arguments, unknown = top.parse_known_args(argv)
    command = own.get(arguments.command) if arguments.command else None
    if unknown:
        (command or top).error(f"unrecognized arguments: {' '.join(unknown)}")
    return arguments, command or top
