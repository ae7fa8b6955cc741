"""The task list as frozen dataclasses. No I/O here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Container
from dataclasses import dataclass, field, fields
from enum import StrEnum


class AgencyKind(StrEnum):
    MUNICIPAL = "municipal"  # a bureau, commission or office of the city government
    DISTRICT = "district"  # a district or zone government
    JUDICIAL = "judicial"  # a court, procuratorate or arbitration body
    CENTRAL = "central"  # a central (national) agency's branch in Shenzhen
    ENTERPRISE = "enterprise"  # a state-owned enterprise
    COLLECTIVE = "collective"  # a group such as 各相关单位

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    AgencyKind.MUNICIPAL: "市直部门",
    AgencyKind.DISTRICT: "区（新区）",
    AgencyKind.JUDICIAL: "司法机关",
    AgencyKind.CENTRAL: "驻深单位",
    AgencyKind.ENTERPRISE: "国有企业",
    AgencyKind.COLLECTIVE: "集合",
}


class Status(StrEnum):
    TODO = "todo"
    DOING = "doing"
    DONE = "done"
    BLOCKED = "blocked"
    DROPPED = "dropped"


class Role(StrEnum):
    LEAD = "lead"
    SUPPORT = "support"
    ANY = "any"


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    issuer: str
    year: int
    source: str
    principles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Area:
    number: int
    name: str


@dataclass(frozen=True, slots=True)
class Agency:
    name: str
    kind: AgencyKind
    aliases: tuple[str, ...] = ()
    code: str = ""  # short unique pinyin code, e.g. swj for 市税务局 (typed as swj or sswj)
    alias_codes: tuple[str, ...] = ()  # the initials of other spellings, e.g. zjj for 市住建局


def _about(text: str, optional: bool = False) -> dict[str, object]:
    """A field's description, for the JSON Schema of the list file; an optional field
    is left out of the file when it is empty."""
    return {"about": text, "optional": optional}


@dataclass(frozen=True, slots=True)
class Task:
    """One task of the list. Its fields are declared here once, in the order of the
    list file's keys: the schema, the file, the cache and the JSON follow them."""

    id: int = field(metadata=_about("the official 序号"))
    area: int = field(metadata=_about("所属领域, by number"))
    title: str = field(metadata=_about("the measure up to its first 。"))
    description: str = field(metadata=_about("the rest of the measure"))
    lead: tuple[str, ...] = field(metadata=_about("牵头单位"))
    lead_note: str = field(metadata=_about("qualifier, e.g. 按职责分工负责", optional=True))
    support: tuple[str, ...] = field(metadata=_about("责任单位"))
    support_note: str = field(metadata=_about("qualifier, e.g. 等", optional=True))
    deadline: dt.date = field(metadata=_about("完成时限 as a date (last day of the month)"))
    deadline_text: str = field(metadata=_about("完成时限 as written"))

    @property
    def measure(self) -> str:
        """The measure as the document states it: title, then description."""
        return f"{self.title}。{self.description}" if self.description else self.title

    def agencies(self, role: Role = Role.ANY) -> tuple[str, ...]:
        if role is Role.LEAD:
            return self.lead
        if role is Role.SUPPORT:
            return self.support
        return self.lead + self.support


TASK_FIELDS = fields(Task)


@dataclass(frozen=True)
class TaskList:
    document: Document
    areas: tuple[Area, ...]
    agencies: tuple[Agency, ...]
    tasks: tuple[Task, ...]
    _index: dict[int, int] = field(init=False, repr=False, compare=False)
    _areas: dict[int, Area] = field(init=False, repr=False, compare=False)
    _agencies: dict[str, Agency] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {t.id: i for i, t in enumerate(self.tasks)})
        object.__setattr__(self, "_areas", {a.number: a for a in self.areas})
        object.__setattr__(self, "_agencies", {a.name: a for a in self.agencies})

    def task(self, task_id: int) -> Task | None:
        position = self._index.get(task_id)
        return None if position is None else self.tasks[position]

    def area(self, number: int) -> Area | None:
        return self._areas.get(number)

    def agency(self, name: str) -> Agency | None:
        return self._agencies.get(name)

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(sorted(self._index))


@dataclass(frozen=True, slots=True)
class Event:
    """One line of the progress ledger: a task's status changed on a day."""

    task: int
    status: Status
    on: dt.date  # the day it happened
    by: str  # who recorded it
    at: dt.datetime  # when it was recorded (timezone-aware)
    note: str = ""
    ref: str = ""  # evidence: a document number such as 深府办〔2020〕18号, or a URL


@dataclass(frozen=True)
class History:
    """Every event of the ledger: ``events`` in file order; ``of`` a task's by (on, at)."""

    events: tuple[Event, ...] = ()
    _by_task: dict[int, tuple[Event, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_task: dict[int, list[Event]] = {}
        for event in self.events:
            by_task.setdefault(event.task, []).append(event)
        object.__setattr__(
            self,
            "_by_task",
            # By day, then by when recorded: a git merge (merge=union) may put two
            # branches' lines in either order, and the status must not depend on it.
            # Stable: events recorded at the same second keep their order in the file.
            {k: tuple(sorted(v, key=lambda e: (e.on, e.at))) for k, v in by_task.items()},
        )

    @property
    def tracked(self) -> Container[int]:
        """The ids of the tasks that have events."""
        return self._by_task.keys()

    def of(self, task_id: int) -> tuple[Event, ...]:
        return self._by_task.get(task_id, ())

    def last(self, task_id: int, on: dt.date) -> Event | None:
        """The task's last event on or before ``on``."""
        found = None
        for event in self._by_task.get(task_id, ()):
            if event.on > on:
                break
            found = event
        return found

    def status(self, task_id: int, on: dt.date) -> Status:
        """A task's status on a day: its last event on or before it; todo if none."""
        event = self.last(task_id, on)
        return event.status if event is not None else Status.TODO
