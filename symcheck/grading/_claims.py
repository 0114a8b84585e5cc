r"""Turn what was found on a sheet into graded claims: one per link of a chain, per shape, per lone result.

* A chain whose subject is a known quantity (``\frac{\partial \hat{y}_k}{\partial z_k} = … = …``) gives one
  claim per link; each link's right side is judged against the quantity's correct value, so a
  correct term after a wrong one is still correct, and a wrong term that follows from a wrong one
  is said to carry the error.
* A chain whose subject is not known: ``S = \sum_j e^{z_j}`` defines S for the rest of the part (not a
  claim); every other link is judged against the term before it (correct working is never called
  wrong; a false step is wrong only when every name in it is known).
* A lone term: a name alone is no claim; a boxed result is the part's answer; another expression is
  recognised when it *is* the value of one of the part's quantities, else it is not graded.
* Shapes are compared with the key's, dimension by dimension (a batch shape when it mentions the
  batch size); unreadable formulas are reported with their place, never dropped.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import mpmath
import sympy as sp
from sympy.core.function import AppliedUndef

from symcheck.grading._collect import Collected
from symcheck.grading._conditional import conditional_claim
from symcheck.grading._data import DataError, apply_data
from symcheck.grading._forms import at_entry, bare_vectors, vector_entry
from symcheck.grading._items import Chain, Condition, Item, Shape, Term, Unreadable
from symcheck.grading._judge import ENTRY, Judge, Judgement, Valued
from symcheck.grading._match import Match, Matcher
from symcheck.grading._mistakes import diagnose_shape
from symcheck.grading._notation import names_in
from symcheck.grading._solves import Solver
from symcheck.grading._spec import Homework, PartSpec, Quantity
from symcheck.grading._wording import Wording
from symcheck.model import Definition
from symcheck.objects import Extremum, VectorDerivative
from symcheck.printing import latex
from symcheck.reader import LatexSyntaxError, read_expression
from symcheck.reader._build_matrices import IDENTITY_SIZE
from symcheck.sheet import ClaimResult, ClaimVerdict, Reading
from symcheck.submission import Submission

__all__ = ["ClaimMaker"]


def compact(part: str | None) -> str:
    """``1(c)`` → ``1c`` for claim ids."""
    return (part or "x").replace("(", "").replace(")", "")


def _is_name(value: sp.Basic) -> bool:
    if isinstance(value, (sp.Symbol, sp.IndexedBase, sp.Indexed, sp.MatrixSymbol)):
        return True
    return isinstance(value, AppliedUndef) and all(_is_name(argument) for argument in value.args)


@dataclass
class ClaimMaker:
    """Makes the claims of one sheet, item by item, numbering them per part."""

    homework: Homework
    submission: Submission
    collected: Collected
    judge: Judge
    matcher: Matcher
    wording: Wording
    counters: dict[str, int] = field(default_factory=dict)
    _known_cache: set[str] | None = None
    _declared_cache: set[str] | None = None

    @functools.cached_property
    def solver(self) -> Solver:
        return Solver(self.homework, self.judge)

    # --------------------------------------------------------------- plumbing

    def _id(self, part: str | None) -> str:
        key = compact(part)
        self.counters[key] = self.counters.get(key, 0) + 1
        return f"{key}-{self.counters[key]}"

    def _base(self, item: Item, part: str | None, start: int, end: int, **fields) -> ClaimResult:
        return ClaimResult(
            id=self._id(part),
            part=part or "",
            written=self.submission.text[start:end],
            verdict=fields.pop("verdict", "not graded"),
            location=self.submission.place(start),
            **fields,
        )

    def _part(self, name: str | None) -> PartSpec | None:
        return self.homework.part(name) if name else None

    def _calls(self, item: Item) -> dict:
        key = item.place.part or (f"Q{item.place.question}" if item.place.question else None)
        names = self.collected.names.get(key)
        return dict(names.calls) if names is not None else {}

    # --------------------------------------------------------------- items

    def claims(self, item: Item) -> list[ClaimResult]:
        if isinstance(item, (Unreadable, Chain)):
            conditional = conditional_claim(self, item)
            if conditional is not None:
                return [conditional]
        if isinstance(item, Unreadable):
            return [self._unreadable(item)]
        if isinstance(item, Shape):
            return [self._shape(item)]
        if isinstance(item, Chain):
            if any(condition.kind == "is_condition" for condition in item.conditions):
                return [self._not_graded(item, "a condition of the formulas after it, not a claim")]
            if len(item.terms) == 1:
                return [self._lone(item)]
            return [_in_case(claim, item.conditions) for claim in self._chain(item)]
        return []

    def _not_graded(self, item: Item, reason: str, part: str | None = None) -> ClaimResult:
        return self._base(item, part or item.part, item.start, item.end, reason=reason)

    def _unreadable(self, item: Unreadable) -> ClaimResult:
        where = f"line {item.line}, column {item.column}" if item.line else "here"
        return self._base(
            item, item.part, item.start, item.end, reason=f"the formula cannot be read ({where}): {item.message}"
        )

    # --------------------------------------------------------------- lone terms

    def _lone(self, item: Chain) -> ClaimResult:
        term = item.terms[0]
        value = term.value
        if _is_name(value) or isinstance(value, (sp.Number, VectorDerivative)) or value.is_Number:
            return self._not_graded(item, "a name or a number on its own, not a claim")
        part = self._part(item.part)
        if term.boxed and part is not None and part.answer is not None:
            quantity = self.homework.quantity(part.answer)
            return self._valued_claim(item, Match(quantity, ()), None, term, "=", loose=True)  # type: ignore[arg-type]
        recognised = self._recognise(item, term)
        if recognised is not None:
            return recognised
        return self._not_graded(item, "an expression on its own: what it is the value of cannot be told")

    def _recognise(self, item: Chain, term: Term) -> ClaimResult | None:
        """A lone expression that *is* the value of one of the part's quantities: correct as that quantity."""
        part = self._part(item.part)
        if part is None:
            return None
        for quantity in part.quantities:
            if not quantity.values or quantity.kind != "value" or quantity.entrywise:
                continue
            match = Match(
                quantity, tuple((name, sp.Symbol(name, integer=True, positive=True)) for name in quantity.indices)
            )
            judged = self._judge_term(match, item, term, "=")
            if judged.verdict == "correct":
                return self._result(item, match, None, term, judged, item.start, item.end)
        return None

    # --------------------------------------------------------------- chains

    def _subject_match(self, item: Chain) -> Match | None:
        subject = item.terms[0].value
        calls = self._calls(item)
        if isinstance(subject, AppliedUndef) and subject.func.__name__ in calls:
            call = calls[subject.func.__name__]
            argument = subject.args[0] if subject.args else None
            if call.quantity is not None and isinstance(argument, sp.Indexed) and len(argument.indices) == 1:
                quantity = self.homework.quantity(call.quantity)
                if quantity is not None and quantity.indices and quantity.part == item.part:
                    return Match(quantity, ((quantity.indices[0], argument.indices[0]),))
        for match in self.matcher.candidates(subject, item.place):
            if match.quantity.values:
                return match
        return None

    def _chain(self, item: Chain) -> Iterator[ClaimResult]:
        match = self._subject_match(item)
        if match is not None:
            yield from self._about_quantity(item, match)
            return
        reversed_item = self._reversed(item)
        if reversed_item is not None:
            match = self._subject_match(reversed_item)
            if match is not None:
                yield from self._about_quantity(reversed_item, match)
                return
        given = self._given(item)
        if given is not None:
            yield given
            return
        yield from self._unknown_subject(item)

    def _reversed(self, item: Chain) -> Chain | None:
        """``… = \\hat{y}_i``: a chain that ends with what it is about, read from its end."""
        if any(relation not in ("=", "≈") for relation in item.relations) or not _is_name(item.terms[-1].value):
            return None
        from dataclasses import replace as copy

        return copy(item, terms=list(reversed(item.terms)), relations=list(reversed(item.relations)))

    def _about_quantity(self, item: Chain, match: Match) -> Iterator[ClaimResult]:
        """The first link is a claim about the quantity; each later one is right if its term is the quantity's
        value or if it follows from the term before it (correct working is never called wrong)."""
        previous: Judgement | None = None
        for index, relation in enumerate(item.relations):
            left, right = item.terms[index], item.terms[index + 1]
            if relation not in ("=", "≈", "←"):
                yield self._step_claim(item, left, relation, right)
                previous = None
                continue
            judged = self._restated(match, item, right, relation) or self._judge_term(match, item, right, relation)
            follows = None
            if index > 0 and judged.verdict != "correct":
                follows = self._follows(item, left, relation, right)
                if follows.verdict == "correct":  # error carried forward: the step is right, not marked down again
                    judged = replace(judged, verdict="correct", detail="it follows from the line before")
            start, end = self._link_span(left, right)
            claim = self._result(item, match, item.terms[0], right, judged, start, end, previous=previous)
            if (
                follows is not None
                and follows.verdict == "correct"
                and previous is not None
                and previous.verdict == "wrong"
            ):
                claim = replace(
                    claim, explanation="This step holds; the value it carries is wrong because of an earlier line."
                )
            elif follows is not None and follows.verdict == "correct":
                claim = replace(claim, explanation="This step holds.")
            elif judged.verdict == "correct" and previous is not None and previous.verdict == "wrong":
                claim = self._jump(item, left, relation, right, claim)
            previous = judged
            yield claim

    def _jump(self, item: Chain, left: Term, relation: str, right: Term, claim: ClaimResult) -> ClaimResult:
        """A right value after a wrong line (``2.303 + 0.2231 + 1.2041 ≈ 1.24``): what is written is false when it
        does not follow from that line, so it is wrong, and the diagnosis says the value itself is right. Only
        between numbers: a right formula after a wrong one (σ(z_k)(1 − σ(z_k)) = ŷ_k(1 − ŷ_k)) is the right result,
        its mistake marked once, on the line that made it."""
        if not (index_free_number(left.value) and index_free_number(right.value)):
            return claim
        follows = self._follows(item, left, relation, right)
        if follows.verdict != "wrong":
            return claim
        if follows.correct_value is not None:
            before = f"${left.text.strip()}$ is ${mpmath.nstr(follows.correct_value, 6)}$, not ${right.text.strip()}$"
        else:
            before = self.wording.departs(follows, right.text)
        sentence = f"${right.text.strip()}$ is the right value, but it does not follow from the line before: {before}."
        return replace(
            claim, verdict="wrong", evidence=follows.evidence, diagnosis=sentence, explanation=sentence, kind="step"
        )

    def _restated(self, match: Match, item: Chain, term: Term, relation: str) -> Judgement | None:
        """``H_{jk} = \\frac{\\partial^2 L}{\\partial w_j \\partial w_k}``: a term that is the subject again, written as
        another of the quantity's own names (same indices), is right by definition."""
        if relation != "=" or index_free_number(term.value):
            return None
        for other in self.matcher.candidates(term.value, item.place):
            if other.quantity.id == match.quantity.id and other.binding == match.binding:
                return Judgement("correct", detail="the same quantity, written another way")
        return None

    def _follows(self, item: Chain, left: Term, relation: str, right: Term) -> Judgement:
        """Whether ``right`` follows from ``left`` (a step, judged in the part's meanings)."""
        part = self._part(item.part)
        calls = self._calls(item)
        try:
            left_value = self.judge.prepare(left.value, part, calls, item.conditions)
            right_value = self.judge.prepare(right.value, part, calls, item.conditions)
        except DataError as error:
            return Judgement("undecided", detail=str(error))
        definitions = self.judge.scope_definitions(part) if part is not None else ()
        return self.judge.step(
            left_value, relation, right_value, left.text, right.text, definitions, part, item.conditions
        )

    def _link_span(self, left: Term, right: Term) -> tuple[int, int]:
        """Where a link's text stands: its two terms and the relation between them (``b = c``), in the sheet's
        order (a chain read from its end, ``… = ŷ_i``, has its terms reversed); a link whose terms are apart
        (across prose) quotes its right term."""
        first, second = sorted((left, right), key=lambda term: term.start)
        return (first.start, second.end) if self._contiguous(first, second) else (right.start, right.end)

    def _contiguous(self, left: Term, right: Term) -> bool:
        """Whether only a relation (and layout) stands between two terms, so the link is one piece of text."""
        between = self.submission.text[left.end : right.start]
        return not re.search(
            r"[A-Za-z0-9]", re.sub(r"\\\\|\\(?:approx|le|ge|leq|geq|ne|neq|leftarrow|gets)\b|\$|&", "", between)
        )

    def _judge_term(self, match: Match, item: Chain, term: Term, relation: str) -> Judgement:
        part = self._part(match.quantity.part) or self._part(item.part)
        try:
            student = self.judge.prepare(term.value, part, self._calls(item), item.conditions)
        except DataError as error:
            return Judgement("undecided", detail=str(error))
        values = self.judge.values(match, item.conditions)
        readings = self._entries(match, student, values, part, item.conditions)
        if not readings:
            return Judgement("undecided", detail="the key's value cannot be put at the sheet's indices")
        judgements = [
            self.judge.compare(value_student, valued, relation, term.text, item.conditions, part)
            for value_student, valued in readings
        ]
        judged = self.judge.best(judgements)
        if judged.verdict != "correct" and relation == "=" and part is not None and part.solves:
            judged = self._at_answer(judged, readings, part, term, item) or judged
            if judged.verdict == "wrong" and _is_zero(student) and self._holds_unknown(readings, student, part):
                # ∇L = 0, ∂L/∂w_j = 0: an equation to solve for w, never a claim that the gradient vanishes
                judged = Judgement("undecided", detail="sets it to zero: an equation in the unknown, not settled here")
        return _with_readings(judged, judgements)

    def _holds_unknown(self, readings: list, student: sp.Basic, part: PartSpec) -> bool:
        return any(self.solver.unknowns_in(valued.value, student, part) for _, valued in readings)

    def _at_answer(
        self, judged: Judgement, readings: list, part: PartSpec, term: Term, item: Chain
    ) -> Judgement | None:
        """``∇L = 0`` in a part that solves for w: a condition on w, right when it holds at the answer."""
        definitions = tuple(self.judge.scope_definitions(part))
        for value_student, valued in readings:
            if not self.solver.unknowns_in(valued.value, value_student, part):
                continue
            solved = self.solver.judge_equation(
                valued.value, value_student, part, term.text, definitions, item.conditions
            )
            if solved is not None and solved.verdict == "correct":
                return replace(solved, valued=valued, student=value_student)
        return None

    def _entries(
        self, match: Match, student: sp.Basic, values: list[Valued], part: PartSpec | None, conditions: tuple
    ) -> list[tuple[sp.Basic, Valued]]:
        """The (student term, correct value) pairs a term is judged on: entry by entry for a vector quantity."""
        quantity = match.quantity
        if not quantity.entrywise or not quantity.indices:
            pairs = [(student, valued) for valued in values]
            if part is not None and part.one_hot and _one_hot_allowed(conditions):
                classes = [s for s in student.free_symbols if isinstance(s, sp.Symbol) and s.is_integer]
                classes += [s for s in _condition_indices(conditions) if s not in classes]  # ŷ_i for i ≠ c: class c
                pairs += [(student, valued) for valued in self.judge.one_hot_values(values, part, classes)]
            return pairs
        variable = quantity.indices[0]
        upper = self.judge.table(part.part if part else None).default_sum_range[1]
        if student.has(VectorDerivative):
            indices = sorted((s for s in student.free_symbols if isinstance(s, sp.Symbol) and s.is_integer), key=str)
            entries = [(ENTRY, vector_entry(student, ENTRY, upper))]
            entries += [(index, vector_entry(student, index, upper)) for index in indices]
        elif bare_vectors(student):
            entries = [(ENTRY, at_entry(student, ENTRY))]
        else:
            indices = sorted((s for s in student.free_symbols if isinstance(s, sp.Symbol) and s.is_integer), key=str)
            entries = [(index, student) for index in indices] or [(ENTRY, student)]
        pairs = []
        for entry, entry_student in entries:
            at = [_at(valued, variable, entry) for valued in values]
            pairs += [(entry_student, valued) for valued in at]
            if part is not None and part.one_hot and _one_hot_allowed(conditions):
                classes = [s for s in entry_student.free_symbols if isinstance(s, sp.Symbol) and s.is_integer]
                classes += [s for s in _condition_indices(conditions) if s not in classes]
                pairs += [(entry_student, valued) for valued in self.judge.one_hot_values(at, part, classes or [entry])]
        return pairs

    def _unknown_subject(self, item: Chain) -> Iterator[ClaimResult]:
        subject = item.terms[0].value
        key = item.place.part
        definitions = self.judge.sheet_definitions.setdefault(key, [])
        start = 0
        defining = (
            isinstance(subject, (sp.Symbol, sp.MatrixSymbol))
            and item.relations[0] == "="
            and not getattr(subject, "is_integer", False)
        )
        naming_an_extremum = len(item.terms) == 2 and isinstance(item.terms[1].value, Extremum)  # β = max_j z_j
        if (
            defining
            and not naming_an_extremum
            and (str(subject) in self._declared_names(item) or item.terms[1].value.has(subject))
        ):
            defining = False  # a name of the key, or a name defined by itself, is not the sheet's own to define
            if len(item.terms) == 2 and isinstance(subject, sp.Symbol) and _is_number(item.terms[1].value):
                yield self._base(  # "at z = 0", "s = 1/2": a point named, not an identity to check
                    item,
                    item.part,
                    item.terms[0].start,
                    item.terms[1].end,
                    reason=f"names the point ${item.terms[0].text.strip()} = {item.terms[1].text.strip()}$, "
                    "not a claim",
                )
                return
        answer_part = self._part(item.part)
        if defining and item.terms[1].boxed and answer_part is not None and answer_part.answer is not None:
            defining = False  # Θ = \boxed{…}: a boxed result is the part's answer, whatever name it is given
        if defining:
            if not naming_an_extremum:  # a shift by β holds for every β: it stays a free name in what follows
                definitions.append(Definition(subject, item.terms[1].value))
            first = item.terms[1]
            yield self._base(
                item,
                item.part,
                item.terms[0].start,
                first.end,
                reason=f"defines ${item.terms[0].text.strip()}$ for what follows, not a claim",
            )
            start = 1
        part = self._part(item.part)
        for index in range(start, len(item.relations)):
            left, right = item.terms[index], item.terms[index + 1]
            if right.boxed and part is not None and part.answer is not None:
                quantity = self.homework.quantity(part.answer)
                yield self._valued_claim(item, Match(quantity, ()), None, right, "=", loose=True)  # type: ignore[arg-type]
                continue
            yield self._step_claim(item, left, item.relations[index], right)

    def _stated(self, item: Chain, left: Term, relation: str, right: Term) -> ClaimResult | None:
        """A relation the key states in words too (``z_i - \\beta \\le 0``): judged as that statement."""
        from symcheck.grading._sentences import statement_claim

        if relation not in ("<", ">", "≤", "≥", "≠"):
            return None
        written = _RELATIONS[relation](left.value, right.value, evaluate=False)
        for part in self.homework.parts:
            if part.part != item.part:
                continue
            for statement in part.statements:
                if statement.formula is None:
                    continue
                try:
                    stated = read_expression(statement.formula, self.judge.table(part.part))
                except LatexSyntaxError:
                    continue
                if _same_relation(written, stated):
                    start = left.start if self._contiguous(left, right) else right.start
                    return statement_claim(self, statement, True, start, right.end)
        return None

    def _step_claim(self, item: Chain, left: Term, relation: str, right: Term) -> ClaimResult:
        stated = self._stated(item, left, relation, right)
        if stated is not None:
            return stated
        part = self._part(item.part)
        calls = self._calls(item)
        try:
            left_value = self.judge.prepare(self._quantity_values(left.value, item), part, calls, item.conditions)
            right_value = self.judge.prepare(self._quantity_values(right.value, item), part, calls, item.conditions)
        except DataError as error:
            return self._base(item, item.part, left.start, right.end, reason=str(error))
        definitions = self.judge.scope_definitions(part) if part is not None else self.judge.function_definitions(None)
        if not (left.value.atoms(sp.Indexed) or right.value.atoms(sp.Indexed)):
            left_value, right_value = _scalar(left_value), _scalar(right_value)
        judged = self.judge.step(
            left_value, relation, right_value, left.text, right.text, tuple(definitions), part, item.conditions
        )
        if (
            relation == "="
            and judged.verdict != "correct"
            and part is not None
            and self.solver.unknowns_in(left_value, right_value, part)
        ):
            solved = self.solver.judge_equation(
                left_value, right_value, part, right.text, tuple(definitions), item.conditions
            )
            judged = solved or Judgement("undecided", detail="an equation in the unknown, not checked at the answer")
        start, end = self._link_span(left, right)
        unknown = judged.verdict == "wrong" and (
            not self._known(left_value, right_value, part) or _comparison_of_two(left_value, relation, right_value)
        )
        verdict: ClaimVerdict = "undecided" if unknown or judged.verdict == "undecided" else judged.verdict
        if verdict == "undecided" and judged.verdict == "undecided" and "not known" in judged.detail:
            return self._base(
                item,
                item.part,
                start,
                end,
                reason=f"a step whose subject is not one of the question's quantities; {judged.detail}",
            )
        return self.wording.step(self._base(item, item.part, start, end, verdict=verdict), judged, left, right, unknown)

    def _known(self, left: sp.Basic, right: sp.Basic, part: PartSpec | None) -> bool:
        """Whether every name of a step is one the key knows, so a false step can be called wrong."""
        known = self._known_names()
        integers = {str(s) for e in (left, right) for s in e.atoms(sp.Symbol) if s.is_integer}  # summed ones too
        return (names_in(left) | names_in(right)) - integers <= known

    def _declared_names(self, item: Chain) -> set[str]:
        """The names a sheet cannot define for itself: what the key's quantities are about, the parts' data, the
        notation's names and the names the part's table declares. A variable inside a correct value (the t of
        a library's tanh(t)) is not one: ``t = \\sigma(z)`` on a sheet defines t."""
        if self._declared_cache is None:
            declared: set[str] = set()
            for part in self.homework.parts:
                declared |= {name for name, _ in part.data}
                for quantity in part.quantities:
                    declared |= _head_names(self.matcher.patterns(quantity.id, quantity.part))
            for names in self.collected.names.values():
                declared |= set(names.renames.values())
            self._declared_cache = declared
        table = self.judge.table(item.part)
        listed = {str(name) for name in (*table.indexed, *table.layered, *table.functions)}  # not its matrices:
        return self._declared_cache | listed  # a sheet adds its own (r = Xw − y)

    def _known_names(self) -> set[str]:
        """The names of the key: its quantities' values and patterns, the parts' data and the notation's names."""
        if self._known_cache is None:
            known: set[str] = set()
            for part in self.homework.parts:
                known |= {name for name, _ in part.data}
                for quantity in part.quantities:
                    known |= names_in(self.matcher.patterns(quantity.id, quantity.part))
                    for match in (Match(quantity, ()),):
                        for valued in self.judge.values(match):
                            known |= names_in(valued.value)
            for names in self.collected.names.values():
                known |= set(names.renames.values())
            self._known_cache = known
        return self._known_cache

    def _quantity_values(self, value: sp.Basic, item: Chain) -> sp.Basic:
        """A bare name that is one of the key's quantities (``w_A``) replaced by its value, for a relation."""
        if not isinstance(value, sp.Symbol):
            return value
        for match in self.matcher.candidates(value, item.place):
            values = self.judge.values(match, item.conditions) if match.quantity.values else []
            if values:
                return values[0].value
        return value

    def _given(self, item: Chain) -> ClaimResult | None:
        """``\\hat{y} = 0.9`` in a part whose data say so: the question's data restated (right or not)."""
        part = self._part(item.part)
        subject = item.terms[0].value
        if part is None or not part.data or not isinstance(subject, (sp.Symbol, sp.IndexedBase)):
            return None
        data = dict(part.data)
        if str(subject) not in data or len(item.terms) != 2:
            return None
        try:
            written = apply_data(item.terms[1].value, ())
        except DataError:
            return None
        value = data[str(subject)]
        if isinstance(value, (list, tuple)):
            return self._not_graded(item, "the question's data restated")
        correct = sp.nsimplify(value, rational=True)
        verdict: ClaimVerdict = "correct" if sp.simplify(written - correct) == 0 else "wrong"
        return self.wording.given(self._base(item, item.part, item.start, item.end, verdict=verdict), subject, correct)

    # --------------------------------------------------------------- results

    def _valued_claim(
        self, item: Chain, match: Match, subject: Term | None, term: Term, relation: str, *, loose: bool = False
    ) -> ClaimResult:
        """A result with no subject of its own (a boxed answer): judged at every way its indices can be the
        quantity's."""
        candidates = list(_index_bindings(match, term.value)) or [match]
        judgements = [(candidate, self._judge_term(candidate, item, term, relation)) for candidate in candidates]
        best = self.judge.best([judged for _, judged in judgements])
        chosen = next(candidate for candidate, judged in judgements if judged is best)
        return self._result(item, chosen, subject, term, best, term.start, term.end)

    def _result(
        self,
        item: Chain,
        match: Match,
        subject: Term | None,
        term: Term,
        judged: Judgement,
        start: int,
        end: int,
        previous: Judgement | None = None,
    ) -> ClaimResult:
        part = match.quantity.part
        base = self._base(item, part, start, end, verdict=judged.verdict, quantity=match.quantity.id)
        diagnosis = None
        if judged.verdict == "wrong":
            diagnosis = self.judge.diagnose(judged, self._part(part), term.text)
        carried = previous is not None and previous.verdict == "wrong" and judged.verdict == "wrong"
        claim = self.wording.value(base, match, subject, term, judged, diagnosis, carried=carried)
        return replace(claim, readings=judged.readings) if judged.readings else claim

    # --------------------------------------------------------------- shapes

    def _shape(self, item: Shape) -> ClaimResult:
        part = self._part(item.part)
        batch = _batch_names(self.homework, part)
        written = item.dimensions if len(item.dimensions) != 1 else (*item.dimensions, sp.Integer(1))
        is_batch = any(str(symbol) in batch for size in written for symbol in size.free_symbols)
        if item.subject is None:
            return self._lone_shape(item, written, is_batch)
        match = next(iter(self.matcher.candidates(item.subject, item.place, ("shape", "value"))), None)
        while match is not None and match.quantity.shape is None:
            match = next(
                (m for m in self.matcher.candidates(item.subject, item.place, ("shape", "value")) if m.quantity.shape),
                None,
            )
        quantity, correct = (match.quantity, None) if match is not None else self._shaped_value(item)
        if quantity is None and correct is None:
            return self._not_graded(item, f"the shape of ${item.subject_text}$, which is not one the question asks for")
        if correct is None:
            expected = quantity.batch_shape if is_batch and quantity.batch_shape else quantity.shape
            correct = tuple(_dimension(size) for size in expected)  # type: ignore[union-attr]
        if quantity is None:  # (1/n) XᵀX ∈ ℝ^{d×d}: the shape of a matrix expression, computed from its factors
            same = _same_shape(written, correct)
            base = self._base(item, item.part, item.start, item.end, verdict="correct" if same else "wrong")
            diagnosis = None if same else diagnose_shape(correct, tuple(_dimension(str(size)) for size in written))
            return self.wording.expression_shape(base, item, correct, diagnosis)
        same = len(written) == len(correct) and all(
            sp.simplify(a - b) == 0 for a, b in zip(written, correct, strict=True)
        )
        base = self._base(
            item, quantity.part, item.start, item.end, verdict="correct" if same else "wrong", quantity=quantity.id
        )
        diagnosis = None if same else diagnose_shape(correct, tuple(_dimension(str(size)) for size in written))
        return self.wording.shape(base, quantity, item, correct, diagnosis, batch=is_batch)

    def _shaped_value(self, item: Shape) -> tuple[Quantity | None, tuple | None]:
        """The shape a subject has by its value: a quantity whose value is a matrix (∇_w L is d × 1), or the
        subject itself when it is a matrix expression; (None, None) when neither tells."""
        for match in self.matcher.candidates(item.subject, item.place, ("value",)):
            for valued in self.judge.values(match):
                if isinstance(valued.value, sp.MatrixExpr) and not isinstance(valued.value, sp.MatrixBase):
                    return match.quantity, tuple(valued.value.shape)
        subject = item.subject
        if isinstance(subject, sp.MatrixExpr) and not subject.has(IDENTITY_SIZE):
            from symcheck.matrices import ShapeMismatch, shape_of

            try:
                return None, tuple(shape_of(subject))
            except (ShapeMismatch, ValueError, TypeError):
                return None, None
        return None, None

    def _lone_shape(self, item: Shape, written: tuple, is_batch: bool) -> ClaimResult:
        part = self._part(item.part)
        for quantity in part.quantities if part else ():
            expected = quantity.batch_shape if is_batch and quantity.batch_shape else quantity.shape
            if expected is None:
                continue
            correct = tuple(_dimension(size) for size in expected)
            if len(correct) == len(written) and all(
                sp.simplify(a - b) == 0 for a, b in zip(written, correct, strict=True)
            ):
                base = self._base(item, quantity.part, item.start, item.end, verdict="correct", quantity=quantity.id)
                return self.wording.shape(base, quantity, item, correct, None, batch=is_batch, recognised=True)
        return self._not_graded(item, "a shape with no name beside it: whose shape it is cannot be told")


