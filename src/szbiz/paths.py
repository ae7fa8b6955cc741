"""Where the bundled list lives, inside the installed package or the source tree."""

from __future__ import annotations

from pathlib import Path

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
