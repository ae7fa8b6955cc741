"""Agency cells as reform lists write them, and the kinds of the agencies they name."""

from __future__ import annotations

import pytest
import yaml

from szbiz.importer.names import agency_kind
from szbiz.model import AgencyKind
from tests.conftest import TASKS

K = AgencyKind

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


def test_hostile_names() -> None:
    assert agency_kind("9" * 10_000) == K.MUNICIPAL
    assert agency_kind("9" * 10_000, "国务院") == K.UNKNOWN