_RELATIONS = {"<": sp.Lt, ">": sp.Gt, "≤": sp.Le, "≥": sp.Ge, "≠": sp.Ne}


def _same_shape(written: tuple, correct: tuple) -> bool:
    return len(written) == len(correct) and all(
        sp.simplify(sp.sympify(a) - sp.sympify(b)) == 0 for a, b in zip(written, correct, strict=True)
    )


def _same_relation(first: sp.Basic, second: sp.Basic) -> bool:
    """Two relations that say the same, by their names (``x_i - β ≤ 0`` and ``0 ≥ x_i - β`` alike)."""
    from symcheck.grading._compare import unify

    def forms(relation: sp.Basic) -> set[str]:
        if not isinstance(relation, sp.Rel):
            return {sp.srepr(relation)}
        difference = sp.expand(relation.lhs - relation.rhs)
        flipped = {
            sp.StrictLessThan: sp.StrictGreaterThan,
            sp.StrictGreaterThan: sp.StrictLessThan,
            sp.LessThan: sp.GreaterThan,
            sp.GreaterThan: sp.LessThan,
        }
        kind = type(relation)
        return {
            f"{kind.__name__}:{sp.srepr(difference)}",
            f"{flipped.get(kind, kind).__name__}:{sp.srepr(-difference)}",
        }

    renamed = unify(first, second)
    names = lambda expr: {str(atom): atom for atom in expr.atoms(sp.Symbol)}  # noqa: E731
    plain = renamed.xreplace({atom: sp.Symbol(str(atom)) for atom in renamed.atoms(sp.Symbol)})
    other = second.xreplace({atom: sp.Symbol(str(atom)) for atom in names(second).values()})
    return bool(forms(plain) & forms(other))


