"""Hostile values at the edges: years far off, numbers far too long, agencies twice.

szbiz supports the years 1900–2999 at every door (options, SZBIZ_TODAY, a
list's deadlines, a ledger's events) and numbers of at most 18 digits. Outside
them a user gets one line saying what was wrong and what is valid, and no file
changes; inside them, up to the last day, everything works.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from szbiz.dates import today

from .conftest import TASKS, no_traceback, run

YEARS = "1900–2999"
HINT = "try 2020-06-30, 2020年6月底 or +30d"
BIG = "9" * 5000
LONG = "9" * 19  # one digit more than any id
SHOWN = "9" * 40 + "…"  # how a message quotes BIG
SEED = "- {task: 5, status: doing, on: 2020-05-01, by: 张三, at: '2020-05-01T09:00:00+08:00'}\n"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "progress.yaml"
    path.write_text(SEED, encoding="utf-8")
    monkeypatch.setenv("SZBIZ_PROGRESS", str(path))
    monkeypatch.setenv("SZBIZ_USER", "张三")
    monkeypatch.setenv("SZBIZ_TODAY", "2020-06-01")
    return path


def refused(args: tuple[str, ...], line: str, ledger: Path, code: int = 2, **env: str) -> None:
    """``args`` exits ``code`` with exactly ``line`` on stderr, and neither file changes."""
    before = {TASKS: sha256(TASKS), ledger: sha256(ledger)}
    result = run(*args, env=env or None)
    assert (result.exit_code, result.stdout, result.stderr) == (code, "", line + "\n")
    assert no_traceback(result.stderr)
    assert {path: sha256(path) for path in before} == before


# --- a day outside the years szbiz supports, at every door ------------------------

DOORS = [
    pytest.param(("due", "--as-of"), "--as-of", id="due-as-of"),
    pytest.param(("due", "--before"), "--before", id="due-before"),
    pytest.param(("due", "--after"), "--after", id="due-after"),
    pytest.param(("list", "--due-before"), "--due-before", id="list-due-before"),
    pytest.param(("report", "--as-of"), "--as-of", id="report-as-of"),
    pytest.param(("done", "5", "--on"), "--on", id="done-on"),
    pytest.param(("start", "5", "--as-of"), "--as-of", id="start-as-of"),
    pytest.param(("export", "-f", "ics", "--as-of"), "--as-of", id="export-ics-as-of"),
    pytest.param(("log", "--since"), "--since", id="log-since"),
]
FAR = ["0001-01-01", "1899-12-31", "3000-01-01", "9999-12-31"]


@pytest.mark.parametrize("day", FAR)
@pytest.mark.parametrize(("args", "option"), DOORS)
def test_a_day_outside_the_years_is_a_usage_error(
    ledger: Path, args: tuple[str, ...], option: str, day: str
) -> None:
    refused(
        (*args, day), f"error: {option} {day} is outside the years szbiz supports, {YEARS}", ledger
    )


@pytest.mark.parametrize("day", FAR)
def test_szbiz_today_outside_the_years_is_named(ledger: Path, day: str) -> None:
    line = f"error: SZBIZ_TODAY {day} is outside the years szbiz supports, {YEARS}"
    refused(("report",), line, ledger, SZBIZ_TODAY=day)


@pytest.mark.parametrize(
    ("args", "line"),
    [
        pytest.param(
            ("due", "--as-of", "2999-12-31", "--before", "+30d"),
            f"error: --before +30d from 2999-12-31 is outside the years szbiz supports, {YEARS}",
            id="before-a-span-past-the-last-day",
        ),
        pytest.param(
            ("list", "--as-of", "1900-01-01", "--due-after", "-1d"),
            f"error: --due-after -1d from 1900-01-01 is outside the years szbiz supports, {YEARS}",
            id="due-after-a-span-before-the-first-day",
        ),
        pytest.param(
            ("due", "--before", f"+{LONG}d"),
            f"error: --before +{LONG}d from 2020-06-01 is outside the years szbiz supports, "
            f"{YEARS}",
            id="before-a-19-digit-span",
        ),
        pytest.param(
            ("due", "--before", f"+{BIG}d"),
            f"error: --before +{'9' * 39}… from 2020-06-01 is outside the years szbiz supports, "
            f"{YEARS}",
            id="before-a-5000-digit-span",
        ),
        pytest.param(
            ("report", "--as-of", "+1000y"),
            f"error: --as-of +1000y from {today()} is outside the years szbiz supports, {YEARS}",
            id="as-of-a-span-from-today",
        ),
    ],
)
def test_a_span_that_leaves_the_years_is_refused_not_blamed(
    ledger: Path, args: tuple[str, ...], line: str
) -> None:
    refused(args, line, ledger)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("done", "5", "--on", ""), id="done-on"),
        pytest.param(("due", "--as-of", ""), id="due-as-of"),
        pytest.param(("log", "--since", ""), id="log-since"),
    ],
)
def test_an_empty_day_is_an_error_everywhere(ledger: Path, args: tuple[str, ...]) -> None:
    refused(args, f"error: cannot read '' as a date; {HINT}", ledger)


@pytest.mark.parametrize(
    ("args", "line"),
    [
        pytest.param(
            ("done", "5", "--on", "1999-12-31"),
            "error: --on 1999-12-31 is before 2000-01-01, the first day progress is recorded on; "
            "give the day it happened",
            id="done-on-1999",
        ),
        pytest.param(
            ("drop", "5", "--note", "合并", "--on", "1900-01-01"),
            "error: --on 1900-01-01 is before 2000-01-01, the first day progress is recorded on; "
            "give the day it happened",
            id="drop-on-1900",
        ),
        pytest.param(
            ("done", "5", "--as-of", "1999-12-31"),
            "error: --as-of 1999-12-31 is before 2000-01-01, the first day progress is recorded "
            "on; give the day it happened",
            id="done-as-of-1999",
        ),
        pytest.param(
            ("done", "5", "--on", "0001-01-01"),
            f"error: --on 0001-01-01 is outside the years szbiz supports, {YEARS}",
            id="done-on-year-1",
        ),
    ],
)
def test_progress_before_2000_is_not_recorded(
    ledger: Path, args: tuple[str, ...], line: str
) -> None:
    refused(args, line, ledger)


# --- numbers longer than any id ---------------------------------------------------


@pytest.mark.parametrize(
    ("args", "line"),
    [
        pytest.param(
            ("show", BIG), f"error: task {SHOWN} does not exist; ids are 1–210", id="show-5000"
        ),
        pytest.param(
            ("show", LONG), f"error: task {LONG} does not exist; ids are 1–210", id="show-19"
        ),
        pytest.param(
            ("done", BIG), f"error: task {SHOWN} does not exist; ids are 1–210", id="done-5000"
        ),
        pytest.param(
            ("done", LONG), f"error: task {LONG} does not exist; ids are 1–210", id="done-19"
        ),
        pytest.param(
            ("reopen", "5", f"1-{BIG}"),
            f"error: task {SHOWN} does not exist; ids are 1–210",
            id="reopen-range-to-5000",
        ),
        pytest.param(
            ("reopen", LONG), f"error: task {LONG} does not exist; ids are 1–210", id="reopen-19"
        ),
        pytest.param(
            ("log", BIG), f"error: task {SHOWN} does not exist; ids are 1–210", id="log-5000"
        ),
        pytest.param(
            ("list", "--ids", BIG),
            f"error: --ids '{SHOWN}': task {SHOWN} does not exist; ids are 1–210",
            id="list-ids-5000",
        ),
        pytest.param(
            ("list", "--ids", f"1-{LONG}"),
            f"error: --ids '1-{LONG}': task {LONG} does not exist; ids are 1–210",
            id="list-ids-19",
        ),
        pytest.param(
            ("list", "--area", BIG),
            f"error: area {SHOWN} does not exist; areas are 1–14 (szbiz areas lists them)",
            id="list-area-5000",
        ),
        pytest.param(
            ("list", "--area", LONG),
            f"error: area {LONG} does not exist; areas are 1–14 (szbiz areas lists them)",
            id="list-area-19",
        ),
        pytest.param(
            ("list", "--area", "²"),  # a digit int() cannot read
            "error: unknown area '²'; give a number 1–14 or part of a name "
            "(szbiz areas lists them)",
            id="list-area-superscript",
        ),
        pytest.param(
            ("report", "--limit", BIG),
            f"error: --limit {SHOWN}: a number of 5000 digits; give 0 to {'9' * 18} tasks",
            id="report-limit-5000",
        ),
        pytest.param(
            ("report", "--limit", LONG),
            f"error: --limit {LONG}: a number of 19 digits; give 0 to {'9' * 18} tasks",
            id="report-limit-19",
        ),
        pytest.param(
            ("report", "--warn-days", BIG),
            f"error: --warn-days {SHOWN}: a number of 5000 digits; give 0 to {'9' * 18} days",
            id="report-warn-days-5000",
        ),
        pytest.param(
            ("report", "--warn-days", "-3"),
            "error: --warn-days '-3' is not a number of days; give 0 or more",
            id="report-warn-days-negative",
        ),
        pytest.param(
            ("due", "--within", BIG),
            f"error: --within {SHOWN}: a span of 5000 digits; write a span such as 30d, 2w or 1m",
            id="due-within-5000",
        ),
        pytest.param(
            ("due", "--within", f"{LONG}d"),
            f"error: --within {LONG}d: a span of 19 digits; write a span such as 30d, 2w or 1m",
            id="due-within-19",
        ),
    ],
)
def test_a_number_longer_than_any_id_is_a_usage_error(
    ledger: Path, args: tuple[str, ...], line: str
) -> None:
    refused(args, line, ledger)


# --- a task list's deadlines ---------------------------------------------------------


def _list_with(tmp_path: Path, *changes: tuple[str, str]) -> tuple[Path, str]:
    """The bundled list with each (old, new) made once; its path and text."""
    text = TASKS.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "tasks.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


def _line(text: str, needle: str, nth: int = 1, after: str = "") -> int:
    """The 1-based line of the ``nth`` occurrence of ``needle`` (after ``after``)."""
    at = text.index(after) if after else -1
    for _ in range(nth):
        at = text.index(needle, at + 1)
    return text.count("\n", 0, at) + 1


@pytest.mark.parametrize("day", FAR)
def test_a_deadline_outside_the_years_is_a_lint_error(
    tmp_path: Path, ledger: Path, day: str
) -> None:
    path, text = _list_with(tmp_path, ("deadline: 2020-01-31", f"deadline: {day}"))
    line = _line(text, f"deadline: {day}")
    problem = (
        f"{path}:{line}:13: error: task 1 → deadline: expected a date in the years {YEARS}, "
        f"got '{day}' [date-range]"
    )
    before = sha256(path)
    result = run("lint", str(path))
    assert (result.exit_code, result.stdout, result.stderr) == (1, problem + "\n", "")
    listing = run("list", "--tasks", str(path))
    assert (listing.exit_code, listing.stdout) == (1, "")
    assert (
        listing.stderr
        == f"error: {problem.replace(': error:', ':').removesuffix(' [date-range]')}\n"
    )
    assert sha256(path) == before


# --- a ledger's events ---------------------------------------------------------------


def _now_plus(days: int) -> str:
    shanghai = dt.timezone(dt.timedelta(hours=8))
    return (dt.datetime.now(shanghai) + dt.timedelta(days=days)).replace(microsecond=0).isoformat()


def _event(on: str, at: str) -> str:
    return f"- {{task: 1, status: done, on: {on}, by: a, at: '{at}'}}\n"


AT = "2020-01-01T00:00:00+08:00"


@pytest.mark.parametrize(
    ("on", "at", "problem"),
    [
        pytest.param(
            "0001-01-01",
            AT,
            f"1:31: error: task 1 → on: expected a date in the years {YEARS}, got '0001-01-01' "
            "[date-range]",
            id="on-year-1",
        ),
        pytest.param(
            "1999-01-01",
            AT,
            "1:31: error: task 1: on 1999-01-01 is before 2000-01-01, the first day progress is "
            "recorded on; give the day it happened [early-date]",
            id="on-1999",
        ),
        pytest.param(
            "2020-01-01",
            "2999-01-01T00:00:00+08:00",
            "1:54: error: task 1: at 2999-01-01T00:00:00+08:00 is more than a day in the future; "
            "an event is recorded when it happens, so the clock that recorded it was wrong "
            "[future-record]",
            id="at-2999",
        ),
        pytest.param(
            "2020-01-01",
            "9999-12-31T23:59:59-12:00",
            f"1:54: error: task 1 → at: expected a time in the years {YEARS}, "
            "got '9999-12-31T23:59:59-12:00' [date-range]",
            id="at-9999",
        ),
    ],
)
def test_an_implausible_event_is_a_lint_error(
    tmp_path: Path, on: str, at: str, problem: str
) -> None:
    path = tmp_path / "progress.yaml"
    path.write_text(_event(on, at), encoding="utf-8")
    before = sha256(path)
    result = run("lint", "--progress", str(path))
    assert (result.exit_code, result.stdout, result.stderr) == (1, f"{path}:{problem}\n", "")
    assert sha256(path) == before


def test_an_event_recorded_two_days_ahead_is_a_lint_error(tmp_path: Path) -> None:
    at = _now_plus(2)
    path = tmp_path / "progress.yaml"
    path.write_text(_event("2020-01-01", at), encoding="utf-8")
    before = sha256(path)
    result = run("lint", "--progress", str(path))
    assert (result.exit_code, result.stderr) == (1, "")
    assert result.stdout == (
        f"{path}:1:54: error: task 1: at {at} is more than a day in the future; an event is "
        "recorded when it happens, so the clock that recorded it was wrong [future-record]\n"
    )
    assert sha256(path) == before


def test_a_clock_a_few_hours_ahead_passes_lint(tmp_path: Path) -> None:
    path = tmp_path / "progress.yaml"
    path.write_text(_event("2020-01-01", _now_plus(0)), encoding="utf-8")
    result = run("lint", "--progress", str(path))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


# --- an agency twice in one task -----------------------------------------------------


def test_an_agency_listed_twice_in_a_task_is_a_lint_error(tmp_path: Path) -> None:
    # Task 1: lead 市市场监管局; support starts 市政务服务数据管理局 and holds 市住房建设局,
    # whose alias 市住建局 is added beside it.
    head = "  lead:\n  - 市市场监管局\n  support:\n  - 市政务服务数据管理局\n"
    doubled = "  lead:\n  - 市市场监管局\n  - 市市场监管局\n  support:\n  - 市政务服务数据管理局\n"
    path, text = _list_with(tmp_path, (head, doubled + "  - 市住建局\n"))
    task = "- id: 1\n"
    twice = _line(text, "  - 市市场监管局\n", 2, after=task)
    alias = _line(text, "  - 市住建局\n", after=task)
    canonical = _line(text, "  - 市住房建设局\n", after=task)
    before = sha256(path)
    result = run("lint", str(path))
    assert (result.exit_code, result.stderr) == (1, "")
    assert result.stdout.splitlines() == [
        f"{path}:{twice}:5: error: task 1 → lead: agency 市市场监管局 is listed twice in lead; "
        "list each agency once [duplicate-agency-in-task]",
        f"{path}:{alias}:5: warning: task 1 → support: '市住建局' is an alias of '市住房建设局'; "
        "write 市住房建设局 [alias-name]",
        f"{path}:{canonical}:5: error: task 1 → support: agency 市住房建设局 is listed twice in "
        "support (as 市住建局 and 市住房建设局); list each agency once [duplicate-agency-in-task]",
    ]
    assert sha256(path) == before


# --- the first and last days work ----------------------------------------------------


@pytest.fixture
def edges(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Task 1 due on the last supported day, task 2 on the first."""
    path, _ = _list_with(
        tmp_path,
        ("deadline: 2020-01-31", "deadline: 2999-12-31"),
        ("deadline: 2020-01-31", "deadline: 1900-01-01"),
    )
    monkeypatch.setenv("SZBIZ_TASKS", str(path))
    monkeypatch.setenv("SZBIZ_PROGRESS", str(tmp_path / "progress.yaml"))
    return path


