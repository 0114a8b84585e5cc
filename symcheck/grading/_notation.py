r"""How one sheet's formulas are read in one part: the reader's table, and the key's names for the sheet's spellings.

The key lists, for each name it uses, the other ways students write it (``\hat{y}`` as ``p``, ``s`` or
``a``; ``W^{[1]}`` as ``W_1``). A formula is read with the part's table, then every spelling is
renamed to the key's name, so that ``s_k(1 - s_k)`` and ``\hat{y}_k(1-\hat{y}_k)`` are one claim.

A spelling may be listed under two names (``s`` for ``ŷ`` or for ``z``; ``x`` for the logits in
2(e) but the input in 2(a)). The sheet decides: if, in that part (or else its question), the sheet
writes one of the names itself, the spelling means the other. A sheet's own file of slips
(``<sheet>.slips.toml``, optional) can add spellings for some parts or lines (the OCR's ``n_i`` for
``x_i``). A spelling that is a whole expression (``\frac{\partial L}{\partial w}`` for ``g``) replaces
that expression wherever it occurs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symcheck.grading._spec import CallMeaning, NotationSpec
from symcheck.reader import LatexSyntaxError, SymbolTable, read_expression

__all__ = ["Names", "names_in", "part_table", "rename", "resolve_names"]

_WORD = re.compile(r"[A-Za-z]{2,}")
_DECORATIONS = ("star", "hat", "tilde", "bar")
"""Marks on a name (w*, ŵ, w̃, w̄) that keep its meaning's family: a renamed name's marked forms follow it."""
_NAME_LIKE = re.compile(
    r"\\?[A-Za-z]+|(?:\\(?:math(?:bf|bb|rm|cal)|boldsymbol|bm|hat|bar|tilde|vec)\{)+\\?[A-Za-z]+\}+"
)
"""A spelling that is one name (``p``, ``\\hat{y}``, ``\\hat{\\mathbf{y}}``), which may stand for a vector."""


def _limit(bound: int | str) -> Any:
    return bound if isinstance(bound, int) else sp.Symbol(bound, integer=True, positive=True)


@functools.lru_cache(maxsize=256)
def part_table(notation: NotationSpec, extra_words: tuple[str, ...] = ()) -> SymbolTable:
    """The reader's table for a scope's notation (plain multi-letter words declared as names)."""
    lower, upper = notation.sum_range or (1, "K")
    options: dict[str, Any] = {}
    if notation.integers is not None:
        options["integers"] = notation.integers
    words = {word: sp.Symbol(word, real=True) for word in extra_words if word not in notation.functions}
    matrices = {name: (size, 1) for name, size in notation.vectors}
    matrices.update({name: tuple(shape) for name, shape in notation.matrices})
    for name, shape in list(matrices.items()):  # w^*, \\hat{w}, \\tilde{w}: an optimum or estimate of w's shape
        if _NAME_LIKE.fullmatch(name) and not name.startswith("\\"):
            for suffix in ("star", "hat", "tilde", "bar"):
                matrices.setdefault(name + suffix, shape)
    for name, spellings in notation.names:  # a vector's other spellings are vectors of its shape (p for ŷ)
        if name in matrices:
            for spelling in spellings:
                if _NAME_LIKE.fullmatch(spelling):
                    matrices.setdefault(spelling, matrices[name])
    return SymbolTable(
        functions=dict.fromkeys(notation.functions),
        symbols=words,
        matrices=matrices,
        identity=notation.identity,
        rows=dict(notation.rows),
        indexed=notation.indexed,
        layered=notation.layered,
        kronecker=notation.kronecker,
        default_sum_range=(_limit(lower), _limit(upper)),
        **options,
    )


def plain_words(texts: Iterable[str]) -> tuple[str, ...]:
    """Multi-letter plain words of the key's LaTeX (``Loss``, ``lr``) that must read as one name."""
    found: list[str] = []
    for text in texts:
        if re.fullmatch(r"[A-Za-z]{2,}", text.strip()):
            found.append(text.strip())
    return tuple(dict.fromkeys(found))


