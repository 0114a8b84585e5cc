"""``symcheck list``, ``verify`` and ``build``; ``grade`` is :mod:`symcheck.cli._grade`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from symcheck.cli._grade import grade

__all__ = ["COMMANDS", "shown_path"]

EXIT_OK = 0
EXIT_FAILED = 1


def shown_path(path: Path | None) -> str | None:
    """A path as the CLI shows it: relative to the working directory when it lies under it."""
    if path is None:
        return None
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return str(path)


def _homework_dict(entry: Any) -> dict[str, Any]:
    return {
        "name": entry.name,
        "title": entry.title,
        "key": shown_path(entry.key),
        "sheet": shown_path(entry.sheet),
        "class": shown_path(entry.class_folder),
    }


def list_command(arguments: argparse.Namespace) -> int:
    from symcheck import registry

    entries = registry.resolve_targets(arguments.targets)
    homeworks = registry.sheets() if not arguments.targets else []
    if arguments.json:
        data = {
            "derivations": [
                {"name": entry.name, "title": entry.title, "topic": entry.topic, "module": entry.module}
                for entry in entries
            ],
            "homeworks": [_homework_dict(entry) for entry in homeworks],
        }
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return EXIT_OK
    width = max((len(entry.name) for entry in entries), default=0)
    for entry in entries:
        print(f"{entry.name:<{width}}  {entry.title}")
    for homework in homeworks:
        sheet = f" (default sheet {shown_path(homework.sheet)})" if homework.sheet is not None else ""
        print(f"homework {homework.name}: {homework.title}{sheet}")
    return EXIT_OK


def verify_command(arguments: argparse.Namespace) -> int:
    from symcheck import registry
    from symcheck.verify import verify_entries

    entries = registry.resolve_targets(arguments.targets)

    def progress(report: object) -> None:
        if not arguments.json:
            print(report.to_text(arguments.verbose), flush=True)  # type: ignore[attr-defined]

    report = verify_entries(
        entries,
        timeout=arguments.timeout,
        numeric=not arguments.no_numeric,
        jobs=arguments.jobs,
        progress=progress,
        latex=arguments.json or arguments.verbose,
    )
    if arguments.json:
        print(report.to_json())
    else:
        print(report.counts_line())
    passed = report.proved if arguments.strict else report.ok
    return EXIT_OK if passed else EXIT_FAILED


def build_command(arguments: argparse.Namespace) -> int:
    from symcheck.publish import BuildOptions, build_result

    formats = tuple(part.strip() for part in arguments.formats.split(",") if part.strip())
    options = BuildOptions(
        out=arguments.out,
        sheets=tuple(arguments.sheets),
        formats=formats,
        pdf_engine=arguments.pdf_engine,
        check_only=arguments.check,
        progress=not arguments.quiet,
    )
    result = build_result(options)
    if arguments.json:
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    return result.status


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "list": list_command,
    "verify": verify_command,
    "grade": grade,
    "build": build_command,
}
