"""Pure filters and sorts over the task list, as it stood on a given day."""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from szbiz.errors import UsageError
from szbiz.i18n import _
from szbiz.model import Event, History, Part, Progress, Role, Status, Task, TaskList

OVERDUE = "overdue"
STATUS_CHOICES = (*(s.value for s in Status), OVERDUE)
FINISHED = (Status.DONE, Status.DROPPED)


class SortKey(StrEnum):
    ID = "id"
    DEADLINE = "deadline"
    AREA = "area"
    AGENCY = "agency"


@dataclass(frozen=True, slots=True)
class TaskView:
    """A task as it stood on ``as_of``: its progress and where it is against the deadline
    in force (the document's, or an extension's)."""

    task: Task
    area_name: str
    as_of: dt.date
    progress: Progress

    @property
    def status(self) -> Status:
        return self.progress.status

    @property
    def last(self) -> Event | None:
        """The standing status event that sets the task's status."""
        return self.progress.last

    @property
    def done_on(self) -> dt.date | None:
        """The day of the event that made it done; later evidence or notes keep it."""
        return self.progress.done_on

    @property
    def deadline(self) -> dt.date | None:
        """The deadline in force on as_of: the last extension's, else the document's; None
        for an ongoing task (持续推进), which has no date to meet."""
        return self.progress.deadline

    @property
    def deadline_original(self) -> dt.date | None:
        return self.task.deadline

    @property
    def extended(self) -> bool:
        """An extension stands as of as_of (even one back to the document's deadline)."""
        return bool(self.progress.extensions)

    @property
    def parts(self) -> tuple[Part, ...]:
        return self.progress.parts

    @property
    def notes(self) -> tuple[Event, ...]:
        return self.progress.notes

    @property
    def extensions(self) -> tuple[Event, ...]:
        return self.progress.extensions

    @property
    def overdue(self) -> bool:
        """Not finished and past the end of its deadline's day."""
        deadline = self.deadline
        return deadline is not None and self.status not in FINISHED and self.as_of > deadline

    @property
    def done_deadline(self) -> dt.date | None:
        """The deadline its lateness is judged by: for a done task, the one in force on
        its done day (an extension granted after does not make it on time); else the
        deadline in force."""
        return self.progress.done_deadline or self.progress.deadline

    def deadline_on(self, day: dt.date) -> dt.date | None:
        """The deadline in force on ``day`` (not after as_of), by the extensions standing
        as of as_of; None for an ongoing task."""
        if self.task.deadline is None:
            return None
        for extension in reversed(self.progress.extensions):
            if extension.on <= day and extension.to is not None:
                return extension.to
        return self.task.deadline

    @property
    def done_late(self) -> bool:
        deadline = self.done_deadline
        return self.done_on is not None and deadline is not None and self.done_on > deadline

    @property
    def days_left(self) -> int | None:
        """Days from as_of to the deadline in force; negative when late; None when ongoing."""
        deadline = self.deadline
        return None if deadline is None else (deadline - self.as_of).days

    @property
    def state(self) -> str:
        return OVERDUE if self.overdue else self.status.value


def views(
    tasks: TaskList, history: History, as_of: dt.date, only: Iterable[Task] | None = None
) -> list[TaskView]:
    """The tasks (or ``only`` these of them) as they stood on ``as_of``."""
    from szbiz.memory import collector_paused

    area_names = {a.number: a.name for a in tasks.areas}
    progress = history.progress
    with collector_paused():  # two small objects a task, and no cycles
        return [
            TaskView(task, area_names.get(task.area, ""), as_of, progress(task, as_of))
            for task in (tasks.tasks if only is None else only)
        ]


def find(tasks: TaskList, history: History, as_of: dt.date, condition: Filter) -> list[TaskView]:
    """The tasks that meet ``condition`` on ``as_of``; views are made only of those it admits,
    so that a narrow query over a long list stays cheap."""
    chosen = condition.chosen(tasks, history, as_of)
    return [v for v in views(tasks, history, as_of, chosen) if condition.holds(v)]


