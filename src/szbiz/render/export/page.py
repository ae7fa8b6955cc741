"""The tasks as one self-contained HTML page: charts of the numbers and a filterable table.

Everything is inline (SVG, and the CSS and vanilla JavaScript of page.css and
page.js beside this module): the page makes no network request and opens the
same from a mail attachment or a shared drive.
Every piece of text from the list is escaped, control and bidi characters shown
as visible escapes (``szbiz.render.safe.html``), and a Content-Security-Policy lets
only the page's own script run (by its hash), so a task title such as
``<script>…</script>`` shows as text and runs nothing.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from importlib.resources import files

from szbiz.model import Role, Status
from szbiz.query import TaskView
from szbiz.render import export, safe
from szbiz.render.chase import when
from szbiz.render.export import Export, agencies_text
from szbiz.render.report import ORDER, light_labels, shown_lights
from szbiz.render.sheet import percent
from szbiz.render.views import STATE_LABELS, deadline_words, state_label
from szbiz.report import WARN_DAYS, Light, Tally, build_report, light

COLOURS = {
    Light.ON_TIME: "#2e7d32",
    Light.LATE: "#1565c0",
    Light.OVERDUE: "#c62828",
    Light.SOON: "#f2a900",
    Light.LATER: "#b0bec5",
    Light.DROPPED: "#616161",
    Light.ONGOING: "#7b1fa2",
}
LABELS = light_labels(WARN_DAYS)
SEPARATOR = "|"  # between agency names in a row's data-lead and data-support


def e(value: object) -> str:
    """Text for HTML, in element content and in quoted attributes alike: escaped, and no
    control or bidi character (``szbiz.render.safe.html``)."""
    return safe.html(str(value))


def _stacked(
    counts: Tally, x: float, y: float, width: float, height: float, scale: int
) -> list[str]:
    """SVG rects of one stacked bar; ``scale`` tasks fill ``width``."""
    out = []
    left = x
    for key in ORDER:
        n = counts.lights.get(key, 0)
        if not n:
            continue
        w = width * n / scale if scale else 0
        out.append(
            f'<rect x="{left:.1f}" y="{y:.1f}" width="{w:.1f}" height="{height:.1f}" '
            f'fill="{COLOURS[key]}"><title>{e(LABELS[key])} {n}</title></rect>'
        )
        left += w
    return out


def _svg(label: str, width: float, height: float) -> str:
    return (
        f'<svg role="img" aria-label="{e(label)}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}">'
    )


def overall_chart(total: Tally) -> str:
    width, height = 720.0, 28.0
    background = f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#eceff1"/>'
    bars = "".join(_stacked(total, 0, 0, width, height, total.total))
    return _svg("全部任务按状态", width, height) + background + bars + "</svg>"


def area_chart(areas: Sequence[tuple[int, str, Tally]]) -> str:
    """One row per area: its name, a bar of its tasks by light, and done/total."""
    label_w, bar_w, tail_w, row_h, bar_h = 300.0, 420.0, 80.0, 28.0, 18.0
    width = label_w + bar_w + tail_w
    height = row_h * len(areas) + 4
    scale = max((t.total for _, _, t in areas), default=0)
    parts = [_svg("各领域任务按状态", width, height)]
    for i, (number, name, counts) in enumerate(areas):
        y = i * row_h + 4
        parts.append(
            f'<g class="area" data-area="{number}" tabindex="0" role="button" '
            f'aria-label="{e(f"只看领域 {number} {name}")}">'
            f'<text class="label" x="0" y="{y + bar_h - 4:.1f}">{e(f"{number}. {name}")}</text>'
            f'<rect x="{label_w:.0f}" y="{y:.1f}" width="{bar_w:.0f}" height="{bar_h:.0f}" '
            f'fill="#f5f5f5"/>'
        )
        parts += _stacked(counts, label_w, y, bar_w, bar_h, scale)
        parts.append(
            f'<text x="{label_w + bar_w + 8:.0f}" y="{y + bar_h - 4:.1f}">'
            f"{counts.done}/{counts.total}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def legend(total: Tally) -> str:
    items = "".join(
        f'<li><span class="swatch" style="background:{COLOURS[k]}"></span>'
        f"{e(LABELS[k])} {total.lights.get(k, 0)}</li>"
        for k in shown_lights(total)
    )
    return f'<ul class="legend">{items}</ul>'


def _options(choices: Iterable[tuple[str, str]], everything: str) -> str:
    first = f'<option value="">{e(everything)}</option>'
    return first + "".join(f'<option value="{e(v)}">{e(t)}</option>' for v, t in choices)


def filters(data: Export, rows: Sequence[tuple[TaskView, Light]]) -> str:
    items = [view for view, _ in rows]
    involved: Counter[str] = Counter()
    for view in items:
        involved.update(set(view.task.lead + view.task.support))  # a task counts once
    agencies = [
        (a.name, f"{a.name}（{involved[a.name]}）") for a in data.tasks.agencies if involved[a.name]
    ]
    in_area = Counter(v.task.area for v in items)
    areas = [
        (str(a.number), f"{a.number}. {a.name}（{in_area[a.number]}）")
        for a in data.tasks.areas
        if in_area[a.number]
    ]
    by_light = Counter(state for _, state in rows)
    shown = (k for k in ORDER if k is not Light.ONGOING or by_light[k])  # only where there are
    lights = [(k.value, f"{LABELS[k]}（{by_light[k]}）") for k in shown]
    by_status = Counter(v.status for v in items)
    statuses = [(k.value, f"{STATE_LABELS[k.value]}（{by_status[k]}）") for k in Status]
    roles = '<option value="any">任意</option><option value="lead">牵头</option>'
    roles += '<option value="support">配合</option>'
    return (
        '<div class="filters" id="filters" role="search">'
        f'<label>单位<select id="f-agency">{_options(agencies, "全部单位")}</select></label>'
        f'<label>角色<select id="f-role">{roles}</select></label>'
        f'<label>领域<select id="f-area">{_options(areas, "全部领域")}</select></label>'
        f'<label>状态<select id="f-status">{_options(statuses, "全部状态")}</select></label>'
        f'<label>红黄绿灯<select id="f-light">{_options(lights, "全部")}</select></label>'
        '<label>搜索<input id="f-text" type="search" placeholder="措施、单位中的字词"></label>'
        '<button type="button" id="f-reset">重置</button>'
        f'<span id="count">显示 <span id="shown">{len(items)}</span> / {len(items)} 项</span>'
        "</div>"
    )


def deadline_title(view: TaskView) -> str:
    """What the deadline's cell says on hover: as written; extended, the document's too."""
    task = view.task
    if view.extended and task.deadline is not None:
        return f"延期；原 {task.deadline_text} {task.deadline.isoformat()}"
    return task.deadline_text


def deadline_cell(view: TaskView) -> str:
    """The deadline in force, or an ongoing task's words (持续推进)."""
    return view.deadline.isoformat() if view.deadline is not None else deadline_words(view)


