"""Rows and columns, rendered as a terminal table, TSV, CSV, JSON, Markdown or ids."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Literal

from szbiz.render import Registry

Justify = Literal["left", "right", "center"]


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # shown by the table and Markdown
    justify: Justify = "left"
    table: bool = True  # a column of the terminal table and Markdown
    text: bool = True  # a column of TSV and CSV
    flexible: bool = False  # the table narrows this column (cutting with …) to fit
    # Its value in a row made by ``rows_of``: the item's attribute of this dotted name (its
    # key if none), or what this function makes of the item.
    source: str | Callable[[Any], Any] = ""
    # The key of the row whose value the table, Markdown, TSV and CSV show where this
    # column's is None; JSON keeps the None (an ongoing task's deadline: its text).
    instead: str = ""


@dataclass(frozen=True)
class Sheet:
    columns: tuple[Column, ...]
    rows: tuple[dict[str, Any], ...]
    footer: str = ""
    id_key: str = "id"  # the column ``ids`` prints: what names a row for xargs


def rows_of(columns: Sequence[Column], items: Iterable[Any]) -> tuple[dict[str, Any], ...]:
    values = [
        (c.key, attrgetter(c.source or c.key) if isinstance(c.source, str) else c.source)
        for c in columns
    ]
    return tuple({key: value(item) for key, value in values} for item in items)


@dataclass(frozen=True)
class Style:
    width: int = 100
    color: bool = False
    # Rules, bars and lights in characters every console shows (``szbiz.render.table.PLAIN``):
    # for one whose encoding is not Unicode, such as GBK (code page 936).
    plain: bool = False


Renderer = Callable[[Sheet, Style], str]
SHEET_FORMATS: Registry[Renderer] = Registry()


def cell(value: Any) -> str:
    """A value as text: lists joined with 、, dates as YYYY-MM-DD, nothing as ''."""
    if type(value) is str:  # the common case first: most cells are text
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return "、".join(cell(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _value(row: dict[str, Any], key: str, instead: str) -> Any:
    """The row's value of ``key``, or where it is None and ``instead`` names a key, that one's."""
    value = row.get(key)
    return row.get(instead) if value is None and instead else value


READABLE_ROWS = 1000


def to_json(data: Any, rows: int, default: Callable[[Any], Any] | None = None) -> str:
    """JSON indented for reading, or compact past READABLE_ROWS rows: Python indents without
    its C encoder, which took over a second for a report of 46,000 overdue tasks. The data
    stays exact; characters that would drive a terminal are written as ``\\u`` escapes
    (``szbiz.render.safe.json``)."""
    import json

    from szbiz.render import safe

    indent = 2 if rows <= READABLE_ROWS else None
    return safe.json(json.dumps(data, ensure_ascii=False, indent=indent, default=default)) + "\n"


def percent(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a whole percent, halves rounded up: 1 of 8 is ``13%``."""
    if whole <= 0:
        return "–"
    return f"{(200 * part + whole) // (2 * whole)}%"


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


@SHEET_FORMATS.register("table")
def table(sheet: Sheet, style: Style) -> str:
    from szbiz.render.table import Col, draw

    shown = [c for c in sheet.columns if c.table]
    cells = [[cell(_value(row, c.key, c.instead)) for row in sheet.rows] for c in shown]
    columns = [Col(c.header, c.justify, flexible=c.flexible) for c in shown]
    return draw(columns, cells, style.width, style.color, footer=sheet.footer, plain=style.plain)


def _text_rows(sheet: Sheet) -> list[list[str]]:
    """TSV's and CSV's rows: the keys of their columns, then each row's cells, text guarded."""
    from szbiz.render.cells import TEXT, text_cell

    shown = [c for c in sheet.columns if c.text]
    rows = [
        [
            text_cell(v) if type(v) in TEXT else cell(v)
            for v in (_value(row, c.key, c.instead) for c in shown)
        ]
        for row in sheet.rows
    ]
    return [[c.key for c in shown], *rows]


def _flat(text: str) -> str:
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")


@SHEET_FORMATS.register("tsv")
def tsv(sheet: Sheet, style: Style) -> str:
    """Tab-separated with a header row, for cut, awk and pasting into Excel."""
    return "".join("\t".join(map(_flat, cells)) + "\n" for cells in _text_rows(sheet))


@SHEET_FORMATS.register("csv")
def as_csv(sheet: Sheet, style: Style) -> str:
    import csv

    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(_text_rows(sheet))
    return out.getvalue()


@SHEET_FORMATS.register("json")
def as_json(sheet: Sheet, style: Style) -> str:
    shown = [c.key for c in sheet.columns if c.text]
    rows = [{key: row.get(key) for key in shown} for row in sheet.rows]
    return to_json(rows, len(rows), default=_json_default)


def md_cell(value: Any) -> str:
    from szbiz.render.safe import markdown

    return markdown(cell(value))


def md_row(values: Sequence[Any]) -> str:
    return "| " + " | ".join(md_cell(v) for v in values) + " |"


MD_ALIGN = {"left": ":--", "right": "--:", "center": ":-:"}


@SHEET_FORMATS.register("md")
def markdown(sheet: Sheet, style: Style) -> str:
    from szbiz.render.safe import terminal

    shown = [c for c in sheet.columns if c.table]
    lines = [md_row([c.header for c in shown]), md_row([MD_ALIGN[c.justify] for c in shown])]
    lines += [md_row([_value(row, c.key, c.instead) for c in shown]) for row in sheet.rows]
    if sheet.footer:
        lines += ["", terminal(sheet.footer)]
    return "\n".join(lines) + "\n"


@SHEET_FORMATS.register("ids")
def ids(sheet: Sheet, style: Style) -> str:
    """What names each row (a task id, an agency, an area number) once a line, for xargs."""
    from szbiz.render.safe import terminal

    seen = dict.fromkeys(cell(row.get(sheet.id_key)) for row in sheet.rows)
    return "".join(f"{terminal(value)}\n" for value in seen if value)


def render(name: str, sheet: Sheet, style: Style) -> str:
    return SHEET_FORMATS[name](sheet, style)
