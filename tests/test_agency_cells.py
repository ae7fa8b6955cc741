"""Agency cells as reform lists write them, and the kinds of the agencies they name."""

from __future__ import annotations

import pytest
import yaml

from szbiz.importer.names import Parties, agency_kind, inline_parties, read_parties, split_agencies
from szbiz.model import AgencyKind
from tests.conftest import SOURCE, TASKS

K = AgencyKind

# (牵头单位 cell, 责任单位 cell, first_is_lead, what they say)
PARTIES = [
    # Plain lists: the lead cell's lead, the support cell's support.
    ("市公安局", "", False, Parties(("市公安局",), ())),
    ("公安部", "", False, Parties(("公安部",), ())),
    ("市公安局、市财政局", "市商务局", False, Parties(("市公安局", "市财政局"), ("市商务局",))),
    (
        "市公安局，市财政局",
        "市商务局；市水务局",
        False,
        Parties(("市公安局", "市财政局"), ("市商务局", "市水务局")),
    ),
    ("市公安局,市财政局;市商务局", "", False, Parties(("市公安局", "市财政局", "市商务局"), ())),
    ("公安部 商务部  海关总署", "", False, Parties(("公安部", "商务部", "海关总署"), ())),
    ("国家发展改革委 市场监管总局", "", False, Parties(("国家发展改革委", "市场监管总局"), ())),
    # A space inside a name (a PDF's line wrapping) is no separator.
    ("市政务服务数据 管理局", "", False, Parties(("市政务服务数据 管理局",), ())),
    ("市委 编办", "", False, Parties(("市委 编办",), ())),
    ("市公安局 市住房建 设局", "", False, Parties(("市公安局", "市住房建 设局"), ())),
    # A name that holds a separator stays one.
    ("市、区市场监管领域相关部门", "", False, Parties(("市、区市场监管领域相关部门",), ())),
    # Who does what.
    ("市公安局负责", "", False, Parties(("市公安局",), ())),
    ("市公安局、市财政局负责", "", False, Parties(("市公安局", "市财政局"), ())),
    ("市公安局会同市财政局负责", "", False, Parties(("市公安局",), ("市财政局",))),
    (
        "市公安局会同市财政局、市商务局负责",
        "市水务局",
        False,
        Parties(("市公安局",), ("市财政局", "市商务局", "市水务局")),
    ),
    ("市公安局牵头，市财政局配合", "", False, Parties(("市公安局",), ("市财政局",))),
    ("市公安局牵头、市财政局参与", "", False, Parties(("市公安局",), ("市财政局",))),
    (
        "市公安局、市商务局牵头，市财政局、市水务局配合",
        "",
        False,
        Parties(("市公安局", "市商务局"), ("市财政局", "市水务局")),
    ),
    ("市公安局牵头，市财政局等配合", "", False, Parties(("市公安局",), ("市财政局",), "", "等")),
    (
        "牵头单位：市公安局；责任单位：市财政局、市商务局",
        "",
        False,
        Parties(("市公安局",), ("市财政局", "市商务局")),
    ),
    ("牵头单位：市公安局；配合单位：市财政局", "", False, Parties(("市公安局",), ("市财政局",))),
    ("牵头单位:市公安局；参与单位:市财政局", "", False, Parties(("市公安局",), ("市财政局",))),
    ("牵头单位：市公安局；协办单位：市财政局", "", False, Parties(("市公安局",), ("市财政局",))),
    ("", "牵头单位：市公安局；责任单位：市财政局", False, Parties(("市公安局",), ("市财政局",))),
    # Notes.
    ("市公安局会同有关部门负责", "", False, Parties(("市公安局",), (), "会同有关部门")),
    (
        "市公安局、市财政局等有关部门和单位",
        "",
        False,
        Parties(("市公安局", "市财政局"), (), "等有关部门和单位"),
    ),
    (
        "市公安局",
        "市财政局、市商务局等",
        False,
        Parties(("市公安局",), ("市财政局", "市商务局"), "", "等"),
    ),
    (
        "市公安局",
        "市财政局等有关部门",
        False,
        Parties(("市公安局",), ("市财政局",), "", "等有关部门"),
    ),
    (
        "市公安局、市财政局按职责分工负责",
        "",
        False,
        Parties(("市公安局", "市财政局"), (), "按职责分工负责"),
    ),
    (
        "市公安局、市财政局，按职责分工负责",
        "",
        False,
        Parties(("市公安局", "市财政局"), (), "按职责分工负责"),
    ),
    ("市公安局等、市财政局等", "", False, Parties(("市公安局", "市财政局"), (), "等")),
    # Brackets around the whole cell.
    ("〔市公安局牵头，市财政局配合〕", "", False, Parties(("市公安局",), ("市财政局",))),
    ("（市公安局负责）", "", False, Parties(("市公安局",), ())),
    ("(市公安局、市财政局)", "", False, Parties(("市公安局", "市财政局"), ())),
    ("各区政府（新区管委会）", "", False, Parties(("各区政府（新区管委会）",), ())),
    # The first of several leads where the list says so; the others support.
    (
        "公安部、商务部、海关总署",
        "市财政局",
        True,
        Parties(("公安部",), ("商务部", "海关总署", "市财政局")),
    ),
    ("公安部", "商务部", True, Parties(("公安部",), ("商务部",))),
    ("公安部、商务部", "", False, Parties(("公安部", "商务部"), ())),
    # Nothing.
    ("", "", False, Parties((), ())),
    ("  、，", "", False, Parties((), ())),
]


