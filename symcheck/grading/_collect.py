r"""Find everything a sheet states: each formula read in its part's notation, chains joined across displays.

1. Each heading's part is found (:func:`symcheck.grading._parts.assign_parts`).
2. Each formula is read with the reader's table of the part it stands in; a formula the reader
   refuses becomes an :class:`Unreadable` item with the place of the problem (the rest is graded).
   Shapes (``W \in \mathbb{R}^{a \times b}``, ``b^1 = D_a \times 1``, a lone ``K \times 1``) are found by
   their form first.
3. The sheet's spellings are renamed to the key's names, part by part (:mod:`symcheck.grading._notation`).
4. A display that ends with ``=`` or a display that starts with one continues the chain before it, and
   so does a lone subject such as ``\frac{\partial \hat{y}_k}{\partial z_k}`` followed by ``= …``.
5. Conditions are attached: an index relation (``i = k``, ``i \neq k``) governs the formulas after it on
   its line; ``if w is negative`` the rest of its part; "the true class" the formulas of its sentence.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, replace

import sympy as sp

from symcheck.grading._items import Chain, Condition, Item, Shape, Term, Unreadable
from symcheck.grading._notation import Names, names_in, part_table, plain_words, rename, resolve_names
from symcheck.grading._parts import Place, assign_parts
from symcheck.grading._slips import Slips
from symcheck.grading._spec import Homework, NotationSpec
from symcheck.reader import Chain as ReadChain
from symcheck.reader import LatexSyntaxError, SymbolTable, read_chains, read_expression, read_shape
from symcheck.reader._build_matrices import IDENTITY_SIZE
from symcheck.submission import Formula, Submission

__all__ = ["Collected", "collect"]

_SHAPE_IN = re.compile(
    r"^(?P<subject>.*?)\s*(?::|=|\\in|∈)\s*(?:\\mathbb\s*\{?\s*R\s*\}?|\\R|ℝ)\s*\^\s*(?P<dims>\{.+\}|\S)\s*[.,]?$", re.S
)
_SHAPE_TIMES = re.compile(
    r"^(?P<subject>.*?)\s*(?::|=|\\in|∈|\\text\{\s*is\s*\})\s*(?P<dims>[^:=]*?(?:\\times|×)[^:=]*?)\s*[.,]?$", re.S
)
_SHAPE_LONE = re.compile(r"^\s*\(?\s*(?P<dims>[A-Za-z0-9_{}\\ ]+(?:\\times|×)[A-Za-z0-9_{}\\ ]+)\s*\)?\s*[.,]?$", re.S)
_SHAPE_WORDS = re.compile(r"\\text\{\s*(?:shape|size|dim(?:ension)?s?)\s*(?:of)?\s*\}|\b(?:shape|size)\s+of\b", re.I)
_CONDITION_WORDS = re.compile(r"\b(if|when|for|where|assume|assuming|case|given|with)\b", re.I)
_SIGN_WORDS = re.compile(
    r"\b(?:if|when|for|in the case)\b[^.\n]{0,40}?\$\s*(?P<name>[^$]{1,20}?)\s*\$\s*(?:is|are)\s+"
    r"(?P<sign>-ve|negative|positive|\+ve)",
    re.I,
)
_SIGN_BEFORE = re.compile(
    r"\b(?:if|when|for|in the case of|assuming|given)\s+(?:an?|the|any|all|every|some|each)?\s*"
    r"(?P<sign>-ve|negative|positive|\+ve)\s+(?:weights?\s+|values?\s+(?:of\s+)?)?\$\s*(?P<name>[^$]{1,20}?)\s*\$",
    re.I,
)
"""A condition in words with the sign first: *for a negative $w$*, *if a positive weight $w_j$*."""
_ONE_HOT_WORDS = re.compile(r"true class|correct class|target class|true label|one[- ]hot|1[- ]hot", re.I)


@dataclass
class Collected:
    """Everything found on a sheet: the items in order, the names read per part, and notes on notation."""

    items: list[Item]
    names: dict[str | None, Names]
    notes: list[str]
    tables: dict[str | None, SymbolTable]


@dataclass
class _Read:
    formula: Formula
    place: Place
    chains: tuple[ReadChain, ...] | None = None
    error: LatexSyntaxError | None = None
    repaired: str | None = None
    """How an OCR slip was mended to read the formula (a missing closing brace at its end), for the report."""
    shapes: tuple[tuple[str, str, int, int], ...] = ()
    """(subject text, dimensions text, start, end) of each shape the formula states."""


def _scope_key(place: Place) -> str | None:
    return place.part or (f"Q{place.question}" if place.question else None)


def _notation(homework: Homework, place: Place) -> NotationSpec:
    if place.part is not None:
        return homework.notation_of(homework.part(place.part))  # type: ignore[arg-type]
    notation = homework.notation
    question = homework.question(place.question) if place.question else None
    return notation.merged(question.notation) if question is not None else notation


def _key_texts(homework: Homework) -> list[str]:
    texts: list[str] = []
    for part in homework.parts:
        for quantity in part.quantities:
            texts.extend(quantity.about)
    for scope in (homework.notation, *(q.notation for q in homework.questions), *(p.notation for p in homework.parts)):
        for name, spellings in scope.names:
            texts.extend((name, *spellings))
    return texts


# --------------------------------------------------------------------------- shapes


_SIZE_TERM = r"(?:[A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?|\d+|\{[A-Za-z0-9_ ]+\}|\\[A-Za-z]+(?:\{[A-Za-z]+\})?)"
_SIZE = re.compile(rf"^\s*\(?\s*{_SIZE_TERM}(?:\s*[+-]\s*{_SIZE_TERM})*\s*\)?\s*$")


def _sizes(dims: str) -> bool:
    """Whether ``dims`` reads as sizes (``n \\times d``, ``D_a \\times 1``): names or whole numbers, no decimals and
    no relation."""
    pieces = re.split(r"\\times|×", dims.strip().strip("{}").rstrip(".,"))
    return len(pieces) >= 2 and all(_SIZE.match(piece) for piece in pieces)


def _shapes(body: str) -> tuple[tuple[str, str, int, int], ...]:
    """The shapes a formula states: each (subject text, dimensions text, start, end) within the body."""
    cuts = [(match.start(), match.end()) for match in re.finditer(r"\\q?quad\b", body)]
    bounds = [0, *(point for cut in cuts for point in cut), len(body)]
    pieces = [(bounds[index], bounds[index + 1]) for index in range(0, len(bounds), 2)]
    found = []
    for start, end in pieces:
        piece = body[start:end]
        if "\\times" not in piece and "×" not in piece and not _SHAPE_IN.match(piece.strip()):
            continue
        stripped = piece.strip()
        offset = start + piece.find(stripped)
        for pattern in (_SHAPE_IN, _SHAPE_TIMES, _SHAPE_LONE):
            match = pattern.match(stripped)
            if match is not None and pattern is not _SHAPE_IN and not _sizes(match.group("dims")):
                match = None  # 0.8808 \\times 0.1192 ≈ 0.1049 is a product, not a shape
            if match is not None:
                subject = (match.groupdict().get("subject") or "").rpartition("=")[2]
                dims = match.group("dims")
                if dims.startswith("{") and dims.endswith("}"):
                    dims = dims[1:-1]
                found.append((subject, dims, offset, offset + len(stripped)))
                break
        else:
            return ()
    return tuple(found)


# --------------------------------------------------------------------------- reading


def _before_shape(formula: Formula, shapes: tuple, table: SymbolTable, origin: tuple) -> tuple[ReadChain, ...] | None:
    """The chain a shape ends (``\\nabla^2 L = \\frac{1}{n}X^\\top X \\in \\mathbb{R}^{d \\times d}``): its links up to
    the shape's subject, read as any chain; None when the shape stands alone."""
    if len(shapes) != 1:
        return None
    subject, _, start, _ = shapes[0]
    found = re.search(r"\\in\b|∈", formula.body[start:])
    head = formula.body[start : start + found.start()] if found else ""
    if "=" not in head or not subject.strip():
        return None
    try:
        return read_chains(head.rstrip(), table, origin=origin)
    except LatexSyntaxError:
        return None


