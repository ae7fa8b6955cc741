"""The reform office's report: headline, areas, agencies, overdue tasks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from szbiz.model import Role, Status
from szbiz.query import TaskView
from szbiz.render import Registry
from szbiz.render.sheet import (
    MD_ALIGN,
    Justify,
    Style,
    md_row,
    percent,
    to_json,
)
from szbiz.render.views import STATE_LABELS
from szbiz.report import Light, Report, Tally

ReportRenderer = Callable[[Report, str, Style], str]
REPORT_FORMATS: Registry[ReportRenderer] = Registry("report")

# The columns of counts: the statuses besides done (done is the 完成 x/y column), and
# every light. Each set adds up to the row's total.
STATUSES = (Status.TODO, Status.DOING, Status.BLOCKED, Status.DROPPED)
LIGHTS = (Light.ON_TIME, Light.LATE, Light.SOON, Light.OVERDUE, Light.LATER, Light.DROPPED)

# Whom the agency table counts, by --role.
ROLE_UNITS = {Role.LEAD: "牵头单位", Role.SUPPORT: "配合单位", Role.ANY: "牵头或配合单位"}


_STATUS_LABELS = {s: STATE_LABELS[s.value] for s in Status}


def _status(status: Status) -> str:
    return _STATUS_LABELS[status]


def _rate(tally: Tally) -> str:
    return percent(tally.on_time, tally.due)


def _done(tally: Tally) -> str:
    return f"{tally.done}/{tally.total}"


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
    return text + " · no tasks match" if report.empty else text


def _headline(report: Report) -> list[str]:
    o = report.overall

    def lit(k: Light) -> str:
        label = f"{report.warn_days} 天内到期" if k is Light.SOON else k.label
        return f"{k.symbol} {label} {o.lights[k]}"

    # Dropped tasks show among the statuses; among the lights only if there are any.
    order = (Light.ON_TIME, Light.LATE, Light.OVERDUE, Light.SOON, Light.LATER, Light.DROPPED)
    return [
        f"完成 {_done(o)} ({percent(o.done, o.total)})",
        " · ".join(f"{_status(s)} {o.statuses[s]}" for s in Status),
        " · ".join(lit(k) for k in order if k is not Light.DROPPED or o.lights[k]),
    ]


def _agencies_title(report: Report) -> str:
    return f"按{ROLE_UNITS[report.scope.role]}（逾期多者在前）"


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
                "deadline": v.task.deadline.isoformat(),
                "days_late": -v.days_left,
                "status": v.status.value,
            }
            for v in report.overdue
        ],
        "overdue_unlisted": report.overdue_unlisted,
    }
    return to_json(data, len(report.overdue) + len(report.agencies) + len(report.areas))


def _overdue_columns(views: Sequence[TaskView]) -> list[list[str]]:
    """The overdue table's cells, a list for each column."""
    tasks = [v.task for v in views]
    return [
        [str(t.id) for t in tasks],
        [t.title for t in tasks],
        ["、".join(t.lead) for t in tasks],
        [t.deadline.isoformat() for t in tasks],
        [_STATUS_LABELS[v.status] for v in views],
        [str(-v.days_left) for v in views],
    ]


OVERDUE_HEADERS: tuple[tuple[str, Justify], ...] = (
    ("序号", "right"),
    ("措施", "left"),
    ("牵头单位", "left"),
    ("完成时限", "left"),
    ("状态", "left"),
    ("逾期天数", "right"),
)


@REPORT_FORMATS.register("table")
def table(report: Report, title: str, style: Style) -> str:
    from szbiz.render.table import Col, bar, draw, line

    def grid(caption: str, headers: Sequence[tuple[str, Justify]], cells: list[list[str]]) -> str:
        columns = [Col(h, j, flexible=h in FLEXIBLE) for h, j in headers]
        return draw(columns, cells, style.width, style.color, title=caption) + "\n"

    o = report.overall
    headline = _headline(report)
    out = line(heading(report, title), style.color, bold=True)
    out += line(scope_text(report))
    out += line(f"{headline[0]} {bar(o.done, o.total, 30)}")
    out += "".join(line(h) for h in headline[1:]) + "\n"

    areas = [area for area, _ in report.areas]
    tallies = [t for _, t in report.areas]
    if report.areas:
        numbers = [str(a.number) for a in areas]
        names = [a.name for a in areas]
        progress = [
            numbers,
            names,
            [t.light.symbol for t in tallies],
            [bar(t.done, t.total, 12) for t in tallies],
            [_done(t) for t in tallies],
            *([str(t.statuses[s]) for t in tallies] for s in STATUSES),
        ]
        out += grid("按领域", PROGRESS_HEADERS, progress)
        lights = [
            numbers,
            names,
            *([str(t.lights[k]) for t in tallies] for k in LIGHTS),
            [_rate(t) for t in tallies],
        ]
        out += grid("按领域 · 红黄绿灯", LIGHT_HEADERS, lights)
    else:
        out += line("按领域：无") + "\n"

    if report.agencies:
        agencies = [
            [agency.name for agency, _ in report.agencies],
            *([f(t) for _, t in report.agencies] for f in AGENCY_CELLS),
        ]
        out += grid(_agencies_title(report), AGENCY_HEADERS, agencies)
    else:
        out += line(f"{_agencies_title(report)}：无") + "\n"

    if not report.overdue:
        return out + line("逾期任务：无")
    out += grid("逾期任务（时限早者在前）", OVERDUE_HEADERS, _overdue_columns(report.overdue))
    out = out[:-1]  # no blank line after the last table
    return out + line(_unlisted(report)) if report.overdue_unlisted else out


