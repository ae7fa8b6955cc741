"""Where szbiz's files live: the bundled list, and the user's data and cache directories."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Literal

_PACKAGE = Path(__file__).resolve().parent


def bundled_tasks() -> Path:
    """The canonical list shipped with szbiz.

    A wheel carries it as ``szbiz/data/tasks.yaml``; a source checkout or an
    editable install reads the repository's ``data/tasks.yaml``.
    """
    packaged = _PACKAGE / "data" / "tasks.yaml"
    if packaged.is_file():
        return packaged
    return _PACKAGE.parent.parent / "data" / "tasks.yaml"


def user_dir(kind: Literal["data", "cache"]) -> Path:
    """szbiz's per-user data or cache directory, as platformdirs names it.

    On Linux and other Unixes that is the XDG directory, worked out here:
    importing platformdirs costs a few milliseconds at every start. Windows and
    macOS ask platformdirs, which knows their folders.
    """
    if sys.platform in ("win32", "darwin"):
        import platformdirs

        if kind == "data":
            return platformdirs.user_data_path("szbiz", appauthor=False)
        return platformdirs.user_cache_path("szbiz", appauthor=False)
    variable, default = ("XDG_DATA_HOME", "~/.local/share")
    if kind == "cache":
        variable, default = ("XDG_CACHE_HOME", "~/.cache")
    base = os.environ.get(variable, "")
    if not os.path.isabs(base):  # unset, empty or relative: ignored, as the XDG spec says
        base = os.path.expanduser(default)
    return Path(base) / "szbiz"
