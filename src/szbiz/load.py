"""data/tasks.yaml → the model, reporting every problem with file:line:column.

Nothing leaves this module but a TaskList or a LoadError carrying problems.
"""

from __future__ import annotations

import codecs
import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from szbiz.errors import LoadError, Problem
from szbiz.model import Agency, AgencyKind, Area, Document, Task, TaskList
from szbiz.schema import INVALID, SCHEMA_VERSION, TASKLIST, Context, Invalid
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

MAX_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Loaded:
    tasks: TaskList
    warnings: tuple[Problem, ...] = ()


EXPECTED = "expected a task list: a mapping with schema, document, areas, agencies and tasks"

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
        return fail(1, 1, f"the file is empty; {EXPECTED}", "empty")
    if not data.strip():
        return fail(1, 1, f"the file holds only blank space; {EXPECTED}", "empty")
    for bom, encoding in _UTF16_32:
        if data.startswith(bom):
            return fail(
                1,
                1,
                f"the file is {encoding} (it starts with a {encoding} byte order mark); "
                "save it as UTF-8",
                "encoding",
            )
    if b"\0" in data:
        line, col = _byte_position(data, data.index(b"\0"))
        message = "a NUL byte: the file is binary or corrupt, not UTF-8 text"
        if data.count(b"\0") * 4 >= len(data):  # ASCII as UTF-16 is half NULs
            message += "; it may be UTF-16 or UTF-32: save it as UTF-8"
        return fail(line, col, message, "nul")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _byte_position(data, exc.start)
        what = f"the file is not UTF-8: byte 0x{data[exc.start]:02x} here is not valid UTF-8"
        if _looks_like_gbk(data):
            return fail(
                line,
                col,
                f"{what}; it looks like GBK/GB18030: save it as UTF-8 "
                "(iconv -f GB18030 -t UTF-8 converts it)",
                "encoding",
            )
        return fail(line, col, f"{what}; save it as UTF-8", "encoding")
    return text, []


def _looks_like_gbk(data: bytes) -> bool:
    """Whether ``data`` reads as Chinese in GBK: nearly every character is a common one."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    wide = [c for c in text if ord(c) > 0x7F]
    common = 0
    for c in wide:
        try:
            c.encode("gb2312")  # the 6,763 common characters; Latin-1 misread falls outside
        except UnicodeEncodeError:
            continue
        common += 1
    return bool(wide) and common >= 0.9 * len(wide)


def read_problems(path: Path) -> list[Problem] | bytes:
    """The file's bytes, or the one problem that stops it being read."""
    name = str(path)

    def fail(message: str) -> list[Problem]:
        return [Problem(name, 0, 0, message, "io")]

    try:
        if path.is_dir():
            return fail("is a directory; expected a YAML file")
        with path.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return fail("no such file")
    except PermissionError:
        return fail("cannot read: permission denied")
    except OSError as exc:
        return fail(f"cannot read: {exc.strerror or exc}")
    except ValueError as exc:  # a path no system accepts, such as one holding a NUL
        return fail(f"cannot read: {exc}")
    if len(data) > MAX_BYTES:
        return fail("is larger than 256 MiB; not a task list")
    return data


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
    except RecursionError:  # pragma: no cover - compose is iterative
        return None, [Problem(name, 1, 1, "nested too deep", "nesting")]
    problems = [Problem(name, f.line, f.column, f.message, f.rule) for f in flaws]
    if root is None:
        message = f"the file holds no YAML document, only comments or blank lines; {EXPECTED}"
        problems.append(Problem(name, 1, 1, message, "empty"))
        return None, problems
    if root.kind not in (MAP, REPORTED):
        got = {SEQ: "a list", NULL: "nothing"}.get(root.kind, show(str(root.value)))
        problems.append(Problem(name, root.line, root.column, f"{EXPECTED}; got {got}", "type"))
        return None, problems
    ctx = Context()
    raw = TASKLIST.check(root, ctx)
    problems += [
        Problem(name, n.line, n.column, message, rule, trail=trail)
        for n, message, rule, trail in ctx.problems
    ]
    tasks, more = _build(raw, root, name) if isinstance(raw, dict) else (None, [])
    problems += more
    problems.sort(key=lambda p: (p.line, p.column))
    if any(p.level == "error" for p in problems):
        return None, problems
    return tasks, problems


