"""Collecting progress the way offices do: a fill-in form out to each agency, the
returned forms read back into the ledger.

``szbiz sheet --agency NAME -o FILE.xlsx`` writes an agency's 进展情况报送表 (the
form, :func:`make_form`, drawn by ``szbiz.render.export.form``); the agency's
liaison officer fills in 状态, 完成日期, 进展情况 and 依据 and mails it back;
``szbiz collect FILE…`` reads it (:func:`read_return`), plans the events it
brings (:func:`plan`) and records them (:func:`record`).

A form carries what its return is matched with: the task list's identity, the
agency, the day it was made as of (截至), and each row's task id. The list's
identity is the SHA-256 of the list file's bytes, its line breaks read as LF: it
is the same on every machine, whether git checked the list out with CRLF (as on
Windows) or LF, and in every version of szbiz and Python (unlike the cache's
key); any tool can recompute it (``sha256sum data/tasks.yaml`` of an LF copy);
and no form can be made to match another list's by accident or on purpose, as a
short or non-cryptographic hash could. A form made from another list is refused:
its 序号 may mean other tasks.

A returned file is read all or nothing: every answered row is checked, and the
first thing wrong is an error naming ``file · sheet!cell`` and what would be
valid; then nothing of that file is recorded. Blank rows are skipped. An answer
the ledger already holds plans nothing, so collecting a file twice records it
once, and a later return of the same agency records only what changed.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import posixpath
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from szbiz import dates
from szbiz.errors import SzbizError, said
from szbiz.i18n import _
from szbiz.model import Event, History, Role, Status, Task, TaskList

FORM_VERSION = 1
MARK = "szbiz-form"
FORM_SHEET = "进展情况"
GUIDE_SHEET = "填报说明"
META_SHEET = "szbiz"  # hidden: what the return is matched with
HEADERS = ("序号", "措施", "角色", "完成时限", "当前状态", "状态", "完成日期", "进展情况", "依据")
FACTS = HEADERS[:5]  # locked on the form
ANSWERS = HEADERS[5:]  # open on the form
HEADER_ROW = 4  # the form's rows: 1 title, 2 how to fill it in, 3 its identity, 4 headers
FIRST_ROW = HEADER_ROW + 1
COLUMN = {header: index for index, header in enumerate(HEADERS)}

# The drop-down's choices, in the order of the work, and what each records.
CHOICES = {
    "未开始": Status.TODO,
    "进行中": Status.DOING,
    "已完成": Status.DONE,
    "受阻": Status.BLOCKED,
    "已取消": Status.DROPPED,
}
LABELS = {status: label for label, status in CHOICES.items()}
ROLE_LABELS = {Role.LEAD: "牵头", Role.SUPPORT: "配合"}
# Statuses as people type them, compared without spaces and case.
SPELLINGS = {
    **{label: status for label, status in CHOICES.items()},
    **dict.fromkeys(("完成", "办结", "已办结", "done"), Status.DONE),
    **dict.fromkeys(("推进中", "正在推进", "在推进", "start", "doing"), Status.DOING),
    **dict.fromkeys(("阻塞", "blocked"), Status.BLOCKED),
    **dict.fromkeys(("取消", "不再实施", "dropped"), Status.DROPPED),
    "todo": Status.TODO,
}

MAX_FILE = 8 * 1024 * 1024  # a form of every task of the list is some 50 KB
MAX_UNPACKED = 64 * 1024 * 1024  # what a workbook may hold unzipped: no zip bomb
MAX_MEMBERS = 200  # files inside a workbook
MAX_TEXT = 2000  # characters of a 进展情况 or 依据
MAX_NUMBER = 40  # characters of a number cell's text: Excel writes at most some 24
MAX_WHOLE = 10**15  # a whole number in a text column is read as its digits up to here
SLACK_ROWS = 200  # rows read past the form's own, to find one added
MAX_ROWS = 20_000  # rows of a form: far beyond any agency's tasks, and bounded
IDENTITY = re.compile(
    rf"{MARK} (\d+) · 清单 sha256:([0-9a-f]{{64}}) · 单位 (.+?) · 截至 (\d{{4}}-\d{{2}}-\d{{2}})"
)


def list_identity(path: Path) -> str:
    """The task list's identity: the SHA-256 of its file's bytes with CRLF read as LF,
    64 hex digits."""
    from szbiz.files import Refused, read_regular
    from szbiz.settings import MAX_BYTES

    try:
        data = read_regular(path, MAX_BYTES, _("a YAML file"))
        return hashlib.sha256(data.replace(b"\r\n", b"\n")).hexdigest()
    except (OSError, Refused) as exc:
        raise SzbizError(
            _("cannot read the task list {path}: {why}").format(path=path, why=exc)
        ) from None


# --- the form -----------------------------------------------------------------------


@dataclass(frozen=True)
class FormRow:
    task: Task
    role: Role
    deadline: dt.date | None  # in force on the form's day; None for an ongoing task
    status: Status  # the agency's part (a single lead's is the task's own)


@dataclass(frozen=True)
class Form:
    """One agency's form: its tasks as lead and as support, soonest deadline first, ongoing
    tasks (no deadline) last."""

    title: str  # the list's
    agency: str
    as_of: dt.date
    list_sha256: str
    rows: tuple[FormRow, ...]

    @property
    def identity(self) -> str:
        return (
            f"{MARK} {FORM_VERSION} · 清单 sha256:{self.list_sha256} · 单位 {self.agency} · "
            f"截至 {self.as_of.isoformat()}"
        )


def make_form(
    tasks: TaskList, history: History, as_of: dt.date, agency: str, list_sha256: str
) -> Form:
    """The form for ``agency`` (a canonical name) as of ``as_of``."""
    from szbiz.query import agency_tasks, deadline_order

    lead, support = agency_tasks(tasks, history, as_of, agency)
    rows = []
    for view in sorted([*lead, *support], key=deadline_order):
        part = next(p for p in view.parts if p.agency == agency)
        rows.append(FormRow(view.task, part.role, view.deadline, part.status))
    return Form(tasks.document.title, agency, as_of, list_sha256, tuple(rows))


def check_form_day(as_of: dt.date) -> None:
    """A form is made as of a day its answers can be dated on or before: refuse one that
    no return could be collected from (UsageError)."""
    from szbiz.errors import UsageError

    if not dates.FIRST_EVENT <= as_of <= dates.LAST:
        raise UsageError(
            f"--as-of {as_of.isoformat()}: a form is made as of a day from "
            f"{dates.FIRST_EVENT.isoformat()} to {dates.LAST.isoformat()}, "
            "the days collect records"
        )


def agencies_with_tasks(tasks: TaskList) -> tuple[str, ...]:
    """Every agency that leads or supports a task, in the list's order."""
    named = {name for task in tasks.tasks for name in task.agencies()}
    return tuple(a.name for a in tasks.agencies if a.name in named)


