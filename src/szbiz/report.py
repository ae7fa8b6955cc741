"""Pure aggregates: counts per agency and per area as of a day."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from operator import attrgetter

from szbiz.model import Agency, AgencyKind, Area, History, Part, Role, Status, Task, TaskList
from szbiz.query import FINISHED, TaskView, views

# A task not done and due within this many days is 临期 (due soon): 🟡. The one
# default for the report, the exports and the look-ahead of `szbiz due`.
WARN_DAYS = 30


@dataclass(frozen=True)
class AgencyStats:
    agency: Agency
    lead: int = 0
    support: int = 0
    overdue: int = 0
    done: int = 0
    ongoing: int = 0  # its tasks without a deadline (持续推进)

    @property
    def total(self) -> int:
        return self.lead + self.support


@dataclass(frozen=True)
class AreaStats:
    area: Area
    total: int = 0
    done: int = 0
    overdue: int = 0
    deadlines: dict[dt.date, int] = field(default_factory=dict)  # ongoing tasks left out
    ongoing: int = 0  # tasks without a deadline (持续推进)


def _progress(tasks: TaskList, history: History, as_of: dt.date) -> list[tuple[Status, bool]]:
    """Every task's (status, overdue against the deadline in force) on ``as_of``, in list order."""
    tracked, progress = history.tracked, history.progress
    todo = Status.TODO
    out = []
    for task in tasks.tasks:
        if task.id in tracked:
            p = progress(task, as_of)
            deadline = p.deadline
            late = deadline is not None and p.status not in FINISHED and as_of > deadline
            out.append((p.status, late))
        else:
            out.append((todo, task.deadline is not None and as_of > task.deadline))
    return out


def agency_stats(
    tasks: TaskList, history: History, as_of: dt.date, kinds: Sequence[AgencyKind] = ()
) -> list[AgencyStats]:
    """Every agency (of ``kinds``, if given) with its counts on ``as_of``, in registry order."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    # Count by the agencies and the state first: many tasks share them.
    shapes = Counter(
        (task.lead, task.support, status is Status.DONE, late, task.deadline is None)
        for task, (status, late) in zip(tasks.tasks, _progress(tasks, history, as_of), strict=True)
    )
    for (leads, supports, finished, late, ongoing), n in shapes.items():
        for name in dict.fromkeys(leads + supports):
            count = counts[name]
            count["lead" if name in leads else "support"] += n
            count["overdue"] += n * late
            count["done"] += n * finished
            count["ongoing"] += n * ongoing
    return [
        AgencyStats(a, **counts[a.name]) for a in tasks.agencies if not kinds or a.kind in kinds
    ]


def area_stats(tasks: TaskList, history: History, as_of: dt.date) -> list[AreaStats]:
    """The areas in order, each with its counts on ``as_of`` and how its deadlines spread."""
    total: Counter[int] = Counter()
    done: Counter[int] = Counter()
    overdue: Counter[int] = Counter()
    ongoing: Counter[int] = Counter()
    spread: dict[int, Counter[dt.date]] = defaultdict(Counter)
    for task, (status, late) in zip(tasks.tasks, _progress(tasks, history, as_of), strict=True):
        number = task.area
        total[number] += 1
        done[number] += status is Status.DONE
        overdue[number] += late
        if task.deadline is None:
            ongoing[number] += 1
        else:
            spread[number][task.deadline] += 1
    return [
        AreaStats(
            area,
            total=total[area.number],
            done=done[area.number],
            overdue=overdue[area.number],
            deadlines=dict(sorted(spread[area.number].items())),
            ongoing=ongoing[area.number],
        )
        for area in tasks.areas
    ]


class Light(StrEnum):
    """A task's 红黄绿灯 as of a day."""

    ON_TIME = "on_time"  # 🟢 done by its deadline
    LATE = "done_late"  # 🔵 done, after its deadline
    SOON = "due_soon"  # 🟡 not done, due within the warning window
    OVERDUE = "overdue"  # 🔴 not done, past its deadline
    LATER = "not_yet_due"  # ⚪ not done, due after the warning window
    DROPPED = "dropped"  # ⚫ dropped
    ONGOING = "ongoing"  # 🟣 not dropped, and without a deadline (持续推进): counted apart

    @property
    def symbol(self) -> str:
        return _SYMBOLS[self]

    @property
    def label(self) -> str:
        return _LABELS[self]


_SYMBOLS = {
    Light.ON_TIME: "🟢",
    Light.LATE: "🔵",
    Light.SOON: "🟡",
    Light.OVERDUE: "🔴",
    Light.LATER: "⚪",
    Light.DROPPED: "⚫",
    Light.ONGOING: "🟣",
}
_LABELS = {
    Light.ON_TIME: "按时完成",
    Light.LATE: "逾期完成",
    Light.SOON: "临期",
    Light.OVERDUE: "逾期未完成",
    Light.LATER: "未到期",
    Light.DROPPED: "已取消",
    Light.ONGOING: "持续",
}