def check(path: Path) -> list[Problem]:
    """Every problem with the file at ``path``; never raises."""
    data = read_problems(path)
    if isinstance(data, list):
        return data
    try:
        return parse(data, str(path))[1]
    except Exception as exc:  # pragma: no cover - a bug, kept from the user's face
        return [Problem(str(path), 1, 1, f"internal error: {exc!r}", "internal")]


def load(path: Path) -> Loaded:
    """Read a task list; raise LoadError with every problem if it has any error."""
    data = read_problems(path)
    if isinstance(data, list):
        raise LoadError(data)
    try:
        tasks, problems = parse(data, str(path))
    except Exception as exc:  # pragma: no cover - a bug, kept from the user's face
        problem = Problem(str(path), 1, 1, f"internal error: {exc!r}", "internal")
        raise LoadError([problem]) from exc
    if tasks is None:
        raise LoadError(problems)
    return Loaded(tasks, tuple(problems))


def _items(root: Node, key: str) -> list[Node]:
    node = root.get(key)
    return node.items if node is not None and node.kind == SEQ else []


def _valid(value: Any) -> bool:
    return value is not INVALID and not isinstance(value, Invalid)


def _declared(numbers: list[int]) -> str:
    """``the areas are 1–14``, or a list when the numbers have gaps."""
    if len(numbers) == 1:
        return f"the only area is {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"the areas are {numbers[0]}–{numbers[-1]}"
    return "the areas are " + ", ".join(map(str, numbers))