def task_row(view: TaskView, state: Light) -> str:
    task = view.task
    desc = f'<div class="desc">{e(task.description)}</div>' if task.description else ""
    return (
        f'<tr data-lead="{e(SEPARATOR.join(task.lead))}" '
        f'data-support="{e(SEPARATOR.join(task.support))}" '
        f'data-area="{task.area}" data-light="{e(state.value)}" '
        f'data-status="{e(view.status.value)}">'
        f'<td class="num">{task.id}</td>'
        f"<td>{e(view.area_name)}</td>"
        f"<td><strong>{e(task.title)}</strong>{desc}</td>"
        f"<td>{e(agencies_text(task.lead, task.lead_note))}</td>"
        f"<td>{e(agencies_text(task.support, task.support_note))}</td>"
        f'<td class="date" title="{e(deadline_title(view))}">{e(deadline_cell(view))}</td>'
        f'<td class="state"><span class="badge l-{e(state.value)}" '
        f'style="background:{COLOURS[state]}" title="{e(LABELS[state])}">'
        f"{e(state_label(view))}</span></td>"
        f'<td class="when">{e(when(view))}</td>'
        "</tr>"
    )


# The export's first six, its status, and the countdown.
HEADERS = (*export.HEADERS[:6], "状态", "剩余/逾期")


def render(data: Export) -> bytes:
    items = data.items
    chosen = [view.task for view in items]
    report = build_report(data.tasks, data.history, data.as_of, chosen, WARN_DAYS, Role.ANY)
    total = report.overall
    lit = [(view, light(view, WARN_DAYS)) for view in items]
    areas = [(area.number, area.name, tally) for area, tally in report.areas]
    here = files("szbiz.render.export")
    css = here.joinpath("page.css").read_text(encoding="utf-8")
    # Filters the table by the choices above it; a bar of the area chart picks its area.
    script = "\n" + here.joinpath("page.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    policy = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )
    rows = "\n".join(task_row(view, state) for view, state in lit)
    head = "".join(f"<th>{e(h)}</th>" for h in HEADERS)
    page = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{e(policy)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<link rel="icon" href="data:,">',
        f"<title>{e(data.heading)}</title>",
        f"<style>\n{css}</style>",
        "</head>",
        "<body>",
        f"<h1>{e(data.name)}</h1>",
        f'<p class="sub">截至 {data.as_of.isoformat()} · 共 {total.total} 项任务 · '
        f"{e(data.tasks.document.issuer)}</p>",
        '<div class="cards">',
        f'<div class="card">完成<b>{total.done}/{total.total}</b>'
        f"{percent(total.done, total.total)}</div>",
        f'<div class="card">逾期未完成<b>{total.lights.get(Light.OVERDUE, 0)}</b>截至当日</div>',
        f'<div class="card">{LABELS[Light.SOON]}<b>{total.lights.get(Light.SOON, 0)}</b>尚未完成'
        "</div>",
        f'<div class="card">逾期完成<b>{total.lights.get(Light.LATE, 0)}</b>已完成但晚于时限</div>',
        "</div>",
        overall_chart(total),
        legend(total),
        "<h2>各领域</h2>",
        area_chart(areas) if areas else "<p>没有任务。</p>",
        "<h2>任务</h2>",
        filters(data, lit),
        f'<table id="tasks"><thead><tr>{head}</tr></thead>',
        f"<tbody>\n{rows}\n</tbody></table>",
        '<p id="empty" hidden>没有符合条件的任务。</p>',
        f"<script>{script}</script>",
        "</body>",
        "</html>",
    ]
    return ("\n".join(page) + "\n").encode("utf-8")
