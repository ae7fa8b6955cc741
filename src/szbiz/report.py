"""Pure aggregates: counts per agency and per area as of a day."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from operator import attrgetter, itemgetter

from szbiz.model import Agency, AgencyKind, Area, Head, History, Role, Status, TaskList
from szbiz.query import FINISHED, TaskView, views


@dataclass(frozen=True)
class AgencyStats:
    agency: Agency
    lead: int = 0
    support: int = 0
    overdue: int = 0
    done: int = 0

    @property
    def total(self) -> int:
        return self.lead + self.support


@dataclass(frozen=True)
class AreaStats:
    area: Area
    total: int = 0
    done: int = 0
    overdue: int = 0
    deadlines: dict[dt.date, int] = field(default_factory=dict)


def _progress(tasks: TaskList, history: History, as_of: dt.date) -> list[tuple[Status, bool]]:
    """Every task's (status, overdue) on ``as_of``, in list order, from heads and ledger."""
    day = as_of.toordinal()
    tracked, status_of = history.tracked, history.status
    todo = Status.TODO
    out = []
    for task_id, _, deadline, _, _ in tasks.heads:
        status = status_of(task_id, as_of) if task_id in tracked else todo
        out.append((status, status not in FINISHED and day > deadline))
    return out


def agency_stats(
    tasks: TaskList, history: History, as_of: dt.date, kinds: Sequence[AgencyKind] = ()
) -> list[AgencyStats]:
    """Every agency (of ``kinds``, if given) with its counts on ``as_of``, in registry order."""
    lead: Counter[str] = Counter()
    support: Counter[str] = Counter()
    overdue: Counter[str] = Counter()
    done: Counter[str] = Counter()
    # Count by the agencies and the state first: many tasks share them.
    shapes = Counter(
        (head[3], head[4], status is Status.DONE, late)
        for head, (status, late) in zip(tasks.heads, _progress(tasks, history, as_of), strict=True)
    )
    for (leads, supports, finished, late), n in shapes.items():
        for name in leads:
            lead[name] += n
        for name in supports:
            if name not in leads:
                support[name] += n
        for name in dict.fromkeys(leads + supports):
            overdue[name] += n * late
            done[name] += n * finished
    return [
        AgencyStats(a, lead[a.name], support[a.name], overdue[a.name], done[a.name])
        for a in tasks.agencies
        if not kinds or a.kind in kinds
    ]


