"""Reporting: the office's report and one agency's 督办单."""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from szbiz.cli.context import Listing, Scope, resolve_agencies
from szbiz.cli.options import (
    AgencyOption,
    AreaOption,
    JsonOption,
    count,
    option_groups,
    style,
)
from szbiz.cli.root import app, write
from szbiz.model import Role
from szbiz.query import agency_tasks
from szbiz.report import DEFAULT_LIMIT, WARN_DAYS

ReportFormat = Literal["table", "json", "md"]
ChaseFormat = Literal["table", "md", "html"]


@app.command()
@option_groups
def report(
    agency: AgencyOption = None,
    area: AreaOption = None,
    role: Annotated[
        Role,
        typer.Option("--role", help="Whom the agency table counts: lead agencies, or any role."),
    ] = Role.LEAD,
    warn_days: Annotated[
        int,
        typer.Option(
            "--warn-days",
            parser=count("--warn-days", "days"),
            metavar="DAYS",
            help="Days before a deadline from which a task shows 🟡 (临期).",
        ),
    ] = WARN_DAYS,
    limit: Annotated[
        int,
        typer.Option(
            "--limit",
            parser=count("--limit", "tasks"),
            metavar="N",
            help="List at most this many overdue tasks, the most overdue first; 0 lists all.",
        ),
    ] = DEFAULT_LIMIT,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="table, json (for dashboards) or md.")
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
        str,
        typer.Option("--agency", "-a", help="The agency: name, alias, unique part or pinyin code."),
    ],
    fmt: Annotated[
        ChaseFormat, typer.Option("--format", "-f", help="table, md, or html for printing.")
    ] = "table",
    *,
    scope: Scope,
) -> None:
    """One agency's 督办单: its tasks as lead and as support, with status, days left or
    late, and the last note and reference."""
    from szbiz.render.chase import CHASE_FORMATS, ChaseSheet

    session = scope.open()
    (name,) = resolve_agencies(session, [agency])
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
    write(CHASE_FORMATS[fmt](chase, style()))
