"""The loader on broken input: every file in tests/data gives its own clear, located message.

Each file is a small task list with one thing wrong (several-problems.yaml has six).
`szbiz lint FILE` prints ``path:line:col: level: message [rule]`` for each problem.
"""

from __future__ import annotations

import codecs
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from szbiz.errors import LoadError, Problem
from szbiz.load import check, load, parse

from .conftest import ROOT, TEST_DATA, no_traceback, run

TASK_LIST = "expected a task list: a mapping with schema, document, areas, agencies and tasks"
TASK_KEYS = (
    "id, area, title, description, lead, lead_note, support, support_note, deadline, "
    + "deadline_text, extra"
)
DROPPED = "keep one: YAML would silently drop all but the last"

# Each file → the lines `szbiz lint tests/data/FILE` prints, after "tests/data/FILE:".
ERRORS: dict[str, list[str]] = {
    "invalid-yaml-syntax.yaml": [
        "23:14: error: invalid YAML: did not find expected ',' or ']' (while parsing a flow "
        "sequence that starts at line 22, column 10) [syntax]",
    ],
    "duplicate-key-top-level.yaml": [
        f"3:1: error: duplicate key 'schema' (first at line 2); {DROPPED} [duplicate-key]",
    ],
    "duplicate-key-in-task.yaml": [
        f"26:3: error: duplicate key 'deadline' (first at line 24); {DROPPED} [duplicate-key]",
    ],
    "unknown-key.yaml": [
        "25:3: error: task 1: unknown key 'deadline_txt'; did you mean 'deadline_text'? "
        f"expected one of {TASK_KEYS} [unknown-key]",
    ],
    "missing-key.yaml": [
        "20:3: error: task 1: missing key 'deadline_text' (完成时限 as written) [missing-key]",
    ],
    "list-where-text-expected.yaml": [
        "23:3: error: task 1 → title: expected text, got a list [type]",
    ],
    "mapping-where-list-expected.yaml": [
        "27:5: error: task 1 → lead: expected a list, got a mapping [type]",
    ],
    "text-where-number-expected.yaml": [
        "21:9: error: task 1 → area: expected an area number like 3, "
        "got '深化商事登记制度改革' [type]",
    ],
    "yaml11-yes.yaml": [
        "22:10: error: task 1 → title: expected text, got yes, which YAML reads as a boolean; "
        "quote it: 'yes' [yaml11-type]",
    ],
    "yaml11-no.yaml": [
        "8:11: error: document → source: expected text, got no, which YAML reads as a boolean; "
        "quote it: 'no' [yaml11-type]",
    ],
    "yaml11-on.yaml": [
        "25:18: error: task 1 → deadline_text: expected text, got on, which YAML reads as a "
        "boolean; quote it: 'on' [yaml11-type]",
    ],
    "yaml11-octal-id.yaml": [
        "20:7: error: task 010 → id: expected an id like 42, got 010, an octal number in "
        "YAML 1.1 (8); write 10 [yaml11-octal]",
    ],
    "yaml11-sexagesimal-area.yaml": [
        "21:9: error: task 1 → area: expected an area number like 3, got 1:10, a base-60 "
        "number in YAML 1.1 (70) [yaml11-sexagesimal]",
    ],
    "yaml11-date-as-text.yaml": [
        "25:18: error: task 1 → deadline_text: expected text, got 2020-06-30, which YAML reads "
        "as a date; quote it: '2020-06-30' [yaml11-type]",
    ],
    "null-where-text-expected.yaml": [
        "22:9: error: task 1 → title: expected text, got nothing [type]",
    ],
    "deadline-impossible.yaml": [
        "24:13: error: task 1 → deadline: expected a date like 2020-06-30, got '2020-06-31' [date]",
    ],
    "impossible-date-feb-30.yaml": [
        "24:13: error: task 1 → deadline: expected a date like 2020-06-30, got '2020-02-30' [date]",
    ],
    "date-wrong-format.yaml": [
        "24:13: error: task 1 → deadline: expected a date like 2020-06-30, got '2020/06/30' [date]",
    ],
    "duplicate-task-id.yaml": [
        "30:7: error: task 1: duplicate id 1 (first at line 20); give each task its own id "
        "[duplicate-id]",
    ],
    "id-zero.yaml": [
        "20:7: error: task 0 → id: expected an id of at least 1, got 0 [range]",
    ],
    "id-negative.yaml": [
        "20:7: error: task -3 → id: expected an id of at least 1, got -3 [range]",
    ],
    "area-not-declared.yaml": [
        "21:9: error: task 1 → area: area 15 is not declared under areas; the only area is 1 "
        "[undeclared-area]",
    ],
    "agency-not-declared.yaml": [
        "27:5: error: task 1 → lead: agency '市财政局' is not declared under agencies "
        "[undeclared-agency]",
    ],
    "agency-declared-twice.yaml": [
        "17:9: error: agency 市税务局: agency '市税务局' is declared twice (first at line 15); "
        "merge the two entries into one [duplicate-agency]",
    ],
    "alias-claimed-twice.yaml": [
        "22:5: error: agency 市财政局: alias '税务' is already claimed by agency '市税务局' "
        "(line 18); a spelling names one agency only [duplicate-alias]",
    ],
    "alias-not-text.yaml": [
        "18:5: error: agency 市税务局 → aliases → item 1: expected text, got 12366, which YAML "
        "reads as a number; quote it: '12366' [yaml11-type]",
        "29:5: error: task 1 → lead: agency '市财政局' is not declared under agencies "
        "[undeclared-agency]",
    ],
    "anchor.yaml": [
        "28:12: error: anchor &none is not allowed; a canonical list writes every value out "
        "[anchor]",
    ],
    "alias.yaml": [
        "26:9: error: anchor &lead is not allowed; a canonical list writes every value out "
        "[anchor]",
        "28:12: error: alias *lead is not allowed (the anchor is at line 26); "
        "write the value out [anchor]",
    ],
    "tag-str.yaml": [
        "25:18: error: tag !!str is not allowed; remove it, and quote the value if it must be "
        "text [tag]",
    ],
    "tag-custom.yaml": [
        "16:9: error: tag !agency is not allowed; remove it, and quote the value if it must be "
        "text [tag]",
    ],
    "empty.yaml": [
        f"1:1: error: the file is empty; {TASK_LIST} [empty]",
    ],
    "whitespace-only.yaml": [
        f"1:1: error: the file holds only blank space; {TASK_LIST} [empty]",
    ],
    "comments-only.yaml": [
        "1:1: error: the file holds no YAML document, only comments or blank lines; "
        f"{TASK_LIST} [empty]",
    ],
    "not-utf8-gbk.yaml": [
        "5:10: error: the file is not UTF-8: byte 0xb2 here is not valid UTF-8; it looks like "
        "GBK/GB18030: save it as UTF-8 (iconv -f GB18030 -t UTF-8 converts it) [encoding]",
    ],
    "utf16.yaml": [
        "1:1: error: the file is UTF-16 (it starts with a UTF-16 byte order mark); "
        "save it as UTF-8 [encoding]",
    ],
    "nul-byte.yaml": [
        "22:14: error: a NUL byte: the file is binary or corrupt, not UTF-8 text [nul]",
    ],
    "control-character.yaml": [
        "22:19: error: control character U+000C is not allowed in YAML; remove it [character]",
    ],
    "nested-too-deep.yaml": [
        "28:13: error: task 1 → support → item 1: expected text, got a list [type]",
        "28:41: error: nested more than 32 levels deep; no valid list nests more than 4 [nesting]",
    ],
    "second-document.yaml": [
        "29:1: error: a second YAML document starts here; the file holds exactly one: "
        "remove this one or merge it into the first [document]",
    ],
    "schema-version.yaml": [
        "2:9: error: schema: unsupported schema version 2; expected 1 [schema]",
    ],
    "tab-indentation.yaml": [
        "7:1: error: invalid YAML: found a tab character that violates indentation; "
        "indent with spaces, not tabs [syntax]",
    ],
    "quoted-number.yaml": [
        "20:7: error: task 1 → id: expected an id like 42, got '1', which is text; "
        "write 1 without quotes [type]",
    ],
    "huge-number.yaml": [
        f"20:7: error: task {'9' * 40}… → id: expected an id like 42, "
        "got a number of 5000 digits [range]",
    ],
    "several-problems.yaml": [
        f"3:1: error: duplicate key 'schema' (first at line 2); {DROPPED} [duplicate-key]",
        "8:9: error: document → year: expected a year like 2020, got 'yes' [type]",
        "24:9: error: task 1 → area: area 7 is not declared under areas; the only area is 1 "
        "[undeclared-area]",
        "27:13: error: task 1 → deadline: expected a date like 2020-06-30, got '2020-06-31' [date]",
        "28:3: error: task 1: unknown key 'deadline_txt'; did you mean 'deadline_text'? "
        f"expected one of {TASK_KEYS} [unknown-key]",
        "32:5: error: task 1 → support: agency '市财政局' is not declared under agencies "
        "[undeclared-agency]",
        "41:5: warning: task 2 → lead: '税务局' is an alias of '市税务局'; write 市税务局 "
        "[alias-name]",
    ],
}

