"""data/tasks.yaml → the model, reporting every problem with file:line:column.

Nothing leaves this module but a TaskList or a LoadError carrying problems.
"""

from __future__ import annotations

import codecs
import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

from szbiz.errors import LoadError, Message, Problem
from szbiz.files import Refused, read_regular
from szbiz.i18n import N_, _
from szbiz.model import Agency, AgencyKind, Area, Document, Task, TaskList
from szbiz.schema import SCHEMA_VERSION, TASKLIST, Context, Invalid
from szbiz.settings import MAX_BYTES
from szbiz.yamlnode import (
    MAP,
    NULL,
    REPORTED,
    SEQ,
    ComposeError,
    Node,
    compose,
    position,
    show,
)


@dataclass(frozen=True)
class Loaded:
    tasks: TaskList
    warnings: tuple[Problem, ...] = ()


EXPECTED = N_("expected a task list: a mapping with schema, document, areas, agencies and tasks")

_UTF16_32 = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def _byte_position(data: bytes, at: int) -> tuple[int, int]:
    """The line and column (in characters) of the byte at offset ``at``."""
    before = data[:at].decode("utf-8", errors="replace").removeprefix("\ufeff")
    return position(before, len(before))


def decode(data: bytes, name: str) -> tuple[str | None, list[Problem]]:
    def fail(line: int, col: int, message: str, rule: str) -> tuple[None, list[Problem]]:
        return None, [Problem(name, line, col, message, rule)]

    if not data:
        message = Message(N_("the file is empty; {expected}"), expected=Message(EXPECTED))
        return fail(1, 1, message, "empty")
    if not data.strip():
        message = Message(
            N_("the file holds only blank space; {expected}"), expected=Message(EXPECTED)
        )
        return fail(1, 1, message, "empty")
    for bom, encoding in _UTF16_32:
        if data.startswith(bom):
            message = Message(
                N_(
                    "the file is {encoding} (it starts with a {encoding} byte order mark); "
                    "save it as UTF-8"
                ),
                encoding=encoding,
            )
            return fail(1, 1, message, "encoding")
    if b"\0" in data:
        line, col = _byte_position(data, data.index(b"\0"))
        message = Message(N_("a NUL byte: the file is binary or corrupt, not UTF-8 text"))
        if data.count(b"\0") * 4 >= len(data):  # ASCII as UTF-16 is half NULs
            message = Message(
                N_(
                    "a NUL byte: the file is binary or corrupt, not UTF-8 text; "
                    "it may be UTF-16 or UTF-32: save it as UTF-8"
                )
            )
        return fail(line, col, message, "nul")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _byte_position(data, exc.start)
        byte = f"{data[exc.start]:02x}"
        if _looks_like_gbk(data):
            message = Message(
                N_(
                    "the file is not UTF-8: byte 0x{byte} here is not valid UTF-8; "
                    "it looks like GBK/GB18030: save it as UTF-8 "
                    "(iconv -f GB18030 -t UTF-8 converts it)"
                ),
                byte=byte,
            )
        else:
            message = Message(
                N_(
                    "the file is not UTF-8: byte 0x{byte} here is not valid UTF-8; save it as UTF-8"
                ),
                byte=byte,
            )
        return fail(line, col, message, "encoding")
    return text, []


