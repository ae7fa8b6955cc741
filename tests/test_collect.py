"""szbiz collect: returned fill-in forms into the ledger, checked whole, recorded once."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import TASKS, TEST_DATA, no_traceback, run

openpyxl = pytest.importorskip("openpyxl")

AGENCY = "市税务局"
DAY = "2020-07-01"
AFTER = "2020-07-10"  # the day the returns are collected


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "(none)"


@pytest.fixture
def form(tmp_path: Path) -> Path:
    path = tmp_path / "f.xlsx"
    result = run(
        "sheet",
        "--agency",
        AGENCY,
        "-o",
        str(path),
        "--as-of",
        DAY,
        "--progress",
        str(tmp_path / "p.yaml"),
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"wrote the form for {AGENCY} (19 tasks) to {path}\n"
    return path


def rows(path: Path) -> dict[int, int]:
    """Task id → its row on the form."""
    sheet = openpyxl.load_workbook(path)["进展情况"]
    return {sheet.cell(r, 1).value: r for r in range(5, sheet.max_row + 1)}


def fill(path: Path, answers: dict[int, tuple[object, ...]], out: Path | None = None) -> Path:
    """Fill in 状态, 完成日期, 进展情况, 依据 of the rows of these tasks, as an officer would."""
    book = openpyxl.load_workbook(path)
    sheet = book["进展情况"]
    where = {sheet.cell(r, 1).value: r for r in range(5, sheet.max_row + 1)}
    for task, values in answers.items():
        for column, value in enumerate(values, 6):
            sheet.cell(where[task], column).value = value
    out = out or path
    book.save(out)
    return out


def collect(path: Path, ledger: Path, *more: str) -> object:
    return run("collect", str(path), "--progress", str(ledger), "--as-of", AFTER, *more)


ANSWERS: dict[int, tuple[object, ...]] = {
    5: ("已完成", dt.datetime(2020, 6, 20), "", "深税发〔2020〕18号"),  # its single lead
    69: ("办结", "2020年6月30日", "已上线", "深税函〔2020〕3号"),
    1: ("进行中", None, "正在联调"),  # a co-agency: its part
    70: ("受阻", "2020/6/28", "等待省局系统接口"),
}


def test_round_trip(form: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "p.yaml"
    fill(form, ANSWERS)
    result = collect(form, ledger, "--yes")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"{form} · {AGENCY} · 截至 {DAY} · 4 项"
    assert result.stderr == f"recorded 4 events from {form} in {ledger}\n"
    lines = ledger.read_text(encoding="utf-8").splitlines()[-4:]
    fields = [line.split(", at: ")[0] + " " + line.split("', ", 1)[-1] for line in lines]
    assert [f.replace("'", "") for f in fields] == [
        "- {task: 1, status: doing, agency: 市税务局, on: 2020-07-01, by: 市税务局 note: 正在联调}",
        "- {task: 5, status: done, agency: 市税务局, on: 2020-06-20, by: 市税务局 "
        "ref: 深税发〔2020〕18号}",
        "- {task: 70, status: blocked, agency: 市税务局, on: 2020-06-28, by: 市税务局 note: "
        "等待省局系统接口}",
        "- {task: 69, status: done, agency: 市税务局, on: 2020-06-30, by: 市税务局 note: 已上线, "
        "ref: 深税函〔2020〕3号}",
    ]
    # show: the single lead's answer is the task's own status, with its evidence.
    shown = json.loads(
        run("show", "5", "--json", "--as-of", AFTER, "--progress", str(ledger)).stdout
    )
    assert (shown["status"], shown["done_on"]) == ("done", "2020-06-20")
    # A co-agency's answer is its part of the task, not the task's status.
    shown = json.loads(
        run("show", "1", "--json", "--as-of", AFTER, "--progress", str(ledger)).stdout
    )
    assert shown["status"] == "todo"
    assert shown["parts"][AGENCY] == {"role": "support", "status": "doing", "on": "2020-07-01"}
    history = [(e["kind"], e.get("note")) for e in shown["history"]]
    assert history == [("status", "正在联调")]
    # report: the task-level answers counted (task 1's is 市税务局's part, not the task).
    report = json.loads(
        run(
            "report", "--json", "--agency", AGENCY, "--as-of", AFTER, "--progress", str(ledger)
        ).stdout
    )
    status = report["overall"]["status"]
    assert (status["done"], status["blocked"], status["doing"]) == (2, 1, 0)
    # The 督办单 shows the answers: the evidence and the reason.
    sheet = run(
        "sheet", "--agency", AGENCY, "-f", "md", "--as-of", AFTER, "--progress", str(ledger)
    ).stdout
    cells = [line.strip("| ").split(" | ") for line in sheet.splitlines()]
    by_task = {row[0]: " ".join(row) for row in cells if row[0].isdigit()}
    assert "已完成" in by_task["5"] and "深税发〔2020〕18号" in by_task["5"]
    assert "已完成" in by_task["69"] and "深税函〔2020〕3号" in by_task["69"]
    assert "受阻" in by_task["70"] and "等待省局系统接口" in by_task["70"]
    # Collecting again records nothing, and leaves the ledger's bytes.
    before = sha256(ledger)
    again = collect(form, ledger, "--yes")
    assert (again.exit_code, again.stdout, again.stderr) == (0, "", f"nothing new in {form}\n")
    assert sha256(ledger) == before


def test_a_later_return_records_only_what_changed(form: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "p.yaml"
    fill(form, ANSWERS)
    assert collect(form, ledger, "--yes").exit_code == 0
    fill(
        form,
        {1: ("已完成", "2020-07-01", "联调完成"), 70: ("受阻", "2020/6/28", "等待省局系统接口")},
    )
    result = collect(form, ledger, "--dry-run")
    assert result.exit_code == 0
    (plan,) = json.loads(result.stdout)
    assert [(e["task"], e["before"], e["after"]) for e in plan["events"]] == [(1, "doing", "done")]
    assert plan["events"][0]["cell"] == f"{form} · 进展情况!F{rows(form)[1]}"


def test_a_note_alone_is_a_progress_note_once(form: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "p.yaml"
    fill(form, {9: (None, None, "已起草方案")})
    assert collect(form, ledger, "--yes").exit_code == 0
    assert (
        ledger.read_text(encoding="utf-8")
        .splitlines()[-1]
        .startswith("- {task: 9, agency: 市税务局, on: 2020-07-01, by: 市税务局, at: ")
    )
    assert collect(form, ledger, "--yes").stderr == f"nothing new in {form}\n"


def test_an_answer_withdrawn_after_its_day_is_news_again(form: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "p.yaml"
    fill(form, {5: ANSWERS[5]})
    assert collect(form, ledger, "--yes").exit_code == 0
    undone = run("undo", "5", "--progress", str(ledger), "--as-of", AFTER)
    assert undone.exit_code == 0, undone.stderr
    # Withdrawn on the day of collecting, after the answer's 2020-06-20: recorded again.
    result = collect(form, ledger, "--yes")
    assert (result.exit_code, result.stderr) == (0, f"recorded 1 event from {form} in {ledger}\n")
    shown = json.loads(
        run("show", "5", "--json", "--as-of", AFTER, "--progress", str(ledger)).stdout
    )
    assert (shown["status"], shown["done_on"]) == ("done", "2020-06-20")


def test_by_names_who_records(form: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "p.yaml"
    fill(form, {5: ("完成", "2020-06-30")})
    assert collect(form, ledger, "--yes", "--by", "李四").exit_code == 0
    assert ", by: 李四, " in ledger.read_text(encoding="utf-8").splitlines()[-1]


def test_a_pipe_without_yes_records_nothing(form: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "p.yaml"
    fill(form, {5: ("完成", "2020-06-30")})
    result = collect(form, ledger)
    assert result.exit_code == 1
    assert "未开始 → 已完成" in result.stdout
    assert result.stderr == (
        "error: nothing recorded: 1 event planned, and no terminal to confirm on; run again "
        "with --yes to record them (--dry-run prints the plan as JSON)\n"
    )
    assert not ledger.exists()


def test_csv_returns_in_utf8_and_gbk(tmp_path: Path) -> None:
    source = (TEST_DATA / "市口岸办-报回.csv").read_bytes()
    assert source.startswith(b"\xef\xbb\xbf")
    for name, data in (
        ("bom.csv", source),
        ("plain.csv", source[3:]),
        ("gbk.csv", source[3:].decode("utf-8").encode("gbk")),
    ):
        ledger = tmp_path / f"{name}.yaml"
        path = tmp_path / name
        path.write_bytes(data)
        result = collect(path, ledger, "--yes")
        assert result.exit_code == 0, result.stderr
        assert result.stderr == f"recorded 4 events from {path} in {ledger}\n"
        assert "91   未开始 → 已完成   2020-06-28" in result.stdout


def test_the_csv_fixture_is_of_the_bundled_list() -> None:
    """The README's example return names the list by its SHA-256: after the list changes,
    make it again (szbiz sheet --agency 市口岸办 -o f.xlsx --as-of 2020-07-01, saved as CSV)."""
    text = (TEST_DATA / "市口岸办-报回.csv").read_text(encoding="utf-8-sig")
    assert f"sha256:{sha256(TASKS)}" in text


# --- hostile returns ----------------------------------------------------------------


def edit(path: Path, out: Path, cells: dict[str, object], sheet: str = "进展情况") -> Path:
    book = openpyxl.load_workbook(path)
    for ref, value in cells.items():
        book[sheet][ref] = value
    book.save(out)
    return out


def refused(path: Path, ledger: Path, message: str) -> None:
    """One line naming the cell, exit 1, and the ledger byte for byte as it was."""
    before = sha256(ledger)
    result = collect(path, ledger, "--yes")
    assert (result.exit_code, result.stdout) == (1, ""), result.stderr
    assert result.stderr == f"error: {message}\n"
    assert no_traceback(result.stderr)
    assert sha256(ledger) == before


@pytest.fixture
def ledger(form: Path, tmp_path: Path) -> Path:
    """A ledger with one event already, so that byte-identical means something."""
    path = tmp_path / "p.yaml"
    assert (
        run(
            "done",
            "7",
            "--on",
            "2020-06-01",
            "--by",
            "张三",
            "--progress",
            str(path),
            "--as-of",
            AFTER,
        ).exit_code
        == 0
    )
    return path


def test_hostile_edited_task_id(form: Path, ledger: Path, tmp_path: Path) -> None:
    row = rows(form)[5]
    bad = edit(fill(form, {5: ("完成",)}, tmp_path / "a.xlsx"), tmp_path / "a.xlsx", {f"A{row}": 6})
    refused(
        bad,
        ledger,
        f"{bad} · 进展情况!A{row}: 序号 6 was changed; this row was sent as task 5 "
        "(序号 is locked: fill in only 状态, 完成日期, 进展情况 and 依据)",
    )


def test_hostile_row_moved_to_another_agencys_task(
    form: Path, ledger: Path, tmp_path: Path
) -> None:
    row = rows(form)[5]
    bad = fill(form, {5: ("完成",)}, tmp_path / "b.xlsx")
    book = openpyxl.load_workbook(bad)
    book["进展情况"][f"A{row}"] = 42
    meta = book["szbiz"]
    for r in range(8, meta.max_row + 1):
        if meta.cell(r, 1).value == row:
            meta.cell(r, 2).value = 42
    book.save(bad)
    refused(
        bad,
        ledger,
        f"{bad} · 进展情况!A{row}: task 42 is not a task of 市税务局; its agencies are 市燃气集团",
    )


def test_hostile_free_text_status(form: Path, ledger: Path, tmp_path: Path) -> None:
    bad = fill(form, {5: ("差不多了",)}, tmp_path / "c.xlsx")
    refused(
        bad,
        ledger,
        f"{bad} · 进展情况!F{rows(form)[5]}: 状态 '差不多了' is not a status; "
        "choose one of 未开始、进行中、已完成、受阻、已取消",
    )


def test_hostile_future_date(form: Path, ledger: Path, tmp_path: Path) -> None:
    bad = fill(form, {5: ("已完成", "2020-7-2")}, tmp_path / "d.xlsx")
    refused(
        bad,
        ledger,
        f"{bad} · 进展情况!G{rows(form)[5]}: 完成日期 2020-07-02 is after the form's day; "
        "expected a day from 2000-01-01 to the form's day 2020-07-01",
    )


def test_hostile_unreadable_date(form: Path, ledger: Path, tmp_path: Path) -> None:
    bad = fill(form, {5: ("已完成", "上周")}, tmp_path / "d2.xlsx")
    refused(
        bad,
        ledger,
        f"{bad} · 进展情况!G{rows(form)[5]}: 完成日期 '上周' is not a date; "
        "write 2020-06-30, 2020/6/30 or 2020年6月30日",
    )


def test_hostile_form_of_another_list(form: Path, ledger: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_bytes(TASKS.read_bytes() + b"# a later edition\n")
    made = tmp_path / "e.xlsx"
    assert (
        run(
            "sheet",
            "--agency",
            AGENCY,
            "-o",
            str(made),
            "--as-of",
            DAY,
            "--tasks",
            str(other),
            "--progress",
            str(ledger),
        ).exit_code
        == 0
    )
    fill(made, {5: ("完成",)})
    refused(
        made,
        ledger,
        f"{made} · 进展情况!A3: a form made from another task list (sha256 "
        f"{sha256(other)[:12]}…; the list in use is {sha256(TASKS)[:12]}…); "
        "send 市税务局 a new form with szbiz sheet -o",
    )


def test_hostile_formula(form: Path, ledger: Path, tmp_path: Path) -> None:
    row = rows(form)[5]
    bad = edit(form, tmp_path / "g.xlsx", {f"F{row}": '=IF(1,"已完成","")'})
    refused(
        bad,
        ledger,
        f'{bad} · 进展情况!F{row}: a formula (=IF(1,"已完成","")); '
        "type the answer as text or a date",
    )


def test_hostile_large_file(ledger: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.xlsx"
    with big.open("wb") as f:
        f.truncate(50 * 1024 * 1024)
    refused(big, ledger, f"{big}: is larger than 8 MiB; expected a returned form (.xlsx, or .csv)")


def test_hostile_not_a_zip(ledger: Path, tmp_path: Path) -> None:
    fake = tmp_path / "h.xlsx"
    shutil.copy(TEST_DATA / "市口岸办-报回.csv", fake)
    refused(
        fake,
        ledger,
        f"{fake}: is not an xlsx workbook (not a zip file); it looks like CSV: name it .csv; "
        "return the form as sent",
    )
    binary = tmp_path / "i.xlsx"
    binary.write_bytes(b"\x00\x01\x02garbage")
    refused(
        binary,
        ledger,
        f"{binary}: is not an xlsx workbook (not a zip file); return the form as sent",
    )


def test_hostile_zip_bomb(ledger: Path, tmp_path: Path) -> None:
    bomb = tmp_path / "j.xlsx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (100 * 1024 * 1024))
    bomb.write_bytes(buffer.getvalue())
    assert bomb.stat().st_size < 1024 * 1024
    refused(
        bomb,
        ledger,
        f"{bomb}: is not an xlsx workbook szbiz reads: it would unpack to 104,857,600 bytes; "
        "a form unpacks to well under 64 MiB",
    )


def test_hostile_zip_that_is_no_workbook(ledger: Path, tmp_path: Path) -> None:
    other = tmp_path / "k.xlsx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("hello.txt", "hi")
    result = collect(other, ledger, "--yes")
    assert result.exit_code == 1 and no_traceback(result.stderr)
    assert result.stderr.startswith(f"error: {other}: is not an xlsx workbook (")


def test_hostile_file_with_an_error_records_none_of_its_rows(
    form: Path, ledger: Path, tmp_path: Path
) -> None:
    """All or nothing: the good rows of a file with one bad row are not recorded either,
    while a good file given with it is."""
    bad = fill(form, {5: ("完成", "2020-06-30"), 69: ("搞定",)}, tmp_path / "l.xlsx")
    good = fill(form, {9: ("进行中",)}, tmp_path / "m.xlsx")
    result = run(
        "collect", str(bad), str(good), "--yes", "--progress", str(ledger), "--as-of", AFTER
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(f"error: {bad} · 进展情况!F{rows(form)[69]}: ")
    assert result.stderr.splitlines()[1] == f"recorded 1 event from {good} in {ledger}"
    tail = ledger.read_text(encoding="utf-8").splitlines()[-1]
    assert tail.startswith("- {task: 9, status: doing, agency: 市税务局")


def test_hostile_added_row(form: Path, ledger: Path, tmp_path: Path) -> None:
    end = max(rows(form).values()) + 1
    bad = edit(form, tmp_path / "n.xlsx", {f"A{end}": 42, f"F{end}": "已完成"})
    refused(bad, ledger, f"{bad} · 进展情况!A{end}: a row the form did not send; add no rows")


def test_hostile_moved_column(form: Path, ledger: Path, tmp_path: Path) -> None:
    bad = edit(form, tmp_path / "o.xlsx", {"F4": "进展情况", "H4": "状态"})
    refused(
        bad,
        ledger,
        f"{bad} · 进展情况!F4: expected the header 状态, found '进展情况'; "
        "keep the columns as sent",
    )


def test_hostile_blocked_without_reason(form: Path, ledger: Path, tmp_path: Path) -> None:
    bad = fill(form, {5: ("受阻",)}, tmp_path / "q.xlsx")
    refused(bad, ledger, f"{bad} · 进展情况!H{rows(form)[5]}: 受阻 needs 进展情况 saying why")


def test_hostile_not_a_form(ledger: Path, tmp_path: Path) -> None:
    plain = tmp_path / "r.xlsx"
    openpyxl.Workbook().save(plain)
    refused(
        plain,
        ledger,
        f"{plain}: not a form made by szbiz sheet -o (it lacks the sheets 进展情况 and szbiz); "
        "fill in the form as sent",
    )
    text = tmp_path / "s.csv"
    text.write_text("序号,状态\n5,已完成\n", encoding="utf-8")
    refused(
        text,
        ledger,
        f"{text}: not a form made by szbiz sheet -o (no line 'szbiz-form …' naming its list "
        "and agency); fill in the form as sent",
    )


def test_hostile_csv_task_of_another_agency(ledger: Path, tmp_path: Path) -> None:
    text = (TEST_DATA / "市口岸办-报回.csv").read_bytes().decode("utf-8-sig")
    bad = tmp_path / "t.csv"
    bad.write_bytes(text.replace("\r\n88,", "\r\n42,").encode("utf-8"))
    line = text.split("\r\n").index(next(x for x in text.split("\r\n") if x.startswith("88,"))) + 1
    refused(
        bad,
        ledger,
        f"{bad} · A{line}: task 42 is not a task of 市口岸办; its agencies are 市燃气集团",
    )


def test_hostile_hidden_row_far_off(form: Path, ledger: Path, tmp_path: Path) -> None:
    """A row number of a billion in the hidden sheet is refused, not walked to."""
    bad = edit(form, tmp_path / "u.xlsx", {"A8": 10**9}, sheet="szbiz")
    refused(
        bad,
        ledger,
        f"{bad} · szbiz!A8: the form's hidden data was changed; fill in the form as sent",
    )


def test_a_list_checked_out_with_crlf_is_the_same_list(form: Path, tmp_path: Path) -> None:
    """A form made where git wrote the list with LF is collected where it wrote CRLF."""
    windows = tmp_path / "tasks.yaml"
    windows.write_bytes(TASKS.read_bytes().replace(b"\n", b"\r\n"))
    ledger = tmp_path / "p.yaml"
    fill(form, {5: ("已完成", "2020-06-20", "", "深税发〔2020〕18号")})
    result = collect(form, ledger, "--yes", "--tasks", str(windows))
    assert (result.exit_code, result.stderr) == (0, f"recorded 1 event from {form} in {ledger}\n")


# --- cells and files no spreadsheet writes: one line each, the other files go on --------

SHEET_XML = "xl/worksheets/sheet1.xml"


def rewrite(path: Path, out: Path, member: str, change: Callable[[bytes], bytes]) -> Path:
    """The workbook with one zip member's bytes changed, as a hand-edited file would be."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info.filename, change(data) if info.filename == member else data)
    return out


