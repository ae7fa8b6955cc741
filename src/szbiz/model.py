"""The task list as frozen dataclasses. No I/O here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, field, fields
from enum import StrEnum
from functools import partial

from szbiz.i18n import N_


class AgencyKind(StrEnum):
    MUNICIPAL = "municipal"  # a bureau, commission or office of the city government
    DISTRICT = "district"  # a district or zone government
    JUDICIAL = "judicial"  # a court, procuratorate or arbitration body
    CENTRAL = "central"  # a central (national) agency's branch in Shenzhen
    ENTERPRISE = "enterprise"  # a state-owned enterprise
    COLLECTIVE = "collective"  # a group such as 各相关单位
    NATIONAL = "national"  # a ministry, commission or administration of the State Council
    PROVINCIAL = "provincial"  # a department of a provincial government
    UNKNOWN = "unknown"  # a name that tells nothing of its kind

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
    AgencyKind.NATIONAL: "国家部委",
    AgencyKind.PROVINCIAL: "省直部门",
    AgencyKind.UNKNOWN: "未分类",
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

    id: int = field(metadata=_about(N_("the official 序号")))
    area: int = field(metadata=_about(N_("所属领域, by number")))
    title: str = field(metadata=_about(N_("the measure up to its first 。")))
    description: str = field(metadata=_about(N_("the rest of the measure")))
    lead: tuple[str, ...] = field(metadata=_about(N_("牵头单位")))
    lead_note: str = field(metadata=_about(N_("qualifier, e.g. 按职责分工负责"), optional=True))
    support: tuple[str, ...] = field(metadata=_about(N_("责任单位")))
    support_note: str = field(metadata=_about(N_("qualifier, e.g. 等"), optional=True))
    deadline: dt.date | None = field(
        metadata=_about(
            N_("完成时限 as a date (last day of the month); left out for an ongoing task"),
            optional=True,
        )
    )
    deadline_text: str = field(metadata=_about(N_("完成时限 as written")))
    extra: tuple[tuple[str, str], ...] = field(
        default=(),
        metadata=_about(N_("the source's other columns, by header, as written"), optional=True),
    )

    @property
    def ongoing(self) -> bool:
        """A task without a date to meet (持续推进, 长期坚持, or none stated)."""
        return self.deadline is None

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


class Kind(StrEnum):
    """What an event of the ledger records."""

    STATUS = "status"  # a task's (or one agency's part's) status changed
    NOTE = "note"  # a progress note (进展情况), no change of status
    EXTEND = "extend"  # an extension (延期): a new deadline in force from its day
    UNDO = "undo"  # a retraction: withdraws an earlier event, named by its id


@dataclass(frozen=True, slots=True)
class Event:
    """One line of the progress ledger: a task's status changed on a day, or a note,
    an extension or a retraction was recorded for it."""

    task: int
    status: Status | None  # None for a note, an extension or a retraction
    on: dt.date  # the day it happened (a retraction's: the day it was withdrawn)
    by: str  # who recorded it
    at: dt.datetime  # when it was recorded (timezone-aware)
    note: str = ""
    ref: str = ""  # evidence: a document number such as 深府办〔2020〕18号, or a URL
    agency: str = ""  # whose part it records; "" = the task itself
    to: dt.date | None = None  # an extension's new deadline
    undo: str = ""  # a retraction's: the id of the event it withdraws

    @property
    def kind(self) -> Kind:
        if self.status is not None:
            return Kind.STATUS
        if self.to is not None:
            return Kind.EXTEND
        if self.undo:
            return Kind.UNDO
        return Kind.NOTE


def event_id(event: Event) -> str:
    """An event's identity: 16 lowercase hex digits of a hash of all its fields.

    The same event has the same id wherever it is, so a retraction that names it
    still does after a union merge of two branches.
    """
    import xxhash

    fields_ = (
        str(event.task),
        event.kind.value,
        event.status.value if event.status is not None else "",
        event.to.isoformat() if event.to is not None else "",
        event.undo,
        event.agency,
        event.on.isoformat(),
        event.by,
        event.at.isoformat(),
        event.note,
        event.ref,
    )
    text = "\x1f".join(fields_).encode("utf-8", "surrogatepass")
    return xxhash.xxh3_64_hexdigest(text)


@dataclass(frozen=True, slots=True)
class Part:
    """One agency's part of a task, as of a day."""

    agency: str
    role: Role  # Role.LEAD or Role.SUPPORT
    status: Status  # TODO when nothing was recorded
    on: dt.date | None  # the day of the event that gave it this status; None if TODO by default