@pytest.mark.parametrize(("lead", "support", "first", "parties"), PARTIES)
def test_read_parties(lead: str, support: str, first: bool, parties: Parties) -> None:
    assert read_parties(lead, support, first_is_lead=first) == parties


def test_read_parties_reads_the_2020_list_as_split_agencies() -> None:
    """Every 牵头单位 and 责任单位 cell of the 2020 source: the same names and notes."""
    rows = [
        [cell.strip() for cell in line.split("\t")]
        for line in SOURCE.read_text(encoding="utf-8").splitlines()
        if line.count("\t") == 5
    ]
    rows = [row for row in rows if row[3] != "牵头单位"]
    assert len(rows) == 210
    for row in rows:
        (lead, lead_note), (support, support_note) = split_agencies(row[3]), split_agencies(row[4])
        expected = Parties(tuple(lead), tuple(support), lead_note, support_note)
        assert read_parties(row[3], row[4]) == expected, row


INLINE = [
    (
        "推行电子证照。（牵头单位：市公安局；责任单位：市财政局、市商务局）",
        "推行电子证照。",
        Parties(("市公安局",), ("市财政局", "市商务局")),
    ),
    (
        "推行电子证照〔市公安局牵头，市财政局配合〕。",
        "推行电子证照。",
        Parties(("市公安局",), ("市财政局",)),
    ),
    ("推行电子证照（市公安局负责）", "推行电子证照", Parties(("市公安局",), ())),
    ("推行电子证照（公安部、商务部负责）  ", "推行电子证照", Parties(("公安部", "商务部"), ())),
    (
        "推行电子证照(市公安局会同有关部门负责)；",
        "推行电子证照；",
        Parties(("市公安局",), (), "会同有关部门"),
    ),
    (
        "推行（试点）电子证照（牵头单位：各区政府（新区管委会））",
        "推行（试点）电子证照",
        Parties(("各区政府（新区管委会）",), ()),
    ),
]


@pytest.mark.parametrize(("text", "rest", "parties"), INLINE)
def test_inline_parties(text: str, rest: str, parties: Parties) -> None:
    assert inline_parties(text) == (rest, parties)


@pytest.mark.parametrize(
    "text",
    [
        "推行电子证照。",
        "推行电子证照（试点）",
        "推行电子证照（2021年）。",
        "推行电子证照（企业自行负责）",  # 负责, but not an agency's
        "（市公安局负责）推行电子证照",  # not at the end: the measure's own words
        "推行电子证照（市公安局负责",  # never closed
        "推行电子证照市公安局负责）",  # never opened
        "",
        "）",
    ],
)
def test_inline_parties_leaves_other_text(text: str) -> None:
    assert inline_parties(text) == (text, None)


