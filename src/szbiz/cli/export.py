"""Exporting: the tasks as a file for Excel, a calendar, a browser or a script."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal, get_args

import typer

from szbiz.cli.context import Listing, Scope
from szbiz.cli.options import is_terminal, option_groups
from szbiz.cli.root import app, check_output, say, write_file
from szbiz.errors import SzbizError, UsageError
from szbiz.i18n import N_, _, ngettext

ExportFormat = Literal["csv", "xlsx", "json", "md", "ics", "html"]
SUFFIXES: dict[str, ExportFormat] = {f".{f}": f for f in get_args(ExportFormat)} | {".htm": "html"}


@app.command()
@option_groups
def export(
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help=N_("File format. Default: from the extension of the -o file."),
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            readable=False,  # szbiz.files says what is wrong with a file it cannot write
            help=N_(
                "Write here, atomically (the old file stays whole on failure); "
                "default or '-': stdout."
            ),
        ),
    ] = None,
    *,
    listing: Listing,
    scope: Scope,
) -> None:
    """Export the tasks as csv (for Excel), xlsx, json, md, ics (calendar) or html.

    Takes the filters of `szbiz list`. CSV is UTF-8 with a byte-order mark for
    Excel; ics has one all-day event per task on its deadline; html is one
    self-contained page with charts and a filterable table. Exit codes: 0
    written, 1 the file cannot be written or xlsx lacks openpyxl, 2 usage (a bad
    option, a missing directory, xlsx to a terminal).
    """
    from szbiz.render.export import EXPORTS, NEEDS, Export

    if output == Path("-"):
        output = None
    kind = fmt or (SUFFIXES.get(output.suffix.lower()) if output else None)
    if kind is None:
        names = "|".join(get_args(ExportFormat))
        raise UsageError(
            _("give --format {names}, or -o FILE ending in one of those extensions").format(
                names=names
            )
        )
    if output is None and kind == "xlsx" and is_terminal():
        raise UsageError(
            _("xlsx is binary and would garble the terminal; write it to a file with -o FILE.xlsx")
        )
    # Fail before any work if the file could not be written where asked, or is
    # the list or the ledger the export is read from.
    if output is not None:
        in_use = scope.settings()
        check_output(
            output,
            (
                (_("the task list in use"), in_use.tasks),
                (_("the progress ledger in use"), in_use.ledger),
            ),
        )

    session = scope.open()
    condition = listing.filter(session)
    found = session.find(condition, listing.sort)
    data = Export(session.tasks, tuple(found), session.as_of, session.history, condition.agencies)

    try:
        rendered = EXPORTS[kind](data)
    except ModuleNotFoundError as exc:
        module, extra = NEEDS.get(kind, ("", ""))
        if exc.name != module:
            raise
        raise SzbizError(
            _('{format} export needs {module}: pip install "szbiz[{extra}]"').format(
                format=kind, module=module, extra=extra
            )
        ) from None

    if output is None:
        if not found:
            say(_("no tasks match"))
        sys.stdout.flush()
        sys.stdout.buffer.write(rendered)
        sys.stdout.buffer.flush()
        return
    write_file(output, rendered)
    # A calendar holds days: its events are the tasks with a deadline (render.export.ics).
    left_out = sum(1 for view in found if view.task.ongoing) if kind == "ics" else 0
    count = len(found) - left_out
    said = ngettext("wrote {count} task to {path}", "wrote {count} tasks to {path}", count)
    if left_out:
        said += ngettext(
            "; {left} ongoing task left out, having no day",
            "; {left} ongoing tasks left out, having no day",
            left_out,
        )
    say(said.format(count=count, path=output, left=left_out))
