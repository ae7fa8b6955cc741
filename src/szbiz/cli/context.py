"""What a command works on: the list, its progress, and the day it is looked at."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from szbiz.cli.core import settings
from szbiz.cli.options import StateChoice, as_of_day, date_value
from szbiz.model import History, Role, TaskList
from szbiz.query import Filter


@dataclass(frozen=True)
class Session:
    tasks: TaskList
    history: History
    as_of: dt.date
    ledger: Path


def open_session(tasks: Path | None, as_of: str | None, progress: Path | None = None) -> Session:
    """The list in use, its ledger, and the day to look at them on."""
    from szbiz.cache import load_cached, load_history_cached
    from szbiz.paths import bundled_tasks

    day = as_of_day(as_of)
    chosen = settings(tasks, progress)
    task_list = load_cached(chosen.tasks or bundled_tasks())
    return Session(task_list, load_history_cached(chosen.ledger), day, chosen.ledger)


def resolve_agencies(session: Session, names: list[str] | None) -> tuple[str, ...]:
    from szbiz.agencies import resolve

    return tuple(dict.fromkeys(resolve(n, session.tasks).name for n in names or ()))


def resolve_areas(session: Session, areas: list[str] | None) -> tuple[int, ...]:
    from szbiz.query import resolve_area

    return tuple(resolve_area(a, session.tasks) for a in areas or ())


def build_filter(
    session: Session,
    agency: list[str] | None = None,
    role: Role = Role.ANY,
    area: list[str] | None = None,
    status: list[StateChoice] | None = None,
    search: str | None = None,
    ids: str | None = None,
    due_before: str | None = None,
    due_after: str | None = None,
) -> Filter:
    """The filter the listing options describe (list, export): all must hold."""
    from szbiz.query import parse_ids

    day = session.as_of
    return Filter(
        agencies=resolve_agencies(session, agency),
        role=role,
        areas=resolve_areas(session, area),
        states=tuple(s.value for s in status or ()),
        words=tuple(search.split()) if search else (),
        ids=parse_ids(ids, session.tasks.ids) if ids is not None else None,
        due_before=date_value(due_before, day) if due_before else None,
        due_after=date_value(due_after, day) if due_after else None,
    )
