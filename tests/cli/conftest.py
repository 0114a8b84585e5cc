"""Fixtures of the command-line tests: one grade cache for the session, a small class with broken sheets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_helpers import FAST, SAMPLES, bad_sheets


@pytest.fixture(scope="session")
def grade_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One grade cache for the session: a sheet graded by one test is read back by the next."""
    return tmp_path_factory.mktemp("symcheck-cache")


@pytest.fixture(autouse=True)
def _cache_here(grade_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYMCHECK_CACHE_DIR", str(grade_cache))


@pytest.fixture
def small_class(tmp_path: Path) -> Path:
    """Two real sample sheets and the three broken ones, in one folder."""
    folder = tmp_path / "class"
    bad_sheets(folder)
    for name in FAST:
        shutil.copy(SAMPLES / name, folder / name)
    return folder