def with_cell(path: Path, out: Path, cell: str, xml: str, prolog: bytes = b"") -> Path:
    """The form with the empty cell ``cell`` of its sheet replaced by ``xml``."""

    def change(data: bytes) -> bytes:
        changed, count = re.subn(
            rf'<c r="{cell}"(?: [^>/]*)?(?:/>|></c>)'.encode(), xml.encode("utf-8"), data
        )
        assert count == 1
        return prolog + changed

    return rewrite(path, out, SHEET_XML, change)


def test_a_file_that_cannot_be_read_stops_only_itself(
    form: Path, ledger: Path, tmp_path: Path
) -> None:
    """A cell openpyxl cannot read is that file's one line; the good file is recorded."""
    row = rows(form)[5]
    bad = with_cell(form, tmp_path / "nan.xlsx", f"H{row}", f'<c r="H{row}" t="n"><v>NaN</v></c>')
    good = fill(form, {9: ("进行中",)}, tmp_path / "ok.xlsx")
    result = run(
        "collect", str(good), str(bad), "--yes", "--progress", str(ledger), "--as-of", AFTER
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {bad} · 进展情况!H{row}: 'NaN' is not a number; return the form as sent",
        f"recorded 1 event from {good} in {ledger}",
    ]
    tail = ledger.read_text(encoding="utf-8").splitlines()[-1]
    assert tail.startswith("- {task: 9, status: doing, agency: 市税务局")


