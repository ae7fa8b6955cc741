"""Agencies as people type them."""

from __future__ import annotations

import pytest

from szbiz.agencies import AgencyError, resolve
from szbiz.load import load
from szbiz.model import TaskList

from .conftest import TASKS


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


def test_a_code_two_agencies_share_is_ambiguous(tasks: TaskList) -> None:
    # zjj is 深圳证监局's own code and the initials of 市住建局, a spelling of 市住房建设局.
    with pytest.raises(AgencyError) as info:
        resolve("zjj", tasks)
    assert info.value.message == (
        "'zjj' matches 2 agencies: 市住房建设局、深圳证监局; give more of the name"
    )