def file_name(agency: str) -> str:
    """A file name for an agency's form: its name, with what no file system takes replaced."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]', "_", agency).strip(" .") or "_"


# --- reading a return ---------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One answered row of a returned form."""

    task: int
    status: Status | None
    on: dt.date | None
    note: str
    ref: str
    where: str  # ``f.xlsx · 进展情况!F5``: the row's 状态 cell


@dataclass(frozen=True)
class Returned:
    path: Path
    agency: str
    as_of: dt.date  # the form's 截至 day
    answers: tuple[Answer, ...]


class FormError(SzbizError):
    """A returned file that cannot be collected: nothing of it is recorded."""


def _letter(column: int) -> str:
    name = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        name = chr(65 + rest) + name
    return name


class _Sheet:
    """The cells of a returned form as rows of values, and how to name a cell."""

    def __init__(self, path: Path, sheet: str | None, rows: list[list[Any]]) -> None:
        self.path, self.sheet, self.rows = path, sheet, rows

    def where(self, row: int, column: int) -> str:
        cell = f"{_letter(column)}{row}"
        return f"{self.path} · {self.sheet}!{cell}" if self.sheet else f"{self.path} · {cell}"

    def value(self, row: int, column: int) -> Any:
        values = self.rows[row - 1] if 0 < row <= len(self.rows) else []
        return values[column] if column < len(values) else None

    def fail(self, row: int, column: int, message: str) -> FormError:
        return FormError(f"{self.where(row, column)}: {message}")