_CHAINS: dict[tuple[str, SymbolTable], tuple[ReadChain, ...]] = {}


def _read_chains(body: str, table: SymbolTable, origin: tuple) -> tuple[ReadChain, ...]:
    """A formula read once per process and notation: a class writes the same formulas again and again. (Only
    what reads is kept: an error names its own sheet's place, so it is read again.)"""
    key = (body, table)
    found = _CHAINS.get(key)
    if found is None:
        found = tuple(read_chains(body, table, origin=origin))
        if len(_CHAINS) > 20_000:
            _CHAINS.clear()
        _CHAINS[key] = found
    return found


def _repaired(formula: Formula, place: Place, table: SymbolTable, origin: tuple, error: LatexSyntaxError) -> _Read:
    """A formula whose braces are not closed at its end (``\\frac{a}{(1+b)^{2}``, as OCR drops one) read with the
    missing braces added there, and said so; any other error stands."""
    missing = formula.body.count("{") - formula.body.count("}")
    if "never closed" not in str(error) or not 1 <= missing <= 2:
        return _Read(formula, place, error=error)
    try:
        chains = read_chains(formula.body + "}" * missing, table, origin=origin)
    except LatexSyntaxError:
        return _Read(formula, place, error=error)
    length = len(formula.body)  # what was added is not on the sheet: no span reaches into it
    chains = tuple(
        replace(chain, spans=tuple((min(a, length), min(b, length)) for a, b in chain.spans), source=formula.body)
        for chain in chains
    )
    shown = "a closing brace" if missing == 1 else "two closing braces"
    return _Read(formula, place, chains=chains, repaired=f"line {origin[1]}: read with {shown} added at its end")


