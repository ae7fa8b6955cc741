"""Tables of any layout → the task list, by their headers: what an office sees when it
imports a list other than Shenzhen 2020's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from szbiz.errors import LoadError, UsageError
from szbiz.importer.grid import Grid, Row
from szbiz.importer.table import Options, issuer_of, read_table

from .conftest import run


def grid(*rows: tuple[str, ...] | str, source: str = "list.csv") -> Grid:
    """Rows as a reader gives them, a row per line from line 1 (a string: a row of one cell)."""
    out = []
    for line, cells in enumerate(rows, start=1):
        cells = (cells,) if isinstance(cells, str) else cells
        out.append(Row(cells, f"line {line}", line))
    return Grid(source, tuple(out))


# A State Council-like list: no deadline column, area headings that state their
# counts, a gap in the published numbering and a column that is none of a task's.
STATE_COUNCIL = (
    "国务院关于推广第三批支持创新相关改革举措的通知",
    ("序号", "改革举措", "主要内容", "指导部门", "推广范围"),
    ("一、科技金融创新方面（共3项）", "", "", "", ""),
    (
        "1",
        "知识产权质押融资风险分担机制。",
        "由地方政府建立风险补偿基金。",
        "国家知识产权局",
        "全面创新改革试验区域",
    ),
    ("2", "科技型中小企业融资服务", "银行为科技型中小企业提供服务。", "人民银行", "全国"),
    ("二、管理体制创新方面（共2项）", "", "", "", ""),
    ("5", "职务科技成果管理", "赋予科研人员成果所有权。", "科技部", "全国"),
    ("6", "央地协同平台", "统筹央地资源。", "国家发展改革委、科技部", "全国"),
)


def write_csv(path: Path, rows: tuple[tuple[str, ...] | str, ...]) -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        for row in rows:
            writer.writerow((row,) if isinstance(row, str) else row)
    return path


def test_a_state_council_table_is_read_by_its_headers() -> None:
    imported = read_table(grid(*STATE_COUNCIL), Options(year=2021))
    tasks = imported.tasks
    assert tasks.document.title == "国务院关于推广第三批支持创新相关改革举措的通知"
    assert tasks.document.issuer == "国务院"
    assert tasks.document.year == 2021
    assert [(a.number, a.name) for a in tasks.areas] == [
        (1, "科技金融创新方面"),
        (2, "管理体制创新方面"),
    ]
    assert [(t.id, t.area) for t in tasks.tasks] == [(1, 1), (2, 1), (5, 2), (6, 2)]
    first = tasks.task(1)
    assert (first.title, first.description) == (
        "知识产权质押融资风险分担机制",
        "由地方政府建立风险补偿基金。",
    )
    assert first.lead == ("国家知识产权局",)
    assert first.extra == (("推广范围", "全面创新改革试验区域"),)
    assert tasks.task(6).lead == ("国家发展改革委", "科技部")
    assert all(t.deadline is None and t.deadline_text == "" for t in tasks.tasks)
    assert [str(w) for w in imported.warnings] == [
        "list.csv:3:1: area '科技金融创新方面' states 3 tasks (共3项) but lists 2",
        "list.csv:7:1: 序号 5 follows 2; 3–4 are missing",
    ]
    assert [str(n) for n in imported.notes] == [
        "column 推广范围 kept as an extra field",
        "no 完成时限 column: every task is ongoing",
    ]
    assert imported.ongoing == 4


def test_the_state_council_table_through_the_command(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "state.csv", STATE_COUNCIL)
    out = tmp_path / "tasks.yaml"
    result = run("import", str(source), "-o", str(out), "--year", "2021")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "state.csv:3:1: warning: area '科技金融创新方面' states 3 tasks (共3项) but lists 2",
        "state.csv:7:1: warning: 序号 5 follows 2; 3–4 are missing",
        f"wrote 4 tasks, 2 areas and 4 agencies to {out}; agencies by kind: 4 national; "
        "4 tasks ongoing; 2 warnings; "
        "column 推广范围 kept as an extra field; no 完成时限 column: every task is ongoing",
    ]
    text = out.read_text(encoding="utf-8")
    assert "title: 国务院关于推广第三批支持创新相关改革举措的通知\n  issuer: 国务院\n" in text
    assert "推广范围" in text and "全面创新改革试验区域" in text
    # The same YAML to stdout, but for the header's command; the summary says what it imported.
    again = run("import", str(source), "--year", "2021")
    header = f"#   szbiz import {source.as_posix()} --year 2021"
    assert again.stdout.splitlines()[2] == header
    assert text.splitlines()[2] == f"{header} -o {out.as_posix()}"
    assert again.stdout.splitlines()[5:] == text.splitlines()[5:]
    assert again.stderr.splitlines()[-1].startswith("imported 4 tasks, 2 areas and 4 agencies;")


def test_strict_refuses_warnings_and_writes_nothing(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "state.csv", STATE_COUNCIL)
    out = tmp_path / "tasks.yaml"
    result = run("import", str(source), "-o", str(out), "--year", "2021", "--strict")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "error: state.csv:3:1: area '科技金融创新方面' states 3 tasks (共3项) but lists 2\n"
        "error: state.csv:7:1: 序号 5 follows 2; 3–4 are missing\n"
    )
    assert not out.exists()


def test_a_year_is_needed_where_nothing_states_one(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "state.csv", STATE_COUNCIL)
    result = run("import", str(source))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "error: state.csv: the title states no year; give --year\n"


HEADER = ("序号", "重点任务", "牵头单位", "配合单位", "完成时限")


def test_deadlines_in_the_titles_year_and_the_header_repeated_atop_pages() -> None:
    imported = read_table(
        grid(
            "广州市2021年优化营商环境重点任务清单",
            "说明：本清单由市营商办汇总。",
            HEADER,
            ("1", "推行电子证照。全面推广应用。", "市政务服务数据管理局", "各区政府", "6月底"),
            "广州市2021年优化营商环境重点任务清单",
            ("序 号", "重点 任务", "牵头 单位", "配合 单位", "完成 时限"),
            ("2", "压缩开办时间", "市市场监管局", "", "2021年12月"),
            ("3", "优化纳税服务", "市税务局", "", ""),
        ),
    )
    tasks = imported.tasks
    doc = tasks.document
    assert (doc.title, doc.issuer, doc.year, doc.principles) == (
        "广州市2021年优化营商环境重点任务清单",
        "广州市人民政府",
        2021,
        (),
    )
    assert [t.id for t in tasks.tasks] == [1, 2, 3]
    assert [t.deadline for t in tasks.tasks] == [dt.date(2021, 6, 30), dt.date(2021, 12, 31), None]
    assert tasks.task(1).title == "推行电子证照"
    assert tasks.task(1).description == "全面推广应用。"
    assert tasks.task(1).support == ("各区政府",)
    assert [(a.number, a.name) for a in tasks.areas] == [(1, "全部任务")]
    assert {t.area for t in tasks.tasks} == {1}
    assert imported.warnings == ()
    assert [str(n) for n in imported.notes] == ["no areas: every task in one, 全部任务"]


def test_an_area_column_of_plain_names_numbers_areas_in_order() -> None:
    imported = read_table(
        grid(
            "某市2022年任务清单",
            ("序号", "类别", "工作任务", "责任单位", "时间节点"),
            ("1", "政务服务", "甲", "市政数局", "2022年3月"),
            ("2", "市场监管", "乙", "市市场监管局", "2022年3月"),
            ("3", "政务服务", "丙", "市政数局", "2022年3月"),
        )
    )
    tasks = imported.tasks
    assert [(a.number, a.name) for a in tasks.areas] == [(1, "政务服务"), (2, "市场监管")]
    assert [t.area for t in tasks.tasks] == [1, 2, 1]
    # The only agency column leads, whatever it is called.
    assert tasks.task(2).lead == ("市市场监管局",)
    assert tasks.task(2).support == ()


def test_column_option_names_a_header_szbiz_does_not_know(tmp_path: Path) -> None:
    rows = (
        "某厅2022年重点工作任务分工",
        ("序号", "工作任务", "责任处室", "备注"),
        ("1", "做甲", "办公室、法规处", "无"),
        ("2", "做乙", "财务处", ""),
    )
    imported = read_table(
        grid(*rows), Options(columns={"责任处室": "lead", "备注": "ignore"}, year=2022)
    )
    assert [t.lead for t in imported.tasks.tasks] == [("办公室", "法规处"), ("财务处",)]
    assert [t.extra for t in imported.tasks.tasks] == [(), ()]
    with_first = read_table(
        grid(*rows), Options(columns={"责任处室": "lead"}, year=2022, first_is_lead=True)
    )
    first = with_first.tasks.task(1)
    assert (first.lead, first.support, first.extra) == (("办公室",), ("法规处",), (("备注", "无"),))
    source = write_csv(tmp_path / "office.csv", rows)
    result = run("import", str(source), "--column", "责任 处室=lead", "--year", "2022")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "imported 2 tasks, 1 area and 3 agencies; agencies by kind: 3 unknown; 2 tasks ongoing; "
        "column 备注 kept as an extra field; the title names no issuer; give --issuer; "
        "no areas: every task in one, 全部任务; no 完成时限 column: every task is ongoing\n"
    )
    assert "issuer: 未注明\n" in result.stdout


def test_an_unknown_header_row_is_named_not_swallowed(tmp_path: Path) -> None:
    rows = (
        "某市重点任务",
        "一、总体要求",
        ("项目", "做法", "单位"),
        ("甲", "做甲", "市局"),
    )
    with pytest.raises(LoadError) as info:
        read_table(grid(*rows))
    expected = (
        "no header row found; expected columns such as 序号, 改革措施, 牵头单位, 完成时限 "
        "(or give --column HEADER=FIELD); the table's first row reads: '项目' '做法' '单位'"
    )
    assert [str(p) for p in info.value.problems] == [f"list.csv:3:1: {expected}"]
    source = write_csv(tmp_path / "odd.csv", rows)
    out = tmp_path / "out.yaml"
    result = run("import", str(source), "-o", str(out))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"error: odd.csv:3:1: {expected}\n"
    assert not out.exists()
    # Named, the columns read.
    named = run(
        "import", str(source), "--column", "做法=measure", "--column", "单位=lead", "--year", "2022"
    )
    assert named.exit_code == 0, named.stderr
    assert "title: 做甲\n" in named.stdout


def test_a_table_without_a_measure_column_says_which_it_has() -> None:
    with pytest.raises(LoadError) as info:
        read_table(grid("题", ("序号", "牵头单位", "完成时限"), ("1", "市局", "2020年6月")))
    assert [str(p) for p in info.value.problems] == [
        "list.csv:2:1: no 改革措施 column; the header row reads: '序号' '牵头单位' '完成时限'; "
        "name it with --column HEADER=measure"
    ]


def test_chinese_numeral_and_full_width_ids() -> None:
    imported = read_table(
        grid(
            "2021年清单",
            ("序号", "改革措施", "牵头单位", "完成时限"),
            ("一、", "甲", "市局", "2021年6月"),
            ("（二）", "乙", "市局", "2021年6月"),
            ("３", "丙", "市局", "2021年6月"),
            ("4.", "丁", "市局", "2021年6月"),
        )
    )
    assert [t.id for t in imported.tasks.tasks] == [1, 2, 3, 4]
    assert imported.warnings == ()


def test_numbering_restarting_per_area_is_renumbered_keeping_the_printed_one() -> None:
    imported = read_table(
        grid(
            "2021年清单",
            ("序号", "改革措施", "牵头单位", "完成时限"),
            "一、甲方面",
            ("1", "甲一", "市局", "2021年6月"),
            ("2", "甲二", "市局", "2021年6月"),
            "（二）乙方面",
            ("1", "乙一", "市局", "2021年6月"),
        )
    )
    tasks = imported.tasks.tasks
    assert [(t.id, t.area, t.extra) for t in tasks] == [
        (1, 1, (("序号", "1"),)),
        (2, 1, (("序号", "2"),)),
        (3, 2, (("序号", "1"),)),
    ]
    assert [str(w) for w in imported.warnings] == [
        "list.csv:7:1: 序号 1 repeats that of line 4; tasks numbered 1–3 in order, "
        "the printed number kept as 序号"
    ]


def test_sub_numbers_are_renumbered_keeping_the_printed_one() -> None:
    imported = read_table(
        grid(
            "2021年清单",
            ("序号", "改革措施", "牵头单位", "完成时限"),
            ("1-1", "甲一", "市局", "2021年6月"),
            ("1-2", "甲二", "市局", "2021年6月"),
            ("2.1", "乙一", "市局", "2021年6月"),
        )
    )
    tasks = imported.tasks.tasks
    assert [(t.id, t.title, t.extra) for t in tasks] == [
        (1, "甲一", (("序号", "1-1"),)),
        (2, "甲二", (("序号", "1-2"),)),
        (3, "乙一", (("序号", "2.1"),)),
    ]
    assert [str(w) for w in imported.warnings] == [
        "list.csv:3:1: 序号 '1-1' is not a number; tasks numbered 1–3 in order, "
        "the printed number kept as 序号"
    ]


def test_rows_that_cannot_be_read_are_each_reported() -> None:
    with pytest.raises(LoadError) as info:
        read_table(
            grid(
                "2021年清单",
                ("序号", "改革措施", "牵头单位", "完成时限"),
                ("1" * 30, "甲", "市局", "2021年6月"),
                ("2", "乙", "", "2021年6月"),
                ("3", "丙", "市局", "择期"),
                ("4", "丁", "市局"),
            )
        )
    assert [str(p) for p in info.value.problems] == [
        "list.csv:3:1: 序号 '111111111111111111111111' is too large",
        "list.csv:4:1: task 2 has no 牵头单位",
        "list.csv:5:1: cannot read 完成时限 '择期': expected like 2021年6月底, 年底前, 第三季度 "
        "or 持续推进",
        "list.csv:6:1: cannot read row: expected 4 columns (序号 改革措施 牵头单位 完成时限), "
        "got 3",
    ]


def test_a_cell_without_a_line_is_named_by_where_it_is() -> None:
    rows = (
        Row(("2021年清单",), "Sheet1!A1", 1),
        Row(("序号", "改革措施", "牵头单位", "完成时限"), "Sheet1!A2", 2),
        Row(("1", "甲", "市局", "2021年6月"), "Sheet1!A3", 3),
        Row(("3", "乙", "市局", "2021年6月"), "Sheet1!A4", 4),
    )
    imported = read_table(Grid("list.xlsx", rows))
    assert [str(w) for w in imported.warnings] == [
        "list.xlsx (Sheet1!A4): 序号 3 follows 1; 2 is missing"
    ]


def test_issuer_from_the_title() -> None:
    assert issuer_of("国务院办公厅关于印发某方案的通知") == "国务院办公厅"
    assert issuer_of("国务院关于推广第三批改革举措的通知") == "国务院"
    assert issuer_of("深圳市 2020 年优化营商环境改革重点任务清单") == "深圳市人民政府"
    assert issuer_of("广东省关于优化营商环境的若干措施") == "广东省人民政府"
    assert issuer_of("福田区2021年重点任务") == "福田区人民政府"
    assert issuer_of("关于深化城市改革的意见") is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--column", "牵头单位"],
            "error: --column '牵头单位': expected HEADER=FIELD, FIELD one of id, area, measure, "
            "description, lead, support, deadline, extra, ignore\n",
        ),
        (
            ["--column", "牵头单位=boss"],
            "error: --column '牵头单位=boss': expected HEADER=FIELD, FIELD one of id, area, "
            "measure, description, lead, support, deadline, extra, ignore\n",
        ),
        (["--year", "1800"], "error: --year 1800: expected a year in 1900–2999\n"),
        (
            ["--year", "99999999999999999999999"],
            "error: --year 99999999999999999999999: expected a year in 1900–2999\n",
        ),
        (
            ["--from", "word"],
            "error: unknown format 'word' for --from; expected one of text, csv, xlsx, docx, pdf\n",
        ),
        (
            ["--column", "处室=lead"],
            "error: --column 处室: no such column; the header row reads: '序号' '改革举措' "
            "'主要内容' '指导部门' '推广范围'\n",
        ),
    ],
)
def test_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    source = write_csv(tmp_path / "state.csv", STATE_COUNCIL)
    out = tmp_path / "out.yaml"
    result = run("import", str(source), "-o", str(out), *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)
    assert not out.exists()


def test_a_column_option_naming_no_column_is_refused() -> None:
    with pytest.raises(UsageError):
        read_table(grid(*STATE_COUNCIL), Options(columns={"处室": "lead"}))


def _sections(yaml_text: str) -> str:
    """The areas, agencies and tasks of a dumped list: what every format must agree on."""
    return yaml_text[yaml_text.index("\nareas:") :]


def _shenzhen_rows() -> tuple[str, list[tuple[str, ...]]]:
    """The 2020 source as a table: its title, then the header and every row after it."""
    from szbiz.importer import text_grid

    from .conftest import SOURCE

    rows = text_grid(SOURCE.read_text(encoding="utf-8-sig"), SOURCE.name).rows
    title = rows[0].cells[0]
    header = next(i for i, r in enumerate(rows) if r.cells[0] == "序号")
    return title, [r.cells for r in rows[header:]]


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_the_2020_list_as_excel_or_word_imports_to_the_same_tasks(
    tmp_path: Path, suffix: str
) -> None:
    from .conftest import SOURCE, TASKS

    title, rows = _shenzhen_rows()
    path = tmp_path / f"shenzhen-2020{suffix}"
    if suffix == ".xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append([title])
        for row in rows:
            sheet.append(list(row))
        book.save(path)
    else:
        import docx

        document = docx.Document()
        document.add_paragraph(title)
        table = document.add_table(rows=0, cols=len(rows[0]))
        for row in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=False):
                cell.text = text
        document.save(str(path))
    result = run("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "imported 210 tasks, 14 areas and 60 agencies\n"
    assert _sections(result.stdout) == _sections(TASKS.read_text(encoding="utf-8"))
    assert f"title: {title}\n" in result.stdout
    assert SOURCE.name not in result.stdout


def test_a_table_per_area_under_its_heading(tmp_path: Path) -> None:
    """Word lists often give each area a heading paragraph and a table of its own."""
    import docx

    document = docx.Document()
    document.add_paragraph("某省2021年深化“放管服”改革重点任务")
    for heading, rows in (
        ("一、政务服务（共2项）", [("1", "一网通办", "省政务服务数据管理局", "2021年底")]),
        ("二、市场准入", [("2", "证照分离", "省市场监管局", "持续推进")]),
    ):
        document.add_paragraph(heading)
        table = document.add_table(rows=1, cols=4)
        for cell, text in zip(
            table.rows[0].cells, ("序号", "任务", "责任单位", "完成时间"), strict=True
        ):
            cell.text = text
        for row in rows:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = text
    path = tmp_path / "province.docx"
    document.save(str(path))
    result = run("import", str(path), "--issuer", "某省人民政府")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "province.docx (paragraph 2): warning: area '政务服务' states 2 tasks (共2项) but lists 1",
        "imported 2 tasks, 2 areas and 2 agencies; agencies by kind: 2 provincial; "
        "1 task ongoing; 1 warning",
    ]
    assert "areas:\n- number: 1\n  name: 政务服务\n- number: 2\n  name: 市场准入\n" in result.stdout
    assert "  principles: []\n" in result.stdout
    assert "  deadline: 2021-12-31\n  deadline_text: 2021年底\n" in result.stdout
    assert "  deadline_text: 持续推进\n" in result.stdout


def _without_source(yaml_text: str) -> str:
    """A dumped list less what names the file it came from."""
    return "".join(
        line
        for line in yaml_text.splitlines(keepends=True)
        if not line.startswith(("#", "  source: "))
    )


@pytest.mark.slow
def test_every_format_of_one_list_imports_to_the_same_yaml(tmp_path: Path) -> None:
    from tests import sources

    table = [sources.HEADER, *sources.SAMPLE[1:]]
    made = {
        "csv": sources.write_csv(tmp_path / "list.csv", [[sources.TITLE], *table]),
        "xlsx": sources.write_xlsx(tmp_path / "list.xlsx", [[sources.TITLE], *table]),
        "docx": sources.write_docx(tmp_path / "list.docx", sources.TITLE, table),
    }
    made["pdf"] = sources.docx_to_pdf(made["docx"], tmp_path)
    where = {
        "csv": "list.csv:12:1",
        "xlsx": "list.xlsx (清单!A12)",
        "docx": "list.docx (table 1, row 11)",
        "pdf": "list.pdf (page 1, table 1, row 11)",
    }
    outputs = {}
    for fmt, path in made.items():
        result = run("import", str(path), "--year", "2021")
        assert result.exit_code == 0, (fmt, result.stderr)
        assert result.stderr.splitlines()[0] == (
            f"{where[fmt]}: warning: 序号 9 follows 7; 8 is missing"
        ), fmt
        outputs[fmt] = _without_source(result.stdout)
    assert outputs["xlsx"] == outputs["csv"]
    assert outputs["docx"] == outputs["csv"]
    assert outputs["pdf"] == outputs["csv"]
    assert "  deadline: 2021-06-30\n  deadline_text: 6月底前\n" in outputs["csv"]


def test_options_name_headers_as_written_and_only_known_fields() -> None:
    rows = ("2022年清单", ("序号", "工作 任务", "责任处室"), ("1", "做甲", "办公室"))
    imported = read_table(grid(*rows), Options(columns={"责任 处室": "lead"}))
    assert imported.tasks.task(1).lead == ("办公室",)
    with pytest.raises(UsageError) as info:
        read_table(grid(*rows), Options(columns={"责任处室": "boss"}))
    assert str(info.value) == (
        "--column '责任处室=boss': expected HEADER=FIELD, FIELD one of id, area, measure, "
        "description, lead, support, deadline, extra, ignore"
    )


def test_hostile_header_and_cells_reach_the_terminal_escaped(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "evil.csv",
        (
            "2021年清单",
            ("序号", "改革措施", "牵头单位", "推广\x1b[2J范围"),
            ("1", "甲", "市局", "全国"),
        ),
    )
    result = run("import", str(source))
    # The YAML could not hold it: refused, naming the line, and never echoed raw.
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr
    assert result.stderr == (
        "error: evil.csv:2:1: control character U+001B in a cell; remove it from the source\n"
    )
    unknown = write_csv(tmp_path / "odd.csv", (("\u202e项目", "做法"), ("甲", "做甲")))
    refused = run("import", str(unknown))
    assert refused.exit_code == 1
    assert refused.stderr.endswith("the table's first row reads: '\\u202e项目' '做法'\n")


def test_agencies_written_inside_the_measure_are_taken_out_of_it(tmp_path: Path) -> None:
    rows = (
        "国务院办公厅关于进一步优化营商环境的意见",
        ("序号", "重点任务", "完成时限"),
        (
            "1",
            "压减审批时间。全面推行告知承诺制。（牵头单位：国家发展改革委；责任单位：市场监管总局、商务部）",
            "2022年底",
        ),
        ("2", "清理证明事项。（司法部牵头，各地区配合）", "持续推进"),
    )
    imported = read_table(grid(*rows))
    tasks = imported.tasks
    assert tasks.document.issuer == "国务院办公厅"
    first = tasks.task(1)
    assert (first.title, first.description) == ("压减审批时间", "全面推行告知承诺制。")
    assert (first.lead, first.support) == (("国家发展改革委",), ("市场监管总局", "商务部"))
    second = tasks.task(2)
    assert (second.title, second.description, second.lead) == ("清理证明事项", "", ("司法部",))
    kinds = {a.name: a.kind.value for a in tasks.agencies}
    assert kinds["国家发展改革委"] == kinds["商务部"] == kinds["司法部"] == "national"
    result = run("import", str(write_csv(tmp_path / "office.csv", rows)))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1].startswith(
        "imported 2 tasks, 1 area and 5 agencies; agencies by kind: 4 national"
    )


def test_first_is_lead_from_the_command_line(tmp_path: Path) -> None:
    rows = (
        "某市2021年重点任务（列第一位者为牵头单位）",
        ("序号", "工作任务", "责任单位", "完成时限"),
        ("1", "做甲", "市发展改革委、市财政局、市司法局", "2021年6月"),
    )
    source = write_csv(tmp_path / "list.csv", rows)
    plain = run("import", str(source))
    first = run("import", str(source), "--first-is-lead")
    assert (plain.exit_code, first.exit_code) == (0, 0)
    assert "  lead:\n  - 市发展改革委\n  - 市财政局\n  - 市司法局\n  support: []\n" in plain.stdout
    assert "  lead:\n  - 市发展改革委\n  support:\n  - 市财政局\n  - 市司法局\n" in first.stdout