def light(view: TaskView, warn_days: int) -> Light:
    """The task's light against its deadline in force (a done task's: on its done day)."""
    done = view.done_on.toordinal() if view.done_on is not None else 0
    deadline = view.done_deadline
    day = None if deadline is None else deadline.toordinal()
    return _light(view.status, day, done, view.as_of.toordinal(), warn_days)


def _light(status: Status, deadline: int | None, done: int, as_of: int, warn_days: int) -> Light:
    """The light from day numbers (proleptic ordinals); ``done`` is the day it was done;
    ``deadline`` None for an ongoing task, which has its own light, done or not: it is
    neither on time nor late."""
    if status is Status.DROPPED:
        return Light.DROPPED
    if deadline is None:
        return Light.ONGOING
    if status is Status.DONE:
        return Light.LATE if done > deadline else Light.ON_TIME
    days = deadline - as_of  # not finished: overdue when negative
    if days < 0:
        return Light.OVERDUE
    return Light.SOON if days <= warn_days else Light.LATER


def worst(lights: Counter[Light]) -> Light:
    """An area's or agency's light: the worst of its tasks'."""
    order = (Light.OVERDUE, Light.SOON, Light.LATE, Light.LATER, Light.ONGOING, Light.ON_TIME)
    for candidate in order:
        if lights[candidate]:
            return candidate
    return Light.DROPPED if lights[Light.DROPPED] else Light.LATER


@dataclass(frozen=True)
class Tally:
    """Counts of a set of tasks by status and by light; each adds up to ``total``."""

    total: int
    statuses: dict[Status, int]
    lights: dict[Light, int]

    @property
    def done(self) -> int:
        return self.statuses.get(Status.DONE, 0)

    @property
    def due(self) -> int:
        """The tasks that are done or should be by now: on time, late, or overdue (an
        ongoing task is none of them)."""
        return sum(self.lights.get(k, 0) for k in (Light.ON_TIME, Light.LATE, Light.OVERDUE))

    @property
    def on_time(self) -> int:
        return self.lights.get(Light.ON_TIME, 0)

    @property
    def on_time_rate(self) -> float | None:
        """Of the tasks that are done or should be by now, the share done on time."""
        return self.on_time / self.due if self.due else None

    @property
    def ongoing(self) -> int:
        """The tasks without a deadline (持续推进) that are not dropped."""
        return self.lights.get(Light.ONGOING, 0)

    @property
    def light(self) -> Light:
        return worst(Counter(self.lights))


def _tally(counts: Counter[tuple[Status, Light]]) -> Tally:
    """A tally from counts of (status, light) pairs."""
    statuses: Counter[Status] = Counter()
    lights: Counter[Light] = Counter()
    for (status, lit), n in counts.items():
        statuses[status] += n
        lights[lit] += n
    return Tally(
        sum(counts.values()),
        {s: statuses[s] for s in Status},
        {k: lights[k] for k in Light},
    )


@dataclass(frozen=True)
class Scope:
    """What a report covers: the agencies and areas its tasks were chosen by, if any."""

    agencies: tuple[str, ...] = ()  # canonical names; tasks they have any role in
    areas: tuple[Area, ...] = ()
    role: Role = Role.LEAD  # whom the agency table counts


@dataclass(frozen=True)
class Report:
    as_of: dt.date
    warn_days: int
    overall: Tally
    areas: tuple[tuple[Area, Tally], ...]
    agencies: tuple[tuple[Agency, Tally], ...]
    overdue: tuple[TaskView, ...]  # the most overdue first, as many as the report lists
    scope: Scope = Scope()
    extended: int = 0  # tasks with an extension (延期) standing on as_of
    parts_open: int = 0  # tasks done while the part of an agency of theirs is still open

    @property
    def overdue_unlisted(self) -> int:
        """Overdue tasks counted but not listed (beyond the report's limit)."""
        return self.overall.lights.get(Light.OVERDUE, 0) - len(self.overdue)

    @property
    def empty(self) -> bool:
        """No task was chosen."""
        return self.overall.total == 0


_PAIRS = {(s, k): (s, k) for s in Status for k in Light}
_NAMES: dict[Role, Callable[[Task], tuple[str, ...]]] = {
    Role.LEAD: attrgetter("lead"),
    Role.SUPPORT: attrgetter("support"),
    Role.ANY: lambda t: t.lead + t.support,
}
# Overdue tasks a report lists unless told otherwise: more than the whole 2020
# list holds, so that its report lists them all; a roll-up of many lists is cut.
DEFAULT_LIMIT = 250