FLEXIBLE = ("领域", "措施", "牵头单位")  # the columns that give up width to fit
PROGRESS_HEADERS: tuple[tuple[str, Justify], ...] = (
    ("序号", "right"),
    ("领域", "left"),
    ("灯", "left"),
    ("进度", "left"),
    ("完成", "right"),
    *((_status(s), "right") for s in STATUSES),
)
LIGHT_HEADERS: tuple[tuple[str, Justify], ...] = (
    ("序号", "right"),
    ("领域", "left"),
    *((k.symbol, "right") for k in LIGHTS),
    ("按时率", "right"),
)
AGENCY_HEADERS: tuple[tuple[str, Justify], ...] = (
    ("单位", "left"),
    ("灯", "left"),
    ("任务", "right"),
    ("完成", "right"),
    ("逾期", "right"),
    ("按时率", "right"),
)
AGENCY_CELLS: tuple[Callable[[Tally], str], ...] = (
    lambda t: t.light.symbol,
    lambda t: str(t.total),
    lambda t: str(t.done),
    lambda t: str(t.lights[Light.OVERDUE]),
    _rate,
)


def _unlisted(report: Report) -> str:
    return f"另有 {report.overdue_unlisted} 项逾期任务未列出（--limit 0 列出全部）"


@REPORT_FORMATS.register("md")
def markdown(report: Report, title: str, style: Style) -> str:
    lines = [f"# {heading(report, title)}", "", scope_text(report), ""]
    lines += [f"- {line}" for line in _headline(report)]
    lines += ["", "## 按领域", ""]
    if report.areas:
        headers: list[tuple[str, Justify]] = [
            ("序号", "right"),
            ("领域", "left"),
            ("灯", "center"),
            ("完成", "right"),
            *((_status(s), "right") for s in STATUSES),
            *((f"{k.symbol} {k.label}", "right") for k in LIGHTS),
            ("按时率", "right"),
        ]
        lines.append(md_row([h for h, _ in headers]))
        lines.append(md_row([MD_ALIGN[j] for _, j in headers]))
        for area, t in report.areas:
            lines.append(
                md_row(
                    [
                        area.number,
                        area.name,
                        t.light.symbol,
                        _done(t),
                        *(t.statuses[s] for s in STATUSES),
                        *(t.lights[k] for k in LIGHTS),
                        _rate(t),
                    ]
                )
            )
    else:
        lines.append("无")
    lines += ["", f"## {_agencies_title(report)}", ""]
    if report.agencies:
        lines.append(md_row(["单位", "灯", "任务", "完成", "逾期", "按时率"]))
        lines.append(md_row([":--", ":-:", "--:", "--:", "--:", "--:"]))
        for agency, t in report.agencies:
            lines.append(
                md_row(
                    [
                        agency.name,
                        t.light.symbol,
                        t.total,
                        t.done,
                        t.lights[Light.OVERDUE],
                        _rate(t),
                    ]
                )
            )
    else:
        lines.append("无")
    lines += ["", "## 逾期任务（时限早者在前）", ""]
    if report.overdue:
        lines.append(md_row([h for h, _ in OVERDUE_HEADERS]))
        lines.append(md_row([MD_ALIGN[j] for _, j in OVERDUE_HEADERS]))
        lines += [md_row(row) for row in zip(*_overdue_columns(report.overdue), strict=True)]
        if report.overdue_unlisted:
            lines += ["", _unlisted(report)]
    else:
        lines.append("无")
    return "\n".join(lines) + "\n"