ALIAS_WARNING = (
    "29:5: warning: task 1 → lead: '税务局' is an alias of '市税务局'; write 市税务局 [alias-name]"
)
ACCEPTED = ["utf8-bom.yaml", "crlf-line-endings.yaml"]


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the repository, so that paths print as tests/data/FILE."""
    monkeypatch.chdir(ROOT)


def _lines(problems: tuple[Problem, ...] | list[Problem]) -> list[str]:
    """Problems as lint prints them, without the path."""
    return [f"{p.line}:{p.column}: {p.level}: {p.text} [{p.rule}]" for p in problems]


def _printed(name: str, lines: list[str]) -> str:
    return "".join(f"tests/data/{name}:{line}\n" for line in lines)


@pytest.mark.usefixtures("at_root")
@pytest.mark.parametrize("name", ERRORS)
def test_lint_prints_each_problem_where_it_is(name: str) -> None:
    result = run("lint", f"tests/data/{name}")
    assert result.stdout == _printed(name, ERRORS[name])
    assert result.stderr == ""
    assert result.exit_code == 1
    assert no_traceback(result.stdout + result.stderr)


@pytest.mark.parametrize("name", ERRORS)
def test_load_raises_load_error_with_every_problem(name: str) -> None:
    path = TEST_DATA / name
    with pytest.raises(LoadError) as info:
        load(path)
    assert _lines(info.value.problems) == ERRORS[name]
    assert {p.path for p in info.value.problems} == {str(path)}
    assert check(path) == list(info.value.problems)


def test_the_first_error_is_the_message_and_the_rest_are_counted() -> None:
    path = TEST_DATA / "several-problems.yaml"
    with pytest.raises(LoadError) as info:
        load(path)
    assert info.value.message == (
        f"{path}:3:1: duplicate key 'schema' (first at line 2); {DROPPED} "
        "(and 5 more; run szbiz lint)"
    )


def test_several_problems_are_all_reported_in_one_pass() -> None:
    with pytest.raises(LoadError) as info:
        load(TEST_DATA / "several-problems.yaml")
    assert [(p.line, p.column, p.level, p.rule) for p in info.value.problems] == [
        (3, 1, "error", "duplicate-key"),
        (8, 9, "error", "type"),
        (24, 9, "error", "undeclared-area"),
        (27, 13, "error", "date"),
        (28, 3, "error", "unknown-key"),
        (32, 5, "error", "undeclared-agency"),
        (41, 5, "warning", "alias-name"),
    ]


@pytest.mark.usefixtures("at_root")
def test_an_alias_for_a_name_is_a_warning_that_fails_only_under_strict() -> None:
    name = "alias-instead-of-name.yaml"
    result = run("lint", f"tests/data/{name}")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        _printed(name, [ALIAS_WARNING]),
        "",
    )
    strict = run("lint", "--strict", f"tests/data/{name}")
    assert (strict.exit_code, strict.stdout) == (1, result.stdout)
    assert no_traceback(result.stdout + result.stderr + strict.stdout + strict.stderr)


def test_an_alias_for_a_name_loads_as_the_canonical_name() -> None:
    loaded = load(TEST_DATA / "alias-instead-of-name.yaml")
    assert _lines(loaded.warnings) == [ALIAS_WARNING]
    assert loaded.tasks.tasks[0].lead == ("市税务局",)


@pytest.mark.usefixtures("at_root")
@pytest.mark.parametrize("name", ACCEPTED)
def test_bom_and_crlf_are_accepted(name: str) -> None:
    result = run("lint", f"tests/data/{name}")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    loaded = load(TEST_DATA / name)
    assert loaded.warnings == ()
    (task,) = loaded.tasks.tasks
    assert (task.id, task.title, task.deadline_text) == (
        1,
        "申领发票和税控设备即时办结",
        "2020年6月底",
    )
    assert loaded.tasks.document.title == "测试清单"


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("utf8-bom.yaml", lambda data: data.startswith(b"\xef\xbb\xbf")),
        ("crlf-line-endings.yaml", lambda data: data.count(b"\r\n") == data.count(b"\n") > 20),
        ("nul-byte.yaml", lambda data: b"\0" in data),
        ("control-character.yaml", lambda data: b"\x0c" in data),
        ("utf16.yaml", lambda data: data.startswith((b"\xff\xfe", b"\xfe\xff"))),
        ("not-utf8-gbk.yaml", lambda data: "测试清单".encode("gbk") in data),
        ("tab-indentation.yaml", lambda data: b"\n\tyear:" in data),
        ("empty.yaml", lambda data: data == b""),
    ],
)
def test_byte_level_files_still_hold_their_defect(name: str, what: Callable[[bytes], bool]) -> None:
    """An editor or git setting that rewrites these files would make their tests vacuous."""
    assert what((TEST_DATA / name).read_bytes())


# --- problems shown on a small list written out here -----------------------------

SMALL = """\
schema: 1
document: {title: t, issuer: i, year: 2020, source: s}
areas:
- {number: 1, name: 甲}
agencies:
- {name: 市税务局, kind: central, aliases: [税务]}
tasks:
- {id: 1, area: 1, title: 做, description: '', lead: [市税务局], support: [], deadline: 2020-06-30,
   deadline_text: 2020年6月底}
