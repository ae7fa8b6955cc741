"""An agency's fill-in form (进展情况报送表) as an Excel workbook, for ``szbiz collect``.

Three sheets: 进展情况, the form itself; 填报说明, how to fill it in; and a
hidden ``szbiz`` sheet holding what the return is matched with (the list's
SHA-256, the agency, the day, each row's task id, the form's version). The
form's facts (序号, 措施, 角色, 完成时限, 当前状态) are locked by sheet protection
without a password: it keeps a liaison officer from changing them by mistake,
not a determined one from unprotecting the sheet, which is why ``collect``
checks every row's 序号 against the hidden sheet. The answer columns are open:
状态 with a drop-down of the statuses, 完成日期 a date cell that takes days in
1900–2999, 进展情况 wrapped, 依据 text. The workbook's structure is protected
too (no password), so the hidden sheet stays hidden and no sheet is renamed.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING

from szbiz.collect import (
    ANSWERS,
    CHOICES,
    FACTS,
    FIRST_ROW,
    FORM_SHEET,
    FORM_VERSION,
    GUIDE_SHEET,
    HEADER_ROW,
    HEADERS,
    LABELS,
    MARK,
    META_SHEET,
    ROLE_LABELS,
    Form,
)
from szbiz.render.safe import xlsx
from szbiz.render.views import NO_DEADLINE

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

DATE_FORMAT = "yyyy-mm-dd"
WIDTHS = {
    "序号": 6,
    "措施": 44,
    "角色": 6,
    "完成时限": 12,
    "当前状态": 10,
    "状态": 10,
    "完成日期": 12,
    "进展情况": 40,
    "依据": 24,
}
GUIDE = (
    ("填报说明", ""),
    (
        "1",
        "本表列出贵单位牵头和配合的任务，按完成时限先后排列。灰色列（序号、措施、角色、完成时限、当前状态）已锁定，请勿修改。",
    ),
    ("2", "状态：从下拉列表选择 未开始、进行中、已完成、受阻 或 已取消；本期无变化的任务可留空。"),
    (
        "3",
        "完成日期：状态变化或完成的日期，如 2020-06-30，不晚于表头所示截至日期；"
        "留空则按截至日期记录。",
    ),
    ("4", "进展情况：本期工作进展；选择“受阻”或“已取消”时请写明原因。"),
    ("5", "依据：文号（如 深府办〔2020〕18号）或网址。"),
    ("6", "请勿增删行、列或工作表，勿填写公式；填好后保存为 .xlsx（或另存为 CSV）原样报回。"),
)


def render(form: Form) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet: Worksheet = book.active  # type: ignore[assignment]
    sheet.title = FORM_SHEET
    title = f"{form.agency} 进展情况报送表（截至 {form.as_of.isoformat()}）"
    book.properties.title = xlsx(title)
    book.properties.subject = xlsx(form.title)
    book.properties.creator = "szbiz"
    book.properties.identifier = xlsx(form.identity)

    bold = Font(bold=True)
    grey = PatternFill("solid", fgColor="F2F2F2")
    head_fill = PatternFill("solid", fgColor="D9E1F2")
    answer_fill = PatternFill("solid", fgColor="FFFFFF")
    thin = Side(style="thin", color="BFBFBF")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    top = Alignment(vertical="top")
    wrap = Alignment(vertical="top", wrap_text=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    open_cell = Protection(locked=False)
    last_col = get_column_letter(len(HEADERS))

    sheet["A1"] = xlsx(title)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells(f"A1:{last_col}1")
    sheet["A2"] = (
        "请在白色的“状态、完成日期、进展情况、依据”列填写，灰色列请勿修改；详见“填报说明”工作表。"
    )
    sheet["A2"].alignment = wrap
    sheet.merge_cells(f"A2:{last_col}2")
    sheet["A3"] = xlsx(form.identity)
    sheet["A3"].font = Font(size=8, color="808080")
    sheet.merge_cells(f"A3:{last_col}3")
    sheet.row_dimensions[2].height = 30

    for column, header in enumerate(HEADERS, 1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=header)
        cell.font, cell.fill, cell.alignment, cell.border = bold, head_fill, centre, box

    date_column = HEADERS.index("完成日期") + 1
    for r, row in enumerate(form.rows, FIRST_ROW):
        facts: tuple[int | str | dt.date, ...] = (
            row.task.id,
            xlsx(row.task.title),
            ROLE_LABELS[row.role],
            # An ongoing task's: its words (持续推进), as text.
            row.deadline
            if row.deadline is not None
            else xlsx(row.task.deadline_text or NO_DEADLINE),
            LABELS[row.status],
        )
        for column, value in enumerate(facts, 1):
            cell = sheet.cell(row=r, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text, even one starting with =
            cell.fill, cell.border = grey, box
            cell.alignment = wrap if HEADERS[column - 1] == "措施" else top
            if HEADERS[column - 1] == "完成时限" and isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
        for column in range(len(FACTS) + 1, len(HEADERS) + 1):
            answer = sheet.cell(row=r, column=column)
            cell = answer  # type: ignore[assignment]  # a merged cell is never one of these
            cell.protection, cell.fill, cell.border = open_cell, answer_fill, box
            cell.alignment = wrap if HEADERS[column - 1] in ("进展情况", "依据") else top
            if column == date_column:
                cell.number_format = DATE_FORMAT

    for column, header in enumerate(HEADERS, 1):
        sheet.column_dimensions[get_column_letter(column)].width = WIDTHS[header]

    if form.rows:
        end = FIRST_ROW + len(form.rows) - 1
        status_col = get_column_letter(HEADERS.index("状态") + 1)
        choose = DataValidation(
            type="list",
            formula1='"' + ",".join(CHOICES) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="状态",
            error="请从下拉列表中选择：" + "、".join(CHOICES),
            promptTitle="状态",
            prompt="本期无变化可留空",
            showInputMessage=True,
        )
        choose.add(f"{status_col}{FIRST_ROW}:{status_col}{end}")
        date_col = get_column_letter(date_column)
        day = DataValidation(
            type="date",
            operator="between",
            formula1="DATE(1900,1,1)",
            formula2="DATE(2999,12,31)",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="完成日期",
            error="请填写日期，如 2020-06-30",
        )
        day.add(f"{date_col}{FIRST_ROW}:{date_col}{end}")
        sheet.add_data_validation(choose)
        sheet.add_data_validation(day)

    sheet.freeze_panes = f"C{FIRST_ROW}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]
    # Locked cells stay locked, open ones take answers; columns and rows may be resized.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False

    guide: Worksheet = book.create_sheet(GUIDE_SHEET)
    for r, (number, text) in enumerate(GUIDE, 1):
        guide.cell(row=r, column=1, value=number)
        guide.cell(row=r, column=2, value=text).alignment = wrap
    guide["A1"].font = Font(bold=True, size=14)
    guide.column_dimensions["A"].width = 10
    guide.column_dimensions["B"].width = 90
    guide.protection.sheet = True

    meta: Worksheet = book.create_sheet(META_SHEET)
    meta.append([MARK, FORM_VERSION])
    meta.append(["identity", xlsx(form.identity)])
    meta.append(["list-sha256", form.list_sha256])
    meta.append(["agency", xlsx(form.agency)])
    meta.append(["as-of", form.as_of.isoformat()])
    meta.append(["answers", ",".join(ANSWERS)])
    meta.append(["row", "task"])
    for r, row in enumerate(form.rows, FIRST_ROW):
        meta.append([r, row.task.id])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True

    book.active = 0
    book.security = WorkbookProtection(lockStructure=True)

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
