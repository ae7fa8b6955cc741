"""The fill-in form of ``szbiz sheet -o FILE.xlsx``: facts locked, answers open and
validated, the hidden data a return is matched with, and a second reader (LibreOffice)
that sees the same."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from .conftest import TASKS, run

openpyxl = pytest.importorskip("openpyxl")

AGENCY = "市口岸办"
DAY = "2020-07-01"
# The form of 市口岸办 as of 2020-07-01 with no progress: its tasks, soonest deadline first.
FACTS = [
    ["84", "推动进出口物流作业全流程无纸化", "配合", "2020-06-30", "未开始"],
    ["91", "试点陆路口岸“一站式”通关模式", "牵头", "2020-06-30", "未开始"],
    ["81", "拓展“单一窗口”海关信息共享功能", "配合", "2020-12-31", "未开始"],
    ["82", "开展“单一窗口”本地特色应用建设", "配合", "2020-12-31", "未开始"],
    ["85", "启动“智慧口岸”基础数据平台建设", "牵头", "2020-12-31", "未开始"],
    ["88", "规范口岸经营服务性收费管理", "牵头", "2020-12-31", "未开始"],
    ["89", "公示新版口岸收费目录清单", "牵头", "2020-12-31", "未开始"],
    ["92", "应用通关物流全流程评估系统", "配合", "2020-12-31", "未开始"],
]
CHOICES = '"未开始,进行中,已完成,受阻,已取消"'


@pytest.fixture(scope="module")
def form(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("form") / "市口岸办.xlsx"
    ledger = path.parent / "none.yaml"
    result = run(
        "sheet", "--agency", "口岸办", "-o", str(path), "--as-of", DAY, "--progress", str(ledger)
    )
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == f"wrote the form for {AGENCY} (8 tasks) to {path}\n"
    return path


def identity() -> str:
    sha = hashlib.sha256(TASKS.read_bytes()).hexdigest()
    return f"szbiz-form 1 · 清单 sha256:{sha} · 单位 {AGENCY} · 截至 {DAY}"


def test_facts_are_locked_and_answers_open(form: Path) -> None:
    book = openpyxl.load_workbook(form)
    assert book.sheetnames == ["进展情况", "填报说明", "szbiz"]
    sheet = book["进展情况"]
    assert sheet.protection.sheet is True and not sheet.protection.password
    assert book.security.lockStructure is True and not book.security.workbookPassword
    assert [c.value for c in sheet[4]] == [
        "序号", "措施", "角色", "完成时限", "当前状态", "状态", "完成日期", "进展情况", "依据"
    ]  # fmt: skip
    got = [
        [str(c.value.date() if hasattr(c.value, "date") else c.value) for c in sheet[r][:5]]
        for r in range(5, 13)
    ]
    assert got == FACTS
    assert sheet.max_row == 12
    for r in range(5, 13):
        assert [c.protection.locked for c in sheet[r]] == [True] * 5 + [False] * 4
        assert sheet.cell(r, 7).number_format == "yyyy-mm-dd"
        assert sheet.cell(r, 8).alignment.wrap_text is True
    assert sheet["A3"].value == identity()
    assert "填写" in sheet["A2"].value and "填报说明" in sheet["A2"].value
    assert "下拉列表" in book["填报说明"]["B3"].value


def test_answers_are_validated(form: Path) -> None:
    sheet = openpyxl.load_workbook(form)["进展情况"]
    rules = {(v.type, str(v.sqref)): v for v in sheet.data_validations.dataValidation}
    status = rules[("list", "F5:F12")]
    assert status.formula1 == CHOICES
    assert status.showErrorMessage is True
    day = rules[("date", "G5:G12")]
    assert (day.operator, day.formula1, day.formula2) == (
        "between",
        "DATE(1900,1,1)",
        "DATE(2999,12,31)",
    )
    assert len(rules) == 2


def test_hidden_data_matches_the_return(form: Path) -> None:
    book = openpyxl.load_workbook(form)
    meta = book["szbiz"]
    assert meta.sheet_state == "hidden"
    values = [[c.value for c in row] for row in meta.iter_rows()]
    sha = hashlib.sha256(TASKS.read_bytes()).hexdigest()
    assert values[:7] == [
        ["szbiz-form", 1],
        ["identity", identity()],
        ["list-sha256", sha],
        ["agency", AGENCY],
        ["as-of", DAY],
        ["answers", "状态,完成日期,进展情况,依据"],
        ["row", "task"],
    ]
    assert values[7:] == [[r, int(f[0])] for r, f in enumerate(FACTS, 5)]
    assert book.properties.identifier == identity()


def test_all_writes_one_form_per_agency(tmp_path: Path) -> None:
    out = tmp_path / "forms"
    result = run(
        "sheet", "--all", "-o", str(out), "--as-of", DAY, "--progress", str(tmp_path / "p")
    )
    assert result.exit_code == 0, result.stderr
    made = sorted(p.name for p in out.iterdir())
    assert result.stderr == f"wrote {len(made)} forms, one per agency, to {out}\n"
    assert "市税务局.xlsx" in made and "市口岸办.xlsx" in made
    sheet = openpyxl.load_workbook(out / "市口岸办.xlsx")["进展情况"]
    assert [sheet.cell(r, 1).value for r in range(5, 13)] == [int(f[0]) for f in FACTS]


def test_sheet_options_that_do_not_go_together(tmp_path: Path) -> None:
    both = run("sheet", "--all", "--agency", AGENCY, "-o", str(tmp_path))
    assert (both.exit_code, both.stderr) == (2, "error: give --agency NAME or --all, not both\n")
    bare = run("sheet", "--all")
    assert bare.exit_code == 2
    assert bare.stderr == "error: --all writes one fill-in form per agency: give -o DIRECTORY\n"


def test_sheet_o_keeps_the_other_formats(tmp_path: Path) -> None:
    path = tmp_path / "督办单.md"
    ledger = str(tmp_path / "p.yaml")
    result = run("sheet", "--agency", AGENCY, "-o", str(path), "--as-of", DAY, "--progress", ledger)
    assert result.exit_code == 0
    shown = run("sheet", "--agency", AGENCY, "-f", "md", "--as-of", DAY, "--progress", ledger)
    assert path.read_text(encoding="utf-8") == shown.stdout


# --- a second reader ----------------------------------------------------------------


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        what = "LibreOffice (soffice) is missing: apt-get install libreoffice-calc-nogui"
        if os.environ.get("CI"):
            pytest.fail(f"{what}; CI must have it (see .ci/run)")
        pytest.skip(what)
    return found


def _convert(form: Path, target: str, out: Path) -> Path:
    profile = out / "profile"
    subprocess.run(
        [
            _soffice(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(form),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    suffix = target.split(":")[0]
    return out / f"{form.stem}.{suffix}"


@pytest.mark.slow
def test_libreoffice_reads_the_facts(form: Path, tmp_path: Path) -> None:
    # Field separator ',', text delimiter '"', UTF-8 (76): the form sheet as CSV.
    csv = _convert(form, "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path)
    lines = csv.read_text(encoding="utf-8").splitlines()
    assert lines[2] == identity() + ",,,,,,,,"
    assert lines[3] == "序号,措施,角色,完成时限,当前状态,状态,完成日期,进展情况,依据"
    assert [line.split(",")[:5] for line in lines[4:]] == FACTS
    # And what LibreOffice saved collects as the form does: nothing new, exit 0.
    result = run("collect", str(csv), "--progress", str(tmp_path / "p.yaml"), "--as-of", DAY)
    assert (result.exit_code, result.stderr) == (0, f"nothing new in {csv}\n")


@pytest.mark.slow
def test_libreoffice_keeps_the_drop_down(form: Path, tmp_path: Path) -> None:
    ods = _convert(form, "ods", tmp_path)
    with zipfile.ZipFile(ods) as archive:
        content = archive.read("content.xml").decode("utf-8")
    # LibreOffice's own file names the drop-down's values as its list of choices.
    assert (
        "&quot;未开始&quot;;&quot;进行中&quot;;&quot;已完成&quot;;&quot;受阻&quot;;&quot;已取消&quot;"
        in content
    )
    assert "cell-content-is-date()" in content
