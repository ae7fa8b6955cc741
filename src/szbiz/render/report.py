"""The reform office's report: headline, areas, agencies, overdue tasks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from szbiz.i18n import _
from szbiz.model import Role, Status
from szbiz.query import TaskView
from szbiz.render import Registry
from szbiz.render.safe import terminal
from szbiz.render.sheet import MD_ALIGN, Style, cell, md_row, percent, to_json
from szbiz.render.table import Col, bar, draw, glyph, line
from szbiz.render.views import STATE_LABELS
from szbiz.report import Light, Report, Tally

ReportRenderer = Callable[[Report, str, Style], str]
REPORT_FORMATS: Registry[ReportRenderer] = Registry()

# The columns of counts: the statuses besides done (done is the 完成 x/y column), and
# every light. Each set adds up to the row's total.
STATUSES = (Status.TODO, Status.DOING, Status.BLOCKED, Status.DROPPED)
LIGHTS = (Light.ON_TIME, Light.LATE, Light.SOON, Light.OVERDUE, Light.LATER, Light.DROPPED)


def _lights_of(report: Report) -> tuple[Light, ...]:
    """The lights the tables count: ongoing tasks (持续推进) get a column where there are any."""
    return (*LIGHTS, Light.ONGOING) if report.overall.ongoing else LIGHTS


# Whom the agency table counts, by --role.
ROLE_UNITS = {Role.LEAD: "牵头单位", Role.SUPPORT: "配合单位", Role.ANY: "牵头或配合单位"}


class Section(NamedTuple):
    """One table of the report, as the terminal and Markdown both draw it."""

    title: str
    columns: tuple[Col, ...]  # the terminal's flexible columns give up width to fit
    rows: list[list[str]]
    empty: str  # what the terminal says instead of a table without rows; nothing if ""


def _rate(tally: Tally) -> str:
    return percent(tally.on_time, tally.due)


def _done(tally: Tally) -> str:
    return f"{tally.done}/{tally.total}"


def _right(*headers: str) -> tuple[Col, ...]:
    return tuple(Col(h, "right") for h in headers)


# 灯 is centred: Markdown centres it, and in the terminal a light is as wide as its header.
AREA = (Col("序号", "right"), Col("领域", flexible=True), Col("灯", "center"))
STATUS_HEADERS = [STATE_LABELS[s.value] for s in STATUSES]


def _progress(report: Report, plain: bool) -> Section:
    """The terminal's areas: a bar of each area's progress, and its tasks by status."""
    columns = (*AREA, Col("进度"), *_right("完成", *STATUS_HEADERS))
    rows = [
        [str(a.number), a.name, glyph(t.light.symbol, plain), bar(t.done, t.total, 12, plain)]
        + [_done(t)]
        + [str(t.statuses[s]) for s in STATUSES]
        for a, t in report.areas
    ]
    return Section("按领域", columns, rows, "按领域：无")


def _lights(report: Report, plain: bool) -> Section:
    lights = _lights_of(report)
    columns = (*AREA[:2], *_right(*(glyph(k.symbol, plain) for k in lights), "按时率"))
    rows = [
        [str(a.number), a.name, *(str(t.lights[k]) for k in lights), _rate(t)]
        for a, t in report.areas
    ]
    return Section("按领域 · 红黄绿灯", columns, rows, "")


def _areas(report: Report, plain: bool) -> Section:
    """Markdown's areas: one table of their tasks by status and by light."""
    shown = _lights_of(report)
    lights = (f"{glyph(k.symbol, plain)} {k.label}" for k in shown)
    columns = (*AREA, *_right("完成", *STATUS_HEADERS, *lights, "按时率"))
    rows = [
        [str(a.number), a.name, glyph(t.light.symbol, plain), _done(t)]
        + [str(t.statuses[s]) for s in STATUSES]
        + [str(t.lights[k]) for k in shown]
        + [_rate(t)]
        for a, t in report.areas
    ]
    return Section("按领域", columns, rows, "")


def _late(tally: Tally) -> tuple[str, str]:
    """An agency's overdue tasks and its on-time rate."""
    return str(tally.lights[Light.OVERDUE]), _rate(tally)


def _agencies(report: Report, plain: bool) -> Section:
    title = f"按{ROLE_UNITS[report.scope.role]}（逾期多者在前）"
    counts: tuple[str, ...] = ("任务", "完成", "逾期", "按时率")
    if report.overall.ongoing:  # tasks without a deadline, apart: 按时率 leaves them out
        counts += (Light.ONGOING.label,)
    columns = (Col("单位"), Col("灯", "center"), *_right(*counts))
    rows = [
        [a.name, glyph(t.light.symbol, plain), str(t.total), str(t.done), *_late(t)]
        + ([str(t.ongoing)] if report.overall.ongoing else [])
        for a, t in report.agencies
    ]
    return Section(title, columns, rows, f"{title}：无")


def _overdue(report: Report) -> Section:
    columns = (
        Col("序号", "right"),
        Col("措施", flexible=True),
        Col("牵头单位", flexible=True),
        Col("完成时限"),
        Col("状态"),
        Col("逾期天数", "right"),
    )
    rows = [
        [
            str(v.task.id),
            v.task.title,
            "、".join(v.task.lead),
            cell(v.deadline),
            STATE_LABELS[v.status.value],
            str(days_late(v)),
        ]
        for v in report.overdue
    ]
    return Section("逾期任务（时限早者在前）", columns, rows, "逾期任务：无")


def days_late(view: TaskView) -> int:
    """An overdue task's days past its deadline in force (the report lists no other)."""
    return -(view.days_left or 0)


