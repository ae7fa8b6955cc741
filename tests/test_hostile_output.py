"""Text that would drive a terminal or break a file reaches neither, whatever holds it.

A YAML escape puts ESC, an OSC window title, a C1 CSI, DEL, other C0 controls or
a bidi override into a task list; a hand-edited or merged ledger puts them into
a note, an evidence reference or a recorder's name. Every command and format
shows each as a visible escape (``\\x1b``, ``<U+202E>``), removes it (ICS) or
writes it as a JSON escape, and never writes it raw; the files it reads never
change.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from typer.testing import CliRunner

from szbiz.cli import app
from szbiz.ledger import ledger_text
from szbiz.model import Event, Status

from .conftest import no_traceback, run

AS_OF = "2020-07-01"
# Every raw character that must not reach the output: C0 but tab and LF, DEL, C1, bidi.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class Payload(NamedTuple):
    raw: str  # what the data holds
    shown: str  # its visible escape
    what: str  # how an error or a lint warning names its first character
    count: int  # how many characters of it lint counts
    stripped: str  # what is left of it where control and bidi characters are removed (ICS)


PAYLOADS = [
    pytest.param(
        Payload("\x1b[2J", "\\x1b[2J", "the control character \\x1b (U+001B)", 1, "[2J"),
        id="esc-clear-screen",
    ),
    pytest.param(
        Payload(
            "\x1b]0;pwned\x07",
            "\\x1b]0;pwned\\x07",
            "the control character \\x1b (U+001B)",
            2,
            "]0;pwned",
        ),
        id="osc-window-title",
    ),
    pytest.param(
        Payload("\x9b31m", "\\x9b31m", "the control character \\x9b (U+009B)", 1, "31m"),
        id="c1-csi",
    ),
    pytest.param(
        Payload("\u202e", "<U+202E>", "the bidi control <U+202E>", 1, ""), id="bidi-override"
    ),
    pytest.param(
        Payload("\x08\x01\x0e", "\\x08\\x01\\x0e", "the control character \\x08 (U+0008)", 3, ""),
        id="c0-backspace-soh-so",
    ),
    pytest.param(Payload("\x7f", "\\x7f", "the control character \\x7f (U+007F)", 1, ""), id="del"),
    pytest.param(
        Payload("\u2066", "<U+2066>", "the bidi control <U+2066>", 1, ""), id="bidi-isolate"
    ),
]


def quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar: every character but printable ASCII escaped."""
    body = "".join(c if " " <= c <= "~" and c not in '"\\' else f"\\u{ord(c):04x}" for c in text)
    return f'"{body}"'


def task_list(p: str) -> str:
    return f"""\
schema: 1
document:
  title: {quoted(f"清单{p}")}
  issuer: 深圳市人民政府
  year: 2020
  source: test.txt
areas:
- number: 1
  name: {quoted(f"领域{p}")}
agencies:
- name: 市税务局
  kind: central
  code: swj
tasks:
- id: 1
  area: 1
  title: {quoted(f"甲{p}乙")}
  description: {quoted(f"丙{p}丁")}
  lead:
  - 市税务局
  lead_note: {quoted(f"等{p}")}
  support: []
  deadline: 2020-06-30
  deadline_text: 2020年6月底
- id: 2
  area: 1
  title: 平常的任务
  description: ''
  lead:
  - 市税务局
  support: []
  deadline: 2020-12-31
  deadline_text: 2020年12月底
"""


class Files(NamedTuple):
    tasks: Path
    ledger: Path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(params=PAYLOADS)
def payload(request: pytest.FixtureRequest) -> Payload:
    value: Payload = request.param
    return value


