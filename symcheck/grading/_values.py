"""Turn the values a key refers to into SymPy objects, without importing or executing anything named in it.

* ``library = "bce.mean_bce"``: an attribute listed in ``__all__`` of a library module that is
  already imported because it registered derivations (the registry knows which); a key can
  never make symcheck import a module.
* ``derivation = "softmax.jacobian"``: a registered derivation, built by the registry; its result,
  or one step (by label, rule, or 1-based position); ``side`` picks a side of an equation.
* ``sympy = "..."``: read by :func:`symcheck.pyexpr.read_sympy` (an ``ast`` whitelist) or, for a
  comparison such as ``a < b``, each side of it; ``latex = '...'``: read by :mod:`symcheck.reader`.
* ``where`` substitutes by *name*, so a key can write ``where = { m = 1 }`` for the library's
  ``m`` without holding its SymPy object; on an indexed name every entry is replaced, and ``index``
  in the replacement stands for the entry's index (``y = "KroneckerDelta(index, k)"``).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from types import ModuleType
from typing import Any

import sympy as sp

from symcheck import registry
from symcheck.errors import SourceError, SymcheckError
from symcheck.grading._places import Place
from symcheck.grading._spec import Homework, ValueSpec
from symcheck.model import Assumptions, Definition, Derivation, Step
from symcheck.pyexpr import read_sympy
from symcheck.reader import SymbolTable, read_chains

__all__ = ["Backing", "Resolver", "integer_symbols", "named_atoms", "relation_from_chain", "substitute_names"]

_COMPARISONS: dict[type, Callable[..., sp.Basic]] = {
    ast.Lt: sp.Lt,
    ast.LtE: sp.Le,
    ast.Gt: sp.Gt,
    ast.GtE: sp.Ge,
    ast.Eq: sp.Eq,
}
_IN_EXPRESSION = "<expression of the key>"
"""The place read_sympy reports inside a key's expression, turned into the value's place in the key file."""
_RELATIONS = {"=": sp.Eq, "<": sp.Lt, "≤": sp.Le, ">": sp.Gt, "≥": sp.Ge}


def integer_symbols(extra: tuple[str, ...] = ()) -> dict[str, sp.Symbol]:
    """The names the reader treats as positive integers (i, j, k, n, K, …, and ``extra``), as the same symbols."""
    names = (*SymbolTable().integers, *extra)
    return {name: sp.Symbol(name, integer=True, positive=True) for name in names}


def named_atoms(*objects: Any) -> dict[str, sp.Basic]:
    """Every symbol, indexed base and undefined function of ``objects``, by printed name."""
    found: dict[str, sp.Basic] = {}
    for value in objects:
        for part in _flatten(value):
            if not isinstance(part, sp.Basic):
                continue
            bases = {node.base for node in part.atoms(sp.Indexed)} | part.atoms(sp.IndexedBase)
            for base in bases:  # an indexed name wins over the symbol that labels it
                found[str(base)] = base
            labels = {base.label for base in bases}
            for atom in part.atoms(sp.Symbol):
                if atom not in labels:
                    found.setdefault(str(atom), atom)
    return found


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, (tuple, list)):
        return [item for element in value for item in _flatten(element)]
    if isinstance(value, dict):
        return [item for element in value.values() for item in _flatten(element)]
    return [value]


def substitute_names(value: Any, replacements: Mapping[str, Any]) -> Any:
    """``value`` with the atoms named in ``replacements`` replaced (entries of an indexed name too).

    A replacement for an indexed name is a ``Lambda`` of the entry's indices or a plain value
    that replaces every entry.
    """
    if isinstance(value, tuple):
        return tuple(substitute_names(item, replacements) for item in value)
    if isinstance(value, dict):
        return {name: substitute_names(item, replacements) for name, item in value.items()}
    if not isinstance(value, sp.Basic) or not replacements:
        return value
    atoms = named_atoms(value)
    plain: dict[sp.Basic, Any] = {}
    indexed: dict[sp.Basic, Any] = {}
    for name, replacement in replacements.items():
        atom = atoms.get(name)
        if atom is None:
            continue
        if isinstance(atom, sp.IndexedBase):
            indexed[atom] = replacement
        else:
            plain[atom] = replacement
    if indexed:

        def entry(node: sp.Indexed) -> sp.Basic:
            replacement = indexed[node.base]
            if isinstance(replacement, sp.Lambda):
                return replacement(*node.indices)
            if isinstance(replacement, sp.IndexedBase):
                return replacement[node.indices]
            if isinstance(replacement, sp.Symbol) and replacement.name not in atoms:
                return sp.IndexedBase(replacement.name, **node.base.assumptions0)[node.indices]  # a rename
            return replacement

        value = value.replace(lambda node: isinstance(node, sp.Indexed) and node.base in indexed, entry)
    if plain:
        value = value.xreplace(plain)
    return value


def relation_from_chain(chain: Any) -> sp.Basic:
    """A chain of comparisons (``0 ≤ x ≤ 1``) as one relation (an ``And`` of its links)."""
    links = []
    for left, relation, right in chain.links:
        if relation not in _RELATIONS:
            raise SymcheckError(f"'{relation}' is not a relation that can be checked")
        links.append(_RELATIONS[relation](left, right, evaluate=False))
    if not links:
        raise SymcheckError("a relation is needed here, such as a < b")
    return links[0] if len(links) == 1 else sp.And(*links, evaluate=False)


@dataclass(frozen=True)
class Backing:
    """What a registered derivation lends to a claim: its assumptions, definitions, title, summary."""

    name: str
    title: str
    summary: str
    assumptions: Assumptions
    definitions: tuple[Definition, ...]


class Resolver:
    """Resolves the key's values for one grading run (library modules and derivations are cached)."""

    def __init__(self, key_path: str) -> None:
        self.key_path = key_path
        registry.load_entry_points()
        self._modules = self._library_modules()
        self._backings: dict[str, Backing] = {}

    @staticmethod
    def _library_modules() -> dict[str, ModuleType]:
        modules: dict[str, ModuleType] = {}
        for entry in registry.entries():
            module = sys.modules.get(entry.module)
            if module is not None:
                modules[entry.module] = module
        return modules

    def fail(self, message: str, spec: ValueSpec | None, claim: str | None, place: Place | None = None) -> SourceError:
        """An error at a value's place in the key (or at ``place``), naming the claim."""
        place = place if place is not None else spec.place if spec is not None else None
        return SourceError(
            message,
            path=self.key_path,
            line=place.line if place else None,
            column=place.column if place else None,
            claim=claim,
        )

    # --- registered derivations

    def derivation(
        self, name: str, claim: str | None, spec: ValueSpec | None = None, place: Place | None = None
    ) -> Derivation:
        try:
            return registry.build(name)
        except SymcheckError as error:
            raise self.fail(str(error), spec, claim, place) from None

    def backing(self, name: str, claim: str | None, place: Place | None = None) -> Backing:
        """What the registered derivation ``name`` lends a claim that names it (built once per run)."""
        if name not in self._backings:
            built = self.derivation(name, claim, place=place)
            self._backings[name] = Backing(
                name=name,
                title=built.title,
                summary=built.summary,
                assumptions=built.assumptions,
                definitions=built.definitions,
            )
        return self._backings[name]

    def _step(self, derivation: Derivation, spec: ValueSpec, claim: str | None) -> Step:
        step = spec.step
        if isinstance(step, int):
            if not 1 <= step <= len(derivation.steps):
                raise self.fail(f"{derivation.name} has {len(derivation.steps)} steps, not {step}", spec, claim)
            return derivation.steps[step - 1]
        labelled = [candidate for candidate in derivation.steps if candidate.label == step]
        if len(labelled) == 1:
            return labelled[0]
        ruled = [candidate for candidate in derivation.steps if candidate.rule == step]
        if len(ruled) == 1:
            return ruled[0]
        if len(ruled) > 1:
            positions = ", ".join(str(derivation.steps.index(candidate) + 1) for candidate in ruled)
            raise self.fail(
                f"{derivation.name} has {len(ruled)} steps with the rule {step!r} (steps {positions}): "
                "give the step's position",
                spec,
                claim,
            )
        raise self.fail(f"{derivation.name} has no step labelled (or with the rule) {step!r}", spec, claim)

    def statement_setting(self, spec: ValueSpec, claim: str | None) -> tuple[Assumptions, tuple[Definition, ...]]:
        """The assumptions and definitions a derivation's statement holds under (a step's own included)."""
        derivation = self.derivation(spec.text, claim, spec)
        assumptions = derivation.assumptions
        if spec.step is not None:
            assumptions = assumptions.merged(self._step(derivation, spec, claim).assumptions)
        return assumptions, derivation.definitions

    # --- the key's references, checked before any sheet

    def check_references(self, homework: Homework, tables: Callable[[str], SymbolTable]) -> None:
        """Every library export, derivation and LaTeX value the key names exists and reads, or a
        :class:`SourceError` at its place in the key; ``tables(part)`` is the reader's table of a part."""
        names = {entry.name for entry in registry.entries()}
        for part in homework.parts:
            for quantity in part.quantities:
                claim = f"{part.part} {quantity.id}"
                self._known(quantity.derivation, names, claim, quantity.place)
                for alternative in quantity.values:
                    self._check(alternative.value, claim, names, tables(part.part), quantity.indices)
            for statement in part.statements:
                claim = f"{part.part} {statement.id}"
                self._known(statement.derivation, names, claim, statement.place)
                self._known(statement.check.derivation, names, claim, statement.place)
                for _, spec in statement.check.values:
                    self._check(spec, claim, names, tables(part.part), ())

    def _known(self, name: str | None, names: set[str], claim: str, place: Place | None) -> None:
        if name is not None and name not in names:
            raise self.fail(f"no derivation is registered as {name!r}; `symcheck list` shows them", None, claim, place)

    def _check(
        self, spec: ValueSpec, claim: str, names: set[str], table: SymbolTable, indices: tuple[str, ...]
    ) -> None:
        if spec.source == "derivation":
            self._known(spec.text, names, claim, spec.place)
        elif spec.source in ("library", "latex"):
            self.resolve(spec, claim=claim, table=table, indices=indices)
        for _, inner in spec.names:
            self._check(inner, claim, names, table, indices)

    # --- values

    def resolve(
        self,
        spec: ValueSpec,
        *,
        claim: str | None,
        table: SymbolTable,
        indices: tuple[str, ...] = (),
    ) -> Any:
        """The SymPy object (or tuple/dict of them, for ``item`` to pick from) ``spec`` names.

        ``indices`` are names that stand for integer indices (a quantity's ``a``, ``b``), so that
        ``where = { i = "a" }`` and ``sympy = "-y[a]/yhat[a]"`` make them integers. A value's
        ``data`` is not applied here (see :func:`symcheck.grading._data.apply_data`).
        """
        try:
            value = self._resolve(spec, claim, table, indices)
            return self._where(value, spec, indices)
        except SourceError as error:
            if error.path not in (_IN_EXPRESSION, None):
                raise
            # a place inside one expression of the key: say where in it, at the value's place in the file
            raise self.fail(
                f"{spec.describe()}: column {error.column} of the expression: {error.message}", spec, claim
            ) from None
        except SymcheckError as error:
            raise self.fail(f"{spec.describe()}: {error}", spec, claim) from None

    def _resolve(self, spec: ValueSpec, claim: str | None, table: SymbolTable, indices: tuple[str, ...]) -> Any:
        if spec.source == "number":
            fraction = Fraction(spec.text)
            return sp.Rational(fraction.numerator, fraction.denominator)
        if spec.source == "library":
            return self._pick(self._export(spec, claim), spec, claim)
        if spec.source == "derivation":
            derivation = self.derivation(spec.text, claim, spec)
            statement = self._step(derivation, spec, claim).statement if spec.step is not None else derivation.result
            return self._pick(statement, spec, claim)
        if spec.source == "sympy":
            bound = {name: self.resolve(inner, claim=claim, table=table, indices=indices) for name, inner in spec.names}
            symbols = {**integer_symbols(indices), **bound}
            return read_statement(spec.text, symbols, source=_IN_EXPRESSION)
        # latex
        chains = read_chains(spec.text, table)
        if len(chains) != 1:
            raise SymcheckError("a LaTeX value must be one formula")
        chain = chains[0]
        return chain.terms[0] if not chain.relations else relation_from_chain(chain)

    def _export(self, spec: ValueSpec, claim: str | None) -> Any:
        module_name, _, attribute = spec.text.rpartition(".")
        if not module_name or not attribute:
            raise self.fail(f"{spec.text!r} is not module.export (such as bce.mean_bce)", spec, claim)
        matches = [
            module for name, module in self._modules.items() if name == module_name or name.endswith("." + module_name)
        ]
        if not matches:
            known = ", ".join(sorted(name.rpartition(".")[2] for name in self._modules)) or "none"
            raise self.fail(
                f"no registered library module is named {module_name!r} (modules with derivations: {known})",
                spec,
                claim,
            )
        if len(matches) > 1:
            raise self.fail(f"{module_name!r} names several library modules: write its full name", spec, claim)
        module = matches[0]
        exports = getattr(module, "__all__", ())
        value = getattr(module, attribute, None) if not attribute.startswith("_") else None
        if attribute not in exports and not _is_data(value):
            raise self.fail(
                f"{module.__name__} exports no {attribute!r} (its exports: {', '.join(exports)})", spec, claim
            )
        return value

    def _pick(self, value: Any, spec: ValueSpec, claim: str | None) -> Any:
        if spec.item is not None:
            try:
                value = value[spec.item]
            except (KeyError, IndexError, TypeError):
                raise self.fail(f"{spec.describe()}: there is no item {spec.item!r}", spec, claim) from None
        if spec.side is not None:
            if not isinstance(value, sp.Rel):
                raise self.fail(f"{spec.describe()}: only an equation or relation has sides", spec, claim)
            value = value.lhs if spec.side == "lhs" else value.rhs
        if spec.select == "summand":
            found = [node for node in sp.preorder_traversal(value) if isinstance(node, (sp.Sum, sp.Product))]
            if not found:
                raise self.fail(f"{spec.describe()}: there is no sum or product to take the summand of", spec, claim)
            value = found[0].function
        if callable(value) and not isinstance(value, sp.Basic):
            raise self.fail(f"{spec.describe()} is a Python function, not a SymPy object", spec, claim)
        return value

    def _where(self, value: Any, spec: ValueSpec, indices: tuple[str, ...] = ()) -> Any:
        if not spec.where:
            return value
        atoms = named_atoms(value)
        index = sp.Symbol("index", integer=True, positive=True)
        replacements: dict[str, Any] = {}
        for name, text in spec.where:
            if name not in atoms:
                known = ", ".join(sorted(atoms)) or "none"
                raise SymcheckError(f"where.{name}: the value has no {name!r} to substitute (its names: {known})")
            plain = {n: a for n, a in atoms.items() if not isinstance(a, sp.IndexedBase)}
            names = {**integer_symbols(indices), **plain}
            if isinstance(atoms.get(name), sp.IndexedBase):
                replacement = read_sympy(text, symbols={**names, "index": index}, source=_IN_EXPRESSION)
                replacements[name] = sp.Lambda(index, replacement) if replacement.has(index) else replacement
            else:
                replacements[name] = read_sympy(text, symbols=names, source=_IN_EXPRESSION)
        return substitute_names(value, replacements)


