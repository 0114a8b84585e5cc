"""Stability rewrites, and the engine's proof that each is an identity before any kernel uses it.

A numerically stable kernel computes a different formula from the one a derivation states:
``exp(z_i - z_a) / Σ exp(z_j - z_a)`` instead of ``exp(z_i) / Σ exp(z_j)``. That is only
acceptable if the two are *the same function*, so every rewrite is handed to
:func:`symcheck.equivalent` and a kernel is built only from rewrites it accepts. A refuted or
undecided rewrite raises :class:`RewriteRefused` naming the rewrite and the engine's verdict (with
its counterexample), so a wrong "optimisation" such as SymPy 1.14's ``logsumexp_2terms_opt``,
which drops the ``- max`` inside the ``log1p``, can never reach generated code.

**Caching.** Proofs take from milliseconds to a few seconds, while a kernel must build in a few
milliseconds, so verdicts are cached in two places:

* in the process, keyed by the rewrite's structure (a rewrite is proved at most once per process,
  lazily, on the first build that uses it);
* on disk, as JSON in ``$SYMCHECK_CACHE_DIR`` (default ``$XDG_CACHE_HOME/symcheck`` or
  ``~/.cache/symcheck``), holding only *accepted* verdicts. The key is a SHA-256 of the srepr of
  both sides and the assumptions, together with a fingerprint of the engine (symcheck and SymPy
  versions, and the size and modification time of symcheck's own modules), so a change to the
  prover re-proves everything. The file is data, never code; if the directory is not writable
  the cache silently stays in memory. Set ``SYMCHECK_CACHE_DIR`` to an empty string to disable
  the disk cache.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from symcheck.errors import SymcheckError
from symcheck.model import Assumptions
from symcheck.results import Counterexample, Verdict

if TYPE_CHECKING:
    from sympy import Basic, Expr, Symbol

__all__ = ["Lifted", "Rewrite", "RewriteRefused", "clear_verdict_cache", "verify_rewrite"]

_CACHE_FILE = "kernel-rewrites-v1.json"


@dataclass(frozen=True)
class Rewrite:
    """The claim ``original == stable`` under ``assumptions``, and why the stable form is better.

    ``licence`` names the registered derivations that establish the mathematics behind it (for
    instance ``softmax.shift_invariance`` for the max-shift); ``reason`` says what numerical
    failure it removes. Codegen functions in ``stable`` (``log1p``, ``expm1``, and
    :class:`~symcheck.kernels.Weighted`) are replaced by their definitions before the engine sees them.
    """

    name: str
    original: Expr
    stable: Expr
    assumptions: Assumptions
    licence: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class Lifted:
    """A proved rewrite used inside a larger expression: ``context``, with every instance of the
    rewrite's original replaced by the same instance of its stable form.

    ``instance`` maps the rewrite's variables to expressions (``t -> Σ_l X[i, l]·w[l]``,
    ``y -> y[i]``). Replacing a subexpression by one equal to it for every value its variables can
    take leaves the value of the whole unchanged (congruence), so ``context == stable`` follows from
    the engine's proof of the rewrite and two mechanical checks made by :func:`verify_rewrite`: each
    instance expression lies in the domain its variable was proved for (real, positive), and the
    instance occurs in ``context``. This is how a scalar identity proved by case split (``σ(t) − y``
    without cancellation) reaches a sum over samples, where case splits do not go.
    """

    name: str
    rewrite: Rewrite
    context: Expr
    instance: tuple[tuple[Symbol, Expr], ...]
    licence: tuple[str, ...] = ()
    reason: str = ""

    @property
    def original(self) -> Expr:
        return self.context

    @property
    def stable(self) -> Expr:
        return _lifted(self)[0]


class RewriteRefused(SymcheckError):
    """The engine did not accept a stability rewrite, so no kernel is generated from it."""

    def __init__(self, rewrite: Rewrite | Lifted, verdict: Verdict) -> None:
        self.rewrite = rewrite
        self.verdict = verdict
        outcome = "refuted" if verdict.holds is False else "could not be decided"
        super().__init__(
            f"stability rewrite {rewrite.name!r} {outcome} by the engine ({verdict}); "
            f"it claims {rewrite.original} == {rewrite.stable}. No kernel is built from an unproved rewrite."
        )


_memory: dict[str, Verdict] = {}
_lock = threading.Lock()


def _prover_form(expr: Basic) -> Basic:
    """``expr`` with SymPy's codegen functions replaced by their definitions, for the prover."""
    import sympy as sp
    from sympy.codegen.cfunctions import expm1, log1p

    from symcheck.kernels._functions import Weighted

    return (
        expr.replace(lambda node: isinstance(node, log1p), lambda node: sp.log(1 + node.args[0]))
        .replace(lambda node: isinstance(node, expm1), lambda node: sp.exp(node.args[0]) - 1)
        .replace(lambda node: isinstance(node, Weighted), lambda node: node.args[0] * node.args[1])
    )