@pytest.fixture
def files(tmp_path: Path, payload: Payload, monkeypatch: pytest.MonkeyPatch) -> Iterator[Files]:
    """A list and a ledger holding the payload everywhere text goes; neither may change."""
    p = payload.raw
    tasks = tmp_path / "tasks.yaml"
    tasks.write_text(task_list(p), encoding="utf-8")
    ledger = tmp_path / "progress.yaml"
    at = dt.datetime(2020, 6, 1, 10, tzinfo=dt.UTC)
    event = Event(1, Status.DOING, dt.date(2020, 6, 1), f"张{p}三", at, f"记{p}", f"据{p}")
    ledger.write_text(ledger_text([event]), encoding="utf-8")
    for name, value in (
        ("SZBIZ_TASKS", str(tasks)),
        ("SZBIZ_PROGRESS", str(ledger)),
        ("SZBIZ_TODAY", AS_OF),
        ("COLUMNS", "400"),  # wide enough that no cell is cut
    ):
        monkeypatch.setenv(name, value)
    before = sha256(tasks), sha256(ledger)
    yield Files(tasks, ledger)
    assert (sha256(tasks), sha256(ledger)) == before


def raw_in(text: str) -> list[str]:
    """The raw characters of ``RAW`` in ``text``, a CRLF line end aside."""
    return RAW.findall(text.replace("\r\n", "\n"))


def shown(p: Payload, *where: str) -> list[str]:
    """The visible escape of ``p`` inside each text it was put into."""
    return [w.format(p.shown) for w in where]


# The commands that print for a person or a pipe, and where the payload shows in each.
TITLE, DESCRIPTION, NOTE_OF_LEAD = "甲{0}乙", "丙{0}丁", "等{0}"
BY, NOTE, REF = "张{0}三", "记{0}", "据{0}"
PRINTED = [
    pytest.param(
        ("show", "1"), (TITLE, DESCRIPTION, NOTE_OF_LEAD, f"by {BY}", NOTE, REF), id="show"
    ),
    pytest.param(("list", "-f", "table"), (TITLE,), id="list-table"),
    pytest.param(("list", "-f", "tsv"), (TITLE, DESCRIPTION, NOTE_OF_LEAD), id="list-tsv"),
    pytest.param(("list", "-f", "csv"), (TITLE, DESCRIPTION, NOTE_OF_LEAD), id="list-csv"),
    pytest.param(("list", "-f", "md"), (TITLE,), id="list-md"),
    pytest.param(("due", "-f", "table"), (TITLE,), id="due-table"),
    pytest.param(("report",), ("清单{} · 截至 2020-07-01", "领域{}", TITLE), id="report"),
    pytest.param(("report", "-f", "md"), ("# 清单{} · 截至", "领域{}", TITLE), id="report-md"),
    pytest.param(
        ("sheet", "--agency", "swj"), ("清单{} · 逾期 1 项", TITLE, NOTE, REF), id="sheet"
    ),
    pytest.param(
        ("sheet", "--agency", "swj", "-f", "md"), ("清单{} · 逾期 1 项", TITLE, NOTE), id="sheet-md"
    ),
    pytest.param(("log", "-f", "table"), (TITLE, BY, NOTE, REF), id="log-table"),
    pytest.param(("log", "-f", "tsv"), (TITLE, BY, NOTE, REF), id="log-tsv"),
    pytest.param(("export", "-f", "csv"), (f"{TITLE}。{DESCRIPTION}", NOTE, REF), id="export-csv"),
    pytest.param(("export", "-f", "md"), ("# 清单{}", TITLE), id="export-md"),
]


@pytest.mark.parametrize(("args", "where"), PRINTED)
def test_printed_text_shows_visible_escapes_and_nothing_raw(
    files: Files, payload: Payload, args: tuple[str, ...], where: tuple[str, ...]
) -> None:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert raw_in(result.stdout) == [] and raw_in(result.stderr) == []
    for text in shown(payload, *where):
        assert text in result.stdout, text


def test_the_terminal_line_is_exactly_the_escaped_text(files: Files, payload: Payload) -> None:
    result = run("show", "1")
    assert result.stdout.splitlines()[2] == f"措施       甲{payload.shown}乙"
    v = payload.shown
    last = result.stdout.splitlines()[-1]
    assert re.fullmatch("历史       [0-9a-f]{8} ", last[:18]), last  # the event's id
    assert last[18:] == f"2020-06-01 doing by 张{v}三 · 记{v} · 据{v}"


