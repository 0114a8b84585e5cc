"""The ``symcheck`` command line: list, verify, grade and build.

Exit statuses mean one thing each, in every command:

* ``0``: all good;
* ``1``: a derivation failed (or, with ``verify --strict``, was only probed), a claim is wrong
  (``grade``; ``--exit-zero`` opts out), or ``build --check`` found ``output/`` stale;
* ``2``: a usage or input error: a bad option, an unknown target, a sheet or a ``.py`` file that cannot be
  read or imported. It is one line naming the place (``file:line: error: …``), never a traceback; a bad
  option prints the usage of the command it was given to;
* ``3``: an internal error, an exception symcheck did not expect: one line saying it is a bug, and the
  traceback only with ``--debug`` or ``SYMCHECK_DEBUG=1``.

When several apply (a class with an unreadable sheet and wrong claims), the highest wins, after every
other sheet has been graded and every file written.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from collections.abc import Sequence

from symcheck.errors import SourceError, SymcheckError

__all__ = ["EXIT_FAILED", "EXIT_INTERNAL", "EXIT_OK", "EXIT_USAGE", "main", "run"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


def debugging(arguments: object | None = None) -> bool:
    """Whether an internal error should show its traceback: ``--debug`` or ``SYMCHECK_DEBUG`` set (not 0)."""
    if getattr(arguments, "debug", False):
        return True
    return os.environ.get("SYMCHECK_DEBUG", "").strip() not in ("", "0")


def input_error(error: SymcheckError) -> str:
    """A user's mistake as one line: ``file:line:col: error: message`` when it has a place in a file."""
    if isinstance(error, SourceError) and error.path:
        where = ":".join(str(part) for part in (error.path, error.line, error.column) if part is not None)
        claim = f" [claim {error.claim}]" if error.claim else ""
        return f"{where}: error: {error.message}{claim}"
    return f"symcheck: error: {error}"


def internal_error(error: BaseException, *, debug: bool, where: str = "symcheck") -> None:
    """Report an exception symcheck did not expect: one line saying it is a bug; the traceback under ``debug``."""
    if debug:
        traceback.print_exception(error, file=sys.stderr)
    detail = " ".join(f"{type(error).__name__}: {error}".split())
    hint = "" if debug else "; rerun with --debug (or SYMCHECK_DEBUG=1) for the traceback"
    print(f"{where}: internal error, a bug in symcheck ({detail}){hint}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (see the module docstring)."""
    from symcheck.cli._commands import COMMANDS
    from symcheck.cli._parser import parse

    try:
        arguments, command_parser = parse(argv)
    except SystemExit as exit_request:  # --help, --version, and usage errors (printed with their usage)
        return exit_request.code if isinstance(exit_request.code, int) else EXIT_USAGE
    if arguments.command is None:
        command_parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return COMMANDS[arguments.command](arguments)
    except SymcheckError as error:
        print(input_error(error), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("symcheck: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:
        internal_error(error, debug=debugging(arguments))
        return EXIT_INTERNAL


def run() -> None:
    """The console script and ``python -m symcheck``: run :func:`main`, then leave at once.

    Tearing down the interpreter frees every SymPy object one by one, which takes a noticeable
    part of a second after a verification; the output is flushed first, so nothing is lost.
    """
    try:
        code = main()
    except SystemExit as exit_request:
        code = exit_request.code if isinstance(exit_request.code, int) else EXIT_USAGE
    with contextlib.suppress(BrokenPipeError):
        sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
