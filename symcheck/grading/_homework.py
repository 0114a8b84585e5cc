r"""Read a homework key (TOML) into :class:`~symcheck.grading._spec.Homework`, checking its shape as it goes.

A typo in a key is an error with the key's line and column (and the part or quantity it is in),
never a silently ungraded question. References to the library are checked when they are resolved,
before any sheet is graded (:func:`check_references`). The format is documented in the README
("Write a homework key"); ``derivations/sheets/ml_theory/key.toml`` is a worked example.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from fractions import Fraction
from pathlib import Path
from typing import Any

from symcheck.errors import SourceError
from symcheck.grading._places import KeyPlaces, Place, find_places
from symcheck.grading._spec import (
    Alternative,
    CallMeaning,
    Check,
    Homework,
    NotationSpec,
    PartSpec,
    Quantity,
    QuestionSpec,
    Statement,
    ValueSpec,
)

__all__ = ["CHECKS", "load_homework"]

_SOURCES = ("library", "derivation", "sympy", "latex", "number")
_VALUE_OPTIONS = {
    "library": {"item", "side", "select", "where", "data"},
    "derivation": {"step", "side", "select", "where", "data"},
    "sympy": {"names", "where", "data"},
    "latex": {"where", "data"},
    "number": set(),
}
CHECKS = ("identity", "relation", "linearity", "overflow", "derivation")
"""The computations a statement in words can be decided by (see :class:`~symcheck.grading._spec.Check`)."""
_DOMAINS = ("real", "positive", "nonnegative", "negative", "nonzero", "unit_interval", "integer", "positive_integer")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-]*$")
_PART = re.compile(r"^([0-9]+)\(([a-z])\)$")
_NOTATION_FIELDS = {
    "functions",
    "indexed",
    "layered",
    "integers",
    "kronecker",
    "sum_range",
    "names",
    "calls",
    "vectors",
    "roles",
    "domains",
    "matrices",
    "identity",
    "rows",
}
_ROLES = ("labels", "predictions", "logits")
_PART_FIELDS = {
    "part",
    "points",
    "question",
    "data",
    "names",
    "notation",
    "calls",
    "quantity",
    "statement",
    "answer",
    "one_hot",
    "batch",
    "define",
    "solves",
}
_QUANTITY_FIELDS = {
    "id",
    "name",
    "about",
    "kind",
    "value",
    "values",
    "indices",
    "distinct",
    "shape",
    "batch_shape",
    "of",
    "given",
    "entrywise",
    "entry_of",
    "derivation",
}
_STATEMENT_FIELDS = {"id", "claim", "match", "check", "misconception", "derivation", "formula"}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _numbers(value: Any) -> bool:
    """A number, a list of numbers, or a matrix: a list of equally long lists of numbers."""
    if _is_number(value):
        return True
    if not isinstance(value, list) or not value:
        return False
    if all(_is_number(item) for item in value):
        return True
    return all(isinstance(row, list) and row and all(map(_is_number, row)) for row in value) and (
        len({len(row) for row in value}) == 1
    )


def _frozen(value: Any) -> Any:
    """Data as hashable tuples (a key's records are frozen): a list is a tuple, a matrix a tuple of tuples."""
    return tuple(_frozen(item) for item in value) if isinstance(value, list) else value


def _number_text(value: int | float) -> str:
    """The exact decimal a TOML number wrote (0.1 stays 1/10, not the nearest double)."""
    fraction = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    return str(fraction)


class _Loader:
    """Turns the parsed TOML into the key's records, raising SourceError at the right place."""

    def __init__(self, path: Path, places: KeyPlaces) -> None:
        self.path = path
        self.places = places
        self.counters: dict[str, int] = {}

    def fail(self, message: str, place: Place | None, where: str | None = None) -> SourceError:
        return SourceError(
            message,
            path=str(self.path),
            line=place.line if place else None,
            column=place.column if place else None,
            claim=where,
        )

    def next_place(self, block: str) -> Place | None:
        index = self.counters.get(block, 0)
        self.counters[block] = index + 1
        return self.places.of(block, index)

    # --- small typed accessors

    def string(self, table: dict, name: str, place: Place | None, where: str | None, *, required: bool = True):
        value = table.get(name)
        if value is None:
            if required:
                raise self.fail(f"missing field '{name}'", place, where)
            return None
        if not isinstance(value, str):
            raise self.fail(f"'{name}' must be a string, not {type(value).__name__}", place, where)
        return value

    def strings(self, value: Any, what: str, place: Place | None, where: str | None) -> tuple[str, ...]:
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(f"'{what}' must be a list of strings", place, where)
        return tuple(value)

    def unknown(self, raw: dict, allowed: set[str], what: str, place: Place | None, where: str | None) -> None:
        extra = sorted(set(raw) - allowed)
        if extra:
            raise self.fail(f"{what}: unknown field(s) {', '.join(extra)}", place, where)

    def dimensions(self, value: Any, what: str, place: Place | None, where: str | None) -> tuple[int | str, ...]:
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(size, (int, str)) and not isinstance(size, bool) for size in value)
        ):
            raise self.fail(f"'{what}' must be a list of dimensions (numbers or names)", place, where)
        return tuple(value)

    def data(self, raw: Any, what: str, place: Place | None, where: str | None) -> tuple[tuple[str, Any], ...]:
        if raw is None:
            return ()
        if not isinstance(raw, dict):
            raise self.fail(f"'{what}' must be a table of numbers and lists of numbers", place, where)
        for name, value in raw.items():
            if not _numbers(value):
                raise self.fail(
                    f"{what}.{name} must be a number, a list of numbers or a list of rows (a matrix)", place, where
                )
        return tuple((name, _frozen(value)) for name, value in raw.items())

    # --- values

    def value(self, raw: Any, what: str, place: Place | None, where: str | None) -> ValueSpec:
        if isinstance(raw, bool):
            raise self.fail(f"'{what}' must be a value table, not a boolean", place, where)
        if isinstance(raw, (int, float)):
            return ValueSpec("number", _number_text(raw), place=place)
        if not isinstance(raw, dict):
            raise self.fail(f"'{what}' must be a table such as {{ library = \"bce.mean_bce\" }}", place, where)
        sources = [source for source in _SOURCES if source in raw]
        if len(sources) != 1:
            found = ", ".join(sources) or "none"
            raise self.fail(f"'{what}' needs exactly one of {', '.join(_SOURCES)} (found {found})", place, where)
        source = sources[0]
        self.unknown(raw, {source} | _VALUE_OPTIONS[source], f"'{what}'", place, where)
        text = raw[source]
        if source == "number":
            if isinstance(text, bool) or not isinstance(text, (int, float)):
                raise self.fail(f"'{what}': number must be a number", place, where)
            text = _number_text(text)
        elif not isinstance(text, str) or not text.strip():
            raise self.fail(f"'{what}': {source} must be a non-empty string", place, where)
        return ValueSpec(
            source=source,
            text=text,
            item=self._item(raw, what, place, where),
            side=self._choice(raw, "side", ("lhs", "rhs"), what, place, where),
            step=self._step(raw, what, place, where),
            select=self._choice(raw, "select", ("summand",), what, place, where),
            where=self._where(raw, what, place, where),
            names=tuple(
                (name, self.value(inner, f"{what}.names.{name}", place, where))
                for name, inner in self._table(raw, "names", what, place, where).items()
            ),
            data=self.data(raw.get("data"), f"{what}.data", place, where),
            place=place,
        )

    def _table(self, raw: dict, name: str, what: str, place: Place | None, where: str | None) -> dict:
        value = raw.get(name, {})
        if not isinstance(value, dict):
            raise self.fail(f"'{what}': {name} must be a table", place, where)
        return value

    def _item(self, raw: dict, what: str, place: Place | None, where: str | None) -> str | int | None:
        item = raw.get("item")
        if item is not None and (isinstance(item, bool) or not isinstance(item, (str, int))):
            raise self.fail(f"'{what}': item must be a name or a 0-based position", place, where)
        return item

    def _step(self, raw: dict, what: str, place: Place | None, where: str | None) -> str | int | None:
        step = raw.get("step")
        if step is not None and (isinstance(step, bool) or not isinstance(step, (str, int))):
            raise self.fail(f"'{what}': step must be a label, a rule or a 1-based position", place, where)
        return step

    def _choice(self, raw: dict, name: str, allowed: tuple, what: str, place: Place | None, where: str | None):
        value = raw.get(name)
        if value is not None and value not in allowed:
            raise self.fail(f"'{what}': {name} must be {' or '.join(map(repr, allowed))}", place, where)
        return value

    def _where(self, raw: dict, what: str, place: Place | None, where: str | None) -> tuple[tuple[str, str], ...]:
        found = []
        for name, replacement in self._table(raw, "where", what, place, where).items():
            if isinstance(replacement, bool) or not isinstance(replacement, (str, int, float)):
                raise self.fail(f"'{what}': where.{name} must be an expression or a number", place, where)
            found.append((name, replacement if isinstance(replacement, str) else _number_text(replacement)))
        return tuple(found)

    # --- notation

    def notation(self, raw: dict, place: Place | None, where: str | None) -> NotationSpec:
        self.unknown(raw, _NOTATION_FIELDS, "notation", place, where)
        sum_range = raw.get("sum_range")
        if sum_range is not None and (
            not isinstance(sum_range, list)
            or len(sum_range) != 2
            or not all(isinstance(bound, (int, str)) and not isinstance(bound, bool) for bound in sum_range)
        ):
            raise self.fail("sum_range must be [lower, upper] (numbers or names)", place, where)
        return NotationSpec(
            functions=self.strings(raw.get("functions", []), "functions", place, where),
            indexed=self.strings(raw.get("indexed", []), "indexed", place, where),
            layered=self.strings(raw.get("layered", []), "layered", place, where),
            integers=self.strings(raw["integers"], "integers", place, where) if "integers" in raw else None,
            kronecker=self.string(raw, "kronecker", place, where, required=False),
            sum_range=tuple(sum_range) if sum_range is not None else None,  # type: ignore[arg-type]
            names=self.names(raw.get("names", {}), place, where),
            calls=self.calls(raw.get("calls", {}), place, where),
            vectors=self.vectors(raw.get("vectors", {}), place, where),
            roles=self.roles(raw.get("roles", {}), place, where),
            domains=self.domains(raw.get("domains", {}), place, where),
            matrices=self.matrices(raw.get("matrices", {}), place, where),
            identity=self.string(raw, "identity", place, where, required=False),
            rows=self.rows(raw.get("rows", {}), place, where),
        )

    def rows(self, raw: Any, place: Place | None, where: str | None) -> tuple[tuple[str, str], ...]:
        if not isinstance(raw, dict) or not all(isinstance(name, str) for name in raw.values()):
            raise self.fail("'rows' must be a table: row name = matrix name (x = \"X\")", place, where)
        return tuple(raw.items())

    def matrices(self, raw: Any, place: Place | None, where: str | None) -> tuple:
        if not isinstance(raw, dict):
            raise self.fail("'matrices' must be a table: name = [rows, columns]", place, where)
        return tuple((name, self.dimensions(shape, f"matrices.{name}", place, where)) for name, shape in raw.items())

    def domains(self, raw: Any, place: Place | None, where: str | None) -> tuple[tuple[str, str], ...]:
        allowed = (*_DOMAINS, "simplex", "one_hot")
        if not isinstance(raw, dict) or not all(value in allowed for value in raw.values()):
            raise self.fail(f"'domains' must be a table: name = one of {', '.join(allowed)}", place, where)
        return tuple(raw.items())

    def roles(self, raw: Any, place: Place | None, where: str | None) -> tuple[tuple[str, str], ...]:
        if not isinstance(raw, dict) or not all(isinstance(name, str) for name in raw.values()):
            raise self.fail("'roles' must be a table: labels/predictions/logits = name", place, where)
        unknown = sorted(set(raw) - set(_ROLES))
        if unknown:
            raise self.fail(f"'roles': unknown role(s) {', '.join(unknown)} (known: {', '.join(_ROLES)})", place, where)
        return tuple(raw.items())

    def names(self, raw: Any, place: Place | None, where: str | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
        if not isinstance(raw, dict):
            raise self.fail("'names' must be a table: name = [other spellings]", place, where)
        return tuple((name, self.strings(spellings, f"names.{name}", place, where)) for name, spellings in raw.items())

    def vectors(self, raw: Any, place: Place | None, where: str | None) -> tuple[tuple[str, str], ...]:
        if not isinstance(raw, dict) or not all(isinstance(size, (str, int)) for size in raw.values()):
            raise self.fail("'vectors' must be a table: name = its length", place, where)
        return tuple((name, str(size)) for name, size in raw.items())

    def calls(self, raw: Any, place: Place | None, where: str | None) -> tuple[CallMeaning, ...]:
        if not isinstance(raw, dict):
            raise self.fail("'calls' must be a table of call meanings", place, where)
        meanings = []
        for name, meaning in raw.items():
            forms = ("indexed", "quantity", "function")
            if not isinstance(meaning, dict) or len(meaning) != 1 or next(iter(meaning)) not in forms:
                raise self.fail(
                    f'calls.{name} must be one of {{ indexed = "p" }}, {{ quantity = "id" }}, '
                    '{ function = "sigmoid" }',
                    place,
                    where,
                )
            form, value = next(iter(meaning.items()))
            if not isinstance(value, str):
                raise self.fail(f"calls.{name}.{form} must be a name", place, where)
            meanings.append(CallMeaning(name, **{form: value}))
        return tuple(meanings)

    def scope(self, raw: dict, place: Place | None, where: str | None) -> NotationSpec:
        """A question's or part's notation: its ``notation`` table plus ``names``, ``calls`` and ``vectors``."""
        inner = raw.get("notation", {})
        if not isinstance(inner, dict):
            raise self.fail("'notation' must be a table", place, where)
        spec = self.notation({k: v for k, v in inner.items()}, place, where)
        extra = {
            key: raw[key]
            for key in ("names", "calls", "vectors", "roles", "domains", "matrices", "identity", "rows")
            if key in raw
        }
        return spec.merged(self.notation(extra, place, where)) if extra else spec

    # --- checks, quantities, statements

    def check(self, raw: Any, place: Place | None, where: str) -> Check:
        if not isinstance(raw, dict):
            raise self.fail(f"'check' must be a table with one of {', '.join(CHECKS)}", place, where)
        kinds = [kind for kind in CHECKS if kind in raw]
        if len(kinds) != 1:
            raise self.fail(f"'check' needs exactly one of {', '.join(CHECKS)}", place, where)
        kind = kinds[0]
        self.unknown(raw, {kind, "assume", "step"}, "check", place, where)
        assume = raw.get("assume", {})
        if not isinstance(assume, dict) or not set(assume) <= set(_DOMAINS):
            raise self.fail(f"'assume' must be a table of {', '.join(_DOMAINS)} = [names]", place, where)
        domains = tuple((domain, self.strings(names, domain, place, where)) for domain, names in assume.items())
        body = raw[kind]
        if kind == "derivation":
            if not isinstance(body, str):
                raise self.fail("check.derivation must be a derivation's name", place, where)
            return Check("derivation", derivation=body, step=self._step(raw, "check", place, where), assume=domains)
        if kind == "relation":
            return Check(
                "relation", values=(("relation", self.value(body, "check.relation", place, where)),), assume=domains
            )
        if not isinstance(body, dict):
            raise self.fail(f"check.{kind} must be a table", place, where)
        return self._compound_check(kind, body, domains, place, where)

    def _compound_check(self, kind: str, body: dict, domains: tuple, place: Place | None, where: str) -> Check:
        fields = {"identity": ("left", "right"), "linearity": ("expression",), "overflow": ("expression",)}[kind]
        options = {"identity": {"objective"}, "linearity": {"variable"}, "overflow": {"at"}}[kind]
        self.unknown(body, set(fields) | options, f"check.{kind}", place, where)
        missing = [name for name in fields if name not in body]
        if missing:
            raise self.fail(f"check.{kind} needs {', '.join(missing)}", place, where)
        values = tuple((name, self.value(body[name], f"check.{kind}.{name}", place, where)) for name in fields)
        at = body.get("at", {})
        if not isinstance(at, dict):
            raise self.fail("check.overflow.at must be a table: name = number or list", place, where)
        variable = body.get("variable")
        if kind == "linearity" and not isinstance(variable, str):
            raise self.fail("check.linearity needs variable = the name it is linear in", place, where)
        objective = body.get("objective", False)
        if not isinstance(objective, bool):
            raise self.fail("check.identity.objective must be true or false", place, where)
        return Check(kind, values=values, variable=variable, at=tuple(at.items()), objective=objective, assume=domains)

    def quantity(self, raw: dict, part: str) -> Quantity:
        place = self.next_place("part.quantity")
        identifier = self.string(raw, "id", place, part)
        if not _ID.match(identifier):
            raise self.fail(f"id {identifier!r} must be letters, digits and '-'", place, part)
        where = f"{part} {identifier}"
        self.unknown(raw, _QUANTITY_FIELDS, f"quantity {identifier}", place, where)
        kind = raw.get("kind", "shape" if "shape" in raw and "value" not in raw and "values" not in raw else "value")
        if kind not in ("value", "shape", "conditional"):
            raise self.fail("kind must be 'value', 'shape' or 'conditional'", place, where)
        about = self.strings(raw.get("about", []), "about", place, where)
        if not about:
            raise self.fail("a quantity needs 'about': how sheets write what it is", place, where)
        values = self.alternatives(raw, place, where)
        if kind == "value" and not values and "shape" not in raw:
            raise self.fail("a quantity needs a value, values, or a shape", place, where)
        distinct = raw.get("distinct", [])
        if not isinstance(distinct, list) or not all(
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(n, str) for n in pair) for pair in distinct
        ):
            raise self.fail("'distinct' must be a list of pairs of index names", place, where)
        entrywise = raw.get("entrywise", False)
        if not isinstance(entrywise, bool):
            raise self.fail("'entrywise' must be true or false", place, where)
        if entrywise and not raw.get("indices"):
            raise self.fail('an entrywise quantity needs indices = ["a"]: its value is that of entry a', place, where)
        entry_of = raw.get("entry_of", False)
        if not isinstance(entry_of, bool):
            raise self.fail("'entry_of' must be true or false", place, where)
        if entry_of and len(raw.get("indices", [])) != 1:
            raise self.fail(
                'entry_of needs one index, indices = ["a"]: the quantity is entry a of the value', place, where
            )
        return Quantity(
            id=identifier,
            part=part,
            name=self.string(raw, "name", place, where),
            about=about,
            kind=kind,
            values=values,
            indices=self.strings(raw.get("indices", []), "indices", place, where),
            distinct=tuple((first, second) for first, second in distinct),
            shape=self.dimensions(raw["shape"], "shape", place, where) if "shape" in raw else None,
            batch_shape=self.dimensions(raw["batch_shape"], "batch_shape", place, where)
            if "batch_shape" in raw
            else None,
            of=self.strings(raw.get("of", []), "of", place, where),
            given=self.strings(raw.get("given", []), "given", place, where),
            entrywise=entrywise,
            entry_of=entry_of,
            derivation=self.string(raw, "derivation", place, where, required=False),
            place=place,
        )

    def alternatives(self, raw: dict, place: Place | None, where: str) -> tuple[Alternative, ...]:
        if "value" in raw and "values" in raw:
            raise self.fail("give either value or values, not both", place, where)
        if "value" in raw:
            return (Alternative("the answer", self.value(raw["value"], "value", place, where)),)
        entries = raw.get("values", [])
        if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
            raise self.fail("'values' must be a list of { name, value } tables", place, where)
        found = []
        for entry in entries:
            self.unknown(entry, {"name", "value", "derivation"}, "values", place, where)
            if "value" not in entry:
                raise self.fail("each of 'values' needs a value", place, where)
            found.append(
                Alternative(
                    self.string(entry, "name", place, where),
                    self.value(entry["value"], "values.value", place, where),
                    self.string(entry, "derivation", place, where, required=False),
                )
            )
        return tuple(found)

    def statement(self, raw: dict, part: str) -> Statement:
        place = self.next_place("part.statement")
        identifier = self.string(raw, "id", place, part)
        where = f"{part} {identifier}"
        self.unknown(raw, _STATEMENT_FIELDS, f"statement {identifier}", place, where)
        groups = raw.get("match")
        if (
            not isinstance(groups, list)
            or not groups
            or not all(isinstance(group, list) and group and all(isinstance(p, str) for p in group) for group in groups)
        ):
            raise self.fail("'match' must be a list of groups of patterns: [['MSE'], ['linear']]", place, where)
        for group in groups:
            for pattern in group:
                try:
                    re.compile(pattern)
                except re.error as error:
                    raise self.fail(
                        f"match pattern {pattern!r} is not a regular expression: {error}", place, where
                    ) from None
        if "check" not in raw:
            raise self.fail("a statement needs a check: the computation that decides it", place, where)
        return Statement(
            id=identifier,
            part=part,
            claim=self.string(raw, "claim", place, where),
            match=tuple(tuple(group) for group in groups),
            check=self.check(raw["check"], place, where),
            misconception=self.string(raw, "misconception", place, where, required=False),
            derivation=self.string(raw, "derivation", place, where, required=False),
            formula=self.string(raw, "formula", place, where, required=False),
            place=place,
        )

    def part(self, raw: dict) -> PartSpec:
        place = self.next_place("part")
        name = self.string(raw, "part", place, None)
        found = _PART.match(name)
        if found is None:
            raise self.fail(f"part {name!r} must be a question number and letter, like 1(d)", place, name)
        self.unknown(raw, _PART_FIELDS, f"part {name}", place, name)
        points = raw.get("points", 1)
        if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0:
            raise self.fail("'points' must be a number ≥ 0", place, name)
        quantities = raw.get("quantity", [])
        statements = raw.get("statement", [])
        if not isinstance(quantities, list) or not isinstance(statements, list):
            raise self.fail("write quantities as [[part.quantity]] and statements as [[part.statement]]", place, name)
        return PartSpec(
            part=name,
            question_number=found.group(1),
            letter=found.group(2),
            points=float(points),
            question=self.string(raw, "question", place, name, required=False) or "",
            data=self.data(raw.get("data"), "data", place, name),
            notation=self.scope(raw, place, name),
            quantities=tuple(self.quantity(entry, name) for entry in quantities),
            statements=tuple(self.statement(entry, name) for entry in statements),
            answer=self.string(raw, "answer", place, name, required=False),
            one_hot=self.string(raw, "one_hot", place, name, required=False),
            batch=self.string(raw, "batch", place, name, required=False),
            define=tuple(
                (symbol, self.value(value, f"define.{symbol}", place, name))
                for symbol, value in self._table(raw, "define", "part", place, name).items()
            ),
            solves=tuple(
                (unknown, self.strings(ids, f"solves.{unknown}", place, name))
                for unknown, ids in self._table(raw, "solves", "part", place, name).items()
            ),
            place=place,
        )

    def questions(self, raw: Any) -> tuple[QuestionSpec, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, dict) or not all(isinstance(entry, dict) for entry in raw.values()):
            raise self.fail("write each question as [question.1], [question.2], …", self.places.table("question"))
        found = []
        for number, entry in raw.items():
            place = self.places.table(f"question.{number}")
            allowed = {
                "title",
                "notation",
                "names",
                "calls",
                "vectors",
                "roles",
                "domains",
                "matrices",
                "identity",
                "rows",
            }
            self.unknown(entry, allowed, f"question {number}", place, None)
            found.append(
                QuestionSpec(
                    number=str(number),
                    title=self.string(entry, "title", place, None, required=False) or "",
                    notation=self.scope(entry, place, f"question {number}"),
                )
            )
        return tuple(found)