def names_in(expr: Any) -> set[str]:
    """Every name an object uses: symbols, indexed bases, functions and matrix symbols."""
    if isinstance(expr, (tuple, list)):
        return {name for item in expr for name in names_in(item)}
    if not isinstance(expr, sp.Basic):
        return set()
    found = {str(atom) for atom in expr.atoms(sp.Symbol, sp.IndexedBase, sp.MatrixSymbol)}
    found |= {str(node.base) for node in expr.atoms(sp.Indexed)}
    found |= {node.func.__name__ for node in expr.atoms(AppliedUndef)}
    return found


@dataclass(frozen=True)
class Names:
    """The renaming of one part: reader names to the key's names, and expressions to names."""

    renames: Mapping[str, str] = field(default_factory=dict)
    expressions: tuple[tuple[sp.Basic, sp.Basic], ...] = ()
    calls: Mapping[str, CallMeaning] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    """How ambiguous spellings were read on this sheet, for the report."""
    entries: frozenset[str] = frozenset()
    """The names read with indices or as matrices (``x``, ``X``): an integer ``n`` is never renamed to one, so a
    slip that reads ``n_i`` as ``x_i`` leaves the ``n`` of ``\\prod_{i=1}^{n}`` the number of samples."""


def _read_name(text: str, table: SymbolTable) -> sp.Basic | None:
    try:
        return read_expression(text, table)
    except LatexSyntaxError:
        return None


def _name_of(value: sp.Basic | None) -> str | None:
    if isinstance(value, (sp.Symbol, sp.IndexedBase, sp.MatrixSymbol)):
        return str(value)
    if isinstance(value, AppliedUndef) and not value.args:
        return value.func.__name__
    return None


def _spellings(
    pairs: Iterable[tuple[str, tuple[str, ...]]], table: SymbolTable
) -> tuple[dict[str, list[str]], list[tuple[sp.Basic, sp.Basic]], set[str]]:
    """Each spelling's possible meanings, the expression spellings, and the key's own names."""
    meanings: dict[str, list[str]] = {}
    expressions: list[tuple[sp.Basic, sp.Basic]] = []
    own: set[str] = set()
    for key_name, spellings in pairs:
        target = _read_name(key_name, table)
        name = _name_of(target)
        if target is None or name is None:
            continue
        own.add(name)
        for spelling in spellings:
            read = _read_name(spelling, table)
            spelled = _name_of(read)
            if spelled is None:
                if read is not None:
                    expressions.append((read, target))
            elif spelled != name and name not in meanings.setdefault(spelled, []):
                meanings[spelled].append(name)
    return meanings, expressions, own


def resolve_names(
    notation: NotationSpec,
    table: SymbolTable,
    used: set[str],
    used_in_question: set[str],
    slips: Iterable[tuple[str, tuple[str, ...]]] = (),
    *,
    part_names: Iterable[tuple[str, tuple[str, ...]]] = (),
    quantity_names: Iterable[str] = (),
    own_scalars: Iterable[str] = (),
) -> Names:
    """The part's renaming, with ambiguous spellings decided by what this sheet writes (see the module).

    ``part_names`` are the spellings the part itself declares: they are decided by the part alone.
    ``quantity_names`` are names the key's quantities are about (``x``, ``J``): a spelling that is one of
    them may also mean itself. ``own_scalars`` are names the sheet defines as scalars in this scope
    (``S = \\sum_j e^{z_j}``): a spelling among them that the key lists only for vectors or indexed names
    keeps its sheet's meaning.
    """
    slips = tuple(slips)
    meanings, expressions, own = _spellings((*notation.names, *slips), table)
    own |= set(quantity_names)
    declared_here = set(_spellings(part_names, table)[0])
    slip_names = set(_spellings(slips, table)[0])
    present = _present(meanings, own, used)
    present_in_question = _present(meanings, own, used_in_question)
    renames: dict[str, str] = {}
    notes: list[str] = []
    entries = frozenset(map(str, (*table.indexed, *table.layered, *table.matrices)))
    for spelled, targets in meanings.items():
        choices = targets if spelled not in own else [*targets, spelled]
        sheet_own = spelled in own_scalars and spelled not in own and spelled not in slip_names
        if sheet_own and all(target in entries for target in targets):
            continue  # S = Σ_j e^{z_j} on the sheet: a scalar of its own, not ŷ
        if spelled in slip_names:
            chosen = targets[-1]
        elif spelled in declared_here:
            chosen = _choose(spelled, choices, present, present)
        else:
            chosen = _choose(spelled, choices, present, present_in_question)
        if chosen != spelled:
            renames[spelled] = chosen
            if len(choices) > 1 and spelled in used:
                notes.append(f"{spelled} read as {chosen}")
    for name in used | used_in_question:  # \\hat{\\theta} is \\hat{w} when θ is w; θ* is w*
        for suffix in _DECORATIONS:
            base = name.removesuffix(suffix)
            if base != name and base in renames and name not in renames and name not in own:
                renames[name] = renames[base] + suffix
                break
        else:
            base, _, rest = name.partition("_")
            for suffix in _DECORATIONS:
                stem = base.removesuffix(suffix)
                if rest and stem != base and stem in renames and name not in renames and name not in own:
                    renames[name] = f"{renames[stem]}{suffix}_{rest}"  # θ̂_ridge is ŵ_ridge
                    break
    calls = {call.name: call for call in notation.calls}
    return Names(renames, tuple(expressions), calls, tuple(notes), entries)