KINDS = [
    # National: ministries, commissions, administrations, whatever the issuer.
    ("公安部", "深圳市人民政府", K.NATIONAL),
    ("人力资源社会保障部", "深圳市人民政府", K.NATIONAL),
    ("商务部", "广东省人民政府", K.NATIONAL),
    ("国家发展改革委", "深圳市人民政府", K.NATIONAL),
    ("国家卫生健康委", "深圳市人民政府", K.NATIONAL),
    ("国务院国资委", "深圳市人民政府", K.NATIONAL),
    ("海关总署", "深圳市人民政府", K.NATIONAL),
    ("国家税务总局", "深圳市人民政府", K.NATIONAL),
    ("市场监管总局", "深圳市人民政府", K.NATIONAL),
    ("国家知识产权局", "深圳市人民政府", K.NATIONAL),
    ("国家移民管理局", "深圳市人民政府", K.NATIONAL),
    ("国务院办公厅", "深圳市人民政府", K.NATIONAL),
    ("人民银行", "深圳市人民政府", K.NATIONAL),
    ("中国人民银行", "国务院", K.NATIONAL),
    ("最高人民法院", "深圳市人民政府", K.NATIONAL),
    ("最高人民检察院", "国务院办公厅", K.NATIONAL),
    ("银保监会", "深圳市人民政府", K.NATIONAL),
    ("证监会", "深圳市人民政府", K.NATIONAL),
    # A national agency's branch.
    ("人民银行深圳市中心支行", "深圳市人民政府", K.CENTRAL),
    ("人民银行深圳中心支行", "深圳市人民政府", K.CENTRAL),
    ("国家税务总局深圳市税务局", "深圳市人民政府", K.CENTRAL),
    ("中国证监会深圳监管局", "深圳市人民政府", K.CENTRAL),
    ("深圳海关", "国务院办公厅", K.CENTRAL),
    ("深圳市税务局", "深圳市人民政府", K.CENTRAL),
    # Provincial.
    ("广东省商务厅", "深圳市人民政府", K.PROVINCIAL),
    ("省市场监管局", "深圳市人民政府", K.PROVINCIAL),
    ("内蒙古自治区发展改革委", "国务院", K.PROVINCIAL),
    # Municipal, by the prefix or a city's list.
    ("市市场监管局", "国务院办公厅", K.MUNICIPAL),
    ("广州市商务局", "深圳市人民政府", K.MUNICIPAL),
    ("深圳市市场监督管理局", "深圳市人民政府", K.MUNICIPAL),
    ("广东省广州市商务局", "国务院", K.MUNICIPAL),
    ("市委组织部", "国务院", K.MUNICIPAL),
    # No prefix: the issuer tells.
    ("发展改革委", "深圳市人民政府", K.MUNICIPAL),
    ("发展改革委", "国务院", K.NATIONAL),
    ("发展改革委", "国务院办公厅", K.NATIONAL),
    ("发展改革委", "广东省人民政府", K.PROVINCIAL),
    ("发展改革局", "深圳市福田区人民政府", K.DISTRICT),
    ("发展改革委", "", K.UNKNOWN),
    ("某某中心", "深圳市人民政府", K.MUNICIPAL),
    ("某某中心", "国务院", K.UNKNOWN),
    ("某某中心", "广东省人民政府", K.UNKNOWN),
    # Shenzhen's other kinds, as before.
    ("各区政府（新区管委会）", "国务院", K.DISTRICT),
    ("区发展改革局", "深圳市人民政府", K.DISTRICT),
    ("有关部门", "国务院", K.COLLECTIVE),
    ("国务院有关部门", "国务院", K.COLLECTIVE),
    ("地方各级人民政府", "国务院", K.COLLECTIVE),
    ("市中级人民法院", "国务院", K.JUDICIAL),
    ("深圳市中级人民法院", "深圳市人民政府", K.JUDICIAL),
    ("市地铁集团", "国务院", K.ENTERPRISE),
    ("中国移动深圳分公司", "深圳市人民政府", K.ENTERPRISE),
    # Written otherwise.
    ("市政务服务数据 管理局", "深圳市人民政府", K.MUNICIPAL),
    ("公安部\x1b[2J", "国务院", K.UNKNOWN),
    ("公安部\x1b[2J", "深圳市人民政府", K.MUNICIPAL),
]


@pytest.mark.parametrize(("name", "issuer", "kind"), KINDS)
def test_agency_kind(name: str, issuer: str, kind: AgencyKind) -> None:
    assert agency_kind(name, issuer) == kind


def test_agency_kind_keeps_the_2020_list_s_kinds() -> None:
    agencies = yaml.safe_load(TASKS.read_text(encoding="utf-8"))["agencies"]
    assert len(agencies) == 60
    for agency in agencies:
        assert agency_kind(agency["name"]).value == agency["kind"], agency["name"]
        assert agency_kind(agency["name"], "深圳市人民政府").value == agency["kind"]
        for alias in agency.get("aliases", ()):
            assert agency_kind(alias).value == agency["kind"], alias


def test_hostile_cells() -> None:
    long = "市公安局、" * 2_000  # 10,000 characters
    assert read_parties(long, long) == Parties(("市公安局",) * 2_000, ("市公安局",) * 2_000)
    assert read_parties("无" * 10_000) == Parties(("无" * 10_000,), ())
    assert read_parties("、" * 10_000, "负责" * 5_000) == Parties((), ())
    deep = "（" * 5_000 + "市公安局" + "）" * 5_000
    assert read_parties(deep).lead == ("（" * 4_997 + "市公安局" + "）" * 4_997,)
    assert inline_parties("推行" + deep) == ("推行" + deep, None)  # says nothing of who does it
    deep_duty = "推行（" + "（" * 5_000 + "市公安局" + "）" * 5_000 + "负责）"
    assert inline_parties(deep_duty) == ("推行", Parties((deep,), ()))
    # Control characters stay in the names, for the views to show safely; they part nothing.
    assert read_parties("市公安局\x1b[2J、市财政局\u202e") == Parties(
        ("市公安局\x1b[2J", "市财政局\u202e"), ()
    )
    assert agency_kind("9" * 10_000) == K.MUNICIPAL
    assert agency_kind("9" * 10_000, "国务院") == K.UNKNOWN
