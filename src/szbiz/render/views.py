"""Tasks, agencies and areas as sheets; one task in full."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

from szbiz.i18n import _, lang, ngettext
from szbiz.model import Event, Kind, Part, Role, Status, TaskList, event_id
from szbiz.query import OVERDUE, TaskView, role_counts
from szbiz.render.sheet import Column, Sheet, Style, rows_of, to_json

if TYPE_CHECKING:
    from szbiz.report import AgencyStats, AreaStats

STATE_LABELS = {
    Status.TODO.value: "未开始",
    Status.DOING.value: "进行中",
    Status.DONE.value: "已完成",
    Status.BLOCKED.value: "受阻",
    Status.DROPPED.value: "已取消",
    OVERDUE: "逾期",
}


# An ongoing task (no deadline) whose source states none: what its deadline cell says,
# in the document's Chinese on every sheet and export, as the status labels are.
NO_DEADLINE = "无时限"


def deadline_words(view: TaskView) -> str:
    """An ongoing task's deadline as sheets and exports show it: as written (持续推进), or
    无时限 when the source states nothing."""
    return view.task.deadline_text or NO_DEADLINE


def status_label(code: str) -> str:
    """A status (``done``) as a person reads it in a line of text: its code in English, its
    label (已完成) in Chinese. Tables show the label in both."""
    return code if lang() == "en" else STATE_LABELS.get(code, code)


def state_label(view: TaskView) -> str:
    """``未开始``, ``进行中``, …; past the deadline ``逾期`` (not started), ``进行中·逾期``,
    ``受阻·逾期``; ``已完成(逾期)`` when done after it."""
    if view.done_late:
        return "已完成(逾期)"
    if view.overdue and view.status is not Status.TODO:
        return f"{STATE_LABELS[view.status.value]}·{STATE_LABELS[OVERDUE]}"
    return STATE_LABELS[view.state]


# A task as of the day: what the sheets show of it, and ``show --json`` prints.
TASK_COLUMNS = (
    Column("id", "序号", justify="right", source="task.id"),
    Column("area", "领域", justify="right", text=True, source="task.area"),
    Column("area_name", "领域名称", table=False),
    Column("title", "措施", flexible=True, source="task.title"),
    Column("description", "描述", table=False, source="task.description"),
    Column("lead", "牵头单位", flexible=True, source="task.lead"),
    Column("lead_note", "牵头备注", table=False, source="task.lead_note"),
    Column("support", "责任单位", table=False, source="task.support"),
    Column("support_note", "责任备注", table=False, source="task.support_note"),
    # In force: an extension's (延期) if any; an ongoing task's is None, shown as its words.
    Column("deadline", "完成时限", instead="deadline_words"),
    Column("deadline_text", "完成时限原文", table=False, source="task.deadline_text"),
    Column("deadline_original", "原完成时限", table=False),  # the document's
    Column("status", "状态码", table=False, source="status.value"),
    Column("overdue", "逾期", table=False),
    Column("days_left", "剩余天数", table=False),
    Column("done_on", "完成日期", table=False),
    # Only in ``show --json``.
    Column("done_late", "", table=False, text=False),
    Column("note", "", table=False, text=False, source=lambda v: v.last.note if v.last else ""),
    Column("ref", "", table=False, text=False, source=lambda v: v.last.ref if v.last else ""),
    Column("state_label", "状态", text=False, source=state_label),
    # Only in ``show --json`` (and what the sheets show for an ongoing task's deadline).
    Column("ongoing", "", table=False, text=False, source="task.ongoing"),
    Column("extra", "", table=False, text=False, source=lambda v: dict(v.task.extra)),
    Column("deadline_words", "", table=False, text=False, source=deadline_words),
)


def tasks_footer(items: Sequence[TaskView], agencies: Sequence[str] = ()) -> str:
    """``19 tasks · 市税务局 (lead 13, support 6)``."""
    count = len(items)
    parts = [ngettext("{count} task", "{count} tasks", count).format(count=count)]
    for name in agencies:
        lead, support = role_counts(items, name)
        parts.append(
            _("{agency} (lead {lead}, support {support})").format(
                agency=name, lead=lead, support=support
            )
        )
    overdue = sum(v.overdue for v in items)
    if overdue:
        parts.append(_("{count} overdue").format(count=overdue))
    return " · ".join(parts)


def tasks_sheet(items: Sequence[TaskView], footer: str = "") -> Sheet:
    return Sheet(TASK_COLUMNS, rows_of(TASK_COLUMNS, items), footer)


AGENCY_COLUMNS = (
    Column("name", "单位", source="agency.name"),
    Column("kind", "类型", table=False, source="agency.kind.value"),
    Column("kind_label", "类型", text=False, source="agency.kind.label"),
    Column("code", "拼音", table=True, source="agency.code"),
    Column("lead", "牵头", justify="right"),
    Column("support", "责任", justify="right"),
    Column("total", "合计", justify="right"),
    Column("overdue", "逾期", justify="right"),
    Column("aliases", "别名", flexible=True, source="agency.aliases"),
)


def agencies_sheet(stats: Sequence[AgencyStats]) -> Sheet:
    count = len(stats)
    footer = ngettext("{count} agency", "{count} agencies", count).format(count=count)
    return Sheet(AGENCY_COLUMNS, rows_of(AGENCY_COLUMNS, stats), footer, id_key="name")


def _spread(stats: AreaStats) -> str:
    """``6月:12 12月:3``, and ``持续:2`` for the tasks without a deadline."""
    months = [f"{d.month}月:{n}" for d, n in stats.deadlines.items()]
    return " ".join([*months, f"持续:{stats.ongoing}"] if stats.ongoing else months)


AREA_COLUMNS = (
    Column("number", "序号", justify="right", source="area.number"),
    Column("name", "领域", flexible=True, source="area.name"),
    Column("tasks", "任务", justify="right", source="total"),
    Column("done", "完成", justify="right"),
    Column("overdue", "逾期", justify="right"),
    Column("first_deadline", "最早时限", source=lambda s: min(s.deadlines, default=None)),
    Column("last_deadline", "最晚时限", source=lambda s: max(s.deadlines, default=None)),
    Column("spread", "时限分布", flexible=True, source=_spread),
)


def areas_sheet(stats: Sequence[AreaStats]) -> Sheet:
    footer = _("{areas} areas · {tasks} tasks").format(
        areas=len(stats), tasks=sum(s.total for s in stats)
    )
    return Sheet(AREA_COLUMNS, rows_of(AREA_COLUMNS, stats), footer, id_key="number")


def _days(view: TaskView) -> str:
    deadline = view.done_deadline
    if view.status is Status.DONE and view.done_on is not None:
        day = view.done_on.isoformat()
        if deadline is None:
            return _("done on {day}").format(day=day)
        late = (view.done_on - deadline).days
        if late > 0:
            return ngettext(
                "done on {day}, {count} day late", "done on {day}, {count} days late", late
            ).format(day=day, count=late)
        return _("done on {day}, on time").format(day=day)
    days = view.days_left
    if days is None:
        return _("ongoing")
    if days > 0:
        return ngettext("{count} day left", "{count} days left", days).format(count=days)
    if days == 0:
        return _("due today")
    return ngettext("{count} day late", "{count} days late", -days).format(count=-days)


def task_detail(view: TaskView, tasks: TaskList, history: Sequence[Any], style: Style) -> str:
    """Everything about one task, for ``szbiz show``: a key and its value a line, folded to fit."""
    from szbiz.render.table import Col, draw

    task = view.task

    def agencies(names: Sequence[str], note: str) -> str:
        if not names:
            return "—"
        found = [(name, tasks.agency(name)) for name in names]
        parts = [f"{name} ({agency.kind.label})" if agency else name for name, agency in found]
        return "、".join(parts) + (f" {note}" if note else "")

    rows = [
        ("序号", str(task.id)),
        ("领域", f"{task.area} {view.area_name}"),
        ("措施", task.title),
    ]
    if task.description:
        rows.append(("", task.description))
    if task.deadline is None:  # ongoing: no extension moves a date it does not have
        deadline = task.deadline_text or _("no deadline")
    elif view.extended and view.deadline is not None:
        original = f"{task.deadline_text} {task.deadline.isoformat()}"
        deadline = _("{day} (延期; 原 {original})").format(
            day=view.deadline.isoformat(), original=original
        )
    else:
        deadline = f"{task.deadline_text} ({task.deadline.isoformat()})"
    rows += [
        ("牵头单位", agencies(task.lead, task.lead_note)),
        ("责任单位", agencies(task.support, task.support_note)),
        ("完成时限", f"{deadline} · {_days(view)}"),
        *task.extra,  # the source's other columns, by their headers
        (
            "状态",
            _("{label} ({state}) as of {day}").format(
                label=state_label(view), state=view.state, day=view.as_of.isoformat()
            ),
        ),
    ]
    latest = latest_note(view)
    if latest is not None:
        rows.append(("进展", _noted(latest)))
    if len(view.parts) > 1:
        for i, part in enumerate(view.parts):
            rows.append(("分工" if i == 0 else "", part_text(part)))
    withdrawn = view.progress.withdrawn
    for i, event in enumerate(history):
        line = event_line(event)
        if event_id(event) in withdrawn:
            line += _(" (已撤回 withdrawn)")
        rows.append(("历史" if i == 0 else "", line))
    columns = (Col(bold=True), Col(wrap=True))
    return draw(columns, list(zip(*rows, strict=True)), style.width, style.color, plain=style.plain)


ROLE_LABELS = {Role.LEAD: "牵头", Role.SUPPORT: "配合"}


def part_text(part: Part) -> str:
    """``市税务局 牵头 done 2020-05-20``; ``市财政局 配合 todo`` when nothing is recorded."""
    role = ROLE_LABELS.get(part.role, part.role.value)
    text = f"{part.agency} {role} {status_label(part.status.value)}"
    return f"{text} {part.on.isoformat()}" if part.on is not None else text


def parts_text(view: TaskView) -> str:
    """Every agency's part, for a sheet's cell: ``市口岸办 进行中、深圳海关 已完成``; nothing
    for a task of one agency, whose part is the task's status."""
    if len(view.parts) < 2:
        return ""
    return "、".join(f"{p.agency} {STATE_LABELS[p.status.value]}" for p in view.parts)


