"""A Grid (rows of cells from any format) → the task list, by its columns' headers.

A reform list is a title, perhaps a preamble, and a table. The table's header row is the
first row in which at least two cells are headers szbiz knows (``序号``, ``改革举措``,
``牵头单位``…, spaces inside them ignored); ``--column HEADER=FIELD`` names any other.
Above it: the title (the first row) and the preamble (numbered principles). Below it:
task rows, and area headings (``一、…（共5项）``) as rows of their own. Every column that
is none of the task's fields is kept, per task, as an extra field.

Every row that cannot be read is an error naming its line (or cell); what can be read
but looks wrong (a gap in the numbering, an area with fewer tasks than it states) is a
warning, and an error with ``strict``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from szbiz.dates import DeadlineError, read_deadline
from szbiz.errors import LoadError, Message, Problem, UsageError
from szbiz.i18n import N_, _
from szbiz.importer.grid import Grid, Row
from szbiz.importer.names import Parties, _Registry, inline_parties, read_parties
from szbiz.model import AgencyKind, Area, Document, Task, TaskList
from szbiz.text import chinese_numeral, unwrap
from szbiz.yamlnode import NON_PRINTABLE

# The task's fields a column can hold, and what --column may also say of one.
FIELDS = ("id", "area", "measure", "description", "lead", "support", "deadline")
CHOICES = (*FIELDS, "extra", "ignore")

# Headers as lists write them (whitespace removed), by field.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("序号", "编号", "序", "编码"),
    "area": ("所属领域", "领域", "类别", "类型", "改革领域", "任务类别"),
    "measure": (
        "改革措施",
        "改革举措",
        "重点任务",
        "工作任务",
        "措施",
        "任务",
        "工作措施",
        "具体措施",
        "任务内容",
        "改革事项",
        "举措",
    ),
    "description": ("主要内容", "具体内容", "工作内容", "内容", "工作要求", "主要任务"),
    "lead": ("牵头单位", "主责单位", "指导部门", "责任部门", "牵头部门", "主办单位", "负责单位"),
    "support": ("责任单位", "配合单位", "参与单位", "协办单位", "配合部门", "协同单位"),
    "deadline": ("完成时限", "完成时间", "时限要求", "时限", "时间节点", "完成期限"),
}
HEADERS: dict[str, str] = {h: f for f, headers in SYNONYMS.items() for h in headers}

# The area of a list that names none.
ONE_AREA = "全部任务"
# The issuer of a list whose title names none and when --issuer is not given.
NO_ISSUER = "未注明"

_NUMERAL = "一二三四五六七八九十"
_HEADING = re.compile(
    rf"^(?:([{_NUMERAL}]+)\s*[、.．]|[（(]\s*([{_NUMERAL}]+)\s*[）)]|第\s*([{_NUMERAL}]+)\s*部分)"
    r"[\s：:、.．]*(.+)$"
)
_COUNT = re.compile(r"\s*[（(]\s*共\s*(\d{1,6})\s*项\s*[）)]\s*$")
_PRINCIPLE = re.compile(rf"^\s*([{_NUMERAL}]+)、(.*)$")
_TITLE_YEAR = re.compile(r"((?:19|2\d)\d{2})\s*年")
_ANNEX = re.compile(r"^附件\s*\d*[：:]?$")
_BREAKS = str.maketrans({"\v": "\n", "\f": "\n"})  # Word's and a PDF's line and page breaks
_GLYPH = re.compile(r"\(cid:\d+\)")
_TOTALS = ("合计", "总计", "小计")
_NOTE = re.compile(r"^\s*(?:注|备注|说明|附注)\s*\d*\s*[：:]")
_SENTENCE_END = ("。", "！", "？", "；", "”", "」")
_MAX_DIGITS = 18  # as for ids elsewhere: short of int()'s limit, far beyond any list

# A title's issuer: 国务院办公厅…, 国务院…, or a place (广东省, 深圳市, 福田区) that the
# title begins with, followed by what titles follow it with.
_PLACE = re.compile(
    r"^([\u4e00-\u9fff]{2,8}?(?:省|自治区|市|区|县))"
    r"(?=\s|\d|[０-９]|人民政府|政府|关于|印发|优化|进一步|深化|全面|加快|推进|营商)"
)


@dataclass(frozen=True)
class Options:
    """How to read a table: what the command line says."""

    columns: Mapping[str, str] = field(default_factory=dict)  # header → one of CHOICES
    year: int | None = None  # the document's year; else the title's
    strict: bool = False  # warnings are errors
    first_is_lead: bool = False  # of several agencies in the lead column, the first leads
    issuer: str | None = None  # else from the title


@dataclass(frozen=True)
class Imported:
    """The task list read, what looked wrong, and what the summary says besides figures."""

    tasks: TaskList
    warnings: tuple[Problem, ...] = ()
    notes: tuple[Message, ...] = ()

    @property
    def ongoing(self) -> int:
        return sum(1 for t in self.tasks.tasks if t.deadline is None)

    @property
    def kinds(self) -> Counter[AgencyKind]:
        return Counter(a.kind for a in self.tasks.agencies)


def issuer_of(title: str) -> str | None:
    """Who issued a list, as its title says: 国务院, 国务院办公厅, or ``XX市人民政府``."""
    text = title.strip()
    if text.startswith("国务院办公厅"):
        return "国务院办公厅"
    if text.startswith("国务院"):
        return "国务院"
    m = _PLACE.match(text)
    return f"{m.group(1)}人民政府" if m else None


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass
class _Draft:
    """A task row read, before its id is settled."""

    row: Row
    printed: str  # the 序号 as written
    number: int | None  # the 序号 read, None where there is none
    area: int
    title: str
    description: str
    lead: tuple[str, ...]
    lead_note: str
    support: tuple[str, ...]
    support_note: str
    deadline: dt.date | None
    deadline_text: str
    extra: tuple[tuple[str, str], ...]


@dataclass
class _Heading:
    row: Row
    number: int
    name: str
    stated: int | None


class _Reader:
    def __init__(self, grid: Grid, options: Options) -> None:
        self.grid = grid
        self.options = options
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.notes: list[Message] = []
        self.columns = {_squeeze(h): f for h, f in options.columns.items()}
        self.unnamed: dict[int, str] = {}  # column index → 第N列, for a column with no header
        self.extra_names: dict[int, str] = {}  # column index → its extra field's name
        for header, wanted in self.columns.items():
            if wanted not in CHOICES:
                raise UsageError(
                    _("--column {value!r}: expected HEADER=FIELD, FIELD one of {fields}").format(
                        value=f"{header}={wanted}", fields=", ".join(CHOICES)
                    )
                )

    # -- problems ---------------------------------------------------------------------

    def _problem(self, row: Row | None, message: str, rule: str, level: str) -> Problem:
        if row is None:
            return Problem(self.grid.source, 0, 0, message, rule, level)
        # A line of text or CSV is named file:line; a cell of a sheet or table by where it is.
        lines = ("", f"line {row.line}", _("line {n}").format(n=row.line))
        if row.line > 0 and row.where in lines:
            return Problem(self.grid.source, row.line, 1, message, rule, level)
        return Problem(f"{self.grid.source} ({row.where})", 0, 0, message, rule, level)

    def error(self, row: Row | None, message: str, rule: str = "source") -> None:
        self.errors.append(self._problem(row, message, rule, "error"))

    def warn(self, row: Row | None, message: str, rule: str) -> None:
        self.warnings.append(self._problem(row, message, rule, "warning"))

    def fail(self, row: Row | None, message: str, rule: str = "source") -> LoadError:
        return LoadError([self._problem(row, message, rule, "error")])

    # -- the header -------------------------------------------------------------------

    def field_of(self, header: str) -> str | None:
        given = self.columns.get(header)
        return given if given is not None else HEADERS.get(header)

    def find_header(self, rows: list[Row]) -> int:
        for index, row in enumerate(rows):
            known = [c for c in row.cells if _squeeze(c) and self.field_of(_squeeze(c))]
            if len(known) >= 2:
                return index
        first = next((r for r in rows if sum(1 for c in r.cells if c.strip()) >= 2), None)
        first = first or (rows[0] if rows else None)
        expected = N_(
            "no header row found; expected columns such as 序号, 改革措施, 牵头单位, "
            "完成时限 (or give --column HEADER=FIELD); the table's first row reads: {cells}"
        )
        if first is None:
            raise self.fail(None, Message(N_("no rows found; is it the list's table?")))
        glyphs = next((r for r in rows if any(_GLYPH.search(c) for c in r.cells)), None)
        if glyphs is not None:  # what pdfminer gives for a font without a Unicode map
            message = Message(
                N_(
                    "no header row found: the text reads as glyph numbers such as (cid:123), "
                    "the PDF's fonts having no map to characters; export the table from the "
                    "original document as .docx or .xlsx"
                )
            )
            raise self.fail(glyphs, message, "header")
        raise self.fail(first, Message(expected, cells=_quoted(first.cells)), "header")

    def subheader(self, header: Row, below: Row) -> Row | None:
        """A header of two rows as one: where the row below the header row names known
        columns under a cell spanning them (责任单位 over 牵头单位 and 配合单位), each
        column by its lower name; None when the row below is no such row. Every filled cell
        below must be a known header or repeat the one above (a merged cell)."""
        width = max(len(header.cells), len(below.cells))
        top = [_squeeze(c) for c in header.cells] + [""] * (width - len(header.cells))
        low = [_squeeze(c) for c in below.cells] + [""] * (width - len(below.cells))
        named = False
        for upper, lower in zip(top, low, strict=True):
            if not lower or lower == upper:
                continue
            if self.field_of(lower) is None:
                return None
            named = True
        if not named:
            return None
        cells = tuple(
            lower if lower and lower != upper else upper
            for upper, lower in zip(top, low, strict=True)
        )
        return Row(cells, header.where, header.line)

    def map_columns(self, header: Row) -> dict[int, str]:
        """Column index → field, or ``extra``; ignored columns left out."""
        names = [_squeeze(c) for c in header.cells]
        for given in self.columns:
            if given not in names:
                raise UsageError(
                    _("--column {header}: no such column; the header row reads: {cells}").format(
                        header=given, cells=_quoted(header.cells)
                    )
                )
        taken: dict[str, int] = {}
        out: dict[int, str] = {}
        for index, name in enumerate(names):
            if not name:  # kept by the column's place, should a cell below hold text
                out[index] = "extra"
                self.unnamed[index] = f"第{index + 1}列"
                continue
            wanted = self.field_of(name) or "extra"
            if wanted == "ignore":
                continue
            if wanted in taken and wanted == "measure" and "description" not in taken:
                wanted = "description"  # 重点任务 then 具体措施: the second says more
            if wanted in taken:
                wanted = "extra"
            if wanted != "extra":
                taken[wanted] = index
            out[index] = wanted
        if "measure" not in taken:
            message = Message(
                N_(
                    "no 改革措施 column; the header row reads: {cells}; "
                    "name it with --column HEADER=measure"
                ),
                cells=_quoted(header.cells),
            )
            raise self.fail(header, message, "header")
        if "lead" not in taken and "support" in taken:
            # One agency column leads, whatever its header, unless --column says otherwise.
            support_header = names[taken["support"]]
            if support_header not in self.columns:
                out[taken.pop("support")] = "lead"
                taken["lead"] = -1
        for index in (i for i, f in out.items() if f == "extra"):
            name = self.unnamed.get(index) or names[index]
            if name in self.extra_names.values():  # two columns of one header: both kept
                name = f"{name}（第{index + 1}列）"
            self.extra_names[index] = name
        extras = [n for i, n in self.extra_names.items() if i not in self.unnamed]
        if extras:
            self.notes.append(
                Message(
                    N_("columns {headers} kept as extra fields")
                    if len(extras) > 1
                    else N_("column {headers} kept as an extra field"),
                    headers="、".join(extras),
                )
            )
        return out

    # -- reading ----------------------------------------------------------------------

    def read(self) -> Imported:
        rows = [self.printable(r) for r in self.grid.rows if any(c.strip() for c in r.cells)]
        if self.errors:
            raise LoadError(self.errors)
        at = self.find_header(rows)
        header = rows[at]
        header_keys = {_key(header.cells)}  # the header again, atop a page, is skipped
        below = rows[at + 1] if at + 1 < len(rows) else None
        sub = self.subheader(header, below) if below is not None else None
        if sub is not None and below is not None:  # a header of two rows
            header_keys.add(_key(below.cells))
            header = sub
            at += 1
        columns = self.map_columns(header)
        fields = set(columns.values())
        body = rows[at + 1 :]
        above = rows[:at]
        if len(above) > 1 and _first_heading(above[-1]):
            # The first area's heading, a paragraph above a table per area (Word).
            body = [above.pop(), *body]
        title, principles = self.preamble(above)
        year = self.options.year
        if year is None:
            m = _TITLE_YEAR.search(title)
            year = int(m.group(1)) if m else None
        issuer = self.options.issuer or issuer_of(title)
        if issuer is None:
            issuer = NO_ISSUER
            self.notes.append(Message(N_("the title names no issuer; give --issuer")))

        registry = _Registry()
        areas: dict[int, Area] = {}
        headings: list[_Heading] = []
        drafts: list[_Draft] = []
        asides: list[Row] = []  # notes (注：…) and totals (合计), no tasks
        unnamed_used: set[int] = set()  # columns without a header that hold text
        area: int | None = None
        width = len(header.cells)
        for row in body:
            cells = [c.strip() for c in row.cells]
            filled = [c for c in cells if c]
            if _key(filled) in header_keys:
                continue  # the header again, atop a page
            if unwrap(_joined(filled)) == title:
                continue  # the title again, atop a page
            if _aside(filled):
                asides.append(row)
                continue
            heading = _read_heading(filled)
            if heading is not None:
                number = len(areas) + 1
                name, stated = heading
                areas[number] = Area(number, name)
                headings.append(_Heading(row, number, name, stated))
                area = number
                continue
            if len(cells) < width or any(cells[width:]):
                message = Message(
                    N_("cannot read row: expected {count} columns ({header}), got {got}"),
                    count=width,
                    header=" ".join(_squeeze(c) for c in header.cells),
                    got=len(cells),
                )
                self.error(row, message)
                continue
            by_field: dict[str, str] = {}
            extra: list[tuple[str, str]] = []
            for index, wanted in columns.items():
                if wanted == "extra":
                    if cells[index]:
                        extra.append((self.extra_names[index], cells[index]))
                        if index in self.unnamed:
                            unnamed_used.add(index)
                else:
                    by_field[wanted] = cells[index]
            draft = self.task(row, by_field, tuple(extra), area, areas, year, registry)
            if draft is not None:
                area = draft.area
                drafts.append(draft)
        if self.errors:
            raise LoadError(self.errors)
        if unnamed_used:
            names = "、".join(self.extra_names[i] for i in sorted(unnamed_used))
            self.notes.append(
                Message(N_("text under no header kept as extra fields {names}"), names=names)
            )
        if asides:
            self.notes.append(
                Message(
                    N_("skipped a row of notes or totals ({where})")
                    if len(asides) == 1
                    else N_("skipped {count} rows of notes or totals ({where}…)"),
                    count=len(asides),
                    where=_where(asides[0]),
                )
            )
        if not drafts:
            raise self.fail(header, Message(N_("no task rows below the header row")))
        if not areas:
            areas[1] = Area(1, ONE_AREA)
            self.notes.append(Message(N_("no areas: every task in one, {name}"), name=ONE_AREA))
        self.check_counts(headings, drafts)
        tasks = self.number(drafts, "id" in fields)
        if self.errors:
            raise LoadError(self.errors)
        if "deadline" not in fields:
            self.notes.append(Message(N_("no 完成时限 column: every task is ongoing")))
        doc_year = year or max((t.deadline.year for t in tasks if t.deadline), default=None)
        if doc_year is None:
            raise self.fail(None, Message(N_("the title states no year; give --year")), "year")
        agencies = registry.agencies(issuer)
        result = TaskList(
            document=Document(title, issuer, doc_year, self.grid.source, tuple(principles)),
            areas=tuple(sorted(areas.values(), key=lambda a: a.number)),
            agencies=agencies,
            tasks=tuple(tasks),
        )
        if self.options.strict and self.warnings:
            raise LoadError([dataclasses.replace(w, level="error") for w in self.warnings])
        return Imported(result, tuple(self.warnings), tuple(self.notes))

    def printable(self, row: Row) -> Row:
        """The row with its vertical tabs and form feeds as the line breaks they stand for;
        a control character, which no task list may hold, is an error naming the row."""
        cells = tuple(c.translate(_BREAKS) for c in row.cells)
        for cell in cells:
            bad = NON_PRINTABLE.search(cell)
            if bad is not None:
                message = Message(
                    N_("control character U+{code} in a cell; remove it from the source"),
                    code=f"{ord(bad.group()):04X}",
                )
                self.error(row, message, "character")
                break
        return dataclasses.replace(row, cells=cells)

    def preamble(self, rows: list[Row]) -> tuple[str, list[str]]:
        """The title (the first row, past a line such as 附件1) and the numbered principles;
        other paragraphs are no part of the list."""
        title = ""
        principles: list[str] = []
        for row in rows:
            filled = [c.strip() for c in row.cells if c.strip()]
            text = _joined(filled)
            if not title:
                if not _ANNEX.match(_squeeze(text)):
                    title = unwrap(text)
                continue
            if unwrap(text) == title or len(set(filled)) != 1:
                continue
            line = row.cells[0] if len(row.cells) == 1 else filled[0]
            m = _PRINCIPLE.match(line)
            if m and chinese_numeral(m.group(1)) == len(principles) + 1:
                principles.append(unwrap(m.group(2)))
            elif principles and not principles[-1].endswith(_SENTENCE_END):
                principles[-1] = unwrap(principles[-1] + line)  # a line wrapped
        if not title:
            title = self.grid.source.rsplit(".", 1)[0]
        return title, principles

    def task(
        self,
        row: Row,
        cells: dict[str, str],
        extra: tuple[tuple[str, str], ...],
        area: int | None,
        areas: dict[int, Area],
        year: int | None,
        registry: _Registry,
    ) -> _Draft | None:
        printed = cells.get("id", "")
        number: int | None = None
        if printed:
            read = _read_number(printed)
            if isinstance(read, Message):
                self.error(row, read)
                return None
            number = read  # None for 1-1 and the like: numbered in order, kept as 序号
        shown = printed or _where(row)  # for messages only
        area_cell = cells.get("area", "")
        if area_cell:
            found = self.area(row, area_cell, areas)
            if found is None:
                return None
            area = found
        if area is None:
            if areas:
                message = Message(
                    N_("task {id} has no 所属领域 and none comes before it"), id=shown
                )
                self.error(row, message)
                return None
            area = 0  # no areas at all, yet: one, later
        measure = unwrap(cells.get("measure", ""))
        # Agencies written inside the text, (牵头单位：X；责任单位：Y), are taken out of it.
        if "description" in cells:
            description, inline = inline_parties(unwrap(cells["description"]))
            if inline is None:
                measure, inline = inline_parties(measure)
            title = measure.removesuffix("。")
        else:
            measure, inline = inline_parties(measure)
            title, _sep, description = measure.partition("。")
        if not title:
            self.error(row, Message(N_("task {id} has no 改革措施"), id=shown))
            return None
        deadline_text = cells.get("deadline", "")
        try:
            deadline = read_deadline(deadline_text, year)
        except DeadlineError as exc:
            self.error(row, str(exc))
            return None
        parties = read_parties(
            cells.get("lead", ""),
            cells.get("support", ""),
            first_is_lead=self.options.first_is_lead,
        )
        if inline is not None:
            parties = _joined_parties(parties, inline)
        lead_names, support_names = parties.lead, parties.support
        if not lead_names:
            self.error(row, Message(N_("task {id} has no 牵头单位"), id=shown))
            return None
        return _Draft(
            row=row,
            printed=printed,
            number=number,
            area=area,
            title=title,
            description=description,
            lead=tuple(registry.add(n) for n in lead_names),
            lead_note=parties.lead_note,
            support=tuple(registry.add(n) for n in support_names),
            support_note=parties.support_note,
            deadline=deadline,
            deadline_text=deadline_text,
            extra=extra,
        )

    def area(self, row: Row, cell: str, areas: dict[int, Area]) -> int | None:
        """An area column's cell: ``一、名称`` (numbered as written) or a plain name."""
        m = _HEADING.match(cell)
        if m:
            digits = next(g for g in m.groups()[:3] if g)
            number = chinese_numeral(digits)
            if number is None:
                message = Message(N_("cannot read 所属领域 {text!r}: expected 一、名称"), text=cell)
                self.error(row, message)
                return None
            name = unwrap(_COUNT.sub("", m.group(4)))
            if number in areas and areas[number].name != name:
                message = Message(
                    N_("area {number} is named {name!r} before"),
                    number=number,
                    name=areas[number].name,
                )
                self.error(row, message)
            areas.setdefault(number, Area(number, name))
            return number
        name = unwrap(_COUNT.sub("", cell))
        for area in areas.values():
            if area.name == name:
                return area.number
        number = max(areas, default=0) + 1
        areas[number] = Area(number, name)
        return number

    def check_counts(self, headings: list[_Heading], drafts: list[_Draft]) -> None:
        counts = Counter(d.area for d in drafts)
        for h in headings:
            if h.stated is not None and counts[h.number] != h.stated:
                message = Message(
                    N_("area {name!r} states {stated} tasks (共{stated}项) but lists {count}"),
                    name=h.name,
                    stated=h.stated,
                    count=counts[h.number],
                )
                self.warn(h.row, message, "area-count")

    def number(self, drafts: list[_Draft], has_ids: bool) -> list[Task]:
        """The tasks with their ids: the 序号 where every task has its own; else 1..N."""
        numbers = [d.number for d in drafts]
        first_repeat = _first_repeat(drafts)
        if has_ids and None not in numbers and first_repeat is None:
            before: _Draft | None = None
            for d in drafts:
                assert d.number is not None
                if before is not None and before.number is not None:
                    self.check_step(d, before.number, d.number)
                before = d
            return [_task(d, d.number or 0) for d in drafts]
        if not has_ids:
            message = Message(
                N_("no 序号 column: tasks numbered 1–{count} in order"), count=len(drafts)
            )
            self.warn(None, message, "numbering")
        elif first_repeat is not None:
            again, earlier = first_repeat
            message = Message(
                N_(
                    "序号 {id} repeats that of {where}; tasks numbered 1–{count} in order, "
                    "the printed number kept as 序号"
                ),
                id=again.printed,
                where=_where(earlier.row),
                count=len(drafts),
            )
            self.warn(again.row, message, "numbering")
        else:
            missing = next(d for d in drafts if d.number is None)
            if missing.printed:
                message = Message(
                    N_(
                        "序号 {text!r} is not a number; tasks numbered 1–{count} in order, "
                        "the printed number kept as 序号"
                    ),
                    text=missing.printed[:24],
                    count=len(drafts),
                )
            else:
                message = Message(
                    N_(
                        "a task without 序号; tasks numbered 1–{count} in order, "
                        "the printed number kept as 序号"
                    ),
                    count=len(drafts),
                )
            self.warn(missing.row, message, "numbering")
        tasks = []
        for index, d in enumerate(drafts, start=1):
            printed = (("序号", d.printed),) if d.printed else ()
            tasks.append(_task(dataclasses.replace(d, extra=printed + d.extra), index))
        return tasks

    def check_step(self, d: _Draft, before: int, number: int) -> None:
        if number == before + 1:
            return
        if number > before + 1:
            gap = str(before + 1) if number == before + 2 else f"{before + 1}–{number - 1}"
            msgid = (
                N_("序号 {id} follows {before}; {missing} is missing")
                if number == before + 2
                else N_("序号 {id} follows {before}; {missing} are missing")
            )
            message = Message(msgid, id=number, before=before, missing=gap)
        else:
            message = Message(N_("序号 {id} follows {before}"), id=number, before=before)
        self.warn(d.row, message, "numbering")