def _engine_fingerprint() -> str:
    """Versions of symcheck and SymPy and the size/mtime of symcheck's engine modules."""
    import sympy

    import symcheck

    package = Path(symcheck.__file__).parent
    parts = [symcheck.__version__, sympy.__version__]
    for path in sorted(package.glob("*.py")):
        stat = path.stat()
        parts.append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(parts)


def _assumptions_key(assumptions: Assumptions) -> str:
    from sympy import srepr

    domains = [(srepr(symbol), domain.value) for symbol, domain in assumptions.domains]
    ranges = [(srepr(r.index), srepr(r.lower), srepr(r.upper)) for r in assumptions.indices]
    return repr((domains, ranges, assumptions.instances))


@functools.lru_cache(maxsize=512)
def _key(rewrite: Rewrite) -> str:
    """The cache key of ``rewrite`` (memoised: a process proves and builds with one engine)."""
    from sympy import srepr

    text = "\n".join(
        (srepr(rewrite.original), srepr(rewrite.stable), _assumptions_key(rewrite.assumptions), _engine_fingerprint())
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _cache_path() -> Path | None:
    configured = os.environ.get("SYMCHECK_CACHE_DIR")
    if configured is not None:
        return Path(configured) / _CACHE_FILE if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "symcheck" / _CACHE_FILE


def _read_disk() -> dict[str, Any]:
    path = _cache_path()
    if path is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_disk(key: str, verdict: Verdict) -> None:
    path = _cache_path()
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = _read_disk()
        data[key] = verdict.as_dict()
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".rewrites-", suffix=".json")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(data, stream, indent=1, sort_keys=True)
        os.replace(temporary, path)  # atomic: concurrent readers see the old or the new file
    except OSError:
        return


def _verdict_from(record: dict[str, Any]) -> Verdict | None:
    if record.get("holds") is not True:
        return None
    example = record.get("counterexample")
    return Verdict(
        holds=True,
        method=str(record.get("method", "")) + " (cached)",
        detail=str(record.get("detail", "")),
        confidence=record.get("confidence"),
        counterexample=Counterexample(tuple(example["point"].items()), example["lhs"], example["rhs"])
        if example
        else None,
        seconds=0.0,
    )


def _rebuild(expr: Basic, arguments: list[Basic]) -> Basic:
    """``expr`` with new arguments and no evaluation: sums and products keep their order, and a
    ``Sum`` keeps its summand (its constructor would fold a ``Piecewise`` over the other factors)."""
    import sympy as sp

    if expr.is_Add or expr.is_Mul:
        return expr.func(*arguments, evaluate=False)
    if isinstance(expr, sp.Sum):
        total = sp.Expr.__new__(sp.Sum, *arguments)
        total.is_commutative = arguments[0].is_commutative  # as Sum's own constructor sets it
        return total
    return expr.func(*arguments)


def _substitute(expr: Basic, mapping: dict[Basic, Basic]) -> Basic:
    """``expr`` with symbols replaced, sums and products kept in the order they were written."""
    if expr in mapping:
        return mapping[expr]
    if not expr.args:
        return expr
    arguments = [_substitute(argument, mapping) for argument in expr.args]
    if all(new is old for new, old in zip(arguments, expr.args, strict=True)):
        return expr
    return _rebuild(expr, arguments)