def latest_note(view: TaskView) -> Event | None:
    """The latest progress as of the day: the last standing note, or the note of the
    status event that sets the task's status if that is later."""
    candidates = [e for e in (*view.notes[-1:], view.last) if e is not None and e.note]
    return max(candidates, key=lambda e: (e.on, e.at), default=None)


def _noted(event: Event) -> str:
    """``2020-06-20 已完成系统开发 (深圳海关) · 深税发〔2020〕30号``."""
    part = f" ({event.agency})" if event.agency else ""
    return " · ".join(p for p in (f"{event.on.isoformat()} {event.note}{part}", event.ref) if p)


KIND_LABELS = {Kind.NOTE.value: "进展", Kind.EXTEND.value: "延期", Kind.UNDO.value: "撤回"}


def event_what(e: Event) -> str:
    """``done``, ``note``, ``extend to 2020-09-30``, ``undo 3f9a0c1e``: what an event did, as
    a person reads it (``已完成``, ``延期至 2020-09-30`` in Chinese)."""
    if e.status is not None:
        return status_label(e.status.value)
    if e.to is not None:
        return _("extend to {day}").format(day=e.to.isoformat())
    if e.kind is Kind.UNDO:
        return _("undo {event}").format(event=e.undo[:8])
    return e.kind.value if lang() == "en" else KIND_LABELS.get(e.kind.value, e.kind.value)


