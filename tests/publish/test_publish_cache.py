"""The verification cache: a key that moves with anything that could change a report, and nothing else."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import publish_cases as cases
import pytest
import sympy as sp

from symcheck import registry
from symcheck.model import Derivation, Step, assume
from symcheck.publish import BuildOptions
from symcheck.publish import _grading as grading_module
from symcheck.publish._cache import GradeCache, VerificationCache, derivation_digest, fingerprint, grade_fingerprint
from symcheck.publish._grading import Grading, SheetTarget
from symcheck.publish._progress import Progress
from symcheck.publish._verifying import verify_cached

KEY = {"timeout": 5.0, "numeric": True}


def test_the_key_is_stable_within_and_across_processes() -> None:
    """No ``id()``, hash seed or set order leaks into the key: other processes compute the same keys."""
    assert fingerprint(cases.demo_derivation(), **KEY) == fingerprint(cases.demo_derivation(), **KEY)
    registry.load_entry_points()
    # by name: the registry lists derivations in the order their modules were imported, which other tests change
    here = sorted(f"{entry.name}={derivation_digest(registry.build(entry.name))}" for entry in registry.entries())
    script = (
        "from symcheck import registry; from symcheck.publish._cache import derivation_digest; "
        "registry.load_entry_points(); "
        "print(' '.join(sorted(e.name + '=' + derivation_digest(registry.build(e.name)) for e in registry.entries())))"
    )
    for seed in ("1", "2"):  # string hashing differs between the two processes
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        other = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=environment
        )
        assert other.stdout.split() == here


@pytest.mark.parametrize(
    "change",
    [
        lambda d: dataclasses.replace(d, steps=(*d.steps[:2], dataclasses.replace(d.steps[2], justification="Other."))),
        lambda d: dataclasses.replace(
            d, steps=(*d.steps[:2], dataclasses.replace(d.steps[2], statement=sp.Symbol("s", real=True) ** 2))
        ),
        lambda d: dataclasses.replace(d, assumptions=assume(positive=[sp.Symbol("x", real=True)])),
        lambda d: dataclasses.replace(d, checks=(dataclasses.replace(d.checks[0], tolerance=1e-3),)),
        lambda d: dataclasses.replace(d, title="Another title"),
        lambda d: dataclasses.replace(d, definitions=()),
    ],
    ids=["justification", "statement", "assumptions", "tolerance", "title", "definitions"],
)
def test_any_change_to_the_derivation_changes_the_key(change) -> None:  # type: ignore[no-untyped-def]
    derivation = cases.demo_derivation()
    assert fingerprint(change(derivation), **KEY) != fingerprint(derivation, **KEY)


def test_symbol_assumptions_are_part_of_the_key() -> None:
    derivation = cases.demo_derivation()
    x = sp.Symbol("x", positive=True)
    step = Step(sp.Eq(x, sp.Abs(x), evaluate=False), "x is positive.")
    plain = sp.Symbol("x")
    same_text = Step(sp.Eq(plain, sp.Abs(plain), evaluate=False), "x is positive.")
    changed = dataclasses.replace(derivation, steps=(*derivation.steps, step))
    same_name = dataclasses.replace(derivation, steps=(*derivation.steps, same_text))
    assert fingerprint(changed, **KEY) != fingerprint(same_name, **KEY)


def test_verification_settings_are_part_of_the_key() -> None:
    derivation = cases.demo_derivation()
    assert fingerprint(derivation, timeout=5.0, numeric=True) != fingerprint(derivation, timeout=1.0, numeric=True)
    assert fingerprint(derivation, timeout=5.0, numeric=True) != fingerprint(derivation, timeout=5.0, numeric=False)


def test_a_report_comes_back_exactly_as_stored(tmp_path: Path) -> None:
    cache = VerificationCache(tmp_path)
    report = dataclasses.replace(cases.demo_report(), status="verified")
    cache.store("k", report)
    assert cache.load("k") == report
    assert cache.load("missing") is None
    (tmp_path / "verify" / "k.json").write_text("{not json", encoding="utf-8")
    assert cache.load("k") is None, "a damaged entry is a miss, not an error"


def test_undecided_and_unbuildable_reports_are_not_kept(tmp_path: Path) -> None:
    cache = VerificationCache(tmp_path)
    cache.store("undecided", dataclasses.replace(cases.demo_report(), status="undecided"))
    cache.store("error", dataclasses.replace(cases.demo_report(), status="failed", error="builder raised"))
    assert cache.load("undecided") is None and cache.load("error") is None
    VerificationCache(None).store("k", cases.demo_report())  # no directory: caches nothing, raises nothing


# --------------------------------------------------------------------------- re-verification

_PROBE = "publish_tests.cache_probe"
_version = {"exponent": 2}


def _probe() -> Derivation:
    """A derivation whose second step depends on a module variable, to change it between builds."""
    x = sp.Symbol("x", real=True)
    exponent = _version["exponent"]
    return Derivation(
        name=_PROBE,
        title="A probe for the cache",
        steps=(
            Step(x**exponent, "Premise."),
            Step(sp.expand((x + 0) ** exponent), "Nothing changes.", rule="algebra"),
        ),
        result=x**exponent,
        assumptions=assume(real=[x]),
        topic="publish_tests",
    )


@pytest.fixture
def probe() -> None:
    registry.derivation(_PROBE)(_probe)
    yield
    _version["exponent"] = 2
    registry._entries.pop(_PROBE, None)  # the registry has no public removal; leave it as it was
    registry._built.pop(_PROBE, None)


def test_a_changed_derivation_is_verified_again(tmp_path: Path, probe: None, monkeypatch: pytest.MonkeyPatch) -> None:
    options = BuildOptions(cache=tmp_path, progress=False)
    verified: list[str] = []
    real_verify_entries = __import__("symcheck.verify", fromlist=["verify_entries"]).verify_entries

    def counting(entries, **keywords):  # type: ignore[no-untyped-def]
        verified.extend(entry.name for entry in entries)
        return real_verify_entries(entries, **keywords)

    monkeypatch.setattr("symcheck.verify.verify_entries", counting)
    _, first = verify_cached([_PROBE], options, Progress(False))
    assert verified == [_PROBE] and first[_PROBE].status == "verified"
    assert first[_PROBE].steps[1].latex == "x^{2}"

    _, again = verify_cached([_PROBE], options, Progress(False))
    assert verified == [_PROBE], "an unchanged derivation comes from the cache"
    assert again[_PROBE] == first[_PROBE]

    _version["exponent"] = 3
    registry.derivation(_PROBE)(_probe)  # re-registering drops the built object, as editing the file would
    _, changed = verify_cached([_PROBE], options, Progress(False))
    assert verified == [_PROBE, _PROBE], "the changed derivation is verified again"
    assert changed[_PROBE].steps[1].latex == "x^{3}"


# --------------------------------------------------------------------------- grading


def _sheet_and_key(directory: Path) -> tuple[Path, Path]:
    sheet, key = directory / "sheet.md", directory / "sheet.key.toml"
    sheet.write_text("$x = 1$\n", encoding="utf-8")
    key.write_text("# a key\n", encoding="utf-8")
    return sheet, key


def test_a_grade_report_comes_back_exactly_as_stored(tmp_path: Path) -> None:
    cache = GradeCache(tmp_path)
    report = cases.seed_like_report()  # readings, links and locations: every nested type
    cache.store("k", report)
    assert cache.load("k") == report


def test_the_grade_key_follows_the_sheet_the_key_and_the_timeout(tmp_path: Path) -> None:
    registry.load_entry_points()
    sheet, key = _sheet_and_key(tmp_path)
    first = grade_fingerprint(sheet, key, timeout=5.0)
    assert grade_fingerprint(sheet, key, timeout=5.0) == first
    assert grade_fingerprint(sheet, key, timeout=2.0) != first
    key.write_text("# a key, edited\n", encoding="utf-8")
    second = grade_fingerprint(sheet, key, timeout=5.0)
    sheet.write_text("$x = 2$\n", encoding="utf-8")
    assert len({first, second, grade_fingerprint(sheet, key, timeout=5.0)}) == 3


def test_grading_runs_once_then_comes_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    registry.load_entry_points()
    sheet, key = _sheet_and_key(tmp_path)
    target = SheetTarget("demo", sheet, key)
    calls = tmp_path / "calls"

    def grade_all(targets, timeout, jobs=1):  # type: ignore[no-untyped-def]
        with calls.open("a", encoding="utf-8") as log:  # a file: grading may run in a forked process
            log.write("graded\n")
        return [cases.demo_grade_report() for _ in targets]

    monkeypatch.setattr(grading_module, "grade_all", grade_all)
    options = BuildOptions(cache=tmp_path / "cache", progress=False)
    first = _started([target], options)
    assert first.pending == (target,)
    assert first.wait() == [cases.demo_grade_report()]
    again = _started([target], options)
    assert again.pending == () and again.wait() == [cases.demo_grade_report()]
    assert calls.read_text(encoding="utf-8") == "graded\n"


def test_an_error_in_grading_reaches_the_build_as_it_was_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from symcheck.errors import SourceError

    registry.load_entry_points()
    sheet, key = _sheet_and_key(tmp_path)

    def grade_all(targets, timeout, jobs=1):  # type: ignore[no-untyped-def]
        raise SourceError("no such claim", path="sheet.key.toml", line=3, column=1, claim="1a")

    monkeypatch.setattr(grading_module, "grade_all", grade_all)
    grading = _started([SheetTarget("demo", sheet, key)], BuildOptions(cache=None, progress=False))
    with pytest.raises(SourceError, match=r"^sheet\.key\.toml:3:1: no such claim \[claim 1a\]$"):
        grading.wait()


def _started(targets: list, options: BuildOptions) -> Grading:
    """Grading as a build starts it beside verification (in a second process where it can fork)."""
    grading = Grading(targets, options, Progress(False))
    grading.start(beside_verification=True)
    return grading


def test_a_pdf_is_reused_only_for_the_same_typst_source(tmp_path) -> None:
    from symcheck.publish._cache import PdfCache
    from symcheck.publish._typst import compile_pdf

    cache = PdfCache(tmp_path)
    source = "#set document(date: none)\n$ x^2 $"
    assert cache.load(source) is None
    pdf = compile_pdf(source)
    cache.store(source, pdf)
    assert cache.load(source) == pdf
    assert cache.load(source + "\n$ y $") is None  # any change to the source is a new key
    assert PdfCache(None).load(source) is None  # no cache directory: nothing is kept


def test_the_registry_order_does_not_depend_on_import_order() -> None:
    """The library reference lists derivations in the registry's order: a topic imported early (as a test or a
    notebook may) must not move its derivations to the front."""
    script = (
        "import importlib, sys; [importlib.import_module(m) for m in sys.argv[1:]]; from symcheck import registry; "
        "registry.load_entry_points(); print(' '.join(e.name for e in registry.entries()))"
    )
    fresh = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    early = ["derivations.mlp", "derivations.regression_kernels", "derivations.softmax"]
    shuffled = subprocess.run(
        [sys.executable, "-c", script, *early], capture_output=True, text=True, check=True
    ).stdout.split()
    assert shuffled == fresh and fresh[0].startswith("bce.")


def test_a_sheet_of_the_library_is_named_from_its_package_whatever_the_working_directory(tmp_path) -> None:
    """`pip install .` puts the homework data in site-packages: a report built from anywhere names the seed sheet
    (and the class samples, in folders without ``__init__.py``) from the top of the package, not from the cwd."""
    import json

    done = subprocess.run(
        [sys.executable, "-m", "symcheck", "grade", "ml-theory", "--json", "--exit-zero"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "SYMCHECK_CACHE_DIR": ""},
        check=True,
    )
    report = json.loads(done.stdout)
    assert report["source"] == "derivations/sheets/ml_theory/answer_sheet.md"
    from symcheck.reader import shown_path

    registry.load_entry_points()
    folders = [entry.class_folder for entry in registry.sheets() if entry.class_folder is not None]
    assert folders
    for folder in folders:
        for sheet in sorted(folder.iterdir()):
            assert shown_path(sheet).startswith("derivations/sheets/"), sheet