def heading(report: Report, title: str) -> str:
    return f"{title} · 截至 {report.as_of.isoformat()}"


def scope_text(report: Report) -> str:
    """``范围：市残联 牵头或配合的任务 · 领域 1 深化商事登记制度改革 · no tasks match``."""
    scope = report.scope
    parts = []
    if scope.agencies:
        parts.append(f"{'、'.join(scope.agencies)} 牵头或配合的任务")
    if scope.areas:
        parts.append("领域 " + "、".join(f"{a.number} {a.name}" for a in scope.areas))
    text = "范围：" + (" · ".join(parts) if parts else "全部任务")
    return text + " · " + _("no tasks match") if report.empty else text


# The lights of the headline, and of the page's bars and legend: done, then not done, then dropped.
# Ongoing tasks (no deadline) stand apart, after them.
ORDER = (
    Light.ON_TIME,
    Light.LATE,
    Light.OVERDUE,
    Light.SOON,
    Light.LATER,
    Light.DROPPED,
    Light.ONGOING,
)


def light_labels(warn_days: int) -> dict[Light, str]:
    return {k: k.label for k in Light} | {Light.SOON: f"{warn_days} 天内到期"}


def shown_lights(tally: Tally) -> list[Light]:
    """The lights a headline or a legend shows: dropped and ongoing only if there are any."""
    rare = (Light.DROPPED, Light.ONGOING)
    return [k for k in ORDER if k not in rare or tally.lights.get(k, 0)]


def _headline(report: Report, plain: bool = False) -> list[str]:
    o = report.overall
    labels = light_labels(report.warn_days)
    lights = (f"{glyph(k.symbol, plain)} {labels[k]} {o.lights[k]}" for k in shown_lights(o))
    lines = [
        f"完成 {_done(o)} ({percent(o.done, o.total)})",
        " · ".join(f"{STATE_LABELS[s.value]} {o.statuses[s]}" for s in Status),
        " · ".join(lights),
    ]
    if report.extended or report.parts_open:  # said only when there is something to say
        lines.append(f"延期 {report.extended} 项 · 已完成但有单位分工未完成 {report.parts_open} 项")
    return lines


def _unlisted(report: Report) -> str:
    return f"另有 {report.overdue_unlisted} 项逾期任务未列出（--limit 0 列出全部）"


def _tally_json(tally: Tally) -> dict[str, Any]:
    return {
        "total": tally.total,
        "done": tally.done,
        "status": {k.value: v for k, v in tally.statuses.items()},
        "lights": {k.value: v for k, v in tally.lights.items()},
        "light": tally.light.value,
        "on_time_rate": None if tally.on_time_rate is None else round(tally.on_time_rate, 4),
    }


@REPORT_FORMATS.register("json")
def as_json(report: Report, title: str, style: Style) -> str:
    scope = report.scope
    data = {
        "title": title,
        "as_of": report.as_of.isoformat(),
        "warn_days": report.warn_days,
        "scope": {
            "agencies": list(scope.agencies),
            "areas": [{"number": a.number, "name": a.name} for a in scope.areas],
            "role": scope.role.value,
        },
        "overall": _tally_json(report.overall),
        "areas": [
            {"number": area.number, "name": area.name, **_tally_json(t)} for area, t in report.areas
        ],
        "agencies": [
            {"name": agency.name, "kind": agency.kind.value, **_tally_json(t)}
            for agency, t in report.agencies
        ],
        "overdue": [
            {
                "id": v.task.id,
                "title": v.task.title,
                "lead": list(v.task.lead),
                "deadline": cell(v.deadline),
                "days_late": days_late(v),
                "status": v.status.value,
            }
            for v in report.overdue
        ],
        "overdue_unlisted": report.overdue_unlisted,
        "extended": report.extended,
        "parts_open": report.parts_open,
    }
    return to_json(data, len(report.overdue) + len(report.agencies) + len(report.areas))


@REPORT_FORMATS.register("table")
def table(report: Report, title: str, style: Style) -> str:
    o = report.overall
    plain = style.plain
    first, *rest = _headline(report, plain)
    out = line(heading(report, title), style.color, bold=True) + line(scope_text(report))
    out += line(f"{first} {bar(o.done, o.total, 30, plain)}") + "".join(map(line, rest)) + "\n"
    drawn = []
    sections = (_progress(report, plain), _lights(report, plain), _agencies(report, plain))
    for s in (*sections, _overdue(report)):
        if s.rows:
            cells = [list(column) for column in zip(*s.rows, strict=True)]
            width, color = style.width, style.color
            drawn.append(draw(s.columns, cells, width, color, title=s.title, plain=plain))
        elif s.empty:
            drawn.append(line(s.empty))
    out += "\n".join(drawn)  # a blank line between tables, none after the last
    return out + line(_unlisted(report)) if report.overdue_unlisted else out


@REPORT_FORMATS.register("md")
def markdown(report: Report, title: str, style: Style) -> str:
    lines = [f"# {terminal(heading(report, title))}", "", terminal(scope_text(report)), ""]
    lines += [f"- {line}" for line in _headline(report, style.plain)]
    for s in (_areas(report, style.plain), _agencies(report, style.plain), _overdue(report)):
        lines += ["", f"## {s.title}", ""]
        if not s.rows:
            lines.append("无")
            continue
        lines.append(md_row([c.header for c in s.columns]))
        lines.append(md_row([MD_ALIGN[c.justify] for c in s.columns]))
        lines += [md_row(row) for row in s.rows]
    if report.overdue_unlisted:
        lines += ["", _unlisted(report)]
    return "\n".join(lines) + "\n"
