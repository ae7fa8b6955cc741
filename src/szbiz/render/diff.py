"""The diff of two task lists as a terminal table, JSON or CSV, and the mapping file the
office reviews (CSV or xlsx).

JSON (the same in every language)::

    {"old": {"path", "title", "year", "tasks"}, "new": {…}, "threshold": 0.6,
     "summary": {"same", "changed", "new", "dropped"},
     "matches": [{"new": 12, "old": 11, "similarity": 0.8731, "class": "changed",
                  "fields": ["lead"]}, …],
     "new_tasks": [13, …], "dropped": [11, …]}

``matches`` holds the pairs (same and changed) by new id; ``fields`` names what
changed besides the measure: ``lead``, ``support``, ``deadline``, ``area``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from szbiz.diff import Change, Diff, Field, Match
from szbiz.i18n import _
from szbiz.render.cells import guard
from szbiz.render.sheet import Column, Sheet, Style, table, to_json
from szbiz.render.table import line

# How a change and a changed field are said in the table and the mapping file: in the
# document's Chinese, whatever the language, as every table's statuses and headers are.
CHANGE_LABELS = {
    Change.SAME: "相同",
    Change.CHANGED: "调整",
    Change.NEW: "新增",
    Change.DROPPED: "取消",
}
FIELD_LABELS = {
    Field.LEAD: "牵头单位",
    Field.SUPPORT: "责任单位",
    Field.DEADLINE: "完成时限",
    Field.AREA: "所属领域",
}

COLUMNS = (
    Column("new", "新序号", justify="right"),
    Column("old", "原序号", justify="right"),
    Column("similarity", "相似度", justify="right"),
    Column("change", "变化"),
    Column("measure", "措施", flexible=True),
    Column("fields", "变化的字段", flexible=True),
)
MAP_HEADERS = ("新序号", "原序号", "相似度", "变化", "新措施", "原措施", "确认")
CSV_HEADERS = ("new", "old", "similarity", "class", "fields", "new_measure", "old_measure")


def percent(similarity: float) -> str:
    """``87%``, rounded down: only the same text shows ``100%``."""
    return f"{int(similarity * 100 + 1e-9)}%"


def _id(match: Match, side: str) -> int | None:
    task = match.new if side == "new" else match.old
    return task.id if task is not None else None


def _measure(match: Match) -> str:
    task = match.new if match.new is not None else match.old
    assert task is not None
    return task.title


def summary(result: Diff) -> str:
    """``210 old, 210 new: 195 same, 10 changed, 5 new, 5 dropped``."""
    return _(
        "{old} old, {new} new: {same} same, {changed} changed, {added} new, {dropped} dropped"
    ).format(
        old=len(result.old.tasks),
        new=len(result.new.tasks),
        same=result.count(Change.SAME),
        changed=result.count(Change.CHANGED),
        added=result.count(Change.NEW),
        dropped=result.count(Change.DROPPED),
    )


def diff_table(result: Diff, shown: Sequence[Match], style: Style) -> str:
    """The rows ``shown`` under the document's headers, then the summary line; only the
    summary when no row is shown (``--show changed`` of two lists that are the same)."""
    if not shown:
        return line(summary(result))
    rows = tuple(
        {
            "new": _id(m, "new"),
            "old": _id(m, "old"),
            "similarity": percent(m.similarity) if m.old and m.new else "",
            "change": CHANGE_LABELS[m.change],
            "measure": _measure(m),
            "fields": "、".join(FIELD_LABELS[f] for f in m.fields),
        }
        for m in shown
    )
    return table(Sheet(COLUMNS, rows, summary(result)), style)


def _side(result: Diff, old: bool, path: str) -> dict[str, Any]:
    tasks = result.old if old else result.new
    return {
        "path": path,
        "title": tasks.document.title,
        "year": tasks.document.year,
        "tasks": len(tasks.tasks),
    }


def diff_json(result: Diff, shown: Sequence[Match], paths: tuple[str, str]) -> str:
    matches = [
        {
            "new": _id(m, "new"),
            "old": _id(m, "old"),
            "similarity": round(m.similarity, 4),
            "class": m.change.value,
            "fields": [f.value for f in m.fields],
        }
        for m in shown
        if m.old is not None and m.new is not None
    ]
    data = {
        "old": _side(result, True, paths[0]),
        "new": _side(result, False, paths[1]),
        "threshold": result.threshold,
        "summary": {c.value: result.count(c) for c in Change},
        "matches": matches,
        "new_tasks": [_id(m, "new") for m in shown if m.change is Change.NEW],
        "dropped": [_id(m, "old") for m in shown if m.change is Change.DROPPED],
    }
    return to_json(data, len(shown))


def _csv(rows: list[Sequence[object]]) -> bytes:
    """UTF-8 with a byte-order mark (Excel on Chinese Windows needs it); text guarded."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([guard(v) if isinstance(v, str) else v for v in row])
    return out.getvalue().encode("utf-8-sig")


def _similarity(match: Match) -> float | None:
    return round(match.similarity, 4) if match.old and match.new else None


def _text(match: Match, side: str) -> str:
    task = match.new if side == "new" else match.old
    return task.measure if task is not None else ""


def diff_csv(shown: Sequence[Match]) -> bytes:
    rows: list[Sequence[object]] = [CSV_HEADERS]
    for m in shown:
        rows.append(
            (
                _id(m, "new"),
                _id(m, "old"),
                _similarity(m),
                m.change.value,
                ",".join(f.value for f in m.fields),
                _text(m, "new"),
                _text(m, "old"),
            )
        )
    return _csv(rows)


def _map_row(match: Match) -> tuple[int | float | str | None, ...]:
    return (
        _id(match, "new"),
        _id(match, "old"),
        _similarity(match),
        CHANGE_LABELS[match.change],
        _text(match, "new"),
        _text(match, "old"),
        None,
    )


def map_csv(result: Diff) -> bytes:
    """The mapping for the office to review: every pair, new and dropped task; 确认 blank."""
    return _csv([MAP_HEADERS, *map(_map_row, result.matches)])


def map_xlsx(result: Diff) -> bytes:
    """The mapping as an Excel workbook: a frozen, filterable header; measures wrapped."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from szbiz.render.cells import runs_as_formula
    from szbiz.render.safe import xlsx

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "对照表"
    book.properties.creator = "szbiz"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="D9E1F2")
    for col, header in enumerate(MAP_HEADERS, 1):
        cell = sheet.cell(row=1, column=col, value=header)
        cell.font, cell.fill = bold, fill
    wrap = Alignment(vertical="top", wrap_text=True)
    for r, match in enumerate(result.matches, 2):
        for col, value in enumerate(_map_row(match), 1):
            if isinstance(value, str):
                value = xlsx(value)
            cell = sheet.cell(row=r, column=col, value=value if value != "" else None)
            if isinstance(value, str) and value:
                cell.data_type = "s"  # text stays text, even =HYPERLINK(…)
                if runs_as_formula(value):
                    cell.quotePrefix = True
                cell.alignment = wrap
    for col, width in enumerate((8, 8, 8, 8, 60, 60, 10), 1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(MAP_HEADERS))}{len(result.matches) + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
