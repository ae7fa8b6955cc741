"""A PDF with a text layer: its tables' rows, and the lines of text around them.

Page by page, the lines of text outside the tables (the title, a preamble, an
area's heading between two tables) are rows of one cell, and each table row a
row of its cells, in the order they stand on the page. A line wrapped inside a
cell is joined back: in Chinese a wrap means nothing (深化商事 / 登记 is
深化商事登记). A header row that a table repeats atop each page is kept, as
it is printed; the rest of a row that a page break cut (its 序号 cell empty)
is joined back to it. A scan, which has no text layer, cannot be read.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from szbiz.errors import LoadError, Message, said
from szbiz.i18n import N_, _
from szbiz.importer.formats import Rows, fail, needs, not_a
from szbiz.importer.grid import Grid, Row

MAX_PAGES = 2_000  # a task list runs to dozens of pages


def unwrap_cell(text: str | None) -> str:
    """A cell's text with the line breaks of its wrapping taken out: a space between two
    words of Latin letters or digits, nothing elsewhere."""
    if not text:
        return ""
    lines = text.split("\n")
    out = lines[0]
    for line in lines[1:]:
        if out and line and out[-1].isascii() and out[-1].isalnum() and line[0].isascii():
            out += " "
        out += line
    return out


def _filled(table: Any) -> list[tuple[str, ...]]:
    """A table's rows, a cell merged down several rows read in each of them: pdfplumber
    gives None where a merged cell covers a row's place, which is the rest of a cell
    merged across (read as empty) or down (read as the cell above that covers it)."""
    texts = table.extract()
    boxes = [row.cells for row in table.rows]
    out: list[tuple[str, ...]] = []
    for r, cells in enumerate(texts):
        row: list[str] = []
        top, bottom = table.rows[r].bbox[1], table.rows[r].bbox[3]
        for c, text in enumerate(cells):
            if text is None:
                above = next(
                    (k for k in range(r - 1, -1, -1) if c < len(boxes[k]) and boxes[k][c]), None
                )
                box = boxes[above][c] if above is not None else None
                if above is not None and box is not None and box[3] > (top + bottom) / 2:
                    text = texts[above][c]
            row.append(unwrap_cell(text))
        out.append(tuple(row))
    return out


def _continues(rows: Rows, index: int, cells: tuple[str, ...]) -> bool:
    """Whether ``cells``, the first row of a page's first table, is the rest of the row at
    ``index`` that the page break cut (Word lets a row break across pages): the same
    number of cells, the first (a 序号) empty and another not. If so, it is joined to it."""
    row = rows.rows[index]
    if len(cells) != len(row.cells) or cells[0].strip() or not any(c.strip() for c in cells):
        return False
    joined = tuple(
        unwrap_cell(f"{a}\n{b}") if a and b else a or b
        for a, b in zip(row.cells, cells, strict=True)
    )
    rows.rows[index] = Row(joined, row.where, row.line)
    return True


def read_pdf(path: Path, data: bytes) -> Grid:
    """The rows of a PDF's pages: lines of text and table rows, top to bottom."""
    if not data.startswith(b"%PDF") and b"%PDF" not in data[:1024]:
        raise not_a(path, "pdf", _("it does not start with %PDF"))
    try:
        import pdfplumber
    except ModuleNotFoundError:
        raise needs("pdfplumber", ".pdf") from None
    rows = Rows(path)
    line_at = _("page {p}, line {n}")
    row_at = _("page {p}, table {t}, row {r}")
    text_found = False
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise not_a(
                    path,
                    "pdf",
                    _("it has {count} pages; at most {most} are read").format(
                        count=f"{len(pdf.pages):,}", most=f"{MAX_PAGES:,}"
                    ),
                )
            # Where the last table row stands in rows: (its page, its index).
            last_row: tuple[int, int] | None = None
            for p, page in enumerate(pdf.pages, start=1):
                if page.chars:
                    text_found = True
                # What stands on the page, top to bottom: (top, row, table, cells, where),
                # row and table 0 for a line of text.
                found: list[tuple[float, int, int, tuple[str, ...], str]] = []
                tables = page.find_tables()
                for t, table in enumerate(tables, start=1):
                    top = table.bbox[1]
                    for r, cells in enumerate(_filled(table), start=1):
                        found.append((top, r, t, cells, row_at.format(p=p, t=t, r=r)))
                boxes = [table.bbox for table in tables]

                def outside(obj: dict[str, Any], boxes: list[Any] = boxes) -> bool:
                    x = (obj["x0"] + obj["x1"]) / 2
                    y = (obj["top"] + obj["bottom"]) / 2
                    return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

                text = page.filter(outside) if boxes else page
                for n, line in enumerate(text.extract_text_lines(), start=1):
                    found.append((line["top"], 0, 0, (line["text"],), line_at.format(p=p, n=n)))
                # Lines first where a line and a table start at the same height.
                for _top, r, t, cells, where in sorted(found, key=lambda f: (f[0], f[1])):
                    cut = t == 1 and r == 1 and last_row is not None and last_row[0] == p - 1
                    if cut and last_row is not None and _continues(rows, last_row[1], cells):
                        continue
                    before = len(rows.rows)
                    rows.add(cells, where)
                    if t and len(rows.rows) > before:
                        last_row = (p, before)
    except LoadError:
        raise
    except Exception as exc:  # pdfminer raises what a damaged or crafted file makes it raise
        raise not_a(path, "pdf", said(exc)) from None
    if not text_found:
        raise fail(
            path,
            Message(
                N_(
                    "has no text layer (a scan?); export the table from the original "
                    "document as .docx or .xlsx"
                )
            ),
        )
    return rows.grid()