def read_return(path: Path, tasks: TaskList, list_sha256: str) -> Returned:
    """The answers of a returned form (.xlsx, or its sheet saved as .csv), checked against
    the list in use; FormError naming the file and cell of the first thing wrong."""
    from szbiz.files import Refused, read_regular

    expected = _("a returned form (.xlsx, or .csv)")
    try:
        data = read_regular(path, MAX_FILE, expected)
    except FileNotFoundError:
        raise FormError(_("{path}: no such file").format(path=path)) from None
    except Refused as exc:
        raise FormError(f"{path}: {exc.reason}") from None
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        sheet, ids = _workbook(path, data)
    elif suffix == ".csv":
        sheet, ids = _csv(path, data), None
    else:
        raise FormError(
            _("{path}: expected {expected}; save the form from Excel as .xlsx (or as CSV)").format(
                path=path, expected=expected
            )
        )
    return _answers(sheet, ids, tasks, list_sha256)


def _workbook(path: Path, data: bytes) -> tuple[_Sheet, dict[int, int]]:
    """The form's sheet and its rows' task ids from the hidden sheet. A file that is no
    workbook, would unpack to more than MAX_UNPACKED or into more than MAX_MEMBERS files,
    declares a DOCTYPE (entities: no workbook has them) or holds a cell no spreadsheet
    writes is refused before openpyxl reads it; whatever openpyxl still trips on is this
    file's error too."""
    from szbiz import ooxml
    from szbiz.ooxml import Why

    not_book = f"{path}: is not an xlsx workbook"
    try:
        parts = ooxml.parts(data, max_members=MAX_MEMBERS, max_unpacked=MAX_UNPACKED)
    except ooxml.Refused as refused:
        if refused.why is Why.NOT_ZIP:
            if _looks_like_text(data):
                text = _(
                    "{path}: is not an xlsx workbook (not a zip file); it looks like CSV: "
                    "name it .csv; return the form as sent"
                )
            else:
                text = _(
                    "{path}: is not an xlsx workbook (not a zip file); return the form as sent"
                )
            raise FormError(text.format(path=path)) from None
        if refused.why is Why.MEMBERS:
            raise FormError(
                f"{not_book} szbiz reads: it holds {refused.figure:,} files; "
                f"a form holds a dozen, and at most {MAX_MEMBERS} are read"
            ) from None
        if refused.why is Why.UNPACKED:
            raise FormError(
                f"{not_book} szbiz reads: it would unpack to {refused.figure:,} bytes; "
                f"a form unpacks to well under {MAX_UNPACKED // 2**20} MiB"
            ) from None
        if refused.why is Why.DAMAGED:
            raise FormError(f"{not_book} (a damaged zip file: {refused.detail})") from None
        raise FormError(
            f"{path}: not a workbook szbiz wrote ({dates.shown(refused.detail)} declares a "
            "DOCTYPE or entities, which no workbook holds); return the form as sent"
        ) from None
    try:
        from openpyxl import load_workbook
    except ModuleNotFoundError:
        raise SzbizError('reading xlsx needs openpyxl: pip install "szbiz[xlsx]"') from None
    with warnings.catch_warnings():
        # openpyxl warns on stderr of what it drops (a date serial out of range becomes
        # the error value #VALUE!, refused as such): the one line says what is wrong.
        warnings.simplefilter("ignore")
        try:
            book = load_workbook(
                io.BytesIO(data), read_only=True, data_only=False, keep_links=False
            )
        except Exception as exc:  # openpyxl raises what the zip's content makes it raise
            raise FormError(f"{not_book} ({said(exc)})") from None
        try:
            if META_SHEET not in book.sheetnames or FORM_SHEET not in book.sheetnames:
                raise FormError(
                    f"{path}: not a form made by szbiz sheet -o (it lacks the sheets "
                    f"{FORM_SHEET} and {META_SHEET}); fill in the form as sent"
                )
            located = _sheet_members(parts)
            for name in (META_SHEET, FORM_SHEET):
                _check_cells(path, name, parts, located.get(name))
            meta = _Sheet(path, META_SHEET, _rows(book[META_SHEET], 7 + MAX_ROWS, 2))
            ids = _row_ids(meta)
            last = max(ids, default=FIRST_ROW) + SLACK_ROWS
            sheet = _Sheet(path, FORM_SHEET, _rows(book[FORM_SHEET], last, len(HEADERS) + 2))
        except FormError:
            raise
        except Exception as exc:
            raise FormError(f"{not_book} szbiz reads ({said(exc)})") from None
        finally:
            book.close()
    # The identity the hidden sheet holds is the one checked: put where the form's shows it.
    identity = str(meta.value(2, 1) or "")
    while len(sheet.rows) < 3:
        sheet.rows.append([])
    sheet.rows[2] = [identity]
    return sheet, ids


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")  # how Excel writes a character XML cannot hold
_REF = re.compile(r"[A-Z]{1,3}[1-9]\d{0,6}")


