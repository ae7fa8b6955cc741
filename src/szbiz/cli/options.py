"""Options declared once and shared by every command that takes them."""

from __future__ import annotations

import dataclasses
import functools
import inspect
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import MISSING, dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_type_hints

import typer

from szbiz.cli.root import completing, say, unicode_output, write
from szbiz.i18n import N_, _
from szbiz.model import Role
from szbiz.query import STATUS_CHOICES

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


OutputFormat = Literal["table", "tsv", "json", "csv", "md", "ids"]

JsonOption = Annotated[bool, typer.Option("--json", help=N_("Same as --format json."))]


def _task_list() -> Any:
    """The list in use, for completion: None if it cannot be read (a completion says nothing)."""
    from szbiz import cache
    from szbiz.settings import resolve

    try:
        return cache.tasks(resolve(None, None).tasks)
    except Exception:  # a shell asking for candidates gets none, not a traceback
        return None


def complete_agency(incomplete: str) -> list[str]:
    """Candidates for --agency: the canonical names and pinyin codes starting with what was
    typed."""
    tasks = _task_list()
    if tasks is None:
        return []
    names = [a.name for a in tasks.agencies] + sorted({a.code for a in tasks.agencies if a.code})
    return [name for name in names if name.startswith(incomplete)]


def complete_area(incomplete: str) -> list[tuple[str, str]]:
    """Candidates for --area: the area numbers starting with what was typed, each with its
    name as the help a shell shows beside it."""
    tasks = _task_list()
    if tasks is None:
        return []
    return [(str(a.number), a.name) for a in tasks.areas if str(a.number).startswith(incomplete)]


def when_completing(function: Callable[[str], Any]) -> Callable[[str], Any] | None:
    """``function`` when this run answers a completion request, else None: typer inspects
    each completion function as it builds the command, at a cost to every start."""
    return function if completing() else None


AgencyOption = Annotated[
    list[str] | None,
    typer.Option(
        "--agency",
        "-a",
        autocompletion=when_completing(complete_agency),
        help=N_(
            "An agency: name, alias, part of the name (税务) or pinyin code (swj). Repeatable: "
            "any of them."
        ),
    ),
]
RoleOption = Annotated[
    Role, typer.Option("--role", help=N_("With --agency: as lead, as support, or any."))
]
AreaOption = Annotated[
    list[str] | None,
    typer.Option(
        "--area",
        autocompletion=when_completing(complete_area),
        help=N_("An area by number or a unique part of its name. Repeatable: any of them."),
    ),
]


def as_of_callback(ctx: typer.Context, param: typer.CallbackParam, value: str | None) -> str | None:
    """Check --as-of (or SZBIZ_TODAY) as it is read, so that an error names where it came from."""
    if value is not None:
        from szbiz.dates import today
        from szbiz.query import date_value

        source = ctx.get_parameter_source(param.name or "")
        where = "SZBIZ_TODAY" if source is not None and source.name == "ENVIRONMENT" else "--as-of"
        date_value(value, today(), where)
    return value


MAX_COUNT = 10**18 - 1  # 18 digits: more than any id, day or task, short of int()'s limit


def count(option: str, unit: str) -> Callable[[str | int], int]:
    """A parser for a whole number of ``unit`` from 0 to MAX_COUNT typed for ``option``
    (typer hands it the option's default as it is)."""

    def parse(text: str | int) -> int:
        from szbiz.dates import shown
        from szbiz.errors import UsageError

        if isinstance(text, int):
            return text
        value = text.strip()
        if not (value.isascii() and value.isdigit()):
            raise UsageError(
                _("{option} {value!r} is not a number of {unit}; give 0 or more").format(
                    option=option, value=shown(text), unit=_(unit)
                )
            )
        if len(value) > len(str(MAX_COUNT)):
            raise UsageError(
                _("{option} {value}: a number of {digits} digits; give 0 to {most} {unit}").format(
                    option=option,
                    value=shown(value),
                    digits=len(value),
                    most=MAX_COUNT,
                    unit=_(unit),
                )
            )
        return int(value)

    return parse


def is_terminal() -> bool:
    return sys.stdout.isatty()


def colour() -> bool:
    """Colour only on a terminal that shows it: never with NO_COLOR set to anything but
    the empty string (no-color.org), nor on a dumb one (TERM=dumb, as Emacs's shell sets)."""
    if not is_terminal() or os.environ.get("NO_COLOR", "") or os.environ.get("TERM") == "dumb":
        return False
    if sys.platform != "win32":
        return True
    # Windows: ask the console to interpret colour codes; False where it cannot.
    import ctypes

    kernel32 = ctypes.windll.kernel32
    handle = kernel32.GetStdHandle(-11)  # standard output
    mode = ctypes.c_uint32()
    if not kernel32.GetConsoleMode(handle, ctypes.byref(mode)):
        return False
    return bool(kernel32.SetConsoleMode(handle, mode.value | 0x0004))  # VT processing


def style() -> Style:
    """How output looks here: the terminal's width (or COLUMNS), colour where it shows, and
    plain rules, bars and lights where stdout's encoding is not Unicode (GBK)."""
    from szbiz.render.sheet import Style

    width = shutil.get_terminal_size((100, 24)).columns
    return Style(width=width, color=colour(), plain=not unicode_output())


@dataclass
class Output:
    """--format and --json: how a command prints its sheet."""

    fmt: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            "-f",
            help=N_(
                "Output format. Default: table on a terminal, tsv (with a header row) in a pipe."
            ),
        ),
    ] = None
    as_json: JsonOption = False

    def emit(self, sheet: Sheet, empty: str = N_("no tasks match")) -> None:
        """Print ``sheet`` in the chosen format; say ``empty`` (a message id) on stderr when it
        has no rows."""
        from szbiz.render.sheet import render

        default = "table" if is_terminal() else "tsv"
        name = "json" if self.as_json else (self.fmt or default)
        if not sheet.rows:
            say(_(empty))
            if name == "json":
                write("[]\n")
            return
        write(render(name, sheet, style()))


def option_groups(command: Callable[..., None]) -> Callable[..., None]:
    """Let ``command`` take a group of options, a dataclass of them, as one parameter.

    Typer sees the group's fields as options of their own, declared once for
    every command that takes the group; the command gets them back as one object.
    """
    hints = get_type_hints(command, include_extras=True)
    groups: dict[str, Any] = {}
    params: list[inspect.Parameter] = []
    kind = inspect.Parameter.KEYWORD_ONLY  # typer passes every value by name
    for param in inspect.signature(command).parameters.values():
        hint = hints[param.name]
        if not dataclasses.is_dataclass(hint):
            params.append(param.replace(kind=kind, annotation=hint))
            continue
        groups[param.name] = hint
        fields = get_type_hints(hint, include_extras=True)
        for field in dataclasses.fields(hint):
            default = inspect.Parameter.empty if field.default is MISSING else field.default
            params.append(
                inspect.Parameter(field.name, kind, default=default, annotation=fields[field.name])
            )

    @functools.wraps(command)
    def with_groups(**values: Any) -> None:
        for name, group in groups.items():
            fields = dataclasses.fields(group)
            values[name] = group(**{field.name: values.pop(field.name) for field in fields})
        command(**values)

    with_groups.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    return with_groups