def _file_beside(path: Path, raw: dict, name: str) -> Path | None:
    value = raw.get(name)
    return None if value is None else path.parent / str(value)


def _parse(path: Path) -> tuple[str, dict]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourceError("no such homework key", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise SourceError(f"cannot read the homework key: {error}", path=str(path)) from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error)) or "invalid TOML"
        line, column = (int(found.group(1)), int(found.group(2))) if found else (None, None)
        raise SourceError(f"invalid TOML: {message}", path=str(path), line=line, column=column) from None


def load_homework(path: Path | str) -> Homework:
    """Read and check a homework key; a malformed key is a :class:`SourceError` at its place."""
    path = Path(path)
    text, document = _parse(path)
    loader = _Loader(path, find_places(text))
    loader.unknown(document, {"homework", "notation", "question", "part"}, "the key", None, None)
    head = document.get("homework")
    if not isinstance(head, dict):
        raise loader.fail("missing [homework] table with the homework's name and title", None)
    head_place = loader.places.table("homework")
    loader.unknown(head, {"name", "title", "questions", "sheet", "class"}, "[homework]", head_place, None)
    notation = document.get("notation", {})
    if not isinstance(notation, dict):
        raise loader.fail("[notation] must be a table", loader.places.table("notation"))
    parts_raw = document.get("part", [])
    if not isinstance(parts_raw, list) or not all(isinstance(entry, dict) for entry in parts_raw):
        raise loader.fail("write each part as [[part]]", None)
    homework = Homework(
        path=path,
        name=loader.string(head, "name", head_place, None),
        title=loader.string(head, "title", head_place, None),
        notation=loader.notation(notation, loader.places.table("notation"), None),
        questions=loader.questions(document.get("question")),
        parts=tuple(loader.part(entry) for entry in parts_raw),
        questions_file=_file_beside(path, head, "questions"),
        sheet=_file_beside(path, head, "sheet"),
        class_folder=_file_beside(path, head, "class"),
        digest=hashlib.sha256(text.encode()).hexdigest(),
    )
    _check_unique(loader, homework)
    return homework


def _check_unique(loader: _Loader, homework: Homework) -> None:
    parts = [part.part for part in homework.parts]
    if len(set(parts)) != len(parts):
        raise loader.fail("two [[part]] entries have the same part", None)
    seen: dict[str, str] = {}
    for part in homework.parts:
        for item in (*part.quantities, *part.statements):
            if item.id in seen:
                raise loader.fail(f"the id {item.id!r} is used twice (in {seen[item.id]} and {part.part})", item.place)
            seen[item.id] = part.part
        if part.answer is not None and all(quantity.id != part.answer for quantity in part.quantities):
            raise loader.fail(f"answer = {part.answer!r} names no quantity of {part.part}", part.place, part.part)
    for part in homework.parts:
        for unknown, ids in part.solves:
            missing = [identifier for identifier in ids if identifier not in seen]
            if missing:
                raise loader.fail(
                    f"solves.{unknown} names no quantity {', '.join(map(repr, missing))}", part.place, part.part
                )
    if not homework.parts:
        raise loader.fail("a homework key needs at least one [[part]]", None)