def _span(valid: Sequence[int]) -> str:
    return f"{min(valid)}–{max(valid)}" if valid else _("none")


_MAX_DIGITS = 18  # longer than any id, area or count, and short of int()'s limit


def parse_ids(text: str, valid: Sequence[int]) -> list[int]:
    """``1-16,42`` → [1, …, 16, 42], in the order given and without repeats; every id must exist."""
    from szbiz.dates import shown

    ids: dict[int, None] = {}
    known = set(valid)
    ordered = sorted(known)
    for part in text.replace("，", ",").split(","):
        part = part.strip()
        m = re.fullmatch(r"(\d+)\s*(?:[-–~]\s*(\d+))?", part)
        if not m:
            raise UsageError(
                _("cannot read {text!r}; write ids and ranges like 1-16,42").format(
                    text=shown(part)
                )
            )
        for digits in m.groups():
            if digits is not None and len(digits) > _MAX_DIGITS:
                raise UsageError(
                    _("task {id} does not exist; ids are {span}").format(
                        id=shown(digits), span=_span(valid)
                    )
                )
        start = int(m.group(1))
        end = int(m.group(2)) if m.group(2) else start
        if end < start:
            raise UsageError(
                _("the range {text!r} runs backwards; write {end}-{start}").format(
                    text=part, end=end, start=start
                )
            )
        for task_id in (start, end):
            if task_id not in known:
                raise UsageError(
                    _("task {id} does not exist; ids are {span}").format(
                        id=task_id, span=_span(valid)
                    )
                )
        ids.update(dict.fromkeys(ordered[bisect_left(ordered, start) : bisect_right(ordered, end)]))
    return list(ids)


def parse_id(text: str, valid: Sequence[int]) -> int:
    """One id, in plain digits (``42``), that exists."""
    value = text.strip()
    if not (value.isascii() and value.isdigit()):
        raise UsageError(
            _("{text!r} is not a task id; ids are {span}").format(text=text, span=_span(valid))
        )
    return parse_ids(value, valid)[0]


@dataclass(frozen=True)
class Filter:
    """Conditions that must all hold; an empty field does not filter."""

    agencies: tuple[str, ...] = ()  # canonical names; any of them
    role: Role = Role.ANY
    areas: tuple[int, ...] = ()
    states: tuple[str, ...] = ()  # Status values or "overdue"; any of them
    words: tuple[str, ...] = ()  # all must appear in title or description
    ids: frozenset[int] | None = None
    due_before: dt.date | None = None  # deadline on or before
    due_after: dt.date | None = None  # deadline on or after
    unfinished: bool = False  # leave out done and dropped tasks

    def chosen(
        self, tasks: TaskList, history: History | None = None, as_of: dt.date | None = None
    ) -> list[Task]:
        """The tasks that meet the conditions on the task itself, in list order.

        Given the ``history`` and the day, a due window looks at the deadline in force
        on ``as_of`` (an extension's); else at the document's.
        """
        dates = (self.due_before, self.due_after)
        if self.ids is None and not (self.areas or self.agencies or self.words or any(dates)):
            return list(tasks.tasks)  # no condition on the tasks: all of them, without a call each
        if history is None or as_of is None or not any(dates):
            return [task for task in tasks.tasks if self.admits(task)]
        tracked, progress = history.tracked, history.progress
        return [
            task
            for task in tasks.tasks
            if (
                self.admits(task, progress(task, as_of).deadline)
                if task.id in tracked
                else self.admits(task)
            )
        ]

    def admits(self, task: Task, deadline: dt.date | None = None) -> bool:
        """The conditions on the task itself, whatever its progress; the due window on
        ``deadline`` if given (the one in force), else on the document's."""
        if self.ids is not None and task.id not in self.ids:
            return False
        if self.areas and task.area not in self.areas:
            return False
        if self.agencies and set(self.agencies).isdisjoint(task.agencies(self.role)):
            return False
        due = task.deadline if deadline is None else deadline
        if (self.due_before or self.due_after) and not _within(
            due, self.due_before, self.due_after
        ):
            return False
        if not self.words:
            return True
        text = (task.title + task.description).casefold()
        return all(w.casefold() in text for w in self.words)

    def holds(self, view: TaskView) -> bool:
        """The conditions on the task's progress as of the view's day."""
        if self.unfinished and view.status in FINISHED:
            return False
        return not self.states or any(
            view.overdue if s == OVERDUE else view.status.value == s for s in self.states
        )