def _is_data(value: Any) -> bool:
    """A public module attribute that is a result, not code: a SymPy object or a tuple/dict of them.

    Names in ``__all__`` are the library's exports; a documented result that a module forgot to
    list there (``bce.sheet_per_sample``) is accepted too, but never a function, class or module.
    """
    if isinstance(value, sp.Basic):
        return True
    if isinstance(value, tuple) and value:
        return all(isinstance(item, (sp.Basic, int)) for item in value)
    if isinstance(value, dict) and value:
        return all(_is_data(item) or isinstance(item, tuple) for item in value.values())
    return False


def read_statement(text: str, symbols: Mapping[str, sp.Basic], *, source: str) -> sp.Basic:
    """An expression or a comparison (``a < b``, ``0 <= x <= 1``) in SymPy syntax, read without executing it."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return read_sympy(text, symbols=symbols, source=source)  # reports the syntax error with its place
    body = tree.body
    if not isinstance(body, ast.Compare):
        return read_sympy(text, symbols=symbols, source=source)
    stripped = text.strip()
    sides = [body.left, *body.comparators]
    values = []
    for side in sides:
        segment = ast.get_source_segment(stripped, side)
        if segment is None:
            raise SourceError("cannot read this comparison", path=source, line=1, column=1)
        values.append(read_sympy(segment, symbols=symbols, source=source))
    links = []
    for operator, left, right in zip(body.ops, values, values[1:], strict=False):
        relation = _COMPARISONS.get(type(operator))
        if relation is None:
            raise SourceError(f"the comparison {type(operator).__name__} is not allowed", path=source, line=1, column=1)
        links.append(relation(left, right, evaluate=False))
    return links[0] if len(links) == 1 else sp.And(*links, evaluate=False)
