"""The progress ledger: read, check, lock, append, atomic write; and recording progress.

The file is a comment header and then a YAML sequence whose every item is a
flow mapping on one line, an event of one of four kinds::

    - {task: 42, status: done, on: 2020-05-20, by: 张三, at: '2026-11-27T18:00:00+08:00'}
    - {task: 42, on: 2020-05-21, by: 张三, at: '…', note: 已完成系统开发}
    - {task: 42, to: 2020-09-30, on: 2020-06-15, by: 张三, at: '…', ref: 深府办函〔2020〕5号}
    - {task: 42, undo: '3f9a0c1e2b4d5a6f', on: 2020-06-16, by: 张三, at: '…', note: 号码录错}

A status event or a note may name the ``agency`` whose part it records.

A ledger szbiz creates for a list says which on its first line, ``# list:
<title> (<year>)``; one that names another list than the one in use is refused
(one without that line, as older ledgers are, is taken as it is).

Appending adds lines at the end and never changes one above, so git's
``merge=union`` driver (set by ``szbiz init``) merges two branches that both
appended into a ledger holding both events.

A write takes the operating system's exclusive lock on ``<ledger>.lock``
(never renamed), reads the ledger under it, and replaces the file atomically
through a temporary ``.<ledger>.*.tmp`` in the same directory, so a reader
sees the old ledger or the new one, never a mix, and a crash leaves the old
one. :func:`record` plans its events from the ledger as read under the lock:
two people marking the same task at once record it once. Every failure to
write is a one-line :class:`SzbizError`, a corrupt ledger a :class:`LoadError`;
either way the ledger keeps its bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from szbiz import dates
from szbiz.errors import LoadError, Message, Problem, SzbizError, UsageError
from szbiz.i18n import N_, _, strerror
from szbiz.model import Event, History, Kind, Status, Task, TaskList, event_id

if TYPE_CHECKING:
    from szbiz.schema import Record
    from szbiz.yamlnode import Node

# Reading a ledger needs the YAML parser and the schema; writing one does not:
# both are imported where they are used, so that `szbiz done` never loads PyYAML.

HEADER = """\
# szbiz progress ledger, append-only: szbiz adds lines at the end, never edits one.
# One event per line: task; status, or to (an extension's new deadline), or undo
# (the id of an event withdrawn), or none of them for a progress note; agency for
# one agency's part; on (the day it happened), by, at (when recorded), note, ref.
# `szbiz init` sets `merge=union` for this file in .gitattributes, so a git
# merge of two branches that both added events keeps the events of both.
"""


# --- writing lines ------------------------------------------------------------------

# Text is written as a YAML flow scalar on one line by rules of our own, which
# the tests hold against PyYAML's reading of every kind of text:
# - plain when its first character is not ASCII (no YAML 1.1 type but text
#   starts so: 张三, 深府办〔2020〕18号) and it holds nothing a flow mapping or YAML
#   reads specially (, ? [ ] { } : # quotes, spaces, controls);
# - else in double quotes, with \ and " escaped, and every character YAML does
#   not take as it is in a one-line scalar (controls, line breaks such as U+2028,
#   a byte order mark, surrogates, U+FFFE/U+FFFF) written as an escape.
_CONTROLS = "\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff"
_UNSAFE = re.compile(f'["\\\\{_CONTROLS}]')
_PLAIN = re.compile(f"[^\\x00-\\x7f\\s{_CONTROLS}][^,?\\[\\]{{}}:#'\"\\s{_CONTROLS}]*")
_NAMED = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0"}


def _escape(match: re.Match[str]) -> str:
    char = match[0]
    return _NAMED.get(char) or (
        f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
    )


def _scalar(text: str) -> str:
    """``text`` as a YAML flow scalar on one line: plain where that is safe, else quoted."""
    if _PLAIN.fullmatch(text):
        return text
    return '"' + _UNSAFE.sub(_escape, text) + '"'


def format_event(event: Event) -> str:
    """One ledger line (without its newline): ``- {task: 42, status: done, …}``.

    Keys in the order task, status | to | undo, agency, on, by, at, note, ref.
    """
    parts = [f"task: {event.task}"]
    if event.status is not None:
        parts.append(f"status: {event.status.value}")  # a word YAML reads as text
    elif event.to is not None:
        parts.append(f"to: {event.to.isoformat()}")
    elif event.undo:
        parts.append(f"undo: '{event.undo}'")  # quoted: hex digits alone read as a number
    if event.agency:
        parts.append(f"agency: {_scalar(event.agency)}")
    parts += [
        f"on: {event.on.isoformat()}",  # plain: YAML reads 2020-05-20 as a date
        f"by: {_scalar(event.by)}",
        f"at: '{event.at.isoformat()}'",  # quoted: YAML would read it as a timestamp
    ]
    if event.note:
        parts.append(f"note: {_scalar(event.note)}")
    if event.ref:
        parts.append(f"ref: {_scalar(event.ref)}")
    return "- {" + ", ".join(parts) + "}"


def ledger_text(events: Iterable[Event], tasks: TaskList | None = None) -> str:
    """A whole ledger: the header (with the list it belongs to, given ``tasks``), then one
    line per event."""
    return header(tasks) + "".join(format_event(e) + "\n" for e in events)


# --- the list a ledger belongs to ---------------------------------------------------

OWNER = "# list: "
_OWNER_SHAPE = re.compile(r"(?P<title>.*) \((?P<year>-?\d+)\)")
_ANY_BREAK = re.compile(f"[{_CONTROLS}]+")
_LONGEST = 200  # characters of a list's name quoted in a message


def owner_line(tasks: TaskList) -> str:
    """``# list: <title> (<year>)``: the list a ledger belongs to. Only the list's title
    and year, so that two branches that both create the ledger write the same line, and
    git's union merge keeps one; a control character in the title becomes a space."""
    title = _ANY_BREAK.sub(" ", tasks.document.title).strip()
    return f"{OWNER}{title} ({tasks.document.year})"


