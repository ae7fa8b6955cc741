"""An Excel workbook (.xlsx, .xlsm): the rows of one sheet.

The first sheet is read, or the one ``--sheet`` names. A cell merged over
several rows (an area or an agency written once beside the rows it covers)
reads in each of them; one merged across a row (an area's heading) reads once,
in its first column, the others empty. Numbers read as written (3, not 3.0), dates as ISO dates,
and formulas as the value Excel last computed.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from typing import Any

from szbiz.errors import LoadError, Message, UsageError, said
from szbiz.i18n import N_, _
from szbiz.importer.formats import MAX_CELLS, Rows, fail, needs, not_a, zip_parts
from szbiz.importer.grid import Grid


def text_of(value: Any) -> str:
    """A cell's value as its text: ``3`` for 3.0, ``2021-12-31`` for a date at midnight."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def read_xlsx(path: Path, data: bytes, sheet: str | None = None) -> Grid:
    """The non-empty rows of the first sheet, or of ``sheet``."""
    zip_parts(path, data, "xlsx")
    try:
        from openpyxl import load_workbook
    except ModuleNotFoundError:
        raise needs("openpyxl", ".xlsx") from None
    import io

    with warnings.catch_warnings():
        # openpyxl warns on stderr of what it drops (data validation, an unknown
        # extension): nothing it drops is text a task list holds.
        warnings.simplefilter("ignore")
        try:
            book = load_workbook(io.BytesIO(data), read_only=False, data_only=True)
        except Exception as exc:  # openpyxl raises what the zip's content makes it raise
            raise not_a(path, "xlsx", said(exc)) from None
    try:
        names = book.sheetnames
        if sheet is None:
            if not names:
                raise not_a(path, "xlsx", _("it has no sheet"))
            name = names[0]
        elif sheet in names:
            name = sheet
        else:
            raise UsageError(
                _("{path} has no sheet {sheet!r}; its sheets: {names}").format(
                    path=path, sheet=sheet, names=", ".join(names)
                )
            )
        ws = book[name]
        rows, cols = ws.max_row, ws.max_column
        if rows * cols > MAX_CELLS:
            raise fail(
                path,
                Message(
                    N_(
                        "sheet {sheet} spans {rows} rows and {cols} columns, over {cells} cells; "
                        "delete the empty rows and columns past the table"
                    ),
                    sheet=name,
                    rows=f"{rows:,}",
                    cols=f"{cols:,}",
                    cells=f"{MAX_CELLS:,}",
                ),
            )
        # Each cell of a merged range but its top-left one reads as None. A range merged
        # down several rows (an area, an agency) gives its value to each row, in its first
        # column; one merged across a row (an area's heading) reads once, as Word's does.
        # Ranges are clipped to the sheet, which is bounded above.
        merged: dict[tuple[int, int], Any] = {}
        for area in ws.merged_cells.ranges:
            value = ws.cell(area.min_row, area.min_col).value
            for r in range(area.min_row, min(area.max_row, rows) + 1):
                merged[(r, area.min_col)] = value
        found = Rows(path)
        where = _("{sheet}!A{row}")
        for number, cells in enumerate(ws.iter_rows(values_only=True), start=1):
            texts = tuple(
                text_of(merged.get((number, column), value))
                for column, value in enumerate(cells, start=1)
            )
            found.add(texts, where.format(sheet=name, row=number), number)
        return found.grid()
    except (LoadError, UsageError):
        raise
    except Exception as exc:  # a chart sheet, or what else openpyxl trips on
        raise not_a(path, "xlsx", said(exc)) from None
    finally:
        book.close()
