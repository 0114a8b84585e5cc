"""Exit statuses mean one thing each, in every command; errors are one line; every command has ``--json``.

0 all good, 1 a derivation failed or a claim is wrong, 2 a usage or input error (with the command's
own usage for a bad option), 3 an internal error (one line; the traceback only under ``--debug`` or
``SYMCHECK_DEBUG``). The checks of issue 12 §3 run as a user runs them, through ``python -m symcheck``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import ROOT, run

from symcheck.cli import _commands, main
from symcheck.cli._parser import parse

RAISES_ON_IMPORT = """import sympy as sp

import symcheck


def helper():
    return {}["missing"]


x = sp.Symbol("x")
table = helper()
"""

WRONG_STEP = '''
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
            Step(x**2 + 2 * x + 2, "a slip in the constant"),
        ),
        result=sp.Eq((x + 1) ** 2, x**2 + 2 * x + 1),
        assumptions=assume(real=[x]),
    )
'''


def test_grading_the_seed_sheet_exits_1_for_its_wrong_claims_and_0_with_exit_zero() -> None:
    graded = run("grade", "ml-theory")
    assert graded.returncode == 1, graded.stderr
    assert " wrong " in graded.stdout and "score:" in graded.stdout
    relaxed = run("grade", "ml-theory", "--exit-zero")
    assert relaxed.returncode == 0, relaxed.stderr
    assert relaxed.stdout == graded.stdout


def test_list_json_is_json() -> None:
    listed = run("list", "--json")
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    names = {item["name"] for item in data["derivations"]}
    assert {"softmax.jacobian", "bce.likelihood"} <= names
    homework = next(item for item in data["homeworks"] if item["name"] == "ml-theory")
    assert homework["key"] == "derivations/sheets/ml_theory/key.toml"
    assert homework["sheet"] == "derivations/sheets/ml_theory/answer_sheet.md"
    assert homework["class"] == "derivations/sheets/ml_theory/samples"


def test_build_json_is_json(tmp_path: Path) -> None:
    out = tmp_path / "out"
    built = run("build", "library", "--formats", "json", "--out", str(out), "--json", env={"SYMCHECK_CACHE_DIR": ""})
    assert built.returncode == 0, built.stderr
    data = json.loads(built.stdout)
    assert data["check"] is False and data["files"] == [f"{out.as_posix()}/library/report.json"]
    assert data["changed"] == data["files"]
    checked = run("build", "library", "--formats", "json", "--out", str(out), "--json", "--check", "--quiet")
    report = json.loads(checked.stdout)
    assert report["check"] is True and report["files"] == data["files"]
    # up to date unless a check timed out differently under load (an undecided report is never cached)
    assert checked.returncode == (0 if report["up_to_date"] else 1) and report["up_to_date"] == (not report["stale"])


def test_verify_json_is_json() -> None:
    verified = run("verify", "softmax.jacobian", "--json", "--jobs", "1")
    assert verified.returncode == 0, verified.stderr
    assert json.loads(verified.stdout)["summary"]["verified"] == 1


def test_a_file_that_raises_on_import_is_one_line_at_its_place(tmp_path: Path) -> None:
    broken = tmp_path / "proofs.py"
    broken.write_text(RAISES_ON_IMPORT, encoding="utf-8")
    result = run("verify", str(broken))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1, result.stderr
    # the last line of the user's file the error passed through (where helper() raises), not symcheck's code
    assert result.stderr.startswith(f"{broken}:7: error: KeyError: 'missing'"), result.stderr


def test_a_failed_step_shows_both_sides_it_compared(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.py"
    wrong.write_text(WRONG_STEP, encoding="utf-8")
    result = run("verify", str(wrong))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    step = next(index for index, line in enumerate(lines) if line.strip().startswith("step 2: ✗"))
    assert "x^{2} + 2 x + 2" in lines[step]
    assert lines[step + 1].strip() == "compared with: (x + 1)^{2}"
    assert "counterexample" in lines[step + 2]


@pytest.mark.parametrize("command", ["list", "verify", "grade", "build"])
def test_an_unknown_option_shows_the_usage_of_its_command(command: str) -> None:
    arguments = [command, "ml-theory"] if command == "grade" else [command]
    result = run(*arguments, "--no-such-option")
    assert result.returncode == 2
    assert result.stderr.startswith(f"usage: symcheck {command} "), result.stderr
    assert "unrecognized arguments: --no-such-option" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_jobs_below_one_is_a_usage_error(jobs: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grade", "ml-theory", "--jobs", jobs]) == 2
    error = capsys.readouterr().err
    assert error.startswith("usage: symcheck grade ") and "argument --jobs" in error


def test_every_command_takes_json() -> None:
    for arguments in (["list"], ["verify"], ["grade", "ml-theory"], ["build"]):
        parsed, _ = parse([*arguments, "--json"])
        assert parsed.json is True


def test_no_command_prints_the_usage_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: symcheck" in capsys.readouterr().err


def test_an_unknown_homework_is_an_input_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grade", "no-such-homework"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "no homework is registered as 'no-such-homework'" in error


def _boom(arguments: object) -> int:
    raise RuntimeError("a bug, planted by the test")


def test_an_internal_error_is_one_line_saying_it_is_a_bug(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SYMCHECK_DEBUG", raising=False)
    monkeypatch.setitem(_commands.COMMANDS, "list", _boom)
    assert main(["list"]) == 3
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "Traceback" not in error
    assert "internal error, a bug in symcheck (RuntimeError: a bug, planted by the test)" in error
    assert "--debug" in error


@pytest.mark.parametrize("how", ["option", "environment"])
def test_the_traceback_of_an_internal_error_is_shown_on_request(
    how: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(_commands.COMMANDS, "list", _boom)
    if how == "environment":
        monkeypatch.setenv("SYMCHECK_DEBUG", "1")
        assert main(["list"]) == 3
    else:
        monkeypatch.delenv("SYMCHECK_DEBUG", raising=False)
        assert main(["list", "--debug"]) == 3
    error = capsys.readouterr().err
    assert "Traceback (most recent call last)" in error and "in _boom" in error
    assert error.rstrip().splitlines()[-1].startswith("symcheck: internal error, a bug in symcheck")


def test_the_console_script_is_the_package(tmp_path: Path) -> None:
    """``symcheck.cli:run`` (the console script) and ``main`` are still where pyproject.toml says."""
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["symcheck"] == "symcheck.cli:run"
    from symcheck.cli import run as console_script

    assert callable(console_script)