def _within(day: dt.date | None, before: dt.date | None, after: dt.date | None) -> bool:
    """Whether ``day`` falls in the window (both ends inclusive, None: open); an ongoing
    task's (None) falls in none."""
    if day is None:
        return False
    return (before is None or day <= before) and (after is None or day >= after)


def sort(
    items: Sequence[TaskView], key: SortKey, agency_order: Sequence[str] = ()
) -> list[TaskView]:
    """Sorted by id, or by deadline (ongoing tasks after every dated one), area or first
    lead agency, each then by id."""
    if key is SortKey.DEADLINE:
        return sorted(items, key=deadline_order)
    if key is SortKey.AREA:
        return sorted(items, key=lambda v: (v.task.area, v.task.id))
    if key is SortKey.AGENCY:
        rank = {name: i for i, name in enumerate(agency_order)}
        return sorted(
            items,
            key=lambda v: (
                rank.get(v.task.lead[0], len(rank)) if v.task.lead else len(rank),
                v.task.id,
            ),
        )
    return sorted(items, key=lambda v: v.task.id)


def deadline_order(view: TaskView) -> tuple[dt.date, int, int]:
    """A view's place by deadline in force: soonest first, ongoing tasks last, then by id."""
    deadline = view.deadline
    return (dt.date.max, 1, view.task.id) if deadline is None else (deadline, 0, view.task.id)


def role_counts(items: Sequence[TaskView], agency: str) -> tuple[int, int]:
    """How many of ``items`` the agency leads, and how many it only supports."""
    lead = sum(agency in v.task.lead for v in items)
    support = sum(agency in v.task.support and agency not in v.task.lead for v in items)
    return lead, support


def resolve_area(query: str, tasks: TaskList) -> int:
    """An area by number (``8``, ``八``) or a part of its name that only one area has."""
    from szbiz.dates import shown
    from szbiz.text import chinese_numeral

    text = query.strip()
    span = _span([a.number for a in tasks.areas])
    # Decimal digits of any script int() reads; a number longer than any area is none of them.
    long = text.isdecimal() and len(text) > _MAX_DIGITS
    number = int(text) if text.isdecimal() and not long else chinese_numeral(text)
    if number is not None or long:
        if long or tasks.area(number or 0) is None:
            raise UsageError(
                _("area {area} does not exist; areas are {span}").format(
                    area=shown(text), span=span
                )
            )
        return number or 0
    matches = [a for a in tasks.areas if text and text in a.name]
    if len(matches) == 1:
        return matches[0].number
    if matches:
        names = "、".join(f"{a.number} {a.name}" for a in matches)
        raise UsageError(
            _("{text!r} matches {count} areas: {names}; give more of the name").format(
                text=query, count=len(matches), names=names
            )
        )
    raise UsageError(
        _("unknown area {text!r}; give a number {span} or part of a name").format(
            text=query, span=span
        )
    )


DEFAULT_DUE_DAYS = 30  # szbiz.report.WARN_DAYS, which imports this module: keep them equal