@pytest.mark.parametrize(
    "args", [("list", "--json"), ("log", "--json"), ("show", "1", "--json"), ("report", "--json")]
)
def test_json_keeps_the_data_exact_and_escaped(
    files: Files, payload: Payload, args: tuple[str, ...]
) -> None:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert raw_in(result.stdout) == []
    data = json.loads(result.stdout)
    if args[0] == "list":
        assert data[0]["title"] == f"甲{payload.raw}乙"
    elif args[0] == "log":
        assert (data[0]["by"], data[0]["note"]) == (f"张{payload.raw}三", f"记{payload.raw}")
    elif args[0] == "show":
        assert data["history"][0]["ref"] == f"据{payload.raw}"
    else:
        assert data["title"] == f"清单{payload.raw}"


def export(*args: str) -> bytes:
    result = CliRunner().invoke(app, ["export", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert raw_in(result.stderr) == []
    return result.stdout_bytes


def test_export_csv_cells_read_back_escaped(files: Files, payload: Payload) -> None:
    text = export("-f", "csv").decode("utf-8-sig")
    assert raw_in(text) == []
    row = next(csv.DictReader(io.StringIO(text, newline="")))
    assert row["改革措施"] == f"甲{payload.shown}乙。丙{payload.shown}丁"
    assert row["牵头单位"] == f"市税务局等{payload.shown}"
    assert (row["最近进展"], row["依据"]) == (f"记{payload.shown}", f"据{payload.shown}")


def test_export_xlsx_opens_with_the_text_escaped(
    files: Files, payload: Payload, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "tasks.xlsx"
    result = run("export", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"wrote 2 tasks to {out}\n"
    book = load_workbook(out)
    sheet = book.active
    assert sheet is not None
    cells = {sheet.cell(1, col).value: sheet.cell(2, col).value for col in range(1, 17)}
    assert cells["改革措施"] == f"甲{payload.shown}乙。丙{payload.shown}丁"
    assert cells["所属领域"] == f"领域{payload.shown}"
    assert (cells["最近进展"], cells["依据"]) == (f"记{payload.shown}", f"据{payload.shown}")
    assert book.properties.title == f"清单{payload.shown} · 截至 {AS_OF}"


def test_export_ics_has_no_control_character(files: Files, payload: Payload) -> None:
    from icalendar import Calendar

    data = export("-f", "ics")
    assert raw_in(data.decode("utf-8")) == []
    calendar = Calendar.from_ical(data)
    left = payload.stripped
    assert str(calendar["X-WR-CALNAME"]) == f"清单{left}"
    events = calendar.walk("VEVENT")
    assert str(events[0]["SUMMARY"]) == f"[1] 甲{left}乙"
    description = str(events[0]["DESCRIPTION"])
    assert description.startswith(f"甲{left}乙。丙{left}丁\n\n所属领域：1 领域{left}\n")
    assert f"牵头单位：市税务局等{left}\n" in description
    assert description.endswith(f"最近进展：记{left}\n依据：据{left}")
    for event in events:
        for value in (event["SUMMARY"], event["DESCRIPTION"], *event["CATEGORIES"].cats):
            assert raw_in(str(value)) == []


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("export", "-f", "html"), id="export"),
        ("sheet", "--agency", "swj", "-f", "html"),
    ],
)
def test_html_shows_visible_escapes(files: Files, payload: Payload, args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert raw_in(result.stdout) == []
    assert f"甲{html.escape(payload.shown)}乙" in result.stdout


def test_lint_warns_with_the_strings_line_and_column(files: Files, payload: Payload) -> None:
    lines = task_list(payload.raw).splitlines()
    line = lines.index(next(x for x in lines if x.startswith('  title: "\\u7532'))) + 1  # 甲
    if payload.count == 1:
        what = f"holds {payload.what}; remove it"
    else:
        many = f"{payload.count} control or bidi characters"
        what = f"holds {many}, the first {payload.what}; remove them"
    warning = f"{files.tasks}:{line}:10: warning: task 1 → title: {what} [control-character]"
    result = run("lint", str(files.tasks))
    assert result.exit_code == 0, result.stderr
    assert warning in result.stdout.splitlines()
    assert raw_in(result.stdout) == []
    # The document's title, the area's name, the title, the description, the lead's note.
    assert len(result.stdout.splitlines()) == 5
    assert run("lint", "--strict", str(files.tasks)).exit_code == 1


@pytest.mark.parametrize("source", ["--by", "SZBIZ_USER"])
def test_a_name_with_control_characters_is_refused(
    files: Files, payload: Payload, source: str
) -> None:
    before = sha256(files.ledger)
    name = f"张{payload.raw}三"
    if source == "--by":
        result = run("done", "2", "--by", name)
    else:
        result = run("done", "2", env={"SZBIZ_USER": name})
    fix = "" if source == "--by" else ": give --by NAME, or set SZBIZ_USER to a plain name"
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {source} holds {payload.what}; a name needs no control or bidi character{fix}\n"
    )
    assert result.stdout == ""
    assert sha256(files.ledger) == before


def test_a_note_with_control_characters_is_recorded_and_shown_escaped(
    files: Files, payload: Payload, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = tmp_path / "new.yaml"
    monkeypatch.setenv("SZBIZ_PROGRESS", str(ledger))
    result = run("done", "2", "--on", "2020-06-15", "--by", "张三", "--note", f"注{payload.raw}")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "task 2: todo → done on 2020-06-15\n"
    shown_log = run("log", "-f", "table")
    assert f"注{payload.shown}" in shown_log.stdout
    assert raw_in(shown_log.stdout) == []


@pytest.mark.parametrize(
    ("args", "error"),
    [
        pytest.param(("list", "--agency", "市{}局"), "error: unknown agency '市", id="agency"),
        pytest.param(("show", "1{}"), "error: ", id="task-id"),
        pytest.param(("list", "--area", "无{}"), "error: ", id="area"),
        pytest.param(("due", "--before", "2020{}"), "error: cannot read '2020", id="date"),
    ],
)
def test_an_error_line_quoting_what_was_typed_is_one_safe_line(
    files: Files, payload: Payload, args: tuple[str, ...], error: str
) -> None:
    result = run(*(a.format(payload.raw) for a in args))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(error)
    # What was typed, as a visible escape (or as Python writes it, where a message quotes it so).
    assert payload.shown in result.stderr or ascii(payload.raw)[1:-1] in result.stderr
    assert raw_in(result.stderr) == []
    assert no_traceback(result.stderr)


def test_a_path_is_shown_safely(tmp_path: Path, payload: Payload) -> None:
    missing = tmp_path / f"list{payload.raw}.yaml"
    result = run("list", "--tasks", str(missing))
    assert result.exit_code == 1
    assert result.stderr == f"error: {tmp_path / f'list{payload.shown}.yaml'}: no such file\n"
    where = run("where", "--tasks", str(missing), "--progress", str(missing))
    assert where.exit_code == 0
    assert raw_in(where.stdout) == []
    assert f"list{payload.shown}.yaml" in where.stdout


def test_rich_markup_in_data_is_printed_as_it_is(tmp_path: Path) -> None:
    title = "[bold red]x[/] [link=https://evil.example]y[/link]"
    tasks = tmp_path / "tasks.yaml"
    tasks.write_text(task_list("").replace(quoted("甲乙"), quoted(title)), encoding="utf-8")
    result = run("show", "1", "--tasks", str(tasks), "--as-of", AS_OF)
    assert result.stdout.splitlines()[2] == f"措施       {title}"
    listed = run("list", "-f", "table", "--tasks", str(tasks), "--as-of", AS_OF)
    assert title in listed.stdout


def test_a_spreadsheet_cell_starting_with_a_space_or_full_width_sign_stays_text(
    tmp_path: Path,
) -> None:
    tasks = tmp_path / "tasks.yaml"
    text = (
        task_list("")
        .replace(quoted("甲乙"), quoted(" =1+1"))
        .replace(quoted("丙丁"), quoted("＝1+1"))
    )
    tasks.write_text(text, encoding="utf-8")
    result = run("list", "-f", "csv", "--tasks", str(tasks), "--as-of", AS_OF)
    row = next(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert (row["title"], row["description"]) == ("' =1+1", "'＝1+1")
