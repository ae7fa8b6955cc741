"""Tab-separated text, as copied or extracted from a PDF's table: a row per line.

The 2020 Shenzhen source is this format. A line is split at each TAB into its
cells; a line with no TAB is a row of one cell (a title, a preamble
paragraph). Empty lines are left out; a line keeps its number in the file.
"""

from __future__ import annotations

from pathlib import Path

from szbiz.i18n import _
from szbiz.importer.formats import Rows, decode
from szbiz.importer.grid import Grid


def read_text(path: Path, data: bytes) -> Grid:
    """The rows of tab-separated text (UTF-8 with or without its mark, UTF-16 with it,
    or GBK)."""
    rows = Rows(path)
    where = _("line {n}")
    # Lines as str.splitlines() breaks them, and numbered so, as the importer always has.
    for number, line in enumerate(decode(path, data).splitlines(), start=1):
        rows.add(tuple(line.lstrip("\ufeff").split("\t")), where.format(n=number), number)
    return rows.grid()