LONG = "9" * 5000
HOSTILE_CELLS = {
    # column, the cell's XML (ROW stands for the row), and what is said of it
    "not-finite": ("H", '<c r="HROW" t="n"><v>1e400</v></c>', "'1e400' is not a number"),
    "long-note": ("H", f'<c r="HROW" t="n"><v>{LONG}</v></c>', "a number of 5,000 characters"),
    "long-date": ("G", f'<c r="GROW" t="n"><v>{LONG}</v></c>', "a number of 5,000 characters"),
    "string-index": (
        "H",
        '<c r="HROW" t="s"><v>99</v></c>',
        "the shared string '99' is not in the workbook (it holds 0)",
    ),
    "iso-date": ("G", '<c r="GROW" t="d"><v>2020-02-30T00:00:00</v></c>', None),
    "truth": ("H", '<c r="HROW" t="b"><v>yes</v></c>', "'yes' is not a truth value (0 or 1)"),
}


@pytest.mark.parametrize("case", HOSTILE_CELLS)
def test_hostile_cell_no_spreadsheet_writes(
    case: str, form: Path, ledger: Path, tmp_path: Path
) -> None:
    column, xml, said = HOSTILE_CELLS[case]
    row = rows(form)[5]
    bad = with_cell(form, tmp_path / f"{case}.xlsx", f"{column}{row}", xml.replace("ROW", str(row)))
    said = said or "'2020-02-30T00:00:00' is not a date"
    if said.startswith("a number of"):
        said += "; expected at most 40"
    refused(bad, ledger, f"{bad} · 进展情况!{column}{row}: {said}; return the form as sent")