def _joined_parties(cells: Parties, inline: Parties) -> Parties:
    """The agencies the cells name, then those the text names besides."""

    def both(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a + b))

    def notes(a: str, b: str) -> str:
        return "；".join(dict.fromkeys(n for n in (a, b) if n))

    lead = both(cells.lead, inline.lead)
    return Parties(
        lead,
        tuple(n for n in both(cells.support, inline.support) if n not in lead),
        notes(cells.lead_note, inline.lead_note),
        notes(cells.support_note, inline.support_note),
    )


def _task(d: _Draft, task_id: int) -> Task:
    return Task(
        id=task_id,
        area=d.area or 1,
        title=d.title,
        description=d.description,
        lead=d.lead,
        support=d.support,
        deadline=d.deadline,
        deadline_text=d.deadline_text,
        lead_note=d.lead_note,
        support_note=d.support_note,
        extra=d.extra,
    )


def _first_repeat(drafts: list[_Draft]) -> tuple[_Draft, _Draft] | None:
    seen: dict[int, _Draft] = {}
    for d in drafts:
        if d.number is None:
            continue
        if d.number in seen:
            return d, seen[d.number]
        seen[d.number] = d
    return None


def _where(row: Row) -> str:
    return row.where or (f"line {row.line}" if row.line else "")


