"""Pure aggregates: counts per agency and per area as of a day."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from szbiz.model import Agency, AgencyKind, Area, Status, TaskList
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