def _replace(expr: Basic, pattern: Basic, replacement: Basic) -> tuple[Basic, int]:
    """``expr`` with ``pattern`` replaced, also as a sub-sum or sub-product; and how many times."""
    if expr == pattern:
        return replacement, 1
    if (expr.is_Add or expr.is_Mul) and expr.func == pattern.func:
        rest = list(expr.args)
        if all(term in rest and not rest.remove(term) for term in pattern.args):
            inner, found = _replace(expr.func(*rest), pattern, replacement) if rest else (None, 0)
            parts = [replacement] + ([inner] if inner is not None else [])
            return expr.func(*parts, evaluate=False), found + 1
    if not expr.args:
        return expr, 0
    results = [_replace(argument, pattern, replacement) for argument in expr.args]
    found = sum(count for _, count in results)
    if not found:
        return expr, 0
    return _rebuild(expr, [new for new, _ in results]), found


@functools.lru_cache(maxsize=128)
def _lifted(lifted: Lifted) -> tuple[Expr, int]:
    mapping = dict(lifted.instance)
    pattern = lifted.rewrite.original.xreplace(mapping)  # evaluated, as the context is
    replacement = _substitute(lifted.rewrite.stable, mapping)
    return _replace(lifted.context, pattern, replacement)


def _instance_problem(lifted: Lifted) -> str | None:
    """Why the instance does not license the congruence, or None."""
    from symcheck.model import Domain

    mapping = dict(lifted.instance)
    rewrite = lifted.rewrite
    free = (rewrite.original.free_symbols | rewrite.stable.free_symbols) - set(mapping)
    if free:
        return f"the instance leaves {sorted(map(str, free))} of the rewrite unassigned"
    domains = dict(rewrite.assumptions.domains)
    for variable, value in mapping.items():
        domain = domains.get(variable)
        fits = {Domain.REAL: value.is_extended_real, Domain.POSITIVE: value.is_positive}.get(domain)
        if fits is not True:
            return f"{value} is not known to be {domain.value if domain else 'in the domain'} like {variable}"
    if _lifted(lifted)[1] == 0:
        return "the instance of the rewrite does not occur in the context"
    return None


def _verify_lifted(lifted: Lifted, timeout: float) -> Verdict:
    inner = verify_rewrite(lifted.rewrite, timeout=timeout)
    problem = _instance_problem(lifted)
    if problem is not None:
        raise RewriteRefused(lifted, Verdict(None, "congruence", detail=problem))
    return Verdict(
        holds=True,
        method=f"congruence over {lifted.rewrite.name} ({inner.method})",
        detail=f"{lifted.rewrite.name} applied at {', '.join(f'{k} = {v}' for k, v in lifted.instance)}",
        confidence=inner.confidence,
        seconds=inner.seconds,
    )


def verify_rewrite(rewrite: Rewrite | Lifted, *, timeout: float = 5.0) -> Verdict:
    """The engine's verdict on ``rewrite``, raising :class:`RewriteRefused` unless it holds.

    A verdict that holds is returned whether it is a proof or an acceptance by probing (its
    ``method`` and ``confidence`` say which, and kernels record them); a refutation or an
    undecided verdict refuses the rewrite. Accepted verdicts are cached as the module docstring
    describes; refusals are not, so a fixed rewrite or engine is re-checked. A :class:`Lifted`
    rewrite holds by congruence when its rewrite is accepted and its instance checks pass.
    """
    if isinstance(rewrite, Lifted):
        return _verify_lifted(rewrite, timeout)
    key = _key(rewrite)
    with _lock:
        cached = _memory.get(key)
    if cached is not None:
        return cached
    record = _read_disk().get(key)
    verdict = _verdict_from(record) if isinstance(record, dict) else None
    if verdict is None:
        from symcheck.equivalence import equivalent

        verdict = equivalent(
            _prover_form(rewrite.original),
            _prover_form(rewrite.stable),
            assumptions=rewrite.assumptions,
            timeout=timeout,
        )
        if verdict.holds is not True:
            raise RewriteRefused(rewrite, verdict)
        _write_disk(key, verdict)
    with _lock:
        _memory[key] = verdict
    return verdict


def clear_verdict_cache() -> None:
    """Forget the verdicts cached in this process (the disk cache is left alone)."""
    with _lock:
        _memory.clear()