def _read_all(homework: Homework, submission: Submission, places: list[Place], tables: dict) -> list[_Read]:
    words = plain_words(_key_texts(homework))
    reads = []
    for formula in submission.formulas:
        place = places[formula.heading] if formula.heading >= 0 else Place(None, None)
        key = _scope_key(place)
        if key not in tables:
            tables[key] = part_table(_notation(homework, place), words)
        located = submission.place(formula.start)
        origin = (located.path, located.line, located.column)
        shapes = _shapes(formula.body)
        if shapes:
            read = _Read(formula, place, shapes=shapes, chains=_before_shape(formula, shapes, tables[key], origin))
        else:
            try:
                read = _Read(formula, place, chains=_read_chains(formula.body, tables[key], origin))
            except LatexSyntaxError as error:
                read = _repaired(formula, place, tables[key], origin, error)
        read.line = submission.line_of(formula.start)  # type: ignore[attr-defined]
        reads.append(read)
    return reads


def _used_names(reads: list[_Read]) -> tuple[dict[str | None, set[str]], dict[str | None, set[str]]]:
    by_part: dict[str | None, set[str]] = {}
    by_question: dict[str | None, set[str]] = {}
    for read in reads:
        names = set()
        for chain in read.chains or ():
            names |= names_in(chain.terms)
        by_part.setdefault(_scope_key(read.place), set()).update(names)
        by_question.setdefault(read.place.question, set()).update(names)
    return by_part, by_question


def _resolve_all(
    homework: Homework, reads: list[_Read], tables: dict, slips: Slips, own_scalars: dict[int | None, set[str]]
) -> tuple[dict[str | None, Names], list[str]]:
    by_part, by_question = _used_names(reads)
    names: dict[str | None, Names] = {}
    notes: list[str] = []
    for read in reads:
        key = _scope_key(read.place)
        if key in names:
            continue
        notation = _notation(homework, read.place)
        part_slips = slips.by_part.get(key, ()) + slips.by_part.get(None, ())
        part = homework.part(read.place.part) if read.place.part else None
        names[key] = resolve_names(
            notation,
            tables[key],
            by_part.get(key, set()),
            by_question.get(read.place.question, set()),
            part_slips,
            part_names=part.notation.names if part is not None else (),
            quantity_names=_quantity_names(homework, tables[key]),
            own_scalars=own_scalars.get(read.place.question, set()),
        )
        for line_slips in {slips.for_line(line, read.place.part) for line in _lines(reads, key)} - {()}:
            names[(key, line_slips)] = resolve_names(  # type: ignore[index]
                notation,
                tables[key],
                by_part.get(key, set()),
                by_question.get(read.place.question, set()),
                part_slips + line_slips,
                part_names=part.notation.names if part is not None else (),
                quantity_names=_quantity_names(homework, tables[key]),
                own_scalars=own_scalars.get(read.place.question, set()),
            )
        notes.extend(f"{key}: {note}" for note in names[key].notes if key)
    return names, notes