def test_hostile_date_serial_out_of_range(form: Path, ledger: Path, tmp_path: Path) -> None:
    """openpyxl makes it #VALUE! and warns on stderr: the one line says it instead."""
    row = rows(form)[5]
    filled = fill(form, {5: ("已完成", dt.datetime(2020, 6, 30))}, tmp_path / "w.xlsx")
    bad = rewrite(
        filled,
        tmp_path / "serial.xlsx",
        SHEET_XML,
        lambda data: re.sub(rf'(<c r="G{row}"[^>]*><v>)[^<]*'.encode(), rb"\g<1>1e10", data),
    )
    refused(
        bad,
        ledger,
        f"{bad} · 进展情况!G{row}: 完成日期 is an error value (#VALUE!), or a date serial out "
        "of range; type the answer as text or a date",
    )


MALFORMED = {
    "character-reference": ("&#x1b;", "reference to invalid character number"),
    "raw-escape": ("\x1b", "not well-formed (invalid token)"),
    "non-character": ("\ufffe", "not well-formed (invalid token)"),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_hostile_malformed_xml(case: str, form: Path, ledger: Path, tmp_path: Path) -> None:
    text, said = MALFORMED[case]
    row = rows(form)[5]
    xml = f'<c r="H{row}" t="inlineStr"><is><t>a{text}b</t></is></c>'
    bad = with_cell(form, tmp_path / f"{case}.xlsx", f"H{row}", xml)
    result = collect(bad, ledger, "--yes")
    assert (result.exit_code, result.stdout) == (1, "")
    line = f"error: {bad} · 进展情况: not a workbook szbiz wrote (its XML is malformed: {said}"
    assert result.stderr.startswith(line)
    assert result.stderr.endswith("); return the form as sent\n")
    assert result.stderr.count("\n") == 1


LAUGHS = b"".join(b'<!ENTITY l%d "%s">' % (i + 1, b"&l%d;" % i * 10) for i in range(9))
DOCTYPES = {
    "external-entity": b'<!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    "billion-laughs": b'<!DOCTYPE worksheet [<!ENTITY l0 "lol">' + LAUGHS + b"]>",
}


@pytest.mark.parametrize("case", [*DOCTYPES, "utf-16"])
def test_hostile_doctype(case: str, form: Path, ledger: Path, tmp_path: Path) -> None:
    """No workbook declares entities: refused before any XML parser sees them."""
    row = rows(form)[5]
    xml = f'<c r="H{row}" t="inlineStr"><is><t>&e;&l9;</t></is></c>'
    out = tmp_path / f"{case}.xlsx"
    if case == "utf-16":
        bad = rewrite(
            form,
            out,
            SHEET_XML,
            lambda data: (
                '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE worksheet [<!ENTITY e "x">]>'
                + data.decode("utf-8")
            ).encode("utf-16"),
        )
    else:
        bad = with_cell(form, out, f"H{row}", xml, b'<?xml version="1.0"?>' + DOCTYPES[case])
    refused(
        bad,
        ledger,
        f"{bad}: not a workbook szbiz wrote (xl/worksheets/sheet1.xml declares a DOCTYPE or "
        "entities, which no workbook holds); return the form as sent",
    )


@pytest.mark.parametrize(
    ("column", "xml", "found"),
    [
        ("H", '<c r="HROW" t="n"><v>1e308</v></c>', "the number 1e+308"),
        ("H", '<c r="HROW" t="n"><v>0.5</v></c>', "the number 0.5"),
        ("I", '<c r="IROW" t="b"><v>1</v></c>', "the truth value True"),
    ],
)
def test_hostile_answer_that_is_no_text(
    column: str, xml: str, found: str, form: Path, ledger: Path, tmp_path: Path
) -> None:
    row = rows(form)[5]
    filled = fill(form, {5: ("进行中",)}, tmp_path / "v.xlsx")
    bad = with_cell(filled, tmp_path / "w.xlsx", f"{column}{row}", xml.replace("ROW", str(row)))
    header = "进展情况" if column == "H" else "依据"
    refused(
        bad,
        ledger,
        f"{bad} · 进展情况!{column}{row}: expected text, found {found}; type {header} as text",
    )


def test_a_whole_number_answer_is_its_digits(form: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "p.yaml"
    fill(form, {5: ("进行中", None, 100, 12)})
    result = collect(form, ledger, "--yes")
    assert result.exit_code == 0, result.stderr
    tail = ledger.read_text(encoding="utf-8").splitlines()[-1]
    assert tail.endswith(', note: "100", ref: "12"}')


def test_excel_escapes_are_read_as_what_they_say(form: Path, tmp_path: Path) -> None:
    """_x001B_ is Excel's ESC: read as one (and so shown as a space), never stored as text;
    _x005F_ is its underscore."""
    ledger = tmp_path / "p.yaml"
    row = rows(form)[5]
    filled = fill(form, {5: ("进行中",)}, tmp_path / "v.xlsx")
    xml = f'<c r="H{row}" t="inlineStr"><is><t>a_x001B_[31mb_x005F_x0041_</t></is></c>'
    escaped = with_cell(filled, tmp_path / "w.xlsx", f"H{row}", xml)
    result = collect(escaped, ledger, "--yes")
    assert result.exit_code == 0, result.stderr
    tail = ledger.read_text(encoding="utf-8").splitlines()[-1]
    assert tail.endswith(', note: "a [31mb_x0041_"}')


def test_hostile_zip_of_many_members(form: Path, ledger: Path, tmp_path: Path) -> None:
    many = tmp_path / "many.xlsx"
    shutil.copy(form, many)
    with zipfile.ZipFile(many, "a") as archive:
        for n in range(300 - len(archive.infolist())):
            archive.writestr(f"x/{n}", b"1")
    refused(
        many,
        ledger,
        f"{many}: is not an xlsx workbook szbiz reads: it holds 300 files; a form holds a "
        "dozen, and at most 200 are read",
    )


def csv_with_id(tmp_path: Path, name: str, task: str) -> tuple[Path, int]:
    text = (TEST_DATA / "市口岸办-报回.csv").read_bytes().decode("utf-8-sig")
    lines = text.split("\r\n")
    line = next(i for i, x in enumerate(lines) if x.startswith("88,")) + 1
    path = tmp_path / name
    path.write_bytes(text.replace("\r\n88,", f"\r\n{task},").encode("utf-8"))
    return path, line


def test_hostile_csv_task_id_of_other_digits(ledger: Path, tmp_path: Path) -> None:
    """² is a digit to str.isdigit() but not to int(); 5000 digits are cut in the message."""
    bad, line = csv_with_id(tmp_path, "sup.csv", "²")
    refused(bad, ledger, f"{bad} · A{line}: 序号 '²' is no task of the list in use")
    bad, line = csv_with_id(tmp_path, "long.csv", LONG)
    refused(bad, ledger, f"{bad} · A{line}: 序号 '{'9' * 40}…' is no task of the list in use")


def test_collect_as_of_before_the_forms_day(form: Path, ledger: Path, tmp_path: Path) -> None:
    """Its blank 完成日期 would date events before the form was made."""
    filled = fill(form, {5: ("进行中",)}, tmp_path / "v.xlsx")
    before = sha256(ledger)
    result = run(
        "collect", str(filled), "--yes", "--progress", str(ledger), "--as-of", "2020-06-15"
    )
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"error: {filled}: the form is as of 2020-07-01, after --as-of 2020-06-15; "
        "collect it as of that day or later\n"
    )
    assert sha256(ledger) == before


@pytest.mark.parametrize("day", ["9999-12-31", "1900-01-01"])
def test_hostile_forms_day_out_of_range(day: str, form: Path, ledger: Path, tmp_path: Path) -> None:
    filled = fill(form, {5: ("进行中",)}, tmp_path / "v.xlsx")
    bad = rewrite(
        filled,
        tmp_path / "w.xlsx",
        "xl/worksheets/sheet3.xml",
        # openpyxl writes 截至 as UTF-8, or as character references when lxml is installed.
        lambda data: data.replace(f"截至 {DAY}".encode(), f"截至 {day}".encode()).replace(
            f"截至 {DAY}".encode("ascii", "xmlcharrefreplace"),
            f"截至 {day}".encode("ascii", "xmlcharrefreplace"),
        ),
    )
    refused(
        bad,
        ledger,
        f"{bad} · 进展情况!A3: the form is as of {day}, outside 2000-01-01 to 2999-12-31; "
        "send 市税务局 a new form with szbiz sheet -o",
    )


@pytest.mark.parametrize("every", [False, True])
def test_no_form_as_of_a_day_before_2000(every: bool, tmp_path: Path) -> None:
    out = tmp_path / ("forms" if every else "f.xlsx")
    which = ("--all",) if every else ("--agency", AGENCY)
    result = run("sheet", *which, "-o", str(out), "--as-of", "1999-06-01")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "error: --as-of 1999-06-01: a form is made as of a day from 2000-01-01 to 2999-12-31, "
        "the days collect records\n"
    )
    assert not out.exists()


@pytest.mark.parametrize("suffix", [".csv", ".xlsm", ".txt", ""])
def test_sheet_output_of_an_unknown_kind(suffix: str, tmp_path: Path) -> None:
    """A terminal table in f.csv or f.xlsm would open as garbage."""
    out = tmp_path / f"f{suffix}"
    result = run("sheet", "--agency", AGENCY, "-o", str(out), "--as-of", DAY)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"error: -o {out}: sheet writes .xlsx (the fill-in form), .md or .html; or give --format\n"
    )
    assert not out.exists()


@pytest.mark.parametrize("suffix", [".xlsm", ".txt"])
def test_collect_reads_only_xlsx_and_csv(
    suffix: str, form: Path, ledger: Path, tmp_path: Path
) -> None:
    other = tmp_path / f"f{suffix}"
    shutil.copy(fill(form, {5: ("进行中",)}), other)
    refused(
        other,
        ledger,
        f"{other}: expected a returned form (.xlsx, or .csv); save the form from Excel as "
        ".xlsx (or as CSV)",
    )
