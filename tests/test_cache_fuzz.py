"""The cache on damaged and forged entries: whatever is in an entry, the list and the
ledger read back are the ones in the files, and the entry is rebuilt.

An entry is 16 bytes of xxh3_128 over a JSON payload. Damage (bit flips,
truncations, extensions) fails the checksum; forgeries carry a correct checksum
over a payload that is not JSON, or is JSON of the wrong shape or types. What
no test can catch is a forgery with a correct checksum over well-formed, well
typed but different content: that is what the private directory is for
(tests/test_hostile_cache.py).

In-process, with a fixed seed; with CI set, the slow tests run four times as many.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import marshal
import os
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import xxhash

from szbiz import cache as cached
from szbiz.ledger import ledger_text, parse_ledger
from szbiz.load import load
from szbiz.model import TASK_FIELDS, Event, History, Status, TaskList

from .conftest import TASKS

SCALE = 4 if os.environ.get("CI") else 1
CST = dt.timezone(dt.timedelta(hours=8))


def _small_list() -> str:
    """The head of data/tasks.yaml (document, areas, agencies) and its first five tasks."""
    text = TASKS.read_text(encoding="utf-8")
    head, tasks = text.split("\ntasks:\n", 1)
    return head + "\ntasks:\n" + "\n- id: ".join(tasks.split("\n- id: ")[:6]) + "\n"


def _events() -> list[Event]:
    at = dt.datetime(2026, 11, 27, 18, tzinfo=CST)
    return [
        Event(1, Status.DOING, dt.date(2020, 6, 1), "甲", at),
        Event(2, Status.DONE, dt.date(2020, 6, 2), "乙", at, "备注", "深府办〔2020〕18号"),
        Event(1, Status.BLOCKED, dt.date(2020, 6, 3), "甲", at.astimezone(dt.UTC), "等待"),
    ]


@dataclass
class Case:
    entry: Path  # the entry the cache reads
    good: bytes  # what it holds when it is whole
    read: Callable[[], Any]  # reads through the cache
    expected: Any  # what the files hold

    def check(self, blob: bytes) -> None:
        """With ``blob`` in the entry, the right value comes back and a good entry replaces it."""
        self.entry.write_bytes(blob)
        assert self.read() == self.expected
        assert self.entry.read_bytes() == self.good

    def forged(self, payload: bytes) -> bytes:
        return xxhash.xxh3_128_digest(payload) + payload

    def value(self) -> Any:
        return json.loads(self.good[16:])


def _case(directory: Path, kind: str, read: Callable[[], Any], expected: Any) -> Case:
    assert read() == expected
    (entry,) = directory.glob(f"{kind}-*")
    case = Case(entry, entry.read_bytes(), read, expected)
    assert read() == expected  # from the entry now
    return case


@pytest.fixture
def tasks_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Case:
    monkeypatch.setenv("SZBIZ_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "tasks.yaml"
    path.write_text(_small_list(), encoding="utf-8")
    expected: TaskList = load(path).tasks
    return _case(tmp_path / "cache", "tasks", lambda: cached.tasks(path), expected)


@pytest.fixture
def ledger_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Case:
    monkeypatch.setenv("SZBIZ_CACHE_DIR", str(tmp_path / "cache"))
    data = ledger_text(_events()).encode("utf-8")
    expected: History = parse_ledger(data, "progress.yaml")
    return _case(
        tmp_path / "cache", "ledger", lambda: cached.history(data, "progress.yaml"), expected
    )


@pytest.fixture(params=["tasks", "ledger"])
def case(request: pytest.FixtureRequest) -> Case:
    return request.getfixturevalue(f"{request.param}_case")  # type: ignore[no-any-return]


# --- damage -------------------------------------------------------------------------


def flipped(rng: random.Random, good: bytes) -> bytes:
    data = bytearray(good)
    for _ in range(rng.choice((1, 1, 2, 8))):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return bytes(data)


def truncated(rng: random.Random, good: bytes) -> bytes:
    return good[: rng.randrange(len(good))]


def extended(rng: random.Random, good: bytes) -> bytes:
    tail = rng.choice((b"\x00", b"]", b" ", b"x" * 100, rng.randbytes(rng.randrange(1, 64))))
    return good + tail


def _damage(case: Case, seed: int, count: int) -> None:
    rng = random.Random(seed)
    for n in range(count):
        damage = (flipped, truncated, extended)[n % 3]
        case.check(damage(rng, case.good))


def test_damaged_entries_are_rebuilt(case: Case) -> None:
    _damage(case, 2026, 300)


@pytest.mark.slow
def test_damaged_entries_are_rebuilt_many(case: Case) -> None:
    _damage(case, 2027, 3000 * SCALE)


# --- forgeries with a correct checksum ------------------------------------------------


def _paths(value: Any, at: tuple[int, ...] = ()) -> Iterator[tuple[int, ...]]:
    """The path of every value in a nest of lists."""
    yield at
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, (*at, i))


def _get(value: Any, path: tuple[int, ...]) -> Any:
    for i in path:
        value = value[i]
    return value


def _replaced(value: Any, path: tuple[int, ...], new: Any) -> Any:
    if not path:
        return new
    out = copy.deepcopy(value)
    _get(out, path[:-1])[path[-1]] = new
    return out


def _family(value: Any) -> str:
    return "int" if type(value) is int else type(value).__name__


# JSON values of every kind, and nests of them; none is a valid element anywhere when it
# stands in for a value of another kind.
STRANGERS: list[Any] = [
    None,
    True,
    False,
    0,
    7,
    -1,
    2**80,
    1.5,
    float("1e308"),
    "",
    "x",
    "2020-06-01",
    [],
    [None],
    [["x", 1]],
    [[[[[]]]]],
    {},
    {"tasks": [1]},
]


def _fixed(value: Any) -> list[tuple[int, ...]]:
    """The lists of a fixed number of items in a payload: the whole; for a list, its head
    (5), each area (2), each agency (5), its columns (one a field) and each tabled
    column (table and indices); for a ledger, its columns and each tabled column."""
    if len(value) == 1:  # a ledger
        columns: tuple[int, ...] = (0,)
        out = [(), columns]
    else:
        columns = (3,)
        out = [(), (0,), (3,)]
        out += [(1, i) for i in range(len(value[1]))]
        out += [(2, i) for i in range(len(value[2]))]
    for i, column in enumerate(_get(value, columns)):
        if len(column) == 2 and isinstance(column[0], list) and isinstance(column[1], str):
            out.append((*columns, i))
    return out


def forgery(rng: random.Random, value: Any) -> Any:
    """The payload's value with one thing wrong: a value of another kind anywhere, a
    stranger added to any list, or an item too few or too many in a fixed-size list."""
    how = rng.randrange(3)
    if how == 0:
        path = rng.choice(list(_paths(value)))
        old = _get(value, path)
        new = rng.choice([s for s in STRANGERS if _family(s) != _family(old)])
        return _replaced(value, path, new)
    if how == 1:
        path = rng.choice([p for p in _paths(value) if isinstance(_get(value, p), list)])
        stranger = rng.choice([None, True, 1.5, {}, {"a": 1}])
        items = list(_get(value, path))
        items.insert(rng.randrange(len(items) + 1), stranger)
        return _replaced(value, path, items)
    path = rng.choice(_fixed(value))
    items = list(_get(value, path))
    if items and rng.random() < 0.5:
        del items[rng.randrange(len(items))]
    else:
        items.append(copy.deepcopy(rng.choice(items)) if items else 0)
    return _replaced(value, path, items)


def _encode(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _forge(case: Case, seed: int, count: int) -> None:
    rng = random.Random(seed)
    value = case.value()
    for _ in range(count):
        case.check(case.forged(_encode(forgery(rng, value))))


def test_forged_entries_of_the_wrong_shape_are_rebuilt(case: Case) -> None:
    _forge(case, 2026, 300)


@pytest.mark.slow
def test_forged_entries_of_the_wrong_shape_are_rebuilt_many(case: Case) -> None:
    _forge(case, 2027, 3000 * SCALE)


def _code() -> bytes:
    return marshal.dumps(compile("open('/tmp/owned', 'w')", "x", "exec"))


# Payloads that are not JSON at all, or not what szbiz writes, each under a correct checksum.
PAYLOADS = {
    "empty": b"",
    "five bytes": b"\x00\x01\x02\x03\x04",
    "marshal tuple of 2**31 items": b"\xa9\xff\xff\xff\x7f",
    "marshal list of 2**31 items": b"[\xff\xff\xff\x7f",
    "marshal code object": _code(),
    "json null": b"null",
    "json object": b'{"tasks": []}',
    "json nested 100000 deep": b"[" * 100_000 + b"]" * 100_000,
    "json nan": b"[NaN]",
    "json huge int": b"[" + b"9" * 5000 + b"]",
    "not utf-8": b'["\xff\xfe"]',
    "utf-16": '["x"]'.encode("utf-16"),
    "lone surrogate": b'["\\ud800"]',
}


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_forged_payloads_that_are_not_an_entry_are_rebuilt(case: Case, payload: bytes) -> None:
    case.check(case.forged(payload))


def _tasks_edits() -> dict[str, Callable[[Any], None]]:
    """Forgeries of a list's payload, each well-typed JSON but not a list szbiz wrote."""

    def column(value: Any, name: str) -> Any:
        return value[3][[f.name for f in TASK_FIELDS].index(name)]

    def set_(path: Callable[[Any], Any], key: int, new: Any) -> Callable[[Any], None]:
        def edit(value: Any) -> None:
            path(value)[key] = new

        return edit

    def first(text: str, char: str) -> str:
        return char + text[1:]

    def pick(name: str, char: str) -> Callable[[Any], None]:
        def edit(value: Any) -> None:
            column(value, name)[1] = first(column(value, name)[1], char)

        return edit

    def lead(char: str) -> Callable[[Any], None]:
        def edit(value: Any) -> None:
            keys = column(value, "lead")[0]
            keys[0] = first(keys[0], char)

        return edit

    return {
        "an index past the table": pick("title", chr(10**6)),
        "a lone surrogate for an index": pick("title", "\ud800"),
        "indices as a list of numbers": set_(lambda v: column(v, "title"), 1, [0, 0, 0]),
        "an agency past the registry": lead(chr(10**6)),
        "agencies as a list of numbers": set_(lambda v: column(v, "lead")[0], 0, [0]),
        # 0 is no day (an ongoing task): a day before the first one is none at all.
        "day before the first": set_(lambda v: column(v, "deadline")[0], 0, -1),
        "a day past year 9999": set_(lambda v: column(v, "deadline")[0], 0, 10**7),
        "a day as text": set_(lambda v: column(v, "deadline")[0], 0, "2020-06-30"),
        "a duplicate id": set_(lambda v: column(v, "id"), 1, 1),
        "ids out of order": set_(lambda v: column(v, "id"), 0, 99),
        "an undeclared area": set_(lambda v: column(v, "area"), 0, 99),
        "an unknown agency kind": set_(lambda v: v[2][0], 1, "guild"),
        "an area declared twice": lambda v: v[1].append(list(v[1][0])),
        "an agency declared twice": lambda v: v[2].append(list(v[2][0])),
        "one column shorter": lambda v: column(v, "id").pop(),
        "one column longer": pick("description", "\x00" * 7),
        "a bool for an int": set_(lambda v: column(v, "id"), 0, True),
        "a float for an int": set_(lambda v: column(v, "area"), 0, 1.0),
        "a str for the year": set_(lambda v: v[0], 2, "2020"),
    }


