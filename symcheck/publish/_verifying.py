"""Verifying the derivations a build shows: from the verification cache where the fingerprint matches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from symcheck.model import Derivation
from symcheck.publish._options import BuildOptions
from symcheck.publish._progress import Progress
from symcheck.results import DerivationReport

__all__ = ["Lookup", "look_up", "verify_cached", "verify_missing"]


@dataclass
class Lookup:
    """Derivations built and their cached reports; ``missing`` are the ones still to verify."""

    derivations: dict[str, Derivation | None]
    reports: dict[str, DerivationReport]
    keys: dict[str, str]
    names: list[str]

    @property
    def missing(self) -> list[str]:
        return [name for name in self.names if name not in self.reports]


def look_up(names: Sequence[str], options: BuildOptions) -> Lookup:
    """Build the derivations registered as ``names`` and take their reports from the cache where it can.

    Every derivation is built (its fingerprint and the Typst of its steps need the object). The
    derivation of a builder that raises is None; verifying it reports what went wrong.
    """
    from symcheck import registry
    from symcheck.publish._cache import VerificationCache, fingerprint

    cache = VerificationCache(options.cache)
    lookup = Lookup({}, {}, {}, list(names))
    for name in names:
        try:
            derivation = registry.build(name)
        except Exception:  # a broken builder: verify_entries reports it as that derivation failing
            lookup.derivations[name] = None
            continue
        lookup.derivations[name] = derivation
        lookup.keys[name] = fingerprint(derivation, timeout=options.timeout, numeric=True)
        cached = cache.load(lookup.keys[name])
        if cached is not None and cached.name == name:
            lookup.reports[name] = cached
    return lookup


def verify_missing(
    lookup: Lookup, options: BuildOptions, progress: Progress, *, background: bool = False
) -> tuple[dict[str, Derivation | None], dict[str, DerivationReport]]:
    """Verify what the cache did not have (in ``options.jobs`` processes) and store it; every report.

    ``background``: the workers yield the CPU to other work of the build (grading beside them).
    """
    from symcheck import registry
    from symcheck.publish._cache import VerificationCache

    cache = VerificationCache(options.cache)
    with progress.stage(f"verifying {len(lookup.names)} derivations"):
        missing = [registry.get(name) for name in lookup.missing]
        progress.partial(f"{len(lookup.names) - len(missing)} cached")
        if missing:
            from symcheck.verify import verify_entries

            fresh = verify_entries(
                missing, timeout=options.timeout, numeric=True, jobs=max(1, options.jobs), background=background
            )
            for report in fresh.derivations:
                lookup.reports[report.name] = report
                if report.name in lookup.keys:
                    cache.store(lookup.keys[report.name], report)
    return lookup.derivations, {name: lookup.reports[name] for name in lookup.names}


def verify_cached(
    names: Sequence[str], options: BuildOptions, progress: Progress
) -> tuple[dict[str, Derivation | None], dict[str, DerivationReport]]:
    """The derivations registered as ``names`` and their reports, from the cache where the fingerprint matches."""
    return verify_missing(look_up(names, options), options, progress)
