"""Source table text (tab-separated rows from the published PDF) → the model.

The importer knows the document's layout and the agencies' spellings; it
reports every row it cannot read with its line number and never drops one.
"""

from __future__ import annotations

from pathlib import Path

from szbiz.errors import LoadError, Message, Problem
from szbiz.i18n import N_
from szbiz.importer.grid import Grid, Row
from szbiz.importer.names import COLLECTIVES as COLLECTIVES
from szbiz.importer.names import KINDS as KINDS
from szbiz.importer.names import PREFIXES as PREFIXES
from szbiz.importer.names import QUALIFIERS as QUALIFIERS
from szbiz.importer.names import SYNONYMS as SYNONYMS
from szbiz.importer.names import _Registry as _Registry
from szbiz.importer.names import _syllables as _syllables
from szbiz.importer.names import agency_codes as agency_codes
from szbiz.importer.names import agency_kind as agency_kind
from szbiz.importer.names import initials as initials
from szbiz.importer.names import split_agencies as split_agencies
from szbiz.model import TaskList

DEFAULT_ISSUER = "深圳市人民政府"


def text_grid(text: str, source_name: str) -> Grid:
    """Tab-separated text → rows of cells, a row per non-empty line."""
    rows = []
    for line_no, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.lstrip("\ufeff")
        if line.strip():
            rows.append(Row(tuple(line.split("\t")), f"line {line_no}", line_no))
    return Grid(source_name, tuple(rows))


def parse_source(text: str, source_name: str, issuer: str | None = None) -> TaskList:
    """Read the table text; raise LoadError listing every row that cannot be read."""
    from szbiz.importer.table import Options, read_table

    return read_table(text_grid(text, source_name), Options(issuer=issuer)).tasks


def source_text(path: Path) -> str:
    """A text source's characters; LoadError when it cannot be read or is not UTF-8."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        message = Message(N_("cannot read: {why}"), why=exc.strerror)
        raise LoadError([Problem(str(path), 0, 0, message, "io")]) from exc
    except UnicodeDecodeError as exc:
        message = Message(N_("not UTF-8 (byte {byte}); save it as UTF-8"), byte=exc.start)
        raise LoadError([Problem(str(path), 0, 0, message, "encoding")]) from exc


def read_source(path: Path, issuer: str | None = None) -> TaskList:
    return parse_source(source_text(path), path.name, issuer)
