"""What a command works on: the list, its progress, and the day it is looked at."""

from __future__ import annotations

import datetime as dt
import gc
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Annotated

import typer

from szbiz.cli.options import AgencyOption, AreaOption, RoleOption, StateChoice, as_of_callback
from szbiz.cli.root import ListOption, ProgressOption, TasksOption
from szbiz.errors import UsageError
from szbiz.i18n import N_, _
from szbiz.model import History, Role, TaskList
from szbiz.query import Filter, SortKey, TaskView, date_value, find, parse_ids, resolve_area, sort

if TYPE_CHECKING:
    from szbiz.settings import Settings


class Session:
    """The list in use, the day it is looked at, and its ledger, read when first asked for
    (a command that records progress reads it under the ledger's lock instead); a ledger
    that says it belongs to another list is refused."""

    def __init__(self, tasks: TaskList, as_of: dt.date, settings: Settings) -> None:
        self.tasks, self.as_of, self.settings = tasks, as_of, settings
        self.ledger = settings.ledger_to_read()

    @cached_property
    def history(self) -> History:
        from szbiz.ledger import read_ledger

        history = read_ledger(self.ledger, self.tasks)
        gc.freeze()  # it lives as long as the command: out of the collector's sight
        return history

    def find(self, condition: Filter, key: SortKey) -> list[TaskView]:
        found = find(self.tasks, self.history, self.as_of, condition)
        return sort(found, key, [a.name for a in self.tasks.agencies])


@dataclass
class Scope:
    """--as-of, --list, --tasks and --progress: the list, its ledger, and the day to look at
    them on."""

    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            envvar="SZBIZ_TODAY",
            callback=as_of_callback,
            help=N_(
                "Show the list as it stood on this day (default: today in Asia/Shanghai; "
                "env SZBIZ_TODAY)."
            ),
        ),
    ] = None
    list_key: ListOption = None
    tasks: TasksOption = None
    progress: ProgressOption = None

    def settings(self) -> Settings:
        """The list and ledger these options, the environment and szbiz.toml choose."""
        from szbiz.settings import resolve

        return resolve(self.progress, self.tasks, list_option=self.list_key)

    def open(self) -> Session:
        from szbiz import cache
        from szbiz.dates import today

        day = today() if self.as_of is None else date_value(self.as_of, today())
        chosen = self.settings()
        session = Session(cache.tasks(chosen.tasks), day, chosen)
        gc.freeze()  # the list lives as long as the command: out of the collector's sight
        return session


def resolve_agencies(
    session: Session, names: list[str] | None, one: bool = False
) -> tuple[str, ...]:
    """Canonical names for what was typed; an error says where to see them all.

    A pinyin code that several agencies share (``zjj``) names them all, and a note on
    stderr says so; with ``one`` (a command about one agency) it is ambiguous instead."""
    from szbiz.agencies import AgencyError, resolve, resolve_all

    found: list[str] = []
    try:
        for name in names or ():
            if one:
                found.append(resolve(name, session.tasks).name)
                continue
            agencies = [a.name for a in resolve_all(name, session.tasks)]
            if len(agencies) > 1:
                _note_shared(name, agencies)
            found += agencies
    except AgencyError as exc:
        raise UsageError(
            _("{message} (szbiz agencies lists them all)").format(message=exc.message)
        ) from exc
    return tuple(dict.fromkeys(found))


def _note_shared(code: str, agencies: list[str]) -> None:
    """``note: zjj names 市住房建设局 and 深圳证监局; listing both``."""
    from szbiz.cli.root import say

    if len(agencies) == 2:
        text = _("note: {code} names {first} and {second}; listing both")
        say(text.format(code=code, first=agencies[0], second=agencies[1]))
    else:
        text = _("note: {code} names {count} agencies, {names}; listing them all")
        say(text.format(code=code, count=len(agencies), names="、".join(agencies)))


def resolve_areas(session: Session, areas: list[str] | None) -> tuple[int, ...]:
    try:
        return tuple(resolve_area(a, session.tasks) for a in areas or ())
    except UsageError as exc:
        raise UsageError(
            _("{message} (szbiz areas lists them)").format(message=exc.message)
        ) from exc


def _ids(text: str, session: Session) -> frozenset[int]:
    try:
        return frozenset(parse_ids(text, session.tasks.ids))
    except UsageError as exc:
        from szbiz.dates import shown

        raise UsageError(f"--ids {shown(text)!r}: {exc.message}") from exc


@dataclass
class Listing:
    """The filters of ``szbiz list`` and ``szbiz export``, and the order of their rows."""

    agency: AgencyOption = None
    role: RoleOption = Role.ANY
    area: AreaOption = None
    status: Annotated[
        list[StateChoice] | None,
        typer.Option("--status", "-s", help=N_("Repeatable: any of them.")),
    ] = None
    search: Annotated[
        str | None,
        typer.Option("--search", "-q", help=N_("Words that must all appear in the measure.")),
    ] = None
    ids: Annotated[str | None, typer.Option("--ids", help=N_("Ids and ranges, e.g. 1-16,42."))] = (
        None
    )
    due_before: Annotated[
        str | None, typer.Option("--due-before", help=N_("Deadline on or before this day."))
    ] = None
    due_after: Annotated[
        str | None, typer.Option("--due-after", help=N_("Deadline on or after this day."))
    ] = None
    sort: Annotated[SortKey, typer.Option("--sort", help=N_("Order of the rows."))] = SortKey.ID

    def filter(self, session: Session) -> Filter:
        day = session.as_of
        return Filter(
            agencies=resolve_agencies(session, self.agency),
            role=self.role,
            areas=resolve_areas(session, self.area),
            states=tuple(s.value for s in self.status or ()),
            words=tuple(self.search.split()) if self.search else (),
            ids=_ids(self.ids, session) if self.ids is not None else None,
            due_before=date_value(self.due_before, day, "--due-before")
            if self.due_before is not None
            else None,
            due_after=date_value(self.due_after, day, "--due-after")
            if self.due_after is not None
            else None,
        )
