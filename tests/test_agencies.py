"""Agencies as people type them."""

from __future__ import annotations

import pytest

from szbiz.agencies import AgencyError, resolve, resolve_all
from szbiz.load import load
from szbiz.model import TaskList

from .conftest import TASKS, run


@pytest.fixture(scope="module")
def tasks() -> TaskList:
    return load(TASKS).tasks


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("市税务局", "市税务局"),
        ("税务", "市税务局"),
        ("swj", "市税务局"),
        ("sswj", "市税务局"),
        ("SWJ", "市税务局"),
        ("shuiwj", "市水务局"),
        ("hg", "深圳海关"),
        ("szhg", "深圳海关"),
        ("市人力资源社会保障局", "市人力资源保障局"),
        ("市人力资源保障局", "市人力资源保障局"),
        ("市住建局", "市住房建设局"),
        ("市住房建 设局", "市住房建设局"),
        ("各区政府(新区管委会)", "各区政府（新区管委会）"),
        ("各区人民政府（新区管委会）", "各区政府（新区管委会）"),
        ("市文化旅游广电体育局", "市文化广电旅游体育局"),
        ("市场监管", "市市场监管局"),
        (" 市税务局 ", "市税务局"),
        # The city's name written out, or 深圳 alone for 市.
        ("深圳市税务局", "市税务局"),
        ("深圳税务局", "市税务局"),
        ("深圳市税务", "市税务局"),
        ("深圳市海关", "深圳海关"),
        ("市海关", "深圳海关"),
        ("深圳市委编办", "市委编办"),
        ("深圳市住建局", "市住房建设局"),
        # Short forms and full official names people write.
        ("人社局", "市人力资源保障局"),
        ("市人社局", "市人力资源保障局"),
        ("深圳市人社局", "市人力资源保障局"),
        ("深圳市人力资源和社会保障局", "市人力资源保障局"),
        ("住建局", "市住房建设局"),
        ("市住房和建设局", "市住房建设局"),
        ("市监局", "市市场监管局"),
        ("深圳市市场监督管理局", "市市场监管局"),
        ("发改委", "市发展改革委"),
        ("深圳市发展和改革委员会", "市发展改革委"),
        ("规自局", "市规划和自然资源局"),
        ("政数局", "市政务服务数据管理局"),
        ("工信局", "市工业和信息化局"),
        ("卫健委", "市卫生健康委"),
        ("科创委", "市科技创新委"),
        ("城管局", "市城管和综合执法局"),
        ("交通局", "市交通运输局"),
        ("金融局", "市地方金融监管局"),
        ("文广旅体局", "市文化广电旅游体育局"),
        ("中院", "市中级人民法院"),
    ],
)
def test_resolve(tasks: TaskList, query: str, name: str) -> None:
    assert resolve(query, tasks).name == name


def test_ambiguous_lists_candidates(tasks: TaskList) -> None:
    with pytest.raises(AgencyError) as info:
        resolve("务局", tasks)
    assert info.value.message == (
        "'务局' matches 5 agencies: 市税务局、市商务局、市水务局、市中小企业服务局、"
        "市退役军人事务局; give more of the name"
    )
    assert info.value.exit_code == 2


def test_unknown_suggests_closest(tasks: TaskList) -> None:
    with pytest.raises(AgencyError) as info:
        resolve("税物局", tasks)
    assert info.value.message == ("unknown agency '税物局'; did you mean 市税务局?")


def test_unknown_without_suggestion(tasks: TaskList) -> None:
    with pytest.raises(AgencyError) as info:
        resolve("qqqqqq", tasks)
    assert info.value.message == "unknown agency 'qqqqqq'"


def test_empty(tasks: TaskList) -> None:
    with pytest.raises(AgencyError):
        resolve("  ", tasks)


def test_other_spellings_have_codes_too(tasks: TaskList) -> None:
    assert resolve("rlzyshbzj", tasks).name == "市人力资源保障局"  # 市人力资源社会保障局
    assert resolve("whlygdtyj", tasks).name == "市文化广电旅游体育局"  # 市文化旅游广电体育局


def test_a_code_two_agencies_share_is_ambiguous_for_one(tasks: TaskList) -> None:
    # zjj is 深圳证监局's own code and the initials of 市住建局, a spelling of 市住房建设局.
    assert [a.name for a in resolve_all("zjj", tasks)] == ["市住房建设局", "深圳证监局"]
    with pytest.raises(AgencyError) as info:
        resolve("zjj", tasks)
    assert info.value.message == (
        "'zjj' matches 2 agencies: 市住房建设局、深圳证监局; give more of the name"
    )


def test_a_shared_code_lists_both_and_says_so() -> None:
    result = run("list", "--agency", "zjj", "--format", "ids", "--as-of", "2020-01-01")
    assert result.exit_code == 0
    assert result.stderr == "note: zjj names 市住房建设局 and 深圳证监局; listing both\n"
    both = run("list", "--agency", "市住房建设局", "--agency", "深圳证监局", "--format", "ids")
    assert result.stdout == both.stdout
    assert "64\n" in result.stdout  # 深圳证监局 supports task 64 and nothing else
    assert "64\n" not in run("list", "--agency", "市住房建设局", "--format", "ids").stdout


@pytest.mark.parametrize("command", ["due", "report"])
def test_other_listings_take_a_shared_code_too(command: str) -> None:
    result = run(command, "--agency", "zjj", "--as-of", "2020-01-01", "--json")
    assert result.exit_code == 0
    assert result.stderr == "note: zjj names 市住房建设局 and 深圳证监局; listing both\n"


@pytest.mark.parametrize(
    "args", [["sheet", "--agency", "zjj"], ["done", "1", "--agency", "zjj", "--by", "张三"]]
)
def test_a_command_about_one_agency_refuses_a_shared_code(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "error: 'zjj' matches 2 agencies: 市住房建设局、深圳证监局; give more of the name "
        "(szbiz agencies lists them all)\n"
    )


def test_the_city_and_short_forms_on_the_command_line() -> None:
    ids = run("list", "--agency", "swj", "--format", "ids").stdout
    assert run("list", "--agency", "深圳市税务局", "--format", "ids").stdout == ids
    hr = run("list", "--agency", "市人力资源保障局", "--format", "ids").stdout
    assert run("list", "--agency", "人社局", "--format", "ids").stdout == hr