def test_a_list_with_the_first_and_last_days_is_clean(edges: Path) -> None:
    assert (run("lint", str(edges)).exit_code, run("lint", str(edges)).stdout) == (0, "")


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        pytest.param(
            ("--as-of", "2999-12-31", "--within", "30d"), ["1"], id="within-30d-on-the-last-day"
        ),
        pytest.param(
            ("--as-of", "2999-12-01", "--within", "30d"), ["1"], id="within-30d-to-the-last-day"
        ),
        pytest.param(
            ("--as-of", "2999-12-31", "--after", "2999-12-31"), ["1"], id="after-the-last-day"
        ),
        pytest.param(
            ("--as-of", "2999-12-01", "--within", f"{'9' * 18}d"), ["1"], id="within-18-digits"
        ),
        pytest.param(
            ("--as-of", "1900-01-01", "--before", "1900-01-01"), ["2"], id="before-the-first-day"
        ),
        pytest.param(
            ("--as-of", "1900-01-02", "--overdue"), ["2"], id="overdue-after-the-first-day"
        ),
    ],
)
def test_due_at_the_first_and_last_days(edges: Path, args: tuple[str, ...], ids: list[str]) -> None:
    result = run("due", *args, "-f", "ids", "--agency", "市市场监管局", "--role", "lead")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.split() == ids


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("report", "--as-of", "2999-12-31", "--json"), id="report-last-day"),
        pytest.param(("report", "--as-of", "1900-01-01", "--json"), id="report-first-day"),
        pytest.param(
            (
                "report",
                "--as-of",
                "2999-12-31",
                "--warn-days",
                "9" * 18,
                "--limit",
                "9" * 18,
                "--json",
            ),
            id="report-18-digit-counts",
        ),
        pytest.param(("export", "-f", "ics", "--as-of", "2999-12-31"), id="ics-last-day"),
        pytest.param(("export", "-f", "ics", "--as-of", "1900-01-01"), id="ics-first-day"),
        pytest.param(("show", "0" * 16 + "42", "--as-of", "2999-12-31"), id="show-18-digit-id"),
    ],
)
def test_the_first_and_last_days_work(edges: Path, args: tuple[str, ...]) -> None:
    result = run(*args)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout


def test_szbiz_today_on_the_first_day_works(edges: Path) -> None:
    result = run("report", "--json", env={"SZBIZ_TODAY": "1900-01-01"})
    assert (result.exit_code, result.stderr) == (0, "")
    assert '"as_of": "1900-01-01"' in result.stdout


def test_done_on_the_first_day_of_2000_is_recorded(ledger: Path) -> None:
    result = run("done", "5", "--on", "2000-01-01")
    # Doing as of today (2020-06-01), which is what "already?" is judged on.
    assert (result.exit_code, result.stdout) == (0, "task 5: doing → done on 2000-01-01\n")
    assert (
        ledger.read_text(encoding="utf-8")
        .splitlines()[-1]
        .startswith("- {task: 5, status: done, on: 2000-01-01, by: 张三, at: '")
    )
    assert run("lint", "--progress", str(ledger)).exit_code == 0
