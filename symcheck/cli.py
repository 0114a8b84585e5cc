"""The ``symcheck`` command line: list, verify, grade and build.

A user's mistake (an unknown target, a malformed sheet, a bad option) is printed as one line that
names the place and exits with status 2, without a traceback. ``verify`` exits 0 only when nothing
it checked failed or was left undecided, so CI fails when a derivation breaks; a step only probed
(agreeing at every probe point, not proved) is shown as "probed" and fails only ``--strict``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from symcheck import __version__
from symcheck.errors import SymcheckError

__all__ = ["main", "run"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def _default_jobs() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="symcheck",
        description="Derive, verify and grade the mathematics of machine learning.",
    )
    parser.add_argument("--version", action="version", version=f"symcheck {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    listing = commands.add_parser("list", help="list the registered derivations and answer sheets")
    listing.add_argument("targets", nargs="*", metavar="TARGET", help="names, modules or .py files (default: all)")

    verify = commands.add_parser("verify", help="verify derivations step by step; exit 0 only if all hold")
    verify.add_argument(
        "targets",
        nargs="*",
        metavar="TARGET",
        help="a registered name or prefix (softmax.jacobian, softmax), a module, or a .py file (default: all)",
    )
    verify.add_argument("--json", action="store_true", help="print the report as JSON")
    verify.add_argument("--timeout", type=float, default=5.0, help="time budget of each check in seconds (5)")
    verify.add_argument("--jobs", type=int, default=_default_jobs(), help="processes to verify in (default: 2)")
    verify.add_argument("--no-numeric", action="store_true", help="skip the numeric checks")
    verify.add_argument("-v", "--verbose", action="store_true", help="show every step, not only failures")
    verify.add_argument(
        "--strict",
        action="store_true",
        help="fail on a step that was only probed (agreed at every probe point) and not proved",
    )

    grade = commands.add_parser("grade", help="grade an answer sheet claim by claim")
    grade.add_argument("sheet", help="a registered sheet name (ml-theory) or a Markdown file with a key beside it")
    grade.add_argument("--key", type=Path, help="the answer key (default: <sheet>.key.toml beside the sheet)")
    grade.add_argument("--json", action="store_true", help="print the report as JSON")
    grade.add_argument("--timeout", type=float, default=5.0, help="time budget of each check in seconds (5)")

    build = commands.add_parser("build", help="write the solution sheets and the derivation reference to output/")
    build.add_argument("sheets", nargs="*", metavar="SHEET", help="sheets to build (default: every registered one)")
    build.add_argument("--out", type=Path, default=Path("output"), help="output directory (default: output/)")
    build.add_argument(
        "--formats",
        default="json,md,tex,html,pdf",
        help="comma-separated formats among json, md, tex, html, pdf (default: all)",
    )
    build.add_argument(
        "--pdf-engine",
        choices=("typst", "latex"),
        default="typst",
        help="typst (pip-installed, the default) or latex (pdflatex/latexmk where present)",
    )
    build.add_argument("--check", action="store_true", help="only report whether output/ is up to date")
    build.add_argument("--quiet", action="store_true", help="no progress lines")
    return parser


def _list(arguments: argparse.Namespace) -> int:
    from symcheck import registry

    entries = registry.resolve_targets(arguments.targets)
    width = max((len(entry.name) for entry in entries), default=0)
    for entry in entries:
        print(f"{entry.name:<{width}}  {entry.title}")
    if not arguments.targets:
        for sheet in registry.sheets():
            print(f"sheet {sheet.name}: {sheet.title} ({sheet.sheet})")
    return EXIT_OK


def _verify(arguments: argparse.Namespace) -> int:
    from symcheck import registry
    from symcheck.verify import verify_entries

    if arguments.timeout <= 0:
        raise SymcheckError("--timeout must be positive")
    entries = registry.resolve_targets(arguments.targets)

    def progress(report: object) -> None:
        if not arguments.json:
            print(report.to_text(arguments.verbose), flush=True)  # type: ignore[attr-defined]

    report = verify_entries(
        entries,
        timeout=arguments.timeout,
        numeric=not arguments.no_numeric,
        jobs=max(1, arguments.jobs),
        progress=progress,
        latex=arguments.json or arguments.verbose,
    )
    if arguments.json:
        print(report.to_json())
    else:
        print(report.counts_line())
    passed = report.proved if arguments.strict else report.ok
    return EXIT_OK if passed else EXIT_FAILED


def _grade(arguments: argparse.Namespace) -> int:
    from symcheck.grading import grade_sheet, locate_sheet

    sheet, key = locate_sheet(arguments.sheet, arguments.key)
    report = grade_sheet(sheet, key, timeout=arguments.timeout)
    print(report.to_json() if arguments.json else report.to_text())
    return EXIT_OK


def _build(arguments: argparse.Namespace) -> int:
    from symcheck.publish import BuildOptions, build

    formats = tuple(part.strip() for part in arguments.formats.split(",") if part.strip())
    options = BuildOptions(
        out=arguments.out,
        sheets=tuple(arguments.sheets),
        formats=formats,
        pdf_engine=arguments.pdf_engine,
        check_only=arguments.check,
        progress=not arguments.quiet,
    )
    return build(options)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _parser()
    arguments = parser.parse_args(argv)
    commands = {"list": _list, "verify": _verify, "grade": _grade, "build": _build}
    if arguments.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return commands[arguments.command](arguments)
    except SymcheckError as error:
        print(f"symcheck: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("symcheck: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


def run() -> None:
    """The console script and ``python -m symcheck``: run :func:`main`, then leave at once.

    Tearing down the interpreter frees every SymPy object one by one, which takes a noticeable
    part of a second after a verification; the output is flushed first, so nothing is lost.
    """
    try:
        code = main()
    except SystemExit as exit_request:  # argparse's --help, --version and usage errors
        code = exit_request.code if isinstance(exit_request.code, int) else 2
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