def date_value(text: str, base: dt.date, option: str = "") -> dt.date:
    """A day as typed (``2020-06-30``, ``6月底``, ``+30d`` …), counted from ``base``, in the
    years szbiz supports; a usage error names ``option`` when the day lies outside them."""
    from szbiz.dates import DateError, OutOfRange, parse_date

    try:
        return parse_date(text, base)
    except OutOfRange as exc:
        raise UsageError(f"{option} {exc}" if option else str(exc)) from None
    except DateError as exc:
        raise UsageError(str(exc)) from None


_SPAN = re.compile(r"\+?(\d+)\s*([dwmy]?)")


def due_window(
    as_of: dt.date,
    before: str | None = None,
    after: str | None = None,
    within: str | None = None,
    overdue: bool = False,
) -> tuple[dt.date | None, dt.date | None]:
    """The deadlines ``szbiz due`` looks at, as (earliest, latest), both inclusive.

    ``within`` is a span ahead of ``as_of`` (``30d``, ``2w``, ``1m``; a bare
    number counts days); ``overdue`` keeps deadlines before ``as_of`` (a
    deadline runs to the end of its day). With nothing given: everything
    overdue or due within 30 days. A look ahead stops at the last day szbiz
    supports (dates.LAST): no deadline lies beyond it.
    """
    from szbiz.dates import LAST, OutOfRange, parse_date, shown

    if within is not None and overdue:
        raise UsageError(_("--within and --overdue exclude each other: one looks ahead, one back"))

    def shift(days: int) -> dt.date:
        ordinal = as_of.toordinal() + days
        return dt.date.fromordinal(min(max(ordinal, 1), dt.date.max.toordinal()))

    end = None
    if within is not None:
        span = within.strip()
        m = _SPAN.fullmatch(span)
        if m is None:  # -5d lies in the past; anything else cannot be read
            end = date_value(span if span[:1] in "+-" else "+" + span, as_of, "--within")
        elif len(m.group(1)) > _MAX_DIGITS:
            raise UsageError(
                _(
                    "--within {text}: a span of {digits} digits; write a span such as 30d, 2w or 1m"
                ).format(text=shown(span), digits=len(m.group(1)))
            )
        else:
            try:
                end = parse_date(f"+{m.group(1)}{m.group(2) or 'd'}", as_of)
            except OutOfRange:  # ahead, past the last day szbiz supports: up to it
                end = max(LAST, as_of)
        if end < as_of:
            raise UsageError(
                _("--within {text!r} lies in the past; write a span such as 30d").format(
                    text=within
                )
            )
    latest = date_value(before, as_of, "--before") if before is not None else None
    earliest = date_value(after, as_of, "--after") if after is not None else None
    if end is not None:
        latest = min(latest, end) if latest else end
        earliest = max(earliest, as_of) if earliest else as_of
    if overdue:
        if as_of == dt.date.min:  # nothing can be past due yet: an empty window
            return dt.date.max, dt.date.min
        yesterday = shift(-1)
        latest = min(latest, yesterday) if latest else yesterday
    if earliest is None and latest is None:
        latest = shift(DEFAULT_DUE_DAYS)
    return earliest, latest


def events_between(
    history: History,
    task_id: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[Event]:
    """The ledger's events (of one task, if given) from ``since`` to ``until``, oldest first."""
    chosen = history.of(task_id) if task_id is not None else history.events
    first, last = since or dt.date.min, until or dt.date.max
    return sorted((e for e in chosen if first <= e.on <= last), key=lambda e: (e.on, e.at))


def agency_tasks(
    tasks: TaskList, history: History, as_of: dt.date, agency: str
) -> tuple[list[TaskView], list[TaskView]]:
    """An agency's tasks as lead and as support only, soonest deadline first (its 督办单)."""
    ordered = sort(find(tasks, history, as_of, Filter(agencies=(agency,))), SortKey.DEADLINE)
    lead = [v for v in ordered if agency in v.task.lead]
    return lead, [v for v in ordered if agency not in v.task.lead]