def area_stats(tasks: TaskList, history: History, as_of: dt.date) -> list[AreaStats]:
    """The areas in order, each with its counts on ``as_of`` and how its deadlines spread."""
    total: Counter[int] = Counter()
    done: Counter[int] = Counter()
    overdue: Counter[int] = Counter()
    spread: dict[int, Counter[int]] = defaultdict(Counter)
    for head, (status, late) in zip(tasks.heads, _progress(tasks, history, as_of), strict=True):
        number = head[1]
        total[number] += 1
        done[number] += status is Status.DONE
        overdue[number] += late
        spread[number][head[2]] += 1
    return [
        AreaStats(
            area,
            total=total[area.number],
            done=done[area.number],
            overdue=overdue[area.number],
            deadlines={
                dt.date.fromordinal(day): n for day, n in sorted(spread[area.number].items())
            },
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
}
_LABELS = {
    Light.ON_TIME: "按时完成",
    Light.LATE: "逾期完成",
    Light.SOON: "临期",
    Light.OVERDUE: "逾期未完成",
    Light.LATER: "未到期",
    Light.DROPPED: "已取消",
}


def light(view: TaskView, warn_days: int) -> Light:
    done = view.done_on.toordinal() if view.done_on is not None else 0
    return _light(
        view.status, view.task.deadline.toordinal(), done, view.as_of.toordinal(), warn_days
    )


def _light(status: Status, deadline: int, done: int, as_of: int, warn_days: int) -> Light:
    """The light from day numbers (proleptic ordinals); ``done`` is the day it was done."""
    if status is Status.DROPPED:
        return Light.DROPPED
    if status is Status.DONE:
        return Light.LATE if done > deadline else Light.ON_TIME
    days = deadline - as_of  # not finished: overdue when negative
    if days < 0:
        return Light.OVERDUE
    return Light.SOON if days <= warn_days else Light.LATER


def worst(lights: Counter[Light]) -> Light:
    """An area's or agency's light: the worst of its tasks'."""
    for candidate in (Light.OVERDUE, Light.SOON, Light.LATE, Light.LATER, Light.ON_TIME):
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
        """The tasks that are done or should be by now: on time, late, or overdue."""
        return sum(self.lights.get(k, 0) for k in (Light.ON_TIME, Light.LATE, Light.OVERDUE))

    @property
    def on_time(self) -> int:
        return self.lights.get(Light.ON_TIME, 0)

    @property
    def on_time_rate(self) -> float | None:
        """Of the tasks that are done or should be by now, the share done on time."""
        return self.on_time / self.due if self.due else None

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


def tally(items: Sequence[TaskView], warn_days: int) -> Tally:
    return _tally(Counter((v.status, light(v, warn_days)) for v in items))


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

    @property
    def overdue_unlisted(self) -> int:
        """Overdue tasks counted but not listed (beyond the report's limit)."""
        return self.overall.lights.get(Light.OVERDUE, 0) - len(self.overdue)

    @property
    def empty(self) -> bool:
        """No task was chosen."""
        return self.overall.total == 0


_PAIRS = {(s, k): (s, k) for s in Status for k in Light}
_AREA: Callable[[TaskView], int] = attrgetter("task.area")
_NAMES: dict[Role, Callable[[TaskView], tuple[str, ...]]] = {
    Role.LEAD: attrgetter("task.lead"),
    Role.SUPPORT: attrgetter("task.support"),
    Role.ANY: lambda v: v.task.lead + v.task.support,
}
# Overdue tasks a report lists unless told otherwise: more than the whole 2020
# list holds, so that its report lists them all; a roll-up of many lists is cut.
DEFAULT_LIMIT = 250


def build_report(
    tasks: TaskList,
    items: Sequence[TaskView],
    as_of: dt.date,
    warn_days: int = 30,
    role: Role = Role.LEAD,
    *,
    agencies: Sequence[str] = (),
    areas: Sequence[int] = (),
    limit: int = 0,
) -> Report:
    """The numbers a reform office reports upward, from the views already filtered.

    ``agencies`` and ``areas`` name what the views were chosen by, for the
    report to say; ``limit`` caps the overdue tasks listed (0: all of them).
    """
    # One shared pair per (status, light), not one per task: less for the garbage collector.
    keys = [_PAIRS[v.status, light(v, warn_days)] for v in items]
    overdue = [v for v, (_, lit) in zip(items, keys, strict=True) if lit is Light.OVERDUE]
    overdue.sort(key=lambda v: (v.task.deadline, v.task.id))
    return _assemble(
        tasks,
        as_of,
        warn_days,
        role,
        keys,
        list(map(_AREA, items)),
        list(map(_NAMES[role], items)),
        overdue[:limit] if limit else overdue,
        Scope(tuple(dict.fromkeys(agencies)), _areas_of(tasks, areas), role),
    )


def report_of(
    tasks: TaskList,
    history: History,
    as_of: dt.date,
    positions: Sequence[int],
    warn_days: int = 30,
    role: Role = Role.LEAD,
    *,
    agencies: Sequence[str] = (),
    areas: Sequence[int] = (),
    limit: int = DEFAULT_LIMIT,
) -> Report:
    """The report over the tasks at ``positions`` in ``tasks``, as ``build_report`` makes it.

    Counted from the tasks' heads and the ledger alone: only the overdue tasks
    listed are made into Tasks, so a report over 100,000 tasks stays quick.
    """
    heads = tasks.heads
    day = as_of.toordinal()
    tracked, last = history.tracked, history.last

    def progressed(task_id: int, deadline: int) -> tuple[Status, Light]:
        event = last(task_id, as_of)
        if event is None:
            return _PAIRS[Status.TODO, _light(Status.TODO, deadline, 0, day, warn_days)]
        done = event.on.toordinal() if event.status is Status.DONE else 0
        return _PAIRS[event.status, _light(event.status, deadline, done, day, warn_days)]

    late, soon, later = (_PAIRS[Status.TODO, k] for k in (Light.OVERDUE, Light.SOON, Light.LATER))
    chosen = [heads[p] for p in positions]
    # Most tasks have no events: their light follows from the deadline alone.
    keys = [
        progressed(h[0], h[2])
        if h[0] in tracked
        else (late if h[2] < day else soon if h[2] - day <= warn_days else later)
        for h in chosen
    ]
    area_of = [h[1] for h in chosen]
    names_of = list(map(_HEAD_NAMES[role], chosen))
    overdue = [
        (h[2], h[0], p)  # (deadline, id, position)
        for p, h, key in zip(positions, chosen, keys, strict=True)
        if key[1] is Light.OVERDUE
    ]
    overdue.sort()
    shown = overdue[:limit] if limit else overdue
    return _assemble(
        tasks,
        as_of,
        warn_days,
        role,
        keys,
        area_of,
        names_of,
        views(tasks, history, as_of, [tasks.tasks[p] for _, _, p in shown]),
        Scope(tuple(dict.fromkeys(agencies)), _areas_of(tasks, areas), role),
    )


_HEAD_NAMES: dict[Role, Callable[[Head], tuple[str, ...]]] = {
    Role.LEAD: itemgetter(3),
    Role.SUPPORT: itemgetter(4),
    Role.ANY: lambda h: h[3] + h[4],
}


def _areas_of(tasks: TaskList, numbers: Sequence[int]) -> tuple[Area, ...]:
    chosen = (tasks.area(n) for n in dict.fromkeys(numbers))
    return tuple(a for a in chosen if a)


def _assemble(
    tasks: TaskList,
    as_of: dt.date,
    warn_days: int,
    role: Role,
    keys: Sequence[tuple[Status, Light]],
    area_of: Sequence[int],
    names_of: Sequence[tuple[str, ...]],
    overdue: Sequence[TaskView],
    scope: Scope,
) -> Report:
    """The report from each chosen task's (status, light), area and agencies.

    Each task is counted once overall, once for its area and once for each
    agency it has the scope's role in.
    """
    by_area: dict[int, Counter[tuple[Status, Light]]] = defaultdict(Counter)
    for (number, key), n in Counter(zip(area_of, keys, strict=True)).items():
        by_area[number][key] = n
    # Count by the tuple of agencies first: many tasks share theirs.
    by_agency: dict[str, Counter[tuple[Status, Light]]] = defaultdict(Counter)
    for (names, key), n in Counter(zip(names_of, keys, strict=True)).items():
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
        overdue=tuple(overdue),
        scope=scope,
    )