def _looks_like_text(data: bytes) -> bool:
    return b"\x00" not in data[:4096]


def _sheet_members(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name → the zip member holding it, as the workbook's relations say (empty when
    they cannot be followed: openpyxl then says what is wrong)."""
    from xml.etree import ElementTree

    def target(base: str, ref: str) -> str:
        return (
            ref.lstrip("/")
            if ref.startswith("/")
            else posixpath.normpath(posixpath.join(posixpath.dirname(base), ref))
        )

    def relations(part: str) -> dict[str, str]:
        home, name = posixpath.split(part)
        tree = ElementTree.fromstring(parts[posixpath.join(home, "_rels", f"{name}.rels")])
        return {
            str(r.get("Id")): target(part, str(r.get("Target")))
            for r in tree
            if r.get("Target") is not None
        }

    try:
        root = ElementTree.fromstring(parts["_rels/.rels"])
        main = next(
            r.get("Target", "") for r in root if str(r.get("Type", "")).endswith("/officeDocument")
        )
        book = target("", main)
        rels = relations(book)
        found = {}
        for sheet in ElementTree.fromstring(parts[book]).iter():
            if sheet.tag.endswith("}sheet"):
                rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), "")
                if rid in rels:
                    found[str(sheet.get("name"))] = rels[rid]
        return found
    except (KeyError, StopIteration, ElementTree.ParseError):
        return {}


def _check_cells(path: Path, sheet: str, parts: dict[str, bytes], member: str | None) -> None:
    """Refuse, naming it, the first cell of the sheet that no spreadsheet writes and openpyxl
    would stumble on or misread: a number too long or not finite, a shared string that is
    not there, a date that is none, a truth value that is neither."""
    from xml.etree import ElementTree

    if member is None or member not in parts:
        return
    try:
        _check_each_cell(path, sheet, parts, ElementTree.iterparse(io.BytesIO(parts[member])))
    except ElementTree.ParseError as exc:
        raise FormError(
            f"{path} · {sheet}: not a workbook szbiz wrote (its XML is malformed: {exc}); "
            "return the form as sent"
        ) from None


def _check_each_cell(path: Path, sheet: str, parts: dict[str, bytes], events: Any) -> None:
    strings: int | None = None
    for _event, element in events:
        if not element.tag.endswith("}c"):
            continue
        kind, ref = element.get("t", "n"), element.get("r")
        value = next((e.text or "" for e in element if e.tag.endswith("}v")), None)
        problem = None
        if ref is not None and not _REF.fullmatch(ref):
            problem = f"the cell reference {dates.shown(ref)!r} names no cell"
            ref = None
        elif value is None or any(e.tag.endswith("}f") for e in element):
            pass
        elif kind == "n":
            number = value.strip()
            if len(number) > MAX_NUMBER:
                problem = f"a number of {len(number):,} characters; expected at most {MAX_NUMBER}"
            elif not _NUMBER.fullmatch(number) or not math.isfinite(float(number)):
                problem = f"{dates.shown(number)!r} is not a number"
        elif kind == "s":
            if strings is None:
                strings = _shared_strings(parts)
            index = value.strip()
            if not (index.isascii() and index.isdigit() and int(index[:9]) < strings):
                problem = (
                    f"the shared string {dates.shown(index)!r} is not in the workbook "
                    f"(it holds {strings})"
                )
        elif kind == "d":
            try:
                dt.datetime.fromisoformat(value.strip())
            except ValueError:
                problem = f"{dates.shown(value.strip())!r} is not a date"
        elif kind == "b" and value.strip() not in ("0", "1"):
            problem = f"{dates.shown(value.strip())!r} is not a truth value (0 or 1)"
        if problem:
            where = f"{path} · {sheet}!{ref}" if ref else f"{path} · {sheet}"
            raise FormError(f"{where}: {problem}; return the form as sent")
        element.clear()


def _shared_strings(parts: dict[str, bytes]) -> int:
    from xml.etree import ElementTree

    found = [name for name in parts if name.lower().endswith("sharedstrings.xml")]
    if not found:
        return 0
    return sum(1 for e in ElementTree.fromstring(parts[found[0]]) if e.tag.endswith("}si"))


def _rows(worksheet: Any, max_row: int, max_col: int) -> list[list[Any]]:
    """Each row's values up to ``max_col``; a formula cell's value is its formula's text, an
    error cell's its error, a text's Excel escapes (``_x001B_``) are read as what they say."""
    rows: list[list[Any]] = []
    for cells in worksheet.iter_rows(min_row=1, max_row=max_row, max_col=max_col):
        values: list[Any] = []
        for cell in cells:
            value = getattr(cell, "value", None)
            kind = getattr(cell, "data_type", "")
            if kind == "f" or type(value).__name__ in ("ArrayFormula", "DataTableFormula"):
                value = _Formula(str(getattr(value, "text", None) or value))
            elif kind == "e":
                value = _Error(str(value))
            elif isinstance(value, str):
                value = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)
            elif value is not None and not isinstance(value, int | float | dt.datetime):
                value = str(value)  # a time: read as its text
            values.append(value)
        rows.append(values)
    return rows


class _Formula(str):
    """A cell's formula, refused wherever it stands."""


