"""Reporting: the office's report and one agency's 督办单."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from szbiz.cli.context import Listing, Scope, resolve_agencies
from szbiz.cli.options import (
    AgencyOption,
    AreaOption,
    JsonOption,
    complete_agency,
    count,
    option_groups,
    style,
    when_completing,
)
from szbiz.cli.root import app, check_output, say, write, write_file
from szbiz.errors import SzbizError, UsageError
from szbiz.i18n import N_, _, ngettext, strerror
from szbiz.model import Role
from szbiz.query import agency_tasks
from szbiz.report import DEFAULT_LIMIT, WARN_DAYS

if TYPE_CHECKING:
    from szbiz.collect import Form

ReportFormat = Literal["table", "json", "md"]
ChaseFormat = Literal["table", "md", "html"]
SHEET_SUFFIXES: dict[str, ChaseFormat] = {".md": "md", ".html": "html", ".htm": "html"}


@app.command()
@option_groups
def report(
    agency: AgencyOption = None,
    area: AreaOption = None,
    role: Annotated[
        Role,
        typer.Option(
            "--role", help=N_("Whom the agency table counts: lead agencies, or any role.")
        ),
    ] = Role.LEAD,
    warn_days: Annotated[
        int,
        typer.Option(
            "--warn-days",
            parser=count("--warn-days", N_("days")),
            metavar=N_("DAYS"),
            help=N_("Days before a deadline from which a task shows 🟡 (临期)."),
        ),
    ] = WARN_DAYS,
    limit: Annotated[
        int,
        typer.Option(
            "--limit",
            parser=count("--limit", N_("tasks")),
            metavar="N",
            help=N_("List at most this many overdue tasks, the most overdue first; 0 lists all."),
        ),
    ] = DEFAULT_LIMIT,
    fmt: Annotated[
        ReportFormat,
        typer.Option("--format", "-f", help=N_("table, json (for dashboards) or md.")),
    ] = "table",
    as_json: JsonOption = False,
    *,
    scope: Scope,
) -> None:
    """The progress report: headline, 红黄绿灯 per area, agencies by overdue, overdue tasks.

    🟢 done on time, 🔵 done late, 🟡 not done and due within --warn-days,
    🔴 overdue, ⚪ not yet due. --agency and --area narrow the tasks counted.
    """
    from szbiz.render.report import REPORT_FORMATS
    from szbiz.report import build_report

    session = scope.open()
    condition = Listing(agency=agency, area=area).filter(session)
    numbers = build_report(
        session.tasks,
        session.history,
        session.as_of,
        condition.chosen(session.tasks),
        warn_days,
        role,
        agencies=condition.agencies,
        areas=condition.areas,
        limit=limit,
    )
    name = "json" if as_json else fmt
    write(REPORT_FORMATS[name](numbers, session.tasks.document.title, style()))


@app.command()
@option_groups
def sheet(
    agency: Annotated[
        str | None,
        typer.Option(
            "--agency",
            "-a",
            autocompletion=when_completing(complete_agency),
            help=N_("The agency: name, alias, unique part or pinyin code."),
        ),
    ] = None,
    fmt: Annotated[
        ChaseFormat | None,
        typer.Option(
            "--format",
            "-f",
            help=N_("table, md, or html for printing (default: table, or by -o)."),
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            readable=False,  # szbiz.files says what is wrong with a file it cannot write
            help=N_(
                "Write here instead of stdout; FILE.xlsx is the fill-in form for szbiz collect. "
                "With --all: a directory, one form per agency."
            ),
        ),
    ] = None,
    every: Annotated[
        bool,
        typer.Option(
            "--all", help=N_("One fill-in form per agency, named by it, into the -o directory.")
        ),
    ] = False,
    *,
    scope: Scope,
) -> None:
    """One agency's 督办单: its tasks as lead and as support, with status, days left or
    late, and the last note and reference.

    With -o FILE.xlsx, the fill-in form (进展情况报送表) to send to the agency: its
    tasks with the facts locked and 状态, 完成日期, 进展情况, 依据 to fill in, which
    szbiz collect reads back. --all -o DIR writes one form per agency.
    """
    if every:
        if agency is not None:
            raise UsageError(_("give --agency NAME or --all, not both"))
        if output is None or fmt is not None:
            raise UsageError(_("--all writes one fill-in form per agency: give -o DIRECTORY"))
        _all_forms(output, scope)
        return
    if agency is None:
        raise UsageError(_("give --agency NAME (or --all -o DIRECTORY for every agency's form)"))
    kind: ChaseFormat = fmt or "table"
    form = False
    if output is not None:
        suffix = output.suffix.lower()
        form = suffix == ".xlsx" and fmt is None
        if fmt is None and not form:
            if suffix not in SHEET_SUFFIXES:
                # A terminal table in f.csv or f.xlsm would open as garbage.
                raise UsageError(
                    _(
                        "-o {path}: sheet writes .xlsx (the fill-in form), .md or .html; "
                        "or give --format"
                    ).format(path=output)
                )
            kind = SHEET_SUFFIXES[suffix]
        _check_output(output, scope)
    session = scope.open()
    (name,) = resolve_agencies(session, [agency], one=True)
    if form:
        from szbiz.collect import check_form_day, list_identity, make_form
        from szbiz.render.export.form import render

        check_form_day(session.as_of)
        made = make_form(
            session.tasks,
            session.history,
            session.as_of,
            name,
            list_identity(session.settings.tasks),
        )
        assert output is not None
        write_file(output, _xlsx(render, made))
        count = len(made.rows)
        say(
            ngettext(
                "wrote the form for {agency} ({count} task) to {path}",
                "wrote the form for {agency} ({count} tasks) to {path}",
                count,
            ).format(agency=name, count=count, path=output)
        )
        return
    from szbiz.render.chase import CHASE_FORMATS, ChaseSheet

    lead, support = agency_tasks(session.tasks, session.history, session.as_of, name)
    who = session.tasks.agency(name)
    assert who is not None
    chase = ChaseSheet(
        title=session.tasks.document.title,
        agency=who,
        as_of_text=session.as_of.isoformat(),
        lead=tuple(lead),
        support=tuple(support),
    )
    text = CHASE_FORMATS[kind](chase, style())
    if output is None:
        write(text)
    else:
        write_file(output, text.encode("utf-8"))
        say(_("wrote the 督办单 of {agency} to {path}").format(agency=name, path=output))


def _check_output(output: Path, scope: Scope) -> None:
    """Refuse, before any work, a file that could not be written or is read meanwhile."""
    in_use = scope.settings()
    check_output(
        output,
        (
            (_("the task list in use"), in_use.tasks),
            (_("the progress ledger in use"), in_use.ledger),
        ),
    )


def _xlsx(render: Callable[[Form], bytes], form: Form) -> bytes:
    try:
        return render(form)
    except ModuleNotFoundError as exc:
        if exc.name != "openpyxl":
            raise
        raise SzbizError(_('the xlsx form needs openpyxl: pip install "szbiz[xlsx]"')) from None


def _all_forms(directory: Path, scope: Scope) -> None:
    """Every agency's form, ``DIRECTORY/<agency>.xlsx``; the directory is made if missing."""
    from szbiz.collect import (
        agencies_with_tasks,
        check_form_day,
        file_name,
        list_identity,
        make_form,
    )
    from szbiz.render.export.form import render

    if directory.exists() and not directory.is_dir():
        raise UsageError(
            _("-o {path} is not a directory; --all writes one form per agency").format(
                path=directory
            )
        )
    if not directory.exists() and not directory.parent.is_dir():
        raise UsageError(
            _("-o {path}: the directory {parent} does not exist").format(
                path=directory, parent=directory.parent
            )
        )
    session = scope.open()
    check_form_day(session.as_of)
    if not directory.exists():
        try:
            directory.mkdir()
        except OSError as exc:
            raise SzbizError(
                _("cannot create {path}: {why}").format(path=directory, why=strerror(exc))
            ) from None
    identity = list_identity(session.settings.tasks)
    names = agencies_with_tasks(session.tasks)
    targets = [directory / f"{file_name(name)}.xlsx" for name in names]
    for target in targets:
        _check_output(target, scope)
    for name, target in zip(names, targets, strict=True):
        made = make_form(session.tasks, session.history, session.as_of, name, identity)
        write_file(target, _xlsx(render, made))
    say(
        _("wrote {count} forms, one per agency, to {path}").format(count=len(names), path=directory)
    )