def _build(raw: dict[str, Any], root: Node, name: str) -> tuple[TaskList | None, list[Problem]]:
    """Cross-references the schema cannot see: ids, areas and agencies declared once."""
    problems: list[Problem] = []

    def report(
        node: Node, trail: tuple[str, ...], message: str, rule: str, level: str = "error"
    ) -> None:
        problems.append(Problem(name, node.line, node.column, message, rule, level, trail))

    version = raw.get("schema")
    if _valid(version) and version != SCHEMA_VERSION:
        node = root.get("schema")
        assert node is not None
        report(
            node,
            ("schema",),
            f"unsupported schema version {version}; expected {SCHEMA_VERSION}",
            "schema",
        )

    areas: dict[int, Area] = {}
    area_nodes: dict[int, Node] = {}
    area_list = raw.get("areas") if isinstance(raw.get("areas"), list) else []
    broken: set[Any] = set()  # areas and agencies whose entries were reported already
    for node, item in zip(_items(root, "areas"), area_list or [], strict=False):
        if not isinstance(item, dict) or not all(_valid(v) for v in item.values()):
            if isinstance(item, dict) and _valid(item.get("number")):
                broken.add(item["number"])
            continue
        number = item["number"]
        if number in areas:
            report(
                node.get("number") or node,
                (f"area {number}",),
                f"area {number} is declared twice (first at line {area_nodes[number].line}); "
                "give each area its own number",
                "duplicate-area",
            )
            continue
        areas[number] = Area(number, item["name"])
        area_nodes[number] = node

    agencies: dict[str, Agency] = {}
    agency_nodes: dict[str, Node] = {}
    spelling: dict[str, tuple[str, Node]] = {}  # every name and alias → its agency
    agency_list = raw.get("agencies") if isinstance(raw.get("agencies"), list) else []
    for node, item in zip(_items(root, "agencies"), agency_list or [], strict=False):
        if not isinstance(item, dict) or not all(_valid(v) for v in item.values()):
            if isinstance(item, dict) and _valid(item.get("name")):
                broken.add(item["name"])
            continue
        agency_name = item["name"]
        trail: tuple[str, ...] = (f"agency {agency_name}",)
        if agency_name in agencies:
            report(
                node.get("name") or node,
                trail,
                f"agency {agency_name!r} is declared twice (first at line "
                f"{agency_nodes[agency_name].line}); merge the two entries into one",
                "duplicate-agency",
            )
            continue
        aliases = tuple(item.get("aliases") or ())
        alias_nodes = node.get("aliases")
        name_at = node.get("name") or node
        for i, spelled in enumerate((agency_name, *aliases)):
            if not _valid(spelled):  # an alias that is not text, reported already
                continue
            where = name_at if i == 0 or alias_nodes is None else alias_nodes.items[i - 1]
            if spelled in spelling and spelling[spelled][0] != agency_name:
                other = spelling[spelled][0]
                what = "name" if i == 0 else "alias"
                report(
                    where,
                    trail,
                    f"{what} {spelled!r} is already claimed by agency {other!r} "
                    f"(line {spelling[spelled][1].line}); a spelling names one agency only",
                    "duplicate-alias",
                )
            spelling.setdefault(spelled, (agency_name, where))
        agencies[agency_name] = Agency(
            agency_name,
            AgencyKind(item["kind"]),
            aliases,
            item.get("code") or "",
            tuple(item.get("alias_codes") or ()),
        )
        agency_nodes[agency_name] = node

    tasks: list[Task] = []
    seen_ids: dict[int, Node] = {}
    task_list = raw.get("tasks") if isinstance(raw.get("tasks"), list) else []
    for node, item in zip(_items(root, "tasks"), task_list or [], strict=False):
        if not isinstance(item, dict):
            continue
        task_id: Any = item.get("id")
        trail = (f"task {task_id}",) if _valid(task_id) else ()
        ok = all(_valid(v) for v in item.values())
        if _valid(task_id):
            if task_id in seen_ids:
                id_node = node.get("id") or node
                report(
                    id_node,
                    trail,
                    f"duplicate id {task_id} (first at line {seen_ids[task_id].line}); "
                    "give each task its own id",
                    "duplicate-id",
                )
                ok = False
            else:
                seen_ids[task_id] = node
        area: Any = item.get("area")
        if _valid(area) and area in broken:
            ok = False
        elif _valid(area) and area not in areas and areas:
            area_node = node.get("area") or node
            report(
                area_node,
                (*trail, "area"),
                f"area {area} is not declared under areas; {_declared(sorted(areas))}",
                "undeclared-area",
            )
            ok = False
        resolved: dict[str, tuple[str, ...]] = {}
        for role in ("lead", "support"):
            names: Any = item.get(role)
            role_node = node.get(role)
            if not _valid(names) or role_node is None:
                continue
            out = []
            for name_node, agency_name in zip(role_node.items, names, strict=False):
                if not _valid(agency_name):
                    continue
                if agency_name in agencies:
                    out.append(agency_name)
                elif agency_name in broken:
                    ok = False
                elif agency_name in spelling:
                    canonical = spelling[agency_name][0]
                    report(
                        name_node,
                        (*trail, role),
                        f"{agency_name!r} is an alias of {canonical!r}; write {canonical}",
                        "alias-name",
                        "warning",
                    )
                    out.append(canonical)
                else:
                    close = difflib.get_close_matches(agency_name, spelling, n=1)
                    hint = f"; did you mean {spelling[close[0]][0]!r}?" if close else ""
                    report(
                        name_node,
                        (*trail, role),
                        f"agency {show(agency_name)} is not declared under agencies{hint}",
                        "undeclared-agency",
                    )
                    ok = False
            resolved[role] = tuple(out)
        if ok and _valid(task_id):
            tasks.append(
                Task(
                    id=task_id,
                    area=area,
                    title=item["title"],
                    description=item["description"],
                    lead=resolved.get("lead", ()),
                    support=resolved.get("support", ()),
                    deadline=item["deadline"],
                    deadline_text=item["deadline_text"],
                    lead_note=item.get("lead_note") or "",
                    support_note=item.get("support_note") or "",
                )
            )
    doc = raw.get("document")
    if problems and any(p.level == "error" for p in problems):
        return None, problems
    if not isinstance(doc, dict) or not all(_valid(v) for v in doc.values()):
        return None, problems
    document = Document(
        doc["title"], doc["issuer"], doc["year"], doc["source"], tuple(doc.get("principles") or ())
    )
    tasks.sort(key=lambda t: t.id)
    return TaskList(
        document, tuple(areas.values()), tuple(agencies.values()), tuple(tasks)
    ), problems
