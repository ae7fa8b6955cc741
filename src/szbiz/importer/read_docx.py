"""A Word document (.docx): its paragraphs and tables, in document order.

A paragraph outside a table (the title, a preamble, an area's heading between
two tables) is a row of one cell. A table row is its cells' text, a cell's
paragraphs joined by line breaks. A cell merged across columns (an area's
heading over the whole row) reads once, followed by empty cells; one merged
down rows reads in each of them. A table Word breaks across pages is one
table; several tables are read one after another.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from szbiz.errors import LoadError, said
from szbiz.i18n import _
from szbiz.importer.formats import Rows, needs, not_a, zip_parts
from szbiz.importer.grid import Grid

MAX_SPAN = 1_000  # columns one cell may span: a table has a dozen
_SPAN = re.compile(rb"gridSpan\s+[^>]*?val\s*=\s*[\"']\s*0*(\d{4,})")
_BEFORE = re.compile(rb"grid(?:Before|After)\s+[^>]*?val\s*=\s*[\"']\s*0*(\d{4,})")


def read_docx(path: Path, data: bytes) -> Grid:
    """The rows of a Word document: a paragraph's one cell, a table row's cells."""
    parts = zip_parts(path, data, "docx")
    for part in parts.values():
        # python-docx repeats a merged cell once per column it spans: a span of a
        # billion columns would never end.
        if _SPAN.search(part) or _BEFORE.search(part):
            raise not_a(
                path,
                "docx",
                _("a table cell spans more than {most} columns").format(most=f"{MAX_SPAN:,}"),
            )
    try:
        import docx
        from docx.table import Table
    except ModuleNotFoundError:
        raise needs("python-docx", ".docx") from None
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises what the zip's content makes it raise
        raise not_a(path, "docx", said(exc)) from None
    rows = Rows(path)
    paragraph_at, row_at = _("paragraph {n}"), _("table {t}, row {r}")
    paragraphs = tables = 0
    try:
        for block in document.iter_inner_content():
            if not isinstance(block, Table):
                paragraphs += 1
                rows.add((block.text,), paragraph_at.format(n=paragraphs))
                continue
            tables += 1
            for number, row in enumerate(block.rows, start=1):
                # Cells a row leaves out before its first (Word lets a row start late).
                cells = [""] * row.grid_cols_before
                previous = None
                for cell in row.cells:
                    # The same cell again is the rest of one merged across columns.
                    cells.append("" if cell is previous else cell.text)
                    previous = cell
                rows.add(tuple(cells), row_at.format(t=tables, r=number))
    except LoadError:
        raise
    except Exception as exc:  # python-docx raises what an odd document makes it raise
        raise not_a(path, "docx", said(exc)) from None
    return rows.grid()
