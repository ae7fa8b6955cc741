"""Which reader a source file needs, and reading it into a Grid.

A task list comes as the tab-separated text of a PDF, a CSV or Excel file, a
Word document or a PDF. The format is the file's extension, or what ``--from``
names; each reader lives in a module of its own (``read_text``, ``read_csv``,
``read_xlsx``, ``read_docx``, ``read_pdf``) and imports its library, if it
needs one, only when it is called.

Every reader takes the bytes read here, once, through :mod:`szbiz.files`
(which refuses a FIFO, a device or a directory and reads at most a cap), and
parses them from memory: what it says is wrong names the file, and the line or
cell where it knows one.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import TYPE_CHECKING

from szbiz.errors import LoadError, Message, Problem, SzbizError, UsageError
from szbiz.i18n import N_, _
from szbiz.importer.grid import Grid, Row

if TYPE_CHECKING:
    from szbiz import ooxml

FORMATS: tuple[str, ...] = ("text", "csv", "xlsx", "docx", "pdf")

MIB = 1024 * 1024

# The extensions each format is known by.
EXTENSIONS: dict[str, str] = {
    ".txt": "text",
    ".tsv": "text",
    ".tab": "text",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".docx": "docx",
    ".pdf": "pdf",
}

# Older formats of the same programs, which no reader here reads: what to save them as.
LEGACY: dict[str, str] = {
    ".doc": ".docx",
    ".wps": ".docx",
    ".rtf": ".docx",
    ".odt": ".docx",
    ".xls": ".xlsx",
    ".et": ".xlsx",
    ".ods": ".xlsx",
}

# The most each format's file may hold: a task list is a few hundred kilobytes of
# text, or a few megabytes as a document with its fonts and pictures.
CAPS: dict[str, int] = {
    "text": 32 * MIB,
    "csv": 32 * MIB,
    "xlsx": 64 * MIB,
    "docx": 64 * MIB,
    "pdf": 128 * MIB,
}

# What a source may hold once read: far more than any task list has.
MAX_ROWS = 200_000
MAX_CELLS = 2_000_000  # cells in all rows together

# What each format is, said where a file is not one.
EXPECTED: dict[str, str] = {
    "text": N_("tab-separated text"),
    "csv": N_("a CSV file"),
    "xlsx": N_("an Excel workbook (.xlsx)"),
    "docx": N_("a Word document (.docx)"),
    "pdf": N_("a PDF document"),
}


def format_of(path: Path, given: str | None) -> str:
    """The format to read ``path`` as: ``given`` (``--from``) if any, else by its extension.

    Raises UsageError naming the formats there are when neither says one."""
    valid = ", ".join(FORMATS)
    if given is not None:
        name = given.strip().lower()
        if name in FORMATS:
            return name
        raise UsageError(
            _("unknown format {given!r} for --from; expected one of {formats}").format(
                given=given, formats=valid
            )
        )
    suffix = path.suffix.lower()
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    if suffix in LEGACY:
        raise UsageError(
            _(
                "{path}: szbiz cannot read {suffix} files; save it as {better} and import that"
            ).format(path=path, suffix=suffix, better=LEGACY[suffix])
        )
    extensions = " ".join(EXTENSIONS)
    if suffix:
        message = _(
            "{path}: cannot tell the format from the extension {suffix}; "
            "expected one of {extensions}, or name it with --from ({formats})"
        )
    else:
        message = _(
            "{path}: cannot tell the format without an extension; "
            "expected one of {extensions}, or name it with --from ({formats})"
        )
    raise UsageError(message.format(path=path, suffix=suffix, extensions=extensions, formats=valid))


def read_grid(path: Path, fmt: str, *, sheet: str | None = None) -> Grid:
    """The rows of the source at ``path``, read as ``fmt`` (one of FORMATS).

    Raises UsageError (exit 2) for a file that is not there, or is no regular
    file, an unknown format, or a sheet the workbook does not have; LoadError
    (exit 1) for a file that cannot be read as its format, naming where; and
    SzbizError (exit 1) when the library a format needs is not installed."""
    if fmt not in FORMATS:
        format_of(path, fmt)  # raises, naming the formats there are
    if sheet is not None and fmt != "xlsx":
        raise UsageError(
            _("--sheet names a sheet of an Excel workbook; {path} is read as {format}").format(
                path=path, format=fmt
            )
        )
    data = read_bytes(path, fmt)
    if fmt == "text":
        from szbiz.importer.read_text import read_text

        return read_text(path, data)
    if fmt == "csv":
        from szbiz.importer.read_csv import read_csv

        return read_csv(path, data)
    if fmt == "xlsx":
        from szbiz.importer.read_xlsx import read_xlsx

        return read_xlsx(path, data, sheet)
    if fmt == "docx":
        from szbiz.importer.read_docx import read_docx

        return read_docx(path, data)
    from szbiz.importer.read_pdf import read_pdf

    return read_pdf(path, data)


def read_bytes(path: Path, fmt: str) -> bytes:
    """The bytes of the source, at most its format's cap."""
    from szbiz.files import Refused, not_regular, read_regular, what_is

    expected = _(EXPECTED[fmt])
    odd = what_is(path)
    if odd is not None:  # a directory, a FIFO, a device: the wrong name was given
        raise UsageError(f"{path}: {not_regular(odd, expected)}")
    try:
        return read_regular(path, CAPS[fmt], expected)
    except FileNotFoundError:
        raise UsageError(_("{path}: no such file").format(path=path)) from None
    except Refused as exc:
        raise fail(path, exc.reason, rule="io") from None