class _Error(str):
    """A cell's error value (#VALUE!, #N/A), refused wherever it stands."""


def _row_ids(meta: _Sheet) -> dict[int, int]:
    """The hidden sheet's rows: 1 version, 2 identity, then from 8 on a row and its task."""
    ids: dict[int, int] = {}
    for row in range(8, len(meta.rows) + 1):
        at, task = meta.value(row, 0), meta.value(row, 1)
        if at is None and task is None:
            continue
        # A row number far off would have openpyxl walk that many empty rows.
        if not (isinstance(at, int) and isinstance(task, int)) or not (
            FIRST_ROW <= at < FIRST_ROW + MAX_ROWS
        ):
            raise meta.fail(
                row, 0, _("the form's hidden data was changed; fill in the form as sent")
            )
        ids[at] = task
    return ids


def _csv(path: Path, data: bytes) -> _Sheet:
    """A form's sheet saved as CSV: UTF-8 with or without a byte order mark, or GBK
    (GB18030) as Excel saves it on Chinese Windows."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FormError(
            _("{path}: is neither UTF-8 nor GBK text; save the form as CSV from Excel").format(
                path=path
            )
        )
    if "\x00" in text:
        raise FormError(_("{path}: holds NUL characters; expected CSV text").format(path=path))
    try:
        rows: list[list[Any]] = [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise FormError(
            _("{path}: cannot be read as CSV ({why})").format(path=path, why=exc)
        ) from None
    return _Sheet(path, None, rows)


def _text(sheet: _Sheet, row: int, column: int) -> str:
    """A cell as text, its spacing and line breaks made one space; a formula or an error
    value refused, and in 进展情况 and 依据 anything but text or a whole number."""
    value = sheet.value(row, column)
    if isinstance(value, _Formula):
        raise sheet.fail(
            row,
            column,
            _("a formula ({formula}); type the answer as text or a date").format(
                formula=dates.shown(value)
            ),
        )
    if isinstance(value, _Error):
        said = f"an error value ({dates.shown(value)})"
        if column == COLUMN["完成日期"]:  # openpyxl's for a date serial out of range too
            said = f"完成日期 is {said}, or a date serial out of range"
        raise sheet.fail(row, column, f"{said}; type the answer as text or a date")
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < MAX_WHOLE:
        value = int(value)
    if isinstance(value, dt.datetime) and value == dt.datetime(value.year, value.month, value.day):
        value = value.date()
    if column in _TEXT_COLUMNS and not (
        isinstance(value, str | dt.date)
        or (isinstance(value, int) and not isinstance(value, bool) and abs(value) < MAX_WHOLE)
    ):
        found = "the truth value" if isinstance(value, bool) else "the number"
        raise sheet.fail(
            row,
            column,
            f"expected text, found {found} {dates.shown(str(value))}; "
            f"type {HEADERS[column]} as text",
        )
    text = " ".join(str(value).split())
    return "".join(c if c.isprintable() else " " for c in text).strip()


_TEXT_COLUMNS = (COLUMN["进展情况"], COLUMN["依据"])


def _answers(
    sheet: _Sheet, ids: dict[int, int] | None, tasks: TaskList, list_sha256: str
) -> Returned:
    path = sheet.path
    found = _identity(sheet)
    if found is None:
        raise FormError(
            _(
                "{path}: not a form made by szbiz sheet -o (no line '{mark} …' naming its list "
                "and agency); fill in the form as sent"
            ).format(path=path, mark=MARK)
        )
    row_of_identity, version, sha, agency, day = found
    if version != FORM_VERSION:
        raise sheet.fail(
            row_of_identity,
            0,
            _("a form of version {version}; this szbiz reads {ours}").format(
                version=version, ours=FORM_VERSION
            ),
        )
    if sha != list_sha256:
        raise sheet.fail(
            row_of_identity,
            0,
            _(
                "a form made from another task list (sha256 {sha}…; the list in use is "
                "{ours}…); send {agency} a new form with szbiz sheet -o"
            ).format(sha=sha[:12], ours=list_sha256[:12], agency=dates.shown(agency)),
        )
    if tasks.agency(agency) is None:
        raise sheet.fail(
            row_of_identity,
            0,
            _("{agency} is no agency of the list in use").format(agency=dates.shown(agency)),
        )
    try:
        as_of = dt.date.fromisoformat(day)
    except ValueError:
        raise sheet.fail(
            row_of_identity, 0, _("the form's day {day} is not a date").format(day=day)
        ) from None
    if not dates.FIRST_EVENT <= as_of <= dates.LAST:
        raise sheet.fail(
            row_of_identity,
            0,
            f"the form is as of {day}, outside {dates.FIRST_EVENT.isoformat()} to "
            f"{dates.LAST.isoformat()}; send {agency} a new form with szbiz sheet -o",
        )

    header = row_of_identity + 1 if ids is None else HEADER_ROW
    for column, name in enumerate(HEADERS):
        got = _text(sheet, header, column)
        if got != name:
            raise sheet.fail(
                header,
                column,
                _("expected the header {name}, found {got!r}; keep the columns as sent").format(
                    name=name, got=dates.shown(got)
                ),
            )
    last = len(sheet.rows) if ids is None else max(ids, default=header)
    mine = {t.id for t in tasks.tasks if agency in t.agencies()}
    seen: dict[int, int] = {}
    answers = []
    for row in range(header + 1, len(sheet.rows) + 1):
        cells = [_text(sheet, row, c) for c in range(len(HEADERS))]
        if row > last or (ids is not None and row not in ids):
            if any(cells):
                raise sheet.fail(row, 0, _("a row the form did not send; add no rows"))
            continue
        if not any(cells):
            continue
        task_id = _task_id(sheet, row, cells[0], ids, tasks, agency, mine)
        if task_id in seen:
            raise sheet.fail(
                row,
                0,
                _("task {id} again (first in row {row}); one row per task").format(
                    id=task_id, row=seen[task_id]
                ),
            )
        seen[task_id] = row
        answer = _answer(sheet, row, task_id, cells, as_of)
        if answer is not None:
            answers.append(answer)
    return Returned(path, agency, as_of, tuple(answers))


def _identity(sheet: _Sheet) -> tuple[int, int, str, str, str] | None:
    for row in range(1, min(len(sheet.rows), 10) + 1):
        for value in sheet.rows[row - 1][:3]:
            match = IDENTITY.search(str(value or ""))
            if match:
                version, sha, agency, day = match.groups()
                return row, int(version), sha, agency, day
    return None


def _task_id(
    sheet: _Sheet,
    row: int,
    text: str,
    ids: dict[int, int] | None,
    tasks: TaskList,
    agency: str,
    mine: set[int],
) -> int:
    # ASCII digits only: str.isdigit() takes ², which int() does not.
    digits = text.isascii() and text.isdigit() and len(text) <= 18
    task_id = int(text) if digits else None
    if ids is not None and task_id != ids[row]:
        raise sheet.fail(
            row,
            0,
            _(
                "序号 {text} was changed; this row was sent as task {id} "
                "(序号 is locked: fill in only 状态, 完成日期, 进展情况 and 依据)"
            ).format(text=dates.shown(text) or _("(blank)"), id=ids[row]),
        )
    if task_id is None or tasks.task(task_id) is None:
        raise sheet.fail(
            row, 0, _("序号 {text!r} is no task of the list in use").format(text=dates.shown(text))
        )
    if task_id not in mine:
        task = tasks.task(task_id)
        assert task is not None
        names = "、".join(task.agencies()) or _("none")
        raise sheet.fail(
            row,
            0,
            _("task {id} is not a task of {agency}; its agencies are {names}").format(
                id=task_id, agency=agency, names=names
            ),
        )
    return task_id


def _answer(
    sheet: _Sheet, row: int, task_id: int, cells: list[str], as_of: dt.date
) -> Answer | None:
    status_col, date_col = COLUMN["状态"], COLUMN["完成日期"]
    note_col, ref_col = COLUMN["进展情况"], COLUMN["依据"]
    said, note, ref = cells[status_col], cells[note_col], cells[ref_col]
    status = None
    if said:
        status = SPELLINGS.get("".join(said.split()).lower())
        if status is None:
            choices = "、".join(CHOICES)
            raise sheet.fail(
                row,
                status_col,
                _("状态 {text!r} is not a status; choose one of {choices}").format(
                    text=dates.shown(said), choices=choices
                ),
            )
    on = _day(sheet, row, date_col, as_of)
    for column, text in ((note_col, note), (ref_col, ref)):
        if len(text) > MAX_TEXT:
            raise sheet.fail(
                row,
                column,
                _("{count} characters; at most {most}").format(count=len(text), most=MAX_TEXT),
            )
    if status is None and not note:
        if on is not None:
            raise sheet.fail(row, status_col, _("完成日期 is given but no 状态; choose a 状态 too"))
        if ref:
            raise sheet.fail(
                row, status_col, _("依据 is given but no 状态 or 进展情况; fill one in")
            )
        return None
    if status in (Status.BLOCKED, Status.DROPPED) and not note:
        raise sheet.fail(
            row, note_col, _("{status} needs 进展情况 saying why").format(status=LABELS[status])
        )
    return Answer(task_id, status, on, note, ref, sheet.where(row, status_col))


def _day(sheet: _Sheet, row: int, column: int, as_of: dt.date) -> dt.date | None:
    value = sheet.value(row, column)
    if isinstance(value, _Formula | _Error):
        _text(sheet, row, column)  # raises
    valid = _("a day from {first} to the form's day {day}").format(
        first=dates.FIRST_EVENT.isoformat(), day=as_of.isoformat()
    )
    if isinstance(value, dt.datetime):
        day = value.date()
    elif value is None or (isinstance(value, str) and not value.strip()):
        return None
    elif isinstance(value, str) and not re.match(r"^\s*[+-]", value):
        try:
            day = dates.parse_date(value, as_of)
        except dates.DateError:
            raise sheet.fail(
                row,
                column,
                _(
                    "完成日期 {text!r} is not a date; write 2020-06-30, 2020/6/30 or 2020年6月30日"
                ).format(text=dates.shown(value.strip())),
            ) from None
    else:
        raise sheet.fail(
            row,
            column,
            _("完成日期 {text!r} is not a date; write 2020-06-30").format(
                text=dates.shown(str(value))
            ),
        )
    if day > as_of:
        raise sheet.fail(
            row,
            column,
            _("完成日期 {day} is after the form's day; expected {valid}").format(
                day=day.isoformat(), valid=valid
            ),
        )
    if day < dates.FIRST_EVENT:
        raise sheet.fail(
            row,
            column,
            _("完成日期 {day} is too early; expected {valid}").format(
                day=day.isoformat(), valid=valid
            ),
        )
    return day


# --- planning and recording ---------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """What one answer records: the event, and the agency's part before and after it."""

    answer: Answer
    before: Status
    after: Status
    event: Event


