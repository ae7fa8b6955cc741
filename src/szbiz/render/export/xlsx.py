"""The tasks as an Excel workbook: one sheet, a frozen and filterable header, real dates.

Every text is as ``szbiz.render.safe.xlsx`` leaves it: a control or bidi character
shows as a visible escape, so no title breaks the workbook (openpyxl refuses
what XML cannot hold).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING
from unicodedata import east_asian_width

from szbiz.render.cells import runs_as_formula
from szbiz.render.export import HEADERS, Cell, Export, extra_headers, row
from szbiz.render.safe import xlsx
from szbiz.render.sheet import cell
from szbiz.report import WARN_DAYS, Light, light

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

# Fill and text colours of a status cell by its light: Excel's own good/neutral/bad styles.
FILLS = {
    Light.ON_TIME: ("C6EFCE", "006100"),
    Light.LATE: ("DDEBF7", "1F4E78"),
    Light.SOON: ("FFEB9C", "9C5700"),
    Light.OVERDUE: ("FFC7CE", "9C0006"),
    Light.LATER: ("F2F2F2", "404040"),
    Light.DROPPED: ("D9D9D9", "595959"),
    Light.ONGOING: ("E4DFEC", "5B2C6F"),
}
WRAPPED = {"改革措施": 60, "牵头单位": 30, "责任单位": 30, "最近进展": 30, "依据": 24, "分工": 30}
DATE_FORMAT = "yyyy-mm-dd"
COLOURED = ("状态", "红黄绿灯")


def text_width(value: Cell) -> int:
    """Columns a cell takes in a spreadsheet: CJK and full-width characters count double."""
    if isinstance(value, dt.date):
        return len(DATE_FORMAT)
    lines = cell(value).splitlines()
    widths = [sum(2 if east_asian_width(c) in "WF" else 1 for c in line) for line in lines]
    return max(widths, default=0)


def render(data: Export) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet: Worksheet = book.active  # type: ignore[assignment]
    sheet.title = "任务清单"
    book.properties.title = xlsx(data.heading)
    book.properties.creator = "szbiz"

    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="D9E1F2")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    top = Alignment(vertical="top")
    wrap = Alignment(vertical="top", wrap_text=True)
    fills = {
        k: (PatternFill("solid", fgColor=bg), Font(color=fg, bold=k is Light.OVERDUE))
        for k, (bg, fg) in FILLS.items()
    }

    # The source's other columns (推广范围 …), after the export's own, where a task has one.
    extra = extra_headers(data.items)
    headers = (*HEADERS, *extra)
    for col, header in enumerate(headers, 1):
        cell = sheet.cell(row=1, column=col, value=xlsx(header))
        cell.data_type = "s"  # a header stays text, even one starting with =
        cell.font, cell.fill, cell.alignment = bold, head_fill, centre

    widths = [text_width(h) for h in headers]
    for r, view in enumerate(data.items, 2):
        state = light(view, WARN_DAYS)
        for col, (header, value) in enumerate(zip(headers, row(view, extra), strict=True), 1):
            if isinstance(value, str):
                value = xlsx(value)  # no character openpyxl refuses, nor a bidi control
            cell = sheet.cell(row=r, column=col, value=value if value != "" else None)
            if isinstance(value, str) and value:
                # Text stays text, even =HYPERLINK(…): typed as a string and marked with
                # Excel's quote prefix, so neither openpyxl nor Excel reads a formula.
                cell.data_type = "s"
                if runs_as_formula(value):
                    cell.quotePrefix = True
            if isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
            cell.alignment = wrap if header in WRAPPED else top
            if header in COLOURED:
                cell.fill, cell.font = fills[state]
            widths[col - 1] = max(widths[col - 1], text_width(value))

    for col, (header, width) in enumerate(zip(headers, widths, strict=True), 1):
        limit = WRAPPED.get(header, 40)
        sheet.column_dimensions[get_column_letter(col)].width = min(width, limit) + 2

    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(data.items) + 1}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