def _with_readings(judged: Judgement, judgements: list[Judgement]) -> Judgement:
    """A question read two ways gets each reading's correct value and verdict, whatever the best one was."""
    named = [one for one in judgements if one.valued is not None]
    if judged.verdict not in ("wrong", "imprecise") or len({one.valued.name for one in named}) < 2:  # type: ignore[union-attr]
        return judged  # a right answer says which reading it took in its explanation
    readings = tuple(
        Reading(
            name=one.valued.name,  # type: ignore[union-attr]
            expected=_shown(one.valued.value),  # type: ignore[union-attr]
            value=float(one.correct_value) if one.correct_value is not None else None,
            verdict=one.verdict,
        )
        for one in named
    )
    return replace(judged, readings=readings)


def _shown(value: sp.Basic) -> str | None:
    """A reading's value as a student reads it: the data's arithmetic done (−(1 log(1/10) + 0 log(1/5)) is log 10),
    a short formula, or nothing beside its number when it stays long."""
    if isinstance(value, sp.Expr) and not value.free_symbols:
        value = _evaluated(value)
        if sp.count_ops(value) > 12:
            return None
    return latex(value)


def _evaluated(value: sp.Basic) -> sp.Basic:
    """``value`` rebuilt with SymPy's evaluation on (data is substituted unevaluated, to keep its digits)."""
    return value.func(*(_evaluated(argument) for argument in value.args)) if value.args else value


