"""Options declared once and shared by every command that takes them."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from szbiz.cli.root import say, write
from szbiz.errors import UsageError
from szbiz.model import Role
from szbiz.query import STATUS_CHOICES, SortKey

if TYPE_CHECKING:
    from szbiz.render.sheet import Sheet, Style


class StateChoice(StrEnum):
    TODO = "todo"
    DOING = "doing"
    DONE = "done"
    BLOCKED = "blocked"
    DROPPED = "dropped"
    OVERDUE = "overdue"


assert tuple(StateChoice) == STATUS_CHOICES


class OutputFormat(StrEnum):
    TABLE = "table"
    TSV = "tsv"
    JSON = "json"
    CSV = "csv"
    MD = "md"
    IDS = "ids"


FormatOption = Annotated[
    OutputFormat | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format. Default: table on a terminal, tsv (with a header row) in a pipe.",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Same as --format json.")]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        envvar="SZBIZ_TODAY",
        help="Show the list as it stood on this day (default: today in Asia/Shanghai; "
        "env SZBIZ_TODAY).",
    ),
]
AgencyOption = Annotated[
    list[str] | None,
    typer.Option(
        "--agency",
        "-a",
        help="An agency: name, alias, part of the name (税务) or pinyin code (swj). Repeatable: "
        "any of them.",
    ),
]
RoleOption = Annotated[
    Role, typer.Option("--role", help="With --agency: as lead, as support, or any.")
]
AreaOption = Annotated[
    list[str] | None,
    typer.Option(
        "--area",
        help="An area by number or a unique part of its name. Repeatable: any of them.",
    ),
]
SortOption = Annotated[SortKey, typer.Option("--sort", help="Order of the rows.")]
StatusOption = Annotated[
    list[StateChoice] | None,
    typer.Option("--status", "-s", help="Repeatable: any of them."),
]
SearchOption = Annotated[
    str | None,
    typer.Option("--search", "-q", help="Words that must all appear in the measure."),
]
IdsOption = Annotated[str | None, typer.Option("--ids", help="Ids and ranges, e.g. 1-16,42.")]
DueBeforeOption = Annotated[
    str | None,
    typer.Option("--due-before", help="Deadline on or before this day."),
]
DueAfterOption = Annotated[
    str | None,
    typer.Option("--due-after", help="Deadline on or after this day."),
]


def date_value(text: str, base: dt.date) -> dt.date:
    from szbiz.dates import DateError, parse_date

    try:
        return parse_date(text, base)
    except DateError as exc:
        raise UsageError(str(exc)) from None


def as_of_day(text: str | None) -> dt.date:
    from szbiz.dates import today

    base = today()
    return base if text is None else date_value(text, base)


def is_terminal() -> bool:
    return sys.stdout.isatty()


def colour() -> bool:
    """Colour only on a terminal that shows it, and never with NO_COLOR set."""
    if not is_terminal() or "NO_COLOR" in os.environ:
        return False
    return sys.platform != "win32" or _windows_escape_codes()


def _windows_escape_codes() -> bool:  # pragma: no cover - Windows only
    """Ask the Windows console to interpret colour codes; False where it cannot."""
    if sys.platform != "win32":
        return True
    import ctypes

    kernel32 = ctypes.windll.kernel32
    handle = kernel32.GetStdHandle(-11)  # standard output
    mode = ctypes.c_uint32()
    if not kernel32.GetConsoleMode(handle, ctypes.byref(mode)):
        return False
    return bool(kernel32.SetConsoleMode(handle, mode.value | 0x0004))  # VT processing


def style() -> Style:
    """How output looks here: the terminal's width (or COLUMNS), colour where it shows."""
    from szbiz.render.sheet import Style

    width = shutil.get_terminal_size((100, 24)).columns
    return Style(width=width, color=colour())


def emit_sheet(
    sheet: Sheet, fmt: OutputFormat | None, as_json: bool, empty: str = "no tasks match"
) -> None:
    """Print a sheet in the chosen format; say ``empty`` on stderr when it has no rows."""
    from szbiz.render.sheet import render

    terminal = is_terminal()
    name = "json" if as_json else (fmt.value if fmt else ("table" if terminal else "tsv"))
    if not sheet.rows:
        say(empty)
        if name == "json":
            write("[]\n")
        return
    write(render(name, sheet, style()))
