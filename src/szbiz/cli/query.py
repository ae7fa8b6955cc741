"""Finding tasks: list, due, show, agencies, areas."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

import typer

from szbiz.cli.context import Listing, Scope, Session
from szbiz.cli.options import (
    AgencyOption,
    AreaOption,
    JsonOption,
    Output,
    RoleOption,
    option_groups,
    style,
)
from szbiz.cli.root import app, write
from szbiz.i18n import N_
from szbiz.model import AgencyKind, Role
from szbiz.query import Filter, SortKey, due_window, events_between, parse_id, views


def _show(session: Session, condition: Filter, sort: SortKey, out: Output) -> None:
    from szbiz.render.views import tasks_footer, tasks_sheet

    found = session.find(condition, sort)
    out.emit(tasks_sheet(found, tasks_footer(found, condition.agencies)))


@app.command("list")
@option_groups
def list_(listing: Listing, out: Output, scope: Scope) -> None:
    """List tasks; every filter given must hold.

    Dates may be written 2020-06-30, 2020-06, 2020年6月底, 6月底, today, +30d,
    -2w, eom, eoq or eoy. No match is not an error: `no tasks match` on stderr,
    exit 0.
    """
    session = scope.open()
    _show(session, listing.filter(session), listing.sort, out)


@app.command()
@option_groups
def due(
    before: Annotated[
        str | None, typer.Option("--before", help=N_("Deadline on or before this day."))
    ] = None,
    after: Annotated[
        str | None, typer.Option("--after", help=N_("Deadline on or after this day."))
    ] = None,
    within: Annotated[
        str | None,
        typer.Option(
            "--within",
            help=N_("Deadline within this long from the as-of day, e.g. 30d, 2w, 1m."),
        ),
    ] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help=N_("Only tasks past their deadline."))
    ] = False,
    agency: AgencyOption = None,
    role: RoleOption = Role.ANY,
    area: AreaOption = None,
    *,
    out: Output,
    scope: Scope,
) -> None:
    """Tasks not yet done whose deadline falls in a window, soonest first.

    A deadline runs to the end of its day in Asia/Shanghai: a task due
    2020-06-30 is not overdue on 2020-06-30. With no window, shows what is
    overdue or due within 30 days.
    """
    session = scope.open()
    earliest, latest = due_window(session.as_of, before, after, within, overdue)
    agencies = Listing(agency, role, area).filter(session)
    condition = replace(agencies, due_before=latest, due_after=earliest, unfinished=True)
    _show(session, condition, SortKey.DEADLINE, out)


@app.command()
@option_groups
def show(
    task_id: Annotated[str, typer.Argument(metavar=N_("ID"), help=N_("The task's 序号."))],
    as_json: JsonOption = False,
    *,
    scope: Scope,
) -> None:
    """Everything about one task: measure, agencies, deadline, status and history."""
    from szbiz.render.views import task_detail, task_json

    session = scope.open()
    number = parse_id(task_id, session.tasks.ids)
    task = session.tasks.task(number)
    assert task is not None
    (view,) = views(session.tasks, session.history, session.as_of, [task])
    history = events_between(session.history, number, until=session.as_of)
    if as_json:
        write(task_json(view, history))
        return
    write(task_detail(view, session.tasks, history, style()))


@app.command()
@option_groups
def agencies(
    kind: Annotated[
        list[AgencyKind] | None,
        typer.Option("--kind", help=N_("Only agencies of this kind. Repeatable.")),
    ] = None,
    *,
    out: Output,
    scope: Scope,
) -> None:
    """Every agency with its kind, pinyin code, aliases and counts as lead and support."""
    from szbiz.render.views import agencies_sheet
    from szbiz.report import agency_stats

    session = scope.open()
    stats = agency_stats(session.tasks, session.history, session.as_of, tuple(kind or ()))
    out.emit(agencies_sheet(stats), empty=N_("no agencies match"))


@app.command()
@option_groups
def areas(out: Output, scope: Scope) -> None:
    """The areas with their task counts and how their deadlines spread over the year."""
    from szbiz.render.views import areas_sheet
    from szbiz.report import area_stats

    session = scope.open()
    stats = area_stats(session.tasks, session.history, session.as_of)
    out.emit(areas_sheet(stats), empty=N_("no areas"))