def _index_bindings(match: Match, value: sp.Basic) -> Iterator[Match]:
    """Every way to give a quantity's unbound index variables the indices a sheet's term uses."""
    from itertools import permutations

    quantity = match.quantity
    free = [name for name in quantity.indices if name not in dict(match.binding)]
    if not free:
        return
    written = {index for node in value.atoms(sp.Indexed) for index in node.indices if isinstance(index, sp.Symbol)}
    integers = {s for s in value.free_symbols if isinstance(s, sp.Symbol) and s.is_integer}
    sizes = {s for s in integers - written if str(s)[:1].isupper()}  # K in y_i/K is the number of classes
    indices = sorted(written, key=str) + sorted(integers - written - sizes, key=str)
    for chosen in permutations(indices, len(free)):
        binding = {**dict(match.binding), **dict(zip(free, chosen, strict=True))}
        if any(str(binding.get(a)) == str(binding.get(b)) for a, b in quantity.distinct):
            continue
        yield Match(quantity, tuple(sorted(binding.items())))


def _scalar(value: sp.Basic) -> sp.Basic:
    """A per-entry library value (``w_j − αg_j``) for a sheet that writes one weight: its entries as scalars."""
    if not isinstance(value, sp.Basic) or not value.atoms(sp.Indexed):
        return value
    bound = {limit[0] for node in value.atoms(sp.Sum, sp.Product) for limit in node.limits}
    if any(index in bound for node in value.atoms(sp.Indexed) for index in node.indices):
        return value
    return value.replace(
        lambda node: isinstance(node, sp.Indexed), lambda node: sp.Symbol(str(node.base.label), real=True)
    )