@dataclass(frozen=True, slots=True)
class Progress:
    """A task as the ledger has it on a day. Its ``parts`` are made when first asked for,
    and are left out of ``==``: they follow from the task and the same events.

    The task's status is its own: its last standing status event without an agency
    (or naming its single lead). A task with several leads is also done when every
    lead's part is done, on the latest of their parts' days: the event that made the
    last of them done counts as a done of the task's own, placed among its own events
    by (on, at). So a status of its own recorded after it (reopen, start, block)
    says otherwise; one recorded before it is overruled; and a done of its own, before
    or after, keeps the earlier done day.

    A done task is late when it was done after ``done_deadline``, the deadline in force
    on its done day: an extension granted after it was done does not make it on time.
    """

    status: Status
    last: Event | None  # the standing status event that sets the task's status
    done_on: dt.date | None  # the day of the event that made it done; later evidence keeps it
    deadline: dt.date | None  # the deadline in force on that day; None: an ongoing task
    extensions: tuple[Event, ...]  # standing extensions recorded on or before the day
    notes: tuple[Event, ...]  # standing progress notes, by (on, at)
    withdrawn: frozenset[str]  # ids of the events withdrawn as of the day
    since: dt.date | None = None  # the day the task took its status (done: done_on)
    # A done task's deadline in force on its done day, which its lateness is judged by;
    # None unless done.
    done_deadline: dt.date | None = None
    # The parts, or how to make them (for a task without events: the task), made when
    # first asked for: most views never ask, and a long list has many.
    _parts: tuple[Part, ...] | Task | Callable[[], tuple[Part, ...]] = field(
        default=(), compare=False, repr=False
    )

    @property
    def parts(self) -> tuple[Part, ...]:
        """Every lead then support agency's part of the task, in the task's order."""
        made = self._parts
        if isinstance(made, tuple):
            return made
        made = _parts(made, None, (), {}) if isinstance(made, Task) else made()
        object.__setattr__(self, "_parts", made)
        return made


def _parts(
    task: Task, lead: str | None, own: Sequence[Event], by_agency: dict[str, list[Event]]
) -> tuple[Part, ...]:
    """Each agency's part: the single lead's is the task's own status."""
    parts = []
    for name in dict.fromkeys(task.lead + task.support):
        role = Role.LEAD if name in task.lead else Role.SUPPORT
        mine = own if name == lead else by_agency.get(name, ())
        status = mine[-1].status if mine else None
        parts.append(Part(name, role, status or Status.TODO, _run_start(mine)))
    return tuple(parts)


def _run_start(events: Sequence[Event]) -> dt.date | None:
    """The day of the first of the final unbroken run of events with the last one's status."""
    if not events:
        return None
    status, start = events[-1].status, events[-1].on
    for event in reversed(events):
        if event.status is not status:
            break
        start = event.on
    return start


def _untouched(task: Task) -> Progress:
    """The progress of a task with no events."""
    return Progress(Status.TODO, None, None, task.deadline, (), (), _NONE, _parts=task)


_NONE: frozenset[str] = frozenset()


