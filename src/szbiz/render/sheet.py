"""Rows and columns, rendered as a terminal table, TSV, CSV, JSON, Markdown or ids."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
    max_width: int | None = None


@dataclass(frozen=True)
class Sheet:
    columns: tuple[Column, ...]
    rows: tuple[dict[str, Any], ...]
    footer: str = ""


@dataclass(frozen=True)
class Style:
    width: int = 100
    color: bool = False


Renderer = Callable[[Sheet, Style], str]
SHEET_FORMATS: Registry[Renderer] = Registry("output")


def cell(value: Any) -> str:
    """A value as text: lists joined with 、, dates as YYYY-MM-DD, nothing as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return "、".join(cell(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def print_rich(renderable: Any, style: Style) -> str:
    """A rich renderable as text at the style's width, with colour codes only if asked."""
    from rich.console import Console

    out = io.StringIO()
    console = Console(
        file=out,
        width=style.width,
        force_terminal=style.color,
        color_system="standard" if style.color else None,
        no_color=not style.color,
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )
    console.print(renderable)
    # Rich pads every line to the full width; trailing spaces only get in the way.
    return "".join(line.rstrip() + "\n" for line in out.getvalue().splitlines())


@SHEET_FORMATS.register("table")
def table(sheet: Sheet, style: Style) -> str:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    grid = Table(
        box=box.SIMPLE_HEAD,
        header_style="bold" if style.color else "",
        caption=Text(sheet.footer) if sheet.footer else None,
        caption_justify="left",
        caption_style="dim" if style.color else "",
        pad_edge=False,
        show_edge=False,
        expand=False,
    )
    shown = [c for c in sheet.columns if c.table]
    for column in shown:
        # Only flexible columns give up width; every cell stays on one line.
        grid.add_column(
            column.header,
            justify=column.justify,
            no_wrap=not column.flexible,
            max_width=column.max_width,
        )
    for row in sheet.rows:
        grid.add_row(
            *(Text(cell(row.get(c.key)), no_wrap=True, overflow="ellipsis") for c in shown)
        )
    return print_rich(grid, style)


def _flat(value: Any) -> str:
    return cell(value).replace("\t", " ").replace("\r", " ").replace("\n", " ")


@SHEET_FORMATS.register("tsv")
def tsv(sheet: Sheet, style: Style) -> str:
    """Tab-separated with a header row, for cut, awk and pasting into Excel."""
    shown = [c for c in sheet.columns if c.text]
    lines = ["\t".join(c.key for c in shown)]
    lines += ["\t".join(_flat(row.get(c.key)) for c in shown) for row in sheet.rows]
    return "\n".join(lines) + "\n"


@SHEET_FORMATS.register("csv")
def as_csv(sheet: Sheet, style: Style) -> str:
    import csv

    shown = [c for c in sheet.columns if c.text]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.key for c in shown])
    for row in sheet.rows:
        writer.writerow([cell(row.get(c.key)) for c in shown])
    return out.getvalue()


@SHEET_FORMATS.register("json")
def as_json(sheet: Sheet, style: Style) -> str:
    import json

    shown = [c.key for c in sheet.columns if c.text]
    rows = [{key: row.get(key) for key in shown} for row in sheet.rows]
    return json.dumps(rows, ensure_ascii=False, indent=2, default=_json_default) + "\n"


def _md(value: Any) -> str:
    return _flat(value).replace("|", "\\|")


@SHEET_FORMATS.register("md")
def markdown(sheet: Sheet, style: Style) -> str:
    shown = [c for c in sheet.columns if c.table]
    align = {"left": ":--", "right": "--:", "center": ":-:"}
    lines = [
        "| " + " | ".join(c.header for c in shown) + " |",
        "| " + " | ".join(align[c.justify] for c in shown) + " |",
    ]
    lines += ["| " + " | ".join(_md(row.get(c.key)) for c in shown) + " |" for row in sheet.rows]
    if sheet.footer:
        lines += ["", sheet.footer]
    return "\n".join(lines) + "\n"


@SHEET_FORMATS.register("ids")
def ids(sheet: Sheet, style: Style) -> str:
    """One id a line, for xargs."""
    return "".join(f"{row['id']}\n" for row in sheet.rows if "id" in row)


def render(name: str, sheet: Sheet, style: Style) -> str:
    return SHEET_FORMATS[name](sheet, style)


def keys(columns: Sequence[Column]) -> list[str]:
    return [c.key for c in columns]