def _dimension(size: int | str | sp.Basic) -> sp.Basic:
    if isinstance(size, sp.Basic):
        return size.xreplace({s: sp.Symbol(str(s), integer=True, positive=True) for s in size.free_symbols})
    if isinstance(size, int):
        return sp.Integer(size)
    if size.strip().isdigit():
        return sp.Integer(int(size))
    return sp.Symbol(size, integer=True, positive=True)


def _batch_names(homework: Homework, part: PartSpec | None) -> set[str]:
    if part is None or part.batch is None:
        return set()
    names = {part.batch}
    for name, spellings in homework.notation_of(part).names:
        if name == part.batch:
            names |= set(spellings)
    return names


def _one_hot_allowed(conditions: tuple[Condition, ...]) -> bool:
    return any(condition.kind in ("equal", "distinct", "one_hot") for condition in conditions)


def _at(valued: Valued, variable: str, entry: sp.Basic) -> Valued:
    from dataclasses import replace

    mapping = {atom: entry for atom in valued.value.atoms(sp.Symbol) if str(atom) == variable}
    return replace(valued, value=valued.value.xreplace(mapping)) if mapping else valued


def index_free_number(value: sp.Basic) -> bool:
    return not isinstance(value, sp.Basic) or value.is_number is True


def _is_number(value: sp.Basic) -> bool:
    return isinstance(value, sp.Basic) and value.is_number is True