"""
ASCII = SMALL.replace("甲", "a").replace("市税务局", "b").replace("税务", "c").replace("做", "d")


@pytest.mark.parametrize(
    ("data", "printed"),
    [
        (
            SMALL.replace("agencies:", "- {number: 1, name: 乙}\nagencies:").encode(),
            "5:12: error: area 1: area 1 is declared twice (first at line 4); "
            "give each area its own number [duplicate-area]",
        ),
        (
            SMALL.replace("tasks:", "- {name: 税务, kind: central}\ntasks:").encode(),
            "7:10: error: agency 税务: name '税务' is already claimed by agency '市税务局' "
            "(line 6); a spelling names one agency only [duplicate-alias]",
        ),
        (
            SMALL.replace("schema: 1", "schema: 1\n[a]: 1").encode(),
            "2:1: error: a mapping key must be text, got a list [type]",
        ),
        (
            SMALL.replace("areas:", "areas: !!seq").encode(),
            "3:8: error: tag !!seq is not allowed; remove it [tag]",
        ),
        (
            SMALL.replace("title: 做", "title: *x").encode(),
            "8:27: error: alias *x is not allowed (no anchor of that name comes before it); "
            "write the value out [anchor]",
        ),
        (
            codecs.BOM_UTF32_LE + SMALL.encode("utf-32-le"),
            "1:1: error: the file is UTF-32 (it starts with a UTF-32 byte order mark); "
            "save it as UTF-8 [encoding]",
        ),
        (
            SMALL.replace("title: t", "title: café").encode("latin-1", "replace"),
            "2:22: error: the file is not UTF-8: byte 0xe9 here is not valid UTF-8; "
            "save it as UTF-8 [encoding]",
        ),
        (
            ASCII.replace("2020年6月底", "x").encode("utf-16-le"),
            "1:2: error: a NUL byte: the file is binary or corrupt, not UTF-8 text; "
            "it may be UTF-16 or UTF-32: save it as UTF-8 [nul]",
        ),
    ],
)
def test_each_problem_is_located_and_explained(data: bytes, printed: str) -> None:
    tasks, problems = parse(data, "tasks.yaml")
    assert tasks is None
    assert _lines(problems) == [printed]


def test_the_small_list_is_clean() -> None:
    tasks, problems = parse(SMALL.encode(), "tasks.yaml")
    assert problems == []
    assert tasks is not None and tasks.tasks[0].lead == ("市税务局",)


# --- paths that cannot be read: exit 2, the message on stderr -----------------------


def _lint_unreadable(path: Path, message: str, printed: str | None = None) -> None:
    result = run("lint", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (printed or f"error: {path}: {message}") + "\n"
    assert no_traceback(result.stdout + result.stderr)
    with pytest.raises(LoadError) as info:
        load(path)
    assert info.value.problems == (Problem(str(path), 0, 0, message, "io"),)
    assert info.value.message == f"{path}: {message}"


def test_a_missing_file(tmp_path: Path) -> None:
    _lint_unreadable(tmp_path / "tasks.yaml", "no such file")


def test_a_directory(tmp_path: Path) -> None:
    _lint_unreadable(tmp_path, "is a directory; expected a YAML file")


@pytest.fixture
def unreadable(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "tasks.yaml"
    shutil.copyfile(TEST_DATA / "utf8-bom.yaml", path)
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("this user can read a file with mode 000 (root)")
        yield path
    finally:
        path.chmod(0o644)


def test_an_unreadable_file(unreadable: Path) -> None:
    _lint_unreadable(unreadable, "cannot read: permission denied")
