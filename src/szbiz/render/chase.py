"""One agency's 督办单: its tasks as lead and as support, for chasing and printing.

Each row shows the deadline in force (marked 延期 when extended), the latest
progress note, the evidence, and every agency's part of the task (on a
terminal, how many of its agencies have done theirs); in the
section of tasks the agency supports, the status is its own part's once one is
recorded for it (``szbiz done ID --agency NAME``), else the task's."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from szbiz.model import Agency, Part, Status
from szbiz.query import OVERDUE, TaskView
from szbiz.render import Registry, safe
from szbiz.render.sheet import MD_ALIGN, Style, md_row
from szbiz.render.table import Col, draw, line
from szbiz.render.views import (
    STATE_LABELS,
    deadline_words,
    latest_note,
    parts_text,
    state_label,
)


@dataclass(frozen=True)
class ChaseSheet:
    title: str  # the document's title
    agency: Agency
    as_of_text: str
    lead: tuple[TaskView, ...]
    support: tuple[TaskView, ...]


ChaseRenderer = Callable[[ChaseSheet, Style], str]
CHASE_FORMATS: Registry[ChaseRenderer] = Registry()


def when(view: TaskView, part: Part | None = None) -> str:
    """``还剩 12 天``, ``逾期 3 天``, ``2020-05-20 完成``: of the task, or of an agency's
    recorded ``part`` of it."""
    status, done_on = view.status, view.done_on
    if part is not None:
        status = part.status
        done_on = part.on if part.status is Status.DONE else None
    if done_on is not None:
        return f"{done_on.isoformat()} 完成"
    if status is Status.DROPPED:
        return "已取消"
    days = view.days_left
    if days is None:  # ongoing: no date to count to
        return "持续"
    if days > 0:
        return f"还剩 {days} 天"
    return "今日到期" if days == 0 else f"逾期 {-days} 天"


def own_part(view: TaskView, agency: str) -> Part | None:
    """The agency's part of the task if one was recorded for it (a co-agency's own status);
    None when nothing was, and the task's status stands for it."""
    return next((p for p in view.parts if p.agency == agency and p.on is not None), None)


def part_label(view: TaskView, part: Part) -> str:
    """A part's status as the sheets say it, against the task's deadline in force."""
    if part.status is Status.DONE:
        due = view.deadline_on(part.on) if part.on is not None else None
        late = part.on is not None and due is not None and part.on > due
        return "已完成(逾期)" if late else STATE_LABELS[Status.DONE.value]
    deadline = view.deadline
    if part.status is not Status.DROPPED and deadline is not None and view.as_of > deadline:
        if part.status is Status.TODO:
            return STATE_LABELS[OVERDUE]
        return f"{STATE_LABELS[part.status.value]}·{STATE_LABELS[OVERDUE]}"
    return STATE_LABELS[part.status.value]


HEADERS = ("序号", "措施", "完成时限", "状态", "剩余/逾期", "最近进展", "依据", "分工")
FLEXIBLE = ("措施", "最近进展", "依据")  # the columns that give up width to fit
COLUMNS = tuple(Col(h, "right" if h == "序号" else "left", flexible=h in FLEXIBLE) for h in HEADERS)


def parts_done(view: TaskView) -> str:
    """``1/3``: of a task's agencies, how many have done their part (the terminal's 分工,
    which has no room for the list); nothing for a task of one agency."""
    if len(view.parts) < 2:
        return ""
    return f"{sum(p.status is Status.DONE for p in view.parts)}/{len(view.parts)}"


def _cells(view: TaskView, agency: str = "", brief: bool = False) -> tuple[str, ...]:
    """A task's row; in a co-agency's section (``agency``), its own part's status if recorded.
    ``brief``: the parts as a count, for the terminal."""
    last, latest = view.last, latest_note(view)
    part = own_part(view, agency) if agency else None
    day = view.deadline
    if day is None:  # ongoing: its words (持续推进)
        deadline = deadline_words(view)
    else:
        deadline = day.isoformat() + (" 延期" if view.extended else "")
    return (
        str(view.task.id),
        view.task.title,
        deadline,
        part_label(view, part) if part is not None else state_label(view),
        when(view, part),
        latest.note if latest else "",
        last.ref if last else "",
        parts_done(view) if brief else parts_text(view),
    )


def _heading(sheet: ChaseSheet) -> str:
    return f"{sheet.agency.name} 督办单 · 截至 {sheet.as_of_text}"


def _sections(sheet: ChaseSheet) -> tuple[tuple[str, Sequence[TaskView], str], ...]:
    """Each section's caption, tasks, and whose part its status is ("" the task's)."""
    return (
        (f"牵头任务（{len(sheet.lead)}）", sheet.lead, ""),
        (f"配合任务（{len(sheet.support)}）", sheet.support, sheet.agency.name),
    )


def _summary(sheet: ChaseSheet) -> str:
    overdue = sum(v.overdue for v in (*sheet.lead, *sheet.support))
    return f"{sheet.title} · 逾期 {overdue} 项"


@CHASE_FORMATS.register("table")
def table(sheet: ChaseSheet, style: Style) -> str:
    out = line(_heading(sheet), style.color, bold=True) + line(_summary(sheet)) + "\n"
    for caption, views, agency in _sections(sheet):
        if views:
            rows = [_cells(view, agency, brief=True) for view in views]
            cells = [list(column) for column in zip(*rows, strict=True)]
            out += draw(COLUMNS, cells, style.width, style.color, title=caption, plain=style.plain)
            out += "\n"
        else:
            out += line(f"{caption}：无") + "\n"
    return out


@CHASE_FORMATS.register("md")
def markdown(sheet: ChaseSheet, style: Style) -> str:
    lines = [f"# {safe.terminal(_heading(sheet))}", "", safe.terminal(_summary(sheet))]
    for caption, views, agency in _sections(sheet):
        lines += ["", f"## {caption}", ""]
        if not views:
            lines.append("无")
            continue
        lines.append(md_row(HEADERS))
        lines.append(md_row([MD_ALIGN[c.justify] for c in COLUMNS]))
        lines += [md_row(_cells(view, agency)) for view in views]
    return "\n".join(lines) + "\n"


@CHASE_FORMATS.register("html")
def as_html(sheet: ChaseSheet, style: Style) -> str:
    from importlib.resources import files

    esc = safe.html
    css = files("szbiz.render").joinpath("chase.css").read_text(encoding="utf-8")
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{esc(_heading(sheet))}</title>",
        f"<style>\n{css}</style></head><body>",
        f"<h1>{esc(_heading(sheet))}</h1>",
        f"<p>{esc(_summary(sheet))}</p>",
    ]
    for caption, views, agency in _sections(sheet):
        out.append(f"<h2>{esc(caption)}</h2>")
        if not views:
            out.append("<p>无</p>")
            continue
        out += ["<table><thead><tr>", *(f"<th>{esc(h)}</th>" for h in HEADERS)]
        out.append("</tr></thead><tbody>")
        for view in views:
            css = "overdue" if view.overdue else ("done" if view.done_on else "")
            cells = "".join(f"<td>{esc(c)}</td>" for c in _cells(view, agency))
            out.append(f'<tr class="{css}">' + cells)
            out.append("</tr>")
        out.append("</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