def _present(meanings: dict[str, list[str]], own: set[str], used: set[str]) -> set[str]:
    """The key's names a sheet writes in a scope: by their own spelling, or by a spelling that means only them."""
    present = {name for name in own if name in used}
    for spelled, targets in meanings.items():
        if spelled in used and len(targets) == 1 and spelled not in own:
            present.add(targets[0])
    return present


def _choose(spelled: str, choices: list[str], used: set[str], used_in_question: set[str]) -> str:
    """The meaning of a spelling: the one choice the sheet does not write itself, in the part, then the question."""
    if len(choices) == 1:
        return choices[0]
    for scope in (used, used_in_question):
        others = [choice for choice in choices if choice != spelled]
        free = [choice for choice in others if choice not in scope]
        if spelled in choices and others and all(choice in scope for choice in others):
            return spelled
        if len(free) == 1 and (spelled not in choices or any(choice in scope for choice in others)):
            return free[0]
    return choices[0]


def _renamed(atom: sp.Basic, target: str) -> sp.Basic:
    if isinstance(atom, sp.IndexedBase):
        return sp.IndexedBase(target, **atom.assumptions0)
    if isinstance(atom, sp.MatrixSymbol):
        return sp.MatrixSymbol(target, *atom.shape)
    return sp.Symbol(target, **atom.assumptions0)


def rename(expr: Any, names: Names) -> Any:
    """``expr`` with the sheet's spellings replaced by the key's names (expressions first, then names)."""
    if isinstance(expr, tuple):
        return tuple(rename(item, names) for item in expr)
    if not isinstance(expr, sp.Basic):
        return expr
    if names.expressions and expr.has(sp.Derivative):
        expr = expr.replace(  # ∂(L + λ/2 w²)/∂w is ∂L/∂w + ∂(λ/2 w²)/∂w, so that ∂L/∂w can be read as g
            lambda node: isinstance(node, sp.Derivative) and isinstance(node.expr, sp.Add),
            lambda node: sp.Add(*(sp.Derivative(term, *node.variable_count) for term in node.expr.args)),
        )
    for pattern, target in names.expressions:
        if expr.has(pattern):
            expr = expr.xreplace({pattern: target})
    if not names.renames:
        return expr
    mapping: dict[sp.Basic, sp.Basic] = {}
    for atom in expr.atoms(sp.Symbol, sp.IndexedBase, sp.MatrixSymbol):
        target = names.renames.get(str(atom))
        if target is not None and not (atom.is_integer and target in names.entries):
            mapping[atom] = _renamed(atom, target)
    for node in expr.atoms(sp.Indexed):
        target = names.renames.get(str(node.base))
        if target is not None:
            mapping[node.base] = _renamed(node.base, target)
    functions = {
        node.func: sp.Function(names.renames[node.func.__name__])
        for node in expr.atoms(AppliedUndef)
        if node.func.__name__ in names.renames
    }
    if functions:
        expr = expr.replace(
            lambda node: isinstance(node, AppliedUndef) and node.func in functions,
            lambda node: functions[node.func](*node.args),
        )
    return expr.xreplace(mapping) if mapping else expr


def key_words(texts: Iterable[str]) -> tuple[str, ...]:
    """The plain words among the key's spellings and patterns (declared so the reader keeps them whole)."""
    return plain_words(texts)