def _lines(reads: list[_Read], key: str | None) -> set[int]:
    return {read.line for read in reads if _scope_key(read.place) == key}  # type: ignore[attr-defined]


def _quantity_names(homework: Homework, table: SymbolTable) -> frozenset[str]:
    """Names the key's quantities are about when written alone (``x``, ``J``, ``w``)."""
    key = (homework.digest or id(homework), table)
    if key not in _QUANTITY_NAMES:
        if len(_QUANTITY_NAMES) > 64:
            _QUANTITY_NAMES.clear()
        _QUANTITY_NAMES[key] = _read_quantity_names(homework, table)
    return _QUANTITY_NAMES[key]


_QUANTITY_NAMES: dict[tuple, frozenset[str]] = {}


def _read_quantity_names(homework: Homework, table: SymbolTable) -> frozenset[str]:
    found = set()
    for part in homework.parts:
        for quantity in part.quantities:
            for text in quantity.about:
                if re.fullmatch(r"\\?[A-Za-z]+", text.strip()):
                    try:
                        value = read_expression(text, table)
                    except LatexSyntaxError:
                        continue
                    if isinstance(value, (sp.Symbol, sp.IndexedBase)):
                        found.add(str(value))
    return frozenset(found)


# --------------------------------------------------------------------------- items


def _chain_item(read: _Read, chain: ReadChain, names: Names) -> Chain:
    base = read.formula.start
    terms = []
    for index, value in enumerate(chain.terms):
        start, end = chain.spans[index]
        summands = chain.summands[index] if index < len(chain.summands) else None
        text = chain.source[start:end]
        terms.append(
            Term(
                value=rename(value, names),
                text=text,
                start=base + start,
                end=base + end,
                summands=rename(summands, names) if summands else None,
                boxed=text.lstrip().startswith("\\boxed"),
            )
        )
    return Chain(
        place=read.place,
        start=terms[0].start,
        end=terms[-1].end,
        formulas=(read.formula_index,),  # type: ignore[attr-defined]
        terms=terms,
        relations=list(chain.relations),
        leading=chain.leading_relation,
        trailing=chain.trailing_relation,
    )


_PROSE_SUBJECT = re.compile(
    r"(?:\$|\\\()(?P<name>[^$]{1,40}?)(?:\$|\\\))\s*(?:is|are|:|has (?:the )?(?:shape|size)|of (?:shape|size))"
    r"\s*(?:an?\s+|of\s+)?(?:\$|\\\()$"
)


def _prose_subject(submission: Submission, read: _Read) -> str:
    """``$b^2$ is a $K \\times m$ matrix``: the name a lone shape is said of, in the words before it."""
    before = submission.text[max(0, read.formula.start - 60) : read.formula.start]
    found = _PROSE_SUBJECT.search(before)
    return found.group("name").strip() if found else ""


def _shape_items(read: _Read, table: SymbolTable, names: Names, submission: Submission) -> list[Item]:
    items: list[Item] = []
    base = read.formula.start
    shapes = read.shapes
    if len(shapes) == 1 and not shapes[0][0]:
        subject_text = _prose_subject(submission, read)
        shapes = ((subject_text, *shapes[0][1:]),) if subject_text else shapes
    for subject_text, dims_text, start, end in shapes:
        text = read.formula.body[start:end]
        located = submission.place(base + start)
        try:
            dimensions = read_shape(dims_text, table)
            subject_clean = _SHAPE_WORDS.sub(" ", subject_text).strip()
            subject = read_expression(subject_clean, table) if subject_clean else None
        except LatexSyntaxError as error:
            items.append(
                Unreadable(
                    read.place,
                    base + start,
                    base + end,
                    (read.formula_index,),
                    text=text,  # type: ignore[attr-defined]
                    message=f"cannot read the shape: {error.message}",
                    line=located.line,
                    column=located.column,
                )
            )
            continue
        items.append(
            Shape(
                read.place,
                base + start,
                base + end,
                (read.formula_index,),  # type: ignore[attr-defined]
                subject=rename(subject, names) if subject is not None else None,
                subject_text=subject_text.strip(),
                dimensions=tuple(rename(size, names) for size in dimensions),
                text=text,
            )
        )
    return items


