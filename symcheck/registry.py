"""Where derivations and answer sheets are found: a registry filled by decorators and entry points.

The engine never imports the derivation library. Libraries announce themselves through the
``symcheck.derivations`` entry-point group (a module to import, whose import registers its
derivations with :func:`derivation`), and users can point ``symcheck verify`` at a module or a
``.py`` file of their own. Builders are stored, not results, so listing is cheap and a derivation
is only constructed (and SymPy only does work) when it is verified or imported.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from symcheck.errors import SourceError, SymcheckError

if TYPE_CHECKING:
    from symcheck.model import Derivation

__all__ = [
    "Entry",
    "SheetEntry",
    "build",
    "derivation",
    "entries",
    "get",
    "load_entry_points",
    "register_sheet",
    "resolve_targets",
    "sheet",
    "sheets",
]

ENTRY_POINT_GROUP = "symcheck.derivations"


@dataclass(frozen=True)
class Entry:
    """A registered derivation: its name, title, topic and the zero-argument function that builds it."""

    name: str
    title: str
    topic: str
    module: str
    builder: Callable[[], Derivation]


@dataclass(frozen=True)
class SheetEntry:
    """A registered homework: its key, its default sheet (if any) and its class of sample sheets (if any).

    ``symcheck grade NAME`` with no submission grades ``sheet`` (the seed sheet of ``ml-theory``);
    ``symcheck build`` writes the solution sheet of ``sheet`` and the class overview of ``class_folder``
    (every submission in it, and ``sheet``) to ``output/NAME/``.
    """

    name: str
    title: str
    sheet: Path | None
    key: Path
    class_folder: Path | None = None


_entries: dict[str, Entry] = {}
_sheets: dict[str, SheetEntry] = {}
_built: dict[str, Derivation] = {}
_entry_points_loaded = False


def derivation(name: str, *, title: str | None = None, topic: str | None = None) -> Callable:
    """Register the decorated zero-argument builder under ``name``.

    The builder returns a :class:`~symcheck.model.Derivation`; ``title`` defaults to the first line
    of its docstring. Registering the same name twice from different functions is an error, because
    one of the two would silently never be verified.
    """

    def register(builder: Callable[[], Derivation]) -> Callable[[], Derivation]:
        doc_title = (builder.__doc__ or "").strip().splitlines()[0] if builder.__doc__ else name
        entry = Entry(
            name=name,
            title=title or doc_title,
            topic=topic or name.split(".")[0],
            module=builder.__module__,
            builder=builder,
        )
        previous = _entries.get(name)
        if previous is not None and previous.builder.__qualname__ != builder.__qualname__:
            raise SymcheckError(f"two derivations are registered as {name!r}: {previous.module} and {entry.module}")
        _entries[name] = entry
        _built.pop(name, None)
        return builder

    return register


def order_modules(modules: list[str] | tuple[str, ...]) -> None:
    """List the derivations of ``modules`` in that order (each module's own in the order it registered them), before
    any other: a library calls this after importing its topics, so that ``entries()`` (and the reference built
    from it) do not depend on which module some earlier import happened to load first."""
    rank = {module: position for position, module in enumerate(modules)}
    ordered = sorted(_entries.items(), key=lambda item: rank.get(item[1].module, len(rank)))  # stable within a module
    _entries.clear()
    _entries.update(ordered)


def register_sheet(
    name: str, *, title: str, key: Path, sheet: Path | None = None, class_folder: Path | None = None
) -> None:
    """Register a homework under ``name`` (as ``symcheck grade NAME`` knows it): its key, and optionally its
    default sheet and the folder of sample sheets that ``symcheck build`` grades into a class overview."""
    _sheets[name] = SheetEntry(
        name=name,
        title=title,
        sheet=Path(sheet) if sheet is not None else None,
        key=Path(key),
        class_folder=Path(class_folder) if class_folder is not None else None,
    )


def load_entry_points() -> None:
    """Load every library announced in the ``symcheck.derivations`` entry-point group, once.

    An entry point names a module (``pkg.proofs``), whose import registers its derivations, or a
    function (``pkg:register_all``), which is called to register them.
    """
    global _entry_points_loaded
    if _entry_points_loaded:
        return
    from importlib.metadata import entry_points

    for point in entry_points(group=ENTRY_POINT_GROUP):
        try:
            loaded = point.load()  # a module (its import registers) or a function that registers
            if callable(loaded):
                loaded()
        except SymcheckError:
            raise
        except Exception as error:
            raise SymcheckError(
                f"the derivation library {point.name!r} ({point.value}) failed to load: {type(error).__name__}: {error}"
            ) from error
    _entry_points_loaded = True


def entries(module: str | None = None) -> list[Entry]:
    """Registered derivations in registration order, optionally only those defined in ``module``."""
    found = list(_entries.values())
    if module is not None:
        found = [entry for entry in found if entry.module == module or entry.module.startswith(module + ".")]
    return found


def get(name: str) -> Entry:
    try:
        return _entries[name]
    except KeyError:
        raise SymcheckError(f"no derivation is registered as {name!r}; `symcheck list` shows them") from None


def build(name: str) -> Derivation:
    """The derivation registered as ``name``, built once and cached (derivations are immutable).

    The name is given twice, to the decorator and to ``Derivation(name=...)``; a derivation whose two
    names differ is refused, since it would be verified and reported under the one it was not listed as.
    """
    if name not in _built:
        entry = get(name)
        built = entry.builder()
        declared = getattr(built, "name", name)
        if declared != name:
            raise SymcheckError(
                f"{entry.module}.{entry.builder.__qualname__} is registered as {name!r} but builds "
                f"Derivation(name={declared!r}): give the derivation one name"
            )
        _built[name] = built
    return _built[name]


def sheets() -> list[SheetEntry]:
    return list(_sheets.values())


def sheet(name: str) -> SheetEntry:
    try:
        return _sheets[name]
    except KeyError:
        known = ", ".join(sorted(_sheets)) or "none"
        raise SymcheckError(f"no answer sheet is registered as {name!r} (registered: {known})") from None


def _import_file(path: Path) -> str:
    """Import a user's ``.py`` file of derivations under a private module name and return that name.

    A file that does not import is the user's mistake, reported at its place in the file: a syntax
    error at its line and column, an exception at the line of the file it was raised from (or that
    called what raised it), as a :class:`~symcheck.errors.SourceError` without a traceback.
    """
    module_name = f"symcheck_user_{abs(hash(path.resolve()))}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise SymcheckError(f"{path}: cannot be imported as a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except SymcheckError:
        sys.modules.pop(module_name, None)
        raise
    except SyntaxError as error:
        sys.modules.pop(module_name, None)
        raise SourceError(
            error.msg, path=str(path), line=error.lineno, column=error.offset if error.lineno else None
        ) from None
    except Exception as error:
        sys.modules.pop(module_name, None)
        raise SourceError(
            f"{type(error).__name__}: {error} (raised while importing the file)",
            path=str(path),
            line=_line_in(path, error),
        ) from None
    return module_name


def _line_in(path: Path, error: BaseException) -> int | None:
    """The line of ``path`` that the traceback of ``error`` last passes through (None if it never does)."""
    import traceback

    target = path.resolve()
    lines = [
        frame.lineno
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename and Path(frame.filename).resolve() == target
    ]
    return lines[-1] if lines else None


def resolve_targets(targets: list[str]) -> list[Entry]:
    """Turn CLI targets into registered entries.

    A target is a registered name (``softmax.jacobian``), a prefix of names (``softmax``), an
    importable module (``derivations.softmax``, ``mypackage.proofs``) or a path to a ``.py`` file.
    No target means every derivation announced through entry points.
    """
    if not targets:
        load_entry_points()
        return entries()
    chosen: list[Entry] = []
    for target in targets:
        if target.endswith(".py") or Path(target).suffix == ".py":
            path = Path(target)
            if not path.is_file():
                raise SymcheckError(f"{target}: no such file")
            found = entries(_import_file(path))
            if not found:
                raise SymcheckError(f"{target}: defines no derivation (register them with @symcheck.derivation)")
        else:
            load_entry_points()
            if target in _entries:
                found = [_entries[target]]
            else:
                found = [entry for entry in entries() if entry.name.startswith(target + ".")]
                if not found:
                    try:
                        importlib.import_module(target)
                    except ModuleNotFoundError:
                        raise SymcheckError(
                            f"{target!r} is neither a registered derivation, a module nor a .py file"
                        ) from None
                    found = entries(target)
                if not found:
                    raise SymcheckError(f"{target!r} registers no derivation")
        chosen.extend(entry for entry in found if entry not in chosen)
    return chosen
