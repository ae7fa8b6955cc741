"""data/tasks.yaml → the model, reporting every problem with file:line:column.

Nothing leaves this module but a TaskList or a LoadError carrying problems.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from szbiz.errors import LoadError, Problem
from szbiz.model import Agency, AgencyKind, Area, Document, Task, TaskList
from szbiz.schema import INVALID, SCHEMA_VERSION, TASKLIST, Context, Invalid
from szbiz.yamlnode import SEQ, ComposeError, Node, compose

MAX_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Loaded:
    tasks: TaskList
    warnings: tuple[Problem, ...] = ()


def _decode(data: bytes, name: str) -> tuple[str | None, list[Problem]]:
    def fail(line: int, col: int, message: str, rule: str) -> tuple[None, list[Problem]]:
        return None, [Problem(name, line, col, message, rule)]

    if not data.strip():
        return fail(1, 1, "the file is empty; expected a task list", "empty")
    if b"\0" in data:
        at = data.index(b"\0")
        line = data.count(b"\n", 0, at) + 1
        col = at - (data.rfind(b"\n", 0, at) + 1) + 1
        return fail(line, col, "NUL byte in the file; it is binary or corrupt", "nul")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        hint = ""
        try:
            data.decode("gb18030")
            hint = " (it looks like GBK/GB18030)"
        except UnicodeDecodeError:
            pass
        return fail(
            line,
            col,
            f"not UTF-8 at byte {exc.start}{hint}; save the file as UTF-8",
            "encoding",
        )
    return text, []


def read_problems(path: Path) -> list[Problem] | bytes:
    """The file's bytes, or the one problem that stops it being read."""
    name = str(path)
    try:
        if path.is_dir():
            return [Problem(name, 0, 0, "is a directory; expected a YAML file", "io")]
        if path.stat().st_size > MAX_BYTES:
            return [Problem(name, 0, 0, "is larger than 256 MiB; not a task list", "io")]
        return path.read_bytes()
    except FileNotFoundError:
        return [Problem(name, 0, 0, "no such file", "io")]
    except OSError as exc:
        return [Problem(name, 0, 0, f"cannot read: {exc.strerror or exc}", "io")]


def parse(data: bytes, name: str) -> tuple[TaskList | None, list[Problem]]:
    """Bytes → (the list, or None if there is any error; every problem, warnings included)."""
    text, problems = _decode(data, name)
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
        problems.append(Problem(name, 1, 1, "the file holds no YAML document", "empty"))
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
    tasks, problems = parse(data, str(path))
    if tasks is None:
        raise LoadError(problems)
    return Loaded(tasks, tuple(problems))


def _items(root: Node, key: str) -> list[Node]:
    node = root.get(key)
    return node.items if node is not None and node.kind == SEQ else []


def _valid(value: Any) -> bool:
    return value is not INVALID and not isinstance(value, Invalid)


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
    area_list = raw.get("areas") if isinstance(raw.get("areas"), list) else []
    for node, item in zip(_items(root, "areas"), area_list or [], strict=False):
        if not isinstance(item, dict) or not all(_valid(v) for v in item.values()):
            continue
        if item["number"] in areas:
            report(
                node,
                (f"area {item['number']}",),
                f"area {item['number']} is declared twice",
                "duplicate-area",
            )
            continue
        areas[item["number"]] = Area(item["number"], item["name"])

    agencies: dict[str, Agency] = {}
    spelling: dict[str, tuple[str, Node]] = {}  # every name and alias → its agency
    agency_list = raw.get("agencies") if isinstance(raw.get("agencies"), list) else []
    for node, item in zip(_items(root, "agencies"), agency_list or [], strict=False):
        if not isinstance(item, dict) or not all(_valid(v) for v in item.values()):
            continue
        agency_name = item["name"]
        trail: tuple[str, ...] = (f"agency {agency_name}",)
        if agency_name in agencies:
            report(node, trail, f"agency {agency_name!r} is declared twice", "duplicate-agency")
            continue
        aliases = tuple(item.get("aliases") or ())
        alias_nodes = node.get("aliases")
        for i, spelled in enumerate((agency_name, *aliases)):
            where = node if i == 0 or alias_nodes is None else alias_nodes.items[i - 1]
            if spelled in spelling and spelling[spelled][0] != agency_name:
                other = spelling[spelled][0]
                what = "name" if i == 0 else "alias"
                report(
                    where,
                    trail,
                    f"{what} {spelled!r} is already claimed by agency {other!r} "
                    f"(line {spelling[spelled][1].line})",
                    "duplicate-alias",
                )
            spelling.setdefault(spelled, (agency_name, where))
        agencies[agency_name] = Agency(
            agency_name, AgencyKind(item["kind"]), aliases, item.get("code") or ""
        )

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
                    f"duplicate id {task_id} (first at line {seen_ids[task_id].line})",
                    "duplicate-id",
                )
                ok = False
            else:
                seen_ids[task_id] = node
        area: Any = item.get("area")
        if _valid(area) and area not in areas and areas:
            area_node = node.get("area") or node
            valid = f"{min(areas)}–{max(areas)}"
            report(
                area_node,
                (*trail, "area"),
                f"area {area} is not declared; areas are {valid}",
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
                    report(
                        name_node,
                        (*trail, role),
                        f"agency {agency_name!r} is not declared under agencies",
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
