"""``symcheck grade --scheduler ADDRESS``: a class graded on a Dask cluster, through the same code path.

The cluster is a small ``distributed.LocalCluster`` in this process (one worker, threads), which is
what ``--scheduler`` reaches over TCP on a real cluster; the test is skipped, saying why, when Dask's
distributed scheduler is not installed (``pip install 'symcheck[dask]'``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import symcheck.grading._class as class_module
from symcheck.cli import main

distributed = pytest.importorskip(
    "distributed", reason="Dask distributed is not installed (pip install 'symcheck[dask]', part of [test])"
)


@pytest.fixture(scope="module")
def cluster():  # type: ignore[no-untyped-def]
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1", dashboard_address=None
    ) as local:
        yield local


def test_a_class_is_graded_on_a_dask_cluster(
    cluster, small_class: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    arguments = ["grade", "ml-theory", str(small_class), "--scheduler", cluster.scheduler_address]
    status = main([*arguments, "--json", "-q", "--out", str(out), "--formats", "json"])
    captured = capsys.readouterr()
    assert status == 2, captured.err  # the three broken sheets; the two others graded on the cluster
    data = json.loads(captured.out)
    statuses = {sheet["student"]: sheet["status"] for sheet in data["sheets"]}
    assert statuses["bob"] == statuses["emeka"] == "graded"
    assert statuses["latin"].startswith("error: latin.md:1:") and statuses["empty"].startswith("error: empty.md:")
    assert (out / "emeka" / "feedback.json").is_file() and (out / "gradebook.csv").is_file()


def test_an_unreachable_scheduler_is_an_input_error(
    small_class: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(class_module, "SCHEDULER_TIMEOUT", "1s")
    assert main(["grade", "ml-theory", str(small_class), "--scheduler", "tcp://127.0.0.1:9", "-q"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("symcheck: error: cannot reach the Dask scheduler at tcp://127.0.0.1:9")