def _part(history: History, task: Task, day: dt.date, agency: str) -> tuple[Status, Event | None]:
    """The agency's part of the task on ``day`` and the standing status event that set it
    (a single lead's part is the task's own: its events without an agency count too)."""
    lead = task.lead[0] if len(task.lead) == 1 else None
    own = agency == lead
    last = None
    for event in history.standing(task.id, day):
        if event.status is not None and (
            (not event.agency or event.agency == lead) if own else event.agency == agency
        ):
            last = event
    return (last.status if last is not None and last.status else Status.TODO), last


def plan(
    returned: Returned,
    tasks: TaskList,
    history: History,
    by: str,
    today: dt.date,
    at: dt.datetime | None = None,
) -> tuple[Step, ...]:
    """The events the answers bring that ``history`` does not hold yet, one per answer at
    most: a status (the agency's part; with the note and evidence given), else a progress
    note. A blank 完成日期 is the form's day, or ``today`` if that is earlier."""
    at = at or dates.now()
    agency = returned.agency
    if returned.as_of > today:
        raise FormError(
            f"{returned.path}: the form is as of {returned.as_of.isoformat()}, after the day "
            f"collected as of, {today.isoformat()}"
        )
    steps = []
    for answer in returned.answers:
        task = tasks.task(answer.task)
        assert task is not None
        day = answer.on or min(returned.as_of, today)
        if day > today:
            raise FormError(
                _("{where}: 完成日期 {day} is after today ({today})").format(
                    where=answer.where, day=day.isoformat(), today=today.isoformat()
                )
            )
        # Judged as of the form's day: a retraction recorded after the answer's day counts.
        before, last = _part(history, task, today, agency)
        if answer.status is not None:
            news = last is not None and (
                (answer.note and answer.note != last.note)
                or (answer.ref and answer.ref != last.ref)
            )
            if before is answer.status and not news:
                continue
            event = Event(task.id, answer.status, day, by, at, answer.note, answer.ref, agency)
            steps.append(Step(answer, before, answer.status, event))
        else:
            held = any(
                e.kind.value == "note"
                and e.agency == agency
                and e.note == answer.note
                and e.ref == answer.ref
                for e in history.standing(task.id)
            )
            if held:
                continue
            event = Event(task.id, None, day, by, at, answer.note, answer.ref, agency)
            steps.append(Step(answer, before, before, event))
    return tuple(steps)


def record(
    ledger: Path,
    returned: Returned,
    tasks: TaskList,
    by: str,
    today: dt.date,
    timeout: float = 10.0,
) -> tuple[Step, ...]:
    """Record what ``returned`` brings, planned again from the ledger as read under its
    lock (another szbiz may have recorded some of it meanwhile): all of it or none."""
    from szbiz.ledger import append_planned

    made: list[Step] = []

    def steps(history: History) -> Sequence[Event]:
        made[:] = plan(returned, tasks, history, by, today)
        return [s.event for s in made]

    append_planned(ledger, steps, timeout, tasks)
    return tuple(made)
