"""The reform office's report: headline, areas, agencies, overdue tasks."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from szbiz.render import Registry
from szbiz.render.sheet import Style, print_rich
from szbiz.report import Light, Report, Tally

ReportRenderer = Callable[[Report, str, Style], str]
REPORT_FORMATS: Registry[ReportRenderer] = Registry("report")

COUNTED = (Light.ON_TIME, Light.LATE, Light.SOON, Light.OVERDUE, Light.LATER)


def _percent(part: int, whole: int) -> str:
    return f"{part * 100 // whole}%" if whole else "–"


def _rate(tally: Tally) -> str:
    rate = tally.on_time_rate
    return "–" if rate is None else f"{round(rate * 100)}%"


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
    data = {
        "title": title,
        "as_of": report.as_of.isoformat(),
        "warn_days": report.warn_days,
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
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _headline(report: Report) -> list[str]:
    o = report.overall
    lights = o.lights
    return [
        f"完成 {o.done}/{o.total} ({_percent(o.done, o.total)})",
        f"{Light.ON_TIME.symbol} 按时完成 {lights[Light.ON_TIME]} · "
        f"{Light.LATE.symbol} 逾期完成 {lights[Light.LATE]} · "
        f"{Light.OVERDUE.symbol} 逾期未完成 {lights[Light.OVERDUE]} · "
        f"{Light.SOON.symbol} {report.warn_days} 天内到期 {lights[Light.SOON]} · "
        f"{Light.LATER.symbol} 未到期 {lights[Light.LATER]}"
        + (
            f" · {Light.DROPPED.symbol} 已取消 {lights[Light.DROPPED]}"
            if lights[Light.DROPPED]
            else ""
        ),
    ]


@REPORT_FORMATS.register("table")
def table(report: Report, title: str, style: Style) -> str:
    from rich import box
    from rich.console import Group
    from rich.progress_bar import ProgressBar
    from rich.table import Table
    from rich.text import Text

    def bar(tally: Tally, width: int) -> ProgressBar | Text:
        if style.color:
            return ProgressBar(total=max(tally.total, 1), completed=tally.done, width=width)
        # Without colour a rich bar loses its empty part; draw both parts.
        filled = round(width * tally.done / tally.total) if tally.total else 0
        return Text("█" * filled + "░" * (width - filled))

    o = report.overall
    head = Table.grid(padding=(0, 1))
    head.add_row(Text(f"{title} · 截至 {report.as_of.isoformat()}", style="bold"))
    line = Table.grid(padding=(0, 1))
    line.add_row(Text(_headline(report)[0]), bar(o, 30))
    parts: list[Any] = [head, line, Text(_headline(report)[1]), Text("")]

    areas = Table(
        title="按领域", title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False
    )
    for header, justify in (
        ("序号", "right"),
        ("领域", "left"),
        ("灯", "left"),
        ("进度", "left"),
        ("完成", "right"),
        *((k.symbol, "right") for k in COUNTED),
    ):
        areas.add_column(header, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for area, t in report.areas:
        areas.add_row(
            str(area.number),
            Text(area.name, overflow="ellipsis", no_wrap=True),
            t.light.symbol,
            bar(t, 12),
            f"{t.done}/{t.total}",
            *(str(t.lights[k]) for k in COUNTED),
        )
    parts += [areas, Text("")]

    agencies = Table(
        title="按单位（逾期多者在前）",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    for header, justify in (
        ("单位", "left"),
        ("灯", "left"),
        ("任务", "right"),
        ("完成", "right"),
        ("逾期", "right"),
        ("按时率", "right"),
    ):
        agencies.add_column(header, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for agency, t in report.agencies:
        agencies.add_row(
            agency.name,
            t.light.symbol,
            str(t.total),
            str(t.done),
            str(t.lights[Light.OVERDUE]),
            _rate(t),
        )
    parts += [agencies, Text("")]

    overdue = Table(
        title="逾期任务（时限早者在前）",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    for header, justify in (
        ("序号", "right"),
        ("措施", "left"),
        ("牵头单位", "left"),
        ("完成时限", "left"),
        ("逾期天数", "right"),
    ):
        overdue.add_column(header, justify=justify, no_wrap=header not in ("措施", "牵头单位"))  # type: ignore[arg-type]
    for v in report.overdue:
        overdue.add_row(
            str(v.task.id),
            Text(v.task.title, overflow="ellipsis", no_wrap=True),
            Text("、".join(v.task.lead), overflow="ellipsis", no_wrap=True),
            v.task.deadline.isoformat(),
            str(-v.days_left),
        )
    parts.append(overdue if report.overdue else Text("逾期任务：无"))
    return print_rich(Group(*parts), style)


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


@REPORT_FORMATS.register("md")
def markdown(report: Report, title: str, style: Style) -> str:
    lines = [f"# {title} · 截至 {report.as_of.isoformat()}", ""]
    lines += [f"- {line}" for line in _headline(report)]
    lines += ["", "## 按领域", ""]
    lines.append(_md_row(["序号", "领域", "灯", "完成", *(k.symbol + k.label for k in COUNTED)]))
    lines.append(_md_row(["--:", ":--", ":-:", "--:", *("--:" for _ in COUNTED)]))
    for area, t in report.areas:
        lines.append(
            _md_row(
                [
                    str(area.number),
                    area.name,
                    t.light.symbol,
                    f"{t.done}/{t.total}",
                    *(str(t.lights[k]) for k in COUNTED),
                ]
            )
        )
    lines += ["", "## 按单位（逾期多者在前）", ""]
    lines.append(_md_row(["单位", "灯", "任务", "完成", "逾期", "按时率"]))
    lines.append(_md_row([":--", ":-:", "--:", "--:", "--:", "--:"]))
    for agency, t in report.agencies:
        lines.append(
            _md_row(
                [
                    agency.name,
                    t.light.symbol,
                    str(t.total),
                    str(t.done),
                    str(t.lights[Light.OVERDUE]),
                    _rate(t),
                ]
            )
        )
    lines += ["", "## 逾期任务（时限早者在前）", ""]
    if report.overdue:
        lines.append(_md_row(["序号", "措施", "牵头单位", "完成时限", "逾期天数"]))
        lines.append(_md_row(["--:", ":--", ":--", ":--", "--:"]))
        for v in report.overdue:
            lines.append(
                _md_row(
                    [
                        str(v.task.id),
                        v.task.title,
                        "、".join(v.task.lead),
                        v.task.deadline.isoformat(),
                        str(-v.days_left),
                    ]
                )
            )
    else:
        lines.append("无")
    return "\n".join(lines) + "\n"
