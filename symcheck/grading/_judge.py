r"""Judge a sheet's term against the key: the quantity's correct value(s), or the term before it.

A term about a known quantity is compared with the quantity's correct value under each of its
readings (1(d): the mean BCE, or one 3-class cross-entropy), after the sheet's notation, the part's
data and the meaning of calls (``BCE(y_2, …)`` is the loss of sample 2) are put in. Numbers are
judged at the precision the sheet wrote them to; formulas by the engine (a proof, or a counterexample).
A term is right when it holds under one reading; wrong when it fails under every one; else undecided.

A whole-vector quantity (∂L/∂z) is judged entry by entry: the sheet's ``\hat{y} - y`` is read at an
entry a; an expression in the sheet's own indices (``\hat{y}_k - 1`` under "if i = k") is read at each
index it uses, and where the part says the label is one-hot, with each of those indices as the true
class. A term of a chain whose subject is unknown is judged against the term before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import mpmath
import sympy as sp
from sympy.core.function import AppliedUndef

from symcheck.definitions import expand_definitions
from symcheck.grading._compare import Comparer, index_ranges, unify
from symcheck.grading._data import DataError, apply_data
from symcheck.grading._explicit import explicit, judge_explicit, numeric, scalarise
from symcheck.grading._forms import (
    _bare_as_scalars,
    _counts,
    _entry_of,
    _expand_matrices,
    _function_shorthand,
    _same_indexing,
    _subscript,
    _substitute_names,
    _undefined,
    _unify_derivative_variables,
    _verdict,
    bare_vectors,
)
from symcheck.grading._items import Condition
from symcheck.grading._match import Match
from symcheck.grading._mistakes import Diagnosis, MistakeContext, diagnose, reversed_relation
from symcheck.grading._notation import part_table
from symcheck.grading._numbers import carried_error, judge_numbers, numeric_value, precision_of
from symcheck.grading._reading import VOCABULARY
from symcheck.grading._spec import Alternative, Homework, PartSpec, Quantity
from symcheck.grading._values import Backing, Resolver, named_atoms
from symcheck.model import Assumptions, Definition, assume
from symcheck.objects import DescribedMatrix
from symcheck.reader import SymbolTable, read_expression
from symcheck.reader._build_matrices import IDENTITY_SIZE
from symcheck.results import Counterexample, Verdict
from symcheck.sheet import ClaimVerdict

__all__ = ["Judge", "Judgement", "Valued"]

ENTRY = sp.Symbol("a_entry", integer=True, positive=True)
"""The entry at which a whole-vector answer (``\\hat{y} - y``) is read."""


@dataclass(frozen=True)
class Valued:
    """A quantity's correct value under one reading, with what it is compared under."""

    name: str
    value: sp.Basic
    assumptions: Assumptions
    definitions: tuple[Definition, ...]
    backing: Backing | None


@dataclass(frozen=True)
class Judgement:
    """How one term fared: the verdict, the reading it was judged under, and what to say about it."""

    verdict: ClaimVerdict
    valued: Valued | None = None
    detail: str = ""
    evidence: str = ""
    diagnosis: Diagnosis | None = None
    student_value: mpmath.mpf | None = None
    correct_value: mpmath.mpf | None = None
    rounding: bool = False
    student: sp.Basic | None = None
    counterexample: Counterexample | None = None
    reversed: str | None = None
    """For a false inequality whose reverse holds: the reverse relation's LaTeX symbol."""
    departure: str = ""
    """Where a wrong answer departs from the right one, in the student's words (entry 2 is 0.333 where …)."""
    readings: tuple = ()
    """Each reading of a question with two (1(d): the mean BCE, one 3-class cross-entropy): its :class:`Reading`."""


_RANK = {"correct": 4, "imprecise": 3, "undecided": 2, "wrong": 1, "not graded": 0}


def _evidence(verdict: Verdict) -> str:
    text = verdict.method
    if verdict.detail:
        text += f": {verdict.detail}"
    if verdict.counterexample is not None:
        text += f" (counterexample {verdict.counterexample})"
    return text