def header(tasks: TaskList | None = None) -> str:
    """The comment block a new ledger begins with: for ``tasks``, its list's line first."""
    return HEADER if tasks is None else owner_line(tasks) + "\n" + HEADER


def recorded_owner(data: bytes) -> tuple[int, str] | None:
    """The line number and the ``# list:`` line of the ledger's leading comment block,
    if it has one."""
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    number = 1
    while start < len(data):  # line by line, only as far as the comments go
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        line = data[start:end].decode("utf-8", "replace").rstrip()
        if line.startswith(OWNER):
            return number, line
        if line and not line.startswith("#"):
            return None  # the events begin: no list named
        start, number = end + 1, number + 1
    return None


def _owner_lines(data: bytes) -> list[tuple[int, str]]:
    """Every ``# list:`` line of the ledger with its number: the leading block's, and any
    further down, where git's union merge or a concatenation of two ledgers put them."""
    first = recorded_owner(data)
    found = [first] if first is not None else []
    needle = b"\n" + OWNER.encode("utf-8")
    at = data.find(needle)
    while at >= 0:
        number = data.count(b"\n", 0, at + 1) + 1
        end = data.find(b"\n", at + 1)
        line = data[at + 1 : len(data) if end < 0 else end].decode("utf-8", "replace").rstrip()
        if first is None or number != first[0]:
            found.append((number, line))
        at = data.find(needle, at + 1)
    return found