@dataclass(frozen=True)
class History:
    """Every event of the ledger: ``events`` in file order; ``of`` a task's by (on, at)."""

    events: tuple[Event, ...] = ()
    _by_task: dict[int, tuple[Event, ...]] = field(init=False, repr=False, compare=False)
    _ids: dict[str, Event] = field(init=False, repr=False, compare=False)
    _parted: frozenset[int] = field(init=False, repr=False, compare=False)

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
        object.__setattr__(self, "_ids", {})
        object.__setattr__(self, "_parted", frozenset(e.task for e in self.events if e.agency))

    @property
    def tracked(self) -> Container[int]:
        """The ids of the tasks that have events."""
        return self._by_task.keys()

    @property
    def parted(self) -> Container[int]:
        """The ids of the tasks with an event of one agency's part (``--agency``)."""
        return self._parted

    def of(self, task_id: int) -> tuple[Event, ...]:
        """Every event of a task, retractions and withdrawn ones too, by (on, at)."""
        return self._by_task.get(task_id, ())

    def by_id(self, event_id_: str) -> Event | None:
        """The event with this id (see :func:`event_id`), if the ledger has it."""
        if not self._ids and self.events:
            self._ids.update((event_id(e), e) for e in reversed(self.events))
        return self._ids.get(event_id_)

    def _until(self, task_id: int, on: dt.date) -> tuple[list[Event], frozenset[str]]:
        """A task's events on or before ``on`` that still stand then (retractions left
        out), and the ids withdrawn by then."""
        events: list[Event] = []
        named: set[str] = set()
        for event in self._by_task.get(task_id, ()):
            if event.on > on:
                break
            if event.undo and event.status is None and event.to is None:
                named.add(event.undo)
            else:
                events.append(event)
        if not named:
            return events, frozenset()
        withdrawn = frozenset(i for i in map(event_id, events) if i in named)
        return [e for e in events if event_id(e) not in withdrawn], withdrawn

    def standing(self, task_id: int, on: dt.date = dt.date.max) -> tuple[Event, ...]:
        """A task's events on or before ``on`` that still stand then, by (on, at):
        retractions, and the events they withdrew by then, left out."""
        return tuple(self._until(task_id, on)[0])

    def last(self, task_id: int, on: dt.date) -> Event | None:
        """The task's last standing status event on or before ``on`` that records the task
        itself (no agency; :meth:`progress` also counts its single lead's)."""
        events, _ = self._until(task_id, on)
        for event in reversed(events):
            if event.status is not None and not event.agency:
                return event
        return None

    def status(self, task_id: int, on: dt.date) -> Status:
        """A task's status on a day by :meth:`last`; todo if none."""
        event = self.last(task_id, on)
        return event.status if event is not None and event.status else Status.TODO

    def progress(self, task: Task, as_of: dt.date) -> Progress:
        """The task as the ledger has it on ``as_of``: only events on or before it count."""
        if task.id not in self._by_task:  # most tasks: nothing recorded yet
            return _untouched(task)
        events, withdrawn = self._until(task.id, as_of)
        lead = task.lead[0] if len(task.lead) == 1 else None
        own: list[Event] = []
        by_agency: dict[str, list[Event]] = {}
        notes: list[Event] = []
        extensions: list[Event] = []
        for event in events:
            if event.status is not None:
                if not event.agency or event.agency == lead:
                    own.append(event)
                else:
                    by_agency.setdefault(event.agency, []).append(event)
            elif event.to is not None:
                extensions.append(event)
            else:
                notes.append(event)
        counted: Sequence[Event] = own
        finished = _leads_done(task, by_agency) if lead is None and by_agency else None
        if finished is not None:
            # Several leads, each done: the event that made the last of them done counts
            # as a done of the task's own, among its own events by (on, at).
            key = (finished.on, finished.at)
            earlier = [e for e in own if (e.on, e.at) <= key]
            counted = [*earlier, finished, *own[len(earlier) :]]
        last = counted[-1] if counted else None
        status = last.status if last is not None and last.status else Status.TODO
        since = _run_start(counted)
        done_on = since if status is Status.DONE else None
        return Progress(
            status=status,
            last=last,
            done_on=done_on,
            deadline=_deadline_on(task, extensions, as_of),
            extensions=tuple(extensions),
            notes=tuple(notes),
            withdrawn=withdrawn,
            since=since,
            done_deadline=None if done_on is None else _deadline_on(task, extensions, done_on),
            _parts=partial(_parts, task, lead, own, by_agency),
        )


def _deadline_on(task: Task, extensions: Sequence[Event], day: dt.date) -> dt.date | None:
    """The deadline in force on ``day``: the ``to`` of the last of ``extensions`` (by (on,
    at)) recorded on or before it, else the task's own. An ongoing task has none to move:
    an extension written for it (by hand; ``extend`` refuses) does not give it one."""
    if task.deadline is None:
        return None
    for extension in reversed(extensions):
        if extension.on <= day and extension.to is not None:
            return extension.to
    return task.deadline


def _leads_done(task: Task, by_agency: dict[str, list[Event]]) -> Event | None:
    """When every lead's part is done: the event that made the last of them done (the
    latest, by (on, at), of the first events of their final runs of done); None while a
    lead's part is not done."""
    latest: Event | None = None
    for name in task.lead:
        mine = by_agency.get(name)
        if not mine or mine[-1].status is not Status.DONE:
            return None
        first = mine[-1]
        for event in reversed(mine):  # the first of the final run of done events
            if event.status is not Status.DONE:
                break
            first = event
        if latest is None or (first.on, first.at) > (latest.on, latest.at):
            latest = first
    return latest