def _quoted(cells: tuple[str, ...]) -> str:
    shown = [c.strip() for c in cells if c.strip()][:8]
    return " ".join(repr(c if len(c) <= 20 else c[:20] + "…") for c in shown)


def _joined(filled: list[str]) -> str:
    """A row's text: its one text where every cell holds the same (merged), else all."""
    return filled[0] if filled and all(c == filled[0] for c in filled) else " ".join(filled)


def _key(cells: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """A row's filled cells without their whitespace: what a repeated header is known by."""
    return tuple(k for k in (_squeeze(c) for c in cells) if k)


def _aside(filled: list[str]) -> bool:
    """Whether a row is no task but what lists put below or between them: a note, one text
    (注：…, 备注：…, 说明：…), or a total (合计, 总计, 小计 first)."""
    if not filled:
        return False
    if _squeeze(filled[0]).rstrip("：:") in _TOTALS:
        return True
    return len(set(filled)) == 1 and _NOTE.match(filled[0]) is not None


def _first_heading(row: Row) -> bool:
    """Whether a row above the header row is the first area's heading, not a principle:
    a heading's words, short, not a sentence."""
    filled = [c.strip() for c in row.cells if c.strip()]
    read = _read_heading(filled)
    return read is not None and len(read[0]) <= 40 and not filled[0].endswith(_SENTENCE_END)


def _read_heading(filled: list[str]) -> tuple[str, int | None] | None:
    """An area heading row: one text (or the same text in every cell, merged) that reads
    ``一、…``, ``（一）…`` or ``第一部分…``; its name and the count it states."""
    if not filled or any(c != filled[0] for c in filled):
        return None
    m = _HEADING.match(filled[0])
    if m is None:
        return None
    count = _COUNT.search(m.group(4))
    name = unwrap(_COUNT.sub("", m.group(4)))
    if not name:
        return None
    return name, int(count.group(1)) if count else None


def _read_number(text: str) -> int | Message | None:
    """A 序号: 12, １２, 一, 一、, （一）, 12. → its number; None for one that is no
    number (1-1, 1.2, 甲); a Message for one too large."""
    plain = unicodedata.normalize("NFKC", text).strip()
    core = re.sub(r"^[(（]\s*(.*?)\s*[)）]$", r"\1", plain).rstrip("、.．。 ")
    if core.isascii() and core.isdigit():
        if len(core) > _MAX_DIGITS:
            return Message(N_("序号 {text!r} is too large"), text=text[:24])
        if int(core) > 0:
            return int(core)
    return chinese_numeral(core)


def read_table(grid: Grid, options: Options | None = None) -> Imported:
    """The task list a grid holds; LoadError with every row that cannot be read."""
    return _Reader(grid, options or Options()).read()
