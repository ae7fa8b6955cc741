"""The importer: source text → data/tasks.yaml, faithfully and byte for byte."""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
from pathlib import Path

import pytest

from szbiz.dump import dump_tasklist
from szbiz.errors import LoadError
from szbiz.importer import parse_source, read_source, split_agencies
from szbiz.load import load
from szbiz.model import AgencyKind

from .conftest import SOURCE, TASKS, run


@pytest.fixture(scope="module")
def imported():  # type: ignore[no-untyped-def]
    return read_source(SOURCE)


# The source document as published (tab-separated rows extracted from the PDF).
SOURCE_SHA256 = "c7737609aed4b06b56ab012d3044c3764295ff6987bf21c0ffa2240febc48fd8"


def test_source_is_kept_unchanged() -> None:
    assert hashlib.sha256(SOURCE.read_bytes()).hexdigest() == SOURCE_SHA256
    shared = SOURCE.parents[3] / "shared" / "source" / SOURCE.name
    if shared.is_file():  # beside a checkout, the copy handed to the project
        assert SOURCE.read_bytes() == shared.read_bytes()


def test_tasks_yaml_is_exactly_the_importers_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command data/tasks.yaml names in its header, run where it says, makes it."""
    (tmp_path / "data" / "source").mkdir(parents=True)
    (tmp_path / "data" / "source" / SOURCE.name).write_bytes(SOURCE.read_bytes())
    monkeypatch.chdir(tmp_path)
    header = TASKS.read_text(encoding="utf-8").splitlines()[2]
    assert header == f"#   szbiz import data/source/{SOURCE.name} -o data/tasks.yaml"
    result = run(*header.split()[2:])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "wrote 210 tasks, 14 areas and 60 agencies to data/tasks.yaml\n"
    assert (tmp_path / "data" / "tasks.yaml").read_bytes() == TASKS.read_bytes()


def test_the_header_says_how_the_list_was_made(tmp_path: Path) -> None:
    """Another source, other options, another file: the header names them, so that the list
    can be made again; a word a shell would split is quoted."""
    source = tmp_path / "源 表.txt"
    source.write_bytes(SOURCE.read_bytes())
    out = tmp_path / "out put.yaml"
    result = run(
        "import", str(source), "--year", "2020", "--issuer", "深圳市人民政府", "-o", str(out)
    )
    assert result.exit_code == 0, result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[1:5] == [
        f"# Generated from {source.as_posix()} by:",
        f"#   szbiz import '{source.as_posix()}' --year 2020 --issuer 深圳市人民政府 "
        f"-o '{out.as_posix()}'",
        "# Do not edit by hand: change the source or the importer and regenerate.",
        f"# Check it with: szbiz lint '{out.as_posix()}'",
    ]
    # But for the header and the source's name, the list is data/tasks.yaml.
    kept = TASKS.read_text(encoding="utf-8").splitlines()
    assert [line for line in lines[5:] if "source:" not in line] == [
        line for line in kept[5:] if "source:" not in line
    ]


def test_import_to_stdout_matches_file_but_for_the_header() -> None:
    result = run("import", str(SOURCE))
    assert result.exit_code == 0
    made, kept = result.stdout.splitlines(), TASKS.read_text(encoding="utf-8").splitlines()
    assert made[2] == f"#   szbiz import {SOURCE.as_posix()}"
    assert made[4] == "# Check it with: szbiz lint FILE"
    assert made[1] == f"# Generated from {SOURCE.as_posix()} by:"
    assert made[:1] + made[3:4] + made[5:] == kept[:1] + kept[3:4] + kept[5:]


def test_yaml_round_trips_to_the_same_model(imported) -> None:  # type: ignore[no-untyped-def]
    assert load(TASKS).tasks == imported
    assert load(TASKS).warnings == ()


def test_counts(imported) -> None:  # type: ignore[no-untyped-def]
    tasks = imported.tasks
    assert [t.id for t in tasks] == list(range(1, 211))
    per_area = collections.Counter(t.area for t in tasks)
    assert [per_area[n] for n in range(1, 15)] == [
        16,
        16,
        11,
        15,
        10,
        11,
        15,
        36,
        14,
        6,
        12,
        18,
        14,
        16,
    ]
    deadlines = collections.Counter(t.deadline for t in tasks)
    assert deadlines == {
        dt.date(2020, 1, 31): 9,
        dt.date(2020, 2, 29): 1,
        dt.date(2020, 3, 31): 18,
        dt.date(2020, 6, 30): 125,
        dt.date(2020, 9, 30): 4,
        dt.date(2020, 12, 31): 53,
    }


def test_document_metadata(imported) -> None:  # type: ignore[no-untyped-def]
    doc = imported.document
    assert doc.title == "深圳市 2020 年优化营商环境改革重点任务清单"
    assert doc.year == 2020
    assert doc.source == "shenzhen-2020-tasks.txt"
    assert len(doc.principles) == 8
    # The fifth principle is wrapped over two lines in the source.
    assert doc.principles[4].endswith("全面实施“一站办”、“一窗办”和“一次办”。")


def test_wrapping_artefacts_removed(imported) -> None:  # type: ignore[no-untyped-def]
    assert imported.area(2).name == "深化工程建设项目审批制度改革"
    assert imported.area(10).name == "加强劳动力市场监管"
    t35 = imported.task(35)
    assert t35.title == "进一步压减接电时间"
    assert t35.measure.startswith("进一步压减接电时间。推动低压项目")
    assert "。 " not in "".join(t.description for t in imported.tasks)
    # Spaces between CJK text and numbers are the document's, not the PDF's.
    assert "整合为 1 个" in imported.task(1).description
    assert imported.task(31).lead == ("市政务服务数据管理局",)


def test_title_and_description_split_at_first_full_stop(imported) -> None:  # type: ignore[no-untyped-def]
    t1 = imported.task(1)
    assert t1.title == "升级“开办企业一窗通”平台"
    assert t1.description.startswith("升级“开办企业一窗通”网上服务平台，")
    assert t1.measure.startswith("升级“开办企业一窗通”平台。升级")


def test_one_entity_per_agency(imported) -> None:  # type: ignore[no-untyped-def]
    names = {a.name for a in imported.agencies}
    aliases = {alias: a.name for a in imported.agencies for alias in a.aliases}
    assert aliases["市人力资源社会保障局"] == "市人力资源保障局"
    assert aliases["市住建局"] == "市住房建设局"
    assert aliases["市住房建 设局"] == "市住房建设局"
    assert aliases["市文化旅游广电体育局"] == "市文化广电旅游体育局"
    assert aliases["各区人民政府（新区管委会）"] == "各区政府（新区管委会）"
    assert aliases["各区政府(新区管委会)"] == "各区政府（新区管委会）"
    assert "市政务服务数据 管理局" in aliases
    assert not names & set(aliases)
    for name in names:
        assert "按" not in name and not name.endswith("等") and " " not in name
    assert "市、区市场监管领域相关部门" in names
    assert "市" not in names


def test_qualifiers_kept(imported) -> None:  # type: ignore[no-untyped-def]
    assert imported.task(39).lead_note == "按职责分工负责"
    assert imported.task(88).lead_note == "按部门职责分工负责"
    assert imported.task(183).lead_note == "等部门按职责分工负责"
    assert imported.task(190).lead_note == "按职责分工分别负责"
    assert imported.task(171).support_note == "等"
    assert imported.task(182).support[-1] == "市、区市场监管领域相关部门"


def test_agency_kinds(imported) -> None:  # type: ignore[no-untyped-def]
    kind = {a.name: a.kind for a in imported.agencies}
    assert kind["市市场监管局"] is AgencyKind.MUNICIPAL
    assert kind["各区政府（新区管委会）"] is AgencyKind.DISTRICT
    assert kind["市中级人民法院"] is AgencyKind.JUDICIAL
    assert kind["深圳海关"] is AgencyKind.CENTRAL
    assert kind["市燃气集团"] is AgencyKind.ENTERPRISE
    assert kind["各相关单位"] is AgencyKind.COLLECTIVE


def test_agency_codes_unique(imported) -> None:  # type: ignore[no-untyped-def]
    codes = [a.code for a in imported.agencies]
    assert len(set(codes)) == len(codes)
    code = {a.name: a.code for a in imported.agencies}
    assert code["市税务局"] == "swj"
    assert code["市水务局"] == "shuiwj"
    alias_codes = {a.name: a.alias_codes for a in imported.agencies}
    assert alias_codes["市住房建设局"] == ("zjj",)  # 市住建局
    assert alias_codes["市税务局"] == ()


def test_split_agencies() -> None:
    assert split_agencies("甲局、乙局等") == (["甲局", "乙局"], "等")
    assert split_agencies("市司法局，市、区市场监管领域相关部门") == (
        ["市司法局", "市、区市场监管领域相关部门"],
        "",
    )
    assert split_agencies("") == ([], "")


HEADER = "序号\t所属领域\t改革措施\t牵头单位\t责任单位\t完成时限\n"


def test_another_year_imports_the_same_way() -> None:
    text = (
        "深圳市 2021 年优化营商环境改革重点任务清单\n\n"
        "一、第一条原则。\n\n"
        + HEADER
        + "1\t一、深化 商事登记\t做一件事。细节。\t市税务局\t\t2021年3月底\n"
        + "2\t\t再做一件。\t市住建局\t市税务局等\t2021年12月\n"
    )
    tasks = parse_source(text, "2021.txt")
    assert tasks.document.year == 2021
    assert tasks.areas[0].name == "深化商事登记"
    assert [t.deadline for t in tasks.tasks] == [dt.date(2021, 3, 31), dt.date(2021, 12, 31)]
    assert tasks.task(2).lead == ("市住房建设局",)
    assert tasks.task(2).support_note == "等"
    assert "\n" in dump_tasklist(tasks)


def test_unreadable_rows_reported_with_line_numbers(tmp_path: Path) -> None:
    source = tmp_path / "bad.txt"
    source.write_text(
        "标题\n\n"
        + HEADER
        + "1\t一、甲\t做。\t市税务局\t\t2020年6月底\n"
        + "2\t\t缺了列\n"
        + "x\t\t做。\t市税务局\t\t2020年6月底\n"
        + "4\t\t做。\t市税务局\t\t明年\n",
        encoding="utf-8",
    )
    with pytest.raises(LoadError) as info:
        read_source(source)
    assert [str(p) for p in info.value.problems] == [
        "bad.txt:5:1: cannot read row: expected 6 columns "
        "(序号 所属领域 改革措施 牵头单位 责任单位 完成时限), got 3",
        "bad.txt:7:1: 完成时限 '明年' needs the document's year; give --year",
    ]
    out = tmp_path / "out.yaml"
    result = run("import", str(source), "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith("error: bad.txt:5:1: cannot read row")
    assert len(result.stderr.splitlines()) == 2
    assert not out.exists()


def test_import_missing_source_is_usage_error(tmp_path: Path) -> None:
    result = run("import", str(tmp_path / "nope.txt"))
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path / 'nope.txt'}: no such file\n"