def _parts_open(task: Task, parts: Sequence[Part]) -> bool:
    """Whether an agency's part of the task is still open, where parts are tracked at all:
    an office that never records a part (``--agency``) has no open parts to count."""
    sole_lead = task.lead[0] if len(task.lead) == 1 else None
    if all(part.on is None for part in parts if part.agency != sole_lead):
        return False
    return any(part.status not in FINISHED for part in parts)


def build_report(
    tasks: TaskList,
    history: History,
    as_of: dt.date,
    chosen: Sequence[Task],
    warn_days: int = WARN_DAYS,
    role: Role = Role.LEAD,
    *,
    agencies: Sequence[str] = (),
    areas: Sequence[int] = (),
    limit: int = DEFAULT_LIMIT,
) -> Report:
    """The numbers a reform office reports upward, over the ``chosen`` tasks of ``tasks``.

    Each task is counted once overall, once for its area and once for each
    agency it has ``role`` in. ``agencies`` and ``areas`` name what the tasks
    were chosen by, for the report to say; ``limit`` caps the overdue tasks
    listed, the most overdue first (0: all of them). Only those are made into
    TaskViews, so that a report over 100,000 tasks stays quick.
    """
    tracked, parted, progress = history.tracked, history.parted, history.progress
    day = as_of.toordinal()
    # One shared pair per (status, light), not one per task: less for the garbage collector.
    lights = (Light.OVERDUE, Light.SOON, Light.LATER, Light.ONGOING)
    late, soon, later, ongoing = (_PAIRS[Status.TODO, k] for k in lights)
    horizon = _last_soon_day(as_of, warn_days)
    deadlines: dict[int, dt.date] = {}  # the deadline in force of each task an extension moved
    extended = parts_open = 0

    def progressed(task: Task) -> tuple[Status, Light]:
        nonlocal extended, parts_open
        p = progress(task, as_of)
        if p.extensions:
            extended += 1
            if p.deadline is not None:
                deadlines[task.id] = p.deadline
        status = p.status
        if status is Status.DONE and task.id in parted and _parts_open(task, p.parts):
            parts_open += 1
        done = p.done_on.toordinal() if p.done_on is not None else 0
        deadline = p.done_deadline or p.deadline  # a done task's: on its day
        ordinal = None if deadline is None else deadline.toordinal()
        return _PAIRS[status, _light(status, ordinal, done, day, warn_days)]

    def untouched(deadline: dt.date | None) -> tuple[Status, Light]:
        if deadline is None:
            return ongoing
        return late if deadline < as_of else soon if deadline <= horizon else later

    # Most tasks have no events: their light follows from the deadline alone.
    keys = [progressed(t) if t.id in tracked else untouched(t.deadline) for t in chosen]
    overdue = [
        (deadlines.get(t.id) or t.deadline or dt.date.max, t.id, i)
        for i, (t, key) in enumerate(zip(chosen, keys, strict=True))
        if key[1] is Light.OVERDUE
    ]
    overdue.sort()
    shown = [chosen[i] for _, _, i in (overdue[:limit] if limit else overdue)]

    by_area: dict[int, Counter[tuple[Status, Light]]] = defaultdict(Counter)
    for (number, key), n in Counter(zip(map(_AREA, chosen), keys, strict=True)).items():
        by_area[number][key] = n
    # Count by the tuple of agencies first: many tasks share theirs.
    by_agency: dict[str, Counter[tuple[Status, Light]]] = defaultdict(Counter)
    for (names, key), n in Counter(zip(map(_NAMES[role], chosen), keys, strict=True)).items():
        for name in dict.fromkeys(names):
            by_agency[name][key] += n
    area_rows = [(a, _tally(by_area[a.number])) for a in tasks.areas if a.number in by_area]
    agency_rows = [(a, _tally(by_agency[a.name])) for a in tasks.agencies if a.name in by_agency]
    agency_rows.sort(key=lambda pair: (-pair[1].lights[Light.OVERDUE], -pair[1].total))
    return Report(
        as_of=as_of,
        warn_days=warn_days,
        overall=_tally(Counter(keys)),
        areas=tuple(area_rows),
        agencies=tuple(agency_rows),
        overdue=tuple(views(tasks, history, as_of, shown)),
        scope=Scope(tuple(dict.fromkeys(agencies)), _areas_of(tasks, areas), role),
        extended=extended,
        parts_open=parts_open,
    )


_AREA: Callable[[Task], int] = attrgetter("area")


def _last_soon_day(as_of: dt.date, warn_days: int) -> dt.date:
    """The last deadline that shows 🟡 on ``as_of``: ``warn_days`` on, or the calendar's end."""
    try:
        return as_of + dt.timedelta(days=warn_days)
    except OverflowError:
        return dt.date.max if warn_days > 0 else dt.date.min


def _areas_of(tasks: TaskList, numbers: Sequence[int]) -> tuple[Area, ...]:
    chosen = (tasks.area(n) for n in dict.fromkeys(numbers))
    return tuple(a for a in chosen if a)
