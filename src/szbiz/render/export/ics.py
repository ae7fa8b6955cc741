"""The tasks as an iCalendar file: one all-day event on each task's deadline in force.

An ongoing task (持续推进: no deadline) has no event: a calendar holds days, and an
event on an invented one, or spanning the year, would say a date the list does not.

VEVENT rather than VTODO: Outlook and the common web calendars import only
events from an .ics file and drop to-dos, and a deadline is a day in the
calendar. Each event is TRANSPARENT, so 210 deadlines do not mark anyone busy.

Each UID is built from the document (its year and a hash of its title) and the
task's id, so importing a newer export updates the events rather than adding
copies. DTSTAMP is midnight of the as-of day in Shanghai, so the same list on
the same day gives the same bytes, and a later day's export is the newer one.
A task whose progress was recorded since carries a higher SEQUENCE (the
minutes from 2020 to when its last event was recorded) and that time as
LAST-MODIFIED, so a calendar applies the change even on the same day.

Every text is as ``szbiz.render.safe.ics`` leaves it: RFC 5545 allows no
control character in it, so control and bidi characters are removed.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from szbiz.dates import SHANGHAI
from szbiz.model import Status
from szbiz.query import TaskView
from szbiz.render.export import HEADERS, Export, row
from szbiz.render.safe import ics
from szbiz.render.sheet import cell
from szbiz.render.views import deadline_words

_EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def sequence(view: TaskView) -> int:
    if view.last is None:
        return 0
    return max(0, int((view.last.at - _EPOCH).total_seconds()) // 60)


# The cells of the CSV a description ends with, each under its header if it has a value.
LAST_CELLS = ("完成日期", "逾期天数", "最近进展", "依据", "分工")


def description(view: TaskView) -> str:
    task = view.task
    cells = dict(zip(HEADERS, row(view), strict=True))
    lines = [
        task.measure,
        "",
        f"所属领域：{task.area} {view.area_name}",
        f"牵头单位：{cells['牵头单位'] or '—'}",
        f"责任单位：{cells['责任单位'] or '—'}",
        f"完成时限：{deadline_text(view)}",
        f"状态：{cells['状态']}（截至 {view.as_of.isoformat()}）",
    ]
    lines += [f"{key}：{cell(cells[key])}" for key in LAST_CELLS if cells[key]]
    return "\n".join(lines)


def deadline_text(view: TaskView) -> str:
    """``2020年6月底（2020-06-30）``; extended ``2020-09-30（延期；原 2020年6月底 2020-06-30）``."""
    task, deadline = view.task, view.deadline
    if task.deadline is None or deadline is None:  # ongoing: never an event, but say so
        return deadline_words(view)
    if view.extended:
        return f"{deadline.isoformat()}（延期；原 {task.deadline_text} {task.deadline}）"
    return f"{task.deadline_text}（{task.deadline.isoformat()}）"


def render(data: Export) -> bytes:
    from icalendar import Calendar, Event

    from szbiz import __version__

    calendar = Calendar()
    calendar.add("prodid", f"-//szbiz//szbiz {__version__}//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", ics(data.name))
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    calendar.add("x-wr-caldesc", ics(data.heading))
    document = data.tasks.document
    # What follows the @ of each UID: stable for a document, distinct between documents.
    domain = hashlib.sha256(document.title.encode("utf-8")).hexdigest()[:12] + ".szbiz"
    # Midnight of the as-of day in Shanghai, in UTC as DTSTAMP must be.
    when = dt.datetime.combine(data.as_of, dt.time(), SHANGHAI).astimezone(dt.UTC)
    for view in data.items:
        deadline = view.deadline  # in force: an extension's (延期) if any
        if deadline is None:  # an ongoing task: no day to put it on (see above)
            continue
        task = view.task
        event = Event()
        event.add("uid", f"szbiz-{document.year}-task-{task.id}@{domain}")
        event.add("dtstamp", when)
        event.add("sequence", sequence(view))
        if view.last is not None:
            event.add("last-modified", view.last.at.astimezone(dt.UTC))
        event.add("dtstart", deadline)
        if deadline < dt.date.max:  # without DTEND an all-day event lasts its one day
            event.add("dtend", deadline + dt.timedelta(days=1))
        event.add("summary", ics(f"[{task.id}] {task.title}"))
        event.add("description", ics(description(view)))
        if view.area_name:
            event.add("categories", [ics(view.area_name)])
        event.add("transp", "TRANSPARENT")
        event.add("status", "CANCELLED" if view.status is Status.DROPPED else "CONFIRMED")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