def fail(path: Path, message: str, line: int = 0, rule: str = "format") -> LoadError:
    """The error for a source that cannot be read: ``FILE: message``, or ``FILE:LINE:1: …``."""
    return LoadError([Problem(str(path), line, 1 if line > 0 else 0, message, rule)])


def needs(package: str, suffix: str) -> SzbizError:
    """The error for a format whose library is not installed."""
    return SzbizError(
        _("reading {suffix} needs {package}: pip install 'szbiz[import]'").format(
            suffix=suffix, package=package
        )
    )


def decode(path: Path, data: bytes) -> str:
    """The text of a source saved by a text editor or by Excel: UTF-8 (with or without a
    byte-order mark), UTF-16 with its mark (Excel's "Unicode text"), else GBK (Notepad's and
    Excel's habit on Chinese Windows)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise fail(
                path,
                Message(
                    N_("not UTF-16 as its mark says (byte {byte}); save it as UTF-8"),
                    byte=exc.start,
                ),
                rule="encoding",
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            return data.decode("gbk")
        except UnicodeDecodeError:
            raise fail(
                path,
                Message(N_("not UTF-8 (byte {byte}), nor GBK; save it as UTF-8"), byte=exc.start),
                rule="encoding",
            ) from None


class Rows:
    """Rows gathered by a reader, refused past MAX_ROWS rows or MAX_CELLS cells."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows: list[Row] = []
        self.cells = 0

    def add(self, cells: tuple[str, ...], where: str, line: int = 0) -> None:
        if not any(c.strip() for c in cells):
            return  # an empty line, or a row of empty cells: nothing to read
        self.cells += len(cells)
        if len(self.rows) >= MAX_ROWS or self.cells > MAX_CELLS:
            raise fail(
                self.path,
                Message(
                    N_(
                        "holds more than {rows} rows or {cells} cells (at {where}); "
                        "a task list has hundreds"
                    ),
                    rows=f"{MAX_ROWS:,}",
                    cells=f"{MAX_CELLS:,}",
                    where=where,
                ),
                line,
            )
        self.rows.append(Row(cells, where, line))

    def grid(self) -> Grid:
        return Grid(self.path.name, tuple(self.rows))


# A workbook or a Word document is a zip of XML parts: what one may hold before it is
# opened, so that a zip bomb or an XML entity bomb is refused rather than unpacked.
MAX_MEMBERS = 5_000
MAX_UNPACKED = 256 * MIB  # pictures and fonts included
MAX_XML = 64 * MIB  # the parts a reader parses: a task list's are a few MiB


def not_a(path: Path, fmt: str, why: str) -> LoadError:
    """``FILE: not a Word document (why)``."""
    return fail(path, Message(N_("not {what} ({why})"), what=Message(EXPECTED[fmt]), why=why))


def zip_parts(path: Path, data: bytes, fmt: str) -> dict[str, bytes]:
    """The XML parts of an Office file, checked by ``szbiz.ooxml`` with the importer's
    limits: at most MAX_MEMBERS files, MAX_UNPACKED bytes unpacked, MAX_XML of XML."""
    from szbiz import ooxml

    try:
        return ooxml.parts(
            data,
            max_members=MAX_MEMBERS,
            max_unpacked=MAX_UNPACKED,
            max_xml=MAX_XML,
            read=ooxml.is_xml,
        )
    except ooxml.Refused as refused:
        raise not_a(path, fmt, _refusal(refused)) from None


def _refusal(refused: ooxml.Refused) -> str:
    from szbiz.ooxml import Why

    if refused.why is Why.NOT_ZIP:
        return _("not a zip file")
    if refused.why is Why.MEMBERS:
        return _("it holds {count} files; at most {most} are read").format(
            count=f"{refused.figure:,}", most=f"{MAX_MEMBERS:,}"
        )
    if refused.why is Why.UNPACKED:
        return _("it would unpack to {size} bytes; at most {most} MiB are read").format(
            size=f"{refused.figure:,}", most=MAX_UNPACKED // MIB
        )
    if refused.why is Why.XML:
        return _("its XML would unpack to {size} bytes; at most {most} MiB are read").format(
            size=f"{refused.figure:,}", most=MAX_XML // MIB
        )
    if refused.why is Why.DAMAGED:
        return _("a damaged zip file: {why}").format(why=refused.detail)
    return _("a part declares a DOCTYPE or entities")