def _items(reads: list[_Read], names: dict, tables: dict, submission: Submission, slips: Slips) -> list[Item]:
    items: list[Item] = []
    for index, read in enumerate(reads):
        read.formula_index = index  # type: ignore[attr-defined]
        key = _scope_key(read.place)
        line_slips = slips.for_line(read.line, read.place.part)  # type: ignore[attr-defined]
        scope_names = names.get((key, line_slips), names[key]) if line_slips else names[key]
        if read.shapes:
            items.extend(_chain_item(read, chain, scope_names) for chain in read.chains or () if chain.terms)
            items.extend(_shape_items(read, tables[key], scope_names, submission))
        elif read.error is not None:
            error = read.error
            items.append(
                Unreadable(
                    read.place,
                    read.formula.start,
                    read.formula.end,
                    (index,),
                    text=read.formula.body,
                    message=error.message,
                    line=error.line,
                    column=error.column,
                )
            )
        else:
            items.extend(_chain_item(read, chain, scope_names) for chain in read.chains or () if chain.terms)
    return items


# --------------------------------------------------------------------------- joining and conditions


def _only_space_between(text: str, start: int, end: int) -> bool:
    between = re.sub(r"\$\$|\$|\\\[|\\\]|\\\(|\\\)", "", text[start:end])
    return not re.search(r"[A-Za-z0-9]", between)


def _subject_like(value: sp.Basic) -> bool:
    from symcheck.objects import VectorDerivative

    return isinstance(value, (sp.Derivative, VectorDerivative, sp.Symbol, sp.Indexed, sp.Function))


def _join(items: list[Item], text: str) -> list[Item]:
    joined: list[Item] = []
    for item in items:
        previous = joined[-1] if joined else None
        if (
            isinstance(item, Chain)
            and isinstance(previous, Chain)
            and previous.place == item.place
            and previous.formulas[-1] != item.formulas[0]
            and _only_space_between(text, previous.end, item.start)
        ):
            relation = previous.trailing or item.leading
            lone_subject = (
                not previous.relations and previous.trailing is None and _subject_like(previous.terms[0].value)
            )
            if relation is not None and (previous.trailing or (item.leading and (previous.relations or lone_subject))):
                previous.terms.extend(item.terms)
                previous.relations.extend([relation, *item.relations])
                previous.trailing = item.trailing
                previous.end = item.end
                previous.formulas = (*previous.formulas, *item.formulas)
                continue
        joined.append(item)
    return joined


def _index_condition(item: Item) -> Condition | None:
    if not isinstance(item, Chain) or len(item.terms) != 2 or len(item.relations) != 1:
        return None
    first, second = item.terms[0].value, item.terms[1].value
    if isinstance(first, sp.Symbol) and isinstance(second, sp.Symbol) and first.is_integer != second.is_integer:
        index, other = (first, second) if first.is_integer else (second, first)
        if len(other.name) == 1:  # i ≠ c: c, written outside a subscript, is an index like i
            other = sp.Symbol(other.name, **index.assumptions0)
            first, second = (index, other) if first is index else (other, index)
    integers = all(isinstance(side, sp.Symbol) and side.is_integer for side in (first, second))
    if integers and item.relations[0] in ("=", "≠"):
        return Condition("equal" if item.relations[0] == "=" else "distinct", first, second)
    return None


def _sign_condition(item: Item, text: str) -> Condition | None:
    """``if $w < 0$``, ``for $z_k > 709.78$``: an inequality between a name and a number after *if*, *for* …"""
    if not isinstance(item, Chain) or len(item.terms) != 2 or item.relations[0] not in ("<", ">", "≤", "≥"):
        return None
    symbol, bound = item.terms[0].value, item.terms[1].value
    line_start = text.rfind("\n", 0, item.start) + 1
    before = text[max(line_start, item.start - 60) : item.start]
    if not isinstance(symbol, (sp.Symbol, sp.Indexed)) or not bound.is_Number or not _CONDITION_WORDS.search(before):
        return None
    if bound != 0:
        return Condition("range", symbol, bound, sign=item.relations[0])
    return Condition("sign", symbol, sign="negative" if item.relations[0] in ("<", "≤") else "positive")


_CASE_BEFORE = re.compile(r"\b(?:if|when|whenever|assuming|provided(?:\s+that)?|given|for|unless)\s*\$*\s*$", re.I)
"""A condition word directly before a formula: *if $y_i = 1$*, *when $0 < \\alpha\\lambda < 1$*."""


