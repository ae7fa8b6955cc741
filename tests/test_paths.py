"""Where szbiz keeps the user's files: the same directories platformdirs names."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from szbiz.settings import bundled_tasks, user_dir


@pytest.mark.parametrize("value", [None, "", "   ", "/srv/xdg", "rel/dir", " /srv/xdg", "~/x"])
def test_user_dirs_match_platformdirs(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    for variable in ("XDG_DATA_HOME", "XDG_CACHE_HOME"):
        if value is None:
            monkeypatch.delenv(variable, raising=False)
        else:
            monkeypatch.setenv(variable, value)
    assert user_dir("data") == platformdirs.user_data_path("szbiz", appauthor=False)
    assert user_dir("cache") == platformdirs.user_cache_path("szbiz", appauthor=False)


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG directories")
def test_xdg_directories(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", "/srv/data")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert user_dir("data") == Path("/srv/data/szbiz")
    assert user_dir("cache") == Path.home() / ".cache" / "szbiz"
    # Relative values would move the ledger with the working directory: ignored.
    monkeypatch.setenv("XDG_DATA_HOME", "data")
    assert user_dir("data") == Path.home() / ".local" / "share" / "szbiz"


def test_bundled_list_exists() -> None:
    assert bundled_tasks().name == "tasks.yaml"
    assert bundled_tasks().is_file()
