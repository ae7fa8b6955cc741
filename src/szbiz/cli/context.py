"""What a command works on: the list, its progress, and the day it is looked at."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from szbiz.cli.options import StateChoice, as_of_day, date_value
from szbiz.errors import UsageError
from szbiz.model import History, Role, TaskList
from szbiz.query import Filter

if TYPE_CHECKING:
    from szbiz.settings import Settings


class Session:
    """The list in use, the day it is looked at, and its ledger, read when first asked for
    (a command that records progress reads it under the ledger's lock instead)."""

    def __init__(self, tasks: TaskList, as_of: dt.date, settings: Settings) -> None:
        self.tasks, self.as_of, self.settings = tasks, as_of, settings
        self.ledger = settings.ledger_to_read()

    @cached_property
    def history(self) -> History:
        from szbiz.ledger import read_ledger

        history = read_ledger(self.ledger)
        gc.freeze()  # it lives as long as the command: out of the collector's sight
        return history


def open_session(tasks: Path | None, as_of: str | None, progress: Path | None = None) -> Session:
    """The list in use, its ledger, and the day to look at them on."""
    from szbiz import cache
    from szbiz.settings import resolve

    day = as_of_day(as_of)
    chosen = resolve(progress, tasks)
    session = Session(cache.tasks(chosen.tasks), day, chosen)
    # The list lives as long as the command: move it out of the garbage
    # collector's sight, so that it does not rescan it again and again.
    gc.freeze()
    return session


def resolve_agencies(session: Session, names: list[str] | None) -> tuple[str, ...]:
    """Canonical names for what was typed; an error says where to see them all."""
    from szbiz.agencies import AgencyError, resolve

    try:
        return tuple(dict.fromkeys(resolve(n, session.tasks).name for n in names or ()))
    except AgencyError as exc:
        raise UsageError(f"{exc.message} (szbiz agencies lists them all)") from exc


def resolve_areas(session: Session, areas: list[str] | None) -> tuple[int, ...]:
    from szbiz.query import resolve_area

    try:
        return tuple(resolve_area(a, session.tasks) for a in areas or ())
    except UsageError as exc:
        raise UsageError(f"{exc.message} (szbiz areas lists them)") from exc


def _ids(text: str, session: Session) -> frozenset[int]:
    from szbiz.query import parse_ids

    try:
        return parse_ids(text, session.tasks.ids)
    except UsageError as exc:
        raise UsageError(f"--ids {text!r}: {exc.message}") from exc


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
    day = session.as_of
    return Filter(
        agencies=resolve_agencies(session, agency),
        role=role,
        areas=resolve_areas(session, area),
        states=tuple(s.value for s in status or ()),
        words=tuple(search.split()) if search else (),
        ids=_ids(ids, session) if ids is not None else None,
        due_before=date_value(due_before, day) if due_before is not None else None,
        due_after=date_value(due_after, day) if due_after is not None else None,
    )


def task_ids(texts: Sequence[str], session: Session) -> list[int]:
    """Task ids as typed (``42``), each checked against the list, without repeats."""
    ids = session.tasks.ids
    span = f"{ids[0]}–{ids[-1]}" if ids else "none"
    out: list[int] = []
    for text in texts:
        value = text.strip()
        if not (value.isascii() and value.isdigit()):
            raise UsageError(f"{text!r} is not a task id; ids are {span}")
        number = int(value)
        if session.tasks.task(number) is None:
            raise UsageError(f"task {number} does not exist; ids are {span}")
        if number not in out:
            out.append(number)
    return out
