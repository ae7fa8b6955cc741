"""Exports of the tasks as files for Excel, calendars, browsers and scripts.

Each exporter takes an :class:`Export` (the tasks as they stood on a day, and
the list they come from) and returns the file's bytes, which the CLI writes.
The libraries behind xlsx, ics and html are imported only when that format is asked for.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import import_module

from szbiz.model import History, TaskList
from szbiz.query import FINISHED, TaskView
from szbiz.render import Registry
from szbiz.render.cells import guard
from szbiz.render.safe import terminal
from szbiz.render.sheet import SHEET_FORMATS, Style, cell
from szbiz.render.views import (
    deadline_words,
    latest_note,
    parts_text,
    state_label,
    tasks_footer,
    tasks_sheet,
)
from szbiz.report import WARN_DAYS, light


@dataclass(frozen=True)
class Export:
    tasks: TaskList
    items: tuple[TaskView, ...]
    as_of: dt.date
    history: History  # the ledger the views were made from: the page's report counts from it
    agencies: tuple[str, ...] = ()  # the agencies the tasks were chosen by, if any

    @property
    def name(self) -> str:
        chosen = ["、".join(self.agencies)] if self.agencies else []
        return " · ".join([self.tasks.document.title, *chosen])

    @property
    def heading(self) -> str:
        """``深圳市 2020 年…清单 · 市税务局 · 截至 2020-07-01``."""
        return f"{self.name} · 截至 {self.as_of.isoformat()}"


Exporter = Callable[[Export], bytes]
EXPORTS: Registry[Exporter] = Registry()

# Which optional package each format needs, and the extra that brings it.
NEEDS = {"xlsx": ("openpyxl", "xlsx")}

Cell = str | int | dt.date | None


def agencies_text(names: tuple[str, ...], note: str) -> str:
    """Agencies as the document writes them: ``市A、市B等`` or ``…按职责分工负责``."""
    return "、".join(names) + note


def days_late(view: TaskView) -> int | None:
    """Days past the deadline: of an unfinished task as of the day, or of a late completion."""
    if view.overdue:
        return -(view.days_left or 0)
    deadline = view.done_deadline
    if view.done_late and view.done_on is not None and deadline is not None:
        return (view.done_on - deadline).days
    return None


def latest_progress(view: TaskView) -> str:
    """The latest progress note as of the day (进展情况)."""
    latest = latest_note(view)
    return latest.note if latest is not None else ""


# Each header of the exports and its cell, typed: dates as dates, day counts as numbers.
COLUMNS: tuple[tuple[str, Callable[[TaskView], Cell]], ...] = (
    ("序号", lambda v: v.task.id),
    ("所属领域", lambda v: v.area_name),
    ("改革措施", lambda v: v.task.measure),
    ("牵头单位", lambda v: agencies_text(v.task.lead, v.task.lead_note)),
    ("责任单位", lambda v: agencies_text(v.task.support, v.task.support_note)),
    # In force: an extension's (延期) if any; an ongoing task's words (持续推进), as text.
    ("完成时限", lambda v: deadline_words(v) if v.deadline is None else v.deadline),
    ("原完成时限", lambda v: v.deadline_original if v.extended else None),
    ("状态", state_label),
    ("红黄绿灯", lambda v: light(v, WARN_DAYS).label),
    ("完成日期", lambda v: v.done_on),
    ("逾期天数", days_late),
    ("剩余天数", lambda v: None if v.status in FINISHED or v.overdue else v.days_left),
    ("最近进展", latest_progress),
    ("依据", lambda v: v.last.ref if v.last else ""),
    ("分工", parts_text),
)
HEADERS = tuple(header for header, _ in COLUMNS)


def extra_headers(items: Iterable[TaskView]) -> tuple[str, ...]:
    """The source's other columns (推广范围 …) that any of the tasks has, in the order first
    met: the exports add a column for each, after their own."""
    return tuple(dict.fromkeys(header for view in items for header, _ in view.task.extra))


def row(view: TaskView, extra: Sequence[str] = ()) -> tuple[Cell, ...]:
    """The task's cells under HEADERS, then its values of the ``extra`` headers ("" if none)."""
    own = tuple(value(view) for _, value in COLUMNS)
    if not extra:
        return own
    cells = dict(view.task.extra)
    return own + tuple(cells.get(header, "") for header in extra)


@EXPORTS.register("csv")
def as_csv(data: Export) -> bytes:
    """UTF-8 with a byte-order mark, which Excel on Chinese Windows needs to read it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    extra = extra_headers(data.items)
    writer.writerow([*HEADERS, *map(guard, extra)])
    for view in data.items:
        writer.writerow([guard(v) if isinstance(v, str) else cell(v) for v in row(view, extra)])
    return out.getvalue().encode("utf-8-sig")


@EXPORTS.register("json")
def as_json(data: Export) -> bytes:
    return SHEET_FORMATS["json"](tasks_sheet(data.items), Style()).encode("utf-8")


@EXPORTS.register("md")
def as_markdown(data: Export) -> bytes:
    sheet = tasks_sheet(data.items, tasks_footer(data.items, data.agencies))
    return f"# {terminal(data.heading)}\n\n{SHEET_FORMATS['md'](sheet, Style())}".encode()


def _imported(module: str) -> Exporter:
    return lambda data: import_module(f"{__name__}.{module}").render(data)


EXPORTS.update(xlsx=_imported("xlsx"), ics=_imported("ics"), html=_imported("page"))