TASKS_EDITS = _tasks_edits()


@pytest.mark.parametrize("edit", list(TASKS_EDITS.values()), ids=list(TASKS_EDITS))
def test_forged_lists_that_break_the_rules_are_rebuilt(
    tasks_case: Case, edit: Callable[[Any], None]
) -> None:
    value = tasks_case.value()
    edit(value)
    tasks_case.check(tasks_case.forged(_encode(value)))


LEDGER_EDITS: dict[str, Callable[[Any], None]] = {
    "an unknown status": lambda v: v[0][1][0].__setitem__(0, "finished"),
    "a moment without a zone": lambda v: v[0][4][0].__setitem__(0, "2026-11-27T18:00:00"),
    "a moment that is not one": lambda v: v[0][4][0].__setitem__(0, "yesterday"),
    "a day before day one": lambda v: v[0][2][0].__setitem__(0, -5),
    "one column longer": lambda v: v[0][0].append(3),
}


@pytest.mark.parametrize("edit", list(LEDGER_EDITS.values()), ids=list(LEDGER_EDITS))
def test_forged_ledgers_that_break_the_rules_are_rebuilt(
    ledger_case: Case, edit: Callable[[Any], None]
) -> None:
    value = ledger_case.value()
    edit(value)
    ledger_case.check(ledger_case.forged(_encode(value)))


def test_a_well_formed_forgery_is_believed_so_the_directory_must_be_private(
    tasks_case: Case,
) -> None:
    """The limit of any unkeyed check, shown once: a correct checksum over well-typed
    content that differs is read as it is. Only the private directory stops it."""
    title = tasks_case.expected.tasks[0].title
    payload = tasks_case.good[16:].replace(title.encode("utf-8"), "改过的标题".encode())
    tasks_case.entry.write_bytes(tasks_case.forged(payload))
    assert tasks_case.read().tasks[0].title == "改过的标题"
