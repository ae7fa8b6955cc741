"""One agency's 督办单: its tasks as lead and as support, for chasing and printing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from szbiz.model import Agency
from szbiz.query import TaskView
from szbiz.render import Registry, safe
from szbiz.render.sheet import MD_ALIGN, Style, md_row
from szbiz.render.table import Col, draw, line
from szbiz.render.views import state_label


@dataclass(frozen=True)
class ChaseSheet:
    title: str  # the document's title
    agency: Agency
    as_of_text: str
    lead: tuple[TaskView, ...]
    support: tuple[TaskView, ...]


ChaseRenderer = Callable[[ChaseSheet, Style], str]
CHASE_FORMATS: Registry[ChaseRenderer] = Registry()


def when(view: TaskView) -> str:
    """``还剩 12 天``, ``逾期 3 天``, ``2020-05-20 完成``."""
    if view.done_on is not None:
        return f"{view.done_on.isoformat()} 完成"
    if view.status.value == "dropped":
        return "已取消"
    days = view.days_left
    if days > 0:
        return f"还剩 {days} 天"
    return "今日到期" if days == 0 else f"逾期 {-days} 天"


HEADERS = ("序号", "措施", "完成时限", "状态", "剩余/逾期", "最近备注", "依据")
FLEXIBLE = ("措施", "最近备注", "依据")  # the columns that give up width to fit
COLUMNS = tuple(Col(h, "right" if h == "序号" else "left", flexible=h in FLEXIBLE) for h in HEADERS)


def _cells(view: TaskView) -> tuple[str, ...]:
    last = view.last
    return (
        str(view.task.id),
        view.task.title,
        view.task.deadline.isoformat(),
        state_label(view),
        when(view),
        last.note if last else "",
        last.ref if last else "",
    )


def _heading(sheet: ChaseSheet) -> str:
    return f"{sheet.agency.name} 督办单 · 截至 {sheet.as_of_text}"


def _sections(sheet: ChaseSheet) -> tuple[tuple[str, Sequence[TaskView]], ...]:
    return (
        (f"牵头任务（{len(sheet.lead)}）", sheet.lead),
        (f"配合任务（{len(sheet.support)}）", sheet.support),
    )


def _summary(sheet: ChaseSheet) -> str:
    overdue = sum(v.overdue for v in (*sheet.lead, *sheet.support))
    return f"{sheet.title} · 逾期 {overdue} 项"


@CHASE_FORMATS.register("table")
def table(sheet: ChaseSheet, style: Style) -> str:
    out = line(_heading(sheet), style.color, bold=True) + line(_summary(sheet)) + "\n"
    for caption, views in _sections(sheet):
        if views:
            cells = [list(column) for column in zip(*map(_cells, views), strict=True)]
            out += draw(COLUMNS, cells, style.width, style.color, title=caption) + "\n"
        else:
            out += line(f"{caption}：无") + "\n"
    return out


@CHASE_FORMATS.register("md")
def markdown(sheet: ChaseSheet, style: Style) -> str:
    lines = [f"# {safe.terminal(_heading(sheet))}", "", safe.terminal(_summary(sheet))]
    for caption, views in _sections(sheet):
        lines += ["", f"## {caption}", ""]
        if not views:
            lines.append("无")
            continue
        lines.append(md_row(HEADERS))
        lines.append(md_row([MD_ALIGN[c.justify] for c in COLUMNS]))
        lines += [md_row(_cells(view)) for view in views]
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
    for caption, views in _sections(sheet):
        out.append(f"<h2>{esc(caption)}</h2>")
        if not views:
            out.append("<p>无</p>")
            continue
        out += ["<table><thead><tr>", *(f"<th>{esc(h)}</th>" for h in HEADERS)]
        out.append("</tr></thead><tbody>")
        for view in views:
            css = "overdue" if view.overdue else ("done" if view.done_on else "")
            out.append(f'<tr class="{css}">' + "".join(f"<td>{esc(c)}</td>" for c in _cells(view)))
            out.append("</tr>")
        out.append("</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