def _in_case(claim: ClaimResult, conditions: tuple) -> ClaimResult:
    """A value written for one case (*$L = -\\log p$ if $y = 1$*) is not refuted by the general answer: the key's
    value is not taken in that case, so a difference is undecided, never wrong (a step has the case put into both
    of its sides, and stands)."""
    cases = [condition for condition in conditions if condition.kind == "value"]
    if not cases or claim.verdict != "wrong" or claim.kind != "value":
        return claim
    written = ", ".join(f"{condition.first} = {condition.second}" for condition in cases)
    return replace(
        claim,
        verdict="undecided",
        diagnosis=None,
        correction=None,
        mistake=None,
        explanation=f"Written for the case {written}; the general answer is not checked in that case.",
    )


def _comparison_of_two(left: sp.Basic, relation: str, right: sp.Basic) -> bool:
    """An inequality between two things with no name in common (``\\|w_A\\|^2 \\le \\|w_B\\|^2``, ``L(w_A) \\ge
    L(w_B)``): it holds or not by what the two are (two minimisers, two models), which the sheet argues from its
    premises; a point where it fails does not refute it."""
    if relation not in ("<", ">", "≤", "≥"):
        return False
    names = [names_in(side) - {str(s) for s in side.atoms(sp.Symbol) if s.is_integer} for side in (left, right)]
    return bool(names[0]) and bool(names[1]) and not names[0] & names[1]


