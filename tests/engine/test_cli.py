"""The command line as users and CI run it: exit codes, the JSON contract, user files, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

USER_FILE = '''
import sympy as sp
import symcheck
from symcheck import Derivation, Step, assume

x = sp.Symbol("x", real=True)


@symcheck.derivation("user.square")
def square():
    """Expanding a square"""
    return Derivation(
        name="user.square",
        title="Expanding a square",
        steps=(
            Step((x + 1) ** 2, "the square", given=True),
            Step(x**2 + 2 * x + 1, "expand"),
            Step(x**2 + 2 * x + {constant}, "a slip in the constant"),
        ),
        result=sp.Eq((x + 1) ** 2, x**2 + 2 * x + 1),
        assumptions=assume(real=[x]),
    )
'''


def run(*arguments: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "symcheck", *arguments], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_list_names_every_topic() -> None:
    result = run("list")
    assert result.returncode == 0, result.stderr
    for topic in ("bce.", "softmax.", "cross_entropy.", "regularization.", "mlp."):
        assert topic in result.stdout


def test_verify_json_has_the_documented_fields() -> None:
    result = run("verify", "softmax", "--json", "--jobs", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert set(report["summary"]) >= {"verified", "failed", "undecided", "seconds"}
    assert report["summary"]["failed"] == 0
    names = {item["name"] for item in report["derivations"]}
    assert {"softmax.jacobian", "softmax.shift_invariance"} <= names
    for item in report["derivations"]:
        assert set(item) >= {"name", "title", "status", "general_k", "seconds", "steps", "checks"}
        assert item["status"] in ("verified", "failed", "undecided")
        for step in item["steps"]:
            assert set(step) >= {"index", "latex", "justification", "status", "method", "counterexample"}
        for check in item["checks"]:
            assert set(check) >= {"kind", "status", "max_error"}
    jacobian = next(item for item in report["derivations"] if item["name"] == "softmax.jacobian")
    assert jacobian["general_k"] is True


def test_a_users_file_with_a_wrong_step_fails_and_names_it(tmp_path: Path) -> None:
    good = tmp_path / "good.py"
    good.write_text(USER_FILE.format(constant=1), encoding="utf-8")
    bad = tmp_path / "bad.py"
    bad.write_text(USER_FILE.format(constant=2), encoding="utf-8")
    assert run("verify", str(good)).returncode == 0
    result = run("verify", str(bad))
    assert result.returncode == 1
    assert "✗ user.square" in result.stdout
    assert "step 3:" in result.stdout and "counterexample" in result.stdout  # numbered from 1, as the sheets
    assert "step 2:" not in result.stdout
    report = json.loads(run("verify", str(bad), "--json").stdout)
    failing = report["derivations"][0]
    assert failing["first_failure"] == 2
    assert failing["steps"][2]["status"] == "failed" and failing["steps"][2]["counterexample"]["point"]
    assert failing["steps"][2]["number"] == 3


def test_a_users_mistake_is_one_line_without_traceback(tmp_path: Path) -> None:
    for arguments in (("verify", "no.such.derivation"), ("verify", str(tmp_path / "missing.py"))):
        result = run(*arguments)
        assert result.returncode == 2
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("symcheck: error:")
    broken = tmp_path / "broken.py"
    broken.write_text("def f(:\n", encoding="utf-8")
    result = run("verify", str(broken))
    assert result.returncode == 2 and f"{broken}:1:" in result.stderr and "Traceback" not in result.stderr


def test_python_dash_m_and_the_console_script_agree() -> None:
    import shutil

    script = shutil.which("symcheck")
    if script is None:
        pytest.skip("the symcheck console script is not on PATH (package not installed in this environment)")
    listed = subprocess.run([script, "list"], capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0 and listed.stdout == run("list").stdout


PROBED_FILE = '''
import sympy as sp
import symcheck
from symcheck import Derivation, Step, assume

p = sp.Symbol("p", positive=True)


@symcheck.derivation("user.loggamma")
def loggamma():
    """log Γ two ways"""
    return Derivation(
        name="user.loggamma",
        title="log Γ two ways",
        steps=(
            Step(sp.loggamma(p), "the log-gamma function", given=True),
            Step(sp.log(sp.gamma(p)), "for p > 0 it is the logarithm of Γ(p)"),
        ),
        result=sp.Eq(sp.loggamma(p), sp.log(sp.gamma(p))),
        assumptions=assume(positive=[p]),
    )
'''


def test_a_step_only_probed_passes_but_not_strict(tmp_path: Path) -> None:
    probed = tmp_path / "probed.py"
    probed.write_text(PROBED_FILE, encoding="utf-8")
    result = run("verify", str(probed))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "~ user.loggamma" in result.stdout and "probed" in result.stdout
    assert "step 2: ~" in result.stdout and "probably equal" in result.stdout
    assert "1 probed (not proved)" in result.stdout
    strict = run("verify", str(probed), "--strict")
    assert strict.returncode == 1
    report = json.loads(run("verify", str(probed), "--json").stdout)
    derivation = report["derivations"][0]
    assert derivation["status"] == "probed" and derivation["general_sizes"] == []
    assert derivation["steps"][1]["status"] == "probed" and derivation["steps"][1]["confidence"] < 1
    assert report["summary"]["probed"] == 1


def test_the_library_is_proved_under_strict() -> None:
    result = run("verify", "softmax", "--strict", "--no-numeric")
    assert result.returncode == 0, result.stdout
    assert "[general K]" in result.stdout
