"""Exports of the tasks as files for Excel, calendars, browsers and scripts.

Each exporter takes an :class:`Export` (the tasks as they stood on a day, and
the list they come from) and returns the file's bytes. Exporters read no files
and decide no exit codes; the CLI writes what they return. The libraries behind
xlsx, ics and html are imported only when that format is asked for.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from szbiz.model import TaskList
from szbiz.query import FINISHED, TaskView
from szbiz.render import Registry
from szbiz.render.cells import guard
from szbiz.render.sheet import SHEET_FORMATS, Style, cell
from szbiz.render.views import state_label, tasks_footer, tasks_sheet
from szbiz.report import WARN_DAYS, light


@dataclass(frozen=True)
class Export:
    tasks: TaskList
    items: tuple[TaskView, ...]
    as_of: dt.date
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

HEADERS = (
    "序号",
    "所属领域",
    "改革措施",
    "牵头单位",
    "责任单位",
    "完成时限",
    "状态",
    "红黄绿灯",
    "完成日期",
    "逾期天数",
    "剩余天数",
    "最近备注",
    "依据",
)

Cell = str | int | dt.date | None


def agencies_text(names: tuple[str, ...], note: str) -> str:
    """Agencies as the document writes them: ``市A、市B等`` or ``…按职责分工负责``."""
    return "、".join(names) + note


def days_late(view: TaskView) -> int | None:
    """Days past the deadline: of an unfinished task as of the day, or of a late completion."""
    if view.overdue:
        return -view.days_left
    if view.done_late and view.done_on is not None:
        return (view.done_on - view.task.deadline).days
    return None


def row(view: TaskView) -> tuple[Cell, ...]:
    """One task's cells under HEADERS, typed: dates as dates, day counts as numbers."""
    task = view.task
    last = view.last
    return (
        task.id,
        view.area_name,
        task.measure,
        agencies_text(task.lead, task.lead_note),
        agencies_text(task.support, task.support_note),
        task.deadline,
        state_label(view),
        light(view, WARN_DAYS).label,
        view.done_on,
        days_late(view),
        None if view.status in FINISHED or view.overdue else view.days_left,
        last.note if last else "",
        last.ref if last else "",
    )


@EXPORTS.register("csv")
def as_csv(data: Export) -> bytes:
    """UTF-8 with a byte-order mark, which Excel on Chinese Windows needs to read it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for view in data.items:
        writer.writerow([guard(v) if isinstance(v, str) else cell(v) for v in row(view)])
    return out.getvalue().encode("utf-8-sig")


@EXPORTS.register("json")
def as_json(data: Export) -> bytes:
    return SHEET_FORMATS["json"](tasks_sheet(data.items), Style()).encode("utf-8")


@EXPORTS.register("md")
def as_markdown(data: Export) -> bytes:
    sheet = tasks_sheet(data.items, tasks_footer(data.items, data.agencies))
    table = SHEET_FORMATS["md"](sheet, Style())
    return f"# {data.heading}\n\n{table}".encode()


def _imported(module: str) -> Exporter:
    def render(data: Export) -> bytes:
        exporter: Exporter = import_module(f"{__name__}.{module}").render
        return exporter(data)

    return render


EXPORTS.update(xlsx=_imported("xlsx"), ics=_imported("ics"), html=_imported("page"))