def _named(line: str) -> str:
    """``"深圳市 2020 年…" (2020)`` of an owner line (an overlong title cut with …)."""
    title, year = line.removeprefix(OWNER), ""
    if m := _OWNER_SHAPE.fullmatch(title):
        title, year = m["title"], f" ({m['year']})"
    if len(title) > _LONGEST:
        title = title[: _LONGEST // 2] + "…" + title[-_LONGEST // 2 :]
    return f'"{title}"{year}'


def other_list(data: bytes, tasks: TaskList) -> tuple[int, Message] | None:
    """Where the ledger ``data`` names a list other than ``tasks``, and what to say: that it
    belongs to that list; None when it names ``tasks``'s list or none."""
    expected = owner_line(tasks)
    lines = _owner_lines(data)
    found = next(((n, line) for n, line in lines if line != expected), None)
    if found is None:
        return None
    number, line = found
    if lines[0][1] == expected:  # the ledger names this list, and further down another
        return number, Message(
            N_(
                "line {line} names the list {owner}, not {used} in use: two lists' ledgers "
                "merged into one? keep each list's events in a ledger of its own"
            ),
            line=number,
            owner=_named(line),
            used=_named(expected),
        )
    return number, Message(
        N_("belongs to the list {owner}, not to {used} in use; pick the list with --list"),
        owner=_named(line),
        used=_named(expected),
    )


def check_owner(data: bytes, tasks: TaskList | None, path: Path) -> None:
    """Refuse (SzbizError, exit 1) a ledger whose header names another list than ``tasks``."""
    if tasks is None:
        return
    found = other_list(data, tasks)
    if found is not None:
        raise SzbizError(f"{path.name} {found[1].localized()}")


# --- reading ------------------------------------------------------------------------


@cache
def _event_schema() -> Record:
    """What each event must be; lint and reading check every line against it."""
    from szbiz.schema import Date, Integer, Key, OneOf, Record, Text, Timestamp

    return Record(
        (
            Key("task", Integer(what=N_("task id")), description=N_("the task's id (序号)")),
            Key(
                "status",
                OneOf(tuple(s.value for s in Status)),
                required=False,
                description=N_("its new status"),
            ),
            Key("to", Date(), required=False, description=N_("an extension's new deadline")),
            Key(
                "undo",
                Text(),
                required=False,
                description=N_("a retraction: the id of the event it withdraws"),
            ),
            Key(
                "agency",
                Text(),
                required=False,
                description=N_("the agency whose part it records; none: the task itself"),
            ),
            Key("on", Date(), description=N_("the day it happened")),
            Key("by", Text(), description=N_("who recorded it")),
            Key("at", Timestamp(), description=N_("when it was recorded, with its UTC offset")),
            Key("note", Text(), required=False, description=N_("a remark")),
            Key(
                "ref",
                Text(),
                required=False,
                description=N_("evidence: a document number or URL"),
            ),
        )
    )


def _label(node: Node, index: int) -> Message:
    from szbiz.yamlnode import MAP

    task = node.get("task") if node.kind == MAP else None
    if task is not None and task.plain and re.fullmatch(r"[0-9]{1,18}", str(task.value)):
        return Message(N_("task {id}"), id=int(task.value))
    return Message(N_("event {number}"), number=index + 1)


_EVENT_ID = re.compile(r"[0-9a-f]{16}")
_KINDS = ("status", "to", "undo")


def _kind_problem(raw: dict[str, object]) -> tuple[str, Message] | None:
    """What makes a valid mapping no event of one kind: (the key to point at, the message)."""
    given = [k for k in _KINDS if k in raw]
    if len(given) > 1:
        return given[1], Message(
            N_(
                "{keys} in one event; an event either sets a status, "
                "extends the deadline (to) or withdraws an event (undo): write one per line"
            ),
            keys=" and ".join(given),
        )
    if not given and not raw.get("note"):
        return "", Message(
            N_(
                "missing key 'status' (its new status); or note: for a progress note, "
                "to: for an extension, undo: for a retraction"
            )
        )
    undo = raw.get("undo")
    if isinstance(undo, str) and not _EVENT_ID.fullmatch(undo):
        from szbiz.yamlnode import show

        return "undo", Message(
            N_(
                "undo: expected the id of the event it withdraws, 16 lowercase hex digits "
                "like '3f9a0c1e2b4d5a6f', got {value}"
            ),
            value=show(undo),
        )
    return None


def _parse(data: bytes, name: str) -> tuple[list[tuple[Node, Event]], list[Problem]]:
    """Bytes → each valid event with its node, and every problem found."""
    from szbiz.load import decode
    from szbiz.schema import INVALID, Context, Invalid
    from szbiz.yamlnode import MAP, NULL, SEQ, ComposeError, compose

    text, problems = decode(data, name)
    if text is None:
        return [], problems
    try:
        root, flaws = compose(text)
    except ComposeError as exc:
        f = exc.flaw
        return [], [Problem(name, f.line, f.column, f.message, f.rule)]
    problems = [Problem(name, f.line, f.column, f.message, f.rule) for f in flaws]
    if root is None or root.kind == NULL:  # only the header: no events yet
        return [], problems
    if root.kind != SEQ:
        got = Message(N_("a mapping")) if root.kind == MAP else repr(root.value)
        message = Message(
            N_("expected a list of events, one '- {{task: …}}' per line; got {got}"), got=got
        )
        return [], [*problems, Problem(name, root.line, root.column, message, "type")]
    ctx = Context()
    events: list[tuple[Node, Event]] = []
    for index, node in enumerate(root.items):
        raw = _event_schema().check(node, ctx.at(_label(node, index)))
        if not isinstance(raw, dict) or any(
            v is INVALID or isinstance(v, Invalid) for v in raw.values()
        ):
            continue
        kind_problem = _kind_problem(raw)
        if kind_problem is not None:
            key, message = kind_problem
            where = node.get(key) if key else None
            trail = (_label(node, index),)
            ctx.problems.append((where or node, message, "event-kind", trail))
            continue
        status = Status(raw["status"]) if "status" in raw else None
        event = Event(
            raw["task"],
            status,
            raw["on"],
            raw["by"],
            raw["at"],
            raw.get("note", ""),
            raw.get("ref", ""),
            raw.get("agency", ""),
            raw.get("to"),
            raw.get("undo", ""),
        )
        events.append((node, event))
    problems += [
        Problem(name, n.line, n.column, message, rule, trail=trail)
        for n, message, rule, trail in ctx.problems
    ]
    problems += [  # text that holds a control character: shown escaped, and warned of
        Problem(name, n.line, n.column, message, rule, "warning", trail)
        for n, message, rule, trail in ctx.warnings
    ]
    problems.sort(key=lambda p: (p.line, p.column))
    return events, problems


def _read(path: Path) -> bytes | None:
    """The ledger's bytes; None if there is no ledger yet. Only a regular file is read
    (never a FIFO, which would wait for ever, nor a device such as /dev/zero, which
    never ends), and at most ``settings.MAX_BYTES`` of it."""
    from szbiz.files import Refused, read_regular
    from szbiz.settings import MAX_BYTES

    try:
        return read_regular(path, MAX_BYTES, _("a ledger"))
    except FileNotFoundError:
        return None
    except Refused as exc:
        raise LoadError([Problem(str(path), 0, 0, exc.reason, "io")]) from None


def parse_ledger(data: bytes, name: str) -> History:
    """The events in a ledger's bytes; LoadError with file:line:column if it is not valid."""
    events, problems = _parse(data, name)
    if any(p.level == "error" for p in problems):
        raise LoadError(problems)
    return History(tuple(event for _, event in events))


def read_ledger(path: Path, tasks: TaskList | None = None) -> History:
    """Every event of the ledger at ``path``, none if it is missing (from the cache when
    its bytes were read before); LoadError with file:line:column if it is not valid, and
    SzbizError if it names a list other than ``tasks``."""
    data = _read(path)
    if data is None or not data.strip():
        return History()
    check_owner(data, tasks, path)
    from szbiz import cache

    return cache.history(data, str(path))


def _ranges(ids: Sequence[int]) -> str:
    """``1–210``, or ``1–5, 7, 9–210`` when there are gaps."""
    spans: list[list[int]] = []
    for i in sorted(ids):
        if spans and i == spans[-1][1] + 1:
            spans[-1][1] = i
        else:
            spans.append([i, i])
    return ", ".join(f"{a}–{b}" if a != b else str(a) for a, b in spans)


def _recorded_on(event: Event) -> dt.date:
    """The day an event was recorded, in Asia/Shanghai (at the calendar's ends, its own)."""
    try:
        return event.at.astimezone(dates.SHANGHAI).date()
    except OverflowError:
        return event.at.date()


def _counting(
    events: Sequence[tuple[Node, Event]], tasks: TaskList
) -> dict[int, tuple[Node, Event]]:
    """Each task's standing status event that sets its status (of two alike, the later
    line), for the tasks of the list."""
    nodes = {id(event): node for node, event in events}
    history = History(tuple(event for _, event in events))
    out: dict[int, tuple[Node, Event]] = {}
    for task_id in dict.fromkeys(event.task for _node, event in events):
        task = tasks.task(task_id)
        last = history.progress(task, dt.date.max).last if task is not None else None
        if last is not None:
            out[task_id] = (nodes[id(last)], last)
    return out


def _check_kinds(
    events: Sequence[tuple[Node, Event]],
    tasks: TaskList,
    problem: Callable[..., None],
    warn: Callable[..., None],
) -> None:
    """What lint says of notes, extensions, retractions and parts: an extension needs its
    approval or reason, a retraction must name an event of its task, a part an agency of
    it; two people who recorded different statuses for one task on one day (as a union
    merge can bring together) are warned of."""
    known: dict[int, set[str]] = {}
    for _node, event in events:
        if not event.undo:
            known.setdefault(event.task, set()).add(event_id(event))
    withdrawn = {event.undo for _, event in events if event.undo}
    same_day: dict[tuple[int, str, dt.date], list[tuple[Node, Event]]] = {}
    for node, event in events:
        trail = (Message(N_("task {id}"), id=event.task),)
        task = tasks.task(event.task)
        if event.to is not None and not (event.note.strip() or event.ref.strip()):
            message = Message(
                N_(
                    "an extension needs ref (the document that approved it) or note (why); "
                    "record it with szbiz extend {id} --to {day} --ref REF"
                ),
                id=event.task,
                day=event.to.isoformat(),
            )
            problem(node, message, "extension-reason", trail)
        if event.undo and event.undo not in known.get(event.task, ()):
            message = Message(
                N_("undo {event} names no event of task {id}"), event=event.undo, id=event.task
            )
            problem(node.get("undo") or node, message, "unknown-event", trail)
        if event.agency and task is not None and event.agency not in task.agencies():
            problem(node.get("agency") or node, _not_an_agency(event.agency, task), "agency", trail)
        if event.status is not None and not (withdrawn and event_id(event) in withdrawn):
            same_day.setdefault((event.task, event.agency, event.on), []).append((node, event))
    for group in same_day.values():
        first_node, first = group[0]
        for node, event in group[1:]:
            if event.status is not first.status and event.by != first.by:
                message = Message(
                    N_(
                        "{first} by {first_by} (line {first_line}) and {then} by {then_by} "
                        "(line {then_line}) on {day}; the one recorded later stands: "
                        "check which is right"
                    ),
                    first=first.status,
                    first_by=first.by,
                    first_line=first_node.line,
                    then=event.status,
                    then_by=event.by,
                    then_line=node.line,
                    day=event.on.isoformat(),
                )
                warn(node, message, "conflict", (Message(N_("task {id}"), id=event.task),))
                break


# How far ahead of this machine's clock another's may have been when it recorded an event.
_SKEW = dt.timedelta(days=1)


def _early(event: Event) -> Message:
    return Message(
        N_(
            "on {day} is before {first}, the first day progress is recorded on; "
            "give the day it happened"
        ),
        day=event.on.isoformat(),
        first=dates.FIRST_EVENT.isoformat(),
    )


def _ahead(event: Event) -> Message:
    return Message(
        N_(
            "at {time} is more than a day in the future; an event is recorded "
            "when it happens, so the clock that recorded it was wrong"
        ),
        time=event.at.isoformat(),
    )


def check_ledger(path: Path, tasks: TaskList, require_ref: bool = False) -> list[Problem]:
    """Every problem with the ledger at ``path`` against ``tasks``; never raises.

    With ``require_ref``, a task whose status is done must have been made done
    by an event with a ref. Only that last event counts: the ledger is
    append-only, so a done without a ref is put right by recording the done
    again with one (or by reopening the task), never by editing the line.
    """
    name = str(path)
    try:
        data = _read(path)
    except LoadError as exc:
        return list(exc.problems)
    if data is None or not data.strip():  # no ledger yet, or no event yet
        return []
    events, problems = _parse(data, name)
    if (owner := other_list(data, tasks)) is not None:
        problems.append(Problem(name, owner[0], 1, owner[1], "other-list"))

    def problem(where: Node, message: str, rule: str, trail: tuple[str, ...] = ()) -> None:
        problems.append(Problem(name, where.line, where.column, message, rule, trail=trail))

    def warn(where: Node, message: str, rule: str, trail: tuple[str, ...] = ()) -> None:
        problems.append(Problem(name, where.line, where.column, message, rule, "warning", trail))

    ids = tasks.ids
    if ids:
        valid = Message(N_("ids are {span}"), span=_ranges(ids))
    else:
        valid = Message(N_("the task list has no tasks"))
    ahead = dates.now() + _SKEW
    for node, event in events:
        trail = (Message(N_("task {id}"), id=event.task),)
        if tasks.task(event.task) is None:
            message = Message(N_("task {id} does not exist; {valid}"), id=event.task, valid=valid)
            problem(node.get("task") or node, message, "unknown-task")
        recorded = _recorded_on(event)
        if event.on > recorded:
            message = Message(
                N_(
                    "on {day} is after the day it was recorded "
                    "({recorded} in Asia/Shanghai); an event cannot be in the future"
                ),
                day=event.on.isoformat(),
                recorded=recorded.isoformat(),
            )
            problem(node.get("on") or node, message, "future-date", trail)
        if event.on < dates.FIRST_EVENT:
            problem(node.get("on") or node, _early(event), "early-date", trail)
        if event.at > ahead:
            problem(node.get("at") or node, _ahead(event), "future-record", trail)
    _check_kinds(events, tasks, problem, warn)
    if require_ref:
        for node, event in _counting(events, tasks).values():
            if event.status is Status.DONE and not event.ref:
                message = Message(
                    N_("done without evidence; record it with szbiz done {id} --ref REF"),
                    id=event.task,
                )
                problem(node, message, "missing-ref", (Message(N_("task {id}"), id=event.task),))
    problems.sort(key=lambda p: (p.line, p.column))
    return problems


# --- writing ------------------------------------------------------------------------


def lock_path(path: Path) -> Path:
    """The lock file beside the ledger; it is never renamed or removed."""
    return path.with_name(path.name + ".lock")


def _os_error(path: Path, exc: OSError) -> SzbizError:
    if isinstance(exc, PermissionError):
        why = _("permission denied")
    else:
        why = strerror(exc)
        why = why[:1].lower() + why[1:]
    return SzbizError(_("cannot write {path}: {why}").format(path=path, why=why))


# A ledger every line of which is blank, a comment, or one ``- {…}`` item at the
# left margin. For such a ledger that is valid, YAML's state at its end is the
# top-level block list, between items: a ``- {…}`` line added there is one more
# item, and the ledger with it is valid if the line is. (Any line of another
# shape, such as ``...``, an indented or block-style item, or a flow list, sends
# the append through a parse of the whole ledger instead.)
_ONE_ITEM_PER_LINE = re.compile(
    rb"(?:\xef\xbb\xbf)?"  # a UTF-8 byte order mark
    rb"(?:(?:[ \t]*|#[^\n]*|- \{[^\n]*\}[ \t]*)\r?\n)*"  # blank, comment, item
)
# Line breaks YAML sees that a split on \n does not: a lone CR, NEL, LS, PS.
_OTHER_BREAK = re.compile(rb"\r(?!\n)|\xc2\x85|\xe2\x80[\xa8\xa9]")


def _continues(old: bytes) -> bool:
    """Whether ``- {…}`` lines added after ``old`` (valid, ending in a newline) extend its
    list: then the ledger with them is valid if they are, and need not be parsed again."""
    return _ONE_ITEM_PER_LINE.fullmatch(old) is not None and _OTHER_BREAK.search(old) is None


class _Writer:
    """The ledger as read under its lock, and the one way to append to it."""

    def __init__(self, path: Path, real: Path, tasks: TaskList | None = None) -> None:
        from szbiz import cache

        self.path, self.real, self.tasks = path, real, tasks
        self.old = _read(real) or b""
        if self.old.strip():
            check_owner(self.old, tasks, path)
        # Validated: parsed here, or read back from the cache, which holds only
        # ledgers that were.
        self.history = cache.history(self.old, str(path)) if self.old.strip() else History()

    def append(self, events: Sequence[Event]) -> None:
        """Write the ledger with ``events`` added at its end: all of them or none."""
        from szbiz import cache
        from szbiz.atomic import atomic_write

        old = self.old
        if not old.strip():
            base, eol = header(self.tasks).encode("utf-8"), b"\n"
        else:
            # Keep the file's line ends (a Windows checkout may have CRLF).
            first = old.find(b"\n")
            eol = b"\r\n" if first > 0 and old[first - 1 : first] == b"\r" else b"\n"
            base = old if old.endswith(b"\n") else old + eol
        _check_new(events)
        data = base + b"".join(format_event(e).encode("utf-8") + eol for e in events)
        if _continues(base):  # the new lines extend its list: it stays valid
            history = History(self.history.events + tuple(events))
        else:  # an unusual ledger: parse it whole, as it would be
            history = _check_whole(data, self.path)
        try:
            atomic_write(self.real, data)
        except OSError as exc:
            raise _os_error(self.path, exc) from exc
        cache.remember(data, history)
        self.old, self.history = data, history


@contextmanager
def _writing(path: Path, timeout: float, tasks: TaskList | None = None) -> Iterator[_Writer]:
    """Hold the ledger's lock; a corrupt ledger raises LoadError, a locked one or one of
    another list than ``tasks`` SzbizError."""
    from szbiz.files import Refused, what_is, write_target
    from szbiz.lock import LockTimeout, held

    directory = path.parent
    if not directory.is_dir():
        raise SzbizError(
            _("cannot write {path}: directory {directory} does not exist").format(
                path=path, directory=directory
            )
        )
    # Only a regular file the user could write; one reached through a symlink
    # is replaced where it really is, and locked there, so the link stays a link.
    try:
        real = write_target(path)
    except Refused as exc:  # a ledger that cannot be written: exit 1, whatever the reason
        raise SzbizError(exc.message) from None
    lock_file = lock_path(real)
    odd = what_is(lock_file)
    if odd is not None:
        why = _("its lock file {lock} is {what}, not a regular file").format(
            lock=lock_file, what=_(odd)
        )
        raise SzbizError(_("cannot write {path}: {why}").format(path=path, why=why))

    lock = ExitStack()
    try:
        lock.enter_context(held(lock_file, timeout))
    except LockTimeout:
        raise SzbizError(
            _("another szbiz is writing {path}; try again").format(path=path)
        ) from None
    except OSError as exc:
        raise _os_error(path, exc) from exc
    with lock:
        yield _Writer(path, real, tasks)


def append_events(path: Path, events: Sequence[Event], timeout: float = 10.0) -> None:
    """Add ``events`` at the end of the ledger, as they are: all of them or none.

    Waits up to ``timeout`` seconds for another writer. Raises SzbizError when
    the ledger cannot be written or an event cannot be recorded as it is, and
    LoadError when the ledger is corrupt; the ledger then keeps its bytes.
    """
    if events:
        with _writing(path, timeout) as ledger:
            ledger.append(events)


def append_planned(
    path: Path,
    plan: Callable[[History], Sequence[Event]],
    timeout: float = 10.0,
    tasks: TaskList | None = None,
) -> tuple[Event, ...]:
    """Append the events ``plan`` makes of the ledger as read under its lock: all of them
    or none, and what was appended.

    For a use case that decides what to record from what the ledger already holds
    (``szbiz collect``): two runs at once cannot both record the same answer.
    Waits, raises and keeps the ledger's bytes as :func:`append_events` does; given
    ``tasks``, a new ledger says it belongs to their list, and one of another is refused.
    """
    with _writing(path, timeout, tasks) as ledger:
        events = tuple(_fresh(ledger.history, plan(ledger.history)))
        if events:
            ledger.append(events)
    return events


def _fresh(history: History, events: Iterable[Event]) -> list[Event]:
    """``events``, each made distinct from every event of the ledger and from the others:
    one identical to another (recorded in the same second, such as a done again after a
    reopen) is recorded a second later. Two identical events would have one id, and a
    retraction naming it would withdraw both. None is recorded before an event of its
    task already is, so that it stays after them among the day's events."""
    out: list[Event] = []
    for event in events:
        earlier = [*history.of(event.task), *(e for e in out if e.task == event.task)]
        floor = max((e.at for e in earlier), default=event.at)
        if floor > event.at:
            event = replace(event, at=floor)
        while event in earlier:
            event = replace(event, at=event.at + dt.timedelta(seconds=1))
        out.append(event)
    return out


def _check_new(events: Sequence[Event]) -> None:
    """Refuse an event that lint would reject, before anything is written."""
    for event in events:
        at = _("cannot record the event: task {id} →").format(id=event.task)
        if event.task < 1:
            raise SzbizError(
                at
                + " "
                + _("task: expected a task id of at least 1, got {id}").format(id=event.task)
            )
        if not event.by.strip():
            raise SzbizError(at + " " + _("by: must not be empty"))
        text = event.by + event.note + event.ref + event.agency
        if any("\ud800" <= c <= "\udfff" for c in text):
            raise SzbizError(
                at + " " + _("its text holds a lone surrogate, which no file can hold")
            )
        kinds = [
            k
            for k, given in (
                ("status", event.status is not None),
                ("to", event.to is not None),
                ("undo", bool(event.undo)),
            )
            if given
        ]
        if len(kinds) > 1:
            raise SzbizError(
                at + " " + _("{keys}: an event is of one kind").format(keys=" and ".join(kinds))
            )
        if not kinds and not event.note.strip():
            raise SzbizError(at + " " + _("note: a progress note must not be empty"))
        if event.to is not None:
            if not (event.note.strip() or event.ref.strip()):
                raise SzbizError(at + " " + _("an extension needs a ref or a note"))
            if not dates.FIRST <= event.to <= dates.LAST:
                raise SzbizError(
                    at
                    + " "
                    + _("to: expected a day in the years {years}, got {day}").format(
                        years=dates.YEARS, day=event.to.isoformat()
                    )
                )
        if event.undo and not _EVENT_ID.fullmatch(event.undo):
            raise SzbizError(
                at
                + " "
                + _("undo: expected 16 lowercase hex digits, got {value!r}").format(
                    value=event.undo
                )
            )
        if event.at.utcoffset() is None:
            raise SzbizError(
                at
                + " "
                + _(
                    "at: expected a time with its UTC offset like "
                    "'2026-11-27T18:00:00+08:00', got '{time}'"
                ).format(time=event.at.isoformat())
            )
        recorded = _recorded_on(event)
        if event.on > recorded:
            raise SzbizError(
                _(
                    "cannot record task {id} on {day}: that is after "
                    "today ({today} in Asia/Shanghai)"
                ).format(id=event.task, day=event.on.isoformat(), today=recorded.isoformat())
            )
        if event.on < dates.FIRST_EVENT:
            raise SzbizError(at + " " + _early(event).localized())
        if event.at > dates.now() + _SKEW:
            raise SzbizError(at + " " + _ahead(event).localized())
        if not dates.supported(event.at.date()):
            raise SzbizError(
                at
                + " "
                + _("at: expected a time in the years {years}, got '{time}'").format(
                    years=dates.YEARS, time=event.at.isoformat()
                )
            )


def _check_whole(data: bytes, path: Path) -> History:
    """The ledger as it would be, parsed whole; its history, or the error that stops it."""
    parsed, problems = _parse(data, str(path))
    errors = [p for p in problems if p.level == "error"]
    if errors:
        p = errors[0]
        raise SzbizError(
            _(
                "cannot append to {path}: its end does not continue a list of events ({problem})"
            ).format(path=path, problem=p.shown())
        )
    return History(tuple(event for _, event in parsed))


# --- recording progress -------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What recording did to one task (or one agency's part of it): its status before
    and after, and the event if any."""

    task: int
    before: Status
    after: Status
    event: Event | None  # None: the task already stood so, and nothing was recorded
    # The day the task (or part) has had its status since: for a done one, the day it
    # was made done, which evidence added later keeps.
    since: dt.date | None = None
    agency: str = ""  # whose part was recorded; "" = the task itself
    withdrawn: Event | None = None  # undo: the event withdrawn
    was: dt.date | None = None  # extend: the deadline in force before it (None: unknown)


@dataclass(frozen=True)
class Recorded:
    ledger: Path
    outcomes: tuple[Outcome, ...]

    @property
    def events(self) -> tuple[Event, ...]:
        return tuple(o.event for o in self.outcomes if o.event is not None)


def _readable(options: Iterable[tuple[str, str]]) -> None:
    """A byte a terminal passed on that is not UTF-8 (Python keeps it as a lone surrogate)
    cannot be written as text anyone could read back: a usage error naming the option."""
    for option, text in options:
        bad = next((c for c in text if "\udc80" <= c <= "\udcff"), None)
        if bad is not None:
            raise UsageError(
                _(
                    "{option} holds the byte 0x{byte}, which is not UTF-8; "
                    "set the terminal to UTF-8, or type the text again"
                ).format(option=option, byte=f"{ord(bad) - 0xDC00:02x}")
            )


def _check_agency(agency: str, ids: Iterable[int], tasks: TaskList | None) -> None:
    """An agency's part can be recorded only for tasks it leads or supports."""
    if not agency or tasks is None:
        return
    for task_id in dict.fromkeys(ids):
        task = tasks.task(task_id)
        if task is not None and agency not in task.agencies():
            raise UsageError(_not_an_agency(agency, task).localized())


def _not_an_agency(agency: str, task: Task) -> Message:
    names = "、".join(dict.fromkeys(task.agencies())) or Message(N_("none"))
    return Message(
        N_("{agency} is not an agency of task {id}; its agencies are {names}"),
        agency=agency,
        id=task.id,
        names=names,
    )


def _judged(day: dt.date, as_of: dt.date | None) -> dt.date:
    """The day whether a change is news is judged on: the later of the event's day and
    the as-of day, so that what was recorded after the event's day (a retraction of the
    same status, say) counts."""
    return max(day, as_of) if as_of is not None else day


def _standing_status(
    history: History, task_id: int, day: dt.date, agency: str, tasks: TaskList | None
) -> tuple[Status, Event | None, dt.date | None]:
    """The status of a task (``agency`` "" or its single lead) or of one agency's part
    on ``day``: (status, the standing status event that set it, the day it took it).
    A task's is the model's (a task with several leads is done when each lead is)."""
    task = tasks.task(task_id) if tasks is not None else None
    lead = task.lead[0] if task is not None and len(task.lead) == 1 else None
    own = not agency or agency == lead
    if own and task is not None:
        progress = history.progress(task, day)
        return progress.status, progress.last, progress.since
    mine = [
        e
        for e in history.standing(task_id, day)
        if e.status is not None
        and ((not e.agency or e.agency == lead) if own else e.agency == agency)
    ]
    if not mine:
        return Status.TODO, None, None
    last = mine[-1]
    since = last.on
    for event in reversed(mine):
        if event.status is not last.status:
            break
        since = event.on
    return last.status or Status.TODO, last, since


def record(
    path: Path,
    ids: Sequence[int],
    status: Status,
    day: dt.date,
    by: str,
    note: str = "",
    ref: str = "",
    *,
    agency: str = "",
    tasks: TaskList | None = None,
    as_of: dt.date | None = None,
    timeout: float = 10.0,
) -> Recorded:
    """Record that the tasks ``ids`` (or ``agency``'s part of them) have ``status`` since
    ``day``: the use case of ``szbiz done`` and its kin.

    The events are planned from the ledger as read under its lock, and appended
    together or not at all. A task that already has ``status`` (as of the later of
    ``day`` and ``as_of``: a retraction recorded after ``day`` counts) takes no
    event, unless it brings a note or evidence its last event lacks (the document
    number of a ``done`` that arrives later): then the event is recorded, and the
    task keeps the day it took the status. Given ``tasks``, ``agency`` must be one
    of each task's agencies, and an event of the task's single lead counts as the
    task's own.
    """
    note, ref, agency = note.strip(), ref.strip(), agency.strip()
    _readable((("--note", note), ("--ref", ref), ("--by", by), ("--agency", agency)))
    if status in (Status.BLOCKED, Status.DROPPED) and not note:
        verb = "block" if status is Status.BLOCKED else "drop"
        raise UsageError(_("szbiz {command} needs --note saying why").format(command=verb))
    _check_agency(agency, ids, tasks)
    judged = _judged(day, as_of)
    with _writing(path, timeout, tasks) as ledger:
        planned: list[tuple[int, Status, Event | None, dt.date | None]] = []
        for task in dict.fromkeys(ids):
            before, last, since = _standing_status(ledger.history, task, judged, agency, tasks)
            news = last is not None and ((note and note != last.note) or (ref and ref != last.ref))
            if before is status and not news:
                planned.append((task, before, None, since))
            else:
                event = Event(task, status, day, by.strip(), dates.now(), note, ref, agency)
                planned.append((task, before, event, None))
        fresh = iter(_fresh(ledger.history, (e for _, _, e, _ in planned if e is not None)))
        planned = [(t, b, None if e is None else next(fresh), s) for t, b, e, s in planned]
        new = [event for _, _, event, _ in planned if event is not None]
        after = History(ledger.history.events + tuple(new)) if new else ledger.history
        outcomes = []
        for task, before, made, since in planned:
            if made is not None:
                now, _was, since = _standing_status(after, task, judged, agency, tasks)
            else:
                now = before
            outcomes.append(Outcome(task, before, now, made, since, agency))
        done = Recorded(path, tuple(outcomes))
        if new:
            ledger.append(new)
    return done


def _append_outcomes(
    path: Path,
    plan: Callable[[History], list[Outcome]],
    timeout: float,
    tasks: TaskList | None = None,
) -> Recorded:
    """Plan each task's outcome from the ledger as read under its lock, make the events
    distinct (see :func:`_fresh`), and append them all or none."""
    with _writing(path, timeout, tasks) as ledger:
        outcomes = plan(ledger.history)
        fresh = iter(_fresh(ledger.history, (o.event for o in outcomes if o.event is not None)))
        outcomes = [o if o.event is None else replace(o, event=next(fresh)) for o in outcomes]
        done = Recorded(path, tuple(outcomes))
        if done.events:
            ledger.append(done.events)
    return done


def add_notes(
    path: Path,
    ids: Sequence[int],
    text: str,
    day: dt.date,
    by: str,
    ref: str = "",
    *,
    agency: str = "",
    tasks: TaskList | None = None,
    as_of: dt.date | None = None,
    timeout: float = 10.0,
) -> Recorded:
    """Record a progress note (进展情况) for each of the tasks ``ids`` on ``day``: no status
    changes. All of them or none. A task that has the same note (of the same agency, with
    the same ref) standing as of the later of ``day`` and ``as_of`` takes no event."""
    text, ref, agency = text.strip(), ref.strip(), agency.strip()
    _readable((("TEXT", text), ("--ref", ref), ("--by", by), ("--agency", agency)))
    if not text:
        raise UsageError(_("szbiz note needs TEXT: what progress was made"))
    _check_agency(agency, ids, tasks)
    judged = _judged(day, as_of)

    def plan(history: History) -> list[Outcome]:
        outcomes = []
        for task in dict.fromkeys(ids):
            status, _was, since = _standing_status(history, task, judged, agency, tasks)
            held = any(
                e.kind is Kind.NOTE and (e.agency, e.note, e.ref) == (agency, text, ref)
                for e in history.standing(task, judged)
            )
            event = (
                None if held else Event(task, None, day, by.strip(), dates.now(), text, ref, agency)
            )
            outcomes.append(Outcome(task, status, status, event, since, agency))
        return outcomes

    return _append_outcomes(path, plan, timeout, tasks)


def extend(
    path: Path,
    ids: Sequence[int],
    to: dt.date,
    day: dt.date,
    by: str,
    note: str = "",
    ref: str = "",
    *,
    tasks: TaskList | None = None,
    as_of: dt.date | None = None,
    timeout: float = 10.0,
) -> Recorded:
    """Record an extension (延期) of the tasks ``ids``: from ``day``, their deadline in
    force is ``to``. It needs the approval (``ref``) or the reason (``note``). A task
    whose last extension (as of the later of ``day`` and ``as_of``) already says so with
    nothing new takes no event. ``to`` must be after the deadline in force on ``day``
    (UsageError, and nothing recorded): an extension moves the deadline later. An ongoing
    task (持续推进) has no deadline to move: UsageError too."""
    note, ref = note.strip(), ref.strip()
    _readable((("--note", note), ("--ref", ref), ("--by", by)))
    if not (note or ref):
        raise UsageError(
            _("szbiz extend needs --ref (the document that approved it) or --note (why)")
        )
    if not dates.FIRST <= to <= dates.LAST:
        raise UsageError(
            _("--to {day}: expected a day in the years {years}").format(
                day=to.isoformat(), years=dates.YEARS
            )
        )
    judged = _judged(day, as_of)

    def plan(history: History) -> list[Outcome]:
        outcomes = []
        for task_id in dict.fromkeys(ids):
            task = tasks.task(task_id) if tasks is not None else None
            if task is not None and task.deadline is None:
                raise UsageError(
                    _("task {id} is ongoing ({text}); it has no deadline to extend").format(
                        id=task_id, text=task.deadline_text or _("no deadline")
                    )
                )
            status, _was, since = _standing_status(history, task_id, judged, "", tasks)
            # Extensions standing as of the judged day: the last, and those in force on day.
            standing = [e for e in history.standing(task_id, judged) if e.to]
            in_force = [e for e in standing if e.on <= day]
            was = in_force[-1].to if in_force else task.deadline if task is not None else None
            last = standing[-1] if standing else None
            same = (
                last is not None
                and last.to == to
                and (not note or note == last.note)
                and (not ref or ref == last.ref)
            )
            # The same deadline again, with a new approval or reason: news, not a move.
            again = bool(in_force) and in_force[-1].to == to
            if not (same or again) and was is not None and to <= was:
                raise UsageError(
                    _(
                        "--to {day} is not after task {id}'s deadline in force, {was}; "
                        "an extension moves the deadline later"
                    ).format(day=to.isoformat(), id=task_id, was=was.isoformat())
                )
            event = (
                None
                if same
                else Event(task_id, None, day, by.strip(), dates.now(), note, ref, to=to)
            )
            outcomes.append(Outcome(task_id, status, status, event, since, was=was))
        return outcomes

    return _append_outcomes(path, plan, timeout, tasks)


def undo(
    path: Path,
    task: int,
    day: dt.date,
    by: str,
    note: str = "",
    *,
    tasks: TaskList | None = None,
    timeout: float = 10.0,
) -> Recorded:
    """Withdraw the task's latest event that still stands (by when it was recorded; a tie:
    the later line), by appending a retraction that names it. From ``day`` on, the task is
    as if that event had never happened. SzbizError if it has no event to withdraw."""
    note = note.strip()
    _readable((("--note", note), ("--by", by)))
    with _writing(path, timeout, tasks) as ledger:
        history = ledger.history
        standing = history.standing(task)
        if not standing:
            raise SzbizError(_("task {id} has no event to withdraw").format(id=task))
        order = {id(e): i for i, e in enumerate(history.events)}
        target = max(standing, key=lambda e: (e.at, order.get(id(e), -1)))
        if day < target.on:
            raise UsageError(
                _(
                    "cannot withdraw {id} ({on} {what}) on {day}, before the day it happened; "
                    "give --on {on} or later"
                ).format(
                    id=event_id(target)[:8],
                    on=target.on.isoformat(),
                    what=target.status or target.kind,
                    day=day.isoformat(),
                )
            )
        before, *_rest = _standing_status(history, task, day, target.agency, tasks)
        (event,) = _fresh(
            history, [Event(task, None, day, by.strip(), dates.now(), note, undo=event_id(target))]
        )
        after, _was, since = _standing_status(
            History((*history.events, event)), task, day, target.agency, tasks
        )
        outcome = Outcome(task, before, after, event, since, target.agency, withdrawn=target)
        done = Recorded(path, (outcome,))
        ledger.append(done.events)
    return done