def _condition_word_before(item: Item, text: str) -> bool:
    line_start = text.rfind("\n", 0, item.start) + 1
    return bool(_CASE_BEFORE.search(text[max(line_start, item.start - 30) : item.start]))


def _case_condition(item: Item, text: str) -> Condition | None:
    """A case the sheet writes a formula under, not a claim of its own: a name set to a number after *if*, *when*
    (``if $y_i=1$``: the formulas beside it hold in that case), or a chain of inequalities (``when $0<\\alpha
    \\lambda<1$``: an assumption)."""
    if not isinstance(item, Chain) or len(item.terms) < 2 or not _condition_word_before(item, text):
        return None
    first, second = item.terms[0].value, item.terms[1].value
    if (
        len(item.terms) == 2
        and item.relations[0] == "="
        and isinstance(first, (sp.Symbol, sp.Indexed, sp.IndexedBase))
        and not getattr(first, "is_integer", False)
        and getattr(second, "is_Number", False)
    ):
        return Condition("value", first, second)
    if all(relation in ("<", ">", "≤", "≥") for relation in item.relations) and len(item.terms) >= 3:
        return Condition("assumption")
    return None


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset)


def _attach_conditions(items: list[Item], submission: Submission, names: dict) -> list[Item]:
    text = submission.text
    kept: list[Item] = []
    pending: list[tuple[int, Condition]] = []
    signs: dict[str | None, list[Condition]] = {}
    for sentence in submission.sentences:
        for found in (_SIGN_WORDS.search(sentence.text), _SIGN_BEFORE.search(sentence.text)):
            if found is not None:
                symbol = sp.Symbol(found.group("name").strip().strip("\\"), real=True)
                sign = "negative" if found.group("sign").lower() in ("-ve", "negative") else "positive"
                signs.setdefault(str(sentence.start), []).append(Condition("sign", symbol, sign=sign))
    sign_starts = sorted((int(start), conditions) for start, conditions in signs.items())
    cases: dict[int, list[Condition]] = {}  # if $y_i=1$: the formulas of its line hold in that case, before or after
    for item in items:
        case = _case_condition(item, text)
        if case is None and _condition_word_before(item, text):
            case = _index_condition(item)  # "= ŷ_i for $i \\neq c$": the case of the formula before it too
        if case is not None and case.kind in ("value", "equal", "distinct"):
            cases.setdefault(_line_of(text, item.start), []).append(case)
    for item in items:
        condition = _index_condition(item) or _sign_condition(item, text) or _case_condition(item, text)
        if condition is not None:
            pending.append((_line_of(text, item.start), condition))
            kept.append(replace(item, conditions=(condition,)) if False else _as_condition(item, condition))
            continue
        line = _line_of(text, item.start)
        attached = [condition for at, condition in pending if at == line and condition.kind != "value"]
        attached += [case for case in cases.get(line, []) if case not in attached]
        attached += [
            c
            for start, conditions in sign_starts
            if start < item.start
            for c in conditions
            if _same_part(item, start, submission)
        ]
        if _one_hot_nearby(text, item, submission):
            attached.append(Condition("one_hot"))
        item.conditions = tuple(attached)
        kept.append(item)
    return kept


def _same_part(item: Item, offset: int, submission: Submission) -> bool:
    headings = [heading.start for heading in submission.headings]
    before_item = [start for start in headings if start <= item.start]
    before_offset = [start for start in headings if start <= offset]
    return len(before_item) == len(before_offset)


def _one_hot_nearby(text: str, item: Item, submission: Submission) -> bool:
    """Whether the sheet says, in the part where ``item`` stands, that the label is one-hot (or names the true
    class)."""
    starts = [heading.start for heading in submission.headings]
    before = [start for start in starts if start <= item.start]
    after = [start for start in starts if start > item.start]
    region = text[before[-1] if before else 0 : after[0] if after else len(text)]
    return bool(_ONE_HOT_WORDS.search(region))


def _as_condition(item: Item, condition: Condition) -> Item:
    item.conditions = (Condition("is_condition"), condition)
    return item


