"""The loader on any input at all: random bytes, YAML-ish text and damaged copies of the list.

Whatever it is given, ``parse`` returns problems and ``load`` raises nothing but
LoadError; every problem is located (line and column from 1) on one line.
With CI set, each test runs 2000 examples; else 200.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from szbiz.errors import LoadError, Problem
from szbiz.load import check, load, parse
from szbiz.model import TaskList
from szbiz.yamlnode import SEQ, STR, ComposeError, compose

from .conftest import TASKS

for _name, _examples in (("ci", 2000), ("dev", 200)):
    settings.register_profile(
        _name,
        max_examples=_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
# Applied to these tests only, so that other modules keep their own settings.
FUZZ = settings.get_profile("ci" if os.environ.get("CI") else "dev")


def _seed() -> str:
    """The head of data/tasks.yaml (document, areas, agencies) and its first five tasks."""
    text = TASKS.read_text(encoding="utf-8")
    head, tasks = text.split("\ntasks:\n", 1)
    return head + "\ntasks:\n" + "\n- id: ".join(tasks.split("\n- id: ")[:6]) + "\n"


SEED = _seed()
SEED_LINES = SEED.splitlines(keepends=True)

# What breaks a YAML file, or makes YAML 1.1 read it differently.
TOKENS = [
    "&a ",
    "*a",
    "!!str ",
    "!!int ",
    "!custom ",
    "! ",
    "yes",
    "no",
    "on",
    "010",
    "08",
    "1:10",
    "0x1f",
    "1.5",
    "~",
    "null",
    "2020-06-31",
    "2020-6-3",
    "---\n",
    "...\n",
    "? ",
    "- ",
    ": ",
    ":",
    "[",
    "]",
    "{",
    "}",
    ",",
    "'",
    '"',
    "#",
    "|\n",
    ">-\n",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "  ",
    "\ufeff",
    "\x85",
    "\u2028",
    "%YAML 1.1\n",
    "%TAG ! tag:x,2020:\n",
    "<<: *a\n",
    "9" * 30,
    "-1",
    "0",
    "id",
    "area",
    "tasks",
    "schema",
    "lead",
    "aliases",
    "市税务局",
    "税务局",
]
# Characters that stop a file at once: in the damaged lists only, where they are rare.
CONTROL = ["\0", "\x0c", "\x7f"]
KEYS = ["schema: 1\n", "tasks:\n", "- id: 1\n", "  area: 1\n", "  lead:\n  - 市税务局\n"]


def _index(draw: st.DrawFn, items: list[str]) -> int:
    return draw(st.integers(0, max(len(items) - 1, 0)))


@st.composite
def mutations(draw: st.DrawFn) -> bytes:
    """The seed list, damaged in one to five places, in one of several encodings."""
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(1, 5))):
        op = draw(
            st.sampled_from(
                ["delete", "duplicate", "swap", "replace", "truncate", "indent", "insert"]
            )
        )
        if not lines:
            lines = [""]
        i = _index(draw, lines)
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = _index(draw, lines)
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "replace":
            line = lines[i]
            k = draw(st.integers(0, len(line)))
            new = draw(st.one_of(st.characters(codec="utf-8"), st.sampled_from(TOKENS + CONTROL)))
            lines[i] = line[:k] + new + line[k + 1 :]
        elif op == "truncate":
            text = "".join(lines)
            lines = [text[: draw(st.integers(0, len(text)))]]
        elif op == "indent":
            line = lines[i]
            how = draw(st.sampled_from(["more", "less", "tab"]))
            if how == "more":
                lines[i] = " " * draw(st.integers(1, 4)) + line
            elif how == "less":
                lines[i] = line[draw(st.integers(1, 4)) :] if line.startswith(" ") else line
            else:
                lines[i] = "\t" + line.lstrip(" ")
        else:
            line = lines[i]
            k = draw(st.integers(0, len(line)))
            lines[i] = line[:k] + draw(st.sampled_from(TOKENS + CONTROL)) + line[k:]
    text = "".join(lines)
    # Mostly UTF-8: a list in another encoding stops at its first non-ASCII byte.
    encoding = draw(st.sampled_from(["utf-8"] * 6 + ["utf-8-sig", "crlf", "gbk", "utf-16"]))
    if encoding == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8")
    return text.encode(encoding, errors="replace")


YAMLISH = st.lists(
    st.one_of(
        st.sampled_from(TOKENS),
        st.sampled_from(KEYS),
        st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), max_size=4),
    ),
    max_size=60,
).map(lambda parts: "".join(parts).encode("utf-8"))


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One file the examples overwrite in turn."""
    return tmp_path_factory.mktemp("fuzz") / "tasks.yaml"


def _assert_sound(problems: list[Problem], name: str) -> None:
    for p in problems:
        assert p.path == name
        assert p.rule != "internal", p
        assert p.level in ("error", "warning"), p
        assert p.line >= 1 and p.column >= 1, p
        assert p.message and "\n" not in p.text and "\r" not in p.text, p