def event_line(e: Event) -> str:
    """One line of ``show``'s history: ``3f9a0c1e 2020-05-20 done by 张三 · note · ref``."""
    part = f" ({e.agency})" if e.agency else ""
    what = _("{event} {day} {what}{part} by {who}").format(
        event=event_id(e)[:8], day=e.on.isoformat(), what=event_what(e), part=part, who=e.by
    )
    return " · ".join(part for part in (what, e.note, e.ref) if part)


def _event(e: Event, withdrawn: Collection[str] = ()) -> dict[str, Any]:
    """An event as ``show --json`` lists it, and as the rows of ``log`` hold it."""
    number = event_id(e)
    return {
        "id": number,
        "kind": e.kind.value,
        "on": e.on,
        "status": e.status.value if e.status is not None else None,
        "agency": e.agency,
        "to": e.to,
        "undo": e.undo,
        "by": e.by,
        "note": e.note,
        "ref": e.ref,
        "at": e.at.isoformat(),
        "withdrawn": number in withdrawn,
    }


def task_json(view: TaskView, history: Sequence[Event]) -> str:
    (row,) = rows_of(TASK_COLUMNS, [view])
    del row["state_label"], row["deadline_words"]
    row["extended"] = view.extended
    row["extensions"] = [
        {"to": e.to, "on": e.on, "ref": e.ref, "note": e.note} for e in view.extensions
    ]
    row["parts"] = {
        p.agency: {"role": p.role.value, "status": p.status.value, "on": p.on} for p in view.parts
    }
    row["notes"] = [
        {"on": e.on, "text": e.note, "ref": e.ref, "agency": e.agency, "by": e.by}
        for e in view.notes
    ]
    withdrawn = view.progress.withdrawn
    row["history"] = [_event(e, withdrawn) for e in history]
    return to_json(row, 1, default=str)  # str: a date as YYYY-MM-DD


EVENT_COLUMNS = (
    Column("on", "日期"),
    Column("short_id", "编号", text=False),
    Column("id", "编号", table=False),
    Column("task", "序号", justify="right"),
    Column("title", "措施", flexible=True),
    Column("event", "事件", text=False),  # what, whose part, and whether withdrawn
    Column("kind", "类型", table=False),
    Column("status", "状态", table=False),
    Column("to", "延期至", table=False),
    Column("undo", "撤回的事件", table=False),
    Column("agency", "单位", table=False),
    Column("by", "记录人"),
    Column("note", "备注", flexible=True),
    Column("ref", "依据", flexible=True),
    Column("withdrawn", "已撤回", table=False),
    Column("at", "记录时间", table=False),
)


def events_sheet(events: Sequence[Event], tasks: TaskList, withdrawn: Collection[str]) -> Sheet:
    """The rows of ``szbiz log``: every event, with the ids ``withdrawn`` as of its day marked."""
    titles = {task.id: task.title for task in tasks.tasks}
    rows = []
    for e in events:
        row = {"task": e.task, "title": titles.get(e.task, ""), **_event(e, withdrawn)}
        row["short_id"] = row["id"][:8]
        parts = (event_what(e), e.agency, "已撤回" if row["withdrawn"] else "")
        row["event"] = " · ".join(p for p in parts if p)
        rows.append(row)
    count = len(rows)
    footer = ngettext("{count} event", "{count} events", count).format(count=count)
    return Sheet(EVENT_COLUMNS, tuple(rows), footer, id_key="task")
