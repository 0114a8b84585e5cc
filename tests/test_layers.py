"""The import layers flow one way: data → checking/printing/reading → verify → grading → publish → CLI.

Every import in every module of ``symcheck`` (at module level or inside a function) is read from
the source with ``ast`` and checked against the layer table below. The derivation library may
only use symcheck's public API.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# (layer, group): a module may import modules of a lower layer, or of its own group.
LAYERS: dict[str, tuple[int, str]] = {
    "symcheck.model": (0, "data"),
    "symcheck.results": (0, "data"),
    "symcheck.sheet": (0, "data"),
    "symcheck.errors": (0, "data"),
    "symcheck.registry": (0, "data"),
    "symcheck.display": (0, "data"),
    "symcheck.objects": (0, "data"),
    "symcheck.submission": (0, "data"),
    "symcheck.store": (0, "data"),
    "symcheck.budget": (1, "checking"),
    "symcheck.mpeval": (1, "checking"),
    "symcheck.normalize": (1, "checking"),
    "symcheck.probe": (1, "checking"),
    "symcheck.bounds": (1, "checking"),
    "symcheck.balls": (1, "checking"),
    "symcheck.breakpoints": (1, "checking"),
    "symcheck.cases": (1, "checking"),
    "symcheck.domains": (1, "checking"),
    "symcheck.parameters": (1, "checking"),
    "symcheck.equivalence": (1, "checking"),
    "symcheck.matrices": (1, "checking"),
    "symcheck.relations": (1, "checking"),
    "symcheck.definitions": (1, "checking"),
    "symcheck.pyexpr": (1, "checking"),
    "symcheck.numeric": (1, "checking"),
    "symcheck.kernels": (1, "checking"),
    "symcheck.printing": (1, "printing"),
    "symcheck.reader": (1, "reading"),
    "symcheck.verify": (2, "verify"),
    "symcheck.grading": (3, "grading"),
    "symcheck.publish": (4, "publish"),
    "symcheck.cli": (5, "interface"),
    "symcheck.pytest_plugin": (5, "interface"),
    "symcheck.__main__": (5, "interface"),
}
PUBLIC_API = {"symcheck", "symcheck.kernels", "symcheck.reader", "symcheck.printing"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _layer(module: str) -> tuple[int, str] | None:
    while module:
        if module in LAYERS:
            return LAYERS[module]
        module = module.rpartition(".")[0]
    return None


def _imports(path: Path, package: str | None = None) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    package = package or _module_name(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                if path.name != "__init__.py":
                    base = base[:-1]
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((target, node.lineno))
            found.extend((f"{target}.{alias.name}", node.lineno) for alias in node.names)
    return found


ENGINE_MODULES = sorted(
    p for p in (ROOT / "symcheck").rglob("*.py") if p.name != "__init__.py" or p.parent.name != "symcheck"
)


@pytest.mark.parametrize("path", ENGINE_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_engine_imports_flow_one_way(path: Path) -> None:
    own = _layer(_module_name(path))
    assert own is not None, f"{path} is not in the layer table of tests/test_layers.py: add it"
    for target, line in _imports(path):
        if not target.startswith("symcheck") or target == "symcheck":
            assert not target.startswith("derivations"), f"{path}:{line}: the engine imports the library ({target})"
            continue
        other = _layer(target)
        if other is None:
            continue  # an attribute imported from a package (from symcheck.x import name)
        same_group = other[1] == own[1]
        assert other[0] < own[0] or same_group, (
            f"{path}:{line}: {_module_name(path)} (layer {own[0]}, {own[1]}) imports {target} "
            f"(layer {other[0]}, {other[1]}), against the flow data → checking/printing → verify → grading → "
            "publish → CLI"
        )


LIBRARY_MODULES = sorted((ROOT / "derivations").rglob("*.py"))


@pytest.mark.parametrize("path", LIBRARY_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_library_uses_only_the_public_api(path: Path) -> None:
    for target, line in _imports(path):
        if target.startswith("symcheck"):
            module = target if target in PUBLIC_API or _layer(target) is not None else target.rpartition(".")[0]
            assert module in PUBLIC_API, f"{path}:{line}: the library imports {target}, which is not public API"


def test_layer_test_sees_violations(tmp_path: Path) -> None:
    """The scanner itself: an upward import is found (so the tests above can fail)."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from symcheck.cli import main\n", encoding="utf-8")
    assert ("symcheck.cli", 2) in _imports(probe, package="symcheck.probe_module")
    assert _layer("symcheck.cli.main") == (5, "interface")
    assert _layer("symcheck.printing.latex") == (1, "printing")
