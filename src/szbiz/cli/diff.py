"""Comparing two task lists: which new tasks continue old ones, which are new, which were
dropped."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from szbiz.cli.options import style
from szbiz.cli.root import app, say, write, write_file
from szbiz.errors import SzbizError, UsageError
from szbiz.i18n import N_, _

if TYPE_CHECKING:
    from szbiz.model import TaskList

DiffFormat = Literal["table", "json", "csv"]


class Shown(StrEnum):
    ALL = "all"
    SAME = "same"
    CHANGED = "changed"
    NEW = "new"
    DROPPED = "dropped"


def list_path(argument: str) -> Path:
    """The task list file an OLD or NEW argument names: a path, or else the key of a list
    the nearest szbiz.toml names (``szbiz diff 2020 2021``)."""
    path = Path(argument)
    if path.exists() or path.is_symlink():
        return path
    from szbiz.settings import lists

    named = lists()
    return named[argument][0] if argument in named else path


def _load(path: Path) -> TaskList:
    from szbiz import cache

    return cache.tasks(path)


def _in_use(old: Path, new: Path) -> tuple[tuple[str, Path], ...]:
    """The files an output must not replace: the two lists compared, and the list and
    ledger in use (none of those when the settings are broken: diff does not need them)."""
    from szbiz.settings import resolve

    files = ((_("the old task list"), old), (_("the new task list"), new))
    try:
        chosen = resolve()
    except SzbizError:
        return files
    return (
        *files,
        (_("the task list in use"), chosen.tasks),
        (_("the progress ledger in use"), chosen.ledger),
    )


def _check_output(option: str, target: Path, in_use: tuple[tuple[str, Path], ...]) -> None:
    """Refuse, before any work, a file that could not be written or that is being read."""
    from szbiz.files import same_file, write_target

    for what, path in in_use:
        if same_file(target, path):
            raise UsageError(
                _("{option} {path} is {what}; choose another file").format(
                    option=option, path=target, what=what
                )
            )
    write_target(target)


def similarity() -> Callable[[str | float], float]:
    """A parser of --threshold: a number from 0 to 1 (typer hands the default as it is).
    Its help shows the value as ``0-1``."""

    def parse(text: str | float) -> float:
        if isinstance(text, float):
            return text
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not 0.0 <= value <= 1.0:  # NaN too
            from szbiz.dates import shown

            raise UsageError(
                _("--threshold {value}: give a similarity from 0 to 1, e.g. 0.6").format(
                    value=shown(text)
                )
            )
        return value

    return parse


@app.command()
def diff(
    old: Annotated[
        str,
        typer.Argument(
            metavar=N_("OLD"),
            help=N_("The earlier task list: a YAML file, or a key of szbiz.toml's lists."),
        ),
    ],
    new: Annotated[
        str,
        typer.Argument(
            metavar=N_("NEW"),
            help=N_("The later task list: a YAML file, or a key of szbiz.toml's lists."),
        ),
    ],
    fmt: Annotated[DiffFormat, typer.Option("--format", "-f", help=N_("Output format."))] = "table",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            readable=False,  # szbiz.files says what is wrong with a file it cannot write
            help=N_("Write here, atomically; default or '-': stdout."),
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--map",
            readable=False,
            help=N_(
                "Also write the mapping for review here: CSV (UTF-8 with BOM), or xlsx when "
                "the name ends in .xlsx; its column 确认 is left blank."
            ),
        ),
    ] = None,
    threshold: Annotated[
        float,
        typer.Option(
            "--threshold",
            parser=similarity(),
            metavar="0-1",
            help=N_("The least similarity (0 to 1) for a new task to continue an old one."),
        ),
    ] = 0.6,
    show: Annotated[
        list[Shown] | None,
        typer.Option(
            "--show", help=N_("Which rows to show (repeatable): all, same, changed, new, dropped.")
        ),
    ] = None,
    exit_code: Annotated[
        bool,
        typer.Option(
            "--exit-code",
            help=N_("Exit 1 when the lists differ (as git diff --exit-code); else 0."),
        ),
    ] = False,
) -> None:
    """Which tasks of NEW continue tasks of OLD, which are new, which were dropped.

    Tasks are paired by their measure text (whitespace and punctuation ignored,
    full-width folded), and a little by the same agencies and area: the
    similarity is 0.85 x text + 0.10 x agencies + 0.05 x area, 1.0 for the same
    text. Each new task continues at most one old task, the most similar pairs
    first. Exit codes: 0 compared (with --exit-code: 1 when they differ), 1 a
    list that cannot be read or a file that cannot be written, 2 usage.
    """
    from szbiz.diff import Change
    from szbiz.diff import diff as compare
    from szbiz.render import diff as render

    old_path, new_path = list_path(old), list_path(new)
    if output == Path("-"):
        output = None
    if output is not None and output.suffix.lower() == ".xlsx":
        raise UsageError(_("-o writes table, json or csv; write xlsx with --map FILE.xlsx"))
    # Fail before any work if a file could not be written where asked, or is one being read.
    in_use = _in_use(old_path, new_path) if output or mapping else ()
    for option, target in (("-o", output), ("--map", mapping)):
        if target is not None:
            _check_output(option, target, in_use)
    if output is not None and mapping is not None:
        from szbiz.files import same_file

        if same_file(output, mapping) or output == mapping:
            raise UsageError(_("-o and --map name one file; choose two"))

    result = compare(_load(old_path), _load(new_path), threshold)

    chosen = {s.value for s in show or [Shown.ALL]}
    if Shown.ALL in chosen:
        shown = result.matches
    else:
        shown = tuple(m for m in result.matches if m.change.value in chosen)
    if fmt == "csv":
        data = render.diff_csv(shown)
    elif fmt == "json":
        data = render.diff_json(result, shown, (str(old_path), str(new_path))).encode("utf-8")
    else:
        look = style()
        if output is not None:
            from dataclasses import replace

            look = replace(look, color=False)
        data = render.diff_table(result, shown, look).encode("utf-8")

    if mapping is not None:
        if mapping.suffix.lower() == ".xlsx":
            try:
                table = render.map_xlsx(result)
            except ModuleNotFoundError as exc:
                if exc.name != "openpyxl":
                    raise
                raise SzbizError(
                    _('{format} export needs {module}: pip install "szbiz[{extra}]"').format(
                        format="xlsx", module="openpyxl", extra="xlsx"
                    )
                ) from None
        else:
            table = render.map_csv(result)
        write_file(mapping, table)
        say(
            _("wrote the mapping of {count} rows to {path}").format(
                count=len(result.matches), path=mapping
            )
        )

    if output is not None:
        write_file(output, data)
        say(_("wrote the comparison to {path}").format(path=output))
    elif fmt == "table":
        write(data.decode("utf-8"))
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()

    if exit_code and any(m.change is not Change.SAME or m.fields for m in result.matches):
        raise typer.Exit(1)
