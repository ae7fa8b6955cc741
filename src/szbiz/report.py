"""Pure aggregates: counts per agency and per area as of a day."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from szbiz.model import Agency, AgencyKind, Area, Role, Status, TaskList
from szbiz.query import TaskView


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


def agency_stats(
    tasks: TaskList, items: Sequence[TaskView], kinds: Sequence[AgencyKind] = ()
) -> list[AgencyStats]:
    """Every agency (of ``kinds``, if given) with its counts, in registry order."""
    lead: Counter[str] = Counter()
    support: Counter[str] = Counter()
    overdue: Counter[str] = Counter()
    done: Counter[str] = Counter()
    for view in items:
        involved = dict.fromkeys(view.task.lead + view.task.support)
        for name in view.task.lead:
            lead[name] += 1
        for name in view.task.support:
            if name not in view.task.lead:
                support[name] += 1
        for name in involved:
            overdue[name] += view.overdue
            done[name] += view.status is Status.DONE
    return [
        AgencyStats(a, lead[a.name], support[a.name], overdue[a.name], done[a.name])
        for a in tasks.agencies
        if not kinds or a.kind in kinds
    ]


def area_stats(tasks: TaskList, items: Sequence[TaskView]) -> list[AreaStats]:
    """The areas in order, each with its counts and how its deadlines spread."""
    out = []
    for area in tasks.areas:
        mine = [v for v in items if v.task.area == area.number]
        spread = Counter(v.task.deadline for v in mine)
        out.append(
            AreaStats(
                area,
                total=len(mine),
                done=sum(v.status is Status.DONE for v in mine),
                overdue=sum(v.overdue for v in mine),
                deadlines=dict(sorted(spread.items())),
            )
        )
    return out


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
    if view.status is Status.DROPPED:
        return Light.DROPPED
    if view.status is Status.DONE:
        return Light.LATE if view.done_late else Light.ON_TIME
    if view.overdue:
        return Light.OVERDUE
    if view.days_left <= warn_days:
        return Light.SOON
    return Light.LATER


def worst(lights: Counter[Light]) -> Light:
    """An area's or agency's light: the worst of its tasks'."""
    for candidate in (Light.OVERDUE, Light.SOON, Light.LATE, Light.LATER, Light.ON_TIME):
        if lights[candidate]:
            return candidate
    return Light.DROPPED if lights[Light.DROPPED] else Light.LATER


@dataclass(frozen=True)
class Tally:
    """Counts of a set of tasks by status and by light."""

    total: int
    statuses: dict[Status, int]
    lights: dict[Light, int]

    @property
    def done(self) -> int:
        return self.statuses.get(Status.DONE, 0)

    @property
    def on_time_rate(self) -> float | None:
        """Of the tasks that are done or should be by now, the share done on time."""
        counted = sum(self.lights.get(k, 0) for k in (Light.ON_TIME, Light.LATE, Light.OVERDUE))
        return self.lights.get(Light.ON_TIME, 0) / counted if counted else None

    @property
    def light(self) -> Light:
        return worst(Counter(self.lights))


def tally(items: Sequence[TaskView], warn_days: int) -> Tally:
    statuses = Counter(v.status for v in items)
    lights = Counter(light(v, warn_days) for v in items)
    return Tally(
        len(items),
        {s: statuses[s] for s in Status},
        {k: lights[k] for k in Light},
    )


@dataclass(frozen=True)
class Report:
    as_of: dt.date
    warn_days: int
    overall: Tally
    areas: tuple[tuple[Area, Tally], ...]
    agencies: tuple[tuple[Agency, Tally], ...]
    overdue: tuple[TaskView, ...]


def build_report(
    tasks: TaskList,
    items: Sequence[TaskView],
    as_of: dt.date,
    warn_days: int = 30,
    role: Role = Role.LEAD,
) -> Report:
    """The numbers a reform office reports upward, from the views already filtered."""
    areas = []
    for area in tasks.areas:
        mine = [v for v in items if v.task.area == area.number]
        if mine:
            areas.append((area, tally(mine, warn_days)))
    agencies = []
    for agency in tasks.agencies:
        mine = [v for v in items if agency.name in v.task.agencies(role)]
        if mine:
            agencies.append((agency, tally(mine, warn_days)))
    agencies.sort(key=lambda pair: (-pair[1].lights[Light.OVERDUE], -pair[1].total))
    overdue = sorted((v for v in items if v.overdue), key=lambda v: (v.task.deadline, v.task.id))
    return Report(
        as_of=as_of,
        warn_days=warn_days,
        overall=tally(items, warn_days),
        areas=tuple(areas),
        agencies=tuple(agencies),
        overdue=tuple(overdue),
    )
