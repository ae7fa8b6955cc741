"""Text a spreadsheet would run as a formula leaves every CSV and TSV writer as text."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from szbiz.render.cells import guard, runs_as_formula

from .conftest import TASKS, run

AS_OF = ("--as-of", "2020-07-01")
FORMULAS = ['=HYPERLINK("http://x","y")', "+1 开办企业", "-2 压缩开办", "@SUM(A1)"]


def test_the_guard_quotes_text_that_would_run() -> None:
    for text in FORMULAS:
        assert runs_as_formula(text)
        assert guard(text) == "'" + text
    assert guard("\tx") == "'\tx" and guard("\nx") == "'\nx"
    assert guard("\rx") == "'\nx"  # a line break is LF in a cell
    for text in (" =x", "＝HYPERLINK()", "＋1", "－2", "＠SUM(A1)"):
        assert runs_as_formula(text)
        assert guard(text) == "'" + text
    for text in ("", "开办企业", "a=b", "'=x", "2020-06-30", "\\x1b=x"):
        assert not runs_as_formula(text)
        assert guard(text) == text


@pytest.fixture
def ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "progress.yaml"
    monkeypatch.setenv("SZBIZ_PROGRESS", str(path))
    monkeypatch.setenv("SZBIZ_USER", "@张三")
    monkeypatch.setenv("SZBIZ_TODAY", "2020-06-01")
    for task_id, note in enumerate(FORMULAS, start=1):
        result = run("start", str(task_id), f"--note={note}", "--ref=-1号")
        assert result.exit_code == 0, result.stderr
    return path


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def tsv_rows(text: str) -> list[dict[str, str]]:
    head, *lines = text.splitlines()
    return [dict(zip(head.split("\t"), line.split("\t"), strict=True)) for line in lines]


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_log_guards_notes_evidence_and_names(ledger: Path, fmt: str) -> None:
    result = run("log", "-f", fmt)
    assert result.exit_code == 0, result.stderr
    rows = (csv_rows if fmt == "csv" else tsv_rows)(result.stdout)
    assert [r["note"] for r in rows] == ["'" + note for note in FORMULAS]
    assert {r["ref"] for r in rows} == {"'-1号"}
    assert {r["by"] for r in rows} == {"'@张三"}
    assert [r["task"] for r in rows] == ["1", "2", "3", "4"]  # numbers are data
    # JSON is no spreadsheet: it keeps the text as it is.
    assert [e["note"] for e in json.loads(run("log", "--json").stdout)] == FORMULAS


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The real list with tasks 1–4 titled as formulas."""
    text = TASKS.read_text(encoding="utf-8")
    for task_id, title in enumerate(FORMULAS, start=1):
        head, sep, rest = text.partition(f"\n- id: {task_id}\n")
        line = f"  title: {json.dumps(title)}"
        rest = re.sub(r"^  title: .*$", lambda _, line=line: line, rest, count=1, flags=re.M)
        text = head + sep + rest
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("SZBIZ_TASKS", str(path))
    monkeypatch.setenv("SZBIZ_PROGRESS", str(tmp_path / "progress.yaml"))
    return path


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_list_guards_titles_and_keeps_numbers(hostile: Path, fmt: str) -> None:
    result = run("list", "--area", "1", "-f", fmt, *AS_OF)
    assert result.exit_code == 0, result.stderr
    rows = (csv_rows if fmt == "csv" else tsv_rows)(result.stdout)
    by_id = {r["id"]: r for r in rows}
    assert [by_id[str(i)]["title"] for i in range(1, 5)] == ["'" + t for t in FORMULAS]
    # Task 1 was due 2020-01-31: -152 days left is a number, not a formula.
    assert (by_id["1"]["days_left"], by_id["1"]["deadline"]) == ("-152", "2020-01-31")
    assert all(int(r["days_left"]) < 0 for r in rows)
    assert not any(v.startswith("'") for r in rows for k, v in r.items() if k != "title")


def test_export_guards_as_list_does(hostile: Path) -> None:
    result = run("export", "-f", "csv", *AS_OF)
    assert result.exit_code == 0, result.stderr
    rows = csv_rows(result.stdout.removeprefix("\ufeff"))
    by_id = {r["序号"]: r["改革措施"] for r in rows}
    for task_id, title in enumerate(FORMULAS, start=1):
        assert by_id[str(task_id)].startswith("'" + title + "。")
    assert {r["逾期天数"] for r in rows if r["序号"] == "1"} == {"152"}