def _condition_indices(conditions: tuple) -> list[sp.Symbol]:
    """The indices a formula's cases name (the c of *for $i \\neq c$*), which may be the one-hot label's class."""
    found: list[sp.Symbol] = []
    for condition in conditions:
        if condition.kind in ("equal", "distinct"):
            found += [s for s in (condition.first, condition.second) if isinstance(s, sp.Symbol) and s not in found]
    return found


def _head_names(expr: object) -> set[str]:
    """The names of a pattern other than its indices and exponents: the t of ``w_{t+1}`` or ``w^{(t+1)}`` counts
    steps, it is not a name of the key."""
    if isinstance(expr, (tuple, list)):
        return {name for item in expr for name in _head_names(item)}
    if not isinstance(expr, sp.Basic):
        return set()
    kept: set[str] = set()

    def walk(node: sp.Basic) -> None:
        if isinstance(node, sp.Indexed):
            kept.add(str(node.base))
        elif isinstance(node, sp.Pow):
            walk(node.base)
        elif isinstance(node, (sp.Symbol, sp.MatrixSymbol, sp.IndexedBase)):
            kept.add(str(node))
        else:
            if isinstance(node, AppliedUndef):
                kept.add(node.func.__name__)
            for arg in node.args:
                walk(arg)

    walk(expr)
    return kept


def _is_zero(value: sp.Basic) -> bool:
    return value == 0 or isinstance(value, sp.ZeroMatrix)
