"""Source table text (tab-separated rows from the published PDF) → the model.

The importer knows the document's layout and the agencies' spellings; it
reports every row it cannot read with its line number and never drops one.
"""

from __future__ import annotations

import re
from pathlib import Path

from szbiz.dates import parse_document_deadline
from szbiz.errors import LoadError, Message, Problem
from szbiz.i18n import N_
from szbiz.importer.names import COLLECTIVES as COLLECTIVES
from szbiz.importer.names import KINDS as KINDS
from szbiz.importer.names import PREFIXES as PREFIXES
from szbiz.importer.names import QUALIFIERS as QUALIFIERS
from szbiz.importer.names import SYNONYMS as SYNONYMS
from szbiz.importer.names import _Registry, split_agencies
from szbiz.importer.names import _syllables as _syllables
from szbiz.importer.names import agency_codes as agency_codes
from szbiz.importer.names import agency_kind as agency_kind
from szbiz.importer.names import initials as initials
from szbiz.model import Area, Document, Task, TaskList
from szbiz.text import chinese_numeral, unwrap

HEADER = ("序号", "所属领域", "改革措施", "牵头单位", "责任单位", "完成时限")
DEFAULT_ISSUER = "深圳市人民政府"

_AREA = re.compile(r"^\s*([一二三四五六七八九十]+)\s*、\s*(.+)$")
_PRINCIPLE = re.compile(r"^\s*([一二三四五六七八九十]+)、(.*)$")


def parse_source(text: str, source_name: str, issuer: str = DEFAULT_ISSUER) -> TaskList:
    """Read the table text; raise LoadError listing every row that cannot be read."""
    problems: list[Problem] = []
    title = ""
    principles: list[str] = []
    areas: dict[int, Area] = {}
    registry = _Registry()
    tasks: list[Task] = []
    in_table = False
    area: int | None = None

    def problem(line_no: int, message: str) -> None:
        problems.append(Problem(source_name, line_no, 1, message, "source"))

    for line_no, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.lstrip("\ufeff")
        if not line.strip():
            continue
        cells = line.split("\t")
        if tuple(c.strip() for c in cells) == HEADER:
            in_table = True
            continue
        if not title or unwrap(line) == title:  # the title, or its repeat atop a page
            title = unwrap(line)
            continue
        if not in_table:
            m = _PRINCIPLE.match(line)
            if m and chinese_numeral(m.group(1)) == len(principles) + 1:
                principles.append(unwrap(m.group(2)))
            elif principles:
                principles[-1] = unwrap(principles[-1] + line)
            else:
                problem(
                    line_no,
                    Message(N_("cannot read preamble line {text!r}"), text=unwrap(line)[:20]),
                )
            continue
        if len(cells) != len(HEADER):
            message = Message(
                N_("cannot read row: expected {count} tab-separated fields ({header}), got {got}"),
                count=len(HEADER),
                header=" ".join(HEADER),
                got=len(cells),
            )
            problem(line_no, message)
            continue
        num, area_cell, measure, lead_cell, support_cell, deadline_cell = (c.strip() for c in cells)
        if not num.isdigit() or int(num) <= 0:
            problem(
                line_no,
                Message(N_("cannot read 序号 {text!r}: expected a positive number"), text=num),
            )
            continue
        task_id = int(num)
        if area_cell:
            m = _AREA.match(area_cell)
            number = chinese_numeral(m.group(1)) if m else None
            if m is None or number is None:
                problem(
                    line_no,
                    Message(N_("cannot read 所属领域 {text!r}: expected 一、名称"), text=area_cell),
                )
                continue
            name = unwrap(m.group(2))
            if number in areas and areas[number].name != name:
                message = Message(
                    N_("area {number} is named {name!r} before"),
                    number=number,
                    name=areas[number].name,
                )
                problem(line_no, message)
            areas.setdefault(number, Area(number, name))
            area = number
        if area is None:
            problem(
                line_no,
                Message(N_("task {id} has no 所属领域 and none comes before it"), id=task_id),
            )
            continue
        deadline = parse_document_deadline(deadline_cell)
        if deadline is None:
            message = Message(
                N_("cannot read 完成时限 {text!r}: expected like 2020年6月底"), text=deadline_cell
            )
            problem(line_no, message)
            continue
        lead_names, lead_note = split_agencies(lead_cell)
        support_names, support_note = split_agencies(support_cell)
        if not lead_names:
            problem(line_no, Message(N_("task {id} has no 牵头单位"), id=task_id))
            continue
        if tasks and task_id != tasks[-1].id + 1:
            message = Message(
                N_("序号 {id} follows {before}; expected {expected}"),
                id=task_id,
                before=tasks[-1].id,
                expected=tasks[-1].id + 1,
            )
            problem(line_no, message)
        task_title, _, description = unwrap(measure).partition("。")
        tasks.append(
            Task(
                id=task_id,
                area=area,
                title=task_title,
                description=description,
                lead=tuple(registry.add(n) for n in lead_names),
                support=tuple(registry.add(n) for n in support_names),
                deadline=deadline,
                deadline_text=deadline_cell,
                lead_note=lead_note,
                support_note=support_note,
            )
        )
    if not tasks and not problems:
        problem(
            0,
            Message(
                N_("no task rows found; expected a header row {header}"), header=" ".join(HEADER)
            ),
        )
    if problems:
        raise LoadError(problems)
    year_match = re.search(r"(\d{4})\s*年", title)
    year = int(year_match.group(1)) if year_match else min(t.deadline.year for t in tasks)
    return TaskList(
        document=Document(title, issuer, year, source_name, tuple(principles)),
        areas=tuple(sorted(areas.values(), key=lambda a: a.number)),
        agencies=registry.agencies(),
        tasks=tuple(tasks),
    )


def read_source(path: Path, issuer: str = DEFAULT_ISSUER) -> TaskList:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        message = Message(N_("cannot read: {why}"), why=exc.strerror)
        raise LoadError([Problem(str(path), 0, 0, message, "io")]) from exc
    except UnicodeDecodeError as exc:
        message = Message(N_("not UTF-8 (byte {byte}); save it as UTF-8"), byte=exc.start)
        raise LoadError([Problem(str(path), 0, 0, message, "encoding")]) from exc
    return parse_source(text, path.name, issuer)