def _sheet_matrices(homework: Homework, reads: list[_Read], tables: dict) -> dict[str | None, dict[str, tuple]]:
    """Names a sheet defines as matrices or vectors (``\\mathbf{r} = \\mathbf{X}\\theta - \\mathbf{y}``), by scope,
    with their shapes; never a name the key declares."""
    found: dict[str | None, dict[str, tuple]] = {}
    spelled = {
        spelling.strip().lstrip("\\") for name, spellings in homework.notation.names for spelling in (name, *spellings)
    }
    for read in reads:
        key = _scope_key(read.place)
        declared = tables[key].matrices
        taken = _quantity_names(homework, tables[key]) | spelled
        for chain in read.chains or ():
            if len(chain.terms) < 2 or chain.relations[0] != "=":
                continue
            subject, value = chain.terms[0], chain.terms[1]
            if not isinstance(subject, sp.Symbol) or subject.is_integer or not isinstance(value, sp.MatrixExpr):
                continue
            name = str(subject)
            shape = tuple(value.shape)
            if (
                name in declared
                or name in taken
                or any(getattr(size, "free_symbols", set()) & {IDENTITY_SIZE} for size in shape)
            ):
                continue
            found.setdefault(key, {})[name] = shape
    return found


def _free_indices(value: sp.Basic) -> set[sp.Basic]:
    """The free indices of an expression: integer names that index an entry and no sum binds (k in e^{z_k}, not
    the size K of a sum's bound)."""
    indices = {symbol for node in value.atoms(sp.Indexed) for index in node.indices for symbol in index.free_symbols}
    return indices & value.free_symbols


def _question_of(key: str | None, places: list[Place]) -> int | None:
    for place in places:
        if _scope_key(place) == key:
            return place.question
    return None


def _sheet_scalars(homework: Homework, reads: list[_Read], tables: dict) -> dict[int | None, set[str]]:
    """Spellings of a key's vector that a sheet defines as a scalar (``S = \\sum_j e^{z_j}`` where the key lists
    ``S`` for ŷ), by question: the sheet's own names there, read as scalars and never renamed to the key's name
    (``resolve_names``); their definitions hold for what follows (``_claims``)."""
    found: dict[int | None, set[str]] = {}
    for read in reads:
        key = _scope_key(read.place)
        own = _quantity_names(homework, tables[key])
        for chain in read.chains or ():
            if len(chain.terms) < 2 or chain.relations[0] != "=":
                continue
            subject, value = chain.terms[0], chain.terms[1]
            if not isinstance(subject, sp.MatrixSymbol) or str(subject) in own or not isinstance(value, sp.Expr):
                continue
            if isinstance(value, sp.MatrixExpr) or value.atoms(sp.MatrixSymbol) or value.is_number:
                continue
            if _free_indices(value):
                continue  # e^{z_k}/S: an entry, with a free index
            found.setdefault(read.place.question, set()).add(str(subject))
    return found


def collect(homework: Homework, submission: Submission, slips: Slips | None = None) -> Collected:
    """Every item of ``submission`` in the homework's notation (see the module docstring)."""
    places = assign_parts(homework, submission.headings)
    tables: dict[str | None, SymbolTable] = {}
    reads = _read_all(homework, submission, places, tables)
    defined = _sheet_matrices(homework, reads, tables)
    if defined:  # r = Xw − y on the sheet: r is a vector there, and rᵀr its squared norm; read again
        for key, shapes in defined.items():
            table = tables[key]
            tables[key] = dataclasses.replace(table, matrices={**table.matrices, **shapes})
        reads = _read_all(homework, submission, places, tables)
    scalars = _sheet_scalars(homework, reads, tables)
    if scalars:  # S = Σ_j e^{z_j} where the key spells ŷ as S: a scalar of the sheet's own; read again
        for key, table in list(tables.items()):
            names = scalars.get(_question_of(key, places), set())
            if names & set(table.matrices):
                tables[key] = dataclasses.replace(
                    table, matrices={n: shape for n, shape in table.matrices.items() if n not in names}
                )
        reads = _read_all(homework, submission, places, tables)
    slips = slips or Slips()
    names, notes = _resolve_all(homework, reads, tables, slips, scalars)
    notes = [read.repaired for read in reads if read.repaired] + notes
    items = _items(reads, names, tables, submission, slips)
    items = _join(items, submission.text)
    items = _attach_conditions(items, submission, names)
    return Collected(items, names, notes, tables)