class _KeyValues:
    """The key's resolved values (library exports, definitions), shared by every sheet a process grades for the
    same homework and notation: resolving them is a fixed cost per key, not per sheet."""

    _shared: ClassVar[dict[tuple, Any]] = {}

    def __init__(self, homework: Homework, table: Any) -> None:
        self.homework = homework
        self.table = table

    def _full(self, key: tuple) -> tuple:
        part = key[1] if key and key[0] in ("define", "scope") else None
        quantity = self.homework.quantity(key[0]) if key and key[0] not in ("define", "scope") else None
        scope = quantity.part if quantity is not None else part
        return (self.homework.digest or id(self.homework), key, self.table(scope))

    def __contains__(self, key: tuple) -> bool:
        return self._full(key) in self._shared

    def __getitem__(self, key: tuple) -> Any:
        return self._shared[self._full(key)]

    def __setitem__(self, key: tuple, value: Any) -> None:
        if len(self._shared) > 4096:
            self._shared.clear()
        self._shared[self._full(key)] = value


class Judge:
    """Values of the key's quantities and comparisons for one sheet (values are computed once per run)."""

    def __init__(self, homework: Homework, resolver: Resolver, comparer: Comparer, tables: dict) -> None:
        self.homework = homework
        self.resolver = resolver
        self.comparer = comparer
        self.tables = tables
        self._raw = _KeyValues(homework, self.table)
        self.sheet_definitions: dict[str | None, list[Definition]] = {}

    # --------------------------------------------------------------- the key's side

    def table(self, part: str | None) -> SymbolTable:
        """The reader's table of ``part`` (built from the key's notation when the sheet has no formula there)."""
        if part not in self.tables:
            spec = self.homework.part(part) if part else None
            self.tables[part] = part_table(self.homework.notation_of(spec) if spec else self.homework.notation)
        return self.tables[part]

    def _raw_value(self, quantity: Quantity, position: int) -> Any:
        key = (quantity.id, position)
        if key not in self._raw:
            alternative = quantity.values[position]
            self._raw[key] = self.resolver.resolve(
                alternative.value,
                claim=f"{quantity.part} {quantity.id}",
                table=self.table(quantity.part),
                indices=quantity.indices,
            )
        return self._raw[key]

    def backing(self, name: str | None) -> Backing | None:
        return self.resolver.backing(name, None) if name else None

    def function_definitions(self, part: PartSpec | None) -> tuple[Definition, ...]:
        """The meanings the key gives calls (``\\sigma`` is the sigmoid), as definitions."""
        notation = self.homework.notation_of(part) if part is not None else self.homework.notation
        table = self.table(part.part if part is not None else None)
        found = []
        for call in notation.calls:
            if call.function is None:
                continue
            try:
                head = read_expression(call.name, table)
            except Exception:
                continue
            name = head.func.__name__ if isinstance(head, AppliedUndef) else str(head)
            found.append(Definition(sp.Function(name), VOCABULARY[call.function]))
        return tuple(found)

    def part_definitions(self, part: PartSpec | None) -> tuple[Definition, ...]:
        """The meanings a part gives names (``L`` is the loss) and the sheet's own (``S = \\sum_j e^{z_j}``)."""
        if part is None:
            return ()
        key = ("define", part.part)
        if key not in self._raw:
            table = self.table(part.part)
            found = []
            for name, spec in part.define:
                symbol = read_expression(name, table)
                value = self.resolver.resolve(spec, claim=f"{part.part} define.{name}", table=table)
                if isinstance(symbol, (sp.Symbol, sp.IndexedBase)) and isinstance(value, sp.MatrixExpr):
                    symbol = sp.MatrixSymbol(str(symbol), *value.shape)  # S = diag(p ∘ (1 − p)) is a matrix
                if isinstance(symbol, (sp.Symbol, sp.IndexedBase, sp.MatrixSymbol)):
                    found.append(Definition(symbol, value))
            self._raw[key] = tuple(found)
        return (*self._raw[key], *self.sheet_own_definitions(part))

    def sheet_own_definitions(self, part: PartSpec) -> tuple[Definition, ...]:
        """The sheet's own definitions in force in a part: the part's, then those its question's other parts made
        so far (``S`` defined in 2(b) is still ``S`` in 2(c)); a part's own come first and win."""
        own = list(self.sheet_definitions.get(part.part, ()))
        defined = {definition.symbol for definition in own}
        for other in self.homework.parts:
            if other.part == part.part or other.question_number != part.question_number:
                continue
            for definition in self.sheet_definitions.get(other.part, ()):
                if definition.symbol not in defined:
                    own.append(definition)
                    defined.add(definition.symbol)
        return tuple(own)

    def scope_definitions(self, part: PartSpec | None) -> tuple[Definition, ...]:
        """Every meaning in force in a part: its own names, its question's derivations' names (ŷ is the
        softmax), the key's functions (σ is the sigmoid) and the sheet's own definitions."""
        if part is None:
            return ()
        key = ("scope", part.part)
        if key not in self._raw:
            found: list[Definition] = []
            for other in self.homework.parts:
                if other.question_number != part.question_number:
                    continue
                for quantity in other.quantities:
                    names = {quantity.derivation, *(alternative.derivation for alternative in quantity.values)}
                    for name in names - {None}:
                        backing = self.backing(name)
                        if backing is not None:
                            found.extend(backing.definitions)
            self._raw[key] = tuple(dict.fromkeys(found))
        return (*self.part_definitions(part), *self._raw[key], *self.function_definitions(part))

    def values(self, match: Match, conditions: tuple[Condition, ...] = ()) -> list[Valued]:
        """The quantity's correct value under each of its readings, at the sheet's indices."""
        quantity = match.quantity
        part = self.homework.part(quantity.part)
        binding = {name: value for name, value in match.binding}
        found = []
        for position, alternative in enumerate(quantity.values):
            raw = self._raw_value(quantity, position)
            if not isinstance(raw, sp.Basic):
                continue
            value = _substitute_names(raw, binding)
            try:
                value = apply_data(apply_data(value, alternative.value.data), part.data if part else ())
            except DataError:
                continue
            if quantity.entry_of:
                value = _entry_of(value, binding.get(quantity.indices[0]))
                if value is None:
                    continue
            found.append(self._valued(quantity, alternative, value, binding, conditions))
        return found

    def _valued(
        self, quantity: Quantity, alternative: Alternative, value: sp.Basic, binding: dict, conditions: tuple
    ) -> Valued:
        backing = self.backing(alternative.derivation or quantity.derivation)
        part = self.homework.part(quantity.part)
        definitions = (
            *self.part_definitions(part),
            *(backing.definitions if backing else ()),
            *self.function_definitions(part),
        )
        assumptions = backing.assumptions if backing else Assumptions()
        pairs = [(binding[a], binding[b]) for a, b in quantity.distinct if a in binding and b in binding]
        pairs += [(c.first, c.second) for c in conditions if c.kind == "distinct"]
        pairs = [
            (first, second) for first, second in pairs if isinstance(first, sp.Symbol) and isinstance(second, sp.Symbol)
        ]
        if pairs:
            assumptions = assumptions.merged(assume(distinct=pairs))
        name = alternative.name if len(quantity.values) > 1 else quantity.name
        return Valued(name, value, assumptions, tuple(dict.fromkeys(definitions)), backing)

    def one_hot_values(self, valued: list[Valued], part: PartSpec | None, classes: Iterable[sp.Basic]) -> list[Valued]:
        """Readings where the part's one-hot label has its 1 at each of ``classes`` (the true class)."""
        if part is None or part.one_hot is None:
            return []
        extra = []
        label = part.one_hot

        def hot(expr: sp.Basic, cls: sp.Basic) -> sp.Basic:
            return expr.replace(
                lambda node: isinstance(node, sp.Indexed) and str(node.base) == label,
                lambda node: sp.KroneckerDelta(node.indices[0], cls),
            )

        for item in valued:
            for cls in classes:
                value = hot(item.value, cls)
                definitions = tuple(
                    Definition(d.symbol, hot(d.value, cls) if isinstance(d.value, sp.Basic) else d.value)
                    for d in item.definitions
                )
                if value != item.value or definitions != item.definitions:
                    name = f"{item.name}, with the one-hot label's 1 at {cls}"
                    extra.append(replace(item, name=name, value=value, definitions=definitions))
        return extra

    # --------------------------------------------------------------- the sheet's side

    def prepare(
        self, expr: sp.Basic, part: PartSpec | None, calls: dict, conditions: tuple[Condition, ...]
    ) -> sp.Basic:
        """A term as the key reads it: calls given their meaning, equal indices merged, the part's data put in."""
        expr = self._calls(expr, part, calls)
        for condition in conditions:
            index_case = condition.kind == "equal" and isinstance(condition.first, sp.Symbol)
            if index_case or (condition.kind == "value" and isinstance(expr, sp.Basic)):  # if y_i = 1: that case
                expr = expr.xreplace({condition.first: condition.second})
        if isinstance(expr, sp.Basic) and expr.has(sp.Subs):  # σ′(2z): the derivative of σ, taken at 2z
            expr = self._primes(expr, part)
        if part is not None and part.data:
            if expr.has(sp.MatrixSymbol):  # p = σ(Xw) in a part whose data give X and w: p is made explicit too
                expr = expand_definitions(
                    expr, [d for d in self.part_definitions(part) if isinstance(d.symbol, sp.MatrixSymbol)]
                )
            expr = apply_data(expr, part.data)
        return expr

    def _primes(self, expr: sp.Basic, part: PartSpec | None) -> sp.Basic:
        definitions = self.function_definitions(part)

        def evaluated(node: sp.Subs) -> sp.Basic:
            try:
                return expand_definitions(node, definitions).doit()
            except (TypeError, ValueError, AttributeError, NotImplementedError):
                return node

        return expr.replace(lambda node: isinstance(node, sp.Subs), evaluated)

    def _calls(self, expr: sp.Basic, part: PartSpec | None, calls: dict) -> sp.Basic:
        if not calls or not isinstance(expr, sp.Basic):
            return expr

        def meaning(node: AppliedUndef) -> sp.Basic:
            call = calls.get(node.func.__name__)
            index = _subscript(node.args)
            if call is None or index is None:
                return node
            if call.indexed is not None:
                return sp.IndexedBase(call.indexed, real=True)[index]
            if call.quantity is not None:
                quantity = self.homework.quantity(call.quantity)
                if quantity is None or not quantity.indices or (part is not None and quantity.part != part.part):
                    return node
                values = self.values(Match(quantity, ((quantity.indices[0], index),)))
                return values[0].value if values else node
            return node

        return expr.replace(lambda node: isinstance(node, AppliedUndef) and node.func.__name__ in calls, meaning)

    # --------------------------------------------------------------- comparing

    def domains(self, part: PartSpec | None, *expressions: sp.Basic) -> dict[str, list[sp.Basic]]:
        """The key's domains of the names in ``expressions`` (a label in [0, 1], ŷ on the simplex)."""
        notation = self.homework.notation_of(part) if part is not None else self.homework.notation
        table = self.table(part.part if part is not None else None)
        atoms = named_atoms(*expressions)
        groups: dict[str, list[sp.Basic]] = {}
        for name, domain in notation.domains:
            try:
                read = read_expression(name, table)
            except Exception:
                continue
            atom = atoms.get(str(read))
            if atom is not None and not (domain in ("simplex", "one_hot") and not isinstance(atom, sp.IndexedBase)):
                groups.setdefault(domain, []).append(atom)
        return groups

    def assumptions_for(
        self,
        valued: Valued,
        *expressions: sp.Basic,
        conditions: tuple[Condition, ...] = (),
        part: PartSpec | None = None,
    ) -> Assumptions:
        merged = valued.assumptions
        declared = {symbol for symbol, _ in merged.domains} | {str(d.symbol) for d in valued.definitions}
        groups = {
            domain: [atom for atom in atoms if atom not in declared and str(atom) not in declared]
            for domain, atoms in self.domains(part, *expressions).items()
        }
        groups = {domain: atoms for domain, atoms in groups.items() if atoms}
        if groups:
            merged = merged.merged(assume(**groups))  # type: ignore[arg-type]
        signs: dict[str, list[sp.Basic]] = {}
        atoms = named_atoms(*expressions)
        for condition in conditions:
            if condition.kind == "sign" and condition.first is not None:
                atom = atoms.get(str(condition.first))
                if atom is not None:
                    signs.setdefault(condition.sign or "negative", []).append(atom)
        if signs:
            merged = merged.merged(assume(**signs))  # type: ignore[arg-type]
        upper = None
        for expression in expressions:
            for node in sp.preorder_traversal(expression):
                if isinstance(node, sp.Sum) and node.limits[0][2].free_symbols:
                    upper = node.limits[0][2]
                    break
        return index_ranges(expressions, merged, upper or sp.Symbol("K", integer=True, positive=True))

    def compare(
        self,
        student: sp.Basic,
        valued: Valued,
        relation: str,
        text: str,
        conditions: tuple[Condition, ...] = (),
        part: PartSpec | None = None,
    ) -> Judgement:
        """``student`` (one term of the sheet) against one correct value."""
        correct = valued.value
        student = _function_shorthand(student, correct)
        if isinstance(student, DescribedMatrix):
            return self._described(student, valued, conditions, part)
        matrices = self._explicit(correct, student, relation, text, valued)
        if matrices is not None:
            return matrices
        student = _expand_matrices(student, valued.definitions)
        student, correct = scalarise(student), scalarise(correct)
        student_number = numeric(student, valued.definitions)
        correct_number = numeric(correct, valued.definitions)
        if student_number is not None and correct_number is not None:
            judged = judge_numbers(
                correct_number,
                student_number,
                relation if relation in ("=", "≈") else "=",
                "",
                text,
                carried=carried_error(student, text),
            )
            return Judgement(
                judged.verdict,
                valued,
                detail=judged.detail,
                evidence=judged.detail,
                student_value=student_number,
                correct_value=correct_number,
                rounding=judged.rounding,
                student=student,
            )
        if not (isinstance(correct, sp.MatrixExpr) or isinstance(student, sp.MatrixExpr)):
            if not bare_vectors(correct):
                student = _bare_as_scalars(student)  # ``y \log p`` with y and p written without index: one sample
            student, correct = _same_indexing(student, correct)
        prepared = unify(
            student, correct, *(d.symbol for d in valued.definitions), *(d.value for d in valued.definitions)
        )
        prepared = _unify_derivative_variables(prepared, correct)
        if prepared == correct:
            return Judgement("correct", valued, detail="the same expression", evidence="structural", student=prepared)
        undefined = _undefined(prepared, valued.definitions)
        if undefined:
            return Judgement(
                "undecided", valued, detail=f"what {', '.join(undefined)} stands for is not known", student=prepared
            )
        assumptions = self.assumptions_for(valued, prepared, correct, conditions=conditions, part=part)
        verdict = self.comparer.check(prepared, correct, assumptions, valued.definitions)
        return Judgement(
            _verdict(verdict),
            valued,
            detail=verdict.detail,
            evidence=_evidence(verdict),
            student_value=student_number,
            correct_value=correct_number,
            student=prepared,
            counterexample=verdict.counterexample,
        )

    def _described(
        self, student: DescribedMatrix, valued: Valued, conditions: tuple, part: PartSpec | None
    ) -> Judgement:
        """A matrix written with dots against a square matrix value: its diagonal entry and its off-diagonal one."""
        correct = valued.value
        if not isinstance(correct, sp.MatrixExpr) or correct.shape[0] != correct.shape[1]:
            return Judgement("undecided", valued, detail="a matrix written with dots, where no matrix is asked for")
        from symcheck.matrices import to_index_form

        a, b = (sp.Symbol(name, integer=True, positive=True) for name in ("a", "b"))
        try:
            entry = to_index_form(correct, (a, b))
        except Exception:  # a value the matrices module cannot write entry by entry
            return Judgement("undecided", valued, detail="its entries cannot be compared")
        pairs = (
            ("the diagonal entry", student.diagonal(a), entry.xreplace({b: a}), ()),
            (
                "the off-diagonal entry",
                student.off_diagonal(a, b),
                entry.xreplace({sp.KroneckerDelta(a, b): 0}),
                ((a, b),),
            ),
        )
        verdicts = []
        for name, written, right, distinct in pairs:
            right = (
                right.replace(
                    lambda node: isinstance(node, sp.KroneckerDelta) and set(node.args) == {a, b},
                    lambda node, distinct=distinct: sp.Integer(0) if distinct else node,
                ).doit()
                if distinct
                else right.doit()
            )
            prepared = unify(written, right, *(d.symbol for d in valued.definitions))
            assumptions = self.assumptions_for(valued, prepared, right, conditions=conditions, part=part)
            if distinct:
                assumptions = assumptions.merged(assume(distinct=list(distinct)))
            verdict = self.comparer.check(prepared, right, assumptions, valued.definitions)
            if verdict.holds is None:  # refuted at the entry (1, 1) or (1, 2), if anywhere
                at = {a: sp.Integer(1), b: sp.Integer(2)}
                concrete = self.comparer.check(
                    prepared.xreplace(at), right.xreplace(at), assumptions, valued.definitions
                )
                verdict = concrete if concrete.holds is False else verdict
            verdicts.append((name, verdict, written, right))
        wrong = [item for item in verdicts if item[1].holds is False]
        if wrong:
            name, verdict, written, right = wrong[0]
            return Judgement(
                "wrong",
                valued,
                detail=verdict.detail,
                evidence=_evidence(verdict),
                departure=f"{name} is ${sp.latex(written)}$ where ${sp.latex(right)}$ belongs",
                student=written,
            )
        if all(item[1].holds for item in verdicts):
            return Judgement(
                "correct", valued, detail="its diagonal and off-diagonal entries are right", student=student
            )
        return Judgement("undecided", valued, detail="its entries are not decided", student=student)

    def _explicit(
        self, correct: sp.Basic, student: sp.Basic, relation: str, text: str, valued: Valued | None
    ) -> Judgement | None:
        """Two explicit matrices (the question's data put in), judged entry by entry; None otherwise."""
        definitions = valued.definitions if valued is not None else ()
        first = explicit(correct, definitions)
        if first is not None and isinstance(student, sp.Basic) and student.has(IDENTITY_SIZE):
            student = student.xreplace({IDENTITY_SIZE: first.shape[0]})  # σ(0)𝟏: the ones of the answer's length
        second = explicit(student, definitions)
        if first is None or second is None:
            return None
        judged = judge_explicit(first, second, text, relation)
        return Judgement(
            judged.verdict,  # type: ignore[arg-type]
            valued,
            detail=judged.detail,
            evidence=judged.detail,
            rounding=judged.rounding,
            student=student,
            departure=judged.detail if judged.verdict == "wrong" else "",
        )

    def best(self, judgements: list[Judgement]) -> Judgement:
        """Right under one reading is right; wrong only if wrong under all (then the most telling one)."""
        top = max(judgements, key=lambda judgement: _RANK[judgement.verdict])
        if top.verdict != "wrong":
            return top
        return judgements[0]

    def diagnose(self, judgement: Judgement, part: PartSpec | None, text: str) -> Diagnosis:
        """The known mistake that turns the correct value into the sheet's term (numbers at the digits written)."""
        valued = judgement.valued
        if valued is None or judgement.student is None:
            return Diagnosis(None, "no known mistake", "")
        student, correct = judgement.student, valued.value
        if judgement.student_value is not None and judgement.correct_value is not None:
            tolerance = precision_of(text).tolerance
            bound = mpmath.mpf(tolerance.numerator) / tolerance.denominator
            target = judgement.student_value

            def matches(candidate: sp.Basic) -> bool:
                number = numeric_value(candidate)
                if number is None:
                    return False
                with mpmath.workdps(60):
                    scale = max(1, abs(target))
                    return abs(number - target) <= (
                        bound * (1 + mpmath.mpf(10) ** -30) if bound else mpmath.mpf(10) ** -40 * scale
                    )
        else:
            assumptions = self.assumptions_for(valued, student, correct, part=part)

            def matches(candidate: sp.Basic) -> bool:
                return self.comparer.same(unify(candidate, student), student, assumptions, valued.definitions)

        return diagnose(correct, self.mistakes(part, student), matches)

    def mistakes(self, part: PartSpec | None, student: sp.Basic) -> MistakeContext:
        notation = self.homework.notation_of(part) if part is not None else self.homework.notation
        table = self.table(part.part if part is not None else None)
        roles: dict[str, Any] = {}
        for role, name in notation.roles:
            try:
                roles[role] = read_expression(name, table)
            except Exception:
                continue
        sigma = next((d.symbol for d in self.function_definitions(part) if str(d.symbol) in ("sigma", "σ")), None)
        return MistakeContext(
            labels=roles.get("labels") if isinstance(roles.get("labels"), sp.IndexedBase) else None,
            predictions=roles.get("predictions") if isinstance(roles.get("predictions"), sp.IndexedBase) else None,
            logits=roles.get("logits") if isinstance(roles.get("logits"), sp.IndexedBase) else None,
            sigmoid=sigma,
            student=student,
            counts=_counts(part),
        )

    def step(
        self,
        left: sp.Basic,
        relation: str,
        right: sp.Basic,
        left_text: str,
        right_text: str,
        definitions: tuple,
        part: PartSpec | None = None,
        conditions: tuple[Condition, ...] = (),
    ) -> Judgement:
        """A link ``left REL right`` of a chain whose subject is not a known quantity: does it hold?"""
        if relation in ("=", "≈"):
            matrices = self._explicit(
                left, right, relation, right_text, Valued("", left, Assumptions(), definitions, None)
            )
            if matrices is not None:
                return replace(matrices, valued=None)
        left, right = _expand_matrices(left, definitions), _expand_matrices(right, definitions)
        left, right = scalarise(left), scalarise(right)
        left_number, right_number = numeric(left, definitions), numeric(right, definitions)
        if left_number is not None and right_number is not None:
            # what stands on the left is what the sheet computes from: only the result's digits are rounded
            plain = re.fullmatch(r"\s*[+-]?\s*\d+(?:\.\d+)?\s*", right_text) is not None
            carried = [carried_error(left, left_text), carried_error(right, right_text)]
            bound = sum(value for value in carried if value is not None) if any(carried) else None
            judged = judge_numbers(
                left_number, right_number, relation, "" if plain else left_text, right_text, carried=bound
            )
            return Judgement(
                judged.verdict,
                detail=judged.detail,
                evidence=judged.detail,
                rounding=judged.rounding,
                student_value=right_number,
                correct_value=left_number,
            )
        right = unify(right, left)
        left = unify(left, right)
        undefined = _undefined(left, definitions) + _undefined(right, definitions)
        if undefined:
            return Judgement("undecided", detail=f"what {', '.join(undefined)} stands for is not known")
        empty = Valued("", left, Assumptions(), definitions, None)
        assumptions = self.assumptions_for(empty, left, right, conditions=conditions, part=part)
        if relation in ("=", "≈", "←"):
            verdict = self.comparer.check(right, left, assumptions, definitions)
        elif relation in _RELATIONS:
            statement = _RELATIONS[relation](left, right, evaluate=False)
            verdict = self.comparer.check(statement, None, assumptions, definitions)
            if verdict.holds is False:
                flipped = reversed_relation(statement)
                if flipped is not None and self.comparer.check(flipped, None, assumptions, definitions).holds:
                    symbol = {
                        sp.StrictLessThan: "<",
                        sp.StrictGreaterThan: ">",
                        sp.LessThan: r"\\le",
                        sp.GreaterThan: r"\\ge",
                    }
                    return Judgement(
                        "wrong",
                        detail=verdict.detail,
                        evidence=_evidence(verdict),
                        counterexample=verdict.counterexample,
                        reversed=symbol.get(type(flipped), "≠"),
                    )
        else:
            return Judgement("undecided", detail=f"the relation {relation} is not checked")
        return Judgement(
            _verdict(verdict), detail=verdict.detail, evidence=_evidence(verdict), counterexample=verdict.counterexample
        )


_RELATIONS = {"<": sp.Lt, ">": sp.Gt, "≤": sp.Le, "≥": sp.Ge, "≠": sp.Ne}