def _assert_loader_holds(data: bytes, path: Path) -> None:
    name = str(path)
    tasks, problems = parse(data, name)
    _assert_sound(problems, name)
    errors = [p for p in problems if p.level == "error"]
    if tasks is None:
        assert errors
    else:
        assert isinstance(tasks, TaskList)
        assert not errors
    path.write_bytes(data)
    try:
        loaded = load(path)
    except LoadError as exc:
        assert tasks is None
        assert list(exc.problems) == problems
    else:
        assert loaded.tasks == tasks
        assert list(loaded.warnings) == problems
    assert check(path) == problems


def test_the_seed_is_a_clean_list() -> None:
    tasks, problems = parse(SEED.encode("utf-8"), "seed.yaml")
    assert problems == []
    assert tasks is not None
    assert [t.id for t in tasks.tasks] == [1, 2, 3, 4, 5]


@pytest.mark.slow
@FUZZ
@given(data=st.binary(max_size=4096))
def test_random_bytes(data: bytes, scratch: Path) -> None:
    _assert_loader_holds(data, scratch)


@pytest.mark.slow
@FUZZ
@given(data=YAMLISH)
def test_yaml_ish_text(data: bytes, scratch: Path) -> None:
    _assert_loader_holds(data, scratch)


@pytest.mark.slow
@FUZZ
@given(data=mutations())
def test_mutations_of_the_list(data: bytes, scratch: Path) -> None:
    _assert_loader_holds(data, scratch)


# Plain scalars YAML 1.1 reads as something other than text, and text that looks close.
SPECIAL = [
    "yes", "No", "ON", "off", "y", "~", "null", "Null", "", "010", "0o17", "0x1F", "0b101",
    "1_000", "190:20:30", "-1", "+1", ".5", "1e3", "6.8523015e+5", ".inf", "-.Inf", ".NaN",
    "2020-06-30", "2020-6-3", "2001-12-14t21:59:43.10-05:00", "<<", "=", "市税务局", "１２",
    "二〇二〇", "é1", "yes市", "1市", "-", "id", "schema",
]  # fmt: skip
PLAIN = st.one_of(
    st.sampled_from(SPECIAL),
    st.from_regex(r"[-+]?[0-9][0-9_.:eE]*", fullmatch=True),
    st.text("0123456789.-+:_eEoObBxXyYnNtTfFlLuU~<= 市é", min_size=1, max_size=10),
    st.text(st.characters(codec="utf-8", categories=("L", "N")), min_size=1, max_size=12),
)


def _tag_of(value: object) -> str:
    """The tag of what yaml.safe_load made of a scalar."""
    kinds = [
        (bool, "bool"),
        (int, "int"),
        (float, "float"),
        (type(None), "null"),
        (dt.date, "timestamp"),
        (str, "str"),
    ]
    return "tag:yaml.org,2002:" + next(tag for kind, tag in kinds if isinstance(value, kind))


@pytest.mark.slow
@FUZZ
@given(PLAIN)
def test_a_plain_scalar_has_the_type_yaml_gives_it(value: str) -> None:
    """As yaml.safe_load reads it, and as PyYAML's public resolver says for the rest."""
    import yaml

    try:
        root, _ = compose(f"- {value}\n")
    except ComposeError:
        root = None
    assume(root is not None and root.kind == SEQ and len(root.items) == 1)
    assert root is not None
    (node,) = root.items
    assume(node.plain and node.value == value)
    resolver = yaml.resolver.Resolver()
    assert node.kind == resolver.resolve(yaml.ScalarNode, value, (True, False))
    try:
        (loaded,) = yaml.safe_load(f"- {value}\n")
    except yaml.constructor.ConstructorError:  # << and =: YAML's merge and value keys
        assert node.kind != STR
    else:
        assert node.kind == _tag_of(loaded)
    if value and not value[0].isascii():
        assert node.kind == STR


# The first task's title, where a character is slipped in.
TITLE_AT = SEED.index("  title: ", SEED.index("\n- id: 1\n")) + len("  title: ") + 2
TITLE_LINE = SEED.count("\n", 0, TITLE_AT) + 1
TITLE_COLUMN = TITLE_AT - SEED.rfind("\n", 0, TITLE_AT)


@pytest.mark.slow
@FUZZ
@example("\x01")
@example("\x7f")
@example("\x84")
@example("\x85")
@example("\x9f")
@example("\xa0")
@example("\ud7ff")
@example("\ue000")
@example("\ufffd")
@example("\ufffe")
@example("\uffff")
@example("\U00010000")
@example("\U0010ffff")
@given(st.characters(codec="utf-8", exclude_characters="\0"))
def test_a_character_yaml_refuses_is_one_located_problem(char: str) -> None:
    """Refused where yaml.safe_load refuses it, as one problem at its line and column."""
    import yaml

    text = SEED[:TITLE_AT] + char + SEED[TITLE_AT:]
    try:
        yaml.safe_load(text)
    except yaml.reader.ReaderError:
        refused = True
    except yaml.YAMLError:
        refused = False
    else:
        refused = False
    tasks, problems = parse(text.encode("utf-8"), "tasks.yaml")
    if refused:
        assert tasks is None
        assert [(p.line, p.column, p.rule) for p in problems] == [
            (TITLE_LINE, TITLE_COLUMN, "character")
        ]
        assert problems[0].message == (
            f"control character U+{ord(char):04X} is not allowed in YAML; remove it"
        )
    else:
        assert all(p.rule != "character" for p in problems)