def _looks_like_gbk(data: bytes) -> bool:
    """Whether ``data`` reads as Chinese in GBK: nearly every character is a common one."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    wide = [c for c in text if ord(c) > 0x7F]
    # GB2312 holds the 6,763 common characters; Latin-1 misread falls outside it.
    common = [c for c in wide if c.encode("gb2312", errors="ignore")]
    return bool(wide) and len(common) >= 0.9 * len(wide)


def parse(data: bytes, name: str) -> tuple[TaskList | None, list[Problem]]:
    """Bytes → (the list, or None if there is any error; every problem, warnings included)."""
    from szbiz.memory import collector_paused

    with collector_paused():
        return _parse(data, name)


def _parse(data: bytes, name: str) -> tuple[TaskList | None, list[Problem]]:
    text, problems = decode(data, name)
    if text is None:
        return None, problems
    try:
        root, flaws = compose(text)
    except ComposeError as exc:
        f = exc.flaw
        return None, [Problem(name, f.line, f.column, f.message, f.rule)]
    problems = [Problem(name, f.line, f.column, f.message, f.rule) for f in flaws]
    if root is None:
        message = Message(
            N_("the file holds no YAML document, only comments or blank lines; {expected}"),
            expected=Message(EXPECTED),
        )
        problems.append(Problem(name, 1, 1, message, "empty"))
        return None, problems
    if root.kind not in (MAP, REPORTED):
        names = {SEQ: N_("a list"), NULL: N_("nothing")}
        got = Message(names[root.kind]) if root.kind in names else show(str(root.value))
        message = Message(N_("{expected}; got {got}"), expected=Message(EXPECTED), got=got)
        problems.append(Problem(name, root.line, root.column, message, "type"))
        return None, problems
    ctx = Context()
    raw = TASKLIST.check(root, ctx)
    problems += [
        Problem(name, n.line, n.column, message, rule, trail=trail)
        for n, message, rule, trail in ctx.problems
    ]
    problems += [
        Problem(name, n.line, n.column, message, rule, "warning", trail)
        for n, message, rule, trail in ctx.warnings
    ]
    tasks, more = _build(raw, root, name) if isinstance(raw, dict) else (None, [])
    problems += more
    problems.sort(key=lambda p: (p.line, p.column))
    if any(p.level == "error" for p in problems):
        return None, problems
    return tasks, problems


def _read(path: Path) -> tuple[TaskList | None, list[Problem]]:
    """The list at ``path`` (None if it has an error) and every problem; never raises."""
    name = str(path)

    def fail(message: str) -> tuple[None, list[Problem]]:
        return None, [Problem(name, 0, 0, message, "io")]

    try:
        data = read_regular(path, MAX_BYTES, _("a YAML file"))
    except FileNotFoundError:
        return fail(Message(N_("no such file")))
    except Refused as exc:  # not a regular file, too large, or unreadable
        return fail(exc.reason)
    try:
        return parse(data, name)
    except Exception as exc:  # pragma: no cover - a bug, kept from the user's face
        return None, [Problem(name, 1, 1, f"internal error: {exc!r}", "internal")]


def check(path: Path) -> list[Problem]:
    """Every problem with the file at ``path``; never raises."""
    return _read(path)[1]


def load(path: Path) -> Loaded:
    """Read a task list; raise LoadError with every problem if it has any error."""
    tasks, problems = _read(path)
    if tasks is None:
        raise LoadError(problems)
    return Loaded(tasks, tuple(problems))


def _valid(value: Any) -> bool:
    return not isinstance(value, Invalid)


def _complete(item: Any) -> TypeGuard[dict[str, Any]]:
    """Whether ``item`` is a mapping the schema found nothing wrong with."""
    return isinstance(item, dict) and all(map(_valid, item.values()))


def _entries(root: Node, raw: dict[str, Any], key: str) -> Iterator[tuple[Node, Any]]:
    """Each item of the list under ``key`` with its node; none if it is not a list."""
    node = root.get(key)
    if node is not None and isinstance(raw.get(key), list):
        yield from zip(node.items, raw[key], strict=False)


def _declared(numbers: list[int]) -> Message:
    """``the areas are 1–14``, or a list when the numbers have gaps."""
    if len(numbers) == 1:
        return Message(N_("the only area is {number}"), number=numbers[0])
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return Message(N_("the areas are {numbers}"), numbers=f"{numbers[0]}–{numbers[-1]}")
    return Message(N_("the areas are {numbers}"), numbers=", ".join(map(str, numbers)))


# An entry declared again: the message (its value, the line of the first), and the rule.
_TWICE = {
    "number": (
        N_("area {value} is declared twice (first at line {line}); give each area its own number"),
        "duplicate-area",
    ),
    "name": (
        N_(
            "agency {value!r} is declared twice (first at line {line}); "
            "merge the two entries into one"
        ),
        "duplicate-agency",
    ),
    "id": (
        N_("duplicate id {value} (first at line {line}); give each task its own id"),
        "duplicate-id",
    ),
}


# The value of each optional key of a task that the file leaves out: no deadline is an
# ongoing task.
_ABSENT: dict[str, Any] = {"lead_note": "", "support_note": "", "deadline": None, "extra": ()}


def _build(raw: dict[str, Any], root: Node, name: str) -> tuple[TaskList | None, list[Problem]]:
    """Cross-references the schema cannot see: ids, areas and agencies declared once."""
    problems: list[Problem] = []
    broken: set[Any] = set()  # areas and agencies whose entries were reported already
    firsts: dict[tuple[str, Any], Node] = {}  # (key, value) → the entry that declared it

    def report(
        node: Node, trail: tuple[str, ...], message: str, rule: str, level: str = "error"
    ) -> None:
        problems.append(Problem(name, node.line, node.column, message, rule, level, trail))

    def declared(key: str, ident: str) -> Iterator[tuple[Node, dict[str, Any]]]:
        """The complete entries under ``key``; the ``ident`` of each other goes into broken."""
        for node, item in _entries(root, raw, key):
            if _complete(item):
                yield node, item
            elif isinstance(item, dict) and _valid(item[ident]):
                broken.add(item[ident])

    def again(node: Node, key: str, value: Any, trail: tuple[str, ...]) -> bool:
        """Whether an earlier entry has this ``value`` of ``key``; reported if so."""
        first = firsts.setdefault((key, value), node)
        if first is not node:
            twice, rule = _TWICE[key]
            message = Message(twice, value=value, line=first.line)
            report(node.get(key) or node, trail, message, rule)
        return first is not node

    version = raw.get("schema")
    if _valid(version) and version != SCHEMA_VERSION:
        message = Message(
            N_("unsupported schema version {version}; expected {expected}"),
            version=version,
            expected=SCHEMA_VERSION,
        )
        report(root.get("schema") or root, ("schema",), message, "schema")

    areas: dict[int, Area] = {}
    for node, item in declared("areas", "number"):
        number = item["number"]
        if not again(node, "number", number, (Message(N_("area {value}"), value=number),)):
            areas[number] = Area(number, item["name"])

    agencies: dict[str, Agency] = {}
    spelling: dict[str, tuple[str, Node]] = {}  # every name and alias → its agency
    for node, item in declared("agencies", "name"):
        agency_name = item["name"]
        trail: tuple[str, ...] = (Message(N_("agency {value}"), value=agency_name),)
        if again(node, "name", agency_name, trail):
            continue
        aliases = tuple(item.get("aliases") or ())
        alias_nodes = node.get("aliases")
        name_at = node.get("name") or node
        for i, spelled in enumerate((agency_name, *aliases)):
            if not _valid(spelled):  # an alias that is not text, reported already
                continue
            where = name_at if i == 0 or alias_nodes is None else alias_nodes.items[i - 1]
            other, first = spelling.setdefault(spelled, (agency_name, where))
            if other != agency_name:
                if i == 0:
                    text = N_(
                        "name {spelled!r} is already claimed by agency {other!r} "
                        "(line {line}); a spelling names one agency only"
                    )
                else:
                    text = N_(
                        "alias {spelled!r} is already claimed by agency {other!r} "
                        "(line {line}); a spelling names one agency only"
                    )
                message = Message(text, spelled=spelled, other=other, line=first.line)
                report(where, trail, message, "duplicate-alias")
        agencies[agency_name] = Agency(
            agency_name,
            AgencyKind(item["kind"]),
            aliases,
            item.get("code") or "",
            tuple(item.get("alias_codes") or ()),
        )

    tasks: list[Task] = []
    for node, item in _entries(root, raw, "tasks"):
        if not isinstance(item, dict):
            continue
        task_id: Any = item["id"]
        trail = (Message(N_("task {value}"), value=task_id),) if _valid(task_id) else ()
        ok = _complete(item)
        if _valid(task_id) and again(node, "id", task_id, trail):
            ok = False
        area: Any = item["area"]
        if area in broken:
            ok = False
        elif _valid(area) and area not in areas and areas:
            message = Message(
                N_("area {area} is not declared under areas; {declared}"),
                area=area,
                declared=_declared(sorted(areas)),
            )
            report(node.get("area") or node, (*trail, "area"), message, "undeclared-area")
            ok = False
        resolved: dict[str, tuple[str, ...]] = {}
        for role in ("lead", "support"):
            names: Any = item[role]
            role_node = node.get(role)
            if not _valid(names) or role_node is None:
                continue
            out = []
            spelled_as: dict[str, str] = {}  # each agency of the role → how it was first written
            for name_node, agency_name in zip(role_node.items, names, strict=False):
                if not _valid(agency_name):
                    continue
                canonical = spelling[agency_name][0] if agency_name in spelling else agency_name
                earlier = spelled_as.get(canonical)
                if earlier is not None and canonical in agencies:
                    # Counted once whatever the spelling: twice is a slip, or a merge gone wrong.
                    if earlier == agency_name:
                        message = Message(
                            N_("agency {agency} is listed twice in {role}; list each agency once"),
                            agency=canonical,
                            role=role,
                        )
                    else:
                        message = Message(
                            N_(
                                "agency {agency} is listed twice in {role} (as {first} and "
                                "{then}); list each agency once"
                            ),
                            agency=canonical,
                            role=role,
                            first=earlier,
                            then=agency_name,
                        )
                    report(name_node, (*trail, role), message, "duplicate-agency-in-task")
                    ok = False
                    continue
                spelled_as[canonical] = agency_name
                if agency_name in agencies:
                    out.append(agency_name)
                elif agency_name in broken:
                    ok = False
                elif agency_name in spelling:
                    message = Message(
                        N_("{alias!r} is an alias of {canonical!r}; write {canonical}"),
                        alias=agency_name,
                        canonical=canonical,
                    )
                    report(name_node, (*trail, role), message, "alias-name", "warning")
                    out.append(canonical)
                else:
                    close = difflib.get_close_matches(agency_name, spelling, n=1)
                    if close:
                        message = Message(
                            N_(
                                "agency {agency} is not declared under agencies; "
                                "did you mean {close!r}?"
                            ),
                            agency=show(agency_name),
                            close=spelling[close[0]][0],
                        )
                    else:
                        message = Message(
                            N_("agency {agency} is not declared under agencies"),
                            agency=show(agency_name),
                        )
                    report(name_node, (*trail, role), message, "undeclared-agency")
                    ok = False
            resolved[role] = tuple(out)
        if ok:
            # The task's keys are its fields (the schema follows the model); the
            # optional ones are left out of the file when they are empty.
            tasks.append(Task(**{**_ABSENT, **item, **resolved}))
    doc = raw.get("document")
    if any(p.level == "error" for p in problems) or not _complete(doc):
        return None, problems
    # The document's keys are its fields too.
    document = Document(**{**doc, "principles": tuple(doc.get("principles") or ())})
    by_id = tuple(sorted(tasks, key=lambda t: t.id))
    return TaskList(document, tuple(areas.values()), tuple(agencies.values()), by_id), problems
